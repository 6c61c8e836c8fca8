/*
 * bench_create.c - in-process costs: creating a sandbox and running `pass`
 * in it, and running `pass` in an existing sandbox. Prints one line per
 * measurement: NAME MEDIAN_US MIN_US.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eryx.h"
#include "timed.h"

/* Private (not shared with other mappings of the same pages) memory of this
 * process, KiB, from /proc/self/smaps_rollup. */
static long private_kib(void) {
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    char line[256];
    long total = 0, kib;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "Private_Clean: %ld kB", &kib) == 1 ||
            sscanf(line, "Private_Dirty: %ld kB", &kib) == 1) {
            total += kib;
        }
    }
    if (f) fclose(f);
    return total;
}

static int run_pass(eryx_sandbox *sb) {
    eryx_result *r = NULL;
    if (eryx_execute(sb, "pass", 4, &r) != ERYX_OK || eryx_result_error_kind(r)) return -1;
    eryx_result_free(r);
    return 0;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 200;
    double *samples = calloc((size_t)n, sizeof *samples);
    eryx_sandbox *sb = NULL;
    char err[256];

    double t0 = now_us();
    if (eryx_sandbox_new(NULL, &sb, err, sizeof err) != ERYX_OK) {
        fprintf(stderr, "bench: %s\n", err);
        return 1;
    }
    printf("first_sandbox_us %.1f %.1f\n", now_us() - t0, now_us() - t0);
    eryx_sandbox_free(sb);

    for (int i = 0; i < n; i++) {
        double t = now_us();
        if (eryx_sandbox_new(NULL, &sb, err, sizeof err) != ERYX_OK) return 1;
        samples[i] = now_us() - t;
        eryx_sandbox_free(sb);
    }
    report("create_us", samples, n);

    for (int i = 0; i < n; i++) {
        double t = now_us();
        if (eryx_sandbox_new(NULL, &sb, err, sizeof err) != ERYX_OK || run_pass(sb)) return 1;
        samples[i] = now_us() - t;
        eryx_sandbox_free(sb);
    }
    report("create_and_pass_us", samples, n);

    eryx_sandbox_new(NULL, &sb, err, sizeof err);
    run_pass(sb);
    for (int i = 0; i < n; i++) {
        double t = now_us();
        if (run_pass(sb)) return 1;
        samples[i] = now_us() - t;
    }
    report("pass_us", samples, n);
    eryx_sandbox_free(sb);

    /* Many sandboxes alive at once, each having run once: what each keeps
     * privately beyond the shared image. */
    enum { ALIVE = 200 };
    eryx_sandbox *alive[ALIVE];
    long before = private_kib();
    for (int i = 0; i < ALIVE; i++) {
        if (eryx_sandbox_new(NULL, &alive[i], err, sizeof err) != ERYX_OK || run_pass(alive[i])) {
            fprintf(stderr, "bench: sandbox %d of %d failed\n", i, ALIVE);
            return 1;
        }
    }
    long after = private_kib();
    printf("alive_sandboxes %d %d\n", ALIVE, ALIVE);
    printf("idle_private_kib %.1f %.1f\n", (double)(after - before) / ALIVE,
           (double)(after - before) / ALIVE);
    for (int i = 0; i < ALIVE; i++)
        eryx_sandbox_free(alive[i]);
    free(samples);
    return 0;
}
