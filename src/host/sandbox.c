/*
 * sandbox.c - the public API: configuration, sandbox and session lifecycle,
 * execution, cancellation.
 */
#include "sandbox.h"

#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "watchdog.h"

#define MIB (1024u * 1024u)

static const eryx_config defaults = {
    .timeout_s = 30,
    .memory_bytes = 256 * MIB,
    .output_limit = 16 * MIB,
    .callback_timeout_s = 10,
    .max_callbacks = 1000,
};

const char *eryx_version(void) {
    return ERYX_VERSION " (CPython 3.11)";
}

const char *eryx_status_string(eryx_status status) {
    switch (status) {
    case ERYX_OK:
        return "ok";
    case ERYX_EINVAL:
        return "invalid argument";
    case ERYX_ENOMEM:
        return "out of memory";
    case ERYX_EBUSY:
        return "sandbox busy with another execution";
    case ERYX_EINTERNAL:
        return "sandbox could not be started";
    case ERYX_ENOENT:
        return "no such file or directory";
    case ERYX_ENOSPC:
        return "filesystem quota exceeded";
    }
    return "unknown status";
}

/* ---- configuration ---- */

eryx_config *eryx_config_new(void) {
    eryx_config *config = malloc(sizeof *config);
    if (config) *config = defaults;
    return config;
}

/* Frees what a config holds (not the struct). */
static void config_clear(eryx_config *config) {
    callback_set_free(&config->callbacks);
    fs_config_free(&config->fs);
    vm_template_unref(config->template);
    config->template = NULL;
}

void eryx_config_free(eryx_config *config) {
    if (!config) return;
    config_clear(config);
    free(config);
}

/* Copies src into dst (callbacks, files and mounts deeply). -1 when out of
 * memory (dst then holds nothing). */
static int config_copy(eryx_config *dst, const eryx_config *src) {
    *dst = *src;
    dst->callbacks = (callback_set){0};
    dst->fs = (fs_config){0};
    vm_template_ref(dst->template);
    if (callback_set_copy(&dst->callbacks, &src->callbacks) != 0 ||
        (src->fs.nmounts && fs_config_copy(&dst->fs, &src->fs) != 0)) {
        config_clear(dst);
        return -1;
    }
    return 0;
}

eryx_status sandbox_config_fs(eryx_config *config) {
    if (config->fs.nmounts) return ERYX_OK;
    if (vm_image_error()) return ERYX_EINTERNAL;
    return fs_config_init(&config->fs, vm_stdlib()) == 0 ? ERYX_OK : ERYX_ENOMEM;
}

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

eryx_status eryx_config_set_output_handler(eryx_config *config, eryx_output_fn fn, void *userdata) {
    if (!config) return ERYX_EINVAL;
    config->output_fn = fn;
    config->output_userdata = userdata;
    return ERYX_OK;
}

eryx_status eryx_config_add_callback(eryx_config *config, const char *name, const char *description,
                                     const char *parameters_schema, eryx_callback_fn fn,
                                     void *userdata) {
    if (!config) return ERYX_EINVAL;
    return callback_set_add(&config->callbacks, name, description, parameters_schema, fn, userdata);
}

eryx_status eryx_config_set_callback_timeout(eryx_config *config, double seconds) {
    if (!config || !(seconds >= 0 && seconds <= 1e7)) return ERYX_EINVAL;
    config->callback_timeout_s = seconds;
    return ERYX_OK;
}

eryx_status eryx_config_set_max_callbacks(eryx_config *config, uint32_t count) {
    if (!config) return ERYX_EINVAL;
    config->max_callbacks = count;
    return ERYX_OK;
}

eryx_status eryx_config_set_trace(eryx_config *config, eryx_trace_fn fn, void *userdata,
                                  int collect) {
    if (!config) return ERYX_EINVAL;
    config->trace =
        (trace_sink){.fn = fn, .userdata = userdata, .flags = collect ? ERYX_TRACE_COLLECT : 0};
    return ERYX_OK;
}

