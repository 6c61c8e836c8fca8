import asyncio


async def worker(name, n):
    total = 0
    for i in range(n):
        await asyncio.sleep(0)
        total += i
    return name, total


results = await asyncio.gather(worker("a", 2), worker("b", 3))
print(results)
