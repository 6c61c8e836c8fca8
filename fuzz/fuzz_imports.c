/*
 * fuzz_imports.c - the guest-to-host "eryx" imports with arguments and
 * guest memory chosen by the fuzzer, called from inside a real guest call
 * on a real sandbox (sandbox_execute_entry), so that every pointer and
 * length check, the outcome record and the callback paths are exercised as
 * a hostile guest would reach them.
 *
 * An input is a sequence of operations. Each starts with one byte: the
 * operation (low 3 bits, or 4 for the code cache), the rest its
 * arguments, read as needed:
 *   0 write      addr, len (byte), bytes: put bytes into guest memory
 *   1 report     record: the outcome record at addr
 *   2 start      name, nlen, args, alen, lineno: callback_start
 *   3 wait       a byte: callback_wait for 0 or that many 10 µs
 *   4 next       buf, cap, info: callback_next
 *   5 list       buf, cap: callback_list
 *   6 trace_flush ring address (a ring written by op 0 is taken at the next import)
 *   7 complete   a byte: complete, fail or complete again a kept call
 *   8 code_get   buf, cap (when the low 4 bits are 8; 9: code_put buf, len)
 * An address is 4 bytes: when its top bit is clear it is an offset into a
 * scratch window of guest memory at 1 MiB (where seeds `write` bytes), else
 * it is taken as it is (anywhere, out of bounds included). Lengths are 4 bytes
 * too, mostly small. After the execution, the result's JSON must be one
 * valid JSON object on one line, and an execution that reported no outcome
 * or more than one must have failed: anything else aborts (a finding).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "sandbox.h"

typedef struct {
    const uint8_t *data;
    size_t size, at;
    unsigned reports; /* report imports made */
} input;

static uint8_t byte(input *in) {
    return in->at < in->size ? in->data[in->at++] : 0;
}

static uint32_t word(input *in) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)byte(in) << (8 * i);
    return v;
}

/* The scratch window: guest addresses [1 MiB, 2 MiB), inside the guest's
 * own stack, which is not in use while the imports are called from here
 * (and every execution starts from the image again). Seeds put records
 * and texts there at known addresses. */
enum { SCRATCH_BASE = 1u << 20, SCRATCH = 1u << 20 };

static uint32_t address(input *in) {
    uint32_t v = word(in);
    return v & 0x80000000u ? v : SCRATCH_BASE + v % SCRATCH;
}

/* Small mostly, sometimes anything. */
static uint32_t length(input *in) {
    uint32_t v = word(in);
    return v & 0x80000000u ? v : v % 4096;
}

/* ---- callbacks: complete at once, fail, or keep the call for later ---- */

enum { KEPT_MAX = 64 };
static eryx_call *kept[KEPT_MAX];
static unsigned kept_count;

static void echo(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    if (!json_valid(args, strlen(args)) || strchr(args, '\n')) abort(); /* the checks failed */
    eryx_call_complete(call, args);
}

static void fail(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    (void)args;
    eryx_call_fail(call, "failed \xff");
}

static void keep(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    (void)args;
    kept[kept_count++ % KEPT_MAX] = call;
}

static void trace_fn(void *ud, const eryx_trace_event *event) {
    (void)ud;
    char *json = eryx_trace_event_to_json(event);
    if (event->kind == ERYX_TRACE_CALLBACK_START && json && strchr(json, '\n')) abort();
    eryx_free(json);
}

static void output_fn(void *ud, eryx_stream stream, const char *data, size_t len) {
    (void)ud;
    (void)stream;
    (void)data;
    (void)len;
}

/* ---- the guest call ---- */