eryx_status eryx_config_set_trace_bursts(eryx_config *config, eryx_trace_burst_fn fn,
                                         void *userdata, unsigned flags) {
    const unsigned known =
        ERYX_TRACE_COLLECT | ERYX_TRACE_STEP | ERYX_TRACE_TIMEOUT_RUNS | ERYX_TRACE_KEEP_BURST;
    if (!config || (flags & ~known) || (!fn && (flags & ERYX_TRACE_STEP))) return ERYX_EINVAL;
    config->trace = (trace_sink){.burst = fn, .userdata = userdata, .flags = flags};
    return ERYX_OK;
}

/* ---- lifecycle ---- */

static void set_error(char *errbuf, size_t errlen, const char *msg) {
    if (errbuf && errlen) snprintf(errbuf, errlen, "%s", msg);
}

/* A stop was requested: wake a guest waiting for callbacks or paused. */
static void wake_guest(void *arg) {
    eryx_sandbox *sandbox = arg;
    call_hub_wake(sandbox->calls);
    step_wake(sandbox->step);
}

static eryx_status sandbox_create(const eryx_config *config, bool persistent, eryx_sandbox **out,
                                  char *errbuf, size_t errlen) {
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
    uint64_t need =
        config->template ? (uint64_t)config->template->pages * VM_PAGE_SIZE : vm_image_bytes();
    if (pages * VM_PAGE_SIZE < need) {
        char msg[128];
        snprintf(msg, sizeof msg, "memory limit below the %llu MiB the %s needs",
                 (unsigned long long)((need + MIB - 1) / MIB),
                 config->template ? "snapshot" : "interpreter");
        set_error(errbuf, errlen, msg);
        return ERYX_EINVAL;
    }
    eryx_sandbox *sandbox = calloc(1, sizeof *sandbox);
    if (!sandbox) return ERYX_ENOMEM;
    sandbox->persistent = persistent;
    if (config_copy(&sandbox->config, config) != 0) {
        free(sandbox);
        return ERYX_ENOMEM;
    }
    eryx_config *c = &sandbox->config;
    if (!(sandbox->calls = call_hub_new()) || !(sandbox->step = step_new()) ||
        !(sandbox->callbacks_json = callback_set_json(&c->callbacks)) ||
        sandbox_config_fs(c) != ERYX_OK) {
        eryx_sandbox_free(sandbox);
        return ERYX_ENOMEM;
    }
    /* The mount points become directories of the tree every run starts with. */
    memfs_set_limits(c->fs.tree, c->fs.limits);
    const char *problem = fs_config_apply_mounts(&c->fs, c->fs.tree);
    if (problem) {
        char msg[256];
        snprintf(msg, sizeof msg, "cannot make the mount points: %s", problem);
        set_error(errbuf, errlen, msg);
        eryx_sandbox_free(sandbox);
        return ERYX_EINVAL;
    }
    memfs_clear_changed(c->fs.tree);
    const vm_template *start = c->template ? c->template : vm_image();
    if (fs_ns_init(&sandbox->ns, &c->fs) != 0) {
        eryx_sandbox_free(sandbox);
        return ERYX_ENOMEM;
    }
    if (!wasi_valid(&start->wasi, &sandbox->ns)) {
        set_error(errbuf, errlen,
                  "the snapshot's open files are on mounts this configuration lacks");
        eryx_sandbox_free(sandbox);
        return ERYX_EINVAL;
    }
    sandbox->vm = vm_new(start, (uint32_t)pages, &sandbox->ns);
    if (!sandbox->vm) {
        eryx_sandbox_free(sandbox);
        set_error(errbuf, errlen, "cannot map guest memory");
        return ERYX_ENOMEM;
    }
    sandbox->vm->owner = sandbox;
    sandbox->vm->on_interrupt = wake_guest;
    sandbox->vm->on_interrupt_arg = sandbox;
    *out = sandbox;
    return ERYX_OK;
}

eryx_status eryx_sandbox_new(const eryx_config *config, eryx_sandbox **out, char *errbuf,
                             size_t errlen) {
    return sandbox_create(config, false, out, errbuf, errlen);
}

