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
    /* run --json --trace: the lines also go into `collected`, joined by
     * ", ", for the result's "trace" (the library does not collect, so each
     * event is formatted once); at most ERYX_TRACE_COLLECT_MAX events and
     * ERYX_TRACE_COLLECT_BYTES bytes, then `truncated`. */
    bool collect, truncated;
    struct buffer collected;
    size_t ncollected;
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

/* Keeps a line for the result's "trace", within the bounds. */
static void collect_line(struct trace_writer *w, const char *line, size_t len) {
    if (w->truncated) return;
    size_t sep = w->ncollected > 0 ? 2 : 0;
    if (w->ncollected >= ERYX_TRACE_COLLECT_MAX ||
        len + sep > ERYX_TRACE_COLLECT_BYTES - w->collected.len ||
        !buffer_append(&w->collected, ", ", sep) || !buffer_append(&w->collected, line, len)) {
        w->truncated = true;
        return;
    }
    w->ncollected++;
}

/* One line per event into the buffer (after a write error, still for the
 * result). */
static void write_lines(struct trace_writer *w, const eryx_trace_event *events, size_t count) {
    for (size_t i = 0; i < count && (w->err == 0 || w->collect); i++) {
        size_t room = WRITE_BUFFER - w->len;
        size_t n = eryx_trace_event_format(&events[i], w->buf + w->len, room);
        if (n + 1 >= room) {
            /* Not room for it and its newline: write what is there first
             * (ERYX_TRACE_JSON_MAX is far below the buffer). */
            write_out(w);
            n = eryx_trace_event_format(&events[i], w->buf, WRITE_BUFFER);
            if (n + 1 >= WRITE_BUFFER) continue;
        }
        if (w->collect) collect_line(w, w->buf + w->len, n);
        w->len += n;
        w->buf[w->len++] = '\n';
    }
}

/* The eryx_trace_burst_fn: the file, then the profile. */
static eryx_trace_action on_burst(void *userdata, const eryx_trace_event *events, size_t count) {
    struct trace_writer *w = userdata;
    if (w->fd >= 0 && (w->err == 0 || w->collect)) {
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

/* Both attach functions: the result's trace collected by the library, or
 * for one execution (`by_writer`) from the writer's own lines. */
static int attach(const char *path, struct profile *profile, eryx_config *config, bool collect,
                  bool by_writer, struct trace_writer **out) {
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
    w->collect = collect && by_writer && path != NULL;
    unsigned flags = collect && !w->collect ? ERYX_TRACE_COLLECT : 0;
    if (eryx_config_set_trace_bursts(config, on_burst, w, flags) != ERYX_OK) {
        fprintf(stderr, "eryx: cannot set up tracing\n");
        trace_writer_close(w, EC_OK);
        return EC_FAILURE;
    }
    *out = w;
    return 0;
}

int trace_output_attach(const char *path, struct profile *profile, eryx_config *config,
                        bool collect, struct trace_writer **out) {
    return attach(path, profile, config, collect, true, out);
}

int trace_writer_attach(const char *path, eryx_config *config, bool collect,
                        struct trace_writer **out) {
    return attach(path, NULL, config, collect, false, out);
}

int trace_writer_print_result(struct trace_writer *w, const eryx_result *result, FILE *f) {
    char *json = eryx_result_to_json(result);
    size_t len = json != NULL ? strlen(json) : 0;
    if (len == 0) return ENOMEM;
    int err;
    if (w != NULL && w->collect) {
        /* The trace goes where the library puts a collected one: last. The
         * lines are written from where they are, not copied once more. */
        static const char open[] = ", \"trace\": [", cut[] = ", \"trace_truncated\": true}\n";
        err = write_stream(f, json, len - 1);
        if (err == 0) err = write_stream(f, open, sizeof open - 1);
        if (err == 0) err = write_stream(f, w->collected.data, w->collected.len);
        if (err == 0) err = write_stream(f, "]", 1);
        if (err == 0)
            err = w->truncated ? write_stream(f, cut, sizeof cut - 1) : write_stream(f, "}\n", 2);
    } else {
        err = write_stream(f, json, len);
        if (err == 0) err = write_stream(f, "\n", 1);
    }
    eryx_free(json);
    return err;
}

int trace_writer_close(struct trace_writer *w, int status) {
    if (w == NULL) return status;
    if (w->fd >= 0 && w->len > 0) write_out(w);
    int err = w->err;
    if (w->owned && close(w->fd) != 0 && err == 0) err = errno;
    status = check_write(err, w->name != NULL ? w->name : "trace file", status);
    buffer_free(&w->collected);
    free(w->name);
    free(w->buf);
    free(w);
    return status;
}
