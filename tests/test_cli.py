"""The eryx command line, run as a user would: exit statuses, output, --json.

usage: python3.11 tests/test_cli.py [FILTER]
Ends with the line "N passed, N failed".
"""
import json
import os
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
    expect_eq(p.stdout.decode(), "['lib']\n{}\nFileNotFoundError\n", "output")


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
