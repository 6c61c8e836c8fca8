"""eryx benchmarks: every figure is measured in this run, next to its
baseline on native /usr/bin/python3.11 (the same CPython version, the
physical limit) and, where Node.js and npm are available, Pyodide 0.25
(CPython 3.11 in WebAssembly: the peer), installed under build/pyodide.
Start-up, sandbox creation and tracing here; the speed of Python code is
the benchmark suite's (bench/suite.py), which this runs last.

usage: python3.11 bench/run.py [--quick]
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import suite

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ERYX = os.path.join(ROOT, "build", "bin", "eryx")
BENCH_CREATE = os.path.join(ROOT, "build", "bench", "bench_create")
BENCH_TRACE = os.path.join(ROOT, "build", "bench", "bench_trace")
BENCH_TEMPLATE = os.path.join(ROOT, "build", "bench", "bench_template")
DIST = "/usr/lib/python3/dist-packages"
# The template and request of bench_template.c, rendered natively.
NATIVE_RENDER = r"""
import statistics, sys, time
if sys.argv[1] == "pure":
    sys.modules["markupsafe._speedups"] = None  # MarkupSafe's Python code, as in the sandbox
import jinja2, yaml
env = jinja2.Environment(autoescape=True)
page = env.from_string('<h1>{{ title }}</h1><ul>{% for item in items %}'
                       '<li>{{ item.name }}: {{ item.price }}</li>{% endfor %}</ul>')
samples = []
for _ in range(2000):
    t = time.perf_counter()
    html = page.render(title='Order <42>', items=[{'name': 'tea', 'price': 3},
                                                  {'name': 'cake', 'price': 5}])
    samples.append(time.perf_counter() - t)
