/*
 * trace.c - bursts of trace events to the host's handler and the result
 * (see trace.h).
 */
#include "trace.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "step.h"
#include "trace_store.h"
#include "vm.h"
#include "watchdog.h"

/* Room for the copies of one host event's strings: function, name and
 * error at the bound, and the arguments cut, then as a JSON string of
 * their cut text. */
#define SCRATCH_BYTES (4 * (TRACE_TEXT_MAX + 1) + 6 * TRACE_TEXT_MAX + 3)

bool trace_run_begin(trace_run *t, const trace_sink *sink, trace_store *store, eryx_vm *vm,
                     step_state *step, uint64_t start_ns, uint64_t deadline_ns) {
    if (!t->events) t->events = malloc(TRACE_RING_EVENTS * sizeof *t->events);
    if (!t->text) t->text = malloc(TRACE_RING_TEXT);
    if (!t->scratch) t->scratch = malloc(SCRATCH_BYTES);
    if (!t->events || !t->text || !t->scratch) return false;
    if (sink->flags & ERYX_TRACE_KEEP_BURST) {
        if (!t->kept_events) t->kept_events = malloc(TRACE_RING_EVENTS * sizeof *t->events);
        if (!t->kept_text) t->kept_text = malloc(TRACE_RING_TEXT);
        if (!t->kept_scratch) t->kept_scratch = malloc(SCRATCH_BYTES);
        if (!t->kept_events || !t->kept_text || !t->kept_scratch) return false;
    }
    t->sink = *sink;
    t->store = store;
    t->vm = vm;
    t->step = step;
    t->start_ns = start_ns;
    t->deadline_ns = deadline_ns;
    t->anchor_stamp = trace_stamp();
    t->anchor_ns = monotonic_ns();
    t->last_us = 0;
    t->count = t->handed = 0;
    t->on = true;
    return true;
}

void trace_run_end(trace_run *t) {
    t->on = false;
    t->store = NULL;
}

void trace_run_free(trace_run *t) {
    free(t->events);
    free(t->text);
    free(t->scratch);
    free(t->kept_events);
    free(t->kept_text);
    free(t->kept_scratch);
    *t = (trace_run){0};
}

/* The handler of a burst, with the timeout held while it runs and while it
 * keeps the guest paused, unless asked otherwise. */
static eryx_trace_action call_handler(trace_run *t) {
    const trace_sink *k = &t->sink;
    if (!k->burst) {
        /* In locals: the compiler cannot know that fn leaves them alone. */
        eryx_trace_fn fn = k->fn;
        void *userdata = k->userdata;
        for (const eryx_trace_event *e = t->events + t->handed, *end = t->events + t->count;
             e < end; e++)
            fn(userdata, e);
        return ERYX_TRACE_CONTINUE;
    }
    bool hold = t->deadline_ns && !(k->flags & ERYX_TRACE_TIMEOUT_RUNS);
    uint64_t held_from = hold ? monotonic_ns() : 0;
    if (hold) watchdog_disarm(t->vm);
    step_enter(t->step);
    eryx_trace_action action = k->burst(k->userdata, t->events, t->count);
    action = step_leave(t->step, action, &t->vm->stop);
    if (hold) {
        t->deadline_ns += monotonic_ns() - held_from;
        watchdog_arm(t->vm, t->deadline_ns);
    }
    return action;
}

void trace_deliver(trace_run *t) {
    if (!t->count) return;
    eryx_trace_action action = t->sink.fn || t->sink.burst ? call_handler(t) : ERYX_TRACE_CONTINUE;
    if (t->store) trace_store_add(t->store, t->events, t->count);
    t->count = t->handed = 0;
    if (t->sink.flags & ERYX_TRACE_KEEP_BURST) {
        /* The handler may read this burst until its next call returns: the
         * next one is gathered in the other buffers. */
        eryx_trace_event *events = t->events;
        char *text = t->text, *scratch = t->scratch;
        t->events = t->kept_events, t->text = t->kept_text, t->scratch = t->kept_scratch;
        t->kept_events = events, t->kept_text = text, t->kept_scratch = scratch;
    }
    if (action == ERYX_TRACE_STOP) vm_request_stop(t->vm, VM_STOP_TRACE);
}

/* s cut to the bound (abi.h) into *scratch, which moves past the copy;
 * copied there whole when it is within the bound and `copy_all`. */
static const char *cut(const char *s, char **scratch, bool copy_all) {
    if (!s) return NULL;
    size_t len = strlen(s);
    if (len <= TRACE_TEXT_MAX && !copy_all) return s;
    size_t keep = len <= TRACE_TEXT_MAX ? len : trace_text_cut(s, len);
    char *copy = *scratch;
    memcpy(copy, s, keep);
    if (keep < len) {
        memcpy(copy + keep, TRACE_TEXT_MARK, TRACE_TEXT_MARK_LEN + 1);
        keep += TRACE_TEXT_MARK_LEN;
    }
    copy[keep] = '\0';
    *scratch += keep + 1;
    return copy;
}

/* Arguments past the bound: a JSON string of their cut text. */
static const char *cut_json(const char *json, char **scratch, bool copy_all) {
    if (!json || strlen(json) <= TRACE_TEXT_MAX) return cut(json, scratch, copy_all);
    const char *text = cut(json, scratch, false);
    eryx_buf quoted = {0};
    buf_json_string(&quoted, text, strlen(text));
    if (quoted.failed || quoted.len > 6 * TRACE_TEXT_MAX + 2) {
        buf_free(&quoted);
        return "{}";
    }
    char *copy = *scratch;
    memcpy(copy, quoted.data, quoted.len + 1);
    *scratch += quoted.len + 1;
    buf_free(&quoted);
    return copy;
}

void trace_now(trace_run *t, const eryx_trace_event *event) {
    eryx_trace_event *e = t->on ? trace_slot(t) : NULL;
    if (!e) return;
    *e = *event;
    /* Kept bursts outlive the strings given here: all are copied. */
    bool copy_all = (t->sink.flags & ERYX_TRACE_KEEP_BURST) != 0;
    char *scratch = t->scratch;
    e->function = cut(e->function, &scratch, copy_all);
    e->name = cut(e->name, &scratch, copy_all);
    e->error = cut(e->error, &scratch, copy_all);
    e->args_json = cut_json(e->args_json, &scratch, copy_all);
    double us = (double)(int64_t)(monotonic_ns() - t->start_ns) * 1e-3;
    if (us < t->last_us) us = t->last_us;
    t->last_us = e->t_us = us;
    trace_deliver(t);
}
