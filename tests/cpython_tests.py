"""CPython's own regression tests (Lib/test of the source tarball the guest is
built from), module by module, in the sandbox and natively, side by side.

usage: python3.11 tests/cpython_tests.py [--timeout S] [--memory MIB] [--details] [MODULE ...]

The sandbox runs `build/test/eryx`, the CLI linked with a test-only standard
library image that also holds the `test` package (tools/pack_stdlib.py
--tests; the shipped image never does). Natively, /usr/bin/python3.11 runs
the same test files against its own standard library. Each module runs in a
process of its own with a time limit (both sides at once), through unittest
(load_tests respected), and the table gives tests run / passed / failed
(failures plus errors) / skipped for both.

The test guest (not the shipped one) also has CPython's C test helpers,
_testcapi and _testinternalcapi, built from the same source
(src/guest/test_modules.c), which much of Lib/test imports.

test_asyncio skips itself as a whole under WASI (its package needs sockets),
so its modules that need neither sockets nor subprocesses run one by one as
test_asyncio.NAME, with the package's __init__ (only that check) left out on
both sides.

tests/cpython_known.txt lists the tests known to fail in the sandbox, each
under its cause. Those of a "skip" cause need what the sandbox does not have
(threads, sockets) without saying so with test.support's requires_*: they
are skipped in the sandbox with that reason ("needs threads"), and run
natively. A module passes when it finishes in the sandbox and every test
failing there fails natively too or is known; the "known" column counts the
known ones, "new" the others. A known test that
passes is reported, and fails nothing. Prints "N passed, N failed" at the end.
With --details, the failures that are not known are shown (the first three of
each module in full), with skip reasons.
"""
import argparse
import fnmatch
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ERYX = os.environ.get("ERYX_TEST", os.path.join(ROOT, "build", "test", "eryx"))
LIB = os.path.join(ROOT, "build", "cpython-src", "Lib")
KNOWN = os.path.join(ROOT, "tests", "cpython_known.txt")
NATIVE = "/usr/bin/python3.11"
MARK = "@@cpython-tests@@ "

# The list (pure modules first): subjects the sandbox supports.
# test_asyncio: the modules without sockets, subprocesses or terminals. Left
# out: test_events (imports tty, and so termios, at its top), test_streams,
# test_server, test_sock_lowlevel, test_sendfile, test_ssl, test_sslproto,
# test_selector_events, test_proactor_events (sockets), test_subprocess,
# test_unix_events (processes, signals), test_threads (asyncio.to_thread),
# test_windows_events, test_windows_utils.
ASYNCIO = """test_base_events test_buffered_proto test_context test_futures test_futures2
test_locks test_pep492 test_protocols test_queues test_runners test_taskgroups test_tasks
test_timeouts test_transports test_waitfor""".split()
MODULES = """test_json test_re test_math test_cmath test_decimal test_fractions test_datetime
test_zoneinfo test_collections test_itertools test_functools test_dataclasses test_typing
test_enum test_hashlib test_base64 test_struct test_random test_statistics test_textwrap
test_string test_heapq test_bisect test_operator test_copy test_pprint test_difflib
test_unicodedata test_zlib test_gzip test_zipfile test_tarfile test_bz2 test_lzma test_sqlite3
test_csv test_tempfile test_shutil test_pathlib test_glob test_os test_io test_fileio
test_pickle test_traceback test_inspect test_exceptions test_generators test_coroutines
test_grammar test_builtin test_dict test_list test_set test_unicode test_bytes test_long
test_float test_int""".split() + ["test_asyncio." + name for name in ASYNCIO]
# (The test_str is test_unicode in 3.11: the module was renamed in 3.13.)

