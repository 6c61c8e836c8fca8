/*
 * imports.c - the "eryx" import module: how the guest runtime talks to the
 * host beyond WASI (see src/guest/runtime.c). Every guest pointer and
 * length is checked against linear memory; a bad one makes the call a no-op
 * or a refusal. What the guest sends is data: the outcome and callback
 * arguments are checked and laid out again by the host before anything
 * else (a handler, a trace, a result) sees them.
 */
#include <stdlib.h>

#include "abi.h"
#include "sandbox.h"

/* A guest string as a NUL-terminated host copy (NULL if out of bounds or
 * out of memory). */
static char *guest_string(eryx_vm *vm, u32 ptr, u32 len) {
    const uint8_t *data = vm_mem(vm, ptr, len);
    char *s = data ? malloc((size_t)len + 1) : NULL;
    if (!s) return NULL;
    memcpy(s, data, len);
    s[len] = '\0';
    return s;
}

/* A text of the outcome record, located in guest memory. */
static guest_text outcome_text_at(eryx_vm *vm, const outcome_record *record, uint32_t bit,
                                  outcome_text text, bool *out_of_bounds) {
    if (!(record->present & bit)) return (guest_text){0};
    const uint8_t *data = vm_mem(vm, text.ptr, text.len);
    if (!data) *out_of_bounds = true;
    return (guest_text){.data = (const char *)data, .len = data ? text.len : 0};
}

/* report(record): how the execution ended (src/guest/outcome.h), sent once
 * by the guest's entry point; result.c takes it as untrusted data. */
void Z_eryxZ_report(struct Z_eryx_instance_t *ctx, u32 record_ptr) {
    eryx_vm *vm = ctx->vm;
    VM_IMPORT_ENTER(vm);
    exec_state *exec = sandbox_exec_state(vm);
    const uint8_t *p = vm_mem(vm, record_ptr, sizeof(outcome_record));
    if (exec) {
        outcome_record record = {0};
        guest_outcome outcome = {.out_of_bounds = !p};
        if (p) memcpy(&record, p, sizeof record);
        outcome.kind = record.kind;
        outcome.lineno = record.lineno;
        outcome.exit_code = record.exit_code;
        bool *bad = &outcome.out_of_bounds;
        outcome.result = outcome_text_at(vm, &record, OUTCOME_RESULT, record.result, bad);
        outcome.result_error =
            outcome_text_at(vm, &record, OUTCOME_RESULT_ERROR, record.result_error, bad);
        outcome.type = outcome_text_at(vm, &record, OUTCOME_TYPE, record.type, bad);
        outcome.message = outcome_text_at(vm, &record, OUTCOME_MESSAGE, record.message, bad);
        outcome.traceback = outcome_text_at(vm, &record, OUTCOME_TRACEBACK, record.traceback, bad);
        result_take_outcome(exec->result, &outcome);
    }
    VM_IMPORT_RETURN_VOID(vm);
}

/* A guest string copied into `small` when it fits (the common case: no
 * allocation per trace event), else into the heap; *heap is what to free. */
static char *guest_string_buffered(eryx_vm *vm, u32 ptr, u32 len, char *small, size_t cap,
                                   char **heap) {
    *heap = NULL;
    if (len >= cap) return *heap = guest_string(vm, ptr, len);
    const uint8_t *data = vm_mem(vm, ptr, len);
    if (!data) return NULL;
    memcpy(small, data, len);
    small[len] = '\0';
    return small;
}

/* trace(kind, lineno, a, alen, b, blen): a line, call, return or exception
 * event of the user's code; a is the function or exception type, b the
 * exception message. */
