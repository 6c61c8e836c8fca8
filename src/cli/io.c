/*
 * io.c - file and stream helpers of the command-line tool (see io.h).
 */
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "trace_writer.h"

/* Makes room for `extra` more bytes plus a NUL, doubling the capacity. */
static bool buffer_reserve(struct buffer *buf, size_t extra) {
    if (extra >= SIZE_MAX - buf->len) return false;
    size_t need = buf->len + extra + 1;
    if (need <= buf->cap) return true;
    size_t cap = buf->cap == 0 ? 256 : buf->cap;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *data = realloc(buf->data, cap);
    if (data == NULL) return false;
    buf->data = data;
    buf->cap = cap;
    return true;
}

bool buffer_append(struct buffer *buf, const void *data, size_t len) {
    if (!buffer_reserve(buf, len)) return false;
    if (len > 0) memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return true;
}

bool buffer_puts(struct buffer *buf, const char *s) {
    return buffer_append(buf, s, strlen(s));
}

void buffer_free(struct buffer *buf) {
    free(buf->data);
    *buf = (struct buffer){0};
}

bool is_blank(const char *line, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '\n') return false;
    return true;
}

int read_fd(int fd, struct buffer *buf, size_t max) {
    for (;;) {
        /* Read straight into the buffer, 64 KiB at a time or more, but
         * never more than one byte past the limit (len <= max here). */
        size_t want = max - buf->len < SIZE_MAX ? max - buf->len + 1 : SIZE_MAX;
        size_t room = buf->cap > buf->len + 1 ? buf->cap - buf->len - 1 : 0;
        if (room < 64 * 1024 && room < want) {
            size_t extra = buf->cap < 64 * 1024 ? 64 * 1024 : buf->cap;
            if (!buffer_reserve(buf, extra < want ? extra : want)) return ENOMEM;
            room = buf->cap - buf->len - 1;
        }
        ssize_t n = read(fd, buf->data + buf->len, room < want ? room : want);
        if (n == 0) return 0;
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        buf->len += (size_t)n;
        buf->data[buf->len] = '\0';
        if (buf->len > max) return EFBIG;
    }
}

int read_file(const char *path, struct buffer *buf, size_t max) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    int err = read_fd(fd, buf, max);
    close(fd);
    return err;
}

int read_regular_file(const char *path, struct buffer *buf, size_t max) {
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOCTTY: a
     * terminal must not become ours. Neither matters for a regular file. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return errno;
    struct stat st;
    int err = 0;
    if (fstat(fd, &st) != 0)
        err = errno;
    else if (!S_ISREG(st.st_mode))
        err = S_ISDIR(st.st_mode) ? EISDIR : IO_NOT_REGULAR;
    else if ((uintmax_t)st.st_size > max)
        err = EFBIG;
    if (err == 0) err = read_fd(fd, buf, max);
    close(fd);
    return err;
}

const char *io_strerror(int err) {
    return err == IO_NOT_REGULAR ? "not a regular file" : strerror(err);
}

