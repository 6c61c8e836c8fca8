/*
 * trace_writer.h - where the CLI's trace events go: `--trace FILE`, JSON
 * Lines, one object per event and line (eryx_trace_event_format), and
 * `--profile` (profile.h). Events come a burst at a time
 * (eryx_config_set_trace_bursts); the lines of a burst are written with one
 * write at its end, which comes before the output, callbacks and end of
 * execution that follow, so that a reader (`tail -f`, a pipe) sees them in
 * order, as they happen, at the tracer's speed.
 */
#ifndef ERYX_CLI_TRACE_WRITER_H
#define ERYX_CLI_TRACE_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#include "eryx.h"

struct trace_writer;
struct profile;

/* Opens the trace file `path` (NULL: none; "-": our stderr; created or
 * truncated) and installs the writer in `config` as the trace handler,
 * feeding `profile` too when not NULL, with collection into the result
 * when `collect` is true. Reports a failure on stderr ("cannot open trace
 * file") and returns EC_USAGE: an unopenable FILE is a problem with the
 * argument. Returns 0 on success. */
int trace_output_attach(const char *path, struct profile *profile, eryx_config *config,
                        bool collect, struct trace_writer **out);

/* trace_output_attach without a profile, for commands that run many
 * executions (session, repl, mcp): with `collect`, the library collects
 * each execution's events into its result. trace_output_attach is for one
 * execution (run): with `collect` and a FILE the writer keeps the file's
 * lines for the result itself (trace_writer_print_result), so that no event
 * is formatted twice. */
int trace_writer_attach(const char *path, eryx_config *config, bool collect,
                        struct trace_writer **out);

/* Prints the result as `eryx run --json` does (one object and a newline)
 * to `f`: with a writer attached by trace_output_attach with `collect` and
 * a file, its "trace" member is made of the file's lines (at most
 * ERYX_TRACE_COLLECT_MAX events and ERYX_TRACE_COLLECT_BYTES bytes of text,
 * then "trace_truncated": true, as the library bounds its collection).
 * `writer` may be NULL. Returns 0 or an errno (ENOMEM). */
int trace_writer_print_result(struct trace_writer *writer, const eryx_result *result, FILE *f);

/* Writes what is buffered, closes the file (not stderr) and frees the
 * writer; NULL does nothing. Returns `status`, or EC_FAILURE when a write
 * or the close failed other than with EPIPE (reported on stderr). */
int trace_writer_close(struct trace_writer *writer, int status);

#endif
