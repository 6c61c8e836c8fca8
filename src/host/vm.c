/*
 * vm.c - guest instances: creating and resetting them by mapping a template
 * (the image, vm_image.c, or a snapshot's state) copy-on-write, calling
 * into the guest, and stopping it from the host.
 */
#include "vm.h"

#include <errno.h>
#include <link.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "fs.h"
#include "watchdog.h"

/* ---- allocation ---- */

eryx_vm *vm_alloc(uint32_t limit_pages) {
    eryx_vm *vm = calloc(1, sizeof *vm);
    if (!vm) return NULL;
    vm->reservation =
        mmap(NULL, VM_RESERVATION, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (vm->reservation == MAP_FAILED) {
        free(vm);
        return NULL;
    }
    vm->limit_pages = limit_pages > VM_MAX_PAGES ? VM_MAX_PAGES : limit_pages;
    vm->wasi_ctx.vm = vm;
    vm->eryx_ctx.vm = vm;
    pthread_mutex_init(&vm->lock, NULL);
    monotonic_cond_init(&vm->wake);
    return vm;
}

void vm_free(eryx_vm *vm) {
    if (!vm) return;
    watchdog_disarm(vm);
    wasi_release(vm);
    munmap(vm->reservation, VM_RESERVATION);
    vm_written_free(vm);
    pthread_mutex_destroy(&vm->lock);
    pthread_cond_destroy(&vm->wake);
    free(vm);
}

/* ---- calling the guest ---- */

vm_stop vm_call(eryx_vm *vm, vm_entry fn, void *arg) {
    if (!vm_thread_setup()) {
        vm->trap_code = WASM_RT_TRAP_EXHAUSTION;
        return VM_STOP_STACK;
    }
    vm_claim_fault_handler();
    pthread_mutex_lock(&vm->lock);
    vm->running = true;
    atomic_store(&vm->stop, VM_RUNNING);
    pthread_mutex_unlock(&vm->lock);

    /* A guest call outside an execution's window (vm_dirty.c): what it
     * writes is not accounted for. */
    if (!vm->written.open) vm_written_forget(vm);
    jmp_buf trap;
    vm_thread_state saved = vm_thread;
    vm_thread.vm = vm;
    vm_thread.jmp = &trap;
    vm->in_host = 0;
    if (_setjmp(trap) == 0) fn(vm, arg);
    vm_thread.vm = saved.vm;
    vm_thread.jmp = saved.jmp;

    pthread_mutex_lock(&vm->lock);
    vm->running = false;
    if (vm->protected) {
        mprotect(vm->reservation, vm->guest.w2c_memory.size, PROT_READ | PROT_WRITE);
        vm->protected = false;
    }
    vm_stop stop = atomic_load(&vm->stop);
    pthread_mutex_unlock(&vm->lock);
    return stop;
}

_Noreturn void vm_unwind(eryx_vm *vm) {
    (void)vm;
    _longjmp(*vm_thread.jmp, 1);
}

/* ---- stopping ---- */

bool vm_interrupt(eryx_vm *vm, vm_stop reason) {
    pthread_mutex_lock(&vm->lock);
    bool running = vm->running;
    int expected = VM_RUNNING;
    if (vm->running && atomic_compare_exchange_strong(&vm->stop, &expected, reason)) {
        /* Any guest memory access now faults, so even a loop inside one C
         * function of the interpreter stops at once; imports see the stop
         * when they return. */
        if (!vm->protected &&
            mprotect(vm->reservation, vm->guest.w2c_memory.size, PROT_NONE) == 0) {
            vm->protected = true;
        }
        pthread_cond_broadcast(&vm->wake);
        if (vm->on_interrupt) vm->on_interrupt(vm->on_interrupt_arg);
    }
    pthread_mutex_unlock(&vm->lock);
    return running;
}

void vm_request_stop(eryx_vm *vm, vm_stop reason) {
    int expected = VM_RUNNING;
    atomic_compare_exchange_strong(&vm->stop, &expected, reason);
}

void vm_exit(eryx_vm *vm, int code) {
    vm->exit_code = code;
    vm_request_stop(vm, VM_STOP_EXIT);
}

bool vm_sleep_until(eryx_vm *vm, uint64_t deadline_ns) {
    pthread_mutex_lock(&vm->lock);
    while (!atomic_load(&vm->stop)) {
        if (monotonic_ns() >= deadline_ns) break;
        struct timespec ts = ns_timespec(deadline_ns);
        pthread_cond_timedwait(&vm->wake, &vm->lock, &ts);
    }
    bool woke_normally = !atomic_load(&vm->stop);
    pthread_mutex_unlock(&vm->lock);
    return woke_normally;
}

/* ---- templates: the state instances start from ---- */

/* The template's globals, with this instance's pointers. */
static void reset_globals(eryx_vm *vm, const vm_template *t) {
    const vm_template *image = vm_image();
    vm->guest = image->guest; /* the function table is the image's, made in this process */
    vm->guest.w2c___stack_pointer = t->guest.w2c___stack_pointer;
    vm->guest.w2c_memory.pages = t->pages;
    vm->guest.w2c_memory.size = (uint64_t)t->pages * VM_PAGE_SIZE;
    vm->guest.Z_eryx_instance = &vm->eryx_ctx;
    vm->guest.Z_wasi_snapshot_preview1_instance = &vm->wasi_ctx;
    vm->guest.w2c_memory.data = vm->reservation;
    vm->peak_pages = t->pages;
}

/* Drops the pages of linear memory beyond `keep` bytes (grown by the guest). */
static int drop_grown(eryx_vm *vm, size_t keep, size_t current) {
    if (current <= keep) return 0;
    return mmap(vm->reservation + keep, current - keep, PROT_NONE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) == MAP_FAILED
               ? -1
               : 0;
}

/* Maps template t over linear memory and drops every page beyond it. */
static int map_template(eryx_vm *vm, const vm_template *t) {
    size_t size = (size_t)t->pages * VM_PAGE_SIZE;
    size_t current = vm->guest.w2c_memory.data ? vm->guest.w2c_memory.size : 0;
    if (mmap(vm->reservation, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, t->fd,
             t->offset) == MAP_FAILED ||
        drop_grown(vm, size, current) != 0) {
        vm_written_forget(vm);
        return -1;
    }
    vm_written_none(vm);
    reset_globals(vm, t);
    return 0;
}

vm_template *vm_template_new(uint32_t pages, uint32_t stack_pointer, const eryx_wasi *table,
                             void (*fill)(uint8_t *memory, void *arg), void *arg) {
    const vm_template *image = vm_image();
    if (!image || !image->memory || pages < image->pages || pages > VM_MAX_PAGES) return NULL;
    vm_template *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    size_t size = (size_t)pages * VM_PAGE_SIZE, image_size = (size_t)image->pages * VM_PAGE_SIZE;
    t->fd = memfd_create("eryx-template", MFD_CLOEXEC);
    uint8_t *memory = MAP_FAILED;
    if (t->fd >= 0 && ftruncate(t->fd, (off_t)size) == 0)
        memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, t->fd, 0);
    if (memory == MAP_FAILED) {
        if (t->fd >= 0) close(t->fd);
        free(t);
        return NULL;
    }
    static const uint8_t zero[4096];
    for (size_t off = 0; off < image_size; off += 4096) /* zero pages stay holes */
        if (memcmp(image->memory + off, zero, 4096))
            memcpy(memory + off, image->memory + off, 4096);
    fill(memory, arg);
    mprotect(memory, size, PROT_READ);
    t->memory = memory;
    t->pages = pages;
    t->guest.w2c___stack_pointer = stack_pointer;
    memcpy(&t->wasi, table, sizeof *table);
    t->wasi.ns = NULL;
    atomic_init(&t->refs, 1);
    return t;
}

