/*
 * trace.h - delivering the trace events of one execution: gathered into
 * bursts (from the guest's ring, trace_ring.c, or one by one from imports),
 * stamped with their time, handed to the host's handler, collected into the
 * result (trace_store.c), and, in step mode, paused or stopped (step.c).
 */
#ifndef ERYX_TRACE_H
#define ERYX_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "abi.h"
#include "buf.h"
#include "eryx.h"

typedef struct eryx_vm eryx_vm;
typedef struct step_state step_state;
typedef struct trace_store trace_store;

/* Where the events go, as configured (eryx_config_set_trace or _bursts). */
typedef struct {
    eryx_trace_fn fn;          /* one event per call, or */
    eryx_trace_burst_fn burst; /* one burst per call */
    void *userdata;
    unsigned flags; /* ERYX_TRACE_COLLECT, _STEP, _TIMEOUT_RUNS, _KEEP_BURST */
} trace_sink;

/* Whether a sink traces at all. */
static inline bool trace_sink_on(const trace_sink *sink) {
    return sink->fn || sink->burst || (sink->flags & ERYX_TRACE_COLLECT);
}

/* The burst being gathered and what delivering it needs. A sandbox keeps
 * one, with its buffers, from one execution to the next. */
typedef struct {
    bool on; /* between trace_run_begin and trace_run_end */
    trace_sink sink;
    trace_store *store; /* the result's collection, NULL when not collecting */
    eryx_vm *vm;
    step_state *step;     /* the sandbox's pause state */
    uint64_t start_ns;    /* CLOCK_MONOTONIC at the execution's start: t_us 0 */
    uint64_t deadline_ns; /* the execution's timeout (0: none), moved by pauses */
    /* The stamp and time of the last burst: events since lie between it and
     * the next (trace_ring.c). last_us keeps t_us monotonic. */
    uint64_t anchor_stamp, anchor_ns;
    double last_us;
    eryx_trace_event *events; /* the burst: events[0..count) */
    size_t count;
    size_t handed; /* events[0..handed) went to a per-event handler already */
    char *text;    /* host copy of the ring's text, which the events point into */
    char *scratch; /* cut copies of strings of the host's own events */
    /* ERYX_TRACE_KEEP_BURST: the buffers of the burst delivered last,
     * which the handler may still be reading; swapped with the three
     * above after each delivery. */
    eryx_trace_event *kept_events;
    char *kept_text, *kept_scratch;
} trace_run;

/* Prepares `t` for an execution (buffers allocated on first use). False
 * when out of memory: the execution then runs untraced. */
bool trace_run_begin(trace_run *t, const trace_sink *sink, trace_store *store, eryx_vm *vm,
                     step_state *step, uint64_t start_ns, uint64_t deadline_ns);

/* The execution is over (its last events delivered). */
void trace_run_end(trace_run *t);

/* Frees the buffers. */
void trace_run_free(trace_run *t);

/* The time stamp the guest's `tsc` import gives, read on the host. */
uint64_t trace_stamp(void);

/* The next slot of the burst (the caller fills it), or NULL when full. */
static inline eryx_trace_event *trace_slot(trace_run *t) {
    return t->count < TRACE_RING_EVENTS ? &t->events[t->count++] : NULL;
}

/* Hands the burst to the handler and the collection, then acts on what the
 * handler asked (pause, stop), and empties it. */
void trace_deliver(trace_run *t);

/* An event the host makes itself (callbacks), at the current time: its
 * strings cut to the bound (and copied, for ERYX_TRACE_KEEP_BURST),
 * delivered at once. No-op when not tracing. */
void trace_now(trace_run *t, const eryx_trace_event *event);

/* The asyncio task of the guest code calling an import now (the ring's
 * `task`, trace_ring.c); 0 when not tracing. */
uint32_t trace_ring_task(eryx_vm *vm);

/* Appends an event as a one-line JSON object (trace_json.c). */
bool trace_event_json(eryx_buf *b, const eryx_trace_event *event);

#endif
