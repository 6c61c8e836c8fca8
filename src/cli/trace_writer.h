/*
 * trace_writer.h - where the CLI's trace events go: `--trace FILE`, JSON
 * Lines, one object per event and line (eryx_trace_event_format), and
 * `--profile` (profile.h). Events come a burst at a time
 * (eryx_config_set_trace_bursts); the lines of a burst are formatted and
 * written with one write on the writer's thread, and the CLI waits for them
 * (trace_writer_sync) before the output, callbacks and end of execution that
 * follow, so that a reader (`tail -f`, a pipe) sees them in order, as they
 * happen, at the tracer's speed.
 */
#ifndef ERYX_CLI_TRACE_WRITER_H
#define ERYX_CLI_TRACE_WRITER_H

#include <stdbool.h>

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
 * lines for the result itself (trace_writer_result_json), so that no event
 * is formatted twice. */
int trace_writer_attach(const char *path, eryx_config *config, bool collect,
                        struct trace_writer **out);

struct buffer;

/* The result as `eryx run --json` prints it, appended to `out`: with a
 * writer attached with `collect` and a file, the "trace" member is made of
 * the file's lines, so that each event is formatted once (at most
 * ERYX_TRACE_COLLECT_MAX events and ERYX_TRACE_COLLECT_BYTES bytes of text,
 * then "trace_truncated": true, as the library bounds its collection).
 * False when out of memory. `writer` may be NULL. */
bool trace_writer_result_json(struct trace_writer *writer, const eryx_result *result,
                              struct buffer *out);

/* Waits until the trace file holds every event delivered so far. The
 * events of a burst are formatted and written on a thread of the writer, so
 * that the guest's thread only copies them; the CLI calls this before
 * anything a reader of the file may look at it after: the program's output,
 * a callback command, the answer or end of an execution. Does nothing
 * without a writer. */
void trace_writer_sync(void);

/* Writes what is buffered, closes the file (not stderr) and frees the
 * writer; NULL does nothing. Returns `status`, or EC_FAILURE when a write
 * or the close failed other than with EPIPE (reported on stderr). */
int trace_writer_close(struct trace_writer *writer, int status);

#endif
