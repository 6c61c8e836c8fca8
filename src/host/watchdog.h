/*
 * watchdog.h - deadlines for running executions. One thread per process
 * sleeps until the earliest armed deadline and stops that vm with
 * vm_interrupt(vm, VM_STOP_TIMEOUT).
 */
#ifndef ERYX_WATCHDOG_H
#define ERYX_WATCHDOG_H

#include <stdint.h>

typedef struct eryx_vm eryx_vm;

/* Arms (or re-arms) the deadline of vm at CLOCK_MONOTONIC deadline_ns.
 * Returns 0, or the errno of pthread_create when the watchdog thread could
 * not be started (the deadline is then not armed; a later call retries). */
int watchdog_arm(eryx_vm *vm, uint64_t deadline_ns);

/* Disarms vm's deadline. When it returns, the watchdog is not touching vm. */
void watchdog_disarm(eryx_vm *vm);

#endif
