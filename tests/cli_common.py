"""Shared helpers of the command-line suites (tests/test_cli_*.py): running
build/bin/eryx as a user would, expectations, and the runner that ends with
"N passed, N failed".
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ERYX = os.environ.get("ERYX", os.path.join(ROOT, "build", "bin", "eryx"))

TESTS = []


def test(fn):
    """Registers a test of the suite that imports this module."""
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


def trace_lines(text):
    """Parses JSON Lines; every line must be one JSON object with "event"."""
    events = [json.loads(line) for line in text.splitlines() if line.strip()]
    for e in events:
        expect(isinstance(e, dict) and "event" in e, "trace line: %r" % (e,))
    return events


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


def main():
    """Runs the registered tests whose name contains argv[1]; returns the exit status."""
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

