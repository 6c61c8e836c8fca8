"""The harness of tests/test_attacks.py: a case is code run through
build/bin/eryx as an attacker would, with checks of containment and of the
host's health after it (see test_attacks.py).
"""
import json
import os
import subprocess
import sys
import tempfile

from cli_common import ERYX, Failure, expect, expect_eq

SECRET = "s3cret-%d" % os.getpid()
HEALTH = {"id": "health", "code": "result = 6 * 7"}
# Host memory a session may take beyond its guest memory limit (the image,
# the answers, our buffers), in MiB.
HOST_MARGIN_MIB = 192


class Attack:
    """One case: `code` runs in `eryx session ARGS` (mode "session"), `eryx
    run --json ARGS` (mode "run", which must exit with `status`) or `eryx run
    ARGS` streaming its output (mode "stream": the answer is {"status",
    "stdout", "stderr"}); `check` gets its answer. `rlimits`: resource
    limits of the eryx process ({"STACK": bytes}); `repeat`: runs, for an
    outcome that varies from run to run; `extra`: files the case may leave
    in eryx's directory; `xfail`: why it is expected to fail for now."""

    def __init__(self, name, code, check, args=(), memory=64, xfail=None, extra=(),
                 mode="session", status=0, rlimits=None, repeat=1):
        self.name, self.code, self.check = name, code, check
        self.args, self.memory, self.xfail, self.extra = args, memory, xfail, extra
        self.mode, self.status, self.rlimits = mode, status, rlimits or {}
        self.repeat = repeat


ATTACKS = []


def attack(name, code, **options):
    """Registers a case whose check receives the answer to `code`."""
    def register(check):
        ATTACKS.append(Attack(name, code, check, **options))
        return check
    return register


def outcome(answer):
    """(error kind or None, exception type or None) of an answer."""
    e = answer.get("error") or {}
    return e.get("kind"), e.get("type")


def expect_exception(answer, *types):
    kind, etype = outcome(answer)
    expect(kind == "exception" and etype in types,
           "expected one of %s, got %r: %s" % (types, (kind, etype), str(answer)[:300]))


def expect_result(answer, expected):
    expect_eq((outcome(answer), answer.get("result")), ((None, None), expected), "result")


def expect_all_refused(answer):
    """The code tried things in a list and reports each as "ok" or the name
    of the exception: nothing may have been allowed."""
    expect_eq(outcome(answer), (None, None), "outcome")
    result = answer.get("result")
    expect(isinstance(result, list) and result and "ok" not in result, "allowed: %r" % result)


TRY_ALL = """
out = []
for attempt in ATTEMPTS:
    try:
        attempt()
        out.append("ok")
    except BaseException as e:
        out.append(type(e).__name__)
result = out
"""


def tries(*lines, setup=""):
    """Code that runs each expression line and collects the outcomes."""
    return (setup + "\nATTEMPTS = [\n" + "".join("    lambda: %s,\n" % l for l in lines) + "]\n"
            + TRY_ALL)


def process_group_empty(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    # Zombies are gone for our purpose; anything else is still running.
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return False
    return True


def run_case(case):
    """Runs one case (case.repeat times)."""
    for _ in range(case.repeat):
        run_once(case)


def run_once(case):
    """Runs one case in a process of its own in an empty directory: the host
    checks, then the case's own on the answer to the attack."""
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "secret.txt"), "w") as f:
            f.write(SECRET)
        env = dict(os.environ, ERYX_SECRET=SECRET, PWD=d)
        args = ["--memory", str(case.memory), *case.args]
        stdin = b""
        if case.mode == "run":
            cmd = [ERYX, "run", "--json", *args, "-c", case.code]
        elif case.mode == "stream":
            cmd = [ERYX, "run", *args, "-c", case.code]
        else:
            cmd = [ERYX, "session", *args]
            stdin = "".join(json.dumps(r) + "\n" for r in
                            ({"id": 1, "code": case.code}, HEALTH)).encode()
        status, out, err, rss, pgid = run_measured(cmd, d, env, stdin, 120, case.rlimits)
        if case.mode == "stream":
            expect_eq(status, case.status, "exit status")
            answers = [{"status": status, "stdout": out.decode("utf-8", "replace"),
                        "stderr": err.decode("utf-8", "replace")}]
        else:
            # Strictly one line of valid UTF-8 JSON per answer.
            lines = out.decode("utf-8", "strict").split("\n")
            expect_eq(lines[-1], "", "output ends with a newline")
            answers = [json.loads(l) for l in lines[:-1]]
        if case.mode == "run":
            expect_eq(len(answers), 1, "one object")
            expect_eq(status, case.status, "exit status")
        elif case.mode == "session":
            expect_eq((status, err.decode()), (0, ""), "exit status and stderr")
            expect_eq(len(answers), 2, "one answer line per request")
            expect_eq([a.get("id") for a in answers], [1, "health"], "ids")
            expect_eq(answers[1].get("result"), 42, "the session works after the attack")
        expect(rss < case.memory + HOST_MARGIN_MIB,
               "host RSS %.0f MiB for a guest limit of %d MiB" % (rss, case.memory))
        expect(process_group_empty(pgid), "processes left running")
        left = set(os.listdir(d)) - {"secret.txt", *case.extra}
        expect(not left, "files left in the directory: %r" % sorted(left))
        with open(os.path.join(d, "secret.txt")) as f:
            expect_eq(f.read(), SECRET, "secret.txt untouched")
        cwd = os.getcwd()
        os.chdir(d)
        try:
            case.check(answers[0])
        finally:
            os.chdir(cwd)


