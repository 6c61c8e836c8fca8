/*
 * profile.c - trace events aggregated into a profile (see profile.h).
 */
#include "profile.h"

#include <stdlib.h>
#include <string.h>

#define CALLBACK_SLOTS 32768 /* a power of two above twice PROFILE_MAX_CALLBACKS */
#define MAX_FUNCTIONS  20000 /* distinct function, callback and exception names */
#define FUNCTION_SLOTS 65536 /* a power of two above twice MAX_FUNCTIONS */
#define MAX_EXCEPTIONS 200   /* distinct (line, type) pairs */
#define MAX_DETAIL     400   /* bytes kept of callback arguments, errors, messages */
#define NO_NODE        UINT32_MAX

struct profile *profile_new(const char *source, size_t len) {
    struct profile *p = calloc(1, sizeof *p);
    if (p == NULL) return NULL;
    p->source = source;
    p->source_len = len;
    for (size_t i = 0; i < len; i++)
        p->nlines += source[i] == '\n';
    if (len > 0 && source[len - 1] != '\n') p->nlines++;
    p->lines = calloc(p->nlines + 1, sizeof *p->lines);
    p->nodes = malloc(PROFILE_MAX_NODES * sizeof *p->nodes);
    p->callback_index = malloc(CALLBACK_SLOTS * sizeof *p->callback_index);
    if (p->lines == NULL || p->nodes == NULL || p->callback_index == NULL) {
        profile_free(p);
        return NULL;
    }
    memset(p->callback_index, 0xFF, CALLBACK_SLOTS * sizeof *p->callback_index);
    p->nodes[0] = (struct profile_node){
        .function = UINT32_MAX, .parent = NO_NODE, .first_child = NO_NODE, .next_sibling = NO_NODE};
    p->nnodes = 1;
    return p;
}

void profile_free(struct profile *p) {
    if (p == NULL) return;
    for (size_t i = 0; i < p->nfunctions; i++)
        free(p->functions[i].name);
    for (size_t i = 0; i < p->ncallbacks; i++) {
        free(p->callbacks[i].args);
        free(p->callbacks[i].error);
    }
    for (size_t i = 0; i < p->nexceptions; i++)
        free(p->exceptions[i].message);
    free(p->lines);
    free(p->nodes);
    free(p->functions);
    free(p->function_index);
    free(p->stack);
    free(p->callbacks);
    free(p->callback_index);
    free(p->exceptions);
    free(p);
}

