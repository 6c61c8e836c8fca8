/*
 * wasi_clock.c - the calls that are not about files: environment, clocks,
 * random, poll_oneoff, sched_yield, proc_exit, and the socket calls, which
 * are all refused.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* getrandom, CLOCK_THREAD_CPUTIME_ID */
#endif
#include <errno.h>
#include <sys/random.h>
#include <time.h>

#include "clock.h"
#include "wasi_impl.h"

enum {
    CLOCKID_REALTIME = 0,
    CLOCKID_MONOTONIC = 1,
    CLOCKID_PROCESS_CPUTIME = 2,
    CLOCKID_THREAD_CPUTIME = 3,

    EVENTTYPE_CLOCK = 0,
    EVENTTYPE_FD_READ = 1,
    EVENTTYPE_FD_WRITE = 2,
    SUBCLOCKFLAGS_ABSTIME = 1 << 0,
};

#define MAX_SUBSCRIPTIONS 4096 /* far more than the fds x 2 + timers */

/* ============== environment, clocks, random, poll, exit ============== */

static wasi_errno w_environ_sizes_get(eryx_vm *vm, u32 count_ptr, u32 size_ptr) {
    if (!vm_mem(vm, count_ptr, 4) || !vm_mem(vm, size_ptr, 4)) return WASI_EFAULT;
    vm_store_u32(vm, count_ptr, 0);
    vm_store_u32(vm, size_ptr, 0);
    return WASI_ESUCCESS;
}

/* The host clock behind a WASI clock id. CPU time is the calling thread's:
 * the process's would include every other sandbox. */
static bool host_clock(u32 id, clockid_t *out) {
    switch (id) {
    case CLOCKID_REALTIME:
        *out = CLOCK_REALTIME;
        return true;
    case CLOCKID_MONOTONIC:
        *out = CLOCK_MONOTONIC;
        return true;
    case CLOCKID_PROCESS_CPUTIME:
    case CLOCKID_THREAD_CPUTIME:
        *out = CLOCK_THREAD_CPUTIME_ID;
        return true;
    default:
        return false;
    }
}

static wasi_errno w_clock_get(eryx_vm *vm, u32 id, bool resolution, u32 ret) {
    clockid_t clock;
    if (!host_clock(id, &clock)) return WASI_EINVAL;
    struct timespec ts;
    if ((resolution ? clock_getres(clock, &ts) : clock_gettime(clock, &ts)) != 0)
        return WASI_EINVAL;
    return vm_store_u64(vm, ret, timespec_ns(ts)) ? WASI_ESUCCESS : WASI_EFAULT;
}

