# asyncio synchronisation primitives: Event, Lock, Semaphore, Condition.
import asyncio

async def event_demo():
    ev = asyncio.Event()
    order = []

    async def waiter(name):
        order.append(f"{name} waiting")
        await ev.wait()
        order.append(f"{name} released")

    tasks = [asyncio.create_task(waiter(n)) for n in ("w1", "w2", "w3")]
    await asyncio.sleep(0.01)
    order.append(f"setting (is_set={ev.is_set()})")
    ev.set()
    await asyncio.gather(*tasks)
    ev.clear()
    print("event:", order, ev.is_set())

async def lock_demo():
    lock = asyncio.Lock()
    counter = {"value": 0}
    trace = []

    async def incr(name):
        for _ in range(3):
            async with lock:
                trace.append(name)
                v = counter["value"]
                await asyncio.sleep(0)  # would race without the lock
                counter["value"] = v + 1

    await asyncio.gather(incr("a"), incr("b"), incr("c"))
    print("lock:", counter["value"], "".join(trace), lock.locked())
    sem = asyncio.Semaphore(2)
    active, peak, seq = 0, 0, []

    async def limited(i):
        nonlocal active, peak
        async with sem:
            active += 1
            peak = max(peak, active)
            seq.append(f"+{i}")
            await asyncio.sleep(0)
            seq.append(f"-{i}")
            active -= 1

    await asyncio.gather(*(limited(i) for i in range(5)))
    print("semaphore:", peak, " ".join(seq))
    cond = asyncio.Condition()
    items, got = [], []

    async def cons(name):
        async with cond:
            await cond.wait_for(lambda: items)
            got.append((name, items.pop(0)))

    cs = [asyncio.create_task(cons(f"c{i}")) for i in range(3)]
    await asyncio.sleep(0)
    for v in ("x", "y", "z"):
        async with cond:
            items.append(v)
            cond.notify(1)
        await asyncio.sleep(0)
    await asyncio.gather(*cs)
    print("condition:", got)

async def main():
    await event_demo()
    await lock_demo()

asyncio.run(main())
