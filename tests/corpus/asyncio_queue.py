# asyncio.Queue producer/consumer with backpressure (maxsize), task_done/join,
# PriorityQueue, LifoQueue, QueueEmpty/QueueFull.
import asyncio

async def queue_demo():
    q = asyncio.Queue(maxsize=2)
    log = []

    async def producer(n):
        for i in range(n):
            await q.put(i)
            log.append(f"put {i} (size {q.qsize()})")
        await q.put(None)

    async def consumer():
        total = 0
        while (item := await q.get()) is not None:
            log.append(f"got {item}")
            total += item
            q.task_done()
        q.task_done()
        return total

    _, total = await asyncio.gather(producer(5), consumer())
    await q.join()
    print("queue log:", log)
    print("total:", total, "empty:", q.empty(), "full:", q.full(), "maxsize:", q.maxsize)
    pq = asyncio.PriorityQueue()
    for item in [(3, "low"), (1, "high"), (2, "mid"), (1, "also-high")]:
        pq.put_nowait(item)
    print("priority:", [pq.get_nowait() for _ in range(pq.qsize())])
    lq = asyncio.LifoQueue()
    for i in range(4):
        await lq.put(i)
    print("lifo:", [lq.get_nowait() for _ in range(4)])
    try:
        q.get_nowait()
    except asyncio.QueueEmpty:
        print("QueueEmpty raised")
    full = asyncio.Queue(1)
    full.put_nowait("x")
    try:
        full.put_nowait("y")
    except asyncio.QueueFull:
        print("QueueFull raised")

async def pipeline_demo():
    jobs, results = asyncio.Queue(), asyncio.Queue()
    handled = []

    async def worker(name):
        while True:
            n = await jobs.get()
            try:
                for _ in range(n % 3):  # uneven amounts of work, scheduled deterministically
                    await asyncio.sleep(0)
                handled.append(f"{name}:{n}")
                await results.put((n, n * n))
            finally:
                jobs.task_done()

    workers = [asyncio.create_task(worker(f"w{i}")) for i in range(3)]
    for n in range(9):
        jobs.put_nowait(n)
    await jobs.join()
    for w in workers:
        w.cancel()
    outcome = await asyncio.gather(*workers, return_exceptions=True)
    print("handled:", handled)
    print("results:", sorted(results.get_nowait() for _ in range(results.qsize())))
    print("workers:", [type(o).__name__ for o in outcome], all(w.cancelled() for w in workers))

async def main():
    await queue_demo()
    await pipeline_demo()

asyncio.run(main())
