/*
 * result.h - building an eryx_result while an execution runs.
 */
#ifndef ERYX_RESULT_H
#define ERYX_RESULT_H

#include "buf.h"
#include "eryx.h"
#include "outcome.h"
#include "trace_store.h"

struct eryx_result {
    eryx_buf out, err;
    char *result_json, *result_error;
    eryx_error_kind kind;
    char *error_type, *error_message, *error_traceback;
    int lineno, exit_code;
    /* What the guest reported (guest_outcome): how many records, the kind
     * of the first (OUTCOME_*), whether it was malformed. */
    unsigned reports;
    uint32_t outcome;
    bool outcome_invalid;
    double duration_ms;
    uint64_t peak_memory, callback_invocations;
    trace_store trace; /* collected events */
    bool session_reset;
};

/* An empty result (success, no output), or NULL when out of memory. */
eryx_result *result_new(void);

/* A text of the guest's outcome record, in guest memory (valid during the
 * report import): data NULL when the guest sent none. */
typedef struct {
    const char *data;
    size_t len;
} guest_text;

/* The outcome record (src/guest/outcome.h) with its texts located. */
typedef struct {
    uint32_t kind;
    int32_t lineno, exit_code;
    guest_text result, result_error, type, message, traceback;
    bool out_of_bounds; /* a text the record named lies outside guest memory */
} guest_outcome;

/* Takes the guest's report of how the execution ended, as untrusted data:
 * the first one only (sandbox.c fails an execution that sent none, or more
 * than one, or a malformed one). Texts are copied as valid UTF-8 of at most
 * ERYX_ERROR_TEXT_MAX bytes (cut with a marker); the result's JSON is
 * checked and laid out again (buf_guest_json), at most ERYX_RESULT_MAX
 * bytes, or refused into result_error; lineno and exit_code are bounded. */
void result_take_outcome(eryx_result *r, const guest_outcome *outcome);

/* Sets the error kind and message (printf-style; replaces any message). */
void result_fail(eryx_result *r, eryx_error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Drops what the guest reported about the outcome (not the output): used
 * when the run was stopped and those reports are not the final word. */
void result_clear_outcome(eryx_result *r);

#endif