print(statistics.median(samples))
"""
NATIVE = "/usr/bin/python3.11"
QUICK = "--quick" in sys.argv
REPEAT = 3 if QUICK else 7


def wall(argv, repeat=REPEAT):
    """Median wall time of a whole process, seconds."""
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def row(name, eryx_s, native_s, unit="ms"):
    scale = 1e3 if unit == "ms" else 1e6
    print("%-34s %10.3f %s %10.3f %s %8.2fx" % (name, eryx_s * scale, unit, native_s * scale, unit,
                                               eryx_s / native_s))


def template_rows(native_start):
    """A snapshot of a session that imported jinja2 and yaml as the template
    of stateless sandboxes: creation, `pass`, a render per request."""
    if not os.path.isdir(os.path.join(DIST, "jinja2")):
        print("(snapshot template: skipped, python3-jinja2 is not installed)")
        return
    out = subprocess.run([BENCH_TEMPLATE, DIST, "100" if QUICK else "500"], check=True,
                         capture_output=True, text=True).stdout
    f = {l.split()[0]: float(l.split()[1]) / 1e6 for l in out.splitlines()}
    native = {kind: min(float(subprocess.run([NATIVE, "-c", NATIVE_RENDER, kind], check=True,
                                             capture_output=True, text=True).stdout)
                        for _ in range(3)) for kind in ("speedups", "pure")}
    print("%-34s %10.0f KiB, loaded once in %.1f ms" % (
        "snapshot: jinja2+yaml session", f["snapshot_bytes"] * 1e6 / 1024,
        f["load_snapshot_us"] * 1e3))
    row("snapshot: create sandbox from it", f["create_from_snapshot_us"], native_start, "us")
    row("snapshot: pass in it", f["pass_from_snapshot_us"], native_start, "us")
    row("snapshot: render request (execute)", f["render_request_us"], native["speedups"], "us")
    row("snapshot: render, timed in guest", f["render_in_guest_us"], native["speedups"], "us")
    row("  vs native without C speedups", f["render_in_guest_us"], native["pure"], "us")
    print("(render rows: baseline is native python3.11 rendering with everything imported)")


def main():
    peer = suite.pyodide(list(suite.prepare(suite.programs()).values()))
    print("%-34s %13s %13s %9s" % ("benchmark", "eryx", "python3.11", "ratio"))
    native_start = wall([NATIVE, "-I", "-S", "-c", "pass"])
    row("process: run -c pass", wall([ERYX, "run", "-c", "pass"]), native_start)
    if peer:
        print("%-34s %13s %13s %9s   pyodide %10.3f ms (loadPyodide)" % (
            "start-up", "", "", "", peer["startup"][0] * 1e3))

    lines = subprocess.run([BENCH_CREATE, "50" if QUICK else "300"], check=True,
                           capture_output=True, text=True).stdout.splitlines()
    figures = {l.split()[0]: float(l.split()[1]) / 1e6 for l in lines}
    row("in-process: first sandbox (image)", figures["first_sandbox_us"], native_start)
    row("in-process: create sandbox", figures["create_us"], native_start, "us")
    row("in-process: create + pass", figures["create_and_pass_us"], native_start, "us")
    row("in-process: pass in sandbox", figures["pass_us"], native_start, "us")
    print("%-34s %10.0f KiB private per sandbox, %d alive at once" % (
        "in-process: idle sandbox memory", figures["idle_private_kib"] * 1e6,
        figures["alive_sandboxes"] * 1e6))

    template_rows(native_start)

    print("(native baseline for the in-process rows: python3.11 -I -S -c pass process start)")

    trace_section()
    callback_and_library_section(peer)


FIB22 = """def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
fib(22)
"""
SETTRACE22 = """import sys
def tracer(frame, event, arg):
    return tracer
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
sys.settrace(tracer)
fib(22)
sys.settrace(None)
"""


def cli_paths(tmp, rounds):
    """Median wall times of `eryx run` on fib(22) by each path, the runs of
    all paths alternating round by round."""
    fib, settrace = os.path.join(tmp, "fib22.py"), os.path.join(tmp, "settrace22.py")
    for path, text in ((fib, FIB22), (settrace, SETTRACE22)):
        with open(path, "w") as f:
            f.write(text)
    trace_file = os.path.join(tmp, "trace.jsonl")
    paths = {
        "untraced": [ERYX, "run", fib],
        "--trace FILE": [ERYX, "run", "--trace", trace_file, fib],
        "--json --trace FILE": [ERYX, "run", "--json", "--trace", trace_file, fib],
        "--profile": [ERYX, "run", "--profile", os.path.join(tmp, "report.html"), fib],
        "no-op sys.settrace": [ERYX, "run", settrace],
        "session, untraced": [ERYX, "session"],
        "session --trace FILE": [ERYX, "session", "--trace", trace_file],
    }
    # The sessions answer one request: fib(22), as the file.
    request = (json.dumps({"id": 1, "code": FIB22}) + "\n").encode()
    samples = {name: [] for name in paths}
    for _ in range(rounds):
        for name, argv in paths.items():
            t = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL,
                           input=request if argv[1] == "session" else None)
            samples[name].append(time.perf_counter() - t)
    return {name: statistics.median(s) for name, s in samples.items()}


def report_open_ms(tmp):
    """How long the --profile report of 10^6 events takes to draw in
    headless chromium (the page's own performance.now() when its script
    is done), and its size; None without chromium."""
    browser = shutil.which("chromium")
    if not browser:
        return None
    prog, report = os.path.join(tmp, "million.py"), os.path.join(tmp, "million.html")
    with open(prog, "w") as f:
        f.write("for i in range(500000):\n    pass\n")
    subprocess.run([ERYX, "run", "--profile", report, prog], check=True)
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                          "--disable-background-networking", "--disable-component-update",
                          "--disable-sync", "--no-first-run",
                          "--user-data-dir=" + os.path.join(tmp, "chromium"), "--dump-dom",
                          "file://" + report], check=True, capture_output=True, text=True).stdout
    match = re.search(r'data-render-ms="(\d+)"', dom)
    return (float(match.group(1)) if match else float("nan")), os.path.getsize(report)


def trace_section():
    """Tracing fib(22): the command-line paths (whole processes) and, in one
    sandbox, the C handlers, against the same program untraced and under a
    no-op Python sys.settrace."""
    print()
    with tempfile.TemporaryDirectory() as tmp:
        cli = cli_paths(tmp, 7 if QUICK else 21)
        opened = report_open_ms(tmp)
    base, python_tracer = cli["untraced"], cli["no-op sys.settrace"]
    print("trace, fib(22) through the CLI (median wall time of the process; runs alternate):")
    for name, t in cli.items():
        own_base = cli["session, untraced"] if name.startswith("session") else base
        line = "  %-28s %8.1f ms  %5.2fx untraced" % (name, t * 1e3, t / own_base)
        if name.startswith("session"):
            pass
        elif name not in ("untraced", "no-op sys.settrace"):
            line += ", overhead %.1fx smaller than sys.settrace's" % (
                (python_tracer - base) / max(t - base, 1e-9))
        print(line)
    if opened:
        print("  --profile report of 10^6 events: %.0f ms to draw in chromium, %.2f MB" % (
            opened[0], opened[1] / 1e6))
    out = subprocess.run([BENCH_TRACE], check=True, capture_output=True, text=True).stdout
    t = {l.split()[0]: float(l.split()[1]) for l in out.splitlines()}
    global BENCH_FIGURES
    BENCH_FIGURES = t
    u = t["fib22_untraced_ms"]
    print("trace, fib(22) in one sandbox (best time inside the guest, %d events):"
          % t["fib22_trace_events"])
    for name, key in (("untraced", "fib22_untraced_ms"), ("C handler, per event", "fib22_traced_ms"),
                      ("C handler, per burst", "fib22_burst_ms"),
                      ("C handler, step mode", "fib22_step_ms"),
                      ("no-op sys.settrace", "fib22_python_settrace_ms")):
        line = "  %-28s %8.3f ms  %5.2fx untraced" % (name, t[key], t[key] / u)
        if key not in ("fib22_untraced_ms", "fib22_python_settrace_ms"):
            line += ", %.2fx faster than sys.settrace, overhead %.1fx smaller" % (
                t["fib22_python_settrace_ms"] / t[key],
                (t["fib22_python_settrace_ms"] - u) / max(t[key] - u, 1e-9))
        print(line)
    print("  asyncio tasks traced, numbered %.3f ms, unnumbered %.3f ms: task ids cost %.1f%%" % (
        t["tasks_traced_numbered_ms"], t["tasks_traced_unnumbered_ms"],
        100 * (t["tasks_traced_numbered_ms"] / t["tasks_traced_unnumbered_ms"] - 1)))


BENCH_FIGURES = {}


def callback_and_library_section(peer):
    t = BENCH_FIGURES
    print("%-34s %10.3f ms  %.2fx untraced (%.3f ms)" % (
        "trace: json.dumps (library) traced", t["library_traced_ms"],
        t["library_traced_ms"] / t["library_untraced_ms"], t["library_untraced_ms"]))
    print("%-34s %10.3f us  (an await of a local coroutine: %.3f us)" % (
        "callback: round trip", t["callback_round_trip_us"], t["await_local_coroutine_us"]))

    import bindings  # the Python package and eryx mcp against the C API
    bindings.report(QUICK)
    print()
    print("The benchmark suite (bench/suite.py): CPU time of each program inside the interpreter;")
    print("ratio: median over %d passes of eryx/native in each pass" % (3 if QUICK else 9))
    sys.stdout.flush()
    suite.main(["--passes", "3" if QUICK else "9"], peer=peer)


if __name__ == "__main__":
    main()