void Z_eryxZ_trace(struct Z_eryx_instance_t *ctx, u32 kind, u32 lineno, u32 a, u32 alen, u32 b,
                   u32 blen) {
    eryx_vm *vm = ctx->vm;
    VM_IMPORT_ENTER(vm);
    exec_state *exec = sandbox_exec_state(vm);
    if (exec && kind <= ERYX_TRACE_EXCEPTION) {
        eryx_trace_event event = {.kind = (eryx_trace_kind)kind, .lineno = (int)lineno};
        char small_a[256], small_b[256], *heap_a = NULL, *heap_b = NULL;
        const char *first =
            kind == ERYX_TRACE_LINE
                ? NULL
                : guest_string_buffered(vm, a, alen, small_a, sizeof small_a, &heap_a);
        if (kind == ERYX_TRACE_EXCEPTION) {
            event.exc_type = first;
            event.exc_message =
                guest_string_buffered(vm, b, blen, small_b, sizeof small_b, &heap_b);
        } else {
            event.function = first;
        }
        if (kind == ERYX_TRACE_LINE || first) trace_emit(&exec->trace, exec->result, &event);
        free(heap_a);
        free(heap_b);
    }
    VM_IMPORT_RETURN_VOID(vm);
}

void trace_ring_flush(eryx_vm *vm) {
    trace_ring *ring = (trace_ring *)vm_mem(vm, vm->trace_ring, sizeof *ring);
    exec_state *exec = sandbox_exec_state(vm);
    if (!ring || !exec) {
        vm->trace_ring = 0;
        return;
    }
    /* The guest is hostile: counts are clamped, names checked to lie in
     * the text it filled. */
    uint32_t count = ring->count, text_used = ring->text_used;
    ring->count = ring->text_used = 0;
    if (count > TRACE_RING_EVENTS) count = TRACE_RING_EVENTS;
    if (text_used > TRACE_RING_TEXT) text_used = TRACE_RING_TEXT;
    for (uint32_t i = 0; i < count; i++) {
        trace_record record = ring->records[i];
        if (record.kind < ERYX_TRACE_LINE || record.kind > ERYX_TRACE_RETURN) continue;
        eryx_trace_event event = {.kind = (eryx_trace_kind)record.kind, .lineno = record.lineno};
        if (record.kind != ERYX_TRACE_LINE) {
            /* The name stays where it is: the guest waits meanwhile. */
            if (record.text >= text_used || record.len >= text_used - record.text ||
                ring->text[record.text + record.len] != '\0') {
                continue;
            }
            event.function = ring->text + record.text;
        }
        trace_emit(&exec->trace, exec->result, &event);
    }
}

/* trace_flush(ring): the events of the current ring are taken on entry, as
 * by every import; from now on the guest fills `ring` (0: none), emptied. */
void Z_eryxZ_trace_flush(struct Z_eryx_instance_t *ctx, u32 ring) {
    eryx_vm *vm = ctx->vm;
    VM_IMPORT_ENTER(vm);
    trace_ring *next = ring % 4 == 0 ? (trace_ring *)vm_mem(vm, ring, sizeof *next) : NULL;
    vm->trace_ring = next && sandbox_exec_state(vm) ? ring : 0;
    if (vm->trace_ring) next->count = next->text_used = 0;
    VM_IMPORT_RETURN_VOID(vm);
}

/* callback_list(buf, cap) -> length of the JSON list; copied when it fits. */
u32 Z_eryxZ_callback_list(struct Z_eryx_instance_t *ctx, u32 buf, u32 cap) {
    eryx_vm *vm = ctx->vm;
    VM_IMPORT_ENTER(vm);
    exec_state *exec = sandbox_exec_state(vm);
    const char *json = exec ? exec->callbacks_json : "[]";
    u32 len = (u32)strlen(json);
    if (len <= cap) vm_store(vm, buf, json, len);
    VM_IMPORT_RETURN(vm, len);
}

/* The registered callback named by len bytes at name, or NULL. */
static const callback_def *find_callback(const callback_set *set, const char *name, size_t len) {
    for (size_t i = 0; i < set->count; i++) {
        const callback_def *def = &set->items[i];
        if (strlen(def->name) == len && !memcmp(def->name, name, len)) return def;
    }
    return NULL;
}

/* Whether JSON text starts (after whitespace) with '{': with json_valid,
 * that makes it one object. */
static bool opens_object(const char *text, size_t len) {
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
        i++;
    return i < len && text[i] == '{';
}

/* The checks of every invocation, whichever way the guest made it (await
 * name(...), invoke(), or the runtime's internals called directly): a
 * registered name, and arguments that are one JSON object of at most
 * ERYX_CALLBACK_ARGS_MAX bytes, laid out again by the host (one line)
 * before the trace and the handler see them. */
