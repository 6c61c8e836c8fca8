/*
 * wasm_rt.c - the runtime behind wasm-rt.h that wasm2c output calls: traps,
 * linear memory, tables and function types.
 *
 * wabt's own wasm-rt-impl.c keeps one process-wide jmp_buf and sets up the
 * signal alt-stack only on the thread that initializes it, so it cannot run
 * instances on several threads. Here the trap target is per thread (the vm
 * running on it), every thread that runs guest code gets its own alt-stack,
 * and memory faults are told apart: a guest access beyond linear memory, a
 * forced stop (memory made inaccessible by vm_interrupt), a native stack
 * overflow, or a genuine host crash (passed on to the previous handler).
 */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "vm.h"

_Thread_local vm_thread_state vm_thread;

/* ---- traps ---- */

void wasm_rt_trap(wasm_rt_trap_t code) {
    eryx_vm *vm = vm_thread.vm;
    if (!vm) abort(); /* generated code runs only inside vm_call */
    vm->trap_code = code;
    int expected = VM_RUNNING;
    atomic_compare_exchange_strong(&vm->stop, &expected,
                                   code == WASM_RT_TRAP_EXHAUSTION ? VM_STOP_STACK : VM_STOP_TRAP);
    _longjmp(*vm_thread.jmp, 1);
}

const char *wasm_rt_strerror(wasm_rt_trap_t trap) {
    switch (trap) {
    case WASM_RT_TRAP_NONE:
        return "no trap";
    case WASM_RT_TRAP_OOB:
        return "out of bounds memory access";
    case WASM_RT_TRAP_INT_OVERFLOW:
        return "integer overflow";
    case WASM_RT_TRAP_DIV_BY_ZERO:
        return "integer divide by zero";
    case WASM_RT_TRAP_INVALID_CONVERSION:
        return "invalid conversion to integer";
    case WASM_RT_TRAP_UNREACHABLE:
        return "unreachable executed";
    case WASM_RT_TRAP_CALL_INDIRECT:
        return "indirect call type mismatch";
    case WASM_RT_TRAP_UNCAUGHT_EXCEPTION:
        return "uncaught exception";
    case WASM_RT_TRAP_EXHAUSTION:
        return "call stack exhausted";
    }
    return "unknown trap";
}

/* ---- signals ---- */

static struct sigaction previous_segv, previous_bus;
static pthread_mutex_t handler_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local bool chaining; /* inside a previous handler */

/* Hands a fault that is not ours to whoever handled it before us. */
static void chain(int sig, siginfo_t *si, void *uc) {
    struct sigaction *prev = sig == SIGBUS ? &previous_bus : &previous_segv;
    if (chaining) {
        /* That handler passed the fault back to us: nobody takes it. */
        signal(sig, SIG_DFL);
        return;
    }
    chaining = true;
    if (prev->sa_flags & SA_SIGINFO) {
        prev->sa_sigaction(sig, si, uc);
    } else if (prev->sa_handler == SIG_IGN || prev->sa_handler == SIG_DFL) {
        /* Re-raise with the default action: the faulting instruction runs again. */
        signal(sig, SIG_DFL);
    } else {
        prev->sa_handler(sig);
    }
    chaining = false;
}

static void on_fault(int sig, siginfo_t *si, void *uc) {
    eryx_vm *vm = vm_thread.vm;
    if (!vm) {
        chain(sig, si, uc);
        return;
    }
    uint8_t *addr = si->si_addr;
    bool in_memory = addr >= vm->reservation && addr < vm->reservation + VM_RESERVATION;
    if (vm->in_host) {
        /* A host import touched guest memory that vm_interrupt protected:
         * give it back, the import finishes and unwinds on return. */
        if (in_memory && atomic_load(&vm->stop)) {
            mprotect(vm->reservation, vm->guest.w2c_memory.size, PROT_READ | PROT_WRITE);
            return;
        }
        chain(sig, si, uc);
        return;
    }
    if (in_memory) {
        wasm_rt_trap(WASM_RT_TRAP_OOB); /* a pending stop takes precedence inside */
    }
    if (addr >= vm_thread.stack_lo - VM_STACK_SLACK && addr < vm_thread.stack_hi) {
        wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
    }
    chain(sig, si, uc);
}

