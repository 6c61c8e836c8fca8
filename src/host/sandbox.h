/*
 * sandbox.h - what the imports need from the sandbox running them.
 */
#ifndef ERYX_SANDBOX_H
#define ERYX_SANDBOX_H

#include "result.h"
#include "vm.h"

/* The result being built by the execution running on vm, or NULL (while the
 * image is built). */
eryx_result *sandbox_current_result(eryx_vm *vm);

#endif
