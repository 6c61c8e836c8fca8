/*
 * check.h - a minimal test harness: TEST functions with CHECK assertions,
 * one line per test, and the closing line "N passed, N failed".
 */
#ifndef ERYX_CHECK_H
#define ERYX_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures; /* failed CHECKs in the running test */

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "    %s:%d: CHECK(%s)\n", __FILE__, __LINE__, #cond);                  \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_STR(actual, expected)                                                                \
    do {                                                                                           \
        const char *a_ = (actual), *e_ = (expected);                                               \
        if (!a_ || strcmp(a_, e_)) {                                                               \
            fprintf(stderr, "    %s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__,      \
                    #actual, a_ ? a_ : "(null)", e_);                                              \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_CONTAINS(actual, needle)                                                             \
    do {                                                                                           \
        const char *a_ = (actual), *n_ = (needle);                                                 \
        if (!a_ || !strstr(a_, n_)) {                                                              \
            fprintf(stderr, "    %s:%d: %s is \"%s\", expected to contain \"%s\"\n", __FILE__,     \
                    __LINE__, #actual, a_ ? a_ : "(null)", n_);                                    \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

typedef struct {
    const char *name;
    void (*fn)(void);
} test_case;

/* Runs the tests whose name contains `filter` (all when NULL) and prints
 * the summary. Returns the process exit status. */
static int run_tests(const test_case *tests, size_t n, const char *filter) {
    int passed = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (filter && !strstr(tests[i].name, filter)) continue;
        check_failures = 0;
        tests[i].fn();
        printf("%s %s\n", check_failures ? "FAIL" : "ok  ", tests[i].name);
        fflush(stdout);
        if (check_failures)
            failed++;
        else
            passed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

#endif
