"""Reference counting: 10,000 executions through every path of the binding
(results, exceptions, callbacks sync and async, output and trace handlers,
collected traces, snapshots) leave the process's memory and Python's object
count flat."""
import gc
import os
import sys

import eryx


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_no_leak_over_10000_executions():
    sink = []

    def on_out(text):
        sink.append(text)
        del sink[:]

    def echo(**kwargs):
        return {"echo": kwargs, "list": [1, 2.5, "x", None]}

    def broken():
        raise ValueError("no")

    async def later(n: int):
        return [n]

    def not_json():
        return {1, 2}

    events = []

    def on_trace(event):
        events.append(event.kind)
        del events[:]

    sb = eryx.Sandbox(on_stdout=on_out, on_stderr=on_out,
                      callbacks=[echo, broken, later, not_json])
    traced = eryx.Sandbox(trace=on_trace)
    collector = eryx.Sandbox()
    session = eryx.Session()
    programs = [
        (sb, "print('x' * 100)\nresult = {'a': [1, 2, {'b': 'é' * 50}]}", None),
        (sb, "result = await echo(k='v', n=[1, 2])", None),
        (sb, "try:\n    await broken()\nexcept CallbackError as e:\n    result = str(e)", None),
        (sb, "try:\n    await not_json()\nexcept CallbackError as e:\n    result = str(e)", None),
        (sb, "result = await later(3)", None),
        (sb, "import sys\nprint('err', file=sys.stderr)\n1 / 0", eryx.ExecutionError),
        (sb, "result = {1}", None),
        (traced, "def f(x):\n    return x\nfor i in range(3):\n    f(i)", None),
        (collector, "x = 1", "collect"),
        (session, "counter = globals().get('counter', 0) + 1\nresult = counter", None),
    ]
    refs_before = [sys.getrefcount(f) for f in (on_out, echo, broken, later, on_trace)]

    def run(rounds):
        for i in range(rounds):
            box, code, expect = programs[i % len(programs)]
            if expect is eryx.ExecutionError:
                try:
                    box.execute(code)
                except eryx.ExecutionError as e:
                    assert e.result.error is e
                else:
                    raise AssertionError("no exception")
            elif expect == "collect":
                assert len(box.execute(code, trace=True).trace) == 3
            else:
                box.execute(code)
            if i % 500 == 0:
                eryx.Session.restore(session.snapshot())

    run(1000)  # warm-up: caches, allocator pools, the callback loop thread
    gc.collect()
    rss, objects = rss_bytes(), len(gc.get_objects())
    run(10000)
    gc.collect()
    grown_kib = (rss_bytes() - rss) / 1024
    assert grown_kib < 2048, "RSS grew by %.0f KiB over 10,000 executions" % grown_kib
    assert len(gc.get_objects()) - objects < 100
    assert [sys.getrefcount(f) for f in (on_out, echo, broken, later, on_trace)] == refs_before
