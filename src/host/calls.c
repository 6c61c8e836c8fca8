/*
 * calls.c - host callbacks: registry, invocations, completions.
 */
#include "calls.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "json.h"

/* ---- the registry ---- */

static bool is_identifier(const char *s, size_t len) {
    if (len == 0 || (s[0] >= '0' && s[0] <= '9')) return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9'))) {
            return false;
        }
    }
    return true;
}

/* Python's keywords cannot be attribute or global names. */
static bool is_keyword(const char *s, size_t len) {
    static const char *const keywords[] = {
        "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
        "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
        "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
        "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield",
    };
    for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++) {
        if (strlen(keywords[i]) == len && !memcmp(keywords[i], s, len)) return true;
    }
    return false;
}

/* "name" or "dotted.name": identifiers joined by single dots. */
static bool valid_name(const char *name) {
    if (!name || strlen(name) > 200) return false;
    const char *part = name;
    for (;;) {
        const char *dot = strchr(part, '.');
        size_t len = dot ? (size_t)(dot - part) : strlen(part);
        if (!is_identifier(part, len) || is_keyword(part, len)) return false;
        if (!dot) return true;
        part = dot + 1;
    }
}

static bool is_json_object(const char *text) {
    size_t len = strlen(text);
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
        i++;
    return i < len && text[i] == '{' && json_valid(text, len);
}

eryx_status callback_set_add(callback_set *set, const char *name, const char *description,
                             const char *schema, eryx_callback_fn fn, void *userdata) {
    if (!fn || !valid_name(name) || (schema && !is_json_object(schema))) return ERYX_EINVAL;
    for (size_t i = 0; i < set->count; i++) {
        if (!strcmp(set->items[i].name, name)) return ERYX_EINVAL;
    }
    callback_def *items = realloc(set->items, (set->count + 1) * sizeof *items);
    if (!items) return ERYX_ENOMEM;
    set->items = items;
    callback_def *d = &items[set->count];
    *d = (callback_def){
        .name = strdup(name),
        .description = strdup(description ? description : ""),
        .schema = strdup(schema ? schema : "{}"),
        .fn = fn,
        .userdata = userdata,
    };
    if (!d->name || !d->description || !d->schema) {
        free(d->name);
        free(d->description);
        free(d->schema);
        return ERYX_ENOMEM;
    }
    set->count++;
    return ERYX_OK;
}

int callback_set_copy(callback_set *dst, const callback_set *src) {
    *dst = (callback_set){0};
    for (size_t i = 0; i < src->count; i++) {
        const callback_def *d = &src->items[i];
        if (callback_set_add(dst, d->name, d->description, d->schema, d->fn, d->userdata)) {
            callback_set_free(dst);
            return -1;
        }
    }
    return 0;
}

void callback_set_free(callback_set *set) {
    for (size_t i = 0; i < set->count; i++) {
        free(set->items[i].name);
        free(set->items[i].description);
        free(set->items[i].schema);
    }
    free(set->items);
    *set = (callback_set){0};
}

char *callback_set_json(const callback_set *set) {
    eryx_buf b = {0};
    buf_puts(&b, "[");
    for (size_t i = 0; i < set->count; i++) {
        const callback_def *d = &set->items[i];
        buf_puts(&b, i ? ", {\"name\": " : "{\"name\": ");
        buf_json_string(&b, d->name, strlen(d->name));
        buf_puts(&b, ", \"description\": ");
        buf_json_string(&b, d->description, strlen(d->description));
        buf_printf(&b, ", \"parameters_schema\": %s}", d->schema);
    }
    buf_puts(&b, "]");
    return buf_take(&b);
}

/* ---- invocations ---- */

typedef struct completion {
    struct completion *next;
    call_done done;
} completion;

struct eryx_call {
    atomic_int refs; /* the handler's side and the hub's pending list */
    call_hub *hub;   /* counted reference */
    uint32_t id;
    uint64_t generation; /* execution it belongs to */
    uint64_t start_ns, deadline_ns;
    int lineno;
    bool finished; /* completed, failed or timed out (under hub->lock) */
    char *name;
    eryx_call *next_pending;
};

struct call_hub {
    atomic_int refs; /* the sandbox's, plus one per live call */
    pthread_mutex_t lock;
    pthread_cond_t ready;
    bool detached;
    uint64_t generation;
    uint32_t next_id, started, max_calls;
    uint64_t timeout_ns;
    eryx_call *pending; /* started, not finished */
    completion *head, *tail;
};

call_hub *call_hub_new(void) {
    call_hub *hub = calloc(1, sizeof *hub);
    if (!hub) return NULL;
    atomic_init(&hub->refs, 1);
    pthread_mutex_init(&hub->lock, NULL);
    monotonic_cond_init(&hub->ready);
    return hub;
}

