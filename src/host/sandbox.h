/*
 * sandbox.h - what the "eryx" imports need from the execution running them.
 */
#ifndef ERYX_SANDBOX_H
#define ERYX_SANDBOX_H

#include "calls.h"
#include "result.h"
#include "trace.h"
#include "vm.h"

/* The state of the execution in progress on a vm. */
typedef struct {
    eryx_result *result;
    trace_sink trace;
    call_hub *calls;
    const callback_set *callbacks;
    const char *callbacks_json; /* list_callbacks() as JSON */
} exec_state;

/* The execution running on vm, or NULL (while the image is built). */
exec_state *sandbox_exec_state(eryx_vm *vm);

#endif
