/*
 * trace_json.c - trace events as one-line JSON objects, written into a
 * caller's buffer without allocating: it runs for every event of
 * `eryx run --trace` and of a collected trace, so no printf either.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

/* Writes at out[len..] what fits in cap, and counts the length always, so
 * that the caller learns how much room the whole text needs. The formatter
 * is compiled twice (put_event): checking every write against cap, and,
 * for a buffer known to be large enough for the event (room_for), without
 * any check, which is the case of nearly every event. */
typedef struct {
    char *out;
    size_t cap, len;
} writer;

#define INLINE static inline __attribute__((always_inline))

INLINE void put(writer *w, bool checked, const char *s, size_t n) {
    if (!checked || w->len + n <= w->cap)
        memcpy(w->out + w->len, s, n);
    else if (w->len < w->cap)
        memcpy(w->out + w->len, s, w->cap - w->len); /* the start of an incomplete text */
    w->len += n;
}

#define PUT_LITERAL(w, checked, s) put((w), (checked), (s), sizeof(s) - 1)

/* The number of decimal digits of v. */
INLINE size_t decimal_digits(uint64_t v) {
    size_t n = 1;
    while (v >= 10000) {
        v /= 10000;
        n += 4;
    }
    return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
                                     "25262728293031323334353637383940414243444546474849"
                                     "50515253545556575859606162636465666768697071727374"
                                     "75767778798081828384858687888990919293949596979899";

/* The digits of v (< 10^20) ending at `end`, written backwards two at a
 * time; returns where they start. */
INLINE char *digits_before(char *end, uint64_t v) {
    while (v >= 100) {
        end -= 2;
        memcpy(end, digit_pairs + 2 * (v % 100), 2);
        v /= 100;
    }
    if (v >= 10) {
        end -= 2;
        memcpy(end, digit_pairs + 2 * v, 2);
    } else {
        *--end = (char)('0' + v);
    }
    return end;
}

/* v in decimal at p; returns the end. */
INLINE char *uint_at(char *p, uint64_t v) {
    char *end = p + decimal_digits(v);
    digits_before(end, v);
    return end;
}

/* A non-negative integer in decimal, its digits written in place (no
 * scratch to copy: that would stall on store forwarding). */
INLINE void put_uint(writer *w, bool checked, uint64_t v) {
    size_t len = decimal_digits(v);
    char scratch[20];
    bool direct = !checked || w->len + len <= w->cap;
    digits_before((direct ? w->out + w->len : scratch) + len, v);
    if (direct)
        w->len += len;
    else
        put(w, checked, scratch, len);
}

INLINE void put_int(writer *w, bool checked, int v) {
    if (v < 0) PUT_LITERAL(w, checked, "-");
    put_uint(w, checked, v < 0 ? (uint64_t)-(int64_t)v : (uint64_t)v);
}

/* v rounded to thousandths (negative, NaN, 10^15 and above: 0). */
INLINE uint64_t thousandths_of(double v) {
    return v > 0 && v < 1e15 ? (uint64_t)(int64_t)(v * 1000 + 0.5) : 0;
}

/* A non-negative number with three decimals (negative, NaN: 0). */
INLINE void put_fixed3(writer *w, bool checked, double v) {
    uint64_t thousandths = thousandths_of(v);
    put_uint(w, checked, thousandths / 1000);
    unsigned frac = (unsigned)(thousandths % 1000);
    char text[4] = {'.', (char)('0' + frac / 100), (char)('0' + frac / 10 % 10),
                    (char)('0' + frac % 10)};
    put(w, checked, text, 4);
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

INLINE bool plain_json_char(unsigned char c) {
    return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

/* s as a JSON string literal; invalid UTF-8 becomes U+FFFD (as
 * buf_json_string does). NULL: "". Unchecked, the bytes are copied as they
 * are scanned (names are short: a memcpy call per run costs more); checked,
 * runs of plain bytes go out with put, which cuts them at cap. */
INLINE void put_string(writer *w, bool checked, const char *s) {
    if (!s) s = "";
    const unsigned char *u = (const unsigned char *)s;
    PUT_LITERAL(w, checked, "\"");
    size_t run = 0, i = 0; /* checked: u[run..i) goes out as it is */
    for (;;) {
        unsigned char c = u[i];
        if (plain_json_char(c)) {
            if (!checked) w->out[w->len++] = (char)c;
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
        if (checked && esc) put(w, checked, s + run, i - run);
        if (esc)
            put(w, checked, esc, strlen(esc));
        else if (!checked)
            put(w, checked, s + i, n);
        if (esc || !checked) run = i + n;
        i += n;
    }
    if (checked) put(w, checked, s + run, i - run);
    PUT_LITERAL(w, checked, "\"");
}

static void put_error(writer *w, bool checked, const char *error) {
    if (error)
        put_string(w, checked, error);
    else
        PUT_LITERAL(w, checked, "null");
}

/* The start of each kind's object, padded so that it can be copied with a
 * fixed size when unchecked. */
typedef struct {
    char text[48];
    size_t len;
} opening;

#define OPENING(kind)                                                                              \
    {"{\"event\":\"" kind "\",\"lineno\":", sizeof "{\"event\":\"" kind "\",\"lineno\":" - 1}
static const opening openings[] = {
    [ERYX_TRACE_LINE] = OPENING("line"),
    [ERYX_TRACE_CALL] = OPENING("call"),
    [ERYX_TRACE_RETURN] = OPENING("return"),
    [ERYX_TRACE_EXCEPTION] = OPENING("exception"),
    [ERYX_TRACE_CALLBACK_START] = OPENING("callback_start"),
    [ERYX_TRACE_CALLBACK_END] = OPENING("callback_end"),
};

INLINE void put_event(writer *w, bool checked, const eryx_trace_event *e) {
    unsigned kind = (unsigned)e->kind;
    const opening *o = &openings[kind <= ERYX_TRACE_CALLBACK_END ? kind : ERYX_TRACE_LINE];
    if (checked) {
        put(w, checked, o->text, o->len);
    } else {
        memcpy(w->out + w->len, o->text, sizeof o->text);
        w->len += o->len;
    }
    put_int(w, checked, e->lineno);
    switch (e->kind) {
    case ERYX_TRACE_LINE:
        break;
    case ERYX_TRACE_CALL:
    case ERYX_TRACE_RETURN:
        PUT_LITERAL(w, checked, ",\"function\":");
        put_string(w, checked, e->function);
        break;
    case ERYX_TRACE_EXCEPTION:
        PUT_LITERAL(w, checked, ",\"type\":");
        put_string(w, checked, e->exc_type);
        PUT_LITERAL(w, checked, ",\"message\":");
        put_string(w, checked, e->exc_message);
        break;
    case ERYX_TRACE_CALLBACK_START:
        PUT_LITERAL(w, checked, ",\"name\":");
        put_string(w, checked, e->name);
        PUT_LITERAL(w, checked, ",\"id\":");
        put_uint(w, checked, e->id);
        /* JSON text already: the host checked the arguments (calls.c). */
        PUT_LITERAL(w, checked, ",\"args\":");
        if (e->args_json)
            put(w, checked, e->args_json, strlen(e->args_json));
        else
            PUT_LITERAL(w, checked, "{}");
        break;
    case ERYX_TRACE_CALLBACK_END:
        PUT_LITERAL(w, checked, ",\"name\":");
        put_string(w, checked, e->name);
        PUT_LITERAL(w, checked, ",\"id\":");
        put_uint(w, checked, e->id);
        PUT_LITERAL(w, checked, ",\"duration_ms\":");
        put_fixed3(w, checked, e->duration_ms);
        PUT_LITERAL(w, checked, ",\"error\":");
        put_error(w, checked, e->error);
        break;
    }
    if (e->task) {
        PUT_LITERAL(w, checked, ",\"task\":");
        put_uint(w, checked, e->task);
    }
    PUT_LITERAL(w, checked, ",\"t_us\":");
    put_fixed3(w, checked, e->t_us);
    PUT_LITERAL(w, checked, "}");
}

static void put_event_checked(writer *w, const eryx_trace_event *e) {
    put_event(w, true, e);
}

/* The events of a running program, nearly all of them: line, call and
 * return of a function with a plain ASCII name, outside tasks or in one,
 * with the room known to be there: the same text as put_event, with a
 * cursor instead of the writer. NULL: not such an event (what was written
 * is to be overwritten). */
static char *put_common_event(char *p, const eryx_trace_event *e) {
    unsigned kind = (unsigned)e->kind;
    if (kind > ERYX_TRACE_RETURN || e->lineno < 0) return NULL;
    const char *name = e->function;
    char *start = p;
    memcpy(p, openings[kind].text, sizeof openings[kind].text);
    p = uint_at(p + openings[kind].len, (uint64_t)e->lineno);
    if (kind != ERYX_TRACE_LINE) {
        static const char function[] = ",\"function\":\"";
        memcpy(p, function, sizeof function - 1);
        p += sizeof function - 1;
        for (const unsigned char *u = (const unsigned char *)(name ? name : ""); *u; u++) {
            if (!plain_json_char(*u) || p - start > 200) return NULL;
            *p++ = (char)*u;
        }
        *p++ = '"';
    }
    if (e->task) {
        memcpy(p, ",\"task\":", 8);
        p = uint_at(p + 8, e->task);
    }
    memcpy(p, ",\"t_us\":", 8);
    p += 8;
    uint64_t thousandths = thousandths_of(e->t_us);
    unsigned frac = (unsigned)(thousandths % 1000);
    p = uint_at(p, thousandths / 1000);
    p[0] = '.';
    p[1] = (char)('0' + frac / 100);
    memcpy(p + 2, digit_pairs + 2 * (frac % 100), 2);
    p[4] = '}';
    return p + 5;
}

static void put_event_unchecked(writer *w, const eryx_trace_event *e) {
    put_event(w, false, e);
}

/* A short string's length, inline: the names in events are a few bytes. */
INLINE size_t short_strlen(const char *s) {
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Bytes that are enough for the event's JSON, scratch of put_uint
 * included: the fixed parts and numbers, and each string byte escaped. */
static size_t room_for(const eryx_trace_event *e) {
    size_t room = 256;
    const char *strings[] = {e->function, e->exc_type, e->exc_message, e->name, e->error};
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
        if (strings[i]) room += 6 * short_strlen(strings[i]);
    return e->args_json ? room + strlen(e->args_json) : room;
}

size_t eryx_trace_event_format(const eryx_trace_event *event, char *buf, size_t cap) {
    if (!event) {
        if (buf && cap) buf[0] = '\0';
        return 0;
    }
    /* Room for any common event: its fixed parts and a name of 200 bytes. */
    if (buf && cap >= 512) {
        char *end = put_common_event(buf, event);
        if (end) {
            *end = '\0';
            return (size_t)(end - buf);
        }
    }
    writer w = {.out = buf, .cap = buf ? cap : 0};
    if (w.cap > 256 && w.cap >= room_for(event))
        put_event_unchecked(&w, event);
    else
        put_event_checked(&w, event);
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
