/*
 * code_cache.c - the compiled code of a stateless sandbox's sources (see
 * code_cache.h), and the imports code_get and code_put the guest runtime
 * reaches it through.
 */
#include "code_cache.h"

#include <stdlib.h>
#include <string.h>

#include "sandbox.h"

bool code_cache_fits(size_t len) {
    return len <= CODE_CACHE_SOURCE_MAX;
}

static void entry_clear(code_cache *cache, code_entry *e) {
    cache->bytes -= e->source_len + e->code_len;
    free(e->source);
    free(e->code);
    *e = (code_entry){0};
}

void code_cache_free(code_cache *cache) {
    for (unsigned i = 0; i < CODE_CACHE_ENTRIES; i++)
        entry_clear(cache, &cache->entries[i]);
    cache->next = 0;
}

void code_exec_begin(code_exec *x, code_cache *cache, const char *source, size_t len, int mode) {
    *x = (code_exec){.cache = cache, .source = source, .source_len = len, .mode = mode};
    for (unsigned i = 0; i < CODE_CACHE_ENTRIES; i++) {
        const code_entry *e = &cache->entries[i];
        if (e->source && e->source_len == len && e->mode == mode &&
            !memcmp(e->source, source, len)) {
            x->hit = e;
            break;
        }
    }
}

const uint8_t *code_exec_get(code_exec *x, size_t *len) {
    if (x->phase == CODE_OPEN) x->phase = x->hit ? CODE_HIT : CODE_MISSED;
    if (x->phase != CODE_HIT) {
        *len = 0;
        return NULL;
    }
    *len = x->hit->code_len;
    return x->hit->code;
}

void code_exec_put(code_exec *x, const uint8_t *code, size_t len) {
    bool take = x->phase == CODE_MISSED && len && len <= CODE_CACHE_BYTES - x->source_len;
    x->phase = CODE_CLOSED;
    if (!take) return;
    char *source = malloc(x->source_len ? x->source_len : 1);
    uint8_t *copy = malloc(len);
    if (!source || !copy) {
        free(source);
        free(copy);
        return;
    }
    memcpy(source, x->source, x->source_len);
    memcpy(copy, code, len);
    code_cache *cache = x->cache;
    /* The oldest entries go until the new one fits. */
    unsigned slot = cache->next;
    for (unsigned i = 0; i < CODE_CACHE_ENTRIES; i++) {
        code_entry *old = &cache->entries[(slot + i) % CODE_CACHE_ENTRIES];
        if (i && cache->bytes + x->source_len + len <= CODE_CACHE_BYTES) break;
        entry_clear(cache, old);
    }
    cache->next = (slot + 1) % CODE_CACHE_ENTRIES;
    cache->bytes += x->source_len + len;
    code_entry *e = &cache->entries[slot];
    *e = (code_entry){.source = source,
                      .source_len = x->source_len,
                      .mode = x->mode,
                      .code = copy,
                      .code_len = len};
}

/* ---- imports ---- */

/* code_get(buf, cap) -> length of the kept code (0: none); copied when it fits. */
u32 Z_eryxZ_code_get(struct Z_eryx_instance_t *ctx, u32 buf, u32 cap) {
    eryx_vm *vm = ctx->vm;
    VM_IMPORT_ENTER(vm);
    exec_state *exec = sandbox_exec_state(vm);
    size_t len = 0;
    const uint8_t *code = exec && exec->code ? code_exec_get(exec->code, &len) : NULL;
    if (!code || len > UINT32_MAX) len = 0;
    if (len && len <= cap) vm_store(vm, buf, code, (u32)len);
    VM_IMPORT_RETURN(vm, (u32)len);
}

/* code_put(buf, len): the runtime's compiled code of this execution's source. */
void Z_eryxZ_code_put(struct Z_eryx_instance_t *ctx, u32 buf, u32 len) {
    eryx_vm *vm = ctx->vm;
    VM_IMPORT_ENTER(vm);
    exec_state *exec = sandbox_exec_state(vm);
    const uint8_t *code = vm_mem(vm, buf, len);
    if (exec && exec->code) {
        if (code)
            code_exec_put(exec->code, code, len);
        else
            exec->code->phase = CODE_CLOSED;
    }
    VM_IMPORT_RETURN_VOID(vm);
}
