"""The eryx command line, run as a user would: `eryx run` (exit statuses,
output, --json, limits, usage errors, streaming, --trace), the help, and
installation.

usage: python3.11 tests/test_cli_run.py [FILTER]
Ends with the line "N passed, N failed".
"""
import json
import os
import stat
import select
import subprocess
import sys
import tarfile
import tempfile
import time

from cli_common import ERYX, ROOT, eryx, expect, expect_eq, main, run_json, test, trace_lines


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


# ---- the standard library's files ----

def release_time():
    """The time tools/pack_stdlib.py gives the image (Makefile: --date-of the
    CPython tarball, unless SOURCE_DATE_EPOCH was set for the build)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    deps = os.path.join(ROOT, "build", "deps")
    tarball = [n for n in os.listdir(deps) if n.startswith("python3.11_")
               and n.endswith(".orig.tar.gz")][0]
    with tarfile.open(os.path.join(deps, tarball)) as tar:
        return int(tar.next().mtime)


@test
def stdlib_files_have_the_release_time():
    code = r"""
import json, os, zipfile
paths = [os.__file__, os.path.dirname(os.__file__), "/lib", zipfile.__file__,
         "/lib/python3.11/__pycache__/os.cpython-311.pyc", "/usr/share/zoneinfo/UTC"]
times = {(st.st_mtime_ns, st.st_atime_ns, st.st_ctime_ns) for st in map(os.stat, paths)}
with open(os.__file__, "rb") as f:
    times.add((os.fstat(f.fileno()).st_mtime_ns,) * 3)
print(json.dumps(sorted(times)))
with zipfile.ZipFile("/tmp/os.zip", "w") as z:
    z.write(os.__file__, "os.py")
with zipfile.ZipFile("/tmp/os.zip") as z:
    same = z.read("os.py") == open(os.__file__, "rb").read()
    print(json.dumps([z.getinfo("os.py").date_time, same]))
"""
    status, out, err = eryx("run", "-c", code)
    expect_eq(status, 0, "status (stderr %r)" % err)
    times, zipped = [json.loads(line) for line in out.splitlines()]
    t = release_time()
    expect(t > 946684800, "release time %d is after 2000-01-01" % t)
    expect_eq(times, [[t * 10**9] * 3], "one time, the release's, for every file and directory")
    # The guest's local time is UTC; a zip stores seconds halved.
    when = list(time.gmtime(t)[:6])
    when[5] -= when[5] % 2
    expect_eq(zipped, [when, True], "zipfile.ZipFile.write of os.py")


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
    # Beyond ERYX_TRACE_COLLECT_MAX (10^6) events the member is cut and says
    # so; the file has them all.
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "trace.jsonl")
        status, obj, _ = run_json("for i in range(600000):\n    pass", "--trace", path)
        with open(path) as f:
            in_file = sum(1 for _ in f)
    expect_eq((status, len(obj["trace"]), obj.get("trace_truncated")), (0, 10**6, True), "cut")
    expect_eq(in_file, 1200003, "events in the file")


@test
def trace_file_replaces_what_was_there():
    # An existing, longer file is emptied first (its lines are written
    # through a second descriptor of the same file, see trace_writer.c):
    # afterwards it holds this run's events only, a hard link to it too,
    # and its mode is kept. With --json the trace leads the result object.
    with tempfile.TemporaryDirectory() as d:
        path, link = os.path.join(d, "trace.jsonl"), os.path.join(d, "link.jsonl")
        with open(path, "w") as f:
            f.write("stale line\n" * 100000)
        os.chmod(path, 0o600)
        os.link(path, link)
        status, out, _ = eryx("run", "--json", "--trace", path, "-c", TRACE_CODE)
        with open(path) as f:
            text = f.read()
        with open(link) as f:
            expect_eq(f.read(), text, "the hard link's content")
        expect_eq(stat.S_IMODE(os.stat(path).st_mode), 0o600, "mode")
    expect_eq(status, 0, "status")
    expect("stale" not in text, text[:200])
    obj = json.loads(out)
    expect_eq(obj["trace"], trace_lines(text), "trace member vs file")
    expect_eq(next(iter(obj)), "trace", "first member")
    expect_eq(out.count("\n"), 1, "one line")


@test
def trace_before_the_output_that_follows():
    # Every event of the lines before an output is in the stream before that
    # output (a burst is written at its end, which comes before the output).
    # Marks come often, so that many fall just after a full burst.
    code = ("import sys\nfor i in range(20000):\n    x = i\n    if i % 100 == 99:\n"
            "        print('mark', i, file=sys.stderr, flush=True)\n")
    status, _, err = eryx("run", "--trace", "-", "-c", code)
    expect_eq(status, 0, "status")
    xs = 0
    for line in err.splitlines():
        if line.startswith("mark "):
            expect_eq(xs, int(line.split()[1]) + 1, "line-3 events before %r" % line)
        elif json.loads(line).get("lineno") == 3:
            xs += 1
    expect_eq(xs, 20000, "line-3 events")


@test
def trace_unopenable():
    status, out, err = eryx("run", "--trace", "/nonexistent/dir/t.jsonl", "-c", "print(1)")
    expect_eq((status, out), (2, ""), "status")
    expect("/nonexistent/dir/t.jsonl" in err and err.startswith("eryx: "), err)


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
def program_size_limit():
    # A program is read up to 32 MiB: /dev/zero fails at once instead of
    # growing without bound, and so does a larger program on stdin.
    status, out, err = eryx("run", "/dev/zero")
    expect_eq((status, out), (6, ""), "/dev/zero")
    expect("/dev/zero" in err and "larger than 32 MiB" in err, err)
    status, out, err = eryx("run", "-", stdin=b"#" * (33 << 20))
    expect_eq(status, 6, "33 MiB on stdin")
    expect("larger than 32 MiB" in err, err)
    status, out, _ = eryx("run", "-", stdin=b"#" * ((32 << 20) - 20) + b"\nprint('fits')")
    expect_eq((status, out), (0, "fits\n"), "just under the limit")


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


if __name__ == "__main__":
    sys.exit(main())
