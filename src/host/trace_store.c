/*
 * trace_store.c - collected trace events (see trace_store.h).
 */
#include "trace_store.h"

#include <stdlib.h>
#include <string.h>

#include "trace.h"

enum { FIRST_BLOCK = 64 * 1024, LARGEST_BLOCK = 4 * 1024 * 1024, NAME_PROBES = 8 };

/* A copy of s (len bytes and a NUL) in the arena, or NULL when out of
 * memory. */
static const char *arena_copy(trace_store *s, const char *str, size_t len) {
    if (!s->nblocks || len + 1 > s->block_size - s->block_used) {
        size_t size = s->block_size ? s->block_size * 2 : FIRST_BLOCK;
        if (size > LARGEST_BLOCK) size = LARGEST_BLOCK;
        if (size < len + 1) size = len + 1;
        char **blocks = realloc(s->blocks, (s->nblocks + 1) * sizeof *blocks);
        if (!blocks) return NULL;
        s->blocks = blocks;
        if (!(blocks[s->nblocks] = malloc(size))) return NULL;
        s->nblocks++;
        s->block_size = size;
        s->block_used = 0;
    }
    char *copy = s->blocks[s->nblocks - 1] + s->block_used;
    memcpy(copy, str, len);
    copy[len] = '\0';
    s->block_used += len + 1;
    return copy;
}

static size_t name_hash(const char *name) {
    size_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

/* A string to store: its text, and where the store found it already. */
typedef struct {
    const char *text;
    size_t len;
    const char *stored; /* an equal name stored before, or NULL */
    size_t slot;        /* a free slot of the name table for it, or TRACE_NAMES */
} pending;

/* Looks `name` up among the stored names (a function or type name, which
 * many events repeat). */
static pending pending_name(trace_store *s, const char *name) {
    pending p = {.text = name, .slot = TRACE_NAMES};
    if (!name) return p;
    p.len = strlen(name);
    if (!s->names && !(s->names = calloc(TRACE_NAMES, sizeof *s->names))) return p;
    size_t h = name_hash(name);
    for (size_t i = 0; i < NAME_PROBES; i++) {
        size_t slot = (h + i) % TRACE_NAMES;
        const char *seen = s->names[slot];
        if (!seen) {
            p.slot = slot;
            break;
        }
        if (!strcmp(seen, name)) {
            p.stored = seen;
            break;
        }
    }
    return p;
}

static pending pending_text(const char *text) {
    return (pending){.text = text, .len = text ? strlen(text) : 0, .slot = TRACE_NAMES};
}

static size_t cost(const pending *p) {
    return p->text && !p->stored ? p->len + 1 : 0;
}

/* Stores p (NULL stays NULL); false when out of memory. */
static bool store(trace_store *s, pending *p, const char **out) {
    if (!p->text) {
        *out = NULL;
        return true;
    }
    if (!p->stored) {
        p->stored = arena_copy(s, p->text, p->len);
        if (!p->stored) return false;
        if (p->slot < TRACE_NAMES && !s->names[p->slot]) s->names[p->slot] = p->stored;
    }
    *out = p->stored;
    return true;
}

/* A place for one more event, or NULL when out of memory. */
static eryx_trace_event *next_slot(trace_store *s) {
    if (s->count / TRACE_CHUNK_EVENTS == s->nchunks) {
        eryx_trace_event **chunks = realloc(s->chunks, (s->nchunks + 1) * sizeof *chunks);
        if (!chunks) return NULL;
        s->chunks = chunks;
        if (!(chunks[s->nchunks] = malloc(TRACE_CHUNK_EVENTS * sizeof **chunks))) return NULL;
        s->nchunks++;
    }
    return &s->chunks[s->count / TRACE_CHUNK_EVENTS][s->count % TRACE_CHUNK_EVENTS];
}

/* An event without strings (lines, most of a trace): a copy. */
static bool add_plain(trace_store *s, const eryx_trace_event *e) {
    if (sizeof *e > ERYX_TRACE_COLLECT_BYTES - s->bytes) return false;
    eryx_trace_event *slot = next_slot(s);
    if (!slot) return false;
    *slot = *e;
    s->count++;
    s->bytes += sizeof *e;
    return true;
}

static bool add_one(trace_store *s, const eryx_trace_event *e) {
    if (s->count >= ERYX_TRACE_COLLECT_MAX) return false;
    if (!e->function && !e->exc_type && !e->exc_message && !e->name && !e->args_json && !e->error)
        return add_plain(s, e);
    /* A call or return of the same function as the last: its stored name. */
    if (e->function && s->last_function && !strcmp(e->function, s->last_function) && !e->exc_type &&
        !e->exc_message && !e->name && !e->args_json && !e->error) {
        eryx_trace_event copy = *e;
        copy.function = s->last_function;
        return add_plain(s, &copy);
    }
    pending function = pending_name(s, e->function), type = pending_name(s, e->exc_type),
            name = pending_name(s, e->name), message = pending_text(e->exc_message),
            args = pending_text(e->args_json), error = pending_text(e->error);
    size_t need = sizeof *e + cost(&function) + cost(&type) + cost(&name) + cost(&message) +
                  cost(&args) + cost(&error);
    if (need > ERYX_TRACE_COLLECT_BYTES - s->bytes) return false;
    eryx_trace_event *slot = next_slot(s);
    if (!slot) return false;
    eryx_trace_event copy = *e;
    if (!store(s, &function, &copy.function) || !store(s, &type, &copy.exc_type) ||
        !store(s, &name, &copy.name) || !store(s, &message, &copy.exc_message) ||
        !store(s, &args, &copy.args_json) || !store(s, &error, &copy.error)) {
        return false;
    }
    *slot = copy;
    if (copy.function) s->last_function = copy.function;
    s->count++;
    s->bytes += need;
    return true;
}

void trace_store_add(trace_store *s, const eryx_trace_event *events, size_t count) {
    /* Once one is left out, so are all later ones: no gaps in the middle. */
    for (size_t i = 0; i < count && !s->truncated; i++)
        s->truncated = !add_one(s, &events[i]);
}

const eryx_trace_event *trace_store_get(const trace_store *s, size_t i) {
    return i < s->count ? &s->chunks[i / TRACE_CHUNK_EVENTS][i % TRACE_CHUNK_EVENTS] : NULL;
}

void trace_store_json(eryx_buf *b, const trace_store *s) {
    if (!s->on) return;
    buf_puts(b, ", \"trace\": [");
    for (size_t i = 0; i < s->count; i++) {
        if (i) buf_append(b, ", ", 2);
        trace_event_json(b, trace_store_get(s, i));
    }
    buf_puts(b, "]");
    if (s->truncated) buf_puts(b, ", \"trace_truncated\": true");
}

void trace_store_free(trace_store *s) {
    for (size_t i = 0; i < s->nchunks; i++)
        free(s->chunks[i]);
    for (size_t i = 0; i < s->nblocks; i++)
        free(s->blocks[i]);
    free(s->chunks);
    free(s->blocks);
    free(s->names);
    *s = (trace_store){0};
}
