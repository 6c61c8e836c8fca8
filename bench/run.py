"""eryx benchmarks: every figure is measured in this run, next to its
baseline on native /usr/bin/python3.11 (the same CPython version, the
physical limit) and, where Node.js and npm are available, Pyodide 0.25
(CPython 3.11 in WebAssembly: the peer), installed under build/pyodide.
Start-up, sandbox creation and tracing here; the speed of Python code is
the benchmark suite's (bench/suite.py), which this runs last.

usage: python3.11 bench/run.py [--quick]
"""
import os
import statistics
import subprocess
import sys
import time

import suite

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ERYX = os.path.join(ROOT, "build", "bin", "eryx")
BENCH_CREATE = os.path.join(ROOT, "build", "bench", "bench_create")
BENCH_TRACE = os.path.join(ROOT, "build", "bench", "bench_trace")
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

    print()
    print("The benchmark suite (bench/suite.py): CPU time of each program inside the interpreter;")
    print("ratio: median over %d passes of eryx/native in each pass" % (3 if QUICK else 9))
    sys.stdout.flush()
    suite.main(["--passes", "3" if QUICK else "9"], peer=peer)


if __name__ == "__main__":
    main()
