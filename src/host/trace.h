/*
 * trace.h - delivering trace events: to the host's handler as they happen,
 * into the result when collected, and as JSON.
 */
#ifndef ERYX_TRACE_H
#define ERYX_TRACE_H

#include <stdbool.h>

#include "buf.h"
#include "eryx.h"

typedef struct eryx_result eryx_result;

/* Where the events of one execution go. */
typedef struct {
    eryx_trace_fn fn;
    void *userdata;
    bool collect;
} trace_sink;

/* Copies an event into r (trace.c). */
void trace_collect(eryx_result *r, const eryx_trace_event *event);

/* Hands one event to the sink's handler and, when collecting, copies it
 * into r. Inline: it runs for every line of a traced program. */
static inline void trace_emit(const trace_sink *sink, eryx_result *r,
                              const eryx_trace_event *event) {
    if (sink->fn) sink->fn(sink->userdata, event);
    if (sink->collect && r) trace_collect(r, event);
}

/* Appends an event as a one-line JSON object. */
bool trace_event_json(eryx_buf *b, const eryx_trace_event *event);

/* Frees the strings of a collected event. */
void trace_event_clear(eryx_trace_event *event);

#endif