eryx_status eryx_session_new(const eryx_config *config, eryx_sandbox **out, char *errbuf,
                             size_t errlen) {
    return sandbox_create(config, true, out, errbuf, errlen);
}

void eryx_sandbox_free(eryx_sandbox *sandbox) {
    if (!sandbox) return;
    vm_free(sandbox->vm);
    fs_ns_free(&sandbox->ns);
    call_hub_detach(sandbox->calls);
    trace_run_free(&sandbox->trace);
    step_free(sandbox->step);
    config_clear(&sandbox->config);
    code_cache_free(&sandbox->code_cache);
    free(sandbox->callbacks_json);
    free(sandbox);
}

void eryx_sandbox_cancel(eryx_sandbox *sandbox) {
    if (sandbox) vm_interrupt(sandbox->vm, VM_STOP_CANCELLED);
}

eryx_status eryx_sandbox_reset(eryx_sandbox *sandbox) {
    if (!sandbox) return ERYX_EINVAL;
    if (atomic_exchange(&sandbox->busy, true)) return ERYX_EBUSY;
    eryx_status status = ERYX_OK;
    if (sandbox->dirty) {
        status = vm_reset(sandbox->vm) == 0 ? ERYX_OK : ERYX_ENOMEM;
        sandbox->dirty = status != ERYX_OK;
    }
    atomic_store(&sandbox->busy, false);
    return status;
}

exec_state *sandbox_exec_state(eryx_vm *vm) {
    eryx_sandbox *sandbox = vm->owner;
    return sandbox && sandbox->running ? &sandbox->exec : NULL;
}

/* ---- output ---- */

/* Bytes a UTF-8 sequence starting with `lead` has (1 for bytes that cannot
 * start one: they pass as they are). */
static size_t utf8_length(unsigned char lead) {
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    if (lead >= 0xE0 && lead <= 0xEF) return 3;
    if (lead >= 0xF0 && lead <= 0xF4) return 4;
    return 1;
}

/* Passes output to the handler in chunks that never end inside a UTF-8
 * sequence: an incomplete sequence at the end waits for the next write (or
 * the end of the execution, `final`). */
static void stream_output(eryx_sandbox *sandbox, int fd, const uint8_t *data, size_t len,
                          bool final) {
    const eryx_config *c = &sandbox->config;
    held_utf8 *held = &sandbox->held[fd == 2];
    eryx_stream stream = fd == 2 ? ERYX_STDERR : ERYX_STDOUT;
    if (held->len) {
        size_t need = utf8_length((unsigned char)held->bytes[0]);
        while (held->len < need && len && (*data & 0xC0) == 0x80) {
            held->bytes[held->len++] = (char)*data++;
            len--;
        }
        if (held->len < need && !len && !final) return; /* still waiting */
        c->output_fn(c->output_userdata, stream, held->bytes, held->len);
        held->len = 0;
    }
    size_t keep = 0;
    for (size_t back = 1; !final && back <= 3 && back <= len; back++) {
        unsigned char b = data[len - back];
        if ((b & 0xC0) == 0x80) continue; /* continuation: look further back */
        if (utf8_length(b) > back) keep = back;
        break;
    }
    if (len > keep) c->output_fn(c->output_userdata, stream, (const char *)data, len - keep);
    if (keep) memcpy(held->bytes, data + len - keep, keep); /* data may be NULL when final */
    held->len = keep;
}

bool vm_write_output(eryx_vm *vm, int fd, const uint8_t *data, size_t len) {
    eryx_sandbox *sandbox = vm->owner;
    if (!sandbox || !sandbox->running) return true; /* image build: nowhere to go */
    eryx_result *r = sandbox->exec.result;
    eryx_buf *dest = fd == 2 ? &r->err : &r->out;
    uint64_t room = sandbox->config.output_limit - sandbox->output_used;
    bool fits = len <= room;
    size_t keep = fits ? len : (size_t)room, at = dest->len;
    buf_append(dest, data, keep);
    sandbox->output_used += keep;
    /* The handler gets the captured copy, never guest memory: a stop
     * protects that memory, and the handler may still be writing it out. */
    if (sandbox->config.output_fn && keep && !dest->failed) {
        stream_output(sandbox, fd, (const uint8_t *)dest->data + at, keep, false);
    }
    if (!fits) vm_request_stop(vm, VM_STOP_OUTPUT);
    return fits;
}

