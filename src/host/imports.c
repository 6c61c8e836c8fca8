/*
 * imports.c - the "eryx" import module: how the guest runtime talks to the
 * host beyond WASI. Every guest pointer is checked against linear memory.
 */
#include "sandbox.h"

/* report(key, ptr, len): one field of the outcome (see result.h). */
void Z_eryxZ_report(struct Z_eryx_instance_t *ctx, u32 key, u32 ptr, u32 len) {
    eryx_vm *vm = ctx->vm;
    VM_IMPORT_ENTER(vm);
    const uint8_t *data = vm_mem(vm, ptr, len);
    eryx_result *r = sandbox_current_result(vm);
    if (data && r) result_report(r, (report_key)key, (const char *)data, len);
    VM_IMPORT_RETURN_VOID(vm);
}
