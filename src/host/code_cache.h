/*
 * code_cache.h - the compiled code of the sources a stateless sandbox ran,
 * kept by the host so that running the same source again skips compile().
 *
 * Every execution of a stateless sandbox starts from the same state, so the
 * guest runtime's first steps (before any user code) are the template's own:
 * the code it compiles for a source then, marshaled, is what every later
 * execution of that source would compile. The host takes that offer only
 * once per execution, and only after the runtime asked for the source and
 * found nothing: a later offer (user code calling the import) is ignored.
 */
#ifndef ERYX_CODE_CACHE_H
#define ERYX_CODE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What is kept: at most this many sources, each up to SOURCE_MAX bytes,
 * sources and code together up to BYTES; the oldest entries make room. */
#define CODE_CACHE_ENTRIES    16
#define CODE_CACHE_SOURCE_MAX (256u * 1024u)
#define CODE_CACHE_BYTES      (4u * 1024u * 1024u)

typedef struct {
    char *source; /* NULL: empty slot */
    size_t source_len;
    int mode; /* compile mode (interactive or not) */
    uint8_t *code;
    size_t code_len;
} code_entry;

typedef struct {
    code_entry entries[CODE_CACHE_ENTRIES];
    unsigned next; /* the slot the next entry replaces */
    size_t bytes;  /* sources and code kept */
} code_cache;

typedef enum {
    CODE_OPEN,   /* the runtime has not asked yet */
    CODE_HIT,    /* it asked and got `hit` */
    CODE_MISSED, /* it asked and found nothing: its offer is taken */
    CODE_CLOSED, /* nothing more is taken */
} code_phase;

/* One execution's use of the cache. */
typedef struct {
    code_cache *cache;
    const char *source;
    size_t source_len;
    int mode;
    const code_entry *hit;
    code_phase phase;
} code_exec;

/* Whether a source of len bytes can be cached. */
bool code_cache_fits(size_t len);

/* Starts an execution of source (len bytes, compile mode `mode`). */
void code_exec_begin(code_exec *x, code_cache *cache, const char *source, size_t len, int mode);

/* The code kept for the execution's source (NULL, 0: none); the first
 * call settles whether the execution's offer will be taken. */
const uint8_t *code_exec_get(code_exec *x, size_t *len);

/* The runtime's offer of compiled code for the execution's source. */
void code_exec_put(code_exec *x, const uint8_t *code, size_t len);

void code_cache_free(code_cache *cache);

#endif
