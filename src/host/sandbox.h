/*
 * sandbox.h - the sandbox object, shared by the files that implement the
 * public API (sandbox.c, snapshot.c) and the "eryx" imports.
 */
#ifndef ERYX_SANDBOX_H
#define ERYX_SANDBOX_H

#include "calls.h"
#include "code_cache.h"
#include "fs.h"
#include "result.h"
#include "step.h"
#include "trace.h"
#include "vm.h"

/* The state of the execution in progress on a vm. */
typedef struct {
    eryx_result *result;
    trace_run *trace; /* the sandbox's; trace->on when tracing */
    call_hub *calls;
    const callback_set *callbacks;
    const char *callbacks_json; /* list_callbacks() as JSON */
    double timeout_s;           /* wall-clock limit of this execution, 0: none */
    code_exec *code;            /* the compiled-code cache, NULL: not used */
} exec_state;

/* The execution running on vm, or NULL (while the image is built). */
exec_state *sandbox_exec_state(eryx_vm *vm);

struct eryx_config {
    double timeout_s;
    uint64_t memory_bytes;
    uint64_t output_limit;
    eryx_output_fn output_fn;
    void *output_userdata;
    callback_set callbacks;
    double callback_timeout_s;
    uint32_t max_callbacks;
    trace_sink trace;
    fs_config fs;             /* files, limits, mounts; see fs.h */
    vm_template *template;    /* a snapshot to start from (owned reference), NULL: the image */
    uint8_t snapshot_key[64]; /* HMAC key for snapshots, snapshot_key_len bytes (0: none) */
    size_t snapshot_key_len;
};

/* Output bytes held back because they end inside a UTF-8 sequence. */
typedef struct {
    char bytes[4];
    size_t len;
} held_utf8;

struct eryx_sandbox {
    eryx_config config;
    eryx_vm *vm;
    fs_ns ns; /* the vm's filesystem */
    call_hub *calls;
    char *callbacks_json;
    bool persistent;       /* a session: state kept between executions */
    bool dirty;            /* the vm ran code since it was last reset */
    atomic_bool busy;      /* an execution or state operation is running */
    trace_run trace;       /* trace delivery, buffers kept between executions */
    step_state *step;      /* a guest paused by a trace handler */
    code_cache code_cache; /* stateless sandboxes: compiled code of sources */
    code_exec code_exec;
    /* The execution in progress. */
    exec_state exec;
    bool running;
    uint64_t output_used;
    held_utf8 held[2]; /* stdout, stderr */
};

/* eryx_execute_ex with entry(vm, arg) as the guest call instead of the
 * guest's own entry point: the same set-up, limits, classification and
 * result. For fuzz/fuzz_imports.c, which calls the imports from there. */
eryx_status sandbox_execute_entry(eryx_sandbox *sandbox, vm_entry entry, void *arg,
                                  const eryx_exec_options *options, eryx_result **out);

/* Identity of this build (64 hex digits), written into snapshots so that a
 * blob is only restored by the build that can read it. */
extern const char build_identity[64];

/* Makes config->fs usable (the default filesystem on first use). 0 or an
 * eryx_status. */
eryx_status sandbox_config_fs(eryx_config *config);

/* A snapshot blob read into its parts (snapshot.c): the memory template and
 * the filesystem tree to start from. */
typedef struct {
    vm_template *template;
    memfs *tree;
} snapshot_state;

/* Checks and unpacks a blob as a template, with `key` (may be NULL when
 * key_len is 0) for its MAC. NULL or what is wrong. */
const char *snapshot_load(const void *blob, size_t len, const uint8_t *key, size_t key_len,
                          memfs_limits limits, snapshot_state *out);

#endif
