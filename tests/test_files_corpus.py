"""Files corpus: every tests/files_corpus/*.py program writes and reads files
and must print the same bytes and exit with the same status in the sandbox
(working directory /data, in memory) as under native /usr/bin/python3.11 run
in a fresh temporary directory.

usage: python3.11 tests/test_files_corpus.py [FILTER]
Ends with the line "N passed, N failed".
"""
import difflib
import glob
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ERYX = os.environ.get("ERYX", os.path.join(ROOT, "build", "bin", "eryx"))
NATIVE = "/usr/bin/python3.11"


def run(argv, cwd=None):
    p = subprocess.run(argv, capture_output=True, timeout=120, cwd=cwd,
                       env={"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"})
    return p.returncode, p.stdout, p.stderr


def main():
    pattern = sys.argv[1] if len(sys.argv) > 1 else ""
    passed = failed = 0
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "files_corpus", "*.py"))):
        name = os.path.basename(path)
        if pattern not in name:
            continue
        with tempfile.TemporaryDirectory() as work:
            native = run([NATIVE, "-I", path], cwd=work)
        sandbox = run([ERYX, "run", path])
        if native[:2] == sandbox[:2] and native[0] == 0:
            passed += 1
            print("ok   %s" % name)
            continue
        failed += 1
        print("FAIL %s (native status %d, sandbox status %d)" % (name, native[0], sandbox[0]))
        diff = difflib.unified_diff(native[1].decode("utf-8", "replace").splitlines(),
                                    sandbox[1].decode("utf-8", "replace").splitlines(),
                                    "native", "sandbox", lineterm="", n=1)
        for line in list(diff)[:20]:
            print("    " + line)
        for label, out in (("native", native[2]), ("sandbox", sandbox[2])):
            if out:
                print("    %s stderr: %s" % (label, out.decode("utf-8", "replace")[-600:]))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
