"""CPython's own regression tests (Lib/test of the source tarball the guest is
built from), module by module, in the sandbox and natively, side by side.

usage: python3.11 tests/cpython_tests.py [--timeout S] [--memory MIB] [MODULE ...]

The sandbox runs `build/test/eryx`, the CLI linked with a test-only standard
library image that also holds the `test` package (tools/pack_stdlib.py
--tests; the shipped image never does). Natively, /usr/bin/python3.11 runs
the same test files against its own standard library. Each module runs in a
process of its own with a time limit, through unittest (load_tests
respected), and the table gives tests run / passed / failed (failures plus
errors) / skipped for both. Prints "N passed, N failed" at the end: a module
passes when it finishes in the sandbox with no more failures than natively,
or when it skips itself as a whole (SkipTest at import, e.g. test_asyncio,
which needs sockets under WASI: the reason is shown).
With --details, the first failures of each module in the sandbox are shown.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ERYX = os.environ.get("ERYX_TEST", os.path.join(ROOT, "build", "test", "eryx"))
LIB = os.path.join(ROOT, "build", "cpython-src", "Lib")
NATIVE = "/usr/bin/python3.11"
MARK = "@@cpython-tests@@ "

# The list (pure modules first): subjects the sandbox supports.
MODULES = """test_json test_re test_math test_cmath test_decimal test_fractions test_datetime
test_zoneinfo test_collections test_itertools test_functools test_dataclasses test_typing
test_enum test_hashlib test_base64 test_struct test_random test_statistics test_textwrap
test_string test_heapq test_bisect test_operator test_copy test_pprint test_difflib
test_unicodedata test_zlib test_gzip test_zipfile test_tarfile test_bz2 test_lzma test_sqlite3
test_csv test_tempfile test_shutil test_pathlib test_glob test_os test_io test_fileio
test_pickle test_traceback test_inspect test_exceptions test_generators test_coroutines
test_asyncio test_grammar test_builtin test_dict test_list test_set test_unicode
test_bytes test_long test_float test_int""".split()
# (The test_str is test_unicode in 3.11: the module was renamed in 3.13.)

# Runs one test module with unittest and prints one summary line (MARK + JSON).
# Modules with a test_main() (regrtest's legacy protocol) run through it, with
# test.support's runner replaced by ours to collect the result.
DRIVER = r"""
import importlib, io, json, sys, unittest
importlib.invalidate_caches()  # the image's directory caches predate the test package
from test import support
name = %r
out = io.StringIO()
results = []
def run_suite(suite):
    results.append(unittest.TextTestRunner(stream=out, verbosity=0).run(suite))
support._run_suite = run_suite
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
               "details": [str(test) + "\n" + text[-600:] for test, text in problems[:5]],
               "skips": sorted(reasons.items(), key=lambda kv: -kv[1])[:6]}
except unittest.SkipTest as exc:  # the whole module (e.g. test_asyncio needs sockets)
    summary = {"run": 0, "failed": 0, "skipped": 0, "details": [], "skips": [],
               "module_skipped": str(exc)}
except BaseException as exc:
    summary = {"error": "%%s: %%s" %% (type(exc).__name__, exc)}
print(%r + json.dumps(summary), flush=True)
"""


def run_one(argv, timeout):
    try:
        p = subprocess.run(argv, capture_output=True, timeout=timeout,
                           env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"})
    except subprocess.TimeoutExpired:
        return {"error": "timeout after %d s" % timeout}
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK):])
    tail = (p.stderr or p.stdout).decode("utf-8", "replace").strip().splitlines()[-1:]
    return {"error": "exit status %d: %s" % (p.returncode, tail[0] if tail else "no output")}


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

    # Natively: the tarball's test package first on sys.path, the installed stdlib after it.
    native_path = tempfile.mkdtemp()
    os.symlink(os.path.join(LIB, "test"), os.path.join(native_path, "test"))
    print("%-18s | %-24s | %-24s" % ("", "eryx", "native python3.11"))
    print("%-18s | %s | %s" % ("module", "  run  pass  fail  skip  ", "  run  pass  fail  skip  "))
    passed = failed = 0
    for name in args.modules:
        code = DRIVER % (name, MARK)
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
            f.write(code)
        guest = run_one([ERYX, "run", "--timeout", str(args.timeout), "--memory", str(args.memory),
                         f.name], args.timeout + 30)
        native = run_one([NATIVE, "-I", "-c", "import sys; sys.path.insert(0, %r)\n%s"
                          % (native_path, code)], args.timeout + 30)
        os.unlink(f.name)
        ok = "error" not in guest and "error" not in native and guest["failed"] <= native["failed"]
        passed, failed = passed + ok, failed + (not ok)
        print("%-18s | %s | %s" % (name, cell(guest), cell(native)), flush=True)
        if args.details and "module_skipped" in guest:
            print("      module skipped: " + guest["module_skipped"])
        if args.details and "details" in guest:
            for d in guest["details"]:
                print("      " + d.replace("\n", "\n      "))
            for why, n in guest["skips"]:
                print("      skipped %d: %s" % (n, why))
    os.unlink(os.path.join(native_path, "test"))
    os.rmdir(native_path)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
