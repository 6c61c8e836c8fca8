/*
 * timed.h - the benchmarks' way of timing guest code: the code measures
 * itself with time.perf_counter (TIMED), so that process and sandbox
 * start-up are not in the figure, and returns the seconds as its result.
 */
#ifndef ERYX_BENCH_TIMED_H
#define ERYX_BENCH_TIMED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eryx.h"

#define TIMED_START "import time\nstart = time.perf_counter()\n"
#define TIMED_STOP  "result = time.perf_counter() - start\n"
/* A program that runs `setup`, then reports how long `body` took. */
#define TIMED(setup, body) setup TIMED_START body TIMED_STOP

/* A sandbox made from `config`, which is freed. Exits the process when it
 * cannot be made. */
static inline eryx_sandbox *bench_sandbox(eryx_config *config) {
    eryx_sandbox *sb;
    char err[256];
    if (eryx_sandbox_new(config, &sb, err, sizeof err) != ERYX_OK) {
        fprintf(stderr, "benchmark sandbox: %s\n", err);
        exit(1);
    }
    eryx_config_free(config);
    return sb;
}

/* The seconds `code` (a TIMED program) reports; trace as in
 * eryx_exec_options. Exits the process when the run fails. */
static inline double timed(eryx_sandbox *sb, const char *code, int trace) {
    eryx_exec_options options = {.trace = trace};
    eryx_result *r = NULL;
    if (eryx_execute_ex(sb, code, strlen(code), &options, &r) != ERYX_OK || !eryx_result_json(r)) {
        fprintf(stderr, "benchmark run failed: %s\n",
                r && eryx_result_error_message(r) ? eryx_result_error_message(r) : "?");
        exit(1);
    }
    double t = atof(eryx_result_json(r));
    eryx_result_free(r);
    return t;
}

/* CLOCK_MONOTONIC in microseconds, for the drivers that time from outside. */
static inline double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static inline int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Prints "NAME MEDIAN MIN" of n samples (sorting them). */
static inline void report(const char *name, double *samples, int n) {
    qsort(samples, (size_t)n, sizeof *samples, by_value);
    printf("%s %.1f %.1f\n", name, samples[n / 2], samples[0]);
}

#endif
