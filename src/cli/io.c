/*
 * io.c - file and stream helpers of the command-line tool (see io.h).
 */
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int read_fd(int fd, struct buffer *buf) {
    for (;;) {
        /* Read straight into the buffer, 64 KiB at a time or more. */
        size_t room = buf->cap > buf->len + 1 ? buf->cap - buf->len - 1 : 0;
        if (room < 64 * 1024) {
            if (!buffer_reserve(buf, buf->cap < 64 * 1024 ? 64 * 1024 : buf->cap)) return ENOMEM;
            room = buf->cap - buf->len - 1;
        }
        ssize_t n = read(fd, buf->data + buf->len, room);
        if (n == 0) return 0;
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        buf->len += (size_t)n;
        buf->data[buf->len] = '\0';
    }
}

int read_file(const char *path, struct buffer *buf) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    int err = read_fd(fd, buf);
    close(fd);
    return err;
}

int write_file(const char *path, const void *data, size_t len) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) return errno;
    const char *p = data;
    int err = 0;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            err = errno;
            break;
        }
        p += n;
        len -= (size_t)n;
    }
    /* close reports delayed write errors (NFS, quotas). */
    if (close(fd) != 0 && err == 0) err = errno;
    if (err != 0) unlink(path);
    return err;
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
