"""`eryx session`: JSON Lines requests and answers, state, malformed lines,
limits, snapshots.

usage: python3.11 tests/test_cli_session.py [FILTER]
Ends with the line "N passed, N failed".
"""
import json
import os
import subprocess
import sys
import tempfile

from cli_common import ERYX, eryx, expect, expect_eq, main, run_json, test, trace_lines


# ---- eryx session ----

def session(lines, *args, timeout=60):
    """Runs `eryx session` with the given request lines (dicts are dumped);
    returns (status, raw answer lines, parsed answers, stderr)."""
    text = "".join((json.dumps(l) if not isinstance(l, str) else l) + "\n" for l in lines)
    status, out, err = eryx("session", *args, stdin=text.encode(), timeout=timeout)
    raw = out.splitlines()
    return status, raw, [json.loads(l) for l in raw], err


@test
def session_keeps_state():
    status, raw, answers, err = session([
        {"id": 1, "code": "x = 41\ndef inc(v):\n    return v + 1"},
        {"id": "two", "code": "x = inc(x)\nprint('x is', x)\nresult = x"},
        {"code": "result = [x, inc(1)]"},
        {"id": 4, "code": "1 / 0"},
        {"id": 5, "code": "result = x"},
    ])
    expect_eq((status, err), (0, ""), "status")
    expect_eq(len(answers), 5, "one answer per request")
    for line in raw:
        expect(line.startswith('{"id": '), "id first: " + line)
    expect_eq([a["id"] for a in answers], [1, "two", None, 4, 5], "ids")
    expect_eq(answers[1]["result"], 42, "state kept")
    expect_eq(answers[1]["stdout"], "x is 42\n", "stdout")
    expect_eq(answers[2]["result"], [42, 2], "state kept")
    expect_eq(answers[3]["error"]["type"], "ZeroDivisionError", "exception")
    expect_eq(answers[4]["result"], 42, "state after an exception")
    # The same members as `run --json`, plus "id" first.
    _, single, _ = run_json("x = 1")
    expect_eq(list(answers[0]), ["id"] + list(single), "members")


@test
def session_ids_written_anew():
    # Numbers keep their text (big integers survive); strings and spacing
    # are written canonically, so a raw CR or U+2028 escape cannot reach the
    # client as anything but an escape.
    lines = ['{"id": 1.50, "code": "pass"}', '{"code": "pass", "id": "\\u0041b"}',
             '{ "id" : [1, {"k": null}] , "op": "reset"}', '{"id": -0.0e+0, "op": "bogus"}',
             '{"id": 123456789012345678901234567890, "op": "reset"}',
             '{"id": "a\\rb\\n\\u0000\\u001b", "op": "reset"}',
             '{"id": [1,\r2,\t3], "op": "reset"}']
    status, raw, answers, _ = session(lines)
    expect_eq(status, 0, "status")
    expect(raw[0].startswith('{"id": 1.50, "stdout"'), raw[0])
    expect(raw[1].startswith('{"id": "Ab", "stdout"'), raw[1])
    expect_eq(raw[2], '{"id": [1, {"k": null}], "ok": true}', "op answer")
    expect(raw[3].startswith('{"id": -0.0e+0, "ok": false, "error": '), raw[3])
    expect_eq(raw[4], '{"id": 123456789012345678901234567890, "ok": true}', "big integer")
    expect_eq(raw[5], '{"id": "a\\rb\\n\\u0000\\u001b", "ok": true}', "escapes")
    expect_eq(answers[5]["id"], "a\rb\n\x00\x1b", "id value")
    expect_eq(raw[6], '{"id": [1, 2, 3], "ok": true}', "raw CR between values")
    expect_eq(len(raw), len(lines), "one line per answer")


@test
def session_reset():
    status, _, answers, _ = session([
        {"id": 1, "code": "x = 1"},
        {"id": 2, "op": "reset"},
        {"id": 3, "code": "result = 'x' in globals()"},
    ])
    expect_eq(status, 0, "status")
    expect_eq(answers[1], {"id": 2, "ok": True}, "reset answer")
    expect_eq(answers[2]["result"], False, "state gone after reset")


