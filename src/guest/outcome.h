/*
 * outcome.h - how an execution ended, as the guest's entry point reports it
 * to the host: the record that the "eryx" import report(record) receives
 * (src/guest/runtime.c fills it, src/host/imports.c reads it). Fixed-width
 * fields only, so that both sides agree.
 *
 * The entry point sends exactly one record per execution, after the user's
 * code has ended; no Python code can send one. The host still treats every
 * field as untrusted data: pointers and lengths are checked, texts bounded
 * and made valid UTF-8, the result's JSON parsed and laid out again, and a
 * missing or second record ends the execution as an internal error.
 */
#ifndef ERYX_OUTCOME_H
#define ERYX_OUTCOME_H

#include <stdint.h>

enum {
    OUTCOME_OK = 0,        /* the code ran to the end */
    OUTCOME_EXCEPTION = 1, /* an uncaught exception: type, message, traceback, lineno */
    OUTCOME_EXIT = 2,      /* SystemExit: exit_code (0..255), message */
    OUTCOME_FAILED = 3,    /* the runtime itself failed: message names why */
};

/* Bits of outcome_record.present: which texts were sent. */
enum {
    OUTCOME_RESULT = 1 << 0,       /* JSON text of the global `result` */
    OUTCOME_RESULT_ERROR = 1 << 1, /* why `result` could not be converted */
    OUTCOME_TYPE = 1 << 2,
    OUTCOME_MESSAGE = 1 << 3,
    OUTCOME_TRACEBACK = 1 << 4,
};

/* UTF-8 text in guest memory: [ptr, ptr + len). */
typedef struct {
    uint32_t ptr, len;
} outcome_text;

typedef struct {
    uint32_t kind;    /* OUTCOME_* */
    uint32_t present; /* OUTCOME_RESULT | ... */
    int32_t lineno;   /* exception: line of "<user>" (0: unknown) */
    int32_t exit_code;
    outcome_text result, result_error, type, message, traceback;
} outcome_record;

/* The guest's side (outcome.c): outcome_init once, from eryx_init, with
 * the _eryx_runtime module (0 or -1); then per execution one of
 * outcome_report (the value execute() returned, or NULL with the exception
 * that reached the entry point) or outcome_report_failure. */
#ifdef __wasm__
typedef struct _object PyObject;
int outcome_init(PyObject *runtime);
void outcome_report(PyObject *value);
void outcome_report_failure(const char *why);
#endif

#endif
