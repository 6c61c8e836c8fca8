"""The Python package and `eryx mcp` against the C API, for bench/run.py.

Each figure of the binding is put next to the same measurement through the
C API (bench_create, bench_trace), in rounds that alternate the two, as this
machine drifts by tens of percent; per figure the best median of the rounds
is kept. Goal of the issue: the binding within 1.5x of the C API.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
PY = "/usr/bin/python3.11"


def figures(argv):
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    return {l.split()[0]: float(l.split()[1]) for l in out.splitlines()}


def best_of_rounds(rounds, quick):
    n = "50" if quick else "300"
    best = {}
    for _ in range(rounds):
        for argv in ([os.path.join(BUILD, "bench", "bench_create"), n],
                     [os.path.join(BUILD, "bench", "bench_trace")],
                     [PY, os.path.join(ROOT, "bench", "bench_python.py"), n]):
            for name, value in figures(argv).items():
                best[name] = min(best.get(name, value), value)
    return best


def report(quick=False):
    if not os.path.exists(os.path.join(BUILD, "python", "eryx", "__init__.py")):
        print("(Python package: skipped, run make python)")
        return
    f = best_of_rounds(2 if quick else 3, quick)
    print()
    print("%-34s %13s %13s %9s" % ("binding (median of calls)", "python", "C API", "ratio"))
    for label, py, c in (("Sandbox.execute('pass')", "py_pass_us", "pass_us"),
                         ("Sandbox().execute('pass')", "py_create_and_pass_us",
                          "create_and_pass_us"),
                         ("Session.execute('pass')", "py_session_pass_us", "session_pass_us"),
                         ("callback round trip", "py_callback_round_trip_us",
                          "callback_round_trip_us")):
        print("%-34s %10.1f us %10.1f us %8.2fx" % (label, f[py], f[c], f[py] / f[c]))
    print("%-34s %10.1f ms serial %.1f ms: %.2fx (%d cores; 4 processes at once: %.2fx)" % (
        "4 threads x CPU-bound code", f["py_cpu_4_threads_ms"], f["py_cpu_4_serial_ms"],
        f["py_cpu_4_threads_ms"] / f["py_cpu_4_serial_ms"], f["cpu_cores"],
        f["processes_4_parallel_ratio"]))
    mcp = os.path.join(BUILD, "mcp-client", "node_modules", "@modelcontextprotocol")
    if not os.path.isdir(mcp):
        print("(MCP round trip: skipped, the SDK is not installed: make mcp-client)")
        return
    m = figures(["node", os.path.join(ROOT, "bench", "mcp_round_trip.mjs"),
                 "100" if quick else "300"])
    print("%-34s %10.1f us  (ping %.1f us; a session pass in C %.1f us)" % (
        "MCP run_python('pass') via the SDK", m["mcp_run_pass_us"], m["mcp_ping_us"],
        f["session_pass_us"]))


if __name__ == "__main__":
    report("--quick" in sys.argv)
