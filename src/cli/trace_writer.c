/*
 * trace_writer.c - trace events to a JSON Lines file and the profile (see
 * trace_writer.h).
 */
#include "trace_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "profile.h"

/* Lines are gathered here and written when it is full or a burst ends: a
 * few hundred bytes per event, a write per burst of up to 1024 events. */
#define WRITE_BUFFER (256 * 1024)

/* A burst copied for the writer thread: the events, and their strings in
 * `text`, where the events' string pointers point. */
struct batch {
    eryx_trace_event *events;
    size_t count, cap;
    char *text;
    size_t text_len, text_cap;
};

struct trace_writer {
    int fd;     /* -1: no file */
    bool owned; /* false for stderr, which we must not close */
    int err;    /* first write error, 0 if none (the thread's while it runs) */
    char *name; /* for messages: the path, or "stderr" */
    char *buf;  /* WRITE_BUFFER bytes, len of them filled (the thread's) */
    size_t len;
    struct profile *profile;
    /* --json --trace: the lines also go into `collected`, joined by ", ",
     * for the result's "trace" (the library does not collect, so each
     * event is formatted once); at most ERYX_TRACE_COLLECT_MAX events and
     * ERYX_TRACE_COLLECT_BYTES bytes, then `truncated`. The thread's. */
    bool collect, truncated;
    struct buffer collected;
    size_t ncollected;
    /* Formatting and writing run on a thread of their own, started at the
     * first burst, so that the guest's thread only copies each burst; the
     * file catches up at every sync point (trace_writer_sync). */
    pthread_t thread;
    bool started;
    bool no_thread; /* it could not be started: bursts are written here */
    pthread_mutex_t lock;
    pthread_cond_t wake; /* a batch is handed over, or quit */
    pthread_cond_t done; /* the thread finished its batch */
    /* Under lock: */
    struct batch batches[2]; /* one filled by the guest's thread, one written */
    struct batch *handed;    /* the batch the thread writes, NULL when idle */
    bool quit;
};

/* The writer of this process, for the sync points that do not know it. */
static struct trace_writer *active_writer;

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

/* One line per event into the buffer, written when full and at the end. */
static void write_lines(struct trace_writer *w, const eryx_trace_event *events, size_t count) {
    /* After a write error the lines are still made for the result. */
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
    write_out(w);
}

