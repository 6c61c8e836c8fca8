"""Output handlers (str chunks as they come), trace events as Python
objects, and handlers that raise."""
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
