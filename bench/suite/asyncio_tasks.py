# asyncio: tasks, gather, a queue between producers and consumers, events.
# half: held-out
import asyncio


async def producer(queue, n, base):
    for i in range(n):
        await queue.put(base + i)
        if i % 10 == 0:
            await asyncio.sleep(0)


async def consumer(queue, results):
    while True:
        item = await queue.get()
        results.append(item * 2)
        queue.task_done()


async def compute(i):
    await asyncio.sleep(0)
    return i * i


async def main():
    queue = asyncio.Queue(maxsize=50)
    results = []
    consumers = [asyncio.create_task(consumer(queue, results)) for _ in range(4)]
    await asyncio.gather(*(producer(queue, 300, k * 1000) for k in range(8)))
    await queue.join()
    for c in consumers:
        c.cancel()
    await asyncio.gather(*consumers, return_exceptions=True)
    squares = await asyncio.gather(*(compute(i) for i in range(1500)))
    event = asyncio.Event()
    waiters = [asyncio.create_task(event.wait()) for _ in range(200)]
    await asyncio.sleep(0)
    event.set()
    await asyncio.gather(*waiters)
    return sum(results), sum(squares)


def bench():
    return asyncio.run(main())