/* At most MAX_DETAIL bytes of s, cut before a UTF-8 continuation byte. */
static char *detail(const char *s) {
    if (s == NULL) return NULL;
    size_t len = strnlen(s, MAX_DETAIL + 1);
    if (len > MAX_DETAIL) {
        len = MAX_DETAIL;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    return strndup(s, len);
}

static size_t name_hash(const char *s) {
    size_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Makes the index of functions by name on first use. */
static int index_functions(struct profile *p) {
    if (p->function_index != NULL) return 0;
    p->function_index = malloc(FUNCTION_SLOTS * sizeof *p->function_index);
    if (p->function_index == NULL) return -1;
    memset(p->function_index, 0xFF, FUNCTION_SLOTS * sizeof *p->function_index);
    return 0;
}

/* The index of the function (or callback, or type) called `name`, added
 * on first sight; UINT32_MAX when the bound is reached or out of memory. */
static uint32_t function_of(struct profile *p, const char *name, int lineno) {
    if (name == NULL) name = "";
    if (index_functions(p) != 0) return UINT32_MAX;
    size_t mask = FUNCTION_SLOTS - 1;
    for (size_t slot = name_hash(name) & mask;; slot = (slot + 1) & mask) {
        uint32_t i = p->function_index[slot];
        if (i == UINT32_MAX) {
            if (p->nfunctions >= MAX_FUNCTIONS) return UINT32_MAX;
            if (p->nfunctions == p->functions_cap) {
                size_t cap = p->functions_cap ? p->functions_cap * 2 : 64;
                struct profile_function *grown = realloc(p->functions, cap * sizeof *grown);
                if (grown == NULL) return UINT32_MAX;
                p->functions = grown;
                p->functions_cap = cap;
            }
            char *copy = strdup(name);
            if (copy == NULL) return UINT32_MAX;
            p->functions[p->nfunctions] = (struct profile_function){copy, lineno};
            p->function_index[slot] = (uint32_t)p->nfunctions;
            return (uint32_t)p->nfunctions++;
        }
        if (strcmp(p->functions[i].name, name) == 0) return i;
    }
}

/* The child of `parent` for `function`, made on first sight (the parent
 * itself once the tree is at its bound). */
static uint32_t child_of(struct profile *p, uint32_t parent, uint32_t function) {
    struct profile_node *nodes = p->nodes;
    for (uint32_t c = nodes[parent].first_child; c != NO_NODE; c = nodes[c].next_sibling) {
        if (nodes[c].function == function) return c;
    }
    if (p->nnodes >= PROFILE_MAX_NODES || function == UINT32_MAX) return parent;
    uint32_t c = (uint32_t)p->nnodes++;
    nodes[c] = (struct profile_node){.function = function,
                                     .parent = parent,
                                     .first_child = NO_NODE,
                                     .next_sibling = nodes[parent].first_child};
    nodes[parent].first_child = c;
    return c;
}

static struct profile_frame *top(struct profile *p) {
    return p->depth > 0 && p->overflow == 0 ? &p->stack[p->depth - 1] : NULL;
}

/* Ends the running stretch of a frame's own time at t: to its line and
 * its node. */
static void own_time(struct profile *p, struct profile_frame *f, uint64_t t) {
    uint64_t d = t - f->self_since;
    if (f->line >= 0) p->lines[f->line].self_ns += d;
    p->nodes[f->node].self_ns += d;
    f->self_since = t;
}

static void leave_line(struct profile *p, struct profile_frame *f, uint64_t t) {
    if (f->line < 0) return;
    struct profile_line *l = &p->lines[f->line];
    if (--l->active == 0) l->total_ns += t - l->outer_start;
    f->line = -1;
}

/* The line's slot: lines outside the source (none, or forged) share 0. */
static int line_slot(const struct profile *p, int lineno) {
    return lineno >= 1 && (size_t)lineno <= p->nlines ? lineno : 0;
}

static void on_line(struct profile *p, int lineno, uint64_t t) {
    int line = line_slot(p, lineno);
    p->lines[line].count++;
    struct profile_frame *f = top(p);
    if (f == NULL) return;
    own_time(p, f, t);
    leave_line(p, f, t);
    struct profile_line *l = &p->lines[line];
    if (l->active++ == 0) l->outer_start = t;
    f->line = line;
}

static void on_call(struct profile *p, const char *function, int lineno, uint64_t t) {
    struct profile_frame *f = top(p);
    if (p->overflow > 0 || p->depth >= PROFILE_MAX_DEPTH) {
        p->overflow++;
        return;
    }
    if (p->depth == p->stack_cap) {
        size_t cap = p->stack_cap ? p->stack_cap * 2 : 256;
        struct profile_frame *grown = realloc(p->stack, cap * sizeof *grown);
        if (grown == NULL) {
            p->failed = 1;
            p->overflow++;
            return;
        }
        p->stack = grown;
        p->stack_cap = cap;
        f = top(p);
    }
    if (f != NULL) own_time(p, f, t);
    uint32_t node = child_of(p, f != NULL ? f->node : 0, function_of(p, function, lineno));
    p->stack[p->depth++] = (struct profile_frame){node, -1, t, t};
}

static void on_return(struct profile *p, uint64_t t) {
    if (p->overflow > 0) {
        p->overflow--;
        return;
    }
    struct profile_frame *f = top(p);
    if (f == NULL) return;
    own_time(p, f, t);
    leave_line(p, f, t);
    p->nodes[f->node].count++;
    p->nodes[f->node].total_ns += t - f->call_ns;
    p->depth--;
    if ((f = top(p)) != NULL) f->self_since = t;
}

static void on_exception(struct profile *p, const eryx_trace_event *e) {
    uint32_t type = function_of(p, e->exc_type, 0);
    for (size_t i = 0; i < p->nexceptions; i++) {
        if (p->exceptions[i].lineno == e->lineno && p->exceptions[i].type == type) {
            p->exceptions[i].count++;
            return;
        }
    }
    if (p->nexceptions >= MAX_EXCEPTIONS) return;
    if (p->exceptions == NULL &&
        (p->exceptions = calloc(MAX_EXCEPTIONS, sizeof *p->exceptions)) == NULL) {
        p->failed = 1;
        return;
    }
    p->exceptions[p->nexceptions++] =
        (struct profile_exception){e->lineno, type, detail(e->exc_message), 1};
}

static uint32_t *callback_slot(struct profile *p, uint32_t id) {
    size_t mask = CALLBACK_SLOTS - 1;
    for (size_t slot = (id * 2654435761u) & mask;; slot = (slot + 1) & mask) {
        uint32_t i = p->callback_index[slot];
        if (i == UINT32_MAX || p->callbacks[i].id == id) return &p->callback_index[slot];
    }
}

static void on_callback_start(struct profile *p, const eryx_trace_event *e, uint64_t t) {
    if (p->ncallbacks >= PROFILE_MAX_CALLBACKS) {
        p->callbacks_dropped++;
        return;
    }
    if (p->callbacks == NULL &&
        (p->callbacks = calloc(PROFILE_MAX_CALLBACKS, sizeof *p->callbacks)) == NULL) {
        p->failed = 1;
        return;
    }
    uint32_t *slot = callback_slot(p, e->id);
    if (*slot != UINT32_MAX) return; /* an id seen before: not ours to pair */
    *slot = (uint32_t)p->ncallbacks;
    p->callbacks[p->ncallbacks++] = (struct profile_callback){
        .id = e->id,
        .task = e->task,
        .lineno = e->lineno,
        .function = function_of(p, e->name, 0),
        .args = detail(e->args_json),
        .start_ns = t,
    };
}

static void on_callback_end(struct profile *p, const eryx_trace_event *e) {
    if (p->callbacks == NULL) return;
    uint32_t i = *callback_slot(p, e->id);
    if (i == UINT32_MAX || p->callbacks[i].done) return;
    struct profile_callback *c = &p->callbacks[i];
    c->done = 1;
    c->duration_ms = e->duration_ms;
    c->error = detail(e->error);
}

void profile_finish(struct profile *p) {
    while (p->depth > 0 || p->overflow > 0)
        on_return(p, p->last_ns);
}

void profile_add(struct profile *p, const eryx_trace_event *events, size_t count) {
    for (size_t i = 0; i < count; i++) {
        const eryx_trace_event *e = &events[i];
        uint64_t t = e->t_us > 0 ? (uint64_t)(e->t_us * 1e3 + 0.5) : 0;
        if (t < p->last_ns) t = p->last_ns; /* times never go back */
        p->last_ns = t;
        p->events++;
        switch (e->kind) {
        case ERYX_TRACE_LINE:
            on_line(p, e->lineno, t);
            break;
        case ERYX_TRACE_CALL:
            on_call(p, e->function, e->lineno, t);
            break;
        case ERYX_TRACE_RETURN:
            on_return(p, t);
            break;
        case ERYX_TRACE_EXCEPTION:
            on_exception(p, e);
            break;
        case ERYX_TRACE_CALLBACK_START:
            on_callback_start(p, e, t);
            break;
        case ERYX_TRACE_CALLBACK_END:
            on_callback_end(p, e);
            break;
        }
    }
}