@test
def session_malformed_lines():
    lines = [
        "not json", "[1, 2]", '"text"', '{"id": 1}', '{"id": 2, "code": 3}',
        '{"id": 3, "code": "pass", "op": "reset"}', '{"id": 4, "op": "fly"}',
        '{"id": 5, "op": 7}', '{"id": 6, "op": "snapshot"}', '{"id": 7, "op": "restore", "path": 1}',
        '{"id": 8, "cdoe": "x = 1"}', '{"id": 9, "code": "pass"} trailing', '{"id": 10, "code": "x',
        "", "   ", '{"id": 11, "code": "result = 11"}',
    ]
    status, raw, answers, err = session(lines)
    expect_eq((status, err), (0, ""), "status")
    expect_eq(len(answers), 14, "blank lines skipped, every other line answered")
    ids = [None, None, None, 1, 2, 3, 4, 5, 6, 7, 8, None, None]
    for answer, expected_id, line in zip(answers, ids, lines):
        expect_eq(answer.get("id", "missing"), expected_id, "id for %r" % line)
        expect_eq(answer.get("ok"), False, "ok for %r" % line)
        expect(isinstance(answer.get("error"), str) and answer["error"], "error for %r" % line)
        expect_eq(sorted(answer), ["error", "id", "ok"], "members for %r" % line)
    expect_eq(answers[13]["result"], 11, "the session goes on")


@test
def session_long_lines_and_eof():
    code = "result = len('" + "x" * 3_000_000 + "')"
    status, _, answers, _ = session([{"id": 1, "code": code}])
    expect_eq((status, answers[0]["result"]), (0, 3_000_000), "3 MB request")
    # No trailing newline on the last request; empty input.
    status, out, _ = eryx("session", stdin=b'{"id": 1, "code": "result = 1"}')
    expect_eq((status, json.loads(out)["result"]), (0, 1), "last line without newline")
    status, out, err = eryx("session", stdin=b"")
    expect_eq((status, out, err), (0, "", ""), "empty input")


def session_rusage(*parts):
    """Runs `eryx session` with the concatenated parts (bytes) on stdin;
    returns (status, answers, max RSS in MiB). The input goes through a file
    written first, so that our own memory (which a forked child starts with
    in its count) is back to normal when eryx starts."""
    with tempfile.TemporaryFile() as f:
        for part in parts:
            f.write(part)
        del parts, part
        f.seek(0)
        p = subprocess.Popen([ERYX, "session"], stdin=f, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        out = p.stdout.read()
        _, wstatus, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(wstatus)
        p.stdout.close()
    return p.returncode, [json.loads(l) for l in out.splitlines()], usage.ru_maxrss / 1024


@test
def session_line_limit():
    # A line over the limit (32 MiB) is answered with an error without being
    # kept, and the session goes on.
    big = (b'{"id": 1, "code": "', b"#" * (33 << 20), b'"}')
    status, answers, rss = session_rusage(*big, b'\n{"id": 2, "code": "result = 2"}\n')
    expect_eq(status, 0, "status")
    expect_eq(len(answers), 2, "answers")
    expect_eq((answers[0]["id"], answers[0]["ok"]), (None, False), "too long")
    expect("longer than" in answers[0]["error"] and "32 MiB" in answers[0]["error"],
           answers[0]["error"])
    expect_eq(answers[1]["result"], 2, "next request")
    expect(rss < 200, "a dropped 33 MiB line took %.0f MiB" % rss)
    # The same at the end of input without a newline.
    status, answers, _ = session_rusage(b'{"id": 2, "code": "result = 2"}\n', *big)
    expect_eq([a.get("ok") for a in answers], [None, False], "last line too long")


@test
def session_parse_memory():
    # Parsing a 20 MiB line of small values took 1.08 GB; now about 10x.
    status, answers, rss = session_rusage(b'{"id": 1, "junk": [', b"0," * (10 << 20), b"0]}\n",
                                          b'{"id": 2, "code": "result = 2"}\n')
    expect_eq(status, 0, "status")
    expect("unknown member" in answers[0]["error"], answers[0]["error"])
    expect_eq(answers[1]["result"], 2, "next request")
    expect(rss < 400, "20 MiB line took %.0f MiB" % rss)


@test
def session_limits_and_trace():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "t.jsonl")
        status, _, answers, _ = session([
            {"id": 1, "code": "x = 1"},
            {"id": 2, "code": "while True: pass"},
            {"id": 3, "code": "result = 'x' in globals()"},
        ], "--timeout", "0.5", "--trace", path)
        with open(path) as f:
            events = trace_lines(f.read())
    expect_eq(status, 0, "status")
    expect_eq(answers[1]["error"]["kind"], "timeout", "timeout")
    expect_eq(answers[1].get("session_reset"), True, "session_reset")
    expect_eq(answers[2]["result"], False, "state reset after the timeout")
    expect("trace" in answers[0] and answers[0]["trace"], "trace member")
    expect(events, "trace file")


