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
#include <sys/stat.h>
#include <unistd.h>

#include "burst_worker.h"
#include "io.h"
#include "profile.h"

/* Lines are gathered here and written when it is full or a burst ends: a
 * few hundred bytes per event, a write per burst of up to 1024 events. */
#define WRITE_BUFFER (256 * 1024)

struct trace_writer {
    int fd; /* -1: no file */
    /* The file's first descriptor, still to truncate it and close (on the
     * worker, before the first line), -1: done. */
    int truncate_fd;
    bool owned; /* false for stderr, which we must not close */
    int err;    /* first write error, 0 if none */
    char *name; /* for messages: the path, or "stderr" */
    char *buf;  /* WRITE_BUFFER bytes, len of them filled */
    size_t len;
    struct profile *profile;
    /* Consumes the bursts beside the guest (NULL: on its thread); what
     * follows touches the fields above only after burst_worker_drain. */
    struct burst_worker *worker;
    /* Collecting (run --json --trace, session --trace): the lines also go
     * to our stdout as the result's "trace", its first member, joined by ", " in `json`
     * (WRITE_BUFFER bytes, json_len filled), as they are written to the file: each event is
     * formatted once and none is held to the end (the library does not collect). At most
     * ERYX_TRACE_COLLECT_MAX events and ERYX_TRACE_COLLECT_BYTES bytes, as the library's bound,
     * then `truncated`. `json_started`: the object is open on stdout. */
    bool collect, truncated, json_started;
    char *opening; /* what opens the object before "trace" (trace_writer_begin), NULL: "{" */
    char *json;
    size_t json_len, ncollected, collected_bytes;
    int json_err; /* first error writing stdout */
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

/* Writes what `json` holds to stdout. */
static void json_out(struct trace_writer *w) {
    if (w->json_err == 0) w->json_err = write_stream(stdout, w->json, w->json_len);
    w->json_len = 0;
}

/* Appends to `json`, writing it out first when `len` does not fit. Lines
 * always fit (ERYX_TRACE_JSON_MAX is far below); an opening larger than the
 * buffer (a session id of up to CLI_MAX_INPUT bytes) goes out as it is. */
static void json_put(struct trace_writer *w, const char *s, size_t len) {
    if (len > WRITE_BUFFER - w->json_len) json_out(w);
    if (len > WRITE_BUFFER) {
        if (w->json_err == 0) w->json_err = write_stream(stdout, s, len);
        return;
    }
    memcpy(w->json + w->json_len, s, len);
    w->json_len += len;
}

/* Opens the object and its "trace" member on stdout. */
static void json_start(struct trace_writer *w) {
    static const char member[] = "\"trace\": [";
    const char *opening = w->opening != NULL ? w->opening : "{";
    json_put(w, opening, strlen(opening));
    json_put(w, member, sizeof member - 1);
    w->json_started = true;
}

/* Sends a line to stdout for the result's "trace", within the bounds. */
static void collect_line(struct trace_writer *w, const char *line, size_t len) {
    if (w->truncated) return;
    size_t sep = w->ncollected > 0 ? 2 : 0;
    if (w->ncollected >= ERYX_TRACE_COLLECT_MAX ||
        len + sep > ERYX_TRACE_COLLECT_BYTES - w->collected_bytes) {
        w->truncated = true;
        return;
    }
    if (!w->json_started) json_start(w);
    json_put(w, ", ", sep);
    json_put(w, line, len);
    w->collected_bytes += sep + len;
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

/* Empties the file opened without O_TRUNC: emptying a large file that a
 * run before wrote takes most of a millisecond, which the worker spends
 * instead of the guest. */
static void truncate_file(struct trace_writer *w) {
    if (ftruncate(w->truncate_fd, 0) != 0 && w->err == 0) w->err = errno;
    close(w->truncate_fd);
    w->truncate_fd = -1;
}

/* A burst into the file, then the profile (the burst_consumer_fn). */
static void consume(void *userdata, const eryx_trace_event *events, size_t count) {
    struct trace_writer *w = userdata;
    if (w->truncate_fd >= 0) truncate_file(w);
    if (w->fd >= 0 && (w->err == 0 || w->collect)) {
        write_lines(w, events, count);
        write_out(w);
        if (w->json_len > 0) json_out(w);
    }
    if (w->profile && count > 0) profile_add(w->profile, events, count);
}

/* The eryx_trace_burst_fn. */
static eryx_trace_action on_burst(void *userdata, const eryx_trace_event *events, size_t count) {
    struct trace_writer *w = userdata;
    if (w->worker != NULL)
        burst_worker_deliver(w->worker, events, count);
    else
        consume(w, events, count);
    return ERYX_TRACE_CONTINUE;
}

void trace_writer_drain(struct trace_writer *w) {
    if (w != NULL) burst_worker_drain(w->worker);
}

/* The file is ready: truncated now, or by the worker in a moment (an
 * empty burst for it). */
static void start_file(struct trace_writer *w) {
    if (w->truncate_fd < 0) return;
    if (w->worker != NULL)
        burst_worker_deliver(w->worker, NULL, 0);
    else
        truncate_file(w);
}

/* ext4 (its default auto_da_alloc) starts writing a file back to disk when
 * the descriptor that truncated it to 0 is closed: for a trace of 10 MB,
 * 4 ms at our exit, and the next run's truncation of the file waits for
 * that write-back, up to 8 ms more. So the truncating descriptor is closed
 * once it has truncated, while there is nothing to write back
 * (start_file), and the lines go to the same file (reopened through /proc,
 * not by name) by a second one. Anything but a regular file, or no /proc:
 * the first one stays, truncated now. */
static int write_through_second_descriptor(struct trace_writer *w) {
    struct stat st;
    char self[64];
    int fd = -1;
    if (fstat(w->fd, &st) == 0 && S_ISREG(st.st_mode)) {
        snprintf(self, sizeof self, "/proc/self/fd/%d", w->fd);
        fd = open(self, O_WRONLY | O_CLOEXEC);
    }
    if (fd < 0) return ftruncate(w->fd, 0) == 0 || errno == EINVAL ? 0 : errno;
    w->truncate_fd = w->fd;
    w->fd = fd;
    return 0;
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
    /* O_CLOEXEC: callback commands must not inherit the trace file. Not
     * O_TRUNC: see write_through_second_descriptor. */
    w->fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    if (w->fd < 0) return errno;
    w->owned = true;
    return write_through_second_descriptor(w);
}

/* Both attach functions. */
static int attach(const char *path, struct profile *profile, eryx_config *config, bool collect,
                  struct trace_writer **out) {
    *out = NULL;
    struct trace_writer *w = calloc(1, sizeof *w);
    int err = w == NULL ? ENOMEM : 0;
    if (w != NULL) {
        w->fd = w->truncate_fd = -1;
        w->profile = profile;
        w->collect = collect && path != NULL;
        if (path != NULL && (w->buf = malloc(WRITE_BUFFER)) == NULL) err = ENOMEM;
        if (err == 0 && w->collect && (w->json = malloc(WRITE_BUFFER)) == NULL) err = ENOMEM;
        if (err == 0) w->worker = burst_worker_start(consume, w);
        if (err == 0 && path != NULL) err = open_file(w, path);
    }
    if (err != 0) {
        fprintf(stderr, "eryx: cannot open trace file '%s': %s\ntry 'eryx --help'\n",
                path != NULL ? path : "", strerror(err));
        trace_writer_close(w, EC_OK);
        return EC_USAGE;
    }
    start_file(w);
    unsigned flags = w->worker != NULL ? ERYX_TRACE_KEEP_BURST : 0;
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
    return attach(path, profile, config, collect, out);
}

int trace_writer_attach(const char *path, eryx_config *config, struct trace_writer **out) {
    return attach(path, NULL, config, false, out);
}

bool trace_writer_collects(const struct trace_writer *w) {
    return w != NULL && w->collect;
}

int trace_writer_begin(struct trace_writer *w, const char *opening) {
    trace_writer_drain(w);
    free(w->opening);
    w->opening = opening != NULL ? strdup(opening) : NULL;
    w->truncated = w->json_started = false;
    w->ncollected = w->collected_bytes = 0;
    return opening != NULL && w->opening == NULL ? ENOMEM : 0;
}

int trace_writer_end(struct trace_writer *w, struct buffer *out) {
    static const char end[] = "], ", cut[] = "\"trace_truncated\": true, ";
    trace_writer_drain(w);
    if (!w->json_started) json_start(w);
    w->json_started = false;
    json_out(w);
    if (!buffer_append(out, end, sizeof end - 1) ||
        (w->truncated && !buffer_append(out, cut, sizeof cut - 1)))
        return ENOMEM;
    return w->json_err;
}

int trace_writer_print_result(struct trace_writer *w, const eryx_result *result, FILE *f) {
    char *json = eryx_result_to_json(result);
    size_t len = json != NULL ? strlen(json) : 0;
    struct buffer out = {0};
    int err = len < 2 ? ENOMEM : 0;
    const char *members = json;
    if (err == 0 && trace_writer_collects(w)) {
        /* The trace went out first, as it came: the result's other members
         * follow it (the library's object without its "{"). */
        err = trace_writer_end(w, &out);
        members = json + 1;
        len--;
    }
    if (err == 0 && out.len > 0) err = write_stream(f, out.data, out.len);
    if (err == 0) err = write_stream(f, members, len);
    if (err == 0) err = write_stream(f, "\n", 1);
    buffer_free(&out);
    eryx_free(json);
    return err;
}

int trace_writer_close(struct trace_writer *w, int status) {
    if (w == NULL) return status;
    burst_worker_stop(w->worker);
    if (w->truncate_fd >= 0) truncate_file(w);
    if (w->fd >= 0 && w->len > 0) write_out(w);
    int err = w->err;
    if (w->owned && close(w->fd) != 0 && err == 0) err = errno;
    status = check_write(err, w->name != NULL ? w->name : "trace file", status);
    if (w->json_started) { /* no result after it (the run failed): the object ends */
        json_put(w, "]}\n", 3);
        json_out(w);
    }
    free(w->json);
    free(w->opening);
    free(w->name);
    free(w->buf);
    free(w);
    return status;
}
