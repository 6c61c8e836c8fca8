/*
 * watchdog.c - one process-wide thread that fires execution deadlines.
 */
#include "watchdog.h"

#include <pthread.h>
#include <time.h>

#include "clock.h"
#include "vm.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed;
static eryx_vm *armed; /* singly linked through vm->watch.next */
static pthread_once_t start_once = PTHREAD_ONCE_INIT;
static int started;                 /* 1 running, -1 could not start */
static uint64_t sleeping_until = 0; /* the watchdog's wake-up time (UINT64_MAX: none) */

static void unlink_vm(eryx_vm *vm) {
    for (eryx_vm **p = &armed; *p; p = &(*p)->watch.next) {
        if (*p == vm) {
            *p = vm->watch.next;
            break;
        }
    }
    vm->watch.armed = false;
    vm->watch.next = NULL;
}

static void *watch(void *unused) {
    (void)unused;
    pthread_mutex_lock(&lock);
    for (;;) {
        uint64_t now = monotonic_ns(), next = UINT64_MAX;
        for (eryx_vm *vm = armed, *following; vm; vm = following) {
            following = vm->watch.next;
            if (vm->watch.deadline_ns <= now) {
                unlink_vm(vm);
                vm_interrupt(vm, VM_STOP_TIMEOUT);
            } else if (vm->watch.deadline_ns < next) {
                next = vm->watch.deadline_ns;
            }
        }
        sleeping_until = next;
        if (next == UINT64_MAX) {
            pthread_cond_wait(&changed, &lock);
        } else {
            struct timespec ts = ns_timespec(next);
            pthread_cond_timedwait(&changed, &lock, &ts);
        }
    }
    return NULL;
}

static void start(void) {
    monotonic_cond_init(&changed);
    pthread_t thread;
    pthread_attr_t tattr;
    pthread_attr_init(&tattr);
    pthread_attr_setdetachstate(&tattr, PTHREAD_CREATE_DETACHED);
    started = pthread_create(&thread, &tattr, watch, NULL) == 0 ? 1 : -1;
    pthread_attr_destroy(&tattr);
}

int watchdog_arm(eryx_vm *vm, uint64_t deadline_ns) {
    pthread_once(&start_once, start);
    if (started < 0) return -1;
    pthread_mutex_lock(&lock);
    if (vm->watch.armed) unlink_vm(vm);
    vm->watch.deadline_ns = deadline_ns;
    vm->watch.next = armed;
    vm->watch.armed = true;
    armed = vm;
    /* Waking the thread costs a context switch: only when it sleeps past
     * this deadline. */
    if (deadline_ns < sleeping_until) pthread_cond_signal(&changed);
    pthread_mutex_unlock(&lock);
    return 0;
}

void watchdog_disarm(eryx_vm *vm) {
    pthread_mutex_lock(&lock);
    if (vm->watch.armed) unlink_vm(vm);
    pthread_mutex_unlock(&lock);
}