static int32_t start_callback(eryx_vm *vm, exec_state *exec, u32 name, u32 nlen, u32 args, u32 alen,
                              u32 lineno) {
    const char *callee = (const char *)vm_mem(vm, name, nlen);
    const callback_def *def = callee ? find_callback(exec->callbacks, callee, nlen) : NULL;
    if (!def) return CALL_UNKNOWN;
    if (alen > ERYX_CALLBACK_ARGS_MAX) return CALL_ARGS_TOO_LARGE;
    const char *raw = (const char *)vm_mem(vm, args, alen);
    eryx_buf json = {0};
    if (!raw || !opens_object(raw, alen) || buf_guest_json(&json, raw, alen)) {
        buf_free(&json);
        return CALL_BAD_ARGS;
    }
    int32_t id = CALL_STOPPING; /* out of memory */
    if (json.len > ERYX_CALLBACK_ARGS_MAX) {
        id = CALL_ARGS_TOO_LARGE;
    } else if (!json.failed) {
        int line = lineno <= INT32_MAX ? (int)lineno : 0;
        eryx_trace_event event = {.kind = ERYX_TRACE_CALLBACK_START,
                                  .lineno = line,
                                  .name = def->name,
                                  .args_json = json.data};
        trace_emit(&exec->trace, exec->result, &event);
        id = call_hub_start(exec->calls, def, json.data, line);
    }
    buf_free(&json);
    return id;
}

/* callback_start(name, nlen, args, alen, lineno) -> invocation id, or a
 * refusal (< 0, calls.h). */
u32 Z_eryxZ_callback_start(struct Z_eryx_instance_t *ctx, u32 name, u32 nlen, u32 args, u32 alen,
                           u32 lineno) {
    eryx_vm *vm = ctx->vm;
    VM_IMPORT_ENTER(vm);
    exec_state *exec = sandbox_exec_state(vm);
    int32_t id = exec ? start_callback(vm, exec, name, nlen, args, alen, lineno) : CALL_UNKNOWN;
    VM_IMPORT_RETURN(vm, (u32)id);
}

/* callback_wait(timeout_ns) -> completions ready (timeout < 0: no limit). */
u32 Z_eryxZ_callback_wait(struct Z_eryx_instance_t *ctx, u64 timeout_ns) {
    eryx_vm *vm = ctx->vm;
    VM_IMPORT_ENTER(vm);
    exec_state *exec = sandbox_exec_state(vm);
    int ready = exec ? call_hub_wait(exec->calls, (int64_t)timeout_ns, &vm->stop) : 0;
    VM_IMPORT_RETURN(vm, (u32)ready);
}

/* callback_next(buf, cap, info) -> payload length, or -1 when nothing is
 * ready. The completion is taken (and info = {id, status} written) only
 * when its payload fits in cap. */
u32 Z_eryxZ_callback_next(struct Z_eryx_instance_t *ctx, u32 buf, u32 cap, u32 info) {
    eryx_vm *vm = ctx->vm;
    VM_IMPORT_ENTER(vm);
    exec_state *exec = sandbox_exec_state(vm);
    int64_t len = exec ? call_hub_peek(exec->calls) : -1;
    if (len >= 0 && (uint64_t)len <= cap && vm_mem(vm, buf, (u32)len) && vm_mem(vm, info, 8)) {
        call_done done;
        if (call_hub_take(exec->calls, &done)) {
            vm_store(vm, buf, done.payload, (u32)done.len);
            vm_store_u32(vm, info, done.id);
            vm_store_u32(vm, info + 4, (u32)done.status);
            eryx_trace_event event = {.kind = ERYX_TRACE_CALLBACK_END,
                                      .lineno = done.lineno,
                                      .name = done.name,
                                      .duration_ms = done.duration_ms,
                                      .error = done.status == CALL_OK ? NULL : done.payload};
            trace_emit(&exec->trace, exec->result, &event);
            len = (int64_t)done.len;
            free(done.payload);
        }
    }
    VM_IMPORT_RETURN(vm, (u32)(int32_t)len);
}
