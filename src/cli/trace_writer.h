/*
 * trace_writer.h - `--trace FILE`: trace events written as JSON Lines, one
 * object per event and line (eryx_trace_event_to_json), flushed as each
 * event happens so that a reader (`tail -f`, a pipe) sees them live.
 */
#ifndef ERYX_CLI_TRACE_WRITER_H
#define ERYX_CLI_TRACE_WRITER_H

#include <stdbool.h>

#include "eryx.h"

struct trace_writer;

/* Opens `path` for writing (created or truncated; "-" means our stderr).
 * Returns 0 and the writer in *out, or an errno. */
int trace_writer_open(const char *path, struct trace_writer **out);

/* Opens the trace file `path` and installs it in `config` as the trace
 * handler, with collection into the result when `collect` is true. Reports
 * a failure on stderr ("cannot open trace file") and returns EC_USAGE: an
 * unopenable FILE is a problem with the argument. Returns 0 on success. */
int trace_writer_attach(const char *path, eryx_config *config, bool collect,
                        struct trace_writer **out);

/* An eryx_trace_fn (userdata: the writer): one line per event. After a
 * failed write the writer stops writing and keeps the error for
 * trace_writer_close. */
void trace_writer_event(void *userdata, const eryx_trace_event *event);

/* Closes the file (not stderr) and frees the writer; NULL does nothing.
 * Returns `status`, or EC_FAILURE when a write or the close failed other
 * than with EPIPE (reported on stderr). */
int trace_writer_close(struct trace_writer *writer, int status);

#endif