static void flush_held_output(eryx_sandbox *sandbox) {
    for (int i = 0; i < 2; i++) {
        if (sandbox->held[i].len) stream_output(sandbox, i ? 2 : 1, NULL, 0, true);
    }
}

/* ---- execute ---- */

typedef struct {
    vm_entry entry; /* the guest call: run_code, or sandbox_execute_entry's */
    void *entry_arg;
    const char *code;
    size_t len;
    int flags;
    bool no_room; /* the guest could not allocate a buffer for the source */
} exec_call;

/* Flags of the guest's eryx_execute (see src/guest/runtime.c). */
enum {
    EXEC_TRACE = 1,
    EXEC_INTERACTIVE = 2,
    EXEC_CODE_CACHE = 4,    /* code_get and code_put answer (code_cache.h) */
    EXEC_PACKAGES_SHIFT = 8 /* count of /packages/N */
};

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
    Z_guestZ_eryx_execute(&vm->guest, ptr, (u32)call->len, (u32)call->flags);
}

/* Whether a trap came from the guest's own stack (in linear memory, below
 * its data: --stack-first) running out: its pointer then wrapped below 0,
 * far above memory, and the access there trapped. */
static bool wasm_stack_overflowed(const eryx_vm *vm) {
    return vm->trap_code == WASM_RT_TRAP_OOB &&
           vm->guest.w2c___stack_pointer >= vm->guest.w2c_memory.size;
}

/* Turns the way the call ended, and what the guest reported, into the
 * result's error kind and message. */
static void classify(eryx_sandbox *sandbox, eryx_result *r, vm_stop stop, const exec_call *call) {
    eryx_vm *vm = sandbox->vm;
    bool at_limit = vm->guest.w2c_memory.pages + 16 >= vm->limit_pages;
    if (stop != VM_RUNNING) result_clear_outcome(r);
    switch (stop) {
    case VM_RUNNING:
        if (call->no_room) {
            result_fail(r, ERYX_ERROR_MEMORY, "source code of %zu bytes does not fit in memory",
                        call->len);
            break;
        }
        /* The guest reports once, from its entry point (outcome.h): none,
         * two or a malformed one means it is not the runtime talking. */
        if (r->reports != 1 || r->outcome_invalid) {
            const char *why = !r->reports      ? "ended without reporting how the code went"
                              : r->reports > 1 ? "reported more than one outcome"
                                               : "reported a malformed outcome";
            result_clear_outcome(r);
            result_fail(r, ERYX_ERROR_INTERNAL, "the guest runtime %s", why);
            break;
        }
        if (r->outcome == OUTCOME_EXCEPTION) {
            r->kind = ERYX_ERROR_EXCEPTION;
        } else if (r->outcome == OUTCOME_EXIT) {
            r->kind = ERYX_ERROR_EXIT;
        } else if (r->outcome == OUTCOME_FAILED) {
            const char *why = r->error_message ? r->error_message : "unknown error";
            bool memory = !strcmp(why, "MemoryError");
            char *copy = strdup(why);
            result_clear_outcome(r);
            result_fail(r, memory ? ERYX_ERROR_MEMORY : ERYX_ERROR_INTERNAL,
                        "the guest runtime failed: %.200s", copy ? copy : "out of memory");
            free(copy);
        }
        break;
    case VM_STOP_EXIT:
        r->exit_code = vm->exit_code & 0xFF;
        result_fail(r, ERYX_ERROR_EXIT, "exited with status %d", r->exit_code);
        break;
    case VM_STOP_TIMEOUT:
        result_fail(r, ERYX_ERROR_TIMEOUT, "execution timed out after %g s",
                    sandbox->exec.timeout_s);
        break;
    case VM_STOP_CANCELLED:
        result_fail(r, ERYX_ERROR_CANCELLED, "execution cancelled");
        break;
    case VM_STOP_TRACE:
        result_fail(r, ERYX_ERROR_CANCELLED, "execution stopped by the trace handler");
        break;
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
        } else if (stop == VM_STOP_STACK || wasm_stack_overflowed(vm)) {
            result_fail(r, ERYX_ERROR_INTERNAL, "the interpreter ran out of stack");
        } else {
            result_fail(r, ERYX_ERROR_INTERNAL, "the interpreter trapped: %s",
                        wasm_rt_strerror((wasm_rt_trap_t)vm->trap_code));
        }
        break;
    }
}

