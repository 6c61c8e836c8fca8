/*
 * profile.h - `eryx run --profile REPORT.html`: trace events aggregated as
 * they come (profile.c) into per-line counts and times, a call tree of the
 * user's functions and the callback invocations, then written as one
 * self-contained HTML page (profile_report.c).
 *
 * Times come from the events' t_us. A line's self time runs from its line
 * event to the next event of its frame, less the time in the user's
 * functions it called; its total time includes them, counted once when the
 * line is on the stack several times (recursion). Library code called from
 * a line is not traced: it is part of the line's self time.
 */
#ifndef ERYX_CLI_PROFILE_H
#define ERYX_CLI_PROFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "eryx.h"

/* Bounds of what a profile keeps, so that its memory and the report stay
 * small whatever the program does; beyond them events are still counted. */
#define PROFILE_MAX_DEPTH     100000 /* frames tracked on the stack */
#define PROFILE_MAX_NODES     20000  /* nodes of the call tree */
#define PROFILE_MAX_CALLBACKS 10000  /* invocations on the timeline */

/* ---- what profile.c gathers for profile_report.c ---- */

struct profile_line {
    uint64_t count, self_ns, total_ns;
    uint64_t outer_start; /* when the outermost of its `active` runs began */
    uint32_t active;      /* frames of the stack now on this line */
};

/* A node of the call tree: a function called along one path of calls. */
struct profile_node {
    uint32_t function; /* index in functions */
    uint32_t parent, first_child, next_sibling;
    uint64_t count, total_ns, self_ns;
};

struct profile_function {
    char *name;
    int lineno; /* of its first call event */
};

struct profile_frame {
    uint32_t node;
    int line; /* the line running now, -1 before the first */
    uint64_t call_ns, self_since;
};

struct profile_callback {
    uint32_t id, task;
    int lineno;
    uint32_t function; /* the callback's name, among functions */
    char *args, *error;
    uint64_t start_ns;
    double duration_ms;
    int done; /* its callback_end came */
};

struct profile_exception {
    int lineno;
    uint32_t type; /* the type's name, among functions */
    char *message; /* the first one's */
    uint64_t count;
};

struct profile {
    const char *source;
    size_t source_len;
    size_t nlines; /* lines[1..nlines] are the source's; lines[0] any other */
    struct profile_line *lines;
    struct profile_node *nodes; /* nodes[0]: the root, every top-level call under it */
    size_t nnodes;
    struct profile_function *functions;
    size_t nfunctions, functions_cap;
    uint32_t *function_index; /* open addressing over functions, by name */
    struct profile_frame *stack;
    size_t depth, stack_cap, overflow; /* overflow: frames deeper than the bound */
    struct profile_callback *callbacks;
    size_t ncallbacks, callbacks_dropped;
    uint32_t *callback_index; /* by id */
    struct profile_exception *exceptions;
    size_t nexceptions;
    uint64_t events, last_ns;
    int failed; /* out of memory: the report says it is incomplete */
};

/* A profile of `source` (len bytes; its lines are the report's). NULL
 * when out of memory. */
struct profile *profile_new(const char *source, size_t len);

void profile_free(struct profile *p);

/* Adds events in the order they happened. */
void profile_add(struct profile *p, const eryx_trace_event *events, size_t count);

/* Ends the frames still open (an execution cut short) at the last event. */
void profile_finish(struct profile *p);

/* Writes the report of the run to `f`, which it closes: `title` names the
 * program, `result` (may be NULL) gives its output, error and stats.
 * Returns 0 or an errno. */
int profile_write_report(struct profile *p, FILE *f, const char *title, const eryx_result *result);

#endif
