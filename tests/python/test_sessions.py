"""eryx.Session: state, reset, snapshots."""
import pytest

import eryx


def test_state_kept_and_reset():
    s = eryx.Session()
    s.execute("import math\ndef f(x):\n    return math.sqrt(x)\ny = 16")
    assert s.execute("result = f(y)").result == 4.0
    with pytest.raises(eryx.ExecutionError):
        s.execute("y = 25\nraise ValueError")
    assert s.execute("result = y").result == 25  # as the exception left it
    s.reset()
    with pytest.raises(eryx.ExecutionError, match="NameError"):
        s.execute("y")


def test_result_only_when_assigned():
    s = eryx.Session()
    assert s.execute("result = 1").result == 1
    assert s.execute("x = 2").result is None


def test_timeout_resets_the_session():
    s = eryx.Session(timeout=0.2)
    s.execute("x = 1")
    with pytest.raises(eryx.TimeoutError) as e:
        s.execute("while True: pass")
    assert e.value.result.session_reset is True
    with pytest.raises(eryx.ExecutionError, match="NameError"):
        s.execute("x")


def test_snapshot_and_restore_both_forms():
    s = eryx.Session()
    s.execute("gen = (i * i for i in range(10))\nnext(gen)\nsquare = lambda v: v * v")
    blob = s.snapshot()
    assert isinstance(blob, bytes) and len(blob) > 0
    s2 = eryx.Session.restore(blob, timeout=5, callbacks={"one": lambda: 1})
    assert isinstance(s2, eryx.Session)
    assert s2.execute("result = [next(gen), square(3), await one()]").result == [1, 9, 1]
    s.execute("gen = None")
    assert s.restore(memoryview(blob)) is s
    assert s.execute("result = next(gen)").result == 1


def test_bad_snapshots():
    s = eryx.Session()
    good = s.snapshot()
    for bad in (b"", b"garbage" * 100, good[: len(good) // 2], bytes(len(good))):
        with pytest.raises(ValueError, match="cannot restore the snapshot"):
            s.restore(bad)
    with pytest.raises(TypeError):
        s.restore("text")
    with pytest.raises(TypeError):
        s.restore()
    assert s.execute("result = 'still fine'").result == "still fine"
    with pytest.raises(ValueError):
        eryx.Session.restore(b"nope")


def test_session_only_methods():
    sb = eryx.Sandbox()
    assert not hasattr(sb, "snapshot") and not hasattr(sb, "reset")
    assert isinstance(eryx.Session(), eryx.Sandbox)


def test_snapshot_while_running_is_busy():
    import threading
    started = threading.Event()
    s = eryx.Session(timeout=30, on_stdout=lambda t: started.set())
    t = threading.Thread(target=lambda: pytest.raises(eryx.CancelledError, s.execute,
                                                      "print(1)\nwhile True: pass"))
    t.start()
    assert started.wait(10)
    for op in (s.snapshot, s.reset, lambda: s.restore(b"x")):
        with pytest.raises(eryx.BusyError):
            op()
    s.cancel()
    t.join(10)
