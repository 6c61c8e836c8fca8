/*
 * trace_writer.c - JSON Lines trace output (see trace_writer.h).
 */
#include "trace_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"

struct trace_writer {
    FILE *f;
    bool owned; /* false for stderr, which we must not close */
    int err;    /* first write error, 0 if none */
    char *name; /* for messages: the path, or "stderr" */
};

int trace_writer_open(const char *path, struct trace_writer **out) {
    struct trace_writer *w = calloc(1, sizeof *w);
    if (w == NULL) return ENOMEM;
    bool is_stderr = strcmp(path, "-") == 0;
    w->name = strdup(is_stderr ? "stderr" : path);
    if (w->name == NULL) {
        free(w);
        return ENOMEM;
    }
    if (is_stderr) {
        w->f = stderr;
    } else {
        /* O_CLOEXEC: callback commands must not inherit the trace file. */
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        w->f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (w->f == NULL) {
            int err = errno;
            if (fd >= 0) close(fd);
            free(w->name);
            free(w);
            return err;
        }
        w->owned = true;
    }
    *out = w;
    return 0;
}

int trace_writer_attach(const char *path, eryx_config *config, bool collect,
                        struct trace_writer **out) {
    int err = trace_writer_open(path, out);
    if (err != 0) {
        fprintf(stderr, "eryx: cannot open trace file '%s': %s\ntry 'eryx --help'\n", path,
                strerror(err));
        return EC_USAGE;
    }
    if (eryx_config_set_trace(config, trace_writer_event, *out, collect ? 1 : 0) != ERYX_OK) {
        fprintf(stderr, "eryx: cannot set up tracing\n");
        trace_writer_close(*out, EC_OK);
        *out = NULL;
        return EC_FAILURE;
    }
    return 0;
}

void trace_writer_event(void *userdata, const eryx_trace_event *event) {
    struct trace_writer *w = userdata;
    if (w->err != 0) return;
    char *line = eryx_trace_event_to_json(event);
    if (line == NULL) {
        w->err = ENOMEM;
        return;
    }
    /* One fwrite of the line and its newline, then a flush: each event
     * reaches the file whole and at once. */
    size_t len = strlen(line);
    line[len] = '\n';
    w->err = write_stream(w->f, line, len + 1);
    line[len] = '\0';
    eryx_free(line);
}

int trace_writer_close(struct trace_writer *w, int status) {
    if (w == NULL) return status;
    int err = w->err;
    if (w->owned && fclose(w->f) != 0 && err == 0) err = errno;
    if (err == ENOMEM) {
        fprintf(stderr, "eryx: trace to %s incomplete: out of memory\n", w->name);
        status = EC_FAILURE;
    } else {
        status = check_write(err, w->name, status);
    }
    free(w->name);
    free(w);
    return status;
}
