# asyncio: TaskGroup with failing tasks and except*, shield, done callbacks, futures and
# call_later. Only order-determined events are printed.
import asyncio

events = []

async def job(name, delay, fail=None):
    events.append(f"{name}:start")
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        events.append(f"{name}:cancelled")
        raise
    if fail:
        raise fail
    events.append(f"{name}:done")
    return name.upper()

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(job("g1", 0.01))
            tg.create_task(job("g2", 0.02, fail=ValueError("g2 failed")))
            tg.create_task(job("g3", 0.5))
    except* ValueError as eg:
        print("TaskGroup ValueError group:", [str(e) for e in eg.exceptions], events)
    events.clear()
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(job("h1", 0, fail=KeyError("h1")))
            tg.create_task(job("h2", 0, fail=OSError("h2")))
    except* KeyError as eg:
        print("except* KeyError:", [repr(e) for e in eg.exceptions])
    except* OSError as eg:
        print("except* OSError:", [repr(e) for e in eg.exceptions])
    print(events)
    events.clear()
    async with asyncio.TaskGroup() as tg:
        ok = [tg.create_task(job(f"k{i}", 0.01 * i)) for i in range(3)]
    print("TaskGroup ok:", [t.result() for t in ok], events)
    events.clear()

    inner = asyncio.create_task(job("shielded", 0.02))
    try:
        await asyncio.wait_for(asyncio.shield(inner), timeout=0.01)
    except TimeoutError:
        print("shield: outer timed out, inner cancelled?", inner.cancelled())
    print("shield inner result:", await inner, events)

    seen = []
    cb_task = asyncio.create_task(job("cb", 0.0))
    cb_task.add_done_callback(lambda fut: seen.append(("callback", fut.result())))
    await cb_task
    await asyncio.sleep(0)
    print("done callback:", seen)
    fut = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().call_later(0.01, fut.set_result, "future value")
    print("future:", await fut, fut.done())

asyncio.run(main())