# Runs one test module with unittest and prints one summary line (MARK + JSON).
# Modules with a test_main() (regrtest's legacy protocol) run through it, with
# test.support's runner replaced by ours to collect the result.
DRIVER = r"""
import fnmatch, importlib, io, json, sys, types, unittest
importlib.invalidate_caches()  # the image's directory caches predate the test package
import test
from test import support
name = %r
if name.startswith("test_asyncio."):  # the package, without its socket check
    package = types.ModuleType("test.test_asyncio")
    package.__path__ = [test.__path__[0] + "/test_asyncio"]
    sys.modules[package.__name__] = test.test_asyncio = package
out = io.StringIO()
results = []
# Tests of the known list's "skip" causes (what the sandbox does not have)
# are skipped with the cause as the reason, not run: {pattern: reason}.
skip_patterns = %r
skips_applied = {}
def skip_listed(suite):
    for test in getattr(suite, "_tests", ()):
        if not isinstance(test, unittest.TestCase):
            skip_listed(test)
            continue
        for pattern, reason in skip_patterns.items():
            if fnmatch.fnmatchcase(test_id(test), pattern):
                method = getattr(test, test._testMethodName)
                setattr(test, test._testMethodName, unittest.skip(reason)(method))
                skips_applied[pattern] = skips_applied.get(pattern, 0) + 1
                break
def run_suite(suite):
    skip_listed(suite)
    results.append(unittest.TextTestRunner(stream=out, verbosity=0).run(suite))
support._run_suite = run_suite
def test_id(test):
    return test.id().removeprefix("test.")
try:
    module = importlib.import_module("test." + name)
    if hasattr(module, "test_main"):
        module.test_main()
    else:
        run_suite(unittest.defaultTestLoader.loadTestsFromModule(module))
    result = results[0]
    for more in results[1:]:
        result.testsRun += more.testsRun
        result.failures += more.failures
        result.errors += more.errors
        result.skipped += more.skipped
    problems = result.failures + result.errors
    reasons = {}
    for test, why in result.skipped:
        reasons[why[:70]] = reasons.get(why[:70], 0) + 1
    summary = {"run": result.testsRun, "failed": len(problems), "skipped": len(result.skipped),
               "failures": [[test_id(test), text[-600:]] for test, text in problems],
               "skips": sorted(reasons.items(), key=lambda kv: -kv[1])[:6],
               "skips_applied": skips_applied}
except unittest.SkipTest as exc:  # the whole module skips itself
    summary = {"run": 0, "failed": 0, "skipped": 0, "failures": [], "skips": [],
               "module_skipped": str(exc)}
except BaseException as exc:
    summary = {"error": "%%s: %%s" %% (type(exc).__name__, exc)}
print(%r + json.dumps(summary), flush=True)
"""


def default_sigint():
    # A shell ignores SIGINT in what it starts in the background, and Python
    # then leaves it ignored: test_asyncio.test_runners would wait forever
    # for its KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(argv):
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, preexec_fn=default_sigint,
                            env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"})


def finish(p, timeout, started):
    try:
        stdout, stderr = p.communicate(timeout=max(1, timeout - (time.monotonic() - started)))
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        return {"error": "timeout after %d s" % timeout}
    for line in stdout.decode("utf-8", "replace").splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK):])
    tail = (stderr or stdout).decode("utf-8", "replace").strip().splitlines()[-1:]
    return {"error": "exit status %d: %s" % (p.returncode, tail[0] if tail else "no output")}


def load_known(path):
    """{pattern: cause} from the known-differences file: a line at the left
    margin names a cause, the indented lines under it are test ids (fnmatch
    patterns) failing in the sandbox for that cause; # starts a comment. A
    cause that begins with "skip " is something the sandbox does not have:
    its tests are skipped there with it as the reason (skip_causes)."""
    known, cause = {}, None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            text = line.split("#", 1)[0].rstrip()
            if not text:
                continue
            if not text[0].isspace():
                cause = text
            elif cause is None:
                sys.exit("%s:%d: test id before any cause" % (path, n))
            else:
                known[text.strip()] = cause
    return known


def skip_causes(known):
    """{pattern: reason} of the known list's "skip" causes, the reason being
    the cause's name: "needs threads (see tests/cpython_known.txt)"."""
    return {pattern: "needs %s (see tests/cpython_known.txt)" % cause[5:].split(":")[0]
            for pattern, cause in known.items() if cause.startswith("skip ")}