static void run_ops(eryx_vm *vm, void *arg) {
    input *in = arg;
    struct Z_eryx_instance_t *ctx = &vm->eryx_ctx;
    while (in->at < in->size) {
        uint8_t op = byte(in);
        if ((op & 15) == 8 || (op & 15) == 9) {
            uint32_t buf = address(in), len = length(in);
            if ((op & 15) == 8)
                Z_eryxZ_code_get(ctx, buf, len);
            else
                Z_eryxZ_code_put(ctx, buf, len);
            continue;
        }
        switch (op & 7) {
        case 0: {
            uint32_t addr = address(in), len = byte(in);
            uint8_t *p = vm_mem(vm, addr, len);
            for (uint32_t i = 0; i < len; i++) {
                uint8_t b = byte(in);
                if (p) p[i] = b;
            }
            break;
        }
        case 1:
            in->reports++;
            Z_eryxZ_report(ctx, address(in));
            break;
        case 2: {
            uint32_t name = address(in), nlen = length(in);
            uint32_t args = address(in), alen = length(in);
            Z_eryxZ_callback_start(ctx, name, nlen, args, alen, word(in));
            break;
        }
        case 3:
            Z_eryxZ_callback_wait(ctx, (uint64_t)(byte(in) % 8) * 10000);
            break;
        case 4: {
            uint32_t buf = address(in), cap = length(in);
            Z_eryxZ_callback_next(ctx, buf, cap, address(in));
            break;
        }
        case 5: {
            uint32_t buf = address(in);
            Z_eryxZ_callback_list(ctx, buf, length(in));
            break;
        }
        case 6:
            /* A ring anywhere: what the guest wrote there (op 0) is taken
             * at the next import. */
            Z_eryxZ_trace_flush(ctx, address(in));
            break;
        case 7: {
            uint8_t choice = byte(in);
            eryx_call *call =
                kept_count ? kept[choice % (kept_count < KEPT_MAX ? kept_count : KEPT_MAX)] : NULL;
            if (choice & 0x80)
                eryx_call_fail(call, "late");
            else
                eryx_call_complete(call, choice & 0x40 ? "{\"x\": [1, 2]}" : "not json");
            break;
        }
        }
    }
}

static eryx_sandbox *sandbox;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    eryx_config *c = eryx_config_new();
    eryx_config_set_timeout(c, 5);
    eryx_config_set_memory_limit(c, 64ull << 20);
    eryx_config_set_max_callbacks(c, 0);
    eryx_config_set_callback_timeout(c, 0.001);
    eryx_config_set_output_handler(c, output_fn, NULL);
    eryx_config_set_trace(c, trace_fn, NULL, 1);
    eryx_config_add_callback(c, "echo", NULL, NULL, echo, NULL);
    eryx_config_add_callback(c, "ns.fail", NULL, NULL, fail, NULL);
    eryx_config_add_callback(c, "keep", NULL, NULL, keep, NULL);
    char err[256];
    if (eryx_sandbox_new(c, &sandbox, err, sizeof err) != ERYX_OK) abort();
    eryx_config_free(c);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    input in = {.data = data, .size = size};
    eryx_result *r = NULL;
    if (sandbox_execute_entry(sandbox, run_ops, &in, NULL, &r) != ERYX_OK) abort();
    char *json = eryx_result_to_json(r);
    if (!json || !json_valid(json, strlen(json)) || json[0] != '{' || strchr(json, '\n')) abort();
    const char *result = eryx_result_json(r);
    if (result && (!json_valid(result, strlen(result)) || strchr(result, '\n'))) abort();
    eryx_error_kind kind = eryx_result_error_kind(r);
    bool believed =
        kind == ERYX_ERROR_NONE || kind == ERYX_ERROR_EXCEPTION || kind == ERYX_ERROR_EXIT;
    if (in.reports != 1 && believed) abort();
    eryx_free(json);
    eryx_result_free(r);
    /* Calls kept from this execution are gone now: completing them is a
     * refusal (the next input may try again). */
    for (unsigned i = 0; i < kept_count && i < KEPT_MAX; i++) {
        if (eryx_call_complete(kept[i], "1") != ERYX_EINVAL) abort();
    }
    kept_count = 0;
    return 0;
}
