# Generator-based coroutines driven by send(), and a round-robin scheduler.
# half: train


def averager():
    total, count, avg = 0.0, 0, None
    while True:
        x = yield avg
        total += x
        count += 1
        avg = total / count


def worker(ident, steps, log):
    for step in range(steps):
        log.append((ident + step) % 11)
        yield


def schedule(tasks):
    queue = list(tasks)
    while queue:
        task = queue.pop(0)
        try:
            next(task)
            queue.append(task)
        except StopIteration:
            pass


def bench():
    avg = averager()
    next(avg)
    last = None
    for i in range(120000):
        last = avg.send(i % 100)
    log = []
    schedule(worker(i, 500, log) for i in range(120))
    return round(last, 6), sum(log)