/* Makes on_fault the handler of sig unless it is already, keeping the one
 * it replaces to chain to. */
static void claim(int sig, struct sigaction *previous) {
    struct sigaction current;
    if (sigaction(sig, NULL, &current) == 0 && (current.sa_flags & SA_SIGINFO) &&
        current.sa_sigaction == on_fault) {
        return;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    /* SA_NODEFER: we leave the handler by longjmp, which then need not
     * restore the signal mask. */
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, previous);
}

void vm_claim_fault_handler(void) {
    /* A host may install its own handler after ours (a crash reporter):
     * every guest call takes the signals back, chaining to that handler. */
    pthread_mutex_lock(&handler_lock);
    claim(SIGSEGV, &previous_segv);
    claim(SIGBUS, &previous_bus);
    pthread_mutex_unlock(&handler_lock);
}

/* The kernel keeps the main thread's stack this far from the mapping
 * below it (stack_guard_gap: 256 pages). */
#define MAIN_STACK_GAP (1024u * 1024u)
/* What the main thread's stack counts as when RLIMIT_STACK is unlimited. */
#define MAIN_STACK_UNLIMITED (8u * 1024u * 1024u)

/* The bounds of this thread's stack, and how low it can really grow. */
static void find_stack(void) {
    uint8_t *here = __builtin_frame_address(0), *lo = NULL, *hi = NULL;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        void *addr;
        size_t size;
        if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
            lo = addr;
            hi = lo + size;
        }
        pthread_attr_destroy(&attr);
    }
    bool main_thread = gettid() == getpid();
    struct rlimit rl;
    size_t limit = MAIN_STACK_UNLIMITED;
    if (main_thread && getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        limit = (size_t)rl.rlim_cur;
    }
    if (!lo || here < lo || here >= hi) {
        /* Unknown (no /proc for the main thread): what is left of the
         * rlimit, counting from here. */
        hi = here;
        lo = here - (limit < MAIN_STACK_UNLIMITED ? limit : MAIN_STACK_UNLIMITED) / 2;
    }
    uint8_t *floor = lo;
    if (main_thread) {
        /* The main stack grows on demand. Its reported size is the rlimit
         * (less the pages above __libc_stack_end), or less when a mapping
         * lies nearer: then the kernel's gap above that mapping is not
         * usable. Unlimited, it reaches down to that mapping. */
        if ((size_t)(hi - lo) + 64 * 1024 < limit) floor += MAIN_STACK_GAP;
        if (hi - floor > (ptrdiff_t)limit) floor = hi - limit;
    }
    vm_thread.stack_lo = lo;
    vm_thread.stack_hi = hi;
    vm_thread.stack_floor = floor;
    vm_thread.import_floor = floor + VM_IMPORT_STACK;
}

size_t vm_stack_left(void) {
    uint8_t *here = __builtin_frame_address(0);
    if (!vm_thread.ready || here < vm_thread.stack_floor) return 0;
    return (size_t)(here - vm_thread.stack_floor);
}

static pthread_key_t altstack_key;
static pthread_once_t altstack_key_once = PTHREAD_ONCE_INIT;

static void free_altstack(void *stack) {
    stack_t ss = {.ss_flags = SS_DISABLE};
    sigaltstack(&ss, NULL);
    munmap(stack, VM_ALTSTACK_SIZE);
}

static void make_altstack_key(void) {
    pthread_key_create(&altstack_key, free_altstack);
}

bool vm_thread_setup(void) {
    if (vm_thread.ready) return true;
    pthread_once(&altstack_key_once, make_altstack_key);

    stack_t old;
    if (sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE) &&
        old.ss_size >= VM_ALTSTACK_SIZE) {
        /* The host already gave this thread an alt-stack big enough. */
    } else {
        void *stack = mmap(NULL, VM_ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (stack == MAP_FAILED) return false;
        stack_t ss = {.ss_sp = stack, .ss_size = VM_ALTSTACK_SIZE, .ss_flags = 0};
        if (sigaltstack(&ss, NULL) != 0) {
            munmap(stack, VM_ALTSTACK_SIZE);
            return false;
        }
        pthread_setspecific(altstack_key, stack);
    }

    find_stack();
    vm_thread.ready = true;
    return true;
}

