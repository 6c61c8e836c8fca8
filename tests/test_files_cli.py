"""The command line's files options, run as a user would: -v/--volume (a host
directory handed in, an output read back, :ro), --package (Debian's Jinja2,
PyYAML, python-dateutil, a wheel built here), --fs-limit, eryx snapshot and
--snapshot on run and session, and their usage errors.

usage: python3.11 tests/test_files_cli.py [FILTER]
Ends with the line "N passed, N failed".
"""
import json
import os
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ERYX = os.environ.get("ERYX", os.path.join(ROOT, "build", "bin", "eryx"))
DIST = "/usr/lib/python3/dist-packages"
JINJA = ["--package", DIST + "/jinja2", "--package", DIST + "/markupsafe"]
YAML = ["--package", DIST + "/yaml"]

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def eryx(*args, stdin=b"", timeout=60):
    p = subprocess.run([ERYX, *args], input=stdin, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


class Failure(Exception):
    pass


def expect_eq(actual, expected, what=""):
    if actual != expected:
        raise Failure("%s: got %r, expected %r" % (what, actual, expected))


def expect(cond, what):
    if not cond:
        raise Failure(what)


@test
def help_lists_file_options():
    status, out, _ = eryx("run", "--help")
    expect_eq(status, 0, "status")
    for word in ("--volume", "-v,", "--package", "--fs-limit", "--snapshot", "eryx snapshot",
                 "-o OUT"):
        expect(word in out, "help mentions " + word)


@test
def volume_in_and_out():
    with tempfile.TemporaryDirectory() as d:
        os.mkdir(os.path.join(d, "in"))
        os.mkdir(os.path.join(d, "out"))
        with open(os.path.join(d, "in", "sales.csv"), "w") as f:
            f.write("item,count\napples,3\npears,4\n")
        code = ("import csv\nrows = list(csv.DictReader(open('/in/sales.csv')))\n"
                "total = sum(int(r['count']) for r in rows)\n"
                "open('/out/report.txt', 'w').write('total %d\\n' % total)\nprint('done')")
        status, out, err = eryx("run", "-v", d + "/in:/in:ro", "--volume", d + "/out:/out",
                                "-c", code)
        expect_eq((status, out, err), (0, "done\n", ""), "run")
        with open(os.path.join(d, "out", "report.txt")) as f:
            expect_eq(f.read(), "total 7\n", "report")
        status, out, err = eryx("run", "-v", d + "/in:/in:ro", "-c",
                                "open('/in/sales.csv', 'a')")
        expect_eq(status, 1, "write to :ro")
        expect("Read-only file system" in err, err)
        expect(d not in err, "host path in the message: " + err)


@test
def volume_usage_errors():
    for spec, word in (("/nonexistent/x:/mnt", "cannot open host directory"),
                       ("/tmp", "HOST:GUEST"), ("/tmp:relative", "absolute"),
                       ("/tmp:/lib", "/lib"), ("/tmp:/", "root")):
        status, _, err = eryx("run", "-v", spec, "-c", "pass")
        expect_eq(status, 2, spec)
        expect(word in err, "%s: %s" % (spec, err))
    status, _, err = eryx("run", "-v", "/tmp:/a", "-v", "/tmp:/a", "-c", "pass")
    expect_eq(status, 2, "twice at one path")
    expect("already mounted" in err, err)


@test
def fs_limit():
    code = ("import errno\ntry:\n    open('x', 'wb').write(b'x' * (3 << 20))\n"
            "except OSError as e:\n    print(errno.errorcode[e.errno])\n"
            "import os\nos.unlink('x')\nopen('y', 'wb').write(b'y' * (1 << 20))\nprint('ok')")
    expect_eq(eryx("run", "--fs-limit", "2", "-c", code), (0, "ENOSPC\nok\n", ""), "quota")
    for bad in ("0", "-1", "x"):
        expect_eq(eryx("run", "--fs-limit", bad, "-c", "pass")[0], 2, "--fs-limit " + bad)


@test
def packages_from_debian():
    code = ("import jinja2, yaml, dateutil.parser\n"
            "print(jinja2.Template('{{ a|e }}').render(a='<x>'), yaml.safe_load('[1]'),\n"
            "      dateutil.parser.parse('2020-02-29').year)")
    status, out, err = eryx("run", *JINJA, *YAML, "--package", DIST + "/dateutil",
                            "--package", DIST + "/six.py", "-c", code)
    expect_eq((status, out, err), (0, "&lt;x&gt; [1] 2020\n", ""), "packages")
    status, _, err = eryx("run", "--package", "/nonexistent", "-c", "pass")
    expect_eq(status, 2, "missing package")
    status, _, err = eryx("run", "-c", "import jinja2")
    expect_eq(status, 1, "no package, no import")


@test
def package_wheel():
    with tempfile.TemporaryDirectory() as d:
        whl = os.path.join(d, "Jinja2-3.1.2-py3-none-any.whl")
        with zipfile.ZipFile(whl, "w", zipfile.ZIP_STORED) as z:
            for pkg in ("jinja2", "markupsafe"):
                for r, _, fs in os.walk(os.path.join(DIST, pkg)):
                    for f in fs:
                        if f.endswith(".py"):
                            p = os.path.join(r, f)
                            z.write(p, os.path.relpath(p, DIST))
        status, out, err = eryx("run", "--package", whl, "-c",
                                "import jinja2\nprint(jinja2.__file__, "
                                "jinja2.Template('{{ 6 * 7 }}').render())")
        expect_eq((status, out, err),
                  (0, "/packages/0/jinja2/__init__.py 42\n", ""), "wheel")


@test
def snapshot_command_and_template():
    with tempfile.TemporaryDirectory() as d:
        snap = os.path.join(d, "setup.snap")
        setup = ("import jinja2, yaml\nenv = jinja2.Environment()\n"
                 "page = env.from_string('<p>{{ title }}</p>')\n"
                 "open('/data/config.yaml', 'w').write('name: demo\\n')\nruns = 0\n"
                 "print('setup done')")
        status, out, err = eryx("snapshot", *JINJA, *YAML, "-c", setup, "-o", snap)
        expect_eq((status, out, err), (0, "setup done\n", ""), "snapshot")
        expect(os.path.getsize(snap) > 1000, "snapshot written")
        code = ("runs += 1\ncfg = yaml.safe_load(open('config.yaml'))\n"
                "print(runs, page.render(title=cfg['name']))\nopen('scratch', 'w')")
        for _ in range(2):  # every run starts from the snapshot
            expect_eq(eryx("run", *JINJA, *YAML, "--snapshot", snap, "-c", code),
                      (0, "1 <p>demo</p>\n", ""), "run --snapshot")
        requests = b"".join(json.dumps(r).encode() + b"\n" for r in (
            {"id": 1, "code": "runs += 1\nprint(runs)"},
            {"id": 2, "code": "runs += 1\nprint(runs)"},
            {"id": 3, "op": "reset"},
            {"id": 4, "code": "print(runs, page.render(title='x'))"}))
        status, out, _ = eryx("session", *JINJA, *YAML, "--snapshot", snap, stdin=requests)
        answers = [json.loads(line) for line in out.splitlines()]
        expect_eq([a.get("stdout", a.get("ok")) for a in answers],
                  ["1\n", "2\n", True, "0 <p>x</p>\n"], "session --snapshot")
        # A failing setup writes nothing.
        bad = os.path.join(d, "bad.snap")
        status, _, err = eryx("snapshot", "-c", "1/0", "-o", bad)
        expect_eq(status, 1, "failing setup")
        expect("ZeroDivisionError" in err and not os.path.exists(bad), err)
        with open(bad, "wb") as f:
            f.write(b"not a snapshot")
        status, _, err = eryx("run", "--snapshot", bad, "-c", "pass")
        expect_eq(status, 2, "bad snapshot file")
        expect("not an eryx snapshot" in err, err)
        expect_eq(eryx("snapshot", "-c", "pass")[0], 2, "no -o")
        expect_eq(eryx("snapshot", "-c", "pass", "-o", snap, "--snapshot", snap)[0], 2,
                  "--snapshot does not apply to snapshot")


def main():
    pattern = sys.argv[1] if len(sys.argv) > 1 else ""
    passed = failed = 0
    for fn in TESTS:
        if pattern not in fn.__name__:
            continue
        try:
            fn()
        except Exception as e:
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
