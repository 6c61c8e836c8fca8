# Generator pipelines: yield, yield from, generator expressions.
# half: held-out


def numbers(n):
    for i in range(n):
        yield i


def evens(it):
    for x in it:
        if x % 2 == 0:
            yield x


def squared(it):
    for x in it:
        yield x * x


def chunks(it, size):
    chunk = []
    for x in it:
        chunk.append(x)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def flatten(nested):
    for part in nested:
        yield from part


def bench():
    total = sum(squared(evens(numbers(160000))))
    sizes = sum(len(c) for c in chunks(numbers(100000), 7))
    flat = sum(flatten(chunks(numbers(80000), 5)))
    genexp = sum(x for x in range(100000) if x % 3)
    return total, sizes, flat, genexp