/* ---- runtime init: nothing process-wide beyond the handler above ---- */

static pthread_once_t module_once = PTHREAD_ONCE_INIT;

void wasm_rt_init(void) {}
bool wasm_rt_is_initialized(void) {
    return true;
}
void wasm_rt_free(void) {}

static void init_module(void) {
    Z_guest_init_module();
}
void vm_runtime_init(void) {
    pthread_once(&module_once, init_module);
}

/* ---- function types: interned once, while the module initializes ---- */

typedef struct {
    uint32_t params, results;
    wasm_rt_type_t types[];
} func_type;

static func_type **func_types;
static uint32_t func_type_count;

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
    /* Called only from Z_guest_init_module, under module_once. */
    func_type *ft = malloc(sizeof *ft + (params + results) * sizeof(wasm_rt_type_t));
    if (!ft) abort();
    ft->params = params;
    ft->results = results;
    va_list ap;
    va_start(ap, results);
    for (uint32_t i = 0; i < params + results; i++)
        ft->types[i] = va_arg(ap, wasm_rt_type_t);
    va_end(ap);
    size_t bytes = (params + results) * sizeof(wasm_rt_type_t);
    for (uint32_t i = 0; i < func_type_count; i++) {
        func_type *o = func_types[i];
        if (o->params == params && o->results == results && !memcmp(o->types, ft->types, bytes)) {
            free(ft);
            return i + 1;
        }
    }
    func_type **grown = realloc(func_types, (func_type_count + 1) * sizeof *grown);
    if (!grown) abort();
    func_types = grown;
    func_types[func_type_count++] = ft;
    return func_type_count;
}

/* ---- linear memory ---- */

void wasm_rt_allocate_memory(wasm_rt_memory_t *memory, uint32_t initial_pages, uint32_t max_pages) {
    eryx_vm *vm = vm_of_memory(memory);
    memory->data = vm->reservation;
    memory->pages = initial_pages;
    memory->max_pages = max_pages;
    memory->size = initial_pages * VM_PAGE_SIZE;
    if (initial_pages > vm->limit_pages ||
        mprotect(vm->reservation, memory->size, PROT_READ | PROT_WRITE) != 0) {
        wasm_rt_trap(WASM_RT_TRAP_OOB);
    }
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *memory, uint32_t delta) {
    /* The guest calls this, not an import, but it takes a lock: a stack
     * fault inside would unwind with the lock held. */
    vm_check_stack();
    eryx_vm *vm = vm_of_memory(memory);
    uint32_t old_pages = memory->pages;
    uint64_t new_pages = (uint64_t)old_pages + delta;
    if (new_pages > vm->limit_pages || new_pages > memory->max_pages) return UINT32_MAX;
    if (delta == 0) return old_pages;
    pthread_mutex_lock(&vm->lock);
    int rc = mprotect(vm->reservation + (size_t)old_pages * VM_PAGE_SIZE,
                      (size_t)delta * VM_PAGE_SIZE, PROT_READ | PROT_WRITE);
    if (rc == 0) {
        memory->pages = (uint32_t)new_pages;
        memory->size = (uint32_t)new_pages * VM_PAGE_SIZE;
        if (new_pages > vm->peak_pages) vm->peak_pages = (uint32_t)new_pages;
    }
    pthread_mutex_unlock(&vm->lock);
    return rc == 0 ? old_pages : UINT32_MAX;
}

void wasm_rt_free_memory(wasm_rt_memory_t *memory) {
    (void)memory; /* vm_free unmaps */
}

/* ---- tables: the guest's one funcref table is built once per process and
 * shared read-only (split_wasm2c.py makes indirect calls use the caller's
 * instance, so entries need not point at one) ---- */

void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t *table, uint32_t elements,
                                    uint32_t max_elements) {
    table->data = calloc(elements ? elements : 1, sizeof(wasm_rt_funcref_t));
    if (!table->data) abort();
    table->size = elements;
    table->max_size = max_elements;
}

void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t *table) {
    (void)table;
}
