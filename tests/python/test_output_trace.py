"""Output handlers (str chunks as they come), trace events as Python
objects, and handlers that raise."""
import threading
import time

import pytest

import eryx


def test_output_chunks_as_they_come():
    events = []
    sb = eryx.Sandbox(on_stdout=lambda t: events.append(("out", t)),
                      on_stderr=lambda t: events.append(("err", t)),
                      callbacks={"mark": lambda: events.append(("mark", None))})
    code = ("import sys\nprint('one', flush=True)\nprint('two', file=sys.stderr, flush=True)\n"
            "await mark()\nprint('é' * 3, end='')")
    r = sb.execute(code)
    assert all(isinstance(t, str) for kind, t in events if kind != "mark")
    # Each chunk arrived before what the code did next (the callback).
    merged = []
    for kind, text in events:
        if merged and merged[-1][0] == kind and kind != "mark":
            merged[-1] = (kind, merged[-1][1] + text)
        else:
            merged.append((kind, text))
    assert merged == [("out", "one\n"), ("err", "two\n"), ("mark", None), ("out", "ééé")]
    assert r.stdout == "one\nééé" and r.stderr == "two\n"  # captured as well


def test_only_stderr_handler():
    got = []
    sb = eryx.Sandbox(on_stderr=got.append)
    r = sb.execute("import sys\nprint('o')\nprint('e', file=sys.stderr)")
    assert "".join(got) == "e\n" and r.stdout == "o\n"


def test_output_handler_that_raises():
    class Stop(Exception):
        pass

    def handler(text):
        raise Stop(text)

    sb = eryx.Sandbox(timeout=30, on_stdout=handler)
    with pytest.raises(Stop, match="first"):
        sb.execute("print('first', flush=True)\nwhile True: print('more')")
    assert sb.execute("result = 'fine'").result == "fine"


def test_trace_collected():
    sb = eryx.Sandbox(trace=True)
    r = sb.execute("def f(x):\n    return x * 2\ny = f(1)\ntry:\n    1/0\nexcept Exception:\n"
                   "    pass\n")
    kinds = [e.kind for e in r.trace]
    assert kinds[0] == "call" and "line" in kinds and "return" in kinds
    calls = [e for e in r.trace if e.kind == "call"]
    assert [e.function for e in calls] == ["<module>", "f"]
    exc = [e for e in r.trace if e.kind == "exception"][0]
    assert (exc.exc_type, exc.exc_message, exc.lineno) == ("ZeroDivisionError",
                                                            "division by zero", 5)
    assert isinstance(r.trace[0], eryx.TraceEvent)
    assert repr(calls[1]) == "TraceEvent(kind='call', lineno=1, function='f')"
    assert r.trace_truncated is False


def test_trace_handler_and_callback_events():
    events = []
    sb = eryx.Sandbox(trace=events.append, callbacks={"echo": lambda **kw: kw})
    r = sb.execute("x = await echo(a=1)")
    assert r.trace == []  # to the handler, not collected
    start = [e for e in events if e.kind == "callback_start"][0]
    end = [e for e in events if e.kind == "callback_end"][0]
    assert (start.name, start.args, start.lineno) == ("echo", {"a": 1}, 1)
    assert end.error is None and end.duration_ms >= 0 and start.duration_ms is None


def test_trace_per_execution():
    sb = eryx.Sandbox()
    assert sb.execute("x = 1").trace == []
    assert [e.kind for e in sb.execute("x = 1", trace=True).trace] == ["call", "line", "return"]
    traced = eryx.Sandbox(trace=True)
    assert traced.execute("x = 1", trace=False).trace == []


def test_trace_handler_that_raises():
    def handler(event):
        if event.kind == "line" and event.lineno == 2:
            raise RuntimeError("stop at line 2")

    sb = eryx.Sandbox(timeout=30, trace=handler)
    with pytest.raises(RuntimeError, match="stop at line 2"):
        sb.execute("x = 1\nwhile True:\n    x += 1")
    assert sb.execute("result = 5", trace=False).result == 5


def test_bad_trace_option():
    with pytest.raises(TypeError):
        eryx.Sandbox(trace="yes")


# ---- step-through: trace_step=True ----

# Line 3 computes for a while without events of its own (sleeping would
# flush the buffered events).
STEP_CODE = "import time\nx = 1\nsum(range(2 * 10**7))\nprint('after')\n"


def line_seen_at(step):
    """When the handler saw line 3, seconds after execute began, and how
    long the execution took."""
    seen = {}

    def handler(event):
        if event.kind == "line" and event.lineno == 3 and "t" not in seen:
            seen["t"] = time.monotonic() - start
    sb = eryx.Sandbox(trace=handler, trace_step=step)
    start = time.monotonic()
    sb.execute(STEP_CODE)
    return seen["t"], time.monotonic() - start


def test_step_mode_delivers_each_event_before_its_line_runs():
    # Buffered, line 3's event comes with the burst after the computation,
    # flushed before line 4's output; in step mode before line 3 runs.
    seen, took = line_seen_at(False)
    assert seen > took / 2
    seen, took = line_seen_at(True)
    assert seen < took / 4


def test_step_handler_that_blocks_pauses_the_code_and_the_timeout():
    times = []

    def handler(event):
        if event.kind == "line" and event.lineno == 2:
            time.sleep(0.8)  # longer than the timeout: paused time does not count

    sb = eryx.Sandbox(trace=handler, trace_step=True, timeout=0.5,
                      on_stdout=lambda text: times.append(time.monotonic()))
    start = time.monotonic()
    r = sb.execute("print('a')\nprint('b')\n")
    assert r.stdout == "a\nb\n"
    assert times[-1] - start >= 0.8


def test_step_handler_that_raises_stops_before_the_line():
    class Stop(Exception):
        pass

    def handler(event):
        if event.kind == "line" and event.lineno == 2:
            raise Stop("here")

    out = []
    sb = eryx.Sandbox(trace=handler, trace_step=True, on_stdout=out.append)
    with pytest.raises(Stop):
        sb.execute("print('one')\nprint('two')\n")
    assert "".join(out) == "one\n"
    assert sb.execute("result = 1").result == 1  # the sandbox goes on


def test_cancel_while_the_step_handler_holds_the_code():
    release = threading.Event()

    def handler(event):
        if event.kind == "line" and event.lineno == 2:
            release.wait(10)

    out = []
    sb = eryx.Sandbox(trace=handler, trace_step=True, on_stdout=out.append)

    def cancel_then_release():
        time.sleep(0.2)
        sb.cancel()
        release.set()

    t = threading.Thread(target=cancel_then_release)
    t.start()
    with pytest.raises(eryx.CancelledError):
        sb.execute("print('one')\nprint('two')\n")
    t.join()
    assert "".join(out) == "one\n"


def test_trace_step_needs_a_handler():
    with pytest.raises(ValueError, match="trace_step"):
        eryx.Sandbox(trace_step=True)
    with pytest.raises(ValueError, match="trace_step"):
        eryx.Sandbox(trace=True, trace_step=True)
