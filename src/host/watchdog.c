/*
 * watchdog.c - one process-wide thread that fires execution deadlines.
 *
 * The thread is started by the first deadline armed. If it cannot be
 * created (the process or thread limit), arming fails and the execution
 * does not run (sandbox.c): a deadline nobody enforces would let the guest
 * run forever. The next arm tries again. After fork() the child has no
 * watchdog thread (only the forking thread survives): it starts its own.
 */
#include "watchdog.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "vm.h"

/* A vm armed but not running yet (its vm_call is about to start) is
 * retried this often. */
#define NOT_YET_RUNNING_NS 1000000u

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static eryx_vm *armed;              /* singly linked through vm->watch.next */
static bool started;                /* the thread runs (in this process) */
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
            uint64_t due = vm->watch.deadline_ns;
            if (due <= now && vm_interrupt(vm, VM_STOP_TIMEOUT)) {
                unlink_vm(vm);
                continue;
            }
            if (due <= now) due = now + NOT_YET_RUNNING_NS;
            if (due < next) next = due;
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

/* In a forked child: the parent's thread and its vms are not here. */
static void after_fork_in_child(void) {
    pthread_mutex_init(&lock, NULL);
    monotonic_cond_init(&changed);
    armed = NULL;
    started = false;
    sleeping_until = 0;
}

static void before_fork(void) {
    pthread_mutex_lock(&lock);
}

static void after_fork_in_parent(void) {
    pthread_mutex_unlock(&lock);
}

static void init(void) {
    monotonic_cond_init(&changed);
    pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child);
}

/* Starts the thread unless it runs (under lock). 0 or an errno. */
static int start(void) {
    if (started) return 0;
    pthread_t thread;
    pthread_attr_t tattr;
    int err = pthread_attr_init(&tattr);
    if (err) return err;
    pthread_attr_setdetachstate(&tattr, PTHREAD_CREATE_DETACHED);
    err = pthread_create(&thread, &tattr, watch, NULL);
    pthread_attr_destroy(&tattr);
    started = err == 0;
    return err;
}

int watchdog_arm(eryx_vm *vm, uint64_t deadline_ns) {
    pthread_once(&init_once, init);
    pthread_mutex_lock(&lock);
    int err = start();
    if (err == 0) {
        if (vm->watch.armed) unlink_vm(vm);
        vm->watch.deadline_ns = deadline_ns;
        vm->watch.next = armed;
        vm->watch.armed = true;
        armed = vm;
        /* Waking the thread costs a context switch: only when it sleeps
         * past this deadline. */
        if (deadline_ns < sleeping_until) pthread_cond_signal(&changed);
    }
    pthread_mutex_unlock(&lock);
    return err;
}

void watchdog_disarm(eryx_vm *vm) {
    pthread_once(&init_once, init);
    pthread_mutex_lock(&lock);
    if (vm->watch.armed) unlink_vm(vm);
    pthread_mutex_unlock(&lock);
}
