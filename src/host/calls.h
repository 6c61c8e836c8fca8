/*
 * calls.h - host callbacks: the registry a configuration holds, and the
 * invocations of one sandbox.
 *
 * An invocation starts on the guest thread (callback_start import), the
 * host's handler completes it then or later from any thread, and the guest
 * collects completions while its event loop waits (callback_wait/next).
 * The eryx_call the handler gets is a handle, checked on every use (see
 * calls.c): it dies when the call is completed or its execution ends, and
 * using it afterwards is a harmless ERYX_EINVAL.
 *
 * Bounds, per execution (eryx.h): ERYX_CALLS_PENDING_MAX invocations in
 * flight (started and not yet taken by the guest), and completions waiting
 * for the guest held up to a byte budget (the memory limit, at most 1 GiB);
 * a result beyond it reaches the guest as an error instead.
 */
#ifndef ERYX_CALLS_H
#define ERYX_CALLS_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "eryx.h"

/* Most bytes of completions held for the guest of one execution: its
 * memory limit, at most this (sandbox.c). */
#define CALL_RESULTS_MAX ((size_t)1 << 30)

/* Longest callback name (dotted identifiers). */
#define CALLBACK_NAME_MAX 200

typedef struct {
    char *name, *description, *schema; /* schema: JSON text, "{}" when none */
    eryx_callback_fn fn;
    void *userdata;
} callback_def;

typedef struct {
    callback_def *items;
    size_t count;
} callback_set;

/* Adds a callback (strings copied). ERYX_EINVAL for a bad or duplicate name
 * or a schema that is not a JSON object. */
eryx_status callback_set_add(callback_set *set, const char *name, const char *description,
                             const char *schema, eryx_callback_fn fn, void *userdata);

/* Deep copy; -1 when out of memory (dst is then empty). */
int callback_set_copy(callback_set *dst, const callback_set *src);

void callback_set_free(callback_set *set);

/* The list_callbacks() JSON array. NULL when out of memory. */
char *callback_set_json(const callback_set *set);

/* Completion status as the guest sees it. */
enum { CALL_OK = 0, CALL_ERROR = 1, CALL_TIMEOUT = 2 };
/* Refusals of callback_start (negative ids); src/guest/eryx_runtime.py
 * has their messages. */
enum {
    CALL_UNKNOWN = -1,
    CALL_LIMIT = -2,            /* max_callbacks reached */
    CALL_STOPPING = -3,         /* out of memory, or the sandbox is stopping */
    CALL_BAD_ARGS = -4,         /* the arguments are not one JSON object */
    CALL_ARGS_TOO_LARGE = -5,   /* more than ERYX_CALLBACK_ARGS_MAX bytes */
    CALL_TOO_MANY_PENDING = -6, /* ERYX_CALLS_PENDING_MAX in flight */
};

typedef struct call_hub call_hub;

/* One completed invocation, taken by the guest. */
typedef struct {
    uint32_t id;
    int status;
    char *payload; /* result JSON, or the error message */
    size_t len;
    char name[CALLBACK_NAME_MAX + 1];
    int lineno; /* of the line that awaited it */
    double duration_ms;
} call_done;

/* A hub for one sandbox. NULL when out of memory. */
call_hub *call_hub_new(void);

/* The sandbox is gone: its calls die (later completions are refused) and
 * the hub is freed. */
void call_hub_detach(call_hub *hub);

/* Starts a new execution: forgets everything of the last one. `budget`:
 * most bytes of completions held for the guest. */
void call_hub_begin(call_hub *hub, double timeout_s, uint32_t max_calls, size_t budget);

/* Ends the execution: its calls die, their completions are dropped.
 * Returns the number of invocations it made. */
uint64_t call_hub_end(call_hub *hub);

/* Told an invocation's id before its handler is called; false refuses it. */
typedef bool (*call_started_fn)(void *arg, int32_t id);

/* Invokes `def` with the arguments' JSON text (guest thread). Returns the
 * invocation id (> 0) or a refusal. Calls started(arg, id) (if not NULL),
 * then the handler, before returning; when started refuses, the handler is
 * not called and the result is CALL_STOPPING. */
int32_t call_hub_start(call_hub *hub, const callback_def *def, const char *args_json, int lineno,
                       call_started_fn started, void *arg);

/* Wakes a guest thread blocked in call_hub_wait (any thread). */
void call_hub_wake(call_hub *hub);

/* Blocks the guest thread until a completion is ready, timeout_ns passes
 * (< 0: no limit), or *stop becomes non-zero. Invocations past their
 * callback timeout complete with CALL_TIMEOUT meanwhile. Returns the
 * number of completions ready. */
int call_hub_wait(call_hub *hub, int64_t timeout_ns, const _Atomic int *stop);

/* Takes the oldest completion into *out (the caller frees out->payload
 * with free). False when there is none. */
bool call_hub_take(call_hub *hub, call_done *out);

/* Length of the oldest completion's payload, or -1 when there is none. */
int64_t call_hub_peek(call_hub *hub);

#endif