static void drop_completions(call_hub *hub) {
    for (completion *c = hub->head, *next; c; c = next) {
        next = c->next;
        free(c->done.payload);
        free(c->done.name);
        free(c);
    }
    hub->head = hub->tail = NULL;
}

static void hub_release(call_hub *hub) {
    if (atomic_fetch_sub(&hub->refs, 1) != 1) return;
    drop_completions(hub);
    pthread_mutex_destroy(&hub->lock);
    pthread_cond_destroy(&hub->ready);
    free(hub);
}

static void call_release(eryx_call *call) {
    if (atomic_fetch_sub(&call->refs, 1) != 1) return;
    call_hub *hub = call->hub;
    free(call->name);
    free(call);
    hub_release(hub);
}

/* Takes `call` off the pending list (under hub->lock); the list's reference
 * is released by the caller after unlocking. */
static void unlink_pending(call_hub *hub, eryx_call *call) {
    for (eryx_call **p = &hub->pending; *p; p = &(*p)->next_pending) {
        if (*p == call) {
            *p = call->next_pending;
            return;
        }
    }
}

/* Drops the pending list of the ending execution (under hub->lock).
 * Returns the list; its references are released outside the lock. */
static eryx_call *take_pending(call_hub *hub) {
    eryx_call *list = hub->pending;
    for (eryx_call *c = list; c; c = c->next_pending)
        c->finished = true;
    hub->pending = NULL;
    return list;
}

static void release_list(eryx_call *list) {
    for (eryx_call *c = list, *next; c; c = next) {
        next = c->next_pending;
        call_release(c);
    }
}

void call_hub_detach(call_hub *hub) {
    if (!hub) return;
    pthread_mutex_lock(&hub->lock);
    hub->detached = true;
    hub->generation++;
    drop_completions(hub);
    eryx_call *list = take_pending(hub);
    pthread_mutex_unlock(&hub->lock);
    release_list(list);
    hub_release(hub);
}

void call_hub_begin(call_hub *hub, double timeout_s, uint32_t max_calls) {
    pthread_mutex_lock(&hub->lock);
    hub->generation++;
    hub->started = 0;
    hub->max_calls = max_calls;
    hub->timeout_ns = timeout_s > 0 ? (uint64_t)(timeout_s * 1e9) : 0;
    pthread_mutex_unlock(&hub->lock);
}

uint64_t call_hub_end(call_hub *hub) {
    pthread_mutex_lock(&hub->lock);
    hub->generation++;
    uint64_t started = hub->started;
    drop_completions(hub);
    eryx_call *list = take_pending(hub);
    pthread_mutex_unlock(&hub->lock);
    release_list(list);
    return started;
}

/* Queues the outcome of `call` unless it already has one or its execution
 * is over (under hub->lock). Takes ownership of payload. */
static void finish(call_hub *hub, eryx_call *call, int status, char *payload, size_t len) {
    completion *c = NULL;
    if (!call->finished && call->generation == hub->generation && !hub->detached) {
        c = malloc(sizeof *c);
    }
    call->finished = true;
    if (!c) {
        free(payload);
        return;
    }
    *c = (completion){.done = {.id = call->id,
                               .status = status,
                               .payload = payload,
                               .len = len,
                               .name = strdup(call->name),
                               .lineno = call->lineno,
                               .duration_ms = (double)(monotonic_ns() - call->start_ns) / 1e6}};
    if (hub->tail)
        hub->tail->next = c;
    else
        hub->head = c;
    hub->tail = c;
    pthread_cond_broadcast(&hub->ready);
}

/* Completes from the handler's side and drops the handler's reference.
 * The text reaches Python as a str: invalid UTF-8 becomes U+FFFD. */
static void complete(eryx_call *call, int status, const char *text) {
    call_hub *hub = call->hub;
    size_t len = strlen(text);
    char *payload = utf8_sanitized(text, len, &len);
    pthread_mutex_lock(&hub->lock);
    bool was_pending = !call->finished;
    if (payload) {
        finish(hub, call, status, payload, len);
    } else {
        finish(hub, call, CALL_ERROR, strdup("out of memory"), 13);
    }
    if (was_pending) unlink_pending(hub, call);
    pthread_mutex_unlock(&hub->lock);
    if (was_pending) call_release(call); /* the pending list's reference */
    call_release(call);                  /* the handler's reference */
}

eryx_status eryx_call_complete(eryx_call *call, const char *result_json) {
    if (!call) return ERYX_EINVAL;
    if (!result_json) result_json = "null";
    if (!json_valid(result_json, strlen(result_json))) {
        complete(call, CALL_ERROR, "the host callback returned invalid JSON");
        return ERYX_EINVAL;
    }
    complete(call, CALL_OK, result_json);
    return ERYX_OK;
}

