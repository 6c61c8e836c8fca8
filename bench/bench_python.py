"""The Python package's costs, as bench_create.c and bench_trace.c measure
the C API's: `pass` in an existing sandbox and session, a new sandbox plus
`pass`, a callback round trip guest -> Python function -> guest; and the
GIL released while the guest runs: 4 threads of CPU-bound guest code against
the same 4 runs one after the other. Prints one line per figure: NAME VALUE (NAME MEDIAN MIN for the
per-call times).

usage: python3.11 bench/bench_python.py [ROUNDS]   (needs make python)
"""
import os
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "build", "python"))
import eryx  # noqa: E402

# The same guest loop as bench_trace.c's callback figure.
CALLS = ("import time\nstart = time.perf_counter()\nfor _ in range(20000):\n    await noop()\n"
         "result = time.perf_counter() - start\n")
CPU = "x = 0\nfor i in range(3000000):\n    x += i\nresult = x"


def timed_us(fn, n):
    """'MEDIAN MIN' of n calls, microseconds (bench_create's format)."""
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1e6)
    return "%.1f %.1f" % (statistics.median(samples), min(samples))


def _wall(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    sb = eryx.Sandbox()
    sb.execute("pass")
    print("py_pass_us", timed_us(lambda: sb.execute("pass"), n))
    print("py_create_and_pass_us", timed_us(lambda: eryx.Sandbox().execute("pass"), n))
    session = eryx.Session()
    session.execute("pass")
    print("py_session_pass_us", timed_us(lambda: session.execute("pass"), n))

    cb = eryx.Sandbox(callbacks={"noop": lambda: 1}, max_callbacks=1000000)
    best = min(cb.execute(CALLS).result for _ in range(5))
    print("py_callback_round_trip_us %.3f" % (best / 20000 * 1e6))

    # Alternating serial and threaded runs, best of each: the machine drifts.
    # The same 4 runs in 4 processes at once show what parallelism the
    # machine has to give right now (other work shares its cores).
    boxes = [eryx.Sandbox() for _ in range(4)]
    serial, threaded, processes = [], [], []
    child = [sys.executable, "-c", "import sys; sys.path.insert(0, %r); import eryx; "
             "eryx.Sandbox().execute(%r)" % (os.path.join(ROOT, "build", "python"), CPU)]
    one_process = min(_wall(lambda: subprocess.run(child, check=True)) for _ in range(2))
    for _ in range(3):
        procs_t = _wall(lambda: [p.wait() for p in [subprocess.Popen(child) for _ in range(4)]])
        processes.append(procs_t / (4 * one_process))
        t = time.perf_counter()
        for b in boxes:
            b.execute(CPU)
        serial.append(time.perf_counter() - t)
        threads = [threading.Thread(target=b.execute, args=(CPU,)) for b in boxes]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        threaded.append(time.perf_counter() - t)
    print("py_cpu_4_serial_ms %.1f" % (min(serial) * 1e3))
    print("py_cpu_4_threads_ms %.1f" % (min(threaded) * 1e3))
    print("processes_4_parallel_ratio %.3f" % min(processes))
    print("cpu_cores %d" % os.cpu_count())


if __name__ == "__main__":
    main()
