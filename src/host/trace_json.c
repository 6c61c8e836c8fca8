/*
 * trace_json.c - trace events as one-line JSON objects, written into a
 * caller's buffer without allocating: it runs for every event of
 * `eryx run --trace` and of a collected trace, so no printf either.
 */
#include <stdlib.h>
#include <string.h>

#include "trace.h"

/* Writes at out[len..] what fits in cap, and counts the length always, so
 * that the caller learns how much room the whole text needs. */
typedef struct {
    char *out;
    size_t cap, len;
} writer;

static inline void put(writer *w, const char *s, size_t n) {
    if (w->len + n <= w->cap)
        memcpy(w->out + w->len, s, n);
    else if (w->len < w->cap)
        memcpy(w->out + w->len, s, w->cap - w->len); /* the start of an incomplete text */
    w->len += n;
}

#define PUT_LITERAL(w, s) put((w), (s), sizeof(s) - 1)

/* A non-negative integer in decimal. */
static void put_uint(writer *w, uint64_t v) {
    char digits[20];
    size_t n = sizeof digits;
    do {
        digits[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(w, digits + n, sizeof digits - n);
}

static void put_int(writer *w, int v) {
    if (v < 0) PUT_LITERAL(w, "-");
    put_uint(w, v < 0 ? (uint64_t)-(int64_t)v : (uint64_t)v);
}

/* A non-negative number with three decimals (negative, NaN: 0). */
static void put_fixed3(writer *w, double v) {
    uint64_t thousandths = v > 0 && v < 1e18 ? (uint64_t)(v * 1000 + 0.5) : 0;
    put_uint(w, thousandths / 1000);
    char frac[4] = {'.', (char)('0' + thousandths / 100 % 10), (char)('0' + thousandths / 10 % 10),
                    (char)('0' + thousandths % 10)};
    put(w, frac, 4);
}

/* The escapes of the bytes below 0x80 that a JSON string cannot hold as
 * they are. */
static const char escapes[128][8] = {
    [0x00] = "\\u0000", [0x01] = "\\u0001", [0x02] = "\\u0002", [0x03] = "\\u0003",
    [0x04] = "\\u0004", [0x05] = "\\u0005", [0x06] = "\\u0006", [0x07] = "\\u0007",
    [0x08] = "\\u0008", [0x09] = "\\t",     [0x0A] = "\\n",     [0x0B] = "\\u000b",
    [0x0C] = "\\u000c", [0x0D] = "\\r",     [0x0E] = "\\u000e", [0x0F] = "\\u000f",
    [0x10] = "\\u0010", [0x11] = "\\u0011", [0x12] = "\\u0012", [0x13] = "\\u0013",
    [0x14] = "\\u0014", [0x15] = "\\u0015", [0x16] = "\\u0016", [0x17] = "\\u0017",
    [0x18] = "\\u0018", [0x19] = "\\u0019", [0x1A] = "\\u001a", [0x1B] = "\\u001b",
    [0x1C] = "\\u001c", [0x1D] = "\\u001d", [0x1E] = "\\u001e", [0x1F] = "\\u001f",
    ['"'] = "\\\"",     ['\\'] = "\\\\",    [0x7F] = "\\u007f",
};

/* s as a JSON string literal; invalid UTF-8 becomes U+FFFD (as
 * buf_json_string does). NULL: null. */
static void put_string(writer *w, const char *s) {
    if (!s) {
        PUT_LITERAL(w, "null");
        return;
    }
    const unsigned char *u = (const unsigned char *)s;
    PUT_LITERAL(w, "\"");
    size_t run = 0, i = 0; /* u[run..i) goes out as it is */
    for (;;) {
        unsigned char c = u[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != 0x7F) {
            i++;
            continue;
        }
        if (c == 0) break;
        size_t n = 1;
        const char *esc = NULL;
        if (c < 0x80) {
            esc = escapes[c];
        } else {
            n = utf8_sequence(u + i, strnlen(s + i, 4));
            if (!n) {
                esc = "\xEF\xBF\xBD";
                n = 1;
            }
        }
        if (esc) {
            put(w, s + run, i - run);
            put(w, esc, strlen(esc));
            run = i + n;
        }
        i += n;
    }
    put(w, s + run, i - run);
    PUT_LITERAL(w, "\"");
}

static const char *const openings[] = {
    [ERYX_TRACE_LINE] = "{\"event\":\"line\",\"lineno\":",
    [ERYX_TRACE_CALL] = "{\"event\":\"call\",\"lineno\":",
    [ERYX_TRACE_RETURN] = "{\"event\":\"return\",\"lineno\":",
    [ERYX_TRACE_EXCEPTION] = "{\"event\":\"exception\",\"lineno\":",
    [ERYX_TRACE_CALLBACK_START] = "{\"event\":\"callback_start\",\"lineno\":",
    [ERYX_TRACE_CALLBACK_END] = "{\"event\":\"callback_end\",\"lineno\":",
};

static void put_event(writer *w, const eryx_trace_event *e) {
    unsigned kind = (unsigned)e->kind;
    const char *opening = openings[kind <= ERYX_TRACE_CALLBACK_END ? kind : ERYX_TRACE_LINE];
    put(w, opening, strlen(opening));
    put_int(w, e->lineno);
    switch (e->kind) {
    case ERYX_TRACE_LINE:
        break;
    case ERYX_TRACE_CALL:
    case ERYX_TRACE_RETURN:
        PUT_LITERAL(w, ",\"function\":");
        put_string(w, e->function ? e->function : "");
        break;
    case ERYX_TRACE_EXCEPTION:
        PUT_LITERAL(w, ",\"type\":");
        put_string(w, e->exc_type ? e->exc_type : "");
        PUT_LITERAL(w, ",\"message\":");
        put_string(w, e->exc_message ? e->exc_message : "");
        break;
    case ERYX_TRACE_CALLBACK_START:
        PUT_LITERAL(w, ",\"name\":");
        put_string(w, e->name ? e->name : "");
        PUT_LITERAL(w, ",\"id\":");
        put_uint(w, e->id);
        /* JSON text already: the host checked the arguments (calls.c). */
        PUT_LITERAL(w, ",\"args\":");
        if (e->args_json)
            put(w, e->args_json, strlen(e->args_json));
        else
            PUT_LITERAL(w, "{}");
        break;
    case ERYX_TRACE_CALLBACK_END:
        PUT_LITERAL(w, ",\"name\":");
        put_string(w, e->name ? e->name : "");
        PUT_LITERAL(w, ",\"id\":");
        put_uint(w, e->id);
        PUT_LITERAL(w, ",\"duration_ms\":");
        put_fixed3(w, e->duration_ms);
        PUT_LITERAL(w, ",\"error\":");
        put_string(w, e->error);
        break;
    }
    if (e->task) {
        PUT_LITERAL(w, ",\"task\":");
        put_uint(w, e->task);
    }
    PUT_LITERAL(w, ",\"t_us\":");
    put_fixed3(w, e->t_us);
    PUT_LITERAL(w, "}");
}

size_t eryx_trace_event_format(const eryx_trace_event *event, char *buf, size_t cap) {
    if (!event) {
        if (buf && cap) buf[0] = '\0';
        return 0;
    }
    writer w = {.out = buf, .cap = buf ? cap : 0};
    put_event(&w, event);
    if (w.len < w.cap)
        buf[w.len] = '\0';
    else if (w.cap)
        buf[w.cap - 1] = '\0';
    return w.len;
}

bool trace_event_json(eryx_buf *b, const eryx_trace_event *event) {
    char *room = buf_room(b, ERYX_TRACE_JSON_MAX);
    if (!room) return false;
    size_t len = eryx_trace_event_format(event, room, ERYX_TRACE_JSON_MAX);
    if (len >= ERYX_TRACE_JSON_MAX) {
        /* An event larger than eryx makes (a host's own): format it again
         * with room for all of it. */
        room = buf_room(b, len + 1);
        if (!room) return false;
        eryx_trace_event_format(event, room, len + 1);
    }
    b->len += len;
    return true;
}

char *eryx_trace_event_to_json(const eryx_trace_event *event) {
    if (!event) return NULL;
    eryx_buf b = {0};
    trace_event_json(&b, event);
    return buf_take(&b);
}
