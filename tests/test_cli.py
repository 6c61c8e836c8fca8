"""The eryx command line, run as a user would: exit statuses, output, --json,
streaming, --trace, --callback, eryx session and eryx repl.

usage: python3.11 tests/test_cli.py [FILTER]
Ends with the line "N passed, N failed".
"""
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ERYX = os.environ.get("ERYX", os.path.join(ROOT, "build", "bin", "eryx"))

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def eryx(*args, stdin=b"", timeout=60):
    """Runs eryx; returns (status, stdout, stderr) as text (bytes replaced)."""
    p = subprocess.run([ERYX, *args], input=stdin, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def run_json(code, *args):
    status, out, err = eryx("run", "--json", *args, "-c", code)
    obj = json.loads(out)  # exactly one object on stdout
    return status, obj, err


class Failure(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise Failure(what)


def expect_eq(actual, expected, what=""):
    if actual != expected:
        raise Failure("%s: got %r, expected %r" % (what, actual, expected))


# ---- basics ----

@test
def version_and_help():
    status, out, _ = eryx("--version")
    expect_eq(status, 0, "--version status")
    expect(out.startswith("eryx "), "version line: " + out)
    status, out, _ = eryx("--help")
    expect_eq(status, 0, "--help status")
    for word in ("run", "--timeout", "--memory", "--json", "-c"):
        expect(word in out, "help mentions " + word)
    status, _, err = eryx()
    expect_eq(status, 2, "no arguments")


@test
def run_code_and_file_and_stdin():
    status, out, err = eryx("run", "-c", "print('hi')")
    expect_eq((status, out, err), (0, "hi\n", ""), "-c")
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write("import sys\nprint('file', file=sys.stderr)\nprint(6 * 7)\n")
    try:
        status, out, err = eryx("run", f.name)
        expect_eq((status, out, err), (0, "42\n", "file\n"), "FILE")
        status, out, err = eryx("run", "--timeout", "5", f.name, "--json")
        expect_eq(status, 0, "options after FILE")
        expect_eq(json.loads(out)["stdout"], "42\n", "options after FILE")
    finally:
        os.unlink(f.name)
    status, out, _ = eryx("run", "-", stdin=b"print('from stdin')")
    expect_eq((status, out), (0, "from stdin\n"), "stdin")


@test
def uncaught_exception():
    status, out, err = eryx("run", "-c", "print('before')\nx = 1\n1 / 0\n")
    expect_eq(status, 1, "status")
    expect_eq(out, "before\n", "stdout")
    expect(err.startswith("Traceback (most recent call last):\n"), "traceback header: " + err)
    expect('File "<user>", line 3, in <module>' in err, "frame line: " + err)
    expect(err.endswith("ZeroDivisionError: division by zero\n"), "last line: " + err)


@test
def syntax_error_status():
    status, _, err = eryx("run", "-c", "def f(:\n  pass")
    expect_eq(status, 1, "status")
    expect('File "<user>", line 1' in err and "SyntaxError" in err, err)


@test
def sys_exit_status():
    for code, expected in (("import sys; sys.exit(7)", 7), ("import sys; sys.exit(0)", 0),
                           ("import sys; sys.exit()", 0), ("raise SystemExit('bye')", 1),
                           ("import sys; sys.exit(300)", 300 & 0xFF)):
        status, _, _ = eryx("run", "-c", code)
        expect_eq(status, expected, code)
    for code, expected in (("exit(4)", 4), ("quit()", 0)):
        status, _, err = eryx("run", "-c", code)
        expect_eq((status, err), (expected, ""), code)
    status, obj, _ = run_json("import sys; sys.exit(9)")
    expect_eq(status, 9, "--json status")
    expect_eq(obj["error"]["kind"], "exit", "kind")
    expect_eq(obj["error"]["exit_code"], 9, "exit_code")


# ---- --json ----

@test
def json_object_shape():
    status, obj, _ = run_json("print('a')\nresult = {'x': [1, 2]}")
    expect_eq(status, 0, "status")
    expect_eq(sorted(obj), ["error", "result", "result_error", "stats", "stderr", "stdout"], "keys")
    expect_eq(obj["stdout"], "a\n", "stdout")
    expect_eq(obj["result"], {"x": [1, 2]}, "result")
    expect_eq(obj["error"], None, "error")
    expect_eq(obj["result_error"], None, "result_error")
    stats = obj["stats"]
    expect_eq(sorted(stats), ["callback_invocations", "duration_ms", "peak_memory_bytes"], "stats")
    expect(stats["duration_ms"] > 0 and stats["peak_memory_bytes"] > 0, "stats values")


@test
def json_exception():
    status, obj, _ = run_json("x = 1\ny = 0\nprint(x / y)")
    expect_eq(status, 1, "status")
    e = obj["error"]
    expect_eq((e["kind"], e["type"], e["message"], e["lineno"], e["exit_code"]),
              ("exception", "ZeroDivisionError", "division by zero", 3, None), "error")
    expect('File "<user>", line 3' in e["traceback"], "traceback")


@test
def json_result_error():
    status, obj, _ = run_json("result = object()")
    expect_eq(status, 0, "status")
    expect_eq(obj["result"], None, "result")
    expect("not JSON serializable" in obj["result_error"], obj["result_error"])


@test
def json_non_utf8_output():
    status, obj, _ = run_json("import sys\nsys.stdout.buffer.write(b'\\xff ok')")
    expect_eq(status, 0, "status")
    expect_eq(obj["stdout"], "\ufffd ok", "replacement char")


# ---- limits ----

@test
def timeout_status():
    t0 = time.monotonic()
    status, _, err = eryx("run", "--timeout", "0.5", "-c", "while True: pass")
    elapsed = time.monotonic() - t0
    expect_eq(status, 3, "status")
    expect("timed out" in err, err)
    expect(elapsed < 3, "took %.2f s" % elapsed)
    status, obj, _ = run_json("import time\ntime.sleep(10)", "--timeout=0.25")
    expect_eq((status, obj["error"]["kind"]), (3, "timeout"), "--json timeout")


@test
def memory_status():
    status, obj, _ = run_json("x = []\nwhile True: x.append(bytearray(10**6))", "--memory", "64")
    kind = obj["error"]["kind"]
    expect(kind == "memory" or obj["error"]["type"] == "MemoryError", str(obj["error"]))
    expect_eq(status, 4 if kind == "memory" else 1, "status")


@test
def output_limit_status():
    status, obj, _ = run_json("while True: print('x' * 1000)", "--output-limit", "50000")
    expect_eq((status, obj["error"]["kind"]), (5, "output"), "output cap")
    expect_eq(len(obj["stdout"]), 50000, "kept output")
    status, out, err = eryx("run", "-c", "while True: print('x' * 1000)")
    expect_eq(status, 5, "default cap")
    expect_eq(len(out), 16 << 20, "default cap size")


# ---- usage errors ----

@test
def usage_errors():
    cases = [
        ("run",), ("run", "-c"), ("run", "--timeout", "abc", "-c", "pass"),
        ("run", "--timeout", "-1", "-c", "pass"), ("run", "--timeout", "nan", "-c", "pass"),
        ("run", "--memory", "1", "-c", "pass"), ("run", "--memory", "99999", "-c", "pass"),
        ("run", "--bogus", "-c", "pass"), ("run", "-c", "pass", "extra.py"), ("frobnicate",),
    ]
    for args in cases:
        status, out, err = eryx(*args)
        expect_eq(status, 2, " ".join(args))
        expect(err.startswith("eryx: ") or "usage" in err.lower(), "message for %r: %r" % (args, err))


@test
def unreadable_file():
    status, _, err = eryx("run", "/nonexistent/prog.py")
    expect_eq(status, 6, "status")
    expect("/nonexistent/prog.py" in err, err)


@test
def bad_source_bytes():
    status, _, err = eryx("run", "-", stdin=b"print(1)\x00\n")
    expect_eq(status, 1, "NUL byte")
    status, _, err = eryx("run", "-", stdin=b"print('\xff')\n")
    expect_eq(status, 1, "invalid UTF-8")
    expect("SyntaxError" in err, err)


# ---- isolation ----

@test
def isolation_from_cli():
    code = ("import os\nprint(os.listdir('/'))\nprint(dict(os.environ))\n"
            "try:\n    open('/etc/passwd')\nexcept OSError as e:\n    print(type(e).__name__)\n")
    env = dict(os.environ, ERYX_SECRET="s3cret")
    p = subprocess.run([ERYX, "run", "-c", code], capture_output=True, env=env, timeout=60)
    expect_eq(p.returncode, 0, "status")
    expect_eq(p.stdout.decode(), "['lib', 'usr']\n{}\nFileNotFoundError\n", "output")


# ---- streaming output (without --json) ----

@test
def streaming_keeps_order():
    code = ("import sys\nprint('out1')\nprint('err1', file=sys.stderr)\nprint('out2')\n"
            "print('err2', file=sys.stderr)\n")
    # One pipe for both streams: the order of the writes is what we see.
    p = subprocess.run([ERYX, "run", "-c", code], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    expect_eq((p.returncode, p.stdout.decode()), (0, "out1\nerr1\nout2\nerr2\n"), "merged")
    # The traceback still comes last, after the streamed output.
    p = subprocess.run([ERYX, "run", "-c", code + "1 / 0\n"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    out = p.stdout.decode()
    expect_eq(p.returncode, 1, "status")
    expect(out.startswith("out1\nerr1\nout2\nerr2\nTraceback (most recent call last):\n"), out)
    # With --json nothing is streamed: one object on stdout, nothing on stderr.
    status, out, err = eryx("run", "--json", "-c", code)
    expect_eq((status, err), (0, ""), "--json stderr")
    expect_eq(json.loads(out)["stderr"], "err1\nerr2\n", "--json stderr member")


@test
def streaming_is_live():
    code = "import time\nprint('first')\ntime.sleep(1)\nprint('second')\n"
    p = subprocess.Popen([ERYX, "run", "-c", code], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        # print() may arrive as two chunks ("first", "\n"): read up to the
        # newline, each read with a timeout.
        first = b""
        while not first.endswith(b"\n"):
            ready, _, _ = select.select([p.stdout], [], [], 30)
            expect(ready, "no output within 30 s")
            chunk = os.read(p.stdout.fileno(), 100)
            expect(chunk, "end of output before the first line")
            first += chunk
        still_running = p.poll() is None
        out, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    expect_eq(first, b"first\n", "first chunk")
    expect(still_running, "the first line arrived only after the program ended")
    expect_eq((p.returncode, out, err), (0, b"second\n", b""), "rest")


# ---- --trace ----

def trace_lines(text):
    """Parses JSON Lines; every line must be one JSON object with "event"."""
    events = [json.loads(line) for line in text.splitlines() if line.strip()]
    for e in events:
        expect(isinstance(e, dict) and "event" in e, "trace line: %r" % (e,))
    return events


TRACE_CODE = "def double(x):\n    return x * 2\n\ny = double(21)\nprint(y)\n"


@test
def trace_to_file():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "trace.jsonl")
        status, out, err = eryx("run", "--trace", path, "-c", TRACE_CODE)
        expect_eq((status, out, err), (0, "42\n", ""), "run")
        with open(path) as f:
            events = trace_lines(f.read())
    kinds = [e["event"] for e in events]
    expect("line" in kinds and "call" in kinds and "return" in kinds, kinds)
    expect({"event": "call", "lineno": 1, "function": "double"} in events
           or any(e["event"] == "call" and e.get("function") == "double" for e in events),
           "call of double: %r" % events)
    expect(any(e["event"] == "line" and e.get("lineno") == 4 for e in events), "line 4")


@test
def trace_to_stderr():
    status, out, err = eryx("run", "--trace", "-", "-c", TRACE_CODE)
    expect_eq((status, out), (0, "42\n"), "run")
    events = trace_lines(err)
    expect(any(e["event"] == "call" and e.get("function") == "double" for e in events), err)
    # '=' form, and events of an exception.
    status, _, err = eryx("run", "--trace=-", "-c", "x = 1\nraise ValueError('bad')\n")
    expect_eq(status, 1, "status")
    lines = err.splitlines()
    tb = lines.index("Traceback (most recent call last):")
    events = trace_lines("\n".join(lines[:tb]))
    expect(any(e["event"] == "exception" and e.get("type") == "ValueError" for e in events), err)


@test
def trace_with_json():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "trace.jsonl")
        status, obj, _ = run_json(TRACE_CODE, "--trace", path)
        with open(path) as f:
            events = trace_lines(f.read())
    expect_eq(status, 0, "status")
    expect("trace" in obj, "no \"trace\" in %r" % sorted(obj))
    expect_eq(obj["trace"], events, "trace member vs file")
    # Without --trace there is no "trace" member.
    _, obj, _ = run_json(TRACE_CODE)
    expect("trace" not in obj, sorted(obj))


@test
def trace_unopenable():
    status, out, err = eryx("run", "--trace", "/nonexistent/dir/t.jsonl", "-c", "print(1)")
    expect_eq((status, out), (2, ""), "status")
    expect("/nonexistent/dir/t.jsonl" in err and err.startswith("eryx: "), err)


# ---- --callback ----

def run_with_callbacks(code, *args):
    """Runs code with --json; returns (status, result object)."""
    status, obj, err = run_json(code, *args)
    expect_eq(err, "", "stderr")
    return status, obj


@test
def callback_results():
    code = """
out = {}
out["json"] = await num()
out["obj"] = await obj()
out["text"] = await text()
out["two_lines"] = await two_lines()
out["empty"] = await empty()
out["echo"] = await echo(message="hi", n=[1, 2], s="\\u00e9\\n\\"")
out["dotted"] = await tools.upper(word="abc")
result = out
"""
    status, obj = run_with_callbacks(
        code,
        "--callback", "num=echo 42",
        "--callback", "obj=printf '{\"a\": [1, null]}'",
        "--callback", "text=echo hello world",
        "--callback", "two_lines=printf 'a\\n\\nb\\n\\n'",
        "--callback", "empty=true",
        "--callback", "echo=cat",
        "--callback=tools.upper=python3 -c \"import json,sys; "
                     "print(json.load(sys.stdin)['word'].upper())\"")
    expect_eq((status, obj["error"]), (0, None), "status")
    r = obj["result"]
    expect_eq(r["json"], 42, "JSON number")
    expect_eq(r["obj"], {"a": [1, None]}, "JSON object")
    expect_eq(r["text"], "hello world", "non-JSON text, one newline stripped")
    expect_eq(r["two_lines"], "a\n\nb\n", "only one trailing newline stripped")
    expect_eq(r["empty"], "", "empty output")
    expect_eq(r["echo"], {"message": "hi", "n": [1, 2], "s": "\u00e9\n\""}, "arguments on stdin")
    expect_eq(r["dotted"], "ABC", "dotted name")
    expect_eq(obj["stats"]["callback_invocations"], 7, "invocations")


@test
def callback_failures():
    code = """
msgs = []
for f in (fails, fails_quietly, killed):
    try:
        await f()
        msgs.append(None)
    except Exception as e:
        msgs.append([type(e).__name__, str(e)])
result = msgs
"""
    status, obj = run_with_callbacks(
        code,
        "--callback", "fails=echo out; echo '  it broke  ' >&2; exit 3",
        "--callback", "fails_quietly=exit 4",
        "--callback", "killed=kill -9 $$")
    expect_eq(status, 0, "status")
    expect_eq(obj["result"], [["CallbackError", "it broke"],
                              ["CallbackError", "command exited with status 4"],
                              ["CallbackError", "command killed by signal 9"]], "messages")


@test
def callback_concurrency():
    code = """
import asyncio, time
t0 = time.monotonic()
values = await asyncio.gather(*[slow() for _ in range(5)])
result = {"values": values, "seconds": time.monotonic() - t0}
"""
    status, obj = run_with_callbacks(code, "--callback", "slow=sleep 0.3; echo 1")
    expect_eq(status, 0, "status")
    expect_eq(obj["result"]["values"], [1] * 5, "values")
    expect(obj["result"]["seconds"] < 1.2, "5 x 0.3 s took %.2f s" % obj["result"]["seconds"])


def process_gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # Still there: a zombie counts as gone (nobody runs), anything else not.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


def read_pids(d):
    pids = []
    for name in sorted(os.listdir(d)):
        with open(os.path.join(d, name)) as f:
            pids += [int(x) for x in f.read().split()]
    return pids


@test
def callback_timeout():
    with tempfile.TemporaryDirectory() as d:
        # The command and a child of it both record their pid; both must be
        # killed at the timeout, not left running.
        cmd = "sleep 30 & echo $! > %s/child; echo $$ > %s/shell; wait" % (d, d)
        code = """
import time
t0 = time.monotonic()
try:
    await slow()
    result = "no error"
except Exception as e:
    result = [type(e).__name__, time.monotonic() - t0]
"""
        t0 = time.monotonic()
        status, obj = run_with_callbacks(code, "--callback-timeout", "0.5",
                                         "--callback", "slow=" + cmd)
        elapsed = time.monotonic() - t0
        expect_eq(status, 0, "status")
        kind, seconds = obj["result"]
        expect_eq(kind, "TimeoutError", "exception")
        expect(0.4 < seconds < 3, "timed out after %.2f s" % seconds)
        expect(elapsed < 10, "took %.2f s" % elapsed)
        pids = read_pids(d)
        expect_eq(len(pids), 2, "pids recorded")
        deadline = time.monotonic() + 5
        while not all(map(process_gone, pids)) and time.monotonic() < deadline:
            time.sleep(0.05)
        expect(all(map(process_gone, pids)), "processes left running: %r" % pids)


@test
def callback_killed_at_exit():
    with tempfile.TemporaryDirectory() as d:
        # A call nobody awaits: the run ends at once and kills the command.
        code = ("import asyncio\nasyncio.get_event_loop().create_task(slow())\n"
                "await asyncio.sleep(0.2)\nprint('done')\n")
        t0 = time.monotonic()
        status, out, err = eryx("run", "--callback", "slow=echo $$ > %s/pid; exec sleep 30" % d,
                                "-c", code)
        elapsed = time.monotonic() - t0
        expect_eq((status, out), (0, "done\n"), "run")
        expect(elapsed < 10, "took %.2f s" % elapsed)
        pids = read_pids(d)
        expect(pids and all(map(process_gone, pids)), "processes left running: %r" % pids)


@test
def callback_commands_killed_on_signal():
    # Commands run in process groups of their own, out of reach of Ctrl-C:
    # a signal cancels the execution, the commands are killed, and eryx ends
    # by that signal.
    for sig in (signal.SIGINT, signal.SIGTERM):
        with tempfile.TemporaryDirectory() as d:
            p = subprocess.Popen([ERYX, "run", "--callback",
                                  "slow=echo $$ > %s/pid; exec sleep 30" % d,
                                  "-c", "print('go', flush=True)\nawait slow()"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                expect_eq(p.stdout.readline(), b"go\n", "started")
                deadline = time.monotonic() + 10
                while not os.listdir(d) and time.monotonic() < deadline:
                    time.sleep(0.02)
                time.sleep(0.1)
                p.send_signal(sig)
                status = p.wait(timeout=10)
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait()
                p.stdout.close()
                p.stderr.close()
            expect_eq(status, -sig, "ended by the signal")
            pids = read_pids(d)
            expect(pids and all(map(process_gone, pids)), "processes left running: %r" % pids)


@test
def callback_usage_errors():
    cases = [
        ("--callback", "noequals"), ("--callback", "=cat"), ("--callback", "name="),
        ("--callback", "1x=cat"), ("--callback", "a..b=cat"), ("--callback", "a.=cat"),
        ("--callback", "bad-name=cat"), ("--callback", "x=cat", "--callback", "x=cat"),
        ("--callback",), ("--callback-timeout", "-1"), ("--callback-timeout", "abc"),
        ("--callback-timeout",), ("--trace",), ("--trace", ""), ("--trace", "a", "--trace", "b"),
    ]
    for args in cases:
        # Options last, so that one missing its value cannot take "-c".
        status, out, err = eryx("run", "-c", "pass", *args)
        expect_eq(status, 2, " ".join(args))
        expect(err.startswith("eryx: "), "message for %r: %r" % (args, err))
    for cmd in ("session", "repl"):
        for args in (("--json",), ("-c", "pass"), ("file.py",), ("--callback", "x"),
                     ("--bogus",)):
            status, _, err = eryx(cmd, *args)
            expect_eq(status, 2, "%s %s" % (cmd, " ".join(args)))
            expect(err.startswith("eryx: "), "message for %s %r: %r" % (cmd, args, err))


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
def session_ids_echoed_as_given():
    lines = ['{"id": 1.50, "code": "pass"}', '{"code": "pass", "id": "\\u0041b"}',
             '{ "id" : [1, {"k": null}] , "op": "reset"}', '{"id": -0.0e+0, "op": "bogus"}']
    status, raw, answers, _ = session(lines)
    expect_eq(status, 0, "status")
    expect(raw[0].startswith('{"id": 1.50, "stdout"'), raw[0])
    expect(raw[1].startswith('{"id": "\\u0041b", "stdout"'), raw[1])
    expect_eq(raw[2], '{"id": [1, {"k": null}], "ok": true}', "op answer")
    expect(raw[3].startswith('{"id": -0.0e+0, "ok": false, "error": '), raw[3])


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


# ---- eryx repl ----

def repl(text, *args):
    return eryx("repl", *args, stdin=text.encode())


@test
def repl_through_pipe():
    text = ("def double(x):\n"
            "    return x * 2\n"
            "\n"
            "double(21)\n"
            "items = [1,\n"
            "         2]\n"
            "items\n"
            "'text'\n"
            "None\n"
            "1 / 0\n"
            "double(items[1])\n"
            "if items:\n"
            "    print('block')\n"
            "\n"
            "s = '''a\n"
            "b'''\n"
            "s\n")
    status, out, err = repl(text)
    expect_eq(status, 0, "status")
    expect_eq(out, "42\n[1, 2]\n'text'\n4\nblock\n'a\\nb'\n", "stdout (no prompts)")
    expect(">>>" not in out and "..." not in out, "no prompts without a terminal")
    expect(err.startswith("Traceback (most recent call last):\n"), err)
    expect(err.rstrip().endswith("ZeroDivisionError: division by zero"), err)


@test
def repl_exit_and_eof():
    status, out, _ = repl("x = 3\nimport sys\nsys.exit(x)\nprint('not here')\n")
    expect_eq((status, out), (3, ""), "sys.exit")
    # The last block runs at end of input, without a closing blank line.
    status, out, _ = repl("def f():\n    return 'last'\n\nfor i in range(2):\n    print(f(), i)")
    expect_eq((status, out), (0, "last 0\nlast 1\n"), "block at end of input")
    status, out, err = repl("")
    expect_eq((status, out, err), (0, "", ""), "empty input")


@test
def repl_on_terminal():
    import pty
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(ERYX, [ERYX, "repl", "--timeout", "0"])

    def read_until(marker, timeout=30):
        buf = b""
        end = time.monotonic() + timeout
        while time.monotonic() < end and marker not in buf:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                buf += chunk
        return buf.decode("utf-8", "replace").replace("\r\n", "\n")

    try:
        expect(read_until(b">>> ").endswith(">>> "), "first prompt")
        os.write(fd, b"x = 6 * 7\n")
        read_until(b">>> ")
        os.write(fd, b"def f():\n")
        expect(read_until(b"... ").endswith("... "), "continuation prompt")
        # Ctrl-C at the prompt discards the input typed so far.
        os.write(fd, b"\x03")
        out = read_until(b">>> ")
        expect("KeyboardInterrupt\n>>> " in out, repr(out))
        os.write(fd, b"x\n")
        expect("42\n>>> " in read_until(b">>> "), "state kept")
        # Ctrl-C while an input runs cancels it.
        os.write(fd, b"while True: pass\n\n")
        time.sleep(0.5)
        t0 = time.monotonic()
        os.write(fd, b"\x03")
        out = read_until(b">>> ")
        expect("KeyboardInterrupt" in out and out.endswith(">>> "), repr(out))
        expect(time.monotonic() - t0 < 5, "cancel took %.2f s" % (time.monotonic() - t0))
        os.write(fd, b"1 + 1\n")
        expect("2\n>>> " in read_until(b">>> "), "works after a cancel")
        os.write(fd, b"\x04")
        read_until(b"\n", 5)
        _, wstatus = os.waitpid(pid, 0)
        pid = 0
        expect_eq(os.waitstatus_to_exitcode(wstatus), 0, "status after Ctrl-D")
    finally:
        if pid:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)


@test
def help_documents_everything():
    status, out, _ = eryx("--help")
    expect_eq(status, 0, "status")
    for word in ("session", "repl", "--trace", "--callback", "--callback-timeout", "snapshot",
                 "restore", "reset", "--output-limit"):
        expect(word in out, "help mentions " + word)
    for cmd in ("run", "session", "repl"):
        status, out2, _ = eryx(cmd, "--help")
        expect_eq((status, out2), (0, out), cmd + " --help")


@test
def limits_and_odd_input_from_cli():
    status, obj, _ = run_json("def f():\n    return f()\nf()")
    expect_eq((status, obj["error"]["type"]), (1, "RecursionError"), "recursion")
    for code in ("", "# only a comment\n"):
        status, out, err = eryx("run", "-c", code)
        expect_eq((status, out, err), (0, "", ""), repr(code))
    big = b"x = 1\n" * (10 * 1024 * 1024 // 6) + b"print('big ok')\n"
    status, out, err = eryx("run", "-", stdin=big)
    # Runs, or a clear error: compiling 1.7 million statements may need more
    # than the default 256 MiB.
    expect((status, out) == (0, "big ok\n") or (status == 1 and "MemoryError" in err),
           "10 MB of source: %r %r" % (status, err[-200:]))
    literal = b"s = '" + b"a" * (10 * 1024 * 1024) + b"'\nprint(len(s))\n"
    status, out, _ = eryx("run", "-", stdin=literal)
    expect_eq((status, out), (0, "10485760\n"), "10 MB string literal")
    status, obj, _ = run_json("import time\ntime.sleep(100)", "--timeout", "0.3")
    expect_eq((status, obj["error"]["kind"]), (3, "timeout"), "sleep timeout")


@test
def no_sockets_processes_ctypes_from_cli():
    code = ("import os, socket, subprocess\nout = []\n"
            "for attempt in (lambda: socket.socket(), lambda: subprocess.run(['ls']),\n"
            "                lambda: os.system('ls'), lambda: __import__('ctypes')):\n"
            "    try:\n        attempt()\n        out.append('allowed')\n"
            "    except Exception as e:\n        out.append(type(e).__name__)\n"
            "result = out")
    status, obj, _ = run_json(code)
    expect_eq(status, 0, "status")
    expect("allowed" not in obj["result"], str(obj["result"]))
    expect_eq(obj["result"][3], "ModuleNotFoundError", "ctypes")


# ---- installation ----

@test
def install_and_pkg_config():
    with tempfile.TemporaryDirectory() as prefix:
        subprocess.run(["make", "-s", "install", "PREFIX=" + prefix], cwd=ROOT, check=True,
                       capture_output=True, timeout=600)
        for path in ("bin/eryx", "lib/liberyx.a", "lib/liberyx.so", "include/eryx.h",
                     "lib/pkgconfig/eryx.pc"):
            expect(os.path.exists(os.path.join(prefix, path)), "installed " + path)
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(prefix, "lib", "pkgconfig"))
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "eryx"], env=env, check=True,
                               capture_output=True, text=True).stdout.split()
        prog = os.path.join(prefix, "prog")
        subprocess.run(["cc", os.path.join(ROOT, "tests", "install_prog.c"), "-o", prog, *flags],
                       check=True, capture_output=True, timeout=120)
        out = subprocess.run([prog], check=True, capture_output=True, text=True, timeout=60).stdout
        expect_eq(out, "45\n", "program output")
        status, out, _ = eryx_at(os.path.join(prefix, "bin", "eryx"), "run", "-c", "print(2 + 2)")
        expect_eq((status, out), (0, "4\n"), "installed CLI")


def eryx_at(binary, *args):
    p = subprocess.run([binary, *args], capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def main():
    pattern = sys.argv[1] if len(sys.argv) > 1 else ""
    passed = failed = 0
    for fn in TESTS:
        if pattern not in fn.__name__:
            continue
        try:
            fn()
        except Exception as e:  # a failed expectation or a crash of the test itself
            failed += 1
            print("FAIL %s\n    %s: %s" % (fn.__name__, type(e).__name__, e))
        else:
            passed += 1
            print("ok   %s" % fn.__name__)
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
