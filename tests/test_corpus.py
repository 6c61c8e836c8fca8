"""Standard library corpus: every tests/corpus/*.py program must print the
same bytes and exit with the same status in the sandbox as under native
/usr/bin/python3.11 (the same CPython version as the guest). With --files,
the programs of tests/files_corpus/, which write and read files: natively
each runs in a fresh temporary directory, in the sandbox in its in-memory
working directory /data.

usage: python3.11 tests/test_corpus.py [--files] [FILTER]
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
    args = sys.argv[1:]
    files = "--files" in args
    args = [a for a in args if a != "--files"]
    pattern = args[0] if args else ""
    corpus = "files_corpus" if files else "corpus"
    passed = failed = 0
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", corpus, "*.py"))):
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
        if sandbox[2]:
            print("    sandbox stderr: " + sandbox[2].decode("utf-8", "replace")[-600:])
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
