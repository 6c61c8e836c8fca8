/*
 * bench_trace.c - the cost of tracing and of host callbacks, in one sandbox.
 * Each figure is the best of several runs, timed inside the guest
 * (time.perf_counter), so process and sandbox start-up are not in it. The
 * runs of fib(25) untraced, traced and under sys.settrace alternate, so
 * that a noisy moment of the machine does not fall on one of them only.
 * Prints one line per measurement: NAME VALUE.
 */
#include <math.h>

#include "timed.h"

static long events;
static void count_event(void *ud, const eryx_trace_event *e) {
    (void)ud;
    (void)e;
    events++;
}

static void complete_now(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    (void)args;
    eryx_call_complete(call, "1");
}

#define FIB "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
/* Best time of `code` over `runs` runs. */
static double best(eryx_sandbox *sb, const char *code, int trace, int runs) {
    double min = 1e9;
    for (int i = 0; i < runs; i++) {
        double t = timed(sb, code, trace);
        if (t < min) min = t;
    }
    return min;
}

int main(void) {
    eryx_config *c = eryx_config_new();
    eryx_config_set_trace(c, count_event, NULL, 0);
    eryx_config_add_callback(c, "noop", "completes at once", NULL, complete_now, NULL);
    eryx_config_set_max_callbacks(c, 1000000);
    eryx_sandbox *sb = bench_sandbox(c);

    const char *fib = TIMED(FIB, "fib(25)\n");
    const char *settrace =
        TIMED(FIB "import sys\ndef tracer(frame, event, arg):\n    return tracer\n",
              "sys.settrace(tracer)\nfib(25)\nsys.settrace(None)\n");
    const char *calls = TIMED("", "for _ in range(20000):\n    await noop()\n");
    /* Library code called by traced user code: the pure-Python JSON encoder
       (indent set). Its frames are not traced, but run in tracing mode. */
    const char *library =
        TIMED("import json\ndata = [{'a': i, 'b': [i, str(i)]} for i in range(2000)]\n",
              "json.dumps(data, indent=1)\n");
    const char *loop = TIMED("import asyncio\nasync def local():\n    return 1\n",
                             "for _ in range(20000):\n    await local()\n");

    enum { ROUNDS = 9 };
    double untraced = 1e9, traced = 1e9, python_tracer = 1e9, lib_untraced = 1e9, lib_traced = 1e9;
    events = 0;
    for (int round = 0; round < ROUNDS; round++) {
        untraced = fmin(untraced, timed(sb, fib, -1));
        traced = fmin(traced, timed(sb, fib, 1));
        python_tracer = fmin(python_tracer, timed(sb, settrace, -1));
    }
    long per_run = events / ROUNDS;
    for (int round = 0; round < ROUNDS; round++) {
        lib_untraced = fmin(lib_untraced, timed(sb, library, -1));
        lib_traced = fmin(lib_traced, timed(sb, library, 1));
    }
    double call_loop = best(sb, calls, -1, 5), plain_loop = best(sb, loop, -1, 5);

    printf("fib25_untraced_ms %.3f\n", untraced * 1e3);
    printf("fib25_traced_ms %.3f\n", traced * 1e3);
    printf("fib25_trace_events %ld\n", per_run);
    printf("fib25_python_settrace_ms %.3f\n", python_tracer * 1e3);
    printf("library_untraced_ms %.3f\n", lib_untraced * 1e3);
    printf("library_traced_ms %.3f\n", lib_traced * 1e3);
    printf("callback_round_trip_us %.3f\n", call_loop / 20000 * 1e6);
    printf("await_local_coroutine_us %.3f\n", plain_loop / 20000 * 1e6);
    eryx_sandbox_free(sb);
    return 0;
}
