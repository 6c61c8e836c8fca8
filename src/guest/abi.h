/*
 * abi.h - what the guest runtime (runtime.c, wasm32) and the host
 * (src/host/imports.c) share besides the import signatures: the layout of
 * the trace ring. Fixed-width fields only, so that both sides agree.
 */
#ifndef ERYX_ABI_H
#define ERYX_ABI_H

#include <stdint.h>

/* Line, call and return events of the user's code are written by the guest
 * into a ring in its own memory, and the host takes them in batches: when
 * the guest calls trace_flush (the ring is full, or tracing starts or ends),
 * at the start of every other import, and when the execution ends. So they
 * reach the host's handler in order with output and callbacks, without one
 * import call per event. Exception events, rare and with longer text, go
 * through the trace import (after the ring, since that is an import too). */
#define TRACE_RING_EVENTS 1024
#define TRACE_RING_TEXT   16384

typedef struct {
    int32_t kind; /* 0 line, 1 call, 2 return (eryx_trace_kind) */
    int32_t lineno;
    uint32_t text; /* call/return: the function's name, text[text..text+len), */
    uint32_t len;  /* followed by a NUL */
} trace_record;

typedef struct {
    uint32_t count;     /* records[0..count) are filled */
    uint32_t text_used; /* text[0..text_used) is filled */
    trace_record records[TRACE_RING_EVENTS];
    char text[TRACE_RING_TEXT];
} trace_ring;

#endif