# Runs the commands of run_measured and measures them. A process forked
# from ours would count our own memory in its peak (Linux keeps the larger
# of the peaks before and after exec), and this process grows with the
# answers it reads: the launcher stays small, started before anything else.
LAUNCHER_CODE = r"""
import json, os, subprocess, sys, threading
for line in sys.stdin:
    r = json.loads(line)
    def limit(rlimits=r["rlimits"]):
        import resource
        for name, value in rlimits.items():
            resource.setrlimit(getattr(resource, "RLIMIT_" + name), (value, value))
    with open(r["stdin"], "rb") as i, open(r["stdout"], "wb") as o, open(r["stderr"], "wb") as e:
        p = subprocess.Popen(r["cmd"], cwd=r["cwd"], env=r["env"], stdin=i, stdout=o, stderr=e,
                             start_new_session=True, preexec_fn=limit)
    timer = threading.Timer(r["timeout"], os.killpg, (p.pid, 9))
    timer.start()
    _, wstatus, usage = os.wait4(p.pid, 0)
    timed_out = not timer.is_alive()
    timer.cancel()
    print(json.dumps({"status": os.waitstatus_to_exitcode(wstatus), "pid": p.pid,
                      "maxrss_kib": usage.ru_maxrss, "timed_out": timed_out}), flush=True)
"""
LAUNCHER = subprocess.Popen([sys.executable, "-c", LAUNCHER_CODE], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)


def run_measured(cmd, cwd, env, stdin, timeout, rlimits):
    """Runs cmd in a process group of its own with stdin, through the
    launcher; returns (exit status, stdout, stderr, peak RSS in MiB, process
    group). Fails when it takes more than `timeout` seconds (killed)."""
    with tempfile.TemporaryDirectory() as io:
        paths = {k: os.path.join(io, k) for k in ("stdin", "stdout", "stderr")}
        with open(paths["stdin"], "wb") as f:
            f.write(stdin)
        LAUNCHER.stdin.write(json.dumps(dict(paths, cmd=cmd, cwd=cwd, env=env, timeout=timeout,
                                             rlimits=rlimits)) + "\n")
        LAUNCHER.stdin.flush()
        r = json.loads(LAUNCHER.stdout.readline())
        if r["timed_out"]:
            raise Failure("no answer within %d s" % timeout)
        with open(paths["stdout"], "rb") as f:
            out = f.read()
        with open(paths["stderr"], "rb") as f:
            err = f.read()
    return r["status"], out, err, r["maxrss_kib"] / 1024, r["pid"]


def main():
    pattern = sys.argv[1] if len(sys.argv) > 1 else ""
    passed = failed = xfailed = 0
    for case in ATTACKS:
        if pattern not in case.name:
            continue
        try:
            run_case(case)
        except Exception as e:
            if case.xfail:
                xfailed += 1
                print("xfail %s (%s)\n    %s: %s" % (case.name, case.xfail, type(e).__name__,
                                                     str(e)[:300]))
            else:
                failed += 1
                print("FAIL %s\n    %s: %s" % (case.name, type(e).__name__, str(e)[:500]))
        else:
            passed += 1
            print("%s %s" % ("XPASS" if case.xfail else "ok  ", case.name))
        sys.stdout.flush()
    print("(%d expected failures, marked XFAIL: not counted)" % xfailed)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0