@test
def session_trace_answers():
    # With --trace each code answer is one line: id first, then "trace"
    # (written as the events came), equal to that execution's lines of the
    # file; other answers carry no trace; an execution with no event of its
    # own still has an empty one.
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "t.jsonl")
        status, raw, answers, _ = session([
            {"id": [1, {"a": "}"}], "code": "def f(v):\n    return v\nresult = f(2)"},
            {"id": 2, "op": "reset"},
            "not json",
            {"id": 4, "code": "for i in range(3000):\n    pass"},
            {"id": 5, "code": ""},
        ], "--trace", path)
        with open(path) as f:
            events = trace_lines(f.read())
    expect_eq((status, len(raw)), (0, 5), "status, one line per answer")
    expect_eq([a.get("id") for a in answers], [[1, {"a": "}"}], 2, None, 4, 5], "ids")
    for i in (0, 3, 4):
        expect_eq(list(answers[i])[:2], ["id", "trace"], "members of answer %d" % i)
    expect_eq(answers[0]["result"], 2, "result")
    expect("trace" not in answers[1] and "trace" not in answers[2], raw[1:3])
    traced = [e for a in answers for e in a.get("trace", [])]
    expect_eq(traced, events, "the answers' traces are the file's events")
    expect_eq(len(answers[3]["trace"]), 6003, "events of the loop")
    # An id larger than the writer's buffer (256 KiB) still opens the answer.
    with tempfile.TemporaryDirectory() as d:
        big = "i" * 300000
        status, raw, answers, _ = session([{"id": big, "code": "x = 1"}],
                                          "--trace", os.path.join(d, "t.jsonl"))
    expect_eq((status, len(raw), answers[0]["id"] == big), (0, 1, True), "large id")
    expect_eq(list(answers[0])[:2], ["id", "trace"], "members with a large id")


@test
def session_callbacks():
    code = "import asyncio\nresult = await asyncio.gather(*[echo(i=i) for i in range(3)])"
    status, _, answers, _ = session([{"id": 1, "code": code}], "--callback", "echo=cat")
    expect_eq(status, 0, "status")
    expect_eq(answers[0]["result"], [{"i": 0}, {"i": 1}, {"i": 2}], "result")


@test
def session_snapshot_restore():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "s.bin")
        status, _, answers, _ = session([
            {"id": 1, "code": "x = 41\nsquare = lambda v: v * v\n"
                              "def gen():\n    yield from range(10)\ng = gen()\nnext(g)"},
            {"id": 2, "op": "snapshot", "path": path},
        ])
        expect_eq(status, 0, "status")
        expect_eq(answers[1], {"id": 2, "ok": True}, "snapshot answer")
        expect(os.path.getsize(path) > 0, "snapshot file")
        # A second process picks up the state.
        status, _, answers, _ = session([
            {"id": 1, "op": "restore", "path": path},
            {"id": 2, "code": "result = [x + 1, square(3), next(g)]"},
            {"id": 3, "op": "restore", "path": os.path.join(d, "missing.bin")},
            {"id": 4, "code": "result = x"},
        ])
        expect_eq(status, 0, "status")
        expect_eq(answers[0], {"id": 1, "ok": True}, "restore answer")
        expect_eq(answers[1]["result"], [42, 9, 1], "state restored")
        expect_eq((answers[2]["ok"], "missing.bin" in answers[2]["error"]), (False, True),
                  "missing file")
        expect_eq(answers[3]["result"], 41, "a failed restore leaves the state")
        # A corrupt file is refused and the session goes on.
        with open(path, "r+b") as f:
            f.seek(0)
            f.write(b"garbage!")
        status, _, answers, _ = session([
            {"id": 1, "code": "y = 5"},
            {"id": 2, "op": "restore", "path": path},
            {"id": 3, "code": "result = y"},
        ])
        expect_eq((answers[1]["ok"], answers[2]["result"]), (False, 5), "corrupt snapshot")


