"""Tracing: `eryx run --trace FILE` must report, for every tests/trace/*.py
program, exactly the line/call/return/exception events that native CPython
3.11's own sys.settrace reports for the same code compiled as "<user>"
(only frames of "<user>"; StopIteration/StopAsyncIteration left out).

usage: python3.11 tests/test_trace.py [FILTER]
       python3.11 -I tests/test_trace.py --native PROGRAM [OUTFILE]
           (the oracle alone: the native events of PROGRAM as JSON lines,
            written to OUTFILE, or to stdout after the program's output)
Ends with the line "N passed, N failed".
"""
import difflib
import glob
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ERYX = os.environ.get("ERYX", os.path.join(ROOT, "build", "bin", "eryx"))
NATIVE = "/usr/bin/python3.11"
PROGRAMS = os.path.join(ROOT, "tests", "trace")
ENV = {"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"}


# ---------------------------------------------------------------- the oracle

def _type_name(tp):
    """The exception type as the traceback module names it."""
    name = getattr(tp, "__qualname__", None) or getattr(tp, "__name__", "?")
    mod = getattr(tp, "__module__", None)
    if mod not in ("builtins", "__main__"):
        if not isinstance(mod, str):
            mod = "<unknown>"
        name = mod + "." + name
    return name


def native_trace(path):
    """Runs the program at `path` natively under sys.settrace, as the sandbox
    runs it (compiled as "<user>", top-level await allowed, in a fresh
    __main__ namespace). Returns (events, raised): raised is True when the
    program ended with an uncaught exception."""
    import ast
    import asyncio
    import builtins
    import inspect

    with open(path, encoding="utf-8") as f:
        src = f.read()
    code = compile(src, "<user>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    events = []
    skip = (StopIteration, StopAsyncIteration)

    def record(frame, event, arg):
        if event == "line":
            events.append({"event": "line", "lineno": frame.f_lineno})
        elif event in ("call", "return"):
            events.append({"event": event, "lineno": frame.f_lineno,
                           "function": frame.f_code.co_name})
        elif event == "exception":
            tp, value, _ = arg
            if tp in skip:
                return
            try:
                message = str(value)
            except BaseException:
                message = "<unprintable %s object>" % tp.__name__
            events.append({"event": "exception", "lineno": frame.f_lineno,
                           "type": _type_name(tp), "message": message})
        # "opcode" and c_* events are not requested / not delivered

    def local_tracer(frame, event, arg):
        record(frame, event, arg)
        return local_tracer

    def global_tracer(frame, event, arg):
        # Called for the call event of every new frame, including user frames
        # called from the standard library (sorted(key=...), asyncio tasks).
        if frame.f_code.co_filename != "<user>":
            return None
        record(frame, event, arg)
        return local_tracer

    ns = {"__name__": "__main__", "__builtins__": builtins}
    raised = False
    loop = None
    if code.co_flags & inspect.CO_COROUTINE:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    sys.settrace(global_tracer)
    try:
        if loop is not None:
            loop.run_until_complete(eval(code, ns))
        else:
            exec(code, ns)
    except BaseException:
        raised = True
    finally:
        sys.settrace(None)
    if loop is not None:
        asyncio.set_event_loop(None)
        loop.close()
    sys.stdout.flush()
    return events, raised


def native_main(argv):
    """--native PROGRAM [OUTFILE]: writes {"raised": bool} then the events."""
    events, raised = native_trace(argv[0])
    lines = [json.dumps({"raised": raised})] + [dump(e) for e in events]
    text = "".join(line + "\n" for line in lines)
    if len(argv) > 1:
        with open(argv[1], "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


# ---------------------------------------------------------------- the harness

KEY_ORDER = ["event", "lineno", "function", "type", "message"]


def dump(event):
    """One event as a JSON line with a stable key order (for diffs)."""
    keys = [k for k in KEY_ORDER if k in event] + sorted(k for k in event if k not in KEY_ORDER)
    return json.dumps({k: event[k] for k in keys}, ensure_ascii=False, separators=(",", ":"))


class Failure(Exception):
    pass


def run_native(path):
    """The oracle in a fresh native interpreter: (events, raised)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "native.jsonl")
        p = subprocess.run([NATIVE, "-I", os.path.abspath(__file__), "--native", path, out],
                           capture_output=True, timeout=120, env=ENV)
        if p.returncode != 0 or not os.path.exists(out):
            raise Failure("native run failed (status %d): %s"
                          % (p.returncode, p.stderr.decode("utf-8", "replace")[-800:]))
        with open(out, encoding="utf-8") as f:
            lines = f.read().splitlines()
    head = json.loads(lines[0])
    return [json.loads(line) for line in lines[1:]], head["raised"]


def read_jsonl(path):
    events = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                events.append(json.loads(line))
            except ValueError as e:
                raise Failure("trace file line %d is not JSON (%s): %r" % (n, e, line[:200]))
    return events


# What eryx adds to each event beyond what sys.settrace reports: checked in
# tests/test_tracing.c and tests/test_profile.py, left out of the comparison.
EXTRA_KEYS = ("t_us", "task")


def drop_callbacks(events):
    """The events the oracle also has, with only the keys it also has."""
    return [{k: v for k, v in e.items() if k not in EXTRA_KEYS} if isinstance(e, dict) else e
            for e in events
            if not (isinstance(e, dict) and str(e.get("event", "")).startswith("callback_"))]


def run_sandbox(path, *extra):
    """eryx run --trace TMP [extra] PROGRAM: (status, stdout, stderr, file events)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "trace.jsonl")
        p = subprocess.run([ERYX, "run", "--trace", out, *extra, path],
                           capture_output=True, timeout=120, env=ENV)
        stdout = p.stdout.decode("utf-8", "replace")
        stderr = p.stderr.decode("utf-8", "replace")
        if not os.path.exists(out):
            raise Failure("no trace file written (status %d); stderr: %s"
                          % (p.returncode, stderr[-800:]))
        return p.returncode, stdout, stderr, read_jsonl(out)


def compare(native, sandbox):
    """Raises Failure with a readable diff unless the sequences are equal."""
    a = [dump(e) for e in native]
    b = [dump(e) if isinstance(e, dict) else json.dumps(e) for e in sandbox]
    if a == b:
        return
    first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    diff = list(difflib.unified_diff(a, b, "native", "sandbox", lineterm="", n=2))
    raise Failure("events differ (native %d events, sandbox %d; first difference at event #%d)\n%s"
                  % (len(a), len(b), first + 1, "\n".join(diff[:30])))


def check_program(path):
    native, raised = run_native(path)
    status, _, stderr, events = run_sandbox(path)
    problems = []
    expected_status = 1 if raised else 0  # 1: the program's uncaught exception
    if status != expected_status:
        problems.append("eryx exit status %d, expected %d; stderr: %s"
                        % (status, expected_status, stderr[-800:]))
    try:
        compare(native, drop_callbacks(events))
    except Failure as e:
        problems.append(str(e))
    if problems:
        raise Failure("\n".join(problems))


def check_json_mode(path):
    """--trace FILE with --json: the result's "trace" equals the file's events
    (and those equal the oracle's)."""
    native, _ = run_native(path)
    status, stdout, stderr, events = run_sandbox(path, "--json")
    if status not in (0, 1):
        raise Failure("eryx exit status %d; stderr: %s" % (status, stderr[-800:]))
    try:
        obj = json.loads(stdout)
    except ValueError as e:
        raise Failure("--json output is not one JSON object (%s): %r" % (e, stdout[:300]))
    if "trace" not in obj:
        raise Failure("no \"trace\" key in the --json result; keys: %s" % sorted(obj))
    if obj["trace"] != events:
        diff = difflib.unified_diff([dump(e) if isinstance(e, dict) else json.dumps(e) for e in events],
                                    [dump(e) if isinstance(e, dict) else json.dumps(e)
                                     for e in obj["trace"]],
                                    "trace file", "--json trace", lineterm="", n=2)
        raise Failure("\"trace\" differs from the trace file\n%s"
                      % "\n".join(list(diff)[:30]))
    compare(native, drop_callbacks(obj["trace"]))


JSON_MODE_PROGRAM = "class_init.py"


def main(argv):
    if argv and argv[0] == "--native":
        return native_main(argv[1:])
    pattern = argv[0] if argv else ""
    tests = []
    for path in sorted(glob.glob(os.path.join(PROGRAMS, "*.py"))):
        name = os.path.basename(path)[:-3]
        tests.append((name, check_program, path))
    tests.append(("json_mode:" + JSON_MODE_PROGRAM[:-3], check_json_mode,
                  os.path.join(PROGRAMS, JSON_MODE_PROGRAM)))
    passed = failed = 0
    for name, fn, path in tests:
        if pattern not in name:
            continue
        try:
            fn(path)
        except Failure as e:
            failed += 1
            print("FAIL %s\n    %s" % (name, str(e).replace("\n", "\n    ").rstrip()))
        except Exception as e:  # a crash of the harness counts as a failure
            failed += 1
            print("FAIL %s\n    %s: %s" % (name, type(e).__name__, e))
        else:
            passed += 1
            print("ok   %s" % name)
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
