/*
 * bench_trace.c - the cost of tracing and of host callbacks, in one sandbox.
 * Each figure is the best of several runs, timed inside the guest
 * (time.perf_counter), so process and sandbox start-up are not in it. The
 * runs of one comparison alternate, so that a noisy moment of the machine
 * does not fall on one of them only. Prints one line per measurement:
 * NAME VALUE. (bench/run.py times the command-line paths.)
 */
#include <math.h>

#include "timed.h"

static long events;
static void count_event(void *ud, const eryx_trace_event *e) {
    (void)ud;
    (void)e;
    events++;
}

static eryx_trace_action count_burst(void *ud, const eryx_trace_event *e, size_t count) {
    (void)ud;
    (void)e;
    events += (long)count;
    return ERYX_TRACE_CONTINUE;
}

static void complete_now(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    (void)args;
    eryx_call_complete(call, "1");
}

/* A sandbox tracing with `fn` or `burst` (flags for the latter). */
static eryx_sandbox *tracing(eryx_trace_fn fn, eryx_trace_burst_fn burst, unsigned flags) {
    eryx_config *c = eryx_config_new();
    if (burst)
        eryx_config_set_trace_bursts(c, burst, NULL, flags);
    else
        eryx_config_set_trace(c, fn, NULL, 0);
    eryx_config_add_callback(c, "noop", "completes at once", NULL, complete_now, NULL);
    eryx_config_set_max_callbacks(c, 1000000);
    return bench_sandbox(c);
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
    eryx_sandbox *sb = tracing(count_event, NULL, 0);
    eryx_sandbox *bursts = tracing(NULL, count_burst, 0);
    eryx_sandbox *steps = tracing(NULL, count_burst, ERYX_TRACE_STEP);

    const char *fib = TIMED(FIB, "fib(22)\n");
    const char *settrace =
        TIMED(FIB "import sys\ndef tracer(frame, event, arg):\n    return tracer\n",
              "sys.settrace(tracer)\nfib(22)\nsys.settrace(None)\n");
    const char *calls = TIMED("", "for _ in range(20000):\n    await noop()\n");
    /* Library code called by traced user code: the pure-Python JSON encoder
       (indent set). Its frames are not traced, but run in tracing mode. */
    const char *library =
        TIMED("import json\ndata = [{'a': i, 'b': [i, str(i)]} for i in range(2000)]\n",
              "json.dumps(data, indent=1)\n");
    const char *loop = TIMED("import asyncio\nasync def local():\n    return 1\n",
                             "for _ in range(20000):\n    await local()\n");
    /* Tasks under tracing, numbered (the default) or not (the runtime's
       switch turned off from inside): the cost of task ids. */
#define TASKS                                                                                      \
    "import asyncio\nasync def job(i):\n    await asyncio.sleep(0)\n    return i\n"                \
    "async def main():\n    return await asyncio.gather(*[job(i) for i in range(5000)])\n"
    const char *tasks = TIMED(TASKS, "asyncio.run(main())\n");
    const char *tasks_unnumbered = TIMED(
        TASKS "import _eryx_runtime\n_eryx_runtime._tracing = False\n", "asyncio.run(main())\n");

    enum { ROUNDS = 15 };
    double untraced = 1e9, traced = 1e9, burst = 1e9, step = 1e9, python_tracer = 1e9;
    double lib_untraced = 1e9, lib_traced = 1e9, numbered = 1e9, unnumbered = 1e9;
    long per_run = 0;
    for (int round = 0; round < ROUNDS; round++) {
        untraced = fmin(untraced, timed(sb, fib, -1));
        events = 0;
        traced = fmin(traced, timed(sb, fib, 1));
        per_run = events;
        burst = fmin(burst, timed(bursts, fib, 1));
        if (round < 5) step = fmin(step, timed(steps, fib, 1));
        python_tracer = fmin(python_tracer, timed(sb, settrace, -1));
    }
    for (int round = 0; round < 9; round++) {
        lib_untraced = fmin(lib_untraced, timed(sb, library, -1));
        lib_traced = fmin(lib_traced, timed(sb, library, 1));
        numbered = fmin(numbered, timed(sb, tasks, 1));
        unnumbered = fmin(unnumbered, timed(sb, tasks_unnumbered, 1));
    }
    double call_loop = best(sb, calls, -1, 5), plain_loop = best(sb, loop, -1, 5);

    printf("fib22_untraced_ms %.3f\n", untraced * 1e3);
    printf("fib22_traced_ms %.3f\n", traced * 1e3);
    printf("fib22_burst_ms %.3f\n", burst * 1e3);
    printf("fib22_step_ms %.3f\n", step * 1e3);
    printf("fib22_trace_events %ld\n", per_run);
    printf("fib22_python_settrace_ms %.3f\n", python_tracer * 1e3);
    printf("library_untraced_ms %.3f\n", lib_untraced * 1e3);
    printf("library_traced_ms %.3f\n", lib_traced * 1e3);
    printf("tasks_traced_numbered_ms %.3f\n", numbered * 1e3);
    printf("tasks_traced_unnumbered_ms %.3f\n", unnumbered * 1e3);
    printf("callback_round_trip_us %.3f\n", call_loop / 20000 * 1e6);
    printf("await_local_coroutine_us %.3f\n", plain_loop / 20000 * 1e6);
    eryx_sandbox_free(sb);
    eryx_sandbox_free(bursts);
    eryx_sandbox_free(steps);
    return 0;
}
