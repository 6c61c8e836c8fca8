/*
 * bench_untraced.c - untraced workloads that cross every path the tracing
 * support touches: Python-to-Python calls (frame switches in the eval loop),
 * calls from C into Python (eval entry and exit), generator resumption,
 * exceptions raised and caught, and method calls. bench/ab.py links this
 * driver against two builds of the library and alternates their runs, to
 * show what tracing support costs while tracing is off.
 * Prints one line per workload: NAME BEST_MS (best of ROUNDS, timed inside
 * the guest with time.perf_counter).
 */
#include <math.h>

#include "timed.h"

static const struct {
    const char *name, *code;
} workloads[] = {
    {"fib25",
     TIMED("def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n", "fib(25)\n")},
    {"c_to_python", TIMED("def key(x):\n    return -x\ndata = list(range(100000))\n",
                          "for _ in range(3):\n    sorted(data, key=key)\n")},
    {"generators", TIMED("def gen(n):\n    for i in range(n):\n        yield i\n",
                         "for _ in range(10):\n    sum(gen(30000))\n")},
    {"exceptions", TIMED("def f(i):\n    if i % 2:\n        raise ValueError(i)\n    return i\n",
                         "for i in range(100000):\n    try:\n        f(i)\n    except ValueError:\n"
                         "        pass\n")},
    {"methods", TIMED("class P:\n    def __init__(self, x):\n        self.x = x\n"
                      "    def norm(self):\n        return abs(self.x)\n",
                      "t = 0\nfor i in range(100000):\n    t += P(i).norm()\n")},
};

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    eryx_sandbox *sb = bench_sandbox(eryx_config_new());
    enum { N = sizeof workloads / sizeof workloads[0] };
    double best[N];
    for (int i = 0; i < N; i++)
        best[i] = INFINITY;
    /* Rounds alternate the workloads, so a noisy moment hits all of them. */
    for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < N; i++)
            best[i] = fmin(best[i], timed(sb, workloads[i].code, -1));
    }
    for (int i = 0; i < N; i++)
        printf("%s %.3f\n", workloads[i].name, best[i] * 1e3);
    eryx_sandbox_free(sb);
    return 0;
}
