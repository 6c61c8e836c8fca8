/*
 * abi.h - what the guest runtime (runtime.c, wasm32) and the host
 * (src/host/trace_ring.c) share besides the import signatures: the layout
 * of the trace ring and the bound on its strings. Fixed-width fields only,
 * so that both sides agree.
 */
#ifndef ERYX_ABI_H
#define ERYX_ABI_H

#include <stddef.h>
#include <stdint.h>

/* Trace events of the user's code are written by the guest into a ring in
 * its own memory, and the host takes them in bursts: when the guest calls
 * trace_flush (the ring holds `limit` events, its text is full, or tracing
 * starts or ends), at the start of every other import, and when the
 * execution ends. So they reach the host's handler in order with output
 * and callbacks, without one import call per event. With `limit` 1 (step
 * mode) every event reaches the host before the code it announces runs. */
#define TRACE_RING_EVENTS 1024
#define TRACE_RING_TEXT   16384

/* Strings in events are at most TRACE_TEXT_MAX bytes: a longer one keeps
 * its first bytes (whole UTF-8 sequences) followed by TRACE_TEXT_MARK, within
 * the bound. The guest cuts them so; the host checks, and cuts again what a
 * guest sent longer. Equal to ERYX_TRACE_TEXT_MAX in eryx.h. */
#define TRACE_TEXT_MAX      4096
#define TRACE_TEXT_MARK     "\xE2\x80\xA6[truncated]"
#define TRACE_TEXT_MARK_LEN (sizeof TRACE_TEXT_MARK - 1)

typedef struct {
    int32_t kind; /* 0 line, 1 call, 2 return, 3 exception (eryx_trace_kind) */
    int32_t lineno;
    uint32_t text;  /* call/return: the function's name, text[text..text+len), */
    uint32_t len;   /* followed by a NUL; exception: the type's name, so */
    uint32_t len2;  /* exception: the message, len2 bytes after the type's NUL, then a NUL */
    uint32_t task;  /* asyncio task of the code (1, 2, ...), 0 outside tasks */
    uint64_t stamp; /* the `tsc` import's value when the event happened */
} trace_record;

typedef struct {
    uint32_t count;     /* records[0..count) are filled */
    uint32_t text_used; /* text[0..text_used) is filled */
    uint32_t limit;     /* set by the host: the guest flushes at this count */
    uint32_t task;      /* the guest's current task, for events the host makes */
    trace_record records[TRACE_RING_EVENTS];
    char text[TRACE_RING_TEXT];
} trace_ring;

/* How many of the first `len` bytes of `s` (len > TRACE_TEXT_MAX) a
 * string cut to the bound keeps before the mark: as many as fit, without
 * cutting a UTF-8 sequence in two. */
static inline size_t trace_text_cut(const char *s, size_t len) {
    size_t keep = TRACE_TEXT_MAX - TRACE_TEXT_MARK_LEN;
    if (len <= keep) return len;
    size_t end = keep; /* s[end] is the first byte left out */
    while (end > keep - 3 && ((unsigned char)s[end] & 0xC0) == 0x80)
        end--;
    return ((unsigned char)s[end] & 0xC0) == 0x80 ? keep : end;
}

#endif
