/*
 * trace_store.h - the trace events collected into a result, within
 * ERYX_TRACE_COLLECT_MAX events and ERYX_TRACE_COLLECT_BYTES bytes.
 *
 * Events are kept in fixed chunks (they never move, so pointers to them
 * stay valid), their strings in an arena of large blocks, and a function or
 * type name that many events repeat is stored once: collecting an event
 * costs a copy, not an allocation.
 */
#ifndef ERYX_TRACE_STORE_H
#define ERYX_TRACE_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "eryx.h"

#define TRACE_CHUNK_EVENTS 4096
#define TRACE_NAMES        1024 /* slots of the table of stored names */

struct trace_store {
    bool on;        /* collection was asked for: the JSON has "trace" */
    bool truncated; /* events were left out (a bound, or no memory) */
    size_t count;
    size_t bytes; /* counted against ERYX_TRACE_COLLECT_BYTES */
    eryx_trace_event **chunks;
    size_t nchunks;
    char **blocks; /* the arena; blocks[nblocks - 1] is being filled */
    size_t nblocks, block_used, block_size;
    const char **names;        /* TRACE_NAMES stored names, by hash; NULL until needed */
    const char *last_function; /* the stored name of the last call or return */
};
typedef struct trace_store trace_store;

/* Copies `count` events into the store (strings too), or marks it
 * truncated from the first that does not fit. */
void trace_store_add(trace_store *s, const eryx_trace_event *events, size_t count);

/* Event i, or NULL when out of range. */
const eryx_trace_event *trace_store_get(const trace_store *s, size_t i);

/* Appends "trace": [...] (and "trace_truncated") to a result's JSON when
 * collection was on: `, "trace": [...]`. */
void trace_store_json(eryx_buf *b, const trace_store *s);

/* Frees what the store holds. */
void trace_store_free(trace_store *s);

#endif
