/*
 * session_request.h - one request of `eryx session`: a line of JSON read,
 * checked, carried out on the session and answered. The request loop in
 * session.c reads the lines; this unit knows nothing of stdin or stdout, so
 * that a fuzz target can drive it with a real session.
 *
 *   {"id": 1, "code": "x = 1"}           -> the object of `eryx run --json`
 *                                           with "id" as its first member
 *   {"id": 2, "op": "reset"}             -> {"id": 2, "ok": true}
 *   {"id": 3, "op": "snapshot", "path": "s.bin"}
 *   {"id": 4, "op": "restore", "path": "s.bin"}
 *   anything that cannot be done         -> {"id": ..., "ok": false, "error": "..."}
 *
 * "id" is optional and may be any JSON value; the answer holds it written
 * anew by json_write (canonical spacing and escapes, numbers as given), so
 * that nothing but valid JSON on one line reaches the client whatever the
 * request held (null when absent or when the line is not a JSON object).
 * Requests are strict: an unknown or repeated member is an error, so that a
 * typo ("cdoe") is reported rather than ignored.
 *
 * Snapshots are written through a temporary file in the same directory and
 * renamed (write_file): a failed write leaves what was at the path. Restore
 * reads only a regular file of at most CLI_MAX_SNAPSHOT bytes, so that
 * a device or a FIFO gives an error at once.
 */
#ifndef ERYX_CLI_SESSION_REQUEST_H
#define ERYX_CLI_SESSION_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "eryx.h"
#include "io.h"
#include "shell_callback.h"
#include "trace_writer.h"

/* Carries out the request in `len` bytes of `line` (one line without its
 * newline, any bytes) on `session` and appends its answer, one JSON object
 * without a newline, to `out`. After a code request the commands of
 * `callbacks` (NULL: none) still running are abandoned. With `trace` (NULL:
 * none) collecting, a code request's answer begins on stdout during the
 * execution, with its "trace", and `out` gets the rest. *sig gets the signal
 * that cancelled an execution (0 if none). Returns false only when out of
 * memory. */
bool session_answer(eryx_sandbox *session, struct shell_callbacks *callbacks,
                    struct trace_writer *trace, const char *line, size_t len, struct buffer *out,
                    int *sig);

/* Appends the answer to a line longer than CLI_MAX_INPUT, which was not
 * kept. Returns false when out of memory. */
bool session_answer_too_long(struct buffer *out);

#endif