def no_leftovers(d, expected):
    """The directory holds exactly `expected` (no temporary files left)."""
    expect_eq(sorted(os.listdir(d)), sorted(expected), "files in the directory")


@test
def session_snapshot_failure_keeps_the_file():
    # A write that fails (here: the file size limit, with SIGXFSZ ignored so
    # that write() reports EFBIG) leaves what was at the path, and no
    # temporary file.
    import resource
    import signal

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "s.bin")
        with open(path, "wb") as f:
            f.write(b"precious")
        requests = [{"id": 1, "code": "import random\nx = random.randbytes(100000)"},
                    {"id": 2, "op": "snapshot", "path": path}]
        text = "".join(json.dumps(r) + "\n" for r in requests)
        p = subprocess.run([ERYX, "session"], input=text.encode(), capture_output=True,
                           timeout=60, preexec_fn=small_files)
        answer = json.loads(p.stdout.splitlines()[-1])
        expect_eq((p.returncode, answer["ok"]), (0, False), "snapshot fails")
        expect("cannot write" in answer["error"] and "s.bin" in answer["error"], answer["error"])
        with open(path, "rb") as f:
            expect_eq(f.read(), b"precious", "the file at the path")
        no_leftovers(d, ["s.bin"])


@test
def session_snapshot_paths():
    with tempfile.TemporaryDirectory() as d:
        fifo = os.path.join(d, "fifo")
        os.mkfifo(fifo)
        existing = os.path.join(d, "old.bin")
        with open(existing, "wb") as f:
            f.write(b"old")
        os.chmod(existing, 0o640)
        link = os.path.join(d, "link.bin")
        os.symlink("old.bin", link)
        status, _, answers, _ = session([
            {"id": 1, "code": "x = 7"},
            {"id": 2, "op": "snapshot", "path": fifo},
            {"id": 3, "op": "snapshot", "path": d},
            {"id": 4, "op": "snapshot", "path": os.path.join(d, "missing", "s.bin")},
            {"id": 5, "op": "snapshot", "path": link},
            {"id": 6, "code": "x = 8"},
            {"id": 7, "op": "restore", "path": existing},
            {"id": 8, "code": "result = x"},
        ])
        expect_eq(status, 0, "status")
        for a in answers[1:4]:
            expect_eq(a["ok"], False, "snapshot %r" % a)
        expect("not a regular file" in answers[1]["error"], answers[1]["error"])
        expect("directory" in answers[2]["error"].lower(), answers[2]["error"])
        expect_eq(answers[4], {"id": 5, "ok": True}, "through a symlink")
        expect_eq(answers[7]["result"], 7, "restored from the file the link names")
        expect(os.path.islink(link) and stat_mode(existing) == 0o640, "link and mode kept")
        expect(os.path.getsize(existing) > 3, "replaced")
        no_leftovers(d, ["fifo", "link.bin", "old.bin"])


def stat_mode(path):
    return os.stat(path).st_mode & 0o7777


@test
def session_restore_only_regular_files():
    # /dev/zero grew without bound and a FIFO hung the session: now both
    # are refused at once, like a directory and a file over the size limit
    # (a sparse one here).
    with tempfile.TemporaryDirectory() as d:
        fifo = os.path.join(d, "fifo")
        os.mkfifo(fifo)
        huge = os.path.join(d, "huge.bin")
        with open(huge, "wb") as f:
            f.truncate(6 << 30)
        status, _, answers, _ = session([
            {"id": 1, "code": "x = 1"},
            {"id": 2, "op": "restore", "path": "/dev/zero"},
            {"id": 3, "op": "restore", "path": fifo},
            {"id": 4, "op": "restore", "path": d},
            {"id": 5, "op": "restore", "path": huge},
            {"id": 6, "op": "restore", "path": "/dev/tty"},
            {"id": 7, "code": "result = x"},
        ], timeout=30)
        expect_eq(status, 0, "status")
        for a in answers[1:6]:
            expect_eq(a["ok"], False, "restore %r" % a)
        expect("not a regular file" in answers[1]["error"], answers[1]["error"])
        expect("not a regular file" in answers[2]["error"], answers[2]["error"])
        expect("directory" in answers[3]["error"].lower(), answers[3]["error"])
        expect("larger than" in answers[4]["error"], answers[4]["error"])
        expect_eq(answers[6]["result"], 1, "state kept")


if __name__ == "__main__":
    sys.exit(main())
