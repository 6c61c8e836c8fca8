"""`--callback NAME=COMMAND`: shell commands as async callbacks of the guest
(results, failures, concurrency, timeouts, killing, usage errors).

usage: python3.11 tests/test_cli_callbacks.py [FILTER]
Ends with the line "N passed, N failed".
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from cli_common import ERYX, eryx, expect, expect_eq, main, process_gone, read_pids, run_json, test


# ---- --callback ----

def run_with_callbacks(code, *args):
    """Runs code with --json; returns (status, result object)."""
    status, obj, err = run_json(code, *args)
    expect_eq(err, "", "stderr")
    return status, obj


@test
def callback_results():
    code = """
out = {}
out["json"] = await num()
out["obj"] = await obj()
out["text"] = await text()
out["two_lines"] = await two_lines()
out["empty"] = await empty()
out["echo"] = await echo(message="hi", n=[1, 2], s="\\u00e9\\n\\"")
out["dotted"] = await tools.upper(word="abc")
result = out
"""
    status, obj = run_with_callbacks(
        code,
        "--callback", "num=echo 42",
        "--callback", "obj=printf '{\"a\": [1, null]}'",
        "--callback", "text=echo hello world",
        "--callback", "two_lines=printf 'a\\n\\nb\\n\\n'",
        "--callback", "empty=true",
        "--callback", "echo=cat",
        "--callback=tools.upper=python3 -c \"import json,sys; "
                     "print(json.load(sys.stdin)['word'].upper())\"")
    expect_eq((status, obj["error"]), (0, None), "status")
    r = obj["result"]
    expect_eq(r["json"], 42, "JSON number")
    expect_eq(r["obj"], {"a": [1, None]}, "JSON object")
    expect_eq(r["text"], "hello world", "non-JSON text, one newline stripped")
    expect_eq(r["two_lines"], "a\n\nb\n", "only one trailing newline stripped")
    expect_eq(r["empty"], "", "empty output")
    expect_eq(r["echo"], {"message": "hi", "n": [1, 2], "s": "\u00e9\n\""}, "arguments on stdin")
    expect_eq(r["dotted"], "ABC", "dotted name")
    expect_eq(obj["stats"]["callback_invocations"], 7, "invocations")


@test
def trace_file_complete_when_a_command_runs():
    # A callback command sees every event before its call in the trace file.
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "trace.jsonl")
        code = "for i in range(5000):\n    x = i\nresult = int(await peek())\n"
        status, obj, _ = run_json(code, "--trace", path,
                                  "--callback", "peek=grep -c '\"lineno\":2' " + path)
    expect_eq((status, obj["error"]), (0, None), "run")
    expect_eq(obj["result"], 5000, "line-2 events in the file when peek ran")


@test
def callback_failures():
    code = """
msgs = []
for f in (fails, fails_quietly, killed):
    try:
        await f()
        msgs.append(None)
    except Exception as e:
        msgs.append([type(e).__name__, str(e)])
result = msgs
"""
    status, obj = run_with_callbacks(
        code,
        "--callback", "fails=echo out; echo '  it broke  ' >&2; exit 3",
        "--callback", "fails_quietly=exit 4",
        "--callback", "killed=kill -9 $$")
    expect_eq(status, 0, "status")
    expect_eq(obj["result"], [["CallbackError", "it broke"],
                              ["CallbackError", "command exited with status 4"],
                              ["CallbackError", "command killed by signal 9"]], "messages")


@test
def callback_concurrency():
    code = """
import asyncio, time
t0 = time.monotonic()
values = await asyncio.gather(*[slow() for _ in range(5)])
result = {"values": values, "seconds": time.monotonic() - t0}
"""
    status, obj = run_with_callbacks(code, "--callback", "slow=sleep 0.3; echo 1")
    expect_eq(status, 0, "status")
    expect_eq(obj["result"]["values"], [1] * 5, "values")
    expect(obj["result"]["seconds"] < 1.2, "5 x 0.3 s took %.2f s" % obj["result"]["seconds"])


@test
def callback_timeout():
    with tempfile.TemporaryDirectory() as d:
        # The command and a child of it both record their pid; both must be
        # killed at the timeout, not left running.
        cmd = "sleep 30 & echo $! > %s/child; echo $$ > %s/shell; wait" % (d, d)
        code = """
import time
t0 = time.monotonic()
try:
    await slow()
    result = "no error"
except Exception as e:
    result = [type(e).__name__, time.monotonic() - t0]
"""
        t0 = time.monotonic()
        status, obj = run_with_callbacks(code, "--callback-timeout", "0.5",
                                         "--callback", "slow=" + cmd)
        elapsed = time.monotonic() - t0
        expect_eq(status, 0, "status")
        kind, seconds = obj["result"]
        expect_eq(kind, "TimeoutError", "exception")
        expect(0.4 < seconds < 3, "timed out after %.2f s" % seconds)
        expect(elapsed < 10, "took %.2f s" % elapsed)
        pids = read_pids(d)
        expect_eq(len(pids), 2, "pids recorded")
        deadline = time.monotonic() + 5
        while not all(map(process_gone, pids)) and time.monotonic() < deadline:
            time.sleep(0.05)
        expect(all(map(process_gone, pids)), "processes left running: %r" % pids)


@test
def callback_killed_at_exit():
    with tempfile.TemporaryDirectory() as d:
        # A call nobody awaits: the run ends at once and kills the command.
        code = ("import asyncio\nasyncio.get_event_loop().create_task(slow())\n"
                "await asyncio.sleep(0.2)\nprint('done')\n")
        t0 = time.monotonic()
        status, out, err = eryx("run", "--callback", "slow=echo $$ > %s/pid; exec sleep 30" % d,
                                "-c", code)
        elapsed = time.monotonic() - t0
        expect_eq((status, out), (0, "done\n"), "run")
        expect(elapsed < 10, "took %.2f s" % elapsed)
        pids = read_pids(d)
        expect(pids and all(map(process_gone, pids)), "processes left running: %r" % pids)


@test
def callback_commands_killed_on_signal():
    # Commands run in process groups of their own, out of reach of Ctrl-C:
    # a signal cancels the execution, the commands are killed, and eryx ends
    # by that signal.
    for sig in (signal.SIGINT, signal.SIGTERM):
        with tempfile.TemporaryDirectory() as d:
            p = subprocess.Popen([ERYX, "run", "--callback",
                                  "slow=echo $$ > %s/pid; exec sleep 30" % d,
                                  "-c", "print('go', flush=True)\nawait slow()"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                expect_eq(p.stdout.readline(), b"go\n", "started")
                deadline = time.monotonic() + 10
                while not os.listdir(d) and time.monotonic() < deadline:
                    time.sleep(0.02)
                time.sleep(0.1)
                p.send_signal(sig)
                status = p.wait(timeout=10)
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait()
                p.stdout.close()
                p.stderr.close()
            expect_eq(status, -sig, "ended by the signal")
            pids = read_pids(d)
            expect(pids and all(map(process_gone, pids)), "processes left running: %r" % pids)


@test
def callback_usage_errors():
    cases = [
        ("--callback", "noequals"), ("--callback", "=cat"), ("--callback", "name="),
        ("--callback", "1x=cat"), ("--callback", "a..b=cat"), ("--callback", "a.=cat"),
        ("--callback", "bad-name=cat"), ("--callback", "x=cat", "--callback", "x=cat"),
        ("--callback",), ("--callback-timeout", "-1"), ("--callback-timeout", "abc"),
        ("--callback-timeout",), ("--trace",), ("--trace", ""), ("--trace", "a", "--trace", "b"),
    ]
    for args in cases:
        # Options last, so that one missing its value cannot take "-c".
        status, out, err = eryx("run", "-c", "pass", *args)
        expect_eq(status, 2, " ".join(args))
        expect(err.startswith("eryx: "), "message for %r: %r" % (args, err))
    for cmd in ("session", "repl"):
        for args in (("--json",), ("-c", "pass"), ("file.py",), ("--callback", "x"),
                     ("--bogus",)):
            status, _, err = eryx(cmd, *args)
            expect_eq(status, 2, "%s %s" % (cmd, " ".join(args)))
            expect(err.startswith("eryx: "), "message for %s %r: %r" % (cmd, args, err))


def run_limited(code, nofile, *args):
    """Runs code with --json under a descriptor limit of `nofile`."""
    import resource

    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    p = subprocess.run([ERYX, "run", "--json", *args, "-c", code], capture_output=True,
                       timeout=120, preexec_fn=limit)
    return p.returncode, json.loads(p.stdout)


@test
def callback_many_calls_under_fd_limit():
    # 1000 gathered calls under `ulimit -n 256` failed 881 times with EMFILE:
    # commands are now queued and started as slots free.
    code = """
import asyncio
r = await asyncio.gather(*[cb(i=i) for i in range(1000)], return_exceptions=True)
result = [sum(1 for i, x in enumerate(r) if x == {"i": i}),
          [repr(x) for x in r if not isinstance(x, dict)][:3]]
"""
    status, obj = run_limited(code, 256, "--callback", "cb=cat")
    expect_eq(status, 0, "status")
    expect_eq(obj["result"], [1000, []], "every call succeeds")


@test
def callback_concurrency_bounded():
    # Each command counts the commands running with it; no more than 64 (48
    # under `ulimit -n 256`) run at once, and more than one does.
    with tempfile.TemporaryDirectory() as d:
        cmd = "touch %s/$$; sleep 0.3; n=$(ls %s | wc -l); rm %s/$$; echo $n" % (d, d, d)
        code = ("import asyncio\n"
                "r = await asyncio.gather(*[cb() for _ in range(150)])\n"
                "result = [max(r), len(r)]")
        for nofile, most in ((4096, 64), (256, 48)):
            status, obj = run_limited(code, nofile, "--callback", "cb=" + cmd)
            expect_eq(status, 0, "status")
            peak, n = obj["result"]
            expect_eq(n, 150, "results")
            expect(1 < peak <= most, "%d commands at once (limit %d)" % (peak, most))
            expect_eq(os.listdir(d), [], "files left")


@test
def callback_start_failure_is_clear():
    # With no descriptor to spare, the call fails with a message that says
    # why, and the run goes on.
    code = ("try:\n    await cb()\nexcept Exception as e:\n    result = [type(e).__name__, str(e)]")
    status, obj = run_limited(code, 8, "--callback", "cb=cat")
    expect_eq(status, 0, "status")
    kind, message = obj["result"]
    expect_eq(kind, "CallbackError", "exception")
    expect("cannot start the command" in message and "open files" in message, message)


@test
def callback_memory_held_is_bounded():
    # Arguments held for commands that do not read their stdin (1000 calls
    # of 1.5 MiB took 1.5 GB): beyond 64 MiB in all a call fails at once;
    # once the commands end, calls fit again.
    code = """
import asyncio
s = "x" * (20 << 20)
r = await asyncio.gather(*[cb(s=s) for _ in range(5)], return_exceptions=True)
later = await cb(s=s)
result = [[x if isinstance(x, int) else str(x) for x in r], later]
"""
    status, obj = run_with_callbacks(code, "--callback", "cb=sleep 2; echo 1")
    expect_eq(status, 0, "status")
    first, later = obj["result"]
    expect_eq(first[:3], [1, 1, 1], "three fit")
    for message in first[3:]:
        expect("do not fit" in message and "64 MiB" in message, message)
    expect_eq(later, 1, "fits again after the others ended")
    # Outputs count too: five commands of 15 MiB each cannot all be held.
    code = """
import asyncio
r = await asyncio.gather(*[cb() for _ in range(5)], return_exceptions=True)
result = [len(x) if isinstance(x, str) else str(x) for x in r]
"""
    cmd = "yes xxxxxxx | head -c 15000000; sleep 1"  # less its last newline: 14999999 bytes
    status, obj = run_with_callbacks(code, "--callback", "cb=" + cmd)
    expect_eq(status, 0, "status")
    sizes = [x for x in obj["result"] if isinstance(x, int)]
    errors = [x for x in obj["result"] if isinstance(x, str)]
    # Which ones fail depends on how the outputs interleave: at least one.
    expect(len(sizes) >= 3 and all(n == 14999999 for n in sizes), str(obj["result"])[:300])
    expect(errors and all("output does not fit" in e for e in errors), errors)

if __name__ == "__main__":
    sys.exit(main())
