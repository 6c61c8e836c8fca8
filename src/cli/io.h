/*
 * io.h - input and output of the command-line tool: reading whole files,
 * writing with error checks (EPIPE is a quiet end, not a failure), growing
 * byte buffers, usage errors, and the output handler that streams the
 * guest's stdout and stderr to ours.
 */
#ifndef ERYX_CLI_IO_H
#define ERYX_CLI_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "eryx.h"

/* Exit statuses of the commands (sys.exit(n) adds 0 to 255 of its own). */
enum exit_code {
    EC_OK = 0,
    EC_EXCEPTION = 1,
    EC_USAGE = 2,
    EC_TIMEOUT = 3,
    EC_MEMORY = 4,
    EC_OUTPUT = 5,
    EC_FAILURE = 6,
};

/* A growing byte buffer. Zero-initialized is empty; `data` is
 * NUL-terminated once anything was appended (the NUL is not counted). */
struct buffer {
    char *data;
    size_t len;
    size_t cap;
};

/* Appends `len` bytes. Returns false when out of memory (the buffer is then
 * unchanged). */
bool buffer_append(struct buffer *buf, const void *data, size_t len);

/* Appends a NUL-terminated string. */
bool buffer_puts(struct buffer *buf, const char *s);

/* Frees the data and leaves the buffer empty. */
void buffer_free(struct buffer *buf);

/* Whether `len` bytes hold only JSON whitespace (space, tab, CR, LF): a
 * blank line of a JSON Lines stream. */
bool is_blank(const char *line, size_t len);

/* Reads `fd` to end of file into `buf`, whatever its size and bytes.
 * Returns 0 or an errno (ENOMEM when the buffer cannot grow; EISDIR for a
 * directory). */
int read_fd(int fd, struct buffer *buf);

/* Reads the file at `path` into `buf`. Returns 0 or an errno. */
int read_file(const char *path, struct buffer *buf);

/* Creates or replaces the file at `path` with `len` bytes of `data`. A
 * file left incomplete by a failure is removed. Returns 0 or an errno. */
int write_file(const char *path, const void *data, size_t len);

/* Writes `len` bytes to `f` and flushes at once, so that a failure is seen
 * here with its errno rather than later at exit. Returns 0 or the errno. */
int write_stream(FILE *f, const void *data, size_t len);

/* fprintf to `f` with a flush, returning 0 or the errno like write_stream. */
__attribute__((format(printf, 2, 3))) int write_format(FILE *f, const char *fmt, ...);

/* The exit status once a write to `stream` (a name for the message) has
 * returned `err`. EPIPE means the reader went away (`eryx run x.py | head`),
 * which is not our failure, so the status stays `status`; any other write
 * error is reported and fails the command. */
int check_write(int err, const char *stream, int status);

/* Prints "eryx: MESSAGE" and a pointer to the help on stderr. Returns
 * EC_USAGE so that callers can `return usage_error(...)`. */
__attribute__((format(printf, 1, 2))) int usage_error(const char *fmt, ...);

/* A sandbox (session non-zero: a session) from `config`, or NULL after
 * `eryx: cannot start ...: why` on stderr. */
eryx_sandbox *start_sandbox(const eryx_config *config, int session);

/* Where streamed output goes: our stdout and stderr. A stream stops being
 * written after its first error, which is kept for the final status. */
struct output_sink {
    int stdout_err;
    int stderr_err;
};

/* An eryx_output_fn (userdata: a struct output_sink): writes each chunk to
 * our stdout or stderr and flushes, so output appears as it is produced and
 * the order between the two streams is kept. */
void output_sink_write(void *userdata, eryx_stream stream, const char *data, size_t len);

/* The exit status after streaming: `status`, or EC_FAILURE when a write
 * failed other than with EPIPE (reported here). */
int output_sink_status(const struct output_sink *sink, int status);

#endif
