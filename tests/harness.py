"""What the Python test suites share: check() and a runner for a module's
test_* functions that prints "ok"/"FAIL" per test and ends with the line
"N passed, N failed".
"""
import sys


class Failure(Exception):
    pass


def check(cond, what):
    """Fails the running test with `what` unless cond holds."""
    if not cond:
        raise Failure(what)


def run_tests(namespace, argv):
    """Runs the test_* functions of `namespace` whose name contains argv[0]
    (all without it); returns the exit status."""
    pattern = argv[0] if argv else ""
    tests = [(name[5:], fn) for name, fn in sorted(namespace.items()) if name.startswith("test_")]
    passed = failed = 0
    for name, fn in tests:
        if pattern not in name:
            continue
        try:
            fn()
        except Exception as e:  # a crash of the test counts as a failure
            failed += 1
            print("FAIL %s\n    %s: %s" % (name, type(e).__name__, str(e).replace("\n", "\n    ")))
        else:
            passed += 1
            print("ok   %s" % name)
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0