/* Writes all of data to fd. Returns 0 or an errno. */
static int write_all(int fd, const char *data, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Creates a new file next to `path` (in its directory, named after it) for
 * write_file to fill; its name goes to tmp. Returns the fd or -1 with
 * errno. */
static int create_temporary(const char *path, char *tmp, size_t tmplen) {
    const char *slash = strrchr(path, '/');
    int dir_len = slash != NULL ? (int)(slash - path + 1) : 0;
    const char *base = slash != NULL ? slash + 1 : path;
    for (int attempt = 0; attempt < 100; attempt++) {
        /* Unique enough; O_EXCL settles any clash. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int n = snprintf(tmp, tmplen, "%.*s.%s.%ld-%ld-%d.tmp", dir_len, path, base, (long)getpid(),
                         (long)ts.tv_nsec, attempt);
        if (n < 0 || (size_t)n >= tmplen) {
            errno = ENAMETOOLONG;
            return -1;
        }
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST) return fd;
    }
    return -1;
}

int write_file(const char *path, const void *data, size_t len) {
    /* A symbolic link is followed: the file it names is the one replaced. */
    char *resolved = NULL;
    struct stat st;
    bool exists = lstat(path, &st) == 0;
    if (exists && S_ISLNK(st.st_mode)) {
        resolved = realpath(path, NULL);
        if (resolved == NULL) return errno;
        path = resolved;
        exists = stat(path, &st) == 0;
    }
    int err = 0;
    if (exists && !S_ISREG(st.st_mode)) err = S_ISDIR(st.st_mode) ? EISDIR : IO_NOT_REGULAR;
    char tmp[PATH_MAX + 64];
    int fd = err == 0 ? create_temporary(path, tmp, sizeof tmp) : -1;
    if (err == 0 && fd < 0) err = errno;
    if (fd >= 0) {
        /* A replaced file keeps its permissions. */
        if (exists) fchmod(fd, st.st_mode & 07777);
        err = write_all(fd, data, len);
        /* Durable before it takes the name; close reports delayed write
         * errors (NFS, quotas). */
        if (err == 0 && fsync(fd) != 0) err = errno;
        if (close(fd) != 0 && err == 0) err = errno;
        if (err == 0 && rename(tmp, path) != 0) err = errno;
        if (err != 0) unlink(tmp);
    }
    free(resolved);
    return err;
}

enum line_result line_reader_next(struct line_reader *r, size_t max, char **line, size_t *len) {
    for (;;) {
        char *begin = r->buf.data != NULL ? r->buf.data + r->start : NULL;
        size_t avail = r->buf.len - r->start;
        char *nl = avail > 0 ? memchr(begin, '\n', avail) : NULL;
        size_t n = nl != NULL ? (size_t)(nl - begin) : avail;
        if (nl != NULL || (r->eof && avail > 0)) {
            r->start += nl != NULL ? n + 1 : n;
            if (r->dropping || n > max) {
                r->dropping = false;
                return LINE_TOO_LONG;
            }
            begin[n] = '\0'; /* the newline, or the buffer's NUL */
            *line = begin;
            *len = n;
            return LINE_OK;
        }
        if (r->eof) {
            bool dropped = r->dropping;
            r->dropping = false;
            return dropped ? LINE_TOO_LONG : LINE_EOF;
        }
        /* No whole line yet: keep the unreturned bytes, or none once the
         * line is too long (the rest of it is read and dropped). */
        if (avail > max) {
            r->dropping = true;
            avail = 0;
        }
        if (r->start > 0 || avail == 0) {
            if (avail > 0) memmove(r->buf.data, begin, avail);
            r->buf.len = avail;
            r->start = 0;
        }
        if (!buffer_reserve(&r->buf, 64 * 1024)) {
            errno = ENOMEM;
            return LINE_ERROR;
        }
        /* poll() skips a wake_fd of -1; waiting here also copes with an
         * input left non-blocking by whoever shares it. */
        struct pollfd p[2] = {{.fd = r->fd, .events = POLLIN},
                              {.fd = r->wake_fd, .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return LINE_ERROR;
        }
        if (p[1].revents != 0) return LINE_WAKE;
        ssize_t got = read(r->fd, r->buf.data + r->buf.len, 64 * 1024);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (got < 0) return LINE_ERROR;
        if (got == 0) r->eof = true;
        r->buf.len += (size_t)got;
        r->buf.data[r->buf.len] = '\0';
    }
}

void close_fd(int *fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

int write_stream(FILE *f, const void *data, size_t len) {
    errno = 0;
    if ((len > 0 && fwrite(data, 1, len, f) != len) || fflush(f) != 0) {
        int err = errno != 0 ? errno : EIO;
        clearerr(f);
        return err;
    }
    return 0;
}

int write_format(FILE *f, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    errno = 0;
    int failed = vfprintf(f, fmt, ap) < 0 || fflush(f) != 0;
    va_end(ap);
    if (!failed) return 0;
    int err = errno != 0 ? errno : EIO;
    clearerr(f);
    return err;
}

int check_write(int err, const char *stream, int status) {
    if (err == 0 || err == EPIPE) return status;
    fprintf(stderr, "eryx: cannot write %s: %s\n", stream, strerror(err));
    return EC_FAILURE;
}

int usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("eryx: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\ntry 'eryx --help'\n", stderr);
    va_end(ap);
    return EC_USAGE;
}

void output_sink_write(void *userdata, eryx_stream stream, const char *data, size_t len) {
    struct output_sink *sink = userdata;
    trace_writer_drain(sink->trace);
    bool is_err = stream == ERYX_STDERR;
    int *err = is_err ? &sink->stderr_err : &sink->stdout_err;
    if (*err == 0) *err = write_stream(is_err ? stderr : stdout, data, len);
}

int output_sink_status(const struct output_sink *sink, int status) {
    status = check_write(sink->stdout_err, "stdout", status);
    return check_write(sink->stderr_err, "stderr", status);
}

eryx_sandbox *start_sandbox(const eryx_config *config, int session) {
    char errbuf[512] = "";
    eryx_sandbox *sandbox = NULL;
    eryx_status st = session ? eryx_session_new(config, &sandbox, errbuf, sizeof errbuf)
                             : eryx_sandbox_new(config, &sandbox, errbuf, sizeof errbuf);
    if (st != ERYX_OK) {
        fprintf(stderr, "eryx: cannot start %s: %s\n", session ? "session" : "sandbox",
                errbuf[0] != '\0' ? errbuf : eryx_status_string(st));
    }
    return sandbox;
}
