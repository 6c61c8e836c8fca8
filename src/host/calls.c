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
    if (!name || strlen(name) > CALLBACK_NAME_MAX) return false;
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

/* ---- invocations ----
 *
 * An eryx_call is not a pointer but a handle: the index of a slot in one
 * process-wide table and the slot's generation, which changes whenever the
 * slot is freed. A host may complete a call twice, after its execution has
 * ended or after its sandbox is gone: the generation no longer matches and
 * the call is refused, with no memory to reach that could have been freed.
 * The table only grows (in chunks that never move) up to the number of
 * calls in flight at once. One lock guards the table, every hub's state and
 * its queue: each critical section is a few pointer moves (allocations and
 * copies happen outside, but for a new chunk of the table now and then),
 * and with one lock there is no order to keep. */

enum { CHUNK_SLOTS = 256, MAX_CHUNKS = 4096 }; /* at most 1M calls in flight */

typedef struct {
    uint32_t generation;
    uint32_t next, prev; /* links (index + 1, 0: none): free list, or the hub's pending list */
    call_hub *hub;       /* NULL while free */
    uint32_t id;
    uint64_t start_ns, deadline_ns;
    int lineno;
    char name[CALLBACK_NAME_MAX + 1]; /* never freed: eryx_call_name stays readable */
} call_slot;

typedef struct completion {
    struct completion *next;
    size_t bytes; /* counted against the hub's budget */
    call_done done;
} completion;