/* The trace sink of one execution, from the configuration and the options. */
static trace_sink choose_trace(const eryx_config *c, const eryx_exec_options *options) {
    int choice = options ? options->trace : 0;
    if (choice < 0) return (trace_sink){0};
    trace_sink sink = c->trace;
    if (choice > 0 && !trace_sink_on(&sink)) sink.flags |= ERYX_TRACE_COLLECT;
    return sink;
}

/* What the caller of eryx_execute may have used of an ERYX_STACK_MIN stack. */
#define STACK_CALLER (32u * 1024u)

/* Whether an execution can start on this thread: stack enough, and a
 * watchdog for its deadline (fail closed: without one a timeout would not
 * be enforced). Else the result says why; nothing ran. */
static bool can_start(eryx_sandbox *sandbox, eryx_result *r, uint64_t deadline_ns) {
    size_t left = vm_thread_setup() ? vm_stack_left() : 0;
    if (left < ERYX_STACK_MIN - STACK_CALLER) {
        result_fail(r, ERYX_ERROR_INTERNAL,
                    "the interpreter ran out of stack: the calling thread has %zu KiB of stack "
                    "left, eryx_execute needs %u KiB",
                    left / 1024, (ERYX_STACK_MIN - STACK_CALLER) / 1024);
        return false;
    }
    int err = deadline_ns ? watchdog_arm(sandbox->vm, deadline_ns) : 0;
    if (err) {
        result_fail(r, ERYX_ERROR_INTERNAL,
                    "cannot enforce the timeout: the watchdog thread could not be created (%s)",
                    strerror(err));
        return false;
    }
    return true;
}

/* Runs one execution on a vm that is ready for it. */
static void execute_on_vm(eryx_sandbox *sandbox, exec_call *call, const eryx_exec_options *options,
                          eryx_result *r) {
    eryx_vm *vm = sandbox->vm;
    const eryx_config *c = &sandbox->config;
    double timeout_s = options && options->timeout > 0 ? options->timeout : c->timeout_s;
    uint64_t start = monotonic_ns();
    uint64_t deadline = timeout_s > 0 ? start + (uint64_t)(timeout_s * 1e9) : 0;
    if (!can_start(sandbox, r, deadline)) return;
    sandbox->exec = (exec_state){
        .result = r,
        .trace = &sandbox->trace,
        .calls = sandbox->calls,
        .callbacks = &c->callbacks,
        .callbacks_json = sandbox->callbacks_json,
        .timeout_s = timeout_s,
    };
    if (options && options->interactive) call->flags |= EXEC_INTERACTIVE;
    /* Only where every execution starts from the same state (code_cache.h). */
    if (!sandbox->persistent && call->entry == run_code && code_cache_fits(call->len)) {
        code_exec_begin(&sandbox->code_exec, &sandbox->code_cache, call->code, call->len,
                        call->flags & EXEC_INTERACTIVE);
        sandbox->exec.code = &sandbox->code_exec;
        call->flags |= EXEC_CODE_CACHE;
    }
    call->flags |= (int)(c->fs.npackages << EXEC_PACKAGES_SHIFT);
    sandbox->output_used = 0;
    sandbox->ns.written = 0; /* the volume write budget is per execution */
    memset(sandbox->held, 0, sizeof sandbox->held);
    vm->peak_pages = vm->guest.w2c_memory.pages;
    size_t budget = c->memory_bytes < CALL_RESULTS_MAX ? (size_t)c->memory_bytes : CALL_RESULTS_MAX;
    call_hub_begin(sandbox->calls, c->callback_timeout_s, c->max_callbacks, budget);
    sandbox->running = true;
    sandbox->dirty = true;

    trace_sink sink = choose_trace(c, options);
    r->trace.on = (sink.flags & ERYX_TRACE_COLLECT) != 0;
    if (trace_sink_on(&sink)) {
        if (trace_run_begin(&sandbox->trace, &sink, r->trace.on ? &r->trace : NULL, vm,
                            sandbox->step, start, deadline))
            call->flags |= EXEC_TRACE;
        else
            r->trace.truncated = true; /* no memory for it: untraced */
    }
    vm_stop stop = vm_call(vm, call->entry, call->entry_arg ? call->entry_arg : call);
    if (deadline) watchdog_disarm(vm);
    sandbox->trace.deadline_ns = 0; /* the last burst must not arm it again */

    if (c->output_fn) flush_held_output(sandbox);
    if (vm->trace_ring) trace_ring_flush(vm); /* what a stop cut short */
    vm->trace_ring = 0;
    trace_run_end(&sandbox->trace);
    sandbox->running = false;
    r->callback_invocations = call_hub_end(sandbox->calls);
    r->peak_memory = (uint64_t)vm->peak_pages * VM_PAGE_SIZE;
    classify(sandbox, r, stop, call);
    /* A session keeps its state unless the interpreter was cut off. */
    if (sandbox->persistent &&
        (stop != VM_RUNNING || r->kind == ERYX_ERROR_INTERNAL || r->kind == ERYX_ERROR_MEMORY)) {
        r->session_reset = true;
        sandbox->dirty = vm_reset(vm) != 0;
    }
}

