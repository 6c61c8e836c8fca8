/*
 * imports.c - the "eryx" import module: how the guest runtime talks to the
 * host beyond WASI (see src/guest/runtime.c). Every guest pointer and
 * length is checked against linear memory; a bad one makes the call a no-op.
 */
#include <stdlib.h>

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

/* report(key, ptr, len): one field of the outcome (see result.h). */
void Z_eryxZ_report(struct Z_eryx_instance_t *ctx, u32 key, u32 ptr, u32 len) {
    eryx_vm *vm = ctx->vm;
    VM_IMPORT_ENTER(vm);
    const uint8_t *data = vm_mem(vm, ptr, len);
    exec_state *exec = sandbox_exec_state(vm);
    if (data && exec) result_report(exec->result, (report_key)key, (const char *)data, len);
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

/* callback_start(name, nlen, args, alen, lineno) -> invocation id, or a
 * refusal (< 0). */
u32 Z_eryxZ_callback_start(struct Z_eryx_instance_t *ctx, u32 name, u32 nlen, u32 args, u32 alen,
                           u32 lineno) {
    eryx_vm *vm = ctx->vm;
    VM_IMPORT_ENTER(vm);
    exec_state *exec = sandbox_exec_state(vm);
    char *callee = exec ? guest_string(vm, name, nlen) : NULL;
    const uint8_t *args_json = vm_mem(vm, args, alen);
    int32_t id = CALL_UNKNOWN;
    const callback_def *def = NULL;
    for (size_t i = 0; callee && args_json && i < exec->callbacks->count; i++) {
        if (!strcmp(exec->callbacks->items[i].name, callee)) def = &exec->callbacks->items[i];
    }
    if (def) {
        char *args_copy = guest_string(vm, args, alen);
        start_note note = {.vm = vm,
                           .trace = exec->trace,
                           .event = {.kind = ERYX_TRACE_CALLBACK_START,
                                     .lineno = (int)lineno,
                                     .name = def->name,
                                     .args_json = args_copy,
                                     .task = trace_ring_task(vm)}};
        id = args_copy
                 ? call_hub_start(exec->calls, def, args_copy, alen, (int)lineno, note_start, &note)
                 : CALL_STOPPING;
        free(args_copy);
    }
    free(callee);
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
            free(done.name);
        }
    }
    VM_IMPORT_RETURN(vm, (u32)(int32_t)len);
}
