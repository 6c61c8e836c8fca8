/*
 * sandbox.c - the public API: configuration, sandbox lifecycle, execute.
 */
#include "sandbox.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "watchdog.h"

#define MIB (1024u * 1024u)

struct eryx_config {
    double timeout_s;
    uint64_t memory_bytes;
    uint64_t output_limit;
};

static const eryx_config defaults = {
    .timeout_s = 30,
    .memory_bytes = 256 * MIB,
    .output_limit = 16 * MIB,
};

struct eryx_sandbox {
    eryx_config config;
    eryx_vm *vm;
    atomic_bool busy;    /* an execution is running */
    bool dirty;          /* the vm ran code since it was last reset */
    eryx_result *current;
    uint64_t output_used;
};

const char *eryx_version(void) { return ERYX_VERSION " (CPython 3.11)"; }

const char *eryx_status_string(eryx_status status) {
    switch (status) {
    case ERYX_OK: return "ok";
    case ERYX_EINVAL: return "invalid argument";
    case ERYX_ENOMEM: return "out of memory";
    case ERYX_EBUSY: return "sandbox busy with another execution";
    case ERYX_EINTERNAL: return "sandbox could not be started";
    }
    return "unknown status";
}

/* ---- configuration ---- */

eryx_config *eryx_config_new(void) {
    eryx_config *config = malloc(sizeof *config);
    if (config) *config = defaults;
    return config;
}

void eryx_config_free(eryx_config *config) { free(config); }

eryx_status eryx_config_set_timeout(eryx_config *config, double seconds) {
    if (!config || !(seconds >= 0 && seconds <= 1e7)) return ERYX_EINVAL;
    config->timeout_s = seconds;
    return ERYX_OK;
}

eryx_status eryx_config_set_memory_limit(eryx_config *config, uint64_t bytes) {
    if (!config || bytes < 32ull * MIB || bytes > 4096ull * MIB) return ERYX_EINVAL;
    config->memory_bytes = bytes;
    return ERYX_OK;
}

eryx_status eryx_config_set_output_limit(eryx_config *config, uint64_t bytes) {
    if (!config || bytes == 0) return ERYX_EINVAL;
    config->output_limit = bytes;
    return ERYX_OK;
}

/* ---- lifecycle ---- */

static void set_error(char *errbuf, size_t errlen, const char *msg) {
    if (errbuf && errlen) snprintf(errbuf, errlen, "%s", msg);
}

eryx_status eryx_sandbox_new(const eryx_config *config, eryx_sandbox **out, char *errbuf,
                             size_t errlen) {
    if (!out) return ERYX_EINVAL;
    *out = NULL;
    if (!config) config = &defaults;
    const char *image_error = vm_image_error();
    if (image_error) {
        set_error(errbuf, errlen, image_error);
        return ERYX_EINTERNAL;
    }
    uint64_t pages = config->memory_bytes / VM_PAGE_SIZE;
    if (pages > VM_MAX_PAGES) pages = VM_MAX_PAGES;
    if (pages * VM_PAGE_SIZE < vm_image_bytes()) {
        char msg[128];
        snprintf(msg, sizeof msg, "memory limit below the %llu MiB the interpreter needs",
                 (unsigned long long)((vm_image_bytes() + MIB - 1) / MIB));
        set_error(errbuf, errlen, msg);
        return ERYX_EINVAL;
    }
    eryx_sandbox *sandbox = calloc(1, sizeof *sandbox);
    if (!sandbox) return ERYX_ENOMEM;
    sandbox->config = *config;
    sandbox->vm = vm_new((uint32_t)pages);
    if (!sandbox->vm) {
        free(sandbox);
        set_error(errbuf, errlen, "cannot map guest memory");
        return ERYX_ENOMEM;
    }
    sandbox->vm->owner = sandbox;
    *out = sandbox;
    return ERYX_OK;
}

void eryx_sandbox_free(eryx_sandbox *sandbox) {
    if (!sandbox) return;
    vm_free(sandbox->vm);
    free(sandbox);
}

eryx_result *sandbox_current_result(eryx_vm *vm) {
    eryx_sandbox *sandbox = vm->owner;
    return sandbox ? sandbox->current : NULL;
}

/* ---- output ---- */

bool vm_write_output(eryx_vm *vm, int fd, const uint8_t *data, size_t len) {
    eryx_sandbox *sandbox = vm->owner;
    if (!sandbox || !sandbox->current) return true; /* image build: nowhere to go */
    eryx_buf *dest = fd == 2 ? &sandbox->current->err : &sandbox->current->out;
    uint64_t room = sandbox->config.output_limit - sandbox->output_used;
    bool fits = len <= room;
    size_t keep = fits ? len : (size_t)room;
    buf_append(dest, data, keep);
    sandbox->output_used += keep;
    if (!fits) vm_request_stop(vm, VM_STOP_OUTPUT);
    return fits;
}

/* ---- execute ---- */

typedef struct {
    const char *code;
    size_t len;
    bool no_room; /* the guest could not allocate a buffer for the source */
} exec_call;

