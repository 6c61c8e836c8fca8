/*
 * bench_trace.c - the cost of tracing and of host callbacks, in one sandbox.
 * Each figure is the best of several runs, timed inside the guest
 * (time.perf_counter), so process and sandbox start-up are not in it. The
 * runs of fib(25) untraced, traced and under sys.settrace alternate, so
 * that a noisy moment of the machine does not fall on one of them only.
 * Prints one line per measurement: NAME VALUE.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eryx.h"

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
#define TIMED(body)                                                                                \
    "import time\nstart = time.perf_counter()\n" body "result = time.perf_counter() - start\n"

/* The time `code` reports (its `result`, seconds). */
static double timed(eryx_sandbox *sb, const char *code, int trace) {
    eryx_exec_options options = {.trace = trace};
    eryx_result *r = NULL;
    if (eryx_execute_ex(sb, code, strlen(code), &options, &r) != ERYX_OK || !eryx_result_json(r)) {
        fprintf(stderr, "bench_trace: run failed: %s\n",
                r && eryx_result_error_message(r) ? eryx_result_error_message(r) : "?");
        exit(1);
    }
    double t = atof(eryx_result_json(r));
    eryx_result_free(r);
    return t;
}

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
    eryx_sandbox *sb;
    char err[256];
    if (eryx_sandbox_new(c, &sb, err, sizeof err) != ERYX_OK) {
        fprintf(stderr, "bench_trace: %s\n", err);
        return 1;
    }
    eryx_config_free(c);

    const char *fib = FIB TIMED("fib(25)\n");
    const char *settrace =
        FIB "import sys\ndef tracer(frame, event, arg):\n    return tracer\n" TIMED(
            "sys.settrace(tracer)\nfib(25)\nsys.settrace(None)\n");
    const char *calls = TIMED("for _ in range(20000):\n    await noop()\n");
    const char *loop = "import asyncio\nasync def local():\n    return 1\n" TIMED(
        "for _ in range(20000):\n    await local()\n");

    enum { ROUNDS = 9 };
    double untraced = 1e9, traced = 1e9, python_tracer = 1e9;
    events = 0;
    for (int round = 0; round < ROUNDS; round++) {
        untraced = fmin(untraced, timed(sb, fib, -1));
        traced = fmin(traced, timed(sb, fib, 1));
        python_tracer = fmin(python_tracer, timed(sb, settrace, -1));
    }
    long per_run = events / ROUNDS;
    double call_loop = best(sb, calls, -1, 5), plain_loop = best(sb, loop, -1, 5);

    printf("fib25_untraced_ms %.3f\n", untraced * 1e3);
    printf("fib25_traced_ms %.3f\n", traced * 1e3);
    printf("fib25_trace_events %ld\n", per_run);
    printf("fib25_python_settrace_ms %.3f\n", python_tracer * 1e3);
    printf("callback_round_trip_us %.3f\n", call_loop / 20000 * 1e6);
    printf("await_local_coroutine_us %.3f\n", plain_loop / 20000 * 1e6);
    eryx_sandbox_free(sb);
    return 0;
}
