# asyncio: asyncio.run, gather (ordering of results, return_exceptions), sleep-based ordering
# with well separated delays, as_completed and wait. Only order-determined events are printed.
import asyncio

log = []

async def worker(name, delay, result):
    log.append(f"start {name}")
    await asyncio.sleep(delay)
    log.append(f"end {name}")
    return result

async def failing(delay, exc):
    await asyncio.sleep(delay)
    raise exc

async def main():
    results = await asyncio.gather(worker("a", 0.03, 1), worker("b", 0.01, 2), worker("c", 0.02, 3))
    print("gather results (argument order):", results)
    print("log:", log)
    log.clear()

    res = await asyncio.gather(worker("x", 0.01, "ok"), failing(0.02, ValueError("boom")),
                               failing(0.0, KeyError("k")), return_exceptions=True)
    print("return_exceptions:", [type(r).__name__ if isinstance(r, BaseException) else r for r in res], [str(r) for r in res])
    try:
        await asyncio.gather(worker("y", 0.02, 1), failing(0.01, RuntimeError("first failure")))
    except RuntimeError as e:
        print("gather propagated:", repr(e))
    await asyncio.sleep(0.02)  # let "y" finish
    print("log:", log)
    log.clear()

    order = []  # as_completed starts its tasks in set order, so only completion order is printed
    for coro in asyncio.as_completed([worker("s3", 0.03, "slow"), worker("s1", 0.01, "fast"), worker("s2", 0.02, "mid")]):
        order.append(await coro)
    print("as_completed:", order)
    log.clear()

    tasks = [asyncio.create_task(worker(f"w{i}", 0.01 * (3 - i), i * i), name=f"w{i}") for i in range(3)]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print("FIRST_COMPLETED done:", sorted(t.get_name() for t in done), "pending:", sorted(t.get_name() for t in pending))
    done, pending = await asyncio.wait(tasks)
    print("all done:", sorted(t.result() for t in done), len(pending))

    async def square(n):
        await asyncio.sleep(0)
        return n * n
    print("fan-out:", await asyncio.gather(*(square(i) for i in range(10))))
    print("empty gather:", await asyncio.gather())

    steps = []
    async def ticker(name, n):
        for i in range(n):
            steps.append(f"{name}{i}")
            await asyncio.sleep(0)
    await asyncio.gather(ticker("A", 3), ticker("B", 2), ticker("C", 4))
    print("round robin:", " ".join(steps))
    return "main finished"

print(asyncio.run(main()))
coro = worker("solo", 0, 42)
print(asyncio.iscoroutine(coro), asyncio.iscoroutinefunction(worker), asyncio.iscoroutinefunction(print))
print(asyncio.run(coro), log)
