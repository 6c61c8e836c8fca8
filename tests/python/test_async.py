"""Sandbox.execute_async: async callbacks on the caller's loop, concurrency,
cancellation."""
import asyncio
import threading

import pytest

import eryx


def run(coro):
    return asyncio.run(coro)


def test_execute_async_result_and_errors():
    async def main():
        sb = eryx.Sandbox()
        r = await sb.execute_async("print('hi')\nresult = 6 * 7")
        assert (r.stdout, r.result) == ("hi\n", 42)
        with pytest.raises(eryx.ExecutionError):
            await sb.execute_async("1 / 0")
        with pytest.raises(eryx.TimeoutError):
            await sb.execute_async("while True: pass", timeout=0.1)
        return "done"

    assert run(main()) == "done"


def test_loop_keeps_running_while_guest_runs():
    async def main():
        sb = eryx.Sandbox()
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.005)

        t = asyncio.create_task(ticker())
        await sb.execute_async("import time\ntime.sleep(0.3)")
        t.cancel()
        return ticks

    assert run(main()) > 5


def test_async_callbacks_run_concurrently_on_the_callers_loop():
    async def main():
        loop = asyncio.get_running_loop()
        running = peak = 0
        loops = []

        async def work(n: int):
            nonlocal running, peak
            loops.append(asyncio.get_running_loop())
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.05)
            running -= 1
            return n + 100

        sb = eryx.Sandbox(callbacks=[work])
        code = "import asyncio\nresult = await asyncio.gather(*(work(i) for i in range(5)))"
        r = await sb.execute_async(code)
        assert r.result == [100, 101, 102, 103, 104]
        assert all(l is loop for l in loops)
        return peak

    assert run(main()) == 5


def test_sync_callbacks_run_on_the_worker_thread():
    async def main():
        threads = []
        sb = eryx.Sandbox(callbacks={"where": lambda: threads.append(threading.current_thread())})
        await sb.execute_async("await where()")
        return threads[0]

    assert run(main()) is not threading.main_thread()


def test_cancelling_the_task_cancels_the_execution():
    async def main():
        started = asyncio.Event()
        loop = asyncio.get_running_loop()
        sb = eryx.Sandbox(timeout=30,
                          on_stdout=lambda text: loop.call_soon_threadsafe(started.set))
        task = asyncio.create_task(sb.execute_async("print('go')\nwhile True: pass"))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The execution has stopped: the sandbox is free at once.
        return (await sb.execute_async("result = 'free'")).result

    assert run(main()) == "free"


def test_cancelling_before_the_execution_starts():
    async def main():
        sb = eryx.Sandbox(timeout=30)
        task = asyncio.create_task(sb.execute_async("while True: pass"))
        await asyncio.sleep(0)  # the task has started, the worker maybe not
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return (await sb.execute_async("result = 1")).result

    for _ in range(20):
        assert run(main()) == 1


def test_cancel_while_waiting_on_an_async_callback():
    async def main():
        cancelled = asyncio.Event()

        async def hang():
            try:
                await asyncio.sleep(60)
            except asyncio.CancelledError:
                cancelled.set()
                raise

        sb = eryx.Sandbox(callbacks=[hang])
        task = asyncio.create_task(sb.execute_async("await hang()"))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The callback's task is cancelled too once the execution has ended.
        await asyncio.wait_for(cancelled.wait(), 5)
        return True

    assert run(main())


def test_wait_for_timeout_cancels():
    async def main():
        sb = eryx.Sandbox(timeout=30)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(sb.execute_async("while True: pass"), 0.2)
        return (await sb.execute_async("result = 2")).result

    assert run(main()) == 2


def test_several_sandboxes_at_once():
    async def main():
        boxes = [eryx.Sandbox() for _ in range(4)]
        results = await asyncio.gather(*(b.execute_async("result = %d" % i)
                                         for i, b in enumerate(boxes)))
        return [r.result for r in results]

    assert run(main()) == [0, 1, 2, 3]


def test_same_sandbox_twice_at_once_is_busy():
    async def main():
        sb = eryx.Sandbox()
        results = await asyncio.gather(sb.execute_async("import time\ntime.sleep(0.3)"),
                                       sb.execute_async("import time\ntime.sleep(0.3)"),
                                       return_exceptions=True)
        return results

    results = run(main())
    assert sum(isinstance(r, eryx.BusyError) for r in results) == 1
    assert sum(isinstance(r, eryx.ExecuteResult) for r in results) == 1
