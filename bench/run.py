"""eryx benchmarks: every figure is measured in this run, next to its
baseline on native /usr/bin/python3.11 (the same CPython version, the
physical limit) and, where Node.js and npm are available, Pyodide 0.25
(CPython 3.11 in WebAssembly: the peer), installed under build/pyodide.

usage: python3.11 bench/run.py [--quick]
"""
import shutil
import os
import statistics
import subprocess
import sys
import time

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


def inner(argv, repeat=REPEAT):
    """Best time the script reports for its own work (last stdout line), seconds."""
    best = None
    for _ in range(repeat):
        out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
        t = float(out.strip().splitlines()[-1])
        best = t if best is None else min(best, t)
    return best


def pyodide(scripts):
    """Pyodide's start-up and best script times, seconds; {} when unavailable."""
    if not shutil.which("node") or not shutil.which("npm"):
        print("(Pyodide: skipped, node and npm are not installed)")
        return {}
    where = os.path.join(ROOT, "build", "pyodide")
    os.makedirs(where, exist_ok=True)
    for name in ("package.json", "bench.mjs"):
        shutil.copy(os.path.join(ROOT, "bench", "pyodide", name), where)
    if not os.path.isdir(os.path.join(where, "node_modules", "pyodide")):
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=where,
                              capture_output=True, text=True)
        if done.returncode:
            print("(Pyodide: skipped, npm install failed: %s)" % done.stderr.strip()[-200:])
            return {}
    out = subprocess.run(["node", "bench.mjs", *scripts], cwd=where, check=True,
                         capture_output=True, text=True).stdout
    return {l.split()[0]: float(l.split()[1]) for l in out.splitlines()}


def row(name, eryx_s, native_s, unit="ms", peer_s=None):
    scale = 1e3 if unit == "ms" else 1e6
    line = "%-34s %10.3f %s %10.3f %s %8.2fx" % (name, eryx_s * scale, unit, native_s * scale,
                                                unit, eryx_s / native_s)
    if peer_s is not None:
        line += "   pyodide %10.3f %s %8.2fx" % (peer_s * scale, unit, eryx_s / peer_s)
    print(line)


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
    scripts = [os.path.join(ROOT, "bench", s) for s in ("fib.py", "strings_dicts.py")]
    peer = pyodide(scripts)
    print("%-34s %13s %13s %9s   %s" % ("benchmark", "eryx", "python3.11", "ratio",
                                      "pyodide (ratio eryx/pyodide)" if peer else ""))
    native_start = wall([NATIVE, "-I", "-S", "-c", "pass"])
    row("process: run -c pass", wall([ERYX, "run", "-c", "pass"]), native_start)
    if peer:
        print("%-34s %13s %13s %9s   pyodide %10.3f ms (loadPyodide)" % (
            "start-up", "", "", "", peer["startup"] * 1e3))

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

    for path in scripts:
        name = os.path.basename(path)
        row("work: " + name, inner([ERYX, "run", path]), inner([NATIVE, "-I", path]),
            peer_s=peer.get(name))
    print("(native baseline for the in-process rows: python3.11 -I -S -c pass process start)")

    # Tracing and callbacks, all in one sandbox: the baseline is the same
    # sandbox untraced (and, for the tracer, Python's own sys.settrace).
    out = subprocess.run([BENCH_TRACE], check=True, capture_output=True, text=True).stdout
    t = {l.split()[0]: float(l.split()[1]) for l in out.splitlines()}
    print()
    print("%-34s %10.3f ms  (%d events)" % ("trace: fib(25) untraced", t["fib25_untraced_ms"],
                                          t["fib25_trace_events"]))
    print("%-34s %10.3f ms  %.2fx untraced" % ("trace: fib(25) traced, eryx", t["fib25_traced_ms"],
                                             t["fib25_traced_ms"] / t["fib25_untraced_ms"]))
    print("%-34s %10.3f ms  %.2fx untraced, %.2fx eryx's tracer" % (
        "trace: fib(25), no-op sys.settrace", t["fib25_python_settrace_ms"],
        t["fib25_python_settrace_ms"] / t["fib25_untraced_ms"],
        t["fib25_python_settrace_ms"] / t["fib25_traced_ms"]))
    print("%-34s %10.3f ms  %.2fx untraced (%.3f ms)" % (
        "trace: json.dumps (library) traced", t["library_traced_ms"],
        t["library_traced_ms"] / t["library_untraced_ms"], t["library_untraced_ms"]))
    print("%-34s %10.3f us  (an await of a local coroutine: %.3f us)" % (
        "callback: round trip", t["callback_round_trip_us"], t["await_local_coroutine_us"]))


if __name__ == "__main__":
    main()