struct call_hub {
    pthread_cond_t ready;
    uint32_t next_id, started, max_calls;
    uint64_t timeout_ns;
    uint32_t pending;        /* first slot (index + 1) of the started, unfinished calls */
    uint32_t in_flight;      /* started calls not yet taken by the guest */
    size_t queued_bytes;     /* of the completions below */
    size_t budget;           /* most bytes of completions held for the guest */
    completion *head, *tail; /* finished, not yet taken */
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t fork_once = PTHREAD_ONCE_INIT;
static call_slot *chunks[MAX_CHUNKS];
static uint32_t slot_count; /* slots in the chunks allocated so far */
static uint32_t free_slots; /* free list (index + 1) */

static call_slot *slot_at(uint32_t index) {
    return &chunks[index / CHUNK_SLOTS][index % CHUNK_SLOTS];
}

static eryx_call *handle_of(uint32_t index) {
    return (eryx_call *)(uintptr_t)((uint64_t)slot_at(index)->generation << 32 | (index + 1));
}

/* The live slot a handle names, or NULL (under table_lock). */
static call_slot *slot_of(const eryx_call *call, uint32_t *index) {
    uint64_t handle = (uint64_t)(uintptr_t)call;
    uint32_t i = (uint32_t)handle - 1, generation = (uint32_t)(handle >> 32);
    if ((uint32_t)handle == 0 || i >= slot_count) return NULL;
    call_slot *slot = slot_at(i);
    if (!slot->hub || slot->generation != generation) return NULL;
    if (index) *index = i;
    return slot;
}

/* A free slot (under table_lock), its chunk allocated when needed; false
 * when the table is full or out of memory. */
static bool take_slot(uint32_t *index) {
    if (!free_slots) {
        if (slot_count == (uint32_t)CHUNK_SLOTS * MAX_CHUNKS) return false;
        call_slot *chunk = calloc(CHUNK_SLOTS, sizeof *chunk);
        if (!chunk) return false;
        chunks[slot_count / CHUNK_SLOTS] = chunk;
        for (uint32_t i = CHUNK_SLOTS; i-- > 0;) {
            chunk[i].generation = 1;
            chunk[i].next = free_slots;
            free_slots = slot_count + i + 1;
        }
        slot_count += CHUNK_SLOTS;
    }
    *index = free_slots - 1;
    free_slots = slot_at(*index)->next;
    return true;
}

/* Takes a live slot off its hub's pending list and frees it: its handle
 * is dead from now on (under table_lock). */
static void release_slot(uint32_t index) {
    call_slot *slot = slot_at(index);
    call_hub *hub = slot->hub;
    if (slot->prev)
        slot_at(slot->prev - 1)->next = slot->next;
    else
        hub->pending = slot->next;
    if (slot->next) slot_at(slot->next - 1)->prev = slot->prev;
    slot->hub = NULL;
    slot->generation = slot->generation == UINT32_MAX ? 1 : slot->generation + 1;
    slot->prev = 0;
    slot->next = free_slots;
    free_slots = index + 1;
}

/* Frees every pending call of hub: they cannot be completed any more. */
static void release_pending(call_hub *hub) {
    while (hub->pending)
        release_slot(hub->pending - 1);
}

static void free_completion(completion *c) {
    if (!c) return;
    free(c->done.payload);
    free(c);
}

/* Unlinks the queue (under table_lock); the caller frees it after unlocking. */
static completion *take_queue(call_hub *hub) {
    completion *list = hub->head;
    hub->head = hub->tail = NULL;
    hub->queued_bytes = 0;
    return list;
}

static void free_queue(completion *list) {
    for (completion *c = list, *next; c; c = next) {
        next = c->next;
        free_completion(c);
    }
}

/* A fork while another thread holds the lock must not leave the child's
 * copy locked. */
static void lock_table(void) {
    pthread_mutex_lock(&table_lock);
}
static void unlock_table(void) {
    pthread_mutex_unlock(&table_lock);
}
static void handle_fork(void) {
    pthread_atfork(lock_table, unlock_table, unlock_table);
}

call_hub *call_hub_new(void) {
    pthread_once(&fork_once, handle_fork);
    call_hub *hub = calloc(1, sizeof *hub);
    if (!hub) return NULL;
    monotonic_cond_init(&hub->ready);
    return hub;
}

void call_hub_detach(call_hub *hub) {
    if (!hub) return;
    pthread_mutex_lock(&table_lock);
    release_pending(hub);
    completion *queue = take_queue(hub);
    pthread_mutex_unlock(&table_lock);
    /* No slot names the hub any more, so no completion can reach it. */
    free_queue(queue);
    pthread_cond_destroy(&hub->ready);
    free(hub);
}

void call_hub_begin(call_hub *hub, double timeout_s, uint32_t max_calls, size_t budget) {
    pthread_mutex_lock(&table_lock);
    hub->started = 0;
    hub->in_flight = 0;
    hub->max_calls = max_calls;
    hub->budget = budget;
    hub->timeout_ns = timeout_s > 0 ? (uint64_t)(timeout_s * 1e9) : 0;
    pthread_mutex_unlock(&table_lock);
}

uint64_t call_hub_end(call_hub *hub) {
    pthread_mutex_lock(&table_lock);
    uint64_t started = hub->started;
    release_pending(hub);
    completion *queue = take_queue(hub);
    hub->in_flight = 0;
    pthread_mutex_unlock(&table_lock);
    free_queue(queue);
    return started;
}

/* A completion carrying `payload` (taken; allocated before taking the lock,
 * so that nothing allocates under it). NULL when out of memory. */
static completion *new_completion(int status, char *payload, size_t len) {
    completion *c = payload ? malloc(sizeof *c) : NULL;
    if (!c) {
        free(payload);
        return NULL;
    }
    *c = (completion){.bytes = sizeof *c + len,
                      .done = {.status = status, .payload = payload, .len = len}};
    return c;
}

static completion *new_message(int status, const char *message) {
    return new_completion(status, strdup(message), strlen(message));
}

/* Ends the live call in slot `index`: queues `c` for the guest, or `over`
 * (an error) when c is NULL or does not fit in the hub's budget, and frees
 * the slot. Returns what was queued (NULL: neither could be). Under
 * table_lock. */
static completion *finish(uint32_t index, completion *c, completion *over) {
    call_slot *slot = slot_at(index);
    call_hub *hub = slot->hub;
    completion *queued = c && hub->queued_bytes + c->bytes <= hub->budget ? c : over;
    if (queued) {
        queued->done.id = slot->id;
        queued->done.lineno = slot->lineno;
        queued->done.duration_ms = (double)(monotonic_ns() - slot->start_ns) / 1e6;
        memcpy(queued->done.name, slot->name, sizeof slot->name);
        queued->next = NULL;
        hub->queued_bytes += queued->bytes;
        if (hub->tail)
            hub->tail->next = queued;
        else
            hub->head = queued;
        hub->tail = queued;
        pthread_cond_broadcast(&hub->ready);
    } else {
        hub->in_flight--; /* out of memory: the guest's await only times out */
    }
    release_slot(index);
    return queued;
}

/* The handler's side of the end of a call. The text reaches Python as a
 * str: invalid UTF-8 becomes U+FFFD. Allocates outside the lock; the error
 * that replaces a result beyond the budget only when it is needed. */
static eryx_status complete(eryx_call *call, int status, const char *text) {
    if (!call) return ERYX_EINVAL;
    size_t len;
    char *payload = utf8_sanitized(text, strlen(text), &len);
    completion *c = new_completion(status, payload, len), *over = NULL, *queued = NULL;
    bool live, tried = false;
    for (;;) {
        pthread_mutex_lock(&table_lock);
        uint32_t index;
        live = slot_of(call, &index) != NULL;
        call_hub *hub = live ? slot_at(index)->hub : NULL;
        bool fits = c && live && hub->queued_bytes + c->bytes <= hub->budget;
        if (live && !fits && !tried) {
            pthread_mutex_unlock(&table_lock);
            over = new_message(CALL_ERROR, c ? "the callback's result does not fit in what "
                                               "the host holds for the guest (results waiting "
                                               "to be taken: its memory limit, at most 1 GiB)"
                                             : "out of memory");
            tried = true;
            continue; /* the call may have ended meanwhile: look again */
        }
        if (live) queued = finish(index, fits ? c : NULL, over);
        pthread_mutex_unlock(&table_lock);
        break;
    }
    if (queued != c) free_completion(c);
    if (queued != over) free_completion(over);
    if (!live) return ERYX_EINVAL; /* completed already, or its execution is over */
    if (queued && queued == c) return ERYX_OK;
    return c ? ERYX_EINVAL : ERYX_ENOMEM;
}

eryx_status eryx_call_complete(eryx_call *call, const char *result_json) {
    if (!result_json) result_json = "null";
    if (!json_valid(result_json, strlen(result_json))) {
        complete(call, CALL_ERROR, "the host callback returned invalid JSON");
        return ERYX_EINVAL;
    }
    return complete(call, CALL_OK, result_json);
}

eryx_status eryx_call_fail(eryx_call *call, const char *message) {
    return complete(call, CALL_ERROR, message ? message : "callback failed");
}

const char *eryx_call_name(const eryx_call *call) {
    pthread_mutex_lock(&table_lock);
    call_slot *slot = slot_of(call, NULL);
    const char *name = slot ? slot->name : NULL;
    pthread_mutex_unlock(&table_lock);
    return name;
}

int32_t call_hub_start(call_hub *hub, const callback_def *def, const char *args_json, int lineno,
                       call_started_fn started, void *arg) {
    pthread_mutex_lock(&table_lock);
    int32_t refusal = 0;
    uint32_t index = 0;
    if (hub->max_calls && hub->started >= hub->max_calls)
        refusal = CALL_LIMIT;
    else if (hub->in_flight >= ERYX_CALLS_PENDING_MAX)
        refusal = CALL_TOO_MANY_PENDING;
    else if (!take_slot(&index))
        refusal = CALL_STOPPING;
    if (refusal) {
        pthread_mutex_unlock(&table_lock);
        return refusal;
    }
    hub->started++;
    hub->in_flight++;
    hub->next_id = hub->next_id % 0x7FFFFFFF + 1; /* ids stay positive int32 */
    call_slot *slot = slot_at(index);
    slot->hub = hub;
    slot->id = hub->next_id;
    slot->lineno = lineno;
    slot->start_ns = monotonic_ns();
    slot->deadline_ns = hub->timeout_ns ? slot->start_ns + hub->timeout_ns : 0;
    memcpy(slot->name, def->name, strlen(def->name) + 1); /* valid_name: it fits */
    slot->prev = 0;
    slot->next = hub->pending;
    if (hub->pending) slot_at(hub->pending - 1)->prev = index + 1;
    hub->pending = index + 1;
    int32_t id = (int32_t)slot->id;
    eryx_call *call = handle_of(index);
    pthread_mutex_unlock(&table_lock);

    if (started && !started(arg, id)) {
        complete(call, CALL_ERROR, "the sandbox is stopping");
        id = CALL_STOPPING;
    } else {
        def->fn(def->userdata, call, args_json);
    }
    return id;
}

void call_hub_wake(call_hub *hub) {
    pthread_mutex_lock(&table_lock);
    pthread_cond_broadcast(&hub->ready);
    pthread_mutex_unlock(&table_lock);
}

/* Times out pending calls past their deadline, each with a completion
 * from *spare (refilled by the caller outside the lock: *need_spare).
 * Returns the earliest remaining deadline (0: none). Under table_lock. */
static uint64_t expire(call_hub *hub, uint64_t now, completion **spare, bool *need_spare) {
    uint64_t earliest = 0;
    *need_spare = false;
    for (uint32_t link = hub->pending; link;) {
        call_slot *slot = slot_at(link - 1);
        uint32_t next = slot->next;
        if (slot->deadline_ns && slot->deadline_ns <= now) {
            if (!*spare) {
                *need_spare = true;
                return now;
            }
            finish(link - 1, NULL, *spare);
            *spare = NULL;
        } else if (slot->deadline_ns && (!earliest || slot->deadline_ns < earliest)) {
            earliest = slot->deadline_ns;
        }
        link = next;
    }
    return earliest;
}

int call_hub_wait(call_hub *hub, int64_t timeout_ns, const _Atomic int *stop) {
    uint64_t until = timeout_ns >= 0 ? monotonic_ns() + (uint64_t)timeout_ns : UINT64_MAX;
    completion *spare = NULL;
    pthread_mutex_lock(&table_lock);
    for (;;) {
        uint64_t now = monotonic_ns();
        bool need_spare;
        uint64_t earliest = expire(hub, now, &spare, &need_spare);
        if (need_spare) {
            pthread_mutex_unlock(&table_lock);
            spare = new_message(CALL_TIMEOUT, "callback timed out");
            pthread_mutex_lock(&table_lock);
            if (!spare) break;
            continue;
        }
        if (hub->head || atomic_load(stop) || now >= until) break;
        uint64_t wake = earliest && earliest < until ? earliest : until;
        if (wake == UINT64_MAX) {
            pthread_cond_wait(&hub->ready, &table_lock);
        } else {
            struct timespec ts = ns_timespec(wake);
            pthread_cond_timedwait(&hub->ready, &table_lock, &ts);
        }
    }
    int ready = 0;
    for (completion *c = hub->head; c && ready < (int)ERYX_CALLS_PENDING_MAX; c = c->next)
        ready++;
    pthread_mutex_unlock(&table_lock);
    free_completion(spare);
    return ready;
}

int64_t call_hub_peek(call_hub *hub) {
    pthread_mutex_lock(&table_lock);
    int64_t len = hub->head ? (int64_t)hub->head->done.len : -1;
    pthread_mutex_unlock(&table_lock);
    return len;
}

bool call_hub_take(call_hub *hub, call_done *out) {
    pthread_mutex_lock(&table_lock);
    completion *c = hub->head;
    if (c) {
        hub->head = c->next;
        if (!hub->head) hub->tail = NULL;
        hub->queued_bytes -= c->bytes;
        hub->in_flight--;
    }
    pthread_mutex_unlock(&table_lock);
    if (!c) return false;
    *out = c->done;
    free(c);
    return true;
}