static void run_code(eryx_vm *vm, void *arg) {
    exec_call *call = arg;
    if (call->len > UINT32_MAX - 1) {
        call->no_room = true;
        return;
    }
    u32 ptr = Z_guestZ_eryx_alloc(&vm->guest, (u32)call->len);
    uint8_t *dest = ptr ? vm_mem(vm, ptr, (u32)call->len) : NULL;
    if (!dest) {
        call->no_room = true;
        return;
    }
    if (call->len) memcpy(dest, call->code, call->len);
    Z_guestZ_eryx_execute(&vm->guest, ptr, (u32)call->len);
}

/* Turns the way the call ended, and what the guest reported, into the
 * result's error kind and message. */
static void classify(eryx_sandbox *sandbox, eryx_result *r, vm_stop stop, const exec_call *call) {
    eryx_vm *vm = sandbox->vm;
    bool at_limit = vm->guest.w2c_memory.pages + 16 >= vm->limit_pages;
    if (stop != VM_RUNNING && stop != VM_STOP_EXIT) result_clear_outcome(r);
    switch (stop) {
    case VM_RUNNING:
        if (call->no_room) {
            result_fail(r, ERYX_ERROR_MEMORY, "source code of %zu bytes does not fit in memory",
                        call->len);
        } else if (r->exit_code >= 0) {
            r->kind = ERYX_ERROR_EXIT;
        } else if (r->internal_error) {
            bool memory = !strcmp(r->internal_error, "MemoryError");
            result_fail(r, memory ? ERYX_ERROR_MEMORY : ERYX_ERROR_INTERNAL,
                        "the guest runtime failed: %s", r->internal_error);
        } else if (r->error_type) {
            r->kind = ERYX_ERROR_EXCEPTION;
        }
        break;
    case VM_STOP_EXIT:
        result_clear_outcome(r);
        r->exit_code = vm->exit_code & 0xFF;
        result_fail(r, ERYX_ERROR_EXIT, "exited with status %d", r->exit_code);
        break;
    case VM_STOP_TIMEOUT:
        result_fail(r, ERYX_ERROR_TIMEOUT, "execution timed out after %g s",
                    sandbox->config.timeout_s);
        break;
    case VM_STOP_CANCELLED: result_fail(r, ERYX_ERROR_CANCELLED, "execution cancelled"); break;
    case VM_STOP_OUTPUT:
        result_fail(r, ERYX_ERROR_OUTPUT, "output limit of %llu bytes reached",
                    (unsigned long long)sandbox->config.output_limit);
        break;
    case VM_STOP_MEMORY:
    case VM_STOP_TRAP:
    case VM_STOP_STACK:
        if (stop == VM_STOP_MEMORY || at_limit) {
            result_fail(r, ERYX_ERROR_MEMORY, "memory limit of %llu MiB reached",
                        (unsigned long long)(sandbox->config.memory_bytes / MIB));
        } else if (stop == VM_STOP_STACK) {
            result_fail(r, ERYX_ERROR_INTERNAL, "the interpreter ran out of stack");
        } else {
            result_fail(r, ERYX_ERROR_INTERNAL, "the interpreter trapped: %s",
                        wasm_rt_strerror((wasm_rt_trap_t)vm->trap_code));
        }
        break;
    }
}

eryx_status eryx_execute(eryx_sandbox *sandbox, const char *code, size_t len, eryx_result **out) {
    if (out) *out = NULL;
    if (!sandbox || !out || (!code && len)) return ERYX_EINVAL;
    if (atomic_exchange(&sandbox->busy, true)) return ERYX_EBUSY;
    eryx_result *r = result_new();
    if (!r) {
        atomic_store(&sandbox->busy, false);
        return ERYX_ENOMEM;
    }
    uint64_t start = vm_now_ns();
    eryx_vm *vm = sandbox->vm;
    if (sandbox->dirty && vm_reset(vm) != 0) {
        result_fail(r, ERYX_ERROR_INTERNAL, "cannot reset the sandbox");
    } else {
        sandbox->dirty = true;
        sandbox->current = r;
        sandbox->output_used = 0;
        vm->peak_pages = vm->guest.w2c_memory.pages;
        double timeout_ns = sandbox->config.timeout_s * 1e9;
        if (timeout_ns > 0) watchdog_arm(vm, start + (uint64_t)timeout_ns);
        exec_call call = {.code = code ? code : "", .len = len};
        vm_stop stop = vm_call(vm, run_code, &call);
        if (timeout_ns > 0) watchdog_disarm(vm);
        classify(sandbox, r, stop, &call);
        sandbox->current = NULL;
    }
    r->duration_ms = (double)(vm_now_ns() - start) / 1e6;
    r->peak_memory = (uint64_t)vm->peak_pages * VM_PAGE_SIZE;
    if (r->out.failed || r->err.failed) {
        eryx_result_free(r);
        atomic_store(&sandbox->busy, false);
        return ERYX_ENOMEM;
    }
    *out = r;
    atomic_store(&sandbox->busy, false);
    return ERYX_OK;
}
