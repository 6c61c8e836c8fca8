# asyncio: create_task, wait_for / asyncio.timeout that fire, cancellation, exceptions inside
# tasks. Only order-determined events are printed.
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
    t1 = asyncio.create_task(job("t1", 0.02), name="first")
    t2 = asyncio.create_task(job("t2", 0.01))
    print(t1.get_name(), t1.done(), events)
    await asyncio.sleep(0)
    print("after one yield:", events)
    print(await t1, await t2, t1.done(), t1.result(), t1.cancelled(), events)
    events.clear()

    try:
        await asyncio.wait_for(job("slow", 1.0), timeout=0.01)
    except asyncio.TimeoutError as e:
        print("wait_for timed out:", type(e).__name__, asyncio.TimeoutError is TimeoutError, events)
    print("wait_for in time:", await asyncio.wait_for(job("fast", 0.0), timeout=1.0))
    events.clear()
    try:
        async with asyncio.timeout(0.01) as cm:
            await job("in-timeout", 1.0)
    except TimeoutError:
        print("asyncio.timeout fired:", cm.expired(), events)
    events.clear()

    t = asyncio.create_task(job("victim", 1.0))
    await asyncio.sleep(0)
    t.cancel("stop now")
    try:
        await t
    except asyncio.CancelledError as e:
        print("cancelled:", t.cancelled(), e.args, events)
    events.clear()

    bad = asyncio.create_task(job("bad", 0.0, fail=ZeroDivisionError("div by zero in task")))
    await asyncio.sleep(0.01)
    print("task exception:", bad.done(), repr(bad.exception()), events)
    try:
        await bad
    except ZeroDivisionError as e:
        print("re-raised on await:", e)
    events.clear()

asyncio.run(main())
