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

/* Most bytes of one input the tool holds for the guest: a program of `eryx
 * run`, a request line of `eryx session`. */
#define CLI_MAX_INPUT ((size_t)32 << 20)

/* Whether `len` bytes hold only JSON whitespace (space, tab, CR, LF): a
 * blank line of a JSON Lines stream. */
bool is_blank(const char *line, size_t len);

/* Largest snapshot file read (session restore, --snapshot): a blob holds at
 * most the guest's memory (4 GiB) and its files, compressed. */
#define CLI_MAX_SNAPSHOT ((size_t)5 << 30)

/* The error of the functions below for a path that is not a regular file
 * (a FIFO, a device, a socket); not an errno. */
#define IO_NOT_REGULAR (-1)

/* strerror, knowing IO_NOT_REGULAR. */
const char *io_strerror(int err);

/* Reads `fd` to end of file into `buf`, whatever its bytes. Returns 0 or an
 * errno: ENOMEM when the buffer cannot grow; EFBIG as soon as more than
 * `max` bytes came (the buffer then holds max + 1 of them); EISDIR for a
 * directory. */
int read_fd(int fd, struct buffer *buf, size_t max);

/* Reads the file at `path` (any kind that can be read: a FIFO waits for
 * its writer) into `buf`, as read_fd. Returns 0 or an errno. */
int read_file(const char *path, struct buffer *buf, size_t max);

/* Reads the regular file at `path` into `buf`, at most `max` bytes:
 * anything else gives an error at once, without reading or waiting
 * (IO_NOT_REGULAR for a FIFO, a device or a socket, EISDIR for a
 * directory, EFBIG for a larger file). Returns 0 or the error. */
int read_regular_file(const char *path, struct buffer *buf, size_t max);

/* Creates or replaces the file at `path` with `len` bytes of `data`, never
 * leaving a partial file: the data go to a new file in the same directory,
 * which is synced and then renamed to `path`; on failure only that new file
 * is removed, and what was at `path` stays as it was. Only a regular file
 * is replaced (keeping its permissions; a symbolic link is followed):
 * anything else there is an error (IO_NOT_REGULAR, EISDIR). Returns 0 or
 * the error. */
int write_file(const char *path, const void *data, size_t len);

/* Reads lines from a file descriptor, whatever their bytes (NUL included),
 * holding at most one line of the given maximum plus one read (64 KiB).
 * Initialized as {.fd = FD, .wake_fd = -1} (or a descriptor whose becoming
 * readable ends a wait for input: the REPL's Ctrl-C); free `buf` after
 * use. */
struct line_reader {
    int fd;
    int wake_fd;
    struct buffer buf; /* what was read; from `start` on not yet returned */
    size_t start;
    bool eof;
    bool dropping; /* inside a line that is too long */
};

enum line_result { LINE_OK, LINE_TOO_LONG, LINE_EOF, LINE_WAKE, LINE_ERROR };

/* The next line: LINE_OK with the line in *line (without its newline,
 * NUL-terminated, valid until the next call) and its length in *len; the
 * last line may lack the newline. A line longer than `max` bytes is read to
 * its end without being kept and gives LINE_TOO_LONG. LINE_EOF at end of
 * input; LINE_WAKE when wake_fd is readable while input is awaited (the
 * caller reads it; what was read so far is kept); LINE_ERROR with errno
 * set when reading fails. */
enum line_result line_reader_next(struct line_reader *r, size_t max, char **line, size_t *len);

/* Closes *fd if open (not -1) and marks it closed. */
void close_fd(int *fd);

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
    struct trace_writer *trace; /* drained before each chunk; NULL: none */
};

/* An eryx_output_fn (userdata: a struct output_sink): writes each chunk to
 * our stdout or stderr and flushes, so output appears as it is produced and
 * the order between the two streams is kept, after the trace events that
 * came before it. */
void output_sink_write(void *userdata, eryx_stream stream, const char *data, size_t len);

/* The exit status after streaming: `status`, or EC_FAILURE when a write
 * failed other than with EPIPE (reported here). */
int output_sink_status(const struct output_sink *sink, int status);

#endif
