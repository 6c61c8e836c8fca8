/*
 * trace_ring.c - the guest's trace ring (src/guest/abi.h) taken into
 * bursts of events, and the imports that go with it: trace_flush and tsc.
 *
 * The ring's records carry time stamps of the CPU's time stamp counter
 * (the guest reads it inline, see tools/split_wasm2c.py). Each flush reads
 * the counter and CLOCK_MONOTONIC together; the events since the last flush
 * lie between the two readings, and their times are interpolated linearly
 * between them, which is exact for a counter of constant rate
 * (constant_tsc) and stays monotonic whatever the guest wrote.
 */
#include "sandbox.h"
#include "clock.h"

_Static_assert(TRACE_TEXT_MAX == ERYX_TRACE_TEXT_MAX, "abi.h and eryx.h differ");

uint64_t trace_stamp(void) {
#if defined(__x86_64__)
    return __builtin_ia32_rdtsc();
#else
    return monotonic_ns();
#endif
}

/* The string the guest wrote at text[at..at+len) (NUL-terminated, within
 * the first `used` bytes), cut to the bound in place; NULL when it is not
 * there. The text is the host's copy: the guest cannot change it meanwhile. */
static const char *ring_string(char *text, uint32_t used, uint32_t at, uint32_t len) {
    if (at >= used || len >= used - at || text[at + len] != '\0') return NULL;
    char *s = text + at;
    if (len > TRACE_TEXT_MAX) {
        size_t keep = trace_text_cut(s, len);
        memcpy(s + keep, TRACE_TEXT_MARK, TRACE_TEXT_MARK_LEN + 1);
    }
    return s;
}

/* A record as an event of the burst; false when it is not a valid one. */
static bool take_record(trace_run *t, const trace_record *r, uint32_t text_used,
                        eryx_trace_event *e) {
    *e = (eryx_trace_event){.kind = (eryx_trace_kind)r->kind, .lineno = r->lineno, .task = r->task};
    switch (r->kind) {
    case ERYX_TRACE_LINE:
        return true;
    case ERYX_TRACE_CALL:
    case ERYX_TRACE_RETURN:
        return (e->function = ring_string(t->text, text_used, r->text, r->len)) != NULL;
    case ERYX_TRACE_EXCEPTION:
        /* The message follows the type's NUL; the type is checked first, so
         * that the sum does not wrap. */
        e->exc_type = ring_string(t->text, text_used, r->text, r->len);
        e->exc_message =
            e->exc_type ? ring_string(t->text, text_used, r->text + r->len + 1, r->len2) : NULL;
        return e->exc_message != NULL;
    }
    return false;
}

void trace_ring_flush(eryx_vm *vm) {
    trace_ring *ring = (trace_ring *)vm_mem(vm, vm->trace_ring, sizeof *ring);
    exec_state *exec = sandbox_exec_state(vm);
    if (!ring || !exec || !exec->trace->on) {
        vm->trace_ring = 0;
        return;
    }
    trace_run *t = exec->trace;
    /* The guest is hostile: counts are clamped, strings checked to lie in
     * the text it filled, times kept between the readings around them. */
    uint32_t count = ring->count, text_used = ring->text_used;
    ring->count = ring->text_used = 0;
    if (count > TRACE_RING_EVENTS) count = TRACE_RING_EVENTS;
    if (text_used > TRACE_RING_TEXT) text_used = TRACE_RING_TEXT;
    memcpy(t->text, ring->text, text_used);
    uint64_t stamp = trace_stamp(), now = monotonic_ns();
    uint64_t since = t->anchor_stamp;
    double since_us = (double)(int64_t)(t->anchor_ns - t->start_ns) * 1e-3;
    double us_per_tick = stamp > since ? (double)(int64_t)(now - t->anchor_ns) * 1e-3 /
                                             (double)(int64_t)(stamp - since)
                                       : 0;
    /* The burst's count and last time in locals: the stores into events
     * would otherwise make the compiler reload them for every record. */
    size_t n = t->count;
    double last_us = t->last_us;
    /* A per-event handler gets each event as it is made, while it is in
     * the cache, unless events made before wait for it (host events). */
    eryx_trace_fn each = !t->sink.burst && t->handed == n ? t->sink.fn : NULL;
    void *userdata = t->sink.userdata;
    for (uint32_t i = 0; i < count && n < TRACE_RING_EVENTS; i++) {
        trace_record record = ring->records[i];
        eryx_trace_event *e = &t->events[n];
        if (!take_record(t, &record, text_used, e)) continue;
        uint64_t at = record.stamp < since ? since : record.stamp > stamp ? stamp : record.stamp;
        double us = since_us + (double)(int64_t)(at - since) * us_per_tick;
        if (us < last_us) us = last_us;
        last_us = e->t_us = us;
        n++;
        if (each) each(userdata, e);
    }
    if (each) t->handed = n;
    t->count = n;
    t->last_us = last_us;
    t->anchor_stamp = stamp;
    t->anchor_ns = now;
    trace_deliver(t);
}

uint32_t trace_ring_task(eryx_vm *vm) {
    trace_ring *ring = (trace_ring *)vm_mem(vm, vm->trace_ring, sizeof *ring);
    return ring ? ring->task : 0;
}

/* trace_flush(ring): the events of the current ring are taken on entry, as
 * by every import; from now on the guest fills `ring` (0: none), emptied,
 * flushing at `limit` events: at once in step mode. */
void Z_eryxZ_trace_flush(struct Z_eryx_instance_t *ctx, u32 ring) {
    eryx_vm *vm = ctx->vm;
    VM_IMPORT_ENTER(vm);
    exec_state *exec = sandbox_exec_state(vm);
    trace_ring *next = ring % 8 == 0 ? (trace_ring *)vm_mem(vm, ring, sizeof *next) : NULL;
    vm->trace_ring = next && exec && exec->trace->on ? ring : 0;
    if (vm->trace_ring) {
        next->count = next->text_used = 0;
        next->limit = exec->trace->sink.flags & ERYX_TRACE_STEP ? 1 : TRACE_RING_EVENTS;
    }
    VM_IMPORT_RETURN_VOID(vm);
}

/* tsc() -> stamp: what the generated code reads inline on x86-64. Touches
 * no guest memory and cannot stop the guest: no import entry or exit. */
u64 Z_eryxZ_tsc(struct Z_eryx_instance_t *ctx) {
    (void)ctx;
    return trace_stamp();
}
