/*
 * trace_writer.h - where the CLI's trace events go: `--trace FILE`, JSON
 * Lines, one object per event and line (eryx_trace_event_format), and
 * `--profile` (profile.h). Events come a burst at a time
 * (eryx_config_set_trace_bursts); the lines of a burst are written with one
 * write at its end, which comes before the output, callbacks and end of
 * execution that follow, so that a reader (`tail -f`, a pipe) sees them in
 * order, as they happen, at the tracer's speed. With a second CPU the
 * bursts are formatted and written on a thread of their own
 * (burst_worker.h), beside the guest: the callers drain the writer
 * (trace_writer_drain) before the output and after each execution.
 */
#ifndef ERYX_CLI_TRACE_WRITER_H
#define ERYX_CLI_TRACE_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#include "eryx.h"

struct buffer;
struct trace_writer;
struct profile;

/* Opens the trace file `path` (NULL: none; "-": our stderr; created or
 * truncated) and installs the writer in `config` as the trace handler,
 * feeding `profile` too when not NULL, collecting (trace_writer_collects)
 * when `collect` is true. Reports a failure on stderr ("cannot open trace
 * file") and returns EC_USAGE: an unopenable FILE is a problem with the
 * argument. Returns 0 on success. */
int trace_output_attach(const char *path, struct profile *profile, eryx_config *config,
                        bool collect, struct trace_writer **out);

/* trace_output_attach without a profile or collection, for commands that
 * only write the file (repl, mcp). */
int trace_writer_attach(const char *path, eryx_config *config, struct trace_writer **out);

/* Returns when every event delivered so far is in the file, the profile
 * and (collecting) on stdout: before the program's output and after each
 * execution. NULL does nothing. */
void trace_writer_drain(struct trace_writer *writer);

/* Whether `writer` (NULL: no) collects: attached with `collect` and a file.
 * Then each execution's events go to our stdout as they are written to the
 * file, as the first member, "trace", of the JSON object that stands for
 * the execution (at most ERYX_TRACE_COLLECT_MAX events and
 * ERYX_TRACE_COLLECT_BYTES bytes of text, then "trace_truncated": true, as
 * the library bounds its collection): each event is formatted once and
 * none is held until the end. */
bool trace_writer_collects(const struct trace_writer *writer);

/* Collecting, before each execution: `opening` (copied; NULL: "{") starts
 * the object on stdout, for example {"id": 7, in a session's answer.
 * Returns 0 or ENOMEM. */
int trace_writer_begin(struct trace_writer *writer, const char *opening);

/* Collecting, after the execution: ends its "trace" member on stdout (with
 * the opening, if no event came) and appends to `out` what separates it
 * from the object's other members, which the caller writes next. Returns 0
 * or an errno (ENOMEM, or the error that writing stdout met). */
int trace_writer_end(struct trace_writer *writer, struct buffer *out);

/* Prints the result as `eryx run --json` does (one object and a newline)
 * to `f`, stdout: when `writer` collects, after trace_writer_end, as the
 * members that follow "trace". `writer` may be NULL. Returns 0 or an errno
 * (ENOMEM). */
int trace_writer_print_result(struct trace_writer *writer, const eryx_result *result, FILE *f);

/* Writes what is buffered, closes the file (not stderr) and frees the
 * writer; NULL does nothing. A "trace" begun on stdout without its result
 * (the execution failed) is closed into an object of its own. Returns `status`, or EC_FAILURE when
 * a write or the close failed other than with EPIPE (reported on stderr). */
int trace_writer_close(struct trace_writer *writer, int status);

#endif