static wasi_errno w_random_get(eryx_vm *vm, u32 buf, u32 len) {
    uint8_t *p = vm_mem(vm, buf, len);
    if (!p) return WASI_EFAULT;
    size_t done = 0;
    while (done < len) { /* getrandom returns at most 32 MiB - 1 per call */
        ssize_t r = getrandom(p + done, len - done, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return WASI_EIO;
        done += (size_t)r;
    }
    return WASI_ESUCCESS;
}

/* Clocks read once per poll_oneoff so both passes see the same deadlines. */
typedef struct {
    uint64_t mono;
    uint64_t real;
} poll_now;

static uint64_t sat_add(uint64_t a, uint64_t b) {
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Monotonic deadline of a clock subscription (clock fields at offset 16 of a
 * subscription: id u32, timeout u64 at 24, precision u64 at 32, flags u16 at
 * 40), or the errno its event reports. */
static wasi_errno sub_deadline(const uint8_t *sub, const poll_now *now, uint64_t *deadline) {
    uint32_t id = get32(sub + 16);
    uint64_t timeout = get64(sub + 24);
    bool abs = get16(sub + 40) & SUBCLOCKFLAGS_ABSTIME;
    if (id == CLOCKID_PROCESS_CPUTIME || id == CLOCKID_THREAD_CPUTIME) return WASI_ENOTSUP;
    if (id != CLOCKID_REALTIME && id != CLOCKID_MONOTONIC) return WASI_EINVAL;
    if (abs && id == CLOCKID_MONOTONIC)
        *deadline = timeout;
    else if (abs) /* a realtime date: the same distance on the monotonic clock */
        *deadline = sat_add(now->mono, timeout > now->real ? timeout - now->real : 0);
    else
        *deadline = sat_add(now->mono, timeout);
    return WASI_ESUCCESS;
}

/* Readiness of an fd subscription: stdio is always ready (stdin at end of
 * file), so are files; anything else is an error. */
static wasi_errno fd_ready(eryx_vm *vm, uint8_t type, u32 fd, uint64_t *nbytes) {
    eryx_wasi_fd *f = wasi_fd_at(vm, fd);
    *nbytes = 0;
    if (!f) return WASI_EBADF;
    if (type == EVENTTYPE_FD_READ && f->kind == WASI_FD_STDIN) return WASI_ESUCCESS;
    if (type == EVENTTYPE_FD_WRITE && (f->kind == WASI_FD_STDOUT || f->kind == WASI_FD_STDERR))
        return WASI_ESUCCESS;
    if (f->kind == WASI_FD_FILE) { /* files are always ready, as on Linux */
        fs_stat st;
        const fs_mount *m = fd_mount(vm, f);
        int e = m->ops->fstat(vm->wasi.ns, m, f, &st);
        if (e) return fs_errno(e);
        *nbytes = type == EVENTTYPE_FD_READ && f->offset < st.size ? st.size - f->offset : 0;
        return WASI_ESUCCESS;
    }
    return WASI_EBADF;
}

/* Writes one 32-byte event: userdata, error u16 at 8, type u8 at 10,
 * fd_readwrite.nbytes u64 at 16, flags u16 at 24 (0). */
static void put_event(uint8_t *ev, uint64_t userdata, wasi_errno error, uint8_t type,
                      uint64_t nbytes) {
    memset(ev, 0, EVENT_SIZE);
    put64(ev, userdata);
    put16(ev + 8, (uint16_t)error);
    ev[10] = type;
    put64(ev + 16, nbytes);
}

/* Writes the events that are due: every fd subscription, every clock in error
 * and every clock whose deadline is <= limit. Returns their number and sets
 * *earliest to the first deadline still ahead. */
static uint32_t poll_due(eryx_vm *vm, const uint8_t *subs, u32 nsubs, const poll_now *now,
                         uint64_t limit, uint8_t *events, uint64_t *earliest) {
    uint32_t n = 0;
    *earliest = UINT64_MAX;
    for (u32 i = 0; i < nsubs; i++) {
        const uint8_t *sub = subs + (size_t)i * SUBSCRIPTION_SIZE;
        uint8_t type = sub[8];
        uint64_t value = 0; /* deadline or nbytes */
        wasi_errno e = type == EVENTTYPE_CLOCK ? sub_deadline(sub, now, &value)
                                               : fd_ready(vm, type, get32(sub + 16), &value);
        if (type == EVENTTYPE_CLOCK && !e && value > limit) {
            if (value < *earliest) *earliest = value;
            continue;
        }
        put_event(events + (size_t)n++ * EVENT_SIZE, get64(sub), e, type,
                  type == EVENTTYPE_CLOCK ? 0 : value);
    }
    return n;
}

static wasi_errno w_poll_oneoff(eryx_vm *vm, u32 in, u32 out, u32 nsubs, u32 ret) {
    if (nsubs == 0 || nsubs > MAX_SUBSCRIPTIONS) return WASI_EINVAL;
    const uint8_t *subs = vm_mem(vm, in, nsubs * SUBSCRIPTION_SIZE);
    uint8_t *events = vm_mem(vm, out, nsubs * EVENT_SIZE);
    if (!subs || !events || !vm_mem(vm, ret, 4)) return WASI_EFAULT;
    for (u32 i = 0; i < nsubs; i++)
        if (subs[(size_t)i * SUBSCRIPTION_SIZE + 8] > EVENTTYPE_FD_WRITE) return WASI_EINVAL;
    poll_now now = {clock_ns(CLOCK_MONOTONIC), clock_ns(CLOCK_REALTIME)};
    uint64_t earliest;
    uint32_t n = poll_due(vm, subs, nsubs, &now, now.mono, events, &earliest);
    /* Nothing due yet means only clocks are pending: sleep to the first. A
     * stop cuts the sleep short; the import then unwinds on return. */
    if (n == 0 && vm_sleep_until(vm, earliest)) {
        uint64_t t = clock_ns(CLOCK_MONOTONIC);
        n = poll_due(vm, subs, nsubs, &now, t > earliest ? t : earliest, events, &earliest);
    }
    vm_store_u32(vm, ret, n);
    return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_environ_get(wasi_ctx *ctx, u32 environ, u32 buf) {
    (void)environ, (void)buf; /* no variables: nothing to write */
    IMPORT(WASI_ESUCCESS);
}

u32 Z_wasi_snapshot_preview1Z_environ_sizes_get(wasi_ctx *ctx, u32 count, u32 size) {
    IMPORT(w_environ_sizes_get(vm, count, size));
}

u32 Z_wasi_snapshot_preview1Z_clock_res_get(wasi_ctx *ctx, u32 id, u32 ret) {
    IMPORT(w_clock_get(vm, id, true, ret));
}

u32 Z_wasi_snapshot_preview1Z_clock_time_get(wasi_ctx *ctx, u32 id, u64 precision, u32 ret) {
    (void)precision;
    IMPORT(w_clock_get(vm, id, false, ret));
}

u32 Z_wasi_snapshot_preview1Z_random_get(wasi_ctx *ctx, u32 buf, u32 len) {
    IMPORT(w_random_get(vm, buf, len));
}

u32 Z_wasi_snapshot_preview1Z_poll_oneoff(wasi_ctx *ctx, u32 in, u32 out, u32 nsubs, u32 ret) {
    IMPORT(w_poll_oneoff(vm, in, out, nsubs, ret));
}

/* Other guest threads do not exist, so there is nobody to yield to. */
u32 Z_wasi_snapshot_preview1Z_sched_yield(wasi_ctx *ctx) {
    IMPORT(WASI_ESUCCESS);
}

/* Never returns: vm_exit sets the stop, vm_unwind leaves from this boundary.
 * The import returns void, hence no VM_IMPORT_RETURN. */
void Z_wasi_snapshot_preview1Z_proc_exit(wasi_ctx *ctx, u32 code) {
    eryx_vm *vm = ctx->vm;
    VM_IMPORT_ENTER(vm);
    vm_exit(vm, (int)code);
    vm->in_host--;
    vm_unwind(vm);
}

/* No sockets exist, and none can be made: every socket call is NOTSUP,
 * whatever the fd, so a guest cannot probe the fd table through them. */

u32 Z_wasi_snapshot_preview1Z_sock_accept(wasi_ctx *ctx, u32 fd, u32 flags, u32 ret) {
    (void)fd, (void)flags, (void)ret;
    IMPORT(WASI_ENOTSUP);
}

u32 Z_wasi_snapshot_preview1Z_sock_recv(wasi_ctx *ctx, u32 fd, u32 iovs, u32 n, u32 flags,
                                        u32 ret_len, u32 ret_flags) {
    (void)fd, (void)iovs, (void)n, (void)flags, (void)ret_len, (void)ret_flags;
    IMPORT(WASI_ENOTSUP);
}

u32 Z_wasi_snapshot_preview1Z_sock_send(wasi_ctx *ctx, u32 fd, u32 iovs, u32 n, u32 flags,
                                        u32 ret) {
    (void)fd, (void)iovs, (void)n, (void)flags, (void)ret;
    IMPORT(WASI_ENOTSUP);
}

u32 Z_wasi_snapshot_preview1Z_sock_shutdown(wasi_ctx *ctx, u32 fd, u32 how) {
    (void)fd, (void)how;
    IMPORT(WASI_ENOTSUP);
}