static void *writer_main(void *arg) {
    struct trace_writer *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (w->handed == NULL && !w->quit)
            pthread_cond_wait(&w->wake, &w->lock);
        struct batch *b = w->handed;
        if (b == NULL) break;
        pthread_mutex_unlock(&w->lock);
        write_lines(w, b->events, b->count);
        pthread_mutex_lock(&w->lock);
        w->handed = NULL;
        pthread_cond_broadcast(&w->done);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* Waits until the thread has written what it was handed (under lock). */
static void wait_idle(struct trace_writer *w) {
    while (w->handed != NULL)
        pthread_cond_wait(&w->done, &w->lock);
}

/* Appends a copy of s to b's text; its offset + 1 in *slot (0 for NULL),
 * made a pointer by fix_strings once the text no longer moves. */
static bool copy_string(struct batch *b, const char **slot) {
    if (*slot == NULL) return true;
    size_t n = strlen(*slot) + 1;
    if (n > b->text_cap - b->text_len) {
        size_t cap = b->text_cap ? b->text_cap : 64 * 1024;
        while (cap - b->text_len < n)
            cap *= 2;
        char *text = realloc(b->text, cap);
        if (text == NULL) return false;
        b->text = text;
        b->text_cap = cap;
    }
    memcpy(b->text + b->text_len, *slot, n);
    *slot = (const char *)(uintptr_t)(b->text_len + 1);
    b->text_len += n;
    return true;
}

static void fix_string(const struct batch *b, const char **slot) {
    if (*slot != NULL) *slot = b->text + ((uintptr_t)*slot - 1);
}

/* Copies a burst into b (its events are only valid during the call).
 * False when out of memory. */
static bool copy_burst(struct batch *b, const eryx_trace_event *events, size_t count) {
    b->count = b->text_len = 0;
    if (count > b->cap) {
        eryx_trace_event *grown = realloc(b->events, count * sizeof *grown);
        if (grown == NULL) return false;
        b->events = grown;
        b->cap = count;
    }
    for (size_t i = 0; i < count; i++) {
        eryx_trace_event *e = &b->events[i];
        *e = events[i];
        if (!copy_string(b, &e->function) || !copy_string(b, &e->exc_type) ||
            !copy_string(b, &e->exc_message) || !copy_string(b, &e->name) ||
            !copy_string(b, &e->args_json) || !copy_string(b, &e->error))
            return false;
    }
    for (size_t i = 0; i < count; i++) {
        eryx_trace_event *e = &b->events[i];
        fix_string(b, &e->function);
        fix_string(b, &e->exc_type);
        fix_string(b, &e->exc_message);
        fix_string(b, &e->name);
        fix_string(b, &e->args_json);
        fix_string(b, &e->error);
    }
    b->count = count;
    return true;
}

/* Hands a burst to the writer thread (starting it the first time); writes
 * it on this thread when that cannot be done. */
static void hand_over(struct trace_writer *w, const eryx_trace_event *events, size_t count) {
    if (w->no_thread) {
        write_lines(w, events, count);
        return;
    }
    if (!w->started) {
        /* Signals are for the main thread (interrupt.h); a broken pipe is
         * an EPIPE here. */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        w->started = pthread_create(&w->thread, NULL, writer_main, w) == 0;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (!w->started) {
            w->no_thread = true;
            write_lines(w, events, count);
            return;
        }
    }
    pthread_mutex_lock(&w->lock);
    /* The batch not handed is ours to fill: the thread never touches it. */
    struct batch *b = w->handed == &w->batches[0] ? &w->batches[1] : &w->batches[0];
    pthread_mutex_unlock(&w->lock);
    bool copied = copy_burst(b, events, count);
    pthread_mutex_lock(&w->lock);
    wait_idle(w);
    if (copied) {
        w->handed = b;
        pthread_cond_signal(&w->wake);
    } else if (w->err == 0) {
        w->err = ENOMEM;
    }
    pthread_mutex_unlock(&w->lock);
}

/* The eryx_trace_burst_fn: the file, then the profile. */
static eryx_trace_action on_burst(void *userdata, const eryx_trace_event *events, size_t count) {
    struct trace_writer *w = userdata;
    if (w->fd >= 0) {
        pthread_mutex_lock(&w->lock);
        bool failed = w->handed == NULL && w->err != 0; /* err is the thread's while handed */
        pthread_mutex_unlock(&w->lock);
        if (!failed || w->collect) hand_over(w, events, count);
    }
    if (w->profile) profile_add(w->profile, events, count);
    return ERYX_TRACE_CONTINUE;
}

bool trace_writer_result_json(struct trace_writer *w, const eryx_result *result,
                              struct buffer *out) {
    char *json = eryx_result_to_json(result);
    size_t len = json != NULL ? strlen(json) : 0;
    bool ok = len > 0;
    if (ok && w != NULL && w->collect) {
        trace_writer_sync();
        /* The trace goes where the library puts a collected one: last. */
        ok = buffer_append(out, json, len - 1) && buffer_puts(out, ", \"trace\": [") &&
             buffer_append(out, w->collected.data, w->collected.len) && buffer_puts(out, "]") &&
             (!w->truncated || buffer_puts(out, ", \"trace_truncated\": true")) &&
             buffer_puts(out, "}");
    } else if (ok) {
        ok = buffer_append(out, json, len);
    }
    eryx_free(json);
    return ok;
}

void trace_writer_sync(void) {
    struct trace_writer *w = active_writer;
    if (w == NULL || !w->started) return;
    pthread_mutex_lock(&w->lock);
    wait_idle(w);
    pthread_mutex_unlock(&w->lock);
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
        pthread_mutex_init(&w->lock, NULL);
        pthread_cond_init(&w->wake, NULL);
        pthread_cond_init(&w->done, NULL);
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
    active_writer = w;
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

int trace_writer_close(struct trace_writer *w, int status) {
    if (w == NULL) return status;
    if (active_writer == w) active_writer = NULL;
    if (w->started) {
        pthread_mutex_lock(&w->lock);
        wait_idle(w);
        w->quit = true;
        pthread_cond_signal(&w->wake);
        pthread_mutex_unlock(&w->lock);
        pthread_join(w->thread, NULL);
    }
    int err = w->err;
    if (w->owned && close(w->fd) != 0 && err == 0) err = errno;
    status = check_write(err, w->name != NULL ? w->name : "trace file", status);
    for (int i = 0; i < 2; i++) {
        free(w->batches[i].events);
        free(w->batches[i].text);
    }
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    pthread_cond_destroy(&w->done);
    buffer_free(&w->collected);
    free(w->name);
    free(w->buf);
    free(w);
    return status;
}