vm_template *vm_template_ref(vm_template *t) {
    if (t && !t->is_image) atomic_fetch_add(&t->refs, 1);
    return t;
}

void vm_template_unref(vm_template *t) {
    if (!t || t->is_image || atomic_fetch_sub(&t->refs, 1) != 1) return;
    munmap((void *)t->memory, (size_t)t->pages * VM_PAGE_SIZE);
    close(t->fd);
    free(t);
}

/* ---- instances ---- */

eryx_vm *vm_new(const vm_template *t, uint32_t limit_pages, fs_ns *ns) {
    if (!t || limit_pages < t->pages) return NULL;
    eryx_vm *vm = vm_alloc(limit_pages);
    if (!vm) return NULL;
    vm->template = t;
    vm->wasi.ns = ns;
    vm->wasi.max_fds = ns ? ns->config->max_fds : WASI_MAX_FDS;
    if (map_template(vm, t) != 0) {
        vm_free(vm);
        return NULL;
    }
    wasi_copy(vm, &t->wasi);
    return vm;
}

int vm_restore_state(eryx_vm *vm, uint32_t pages, uint32_t stack_pointer, const eryx_wasi *table) {
    const vm_template *image = vm_image();
    if (pages > vm->limit_pages || pages < image->pages) return -1;
    wasi_release(vm);
    /* Snapshot pages are what differs from the image: start from it. */
    if (map_template(vm, image) != 0) return -1;
    if (pages > image->pages &&
        mprotect(vm->reservation + (size_t)image->pages * VM_PAGE_SIZE,
                 (size_t)(pages - image->pages) * VM_PAGE_SIZE, PROT_READ | PROT_WRITE) != 0) {
        return -1;
    }
    vm->guest.w2c___stack_pointer = stack_pointer;
    vm->guest.w2c_memory.pages = pages;
    vm->guest.w2c_memory.size = (uint64_t)pages * VM_PAGE_SIZE;
    vm->peak_pages = pages;
    vm->foreign = true;
    vm_written_forget(vm); /* the caller writes the snapshot's pages */
    wasi_copy(vm, table);
    return 0;
}

int vm_reset(eryx_vm *vm) {
    const vm_template *t = vm->template;
    wasi_release(vm);
    size_t current = vm->guest.w2c_memory.size, size = (size_t)t->pages * VM_PAGE_SIZE;
    /* Copying back the written pages is only right when the memory below
     * the template's size still is the template's (not after a restore). */
    if (t->memory && !vm->foreign && current >= size && vm_written_restore(vm, t) == 0 &&
        drop_grown(vm, size, current) == 0) {
        reset_globals(vm, t);
    } else if (map_template(vm, t) != 0) {
        return -1;
    }
    vm->foreign = false;
    wasi_copy(vm, &t->wasi);
    return vm->wasi.ns && fs_ns_reset(vm->wasi.ns) != 0 ? -1 : 0;
}
