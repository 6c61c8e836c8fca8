/*
 * trace_writer.c - trace events to a JSON Lines file and the profile (see
 * trace_writer.h).
 */
#include "trace_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "profile.h"

/* Lines are gathered here and written when it is full or a burst ends: a
 * few hundred bytes per event, a write per burst of up to 1024 events. */
#define WRITE_BUFFER (256 * 1024)

struct trace_writer {
    int fd;     /* -1: no file */
    bool owned; /* false for stderr, which we must not close */
    int err;    /* first write error, 0 if none */
    char *name; /* for messages: the path, or "stderr" */
    char *buf;  /* WRITE_BUFFER bytes, len of them filled */
    size_t len;
    struct profile *profile;
};

static void write_out(struct trace_writer *w) {
    const char *p = w->buf;
    size_t left = w->len;
    w->len = 0;
    while (left > 0 && w->err == 0) {
        ssize_t n = write(w->fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            w->err = errno;
            break;
        }
        p += n;
        left -= (size_t)n;
    }
}

/* One line per event into the buffer. */
static void write_lines(struct trace_writer *w, const eryx_trace_event *events, size_t count) {
    for (size_t i = 0; i < count && w->err == 0; i++) {
        size_t room = WRITE_BUFFER - w->len;
        size_t n = eryx_trace_event_format(&events[i], w->buf + w->len, room);
        if (n + 1 >= room) {
            /* Not room for it and its newline: write what is there first
             * (ERYX_TRACE_JSON_MAX is far below the buffer). */
            write_out(w);
            n = eryx_trace_event_format(&events[i], w->buf, WRITE_BUFFER);
            if (n + 1 >= WRITE_BUFFER) continue;
        }
        w->len += n;
        w->buf[w->len++] = '\n';
    }
}

/* The eryx_trace_burst_fn: the file, then the profile. */
static eryx_trace_action on_burst(void *userdata, const eryx_trace_event *events, size_t count) {
    struct trace_writer *w = userdata;
    if (w->fd >= 0 && w->err == 0) {
        write_lines(w, events, count);
        write_out(w);
    }
    if (w->profile) profile_add(w->profile, events, count);
    return ERYX_TRACE_CONTINUE;
}

/* Opens `path` for the writer; 0 or an errno. */
static int open_file(struct trace_writer *w, const char *path) {
    bool is_stderr = strcmp(path, "-") == 0;
    w->name = strdup(is_stderr ? "stderr" : path);
    if (w->name == NULL) return ENOMEM;
    if (is_stderr) {
        fflush(stderr);
        w->fd = STDERR_FILENO;
        return 0;
    }
    /* O_CLOEXEC: callback commands must not inherit the trace file. */
    w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (w->fd < 0) return errno;
    w->owned = true;
    return 0;
}

int trace_output_attach(const char *path, struct profile *profile, eryx_config *config,
                        bool collect, struct trace_writer **out) {
    *out = NULL;
    struct trace_writer *w = calloc(1, sizeof *w);
    int err = w == NULL ? ENOMEM : 0;
    if (w != NULL) {
        w->fd = -1;
        w->profile = profile;
        if (path != NULL && (w->buf = malloc(WRITE_BUFFER)) == NULL) err = ENOMEM;
        if (err == 0 && path != NULL) err = open_file(w, path);
    }
    if (err != 0) {
        fprintf(stderr, "eryx: cannot open trace file '%s': %s\ntry 'eryx --help'\n",
                path != NULL ? path : "", strerror(err));
        trace_writer_close(w, EC_OK);
        return EC_USAGE;
    }
    unsigned flags = collect ? ERYX_TRACE_COLLECT : 0;
    if (eryx_config_set_trace_bursts(config, on_burst, w, flags) != ERYX_OK) {
        fprintf(stderr, "eryx: cannot set up tracing\n");
        trace_writer_close(w, EC_OK);
        return EC_FAILURE;
    }
    *out = w;
    return 0;
}

int trace_writer_attach(const char *path, eryx_config *config, bool collect,
                        struct trace_writer **out) {
    return trace_output_attach(path, NULL, config, collect, out);
}

int trace_writer_close(struct trace_writer *w, int status) {
    if (w == NULL) return status;
    if (w->fd >= 0 && w->len > 0) write_out(w);
    int err = w->err;
    if (w->owned && close(w->fd) != 0 && err == 0) err = errno;
    status = check_write(err, w->name != NULL ? w->name : "trace file", status);
    free(w->name);
    free(w->buf);
    free(w);
    return status;
}