static eryx_status execute(eryx_sandbox *sandbox, exec_call *call, const eryx_exec_options *options,
                           eryx_result **out) {
    if (atomic_exchange(&sandbox->busy, true)) return ERYX_EBUSY;
    eryx_result *r = result_new();
    if (!r) {
        atomic_store(&sandbox->busy, false);
        return ERYX_ENOMEM;
    }
    uint64_t start = monotonic_ns();
    if (sandbox->dirty && !sandbox->persistent && vm_reset(sandbox->vm) != 0) {
        result_fail(r, ERYX_ERROR_INTERNAL, "cannot reset the sandbox");
    } else {
        if (!sandbox->persistent) sandbox->dirty = false; /* a session keeps its state */
        vm_written_open(sandbox->vm);
        execute_on_vm(sandbox, call, options, r);
        vm_written_close(sandbox->vm);
    }
    r->duration_ms = (double)(monotonic_ns() - start) / 1e6;
    atomic_store(&sandbox->busy, false);
    if (r->out.failed || r->err.failed) {
        eryx_result_free(r);
        return ERYX_ENOMEM;
    }
    *out = r;
    return ERYX_OK;
}

eryx_status eryx_execute_ex(eryx_sandbox *sandbox, const char *code, size_t len,
                            const eryx_exec_options *options, eryx_result **out) {
    if (out) *out = NULL;
    if (!sandbox || !out || (!code && len)) return ERYX_EINVAL;
    if (options && !(options->timeout >= 0 && options->timeout <= 1e7)) return ERYX_EINVAL;
    exec_call call = {.entry = run_code, .code = code ? code : "", .len = len};
    return execute(sandbox, &call, options, out);
}

eryx_status sandbox_execute_entry(eryx_sandbox *sandbox, vm_entry entry, void *arg,
                                  const eryx_exec_options *options, eryx_result **out) {
    if (out) *out = NULL;
    if (!sandbox || !out || !entry) return ERYX_EINVAL;
    if (options && !(options->timeout >= 0 && options->timeout <= 1e7)) return ERYX_EINVAL;
    exec_call call = {.entry = entry, .entry_arg = arg};
    return execute(sandbox, &call, options, out);
}

eryx_status eryx_execute(eryx_sandbox *sandbox, const char *code, size_t len, eryx_result **out) {
    return eryx_execute_ex(sandbox, code, len, NULL, out);
}
