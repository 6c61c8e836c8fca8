"""Threads: the GIL is released while the guest runs, cancel() from any
thread, Ctrl-C, and one sandbox used from two threads at once."""
import asyncio
import os
import signal
import threading

import pytest

import eryx


def started_sandbox(**options):
    """A sandbox whose `started` event is set when the code prints."""
    started = threading.Event()
    sb = eryx.Sandbox(on_stdout=lambda text: started.set(), **options)
    return sb, started


def run_in_thread(fn):
    box = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: B902 - reported to the test
            box["error"] = exc

    t = threading.Thread(target=target)
    t.start()
    return t, box


def test_gil_released_while_guest_computes():
    # While one thread runs a busy loop in the guest, this thread runs Python;
    # were the GIL held, it could not until the 30 s timeout.
    sb, started = started_sandbox(timeout=30)
    t, box = run_in_thread(lambda: sb.execute("print('go')\nwhile True: pass"))
    assert started.wait(10)
    counted = sum(range(100000))  # Python bytecode on this thread
    sb.cancel()
    t.join(10)
    assert counted == 4999950000
    assert isinstance(box.get("error"), eryx.CancelledError)
    assert box["error"].result.stdout.startswith("go")


def test_parallel_sandboxes_in_threads():
    barrier = threading.Barrier(4, timeout=10)

    def meet():
        barrier.wait()  # all four executions are in progress at once
        return True

    boxes = [eryx.Sandbox(callbacks={"meet": meet}) for _ in range(4)]
    threads = [run_in_thread(lambda b=b, i=i: b.execute("await meet()\nresult = %d" % i))
               for i, b in enumerate(boxes)]
    for t, _ in threads:
        t.join(20)
    assert [box["value"].result for _, box in threads] == [0, 1, 2, 3]


def test_same_sandbox_from_two_threads():
    sb, started = started_sandbox(timeout=30)
    t, box = run_in_thread(lambda: sb.execute("print('go')\nwhile True: pass"))
    assert started.wait(10)
    with pytest.raises(eryx.BusyError, match="in use"):
        sb.execute("pass")
    for op in (sb.close,):
        with pytest.raises(eryx.BusyError):
            op()
    sb.cancel()
    t.join(10)
    assert isinstance(box["error"], eryx.CancelledError)
    assert sb.execute("result = 'after'").result == "after"


def test_many_threads_hammering_one_sandbox():
    sb = eryx.Sandbox()
    outcomes = []
    lock = threading.Lock()

    def worker():
        for _ in range(30):
            try:
                sb.execute("result = sum(range(1000))")
                kind = "ok"
            except eryx.BusyError:
                kind = "busy"
            with lock:
                outcomes.append(kind)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(outcomes) == 120 and "ok" in outcomes
    assert set(outcomes) <= {"ok", "busy"}


def test_cancel_from_a_handler_and_with_nothing_running():
    sb = eryx.Sandbox(timeout=30)
    sb.cancel()  # nothing runs: nothing happens
    assert sb.execute("result = 1").result == 1
    sb2 = eryx.Sandbox(timeout=30, on_stdout=lambda text: sb2.cancel())
    with pytest.raises(eryx.CancelledError):
        sb2.execute("print('x')\nwhile True: pass")


def test_cancel_stops_a_sleep_and_a_callback_wait():
    for code in ("import time\nprint('go')\ntime.sleep(60)",
                 "print('go')\nawait hang()"):
        sb, started = started_sandbox(timeout=30, callbacks={"hang": never_finishes})
        t, box = run_in_thread(lambda: sb.execute(code))
        assert started.wait(10)
        sb.cancel()
        t.join(10)
        assert isinstance(box["error"], eryx.CancelledError), code


async def never_finishes():
    await asyncio.sleep(600)


def sigint_when(started):
    """Sends us SIGINT (as Ctrl-C does) once `started` is set."""
    def interrupt():
        started.wait(10)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt).start()


def test_keyboard_interrupt_cancels_execute():
    # Python's handler for SIGINT, whatever the shell that started us left.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        sb, started = started_sandbox(timeout=30)
        sigint_when(started)
        with pytest.raises(KeyboardInterrupt):
            sb.execute("print('go')\nwhile True: pass")
        assert sb.execute("result = 'alive'").result == "alive"
        # The handler is Python's again once the execution has ended.
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000000):
                pass
    finally:
        signal.signal(signal.SIGINT, previous)


def test_own_sigint_handler_still_runs():
    calls = []
    previous = signal.signal(signal.SIGINT, lambda sig, frame: calls.append(sig))
    try:
        sb, started = started_sandbox(timeout=30)
        sigint_when(started)
        # The user's handler does not raise: the execution is cancelled.
        with pytest.raises(eryx.CancelledError):
            sb.execute("print('go')\nwhile True: pass")
        assert calls == [signal.SIGINT]
    finally:
        signal.signal(signal.SIGINT, previous)