eryx_status eryx_call_fail(eryx_call *call, const char *message) {
    if (!call) return ERYX_EINVAL;
    complete(call, CALL_ERROR, message ? message : "callback failed");
    return ERYX_OK;
}

const char *eryx_call_name(const eryx_call *call) {
    return call ? call->name : NULL;
}

int32_t call_hub_start(call_hub *hub, const callback_def *def, const char *args_json,
                       size_t args_len, int lineno, call_started_fn started, void *arg) {
    eryx_call *call = calloc(1, sizeof *call);
    char *args = malloc(args_len + 1);
    if (call) call->name = strdup(def->name);
    if (!call || !args || !call->name) {
        if (call) free(call->name);
        free(call);
        free(args);
        return CALL_STOPPING;
    }
    memcpy(args, args_json, args_len);
    args[args_len] = '\0';

    pthread_mutex_lock(&hub->lock);
    if (hub->max_calls && hub->started >= hub->max_calls) {
        pthread_mutex_unlock(&hub->lock);
        free(call->name);
        free(call);
        free(args);
        return CALL_LIMIT;
    }
    hub->started++;
    hub->next_id = hub->next_id % 0x7FFFFFFF + 1; /* ids stay positive int32 */
    call->id = hub->next_id;
    call->generation = hub->generation;
    call->lineno = lineno;
    call->start_ns = monotonic_ns();
    call->deadline_ns = hub->timeout_ns ? call->start_ns + hub->timeout_ns : 0;
    call->hub = hub;
    atomic_init(&call->refs, 2); /* handler + pending list */
    atomic_fetch_add(&hub->refs, 1);
    call->next_pending = hub->pending;
    hub->pending = call;
    int32_t id = (int32_t)call->id;
    pthread_mutex_unlock(&hub->lock);

    if (started && !started(arg, id)) {
        complete(call, CALL_ERROR, "the sandbox is stopping");
        id = CALL_STOPPING;
    } else {
        def->fn(def->userdata, call, args);
    }
    free(args);
    return id;
}

void call_hub_wake(call_hub *hub) {
    pthread_mutex_lock(&hub->lock);
    pthread_cond_broadcast(&hub->ready);
    pthread_mutex_unlock(&hub->lock);
}

/* Times out pending calls past their deadline; returns the earliest
 * remaining deadline (0: none). Under hub->lock. */
static uint64_t expire(call_hub *hub, uint64_t now, eryx_call **released) {
    uint64_t earliest = 0;
    for (eryx_call **p = &hub->pending; *p;) {
        eryx_call *call = *p;
        if (call->deadline_ns && call->deadline_ns <= now) {
            char *msg = strdup("callback timed out");
            finish(hub, call, CALL_TIMEOUT, msg, msg ? strlen(msg) : 0);
            *p = call->next_pending;
            call->next_pending = *released;
            *released = call;
            continue;
        }
        if (call->deadline_ns && (!earliest || call->deadline_ns < earliest)) {
            earliest = call->deadline_ns;
        }
        p = &call->next_pending;
    }
    return earliest;
}

static int count_ready(call_hub *hub) {
    int n = 0;
    for (completion *c = hub->head; c && n < 1000000; c = c->next)
        n++;
    return n;
}

int call_hub_wait(call_hub *hub, int64_t timeout_ns, const _Atomic int *stop) {
    uint64_t until = timeout_ns >= 0 ? monotonic_ns() + (uint64_t)timeout_ns : UINT64_MAX;
    eryx_call *released = NULL;
    pthread_mutex_lock(&hub->lock);
    for (;;) {
        uint64_t now = monotonic_ns();
        uint64_t earliest = expire(hub, now, &released);
        if (hub->head || atomic_load(stop) || now >= until) break;
        uint64_t wake = earliest && earliest < until ? earliest : until;
        if (wake == UINT64_MAX) {
            pthread_cond_wait(&hub->ready, &hub->lock);
        } else {
            struct timespec ts = ns_timespec(wake);
            pthread_cond_timedwait(&hub->ready, &hub->lock, &ts);
        }
    }
    int ready = count_ready(hub);
    pthread_mutex_unlock(&hub->lock);
    release_list(released);
    return ready;
}

int64_t call_hub_peek(call_hub *hub) {
    pthread_mutex_lock(&hub->lock);
    int64_t len = hub->head ? (int64_t)hub->head->done.len : -1;
    pthread_mutex_unlock(&hub->lock);
    return len;
}

bool call_hub_take(call_hub *hub, call_done *out) {
    pthread_mutex_lock(&hub->lock);
    completion *c = hub->head;
    if (c) {
        hub->head = c->next;
        if (!hub->head) hub->tail = NULL;
    }
    pthread_mutex_unlock(&hub->lock);
    if (!c) return false;
    *out = c->done;
    free(c);
    return true;
}