def known_cause(known, test_id):
    for pattern, cause in known.items():
        if fnmatch.fnmatchcase(test_id, pattern):
            return pattern, cause
    return None, None


def cell(s):
    if "error" in s:
        return "%-24s" % ("ERROR " + s["error"])[:24]
    if "module_skipped" in s:
        return "%-24s" % ("SKIP " + s["module_skipped"])[:24]
    return "%5d %5d %5d %5d  " % (s["run"], s["run"] - s["failed"] - s["skipped"], s["failed"],
                                  s["skipped"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", default=MODULES)
    parser.add_argument("--timeout", type=int, default=300, help="seconds per module and side")
    parser.add_argument("--memory", type=int, default=1024, help="guest memory, MiB")
    parser.add_argument("--details", action="store_true")
    args = parser.parse_args()
    if not os.path.exists(ERYX):
        sys.exit("cpython_tests: %s missing: make test-cpython builds it" % ERYX)
    known = load_known(KNOWN)
    skips = skip_causes(known)
    used = set()

    # Natively: the tarball's test package first on sys.path, the installed stdlib after it.
    native_path = tempfile.mkdtemp()
    os.symlink(os.path.join(LIB, "test"), os.path.join(native_path, "test"))
    print("%-32s | %-24s | %-24s | %s" % ("", "eryx", "native python3.11", ""))
    print("%-32s | %s | %s | %s" % ("module", "  run  pass  fail  skip  ",
                                    "  run  pass  fail  skip  ", "known  new   secs"))
    passed = failed = 0
    began = time.monotonic()
    for name in args.modules:
        module_skips = {p: why for p, why in skips.items() if p.startswith(name + ".")}
        code = DRIVER % (name, module_skips, MARK)
        native_code = DRIVER % (name, {}, MARK)  # natively everything runs
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
            f.write(code)
        started = time.monotonic()
        guest_p = start([ERYX, "run", "--timeout", str(args.timeout), "--memory",
                         str(args.memory), f.name])
        native_p = start([NATIVE, "-I", "-c", "import sys; sys.path.insert(0, %r)\n%s"
                          % (native_path, native_code)])
        guest = finish(guest_p, args.timeout + 30, started)
        secs = time.monotonic() - started
        native = finish(native_p, args.timeout + 30, started)
        os.unlink(f.name)
        new, n_known = {}, 0
        used.update(guest.get("skips_applied", {}))
        native_failures = {test_id for test_id, _ in native.get("failures", [])}
        for test_id, text in guest.get("failures", []):
            pattern, cause = known_cause(known, test_id)
            if pattern is not None:
                used.add(pattern)
                n_known += 1
            elif test_id not in native_failures:
                new[test_id] = text
        ok = "error" not in guest and "error" not in native and not new
        passed, failed = passed + ok, failed + (not ok)
        print("%-32s | %s | %s | %5d %4d %6.1f" % (name, cell(guest), cell(native), n_known,
                                                   len(new), secs), flush=True)
        if args.details and "module_skipped" in guest:
            print("      module skipped: " + guest["module_skipped"])
        if args.details:
            for i, (test_id, text) in enumerate(new.items()):
                if i < 3:
                    print("      NEW " + test_id + "\n      " + text.replace("\n", "\n      "))
                else:
                    print("      NEW %s: %s" % (test_id, text.strip().splitlines()[-1][:100]))
            for why, n in guest.get("skips", []):
                print("      skipped %d: %s" % (n, why))
    os.unlink(os.path.join(native_path, "test"))
    os.rmdir(native_path)
    for pattern in sorted(known):
        parts = pattern.split(".")
        module = ".".join(parts[:2] if parts[0] == "test_asyncio" else parts[:1])
        if pattern not in used and module in args.modules:
            what = "to skip, but matched no test" if pattern in skips else "to fail, but did not"
            print("known %s: %s (%s)" % (what, pattern, known[pattern].split(":")[0]))
    print("%.0f s in all" % (time.monotonic() - began))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
