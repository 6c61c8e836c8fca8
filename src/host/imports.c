/*
 * imports.c - the "eryx" import module: how the guest runtime talks to the
 * host beyond WASI (see src/guest/runtime.c). Every guest pointer and
 * length is checked against linear memory; a bad one makes the call a no-op
 * or a refusal. What the guest sends is data: the outcome and callback
 * arguments are checked and laid out again by the host before anything
 * else (a handler, a trace, a result) sees them.
 */
#include <stdlib.h>

#include "sandbox.h"

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

/* The callback_start event, once the invocation has its id and before its
 * handler runs; a stop asked for meanwhile (step mode) refuses the call. */
typedef struct {
    eryx_vm *vm;
    trace_run *trace;
    eryx_trace_event event;
} start_note;

static bool note_start(void *arg, int32_t id) {
    start_note *note = arg;
    note->event.id = (uint32_t)id;
    trace_now(note->trace, &note->event);
    return !atomic_load(&note->vm->stop);
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
        start_note note = {.vm = vm,
                           .trace = exec->trace,
                           .event = {.kind = ERYX_TRACE_CALLBACK_START,
                                     .lineno = line,
                                     .name = def->name,
                                     .args_json = json.data,
                                     .task = trace_ring_task(vm)}};
        id = call_hub_start(exec->calls, def, json.data, line, note_start, &note);
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
                                      .error = done.status == CALL_OK ? NULL : done.payload,
                                      .id = done.id};
            trace_now(exec->trace, &event);
            len = (int64_t)done.len;
            free(done.payload);
        }
    }
    VM_IMPORT_RETURN(vm, (u32)(int32_t)len);
}
