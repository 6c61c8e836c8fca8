/*
 * result.h - building an eryx_result while an execution runs.
 */
#ifndef ERYX_RESULT_H
#define ERYX_RESULT_H

#include "buf.h"
#include "eryx.h"
#include "trace_store.h"

/* Fields the guest reports through the "eryx" import `report(key, ...)`.
 * src/guest/eryx_runtime.py uses the same numbers. */
typedef enum {
    REPORT_RESULT_JSON = 1,
    REPORT_RESULT_ERROR = 2,
    REPORT_ERROR_TYPE = 3,
    REPORT_ERROR_MESSAGE = 4,
    REPORT_ERROR_TRACEBACK = 5,
    REPORT_ERROR_LINENO = 6,
    REPORT_EXIT_CODE = 7,
    REPORT_INTERNAL_ERROR = 9,
} report_key;

struct eryx_result {
    eryx_buf out, err;
    char *result_json, *result_error;
    eryx_error_kind kind;
    char *error_type, *error_message, *error_traceback, *internal_error;
    int lineno, exit_code;
    double duration_ms;
    uint64_t peak_memory, callback_invocations;
    trace_store trace; /* collected events */
    bool session_reset;
};

/* An empty result (success, no output), or NULL when out of memory. */
eryx_result *result_new(void);

/* Stores one reported field (copied). Unknown keys and repeated keys: the
 * last value wins; numbers that do not parse are ignored. */
void result_report(eryx_result *r, report_key key, const char *data, size_t len);

/* Sets the error kind and message (printf-style; replaces any message). */
void result_fail(eryx_result *r, eryx_error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Drops what the guest reported about the outcome (not the output): used
 * when the run was stopped and those reports are not the final word. */
void result_clear_outcome(eryx_result *r);

#endif
