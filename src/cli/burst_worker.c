/*
 * burst_worker.c - trace bursts consumed on a second thread (see
 * burst_worker.h).
 *
 * A burst is handed over in `queued`; the worker takes it from there
 * (marking itself `busy` first). The caller waits only for a burst the
 * worker has taken: one still queued when the next comes (the worker was
 * asleep, and waking a CPU can take longer than many bursts) the caller
 * takes back and consumes itself, so the order stays and the guest never
 * waits for a wake-up. Each side spins a little before it sleeps.
 */
#include "burst_worker.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "clock.h"

struct burst {
    const eryx_trace_event *events;
    size_t count;
};

struct burst_worker {
    burst_consumer_fn fn;
    void *context;
    pthread_t thread;
    struct burst burst;             /* the one handed over */
    _Atomic(struct burst *) queued; /* &burst until taken, else NULL */
    atomic_bool busy;               /* the worker is consuming what it took */
    atomic_bool quit;               /* set under lock */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool worker_asleep, caller_asleep; /* under lock */
};

/* How long a side spins before it sleeps: longer than a burst takes to
 * run or to write. */
#define SPIN_NS 200000

/* Spins for up to SPIN_NS until `done(w)`; whether it came. */
static bool spin_until(struct burst_worker *w, bool (*done)(struct burst_worker *)) {
    uint64_t deadline = 0;
    for (unsigned i = 1;; i++) {
        if (done(w)) return true;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
        if (i % 64 == 0) {
            uint64_t t = monotonic_ns();
            if (deadline == 0)
                deadline = t + SPIN_NS;
            else if (t > deadline)
                return false;
        }
    }
}

static bool has_queued(struct burst_worker *w) {
    return atomic_load(&w->queued) != NULL;
}

/* Work, or the end: a worker told to quit stops spinning at once. */
static bool has_work_or_quit(struct burst_worker *w) {
    return has_queued(w) || atomic_load(&w->quit);
}

static bool is_idle(struct burst_worker *w) {
    return !atomic_load(&w->busy);
}

/* Waits for a burst to be queued, spinning first when `spin`; false when
 * told to quit. */
static bool await_work(struct burst_worker *w, bool spin) {
    if (spin && spin_until(w, has_work_or_quit)) return has_queued(w);
    pthread_mutex_lock(&w->lock);
    while (!has_work_or_quit(w)) {
        w->worker_asleep = true;
        pthread_cond_wait(&w->wake, &w->lock);
        w->worker_asleep = false;
    }
    bool quit = !has_queued(w);
    pthread_mutex_unlock(&w->lock);
    return !quit;
}

static void *worker_main(void *arg) {
    struct burst_worker *w = arg;
    /* Spinning pays only while bursts follow each other: not after the
     * job that starts the writer, which comes long before the first. A
     * burst the caller took back before this thread woke for it says they
     * do: without spinning then, every later one would be taken back too
     * (waking takes longer than a burst), and the guest would format them
     * all itself. */
    bool spin = false;
    while (await_work(w, spin)) {
        /* busy before taking: a caller that finds nothing queued then
         * waits for what was taken (both sequentially consistent). */
        atomic_store(&w->busy, true);
        struct burst *b = atomic_exchange(&w->queued, NULL);
        if (b != NULL) w->fn(w->context, b->events, b->count);
        spin = b == NULL || b->count > 0;
        atomic_store(&w->busy, false);
        pthread_mutex_lock(&w->lock);
        if (w->caller_asleep) pthread_cond_broadcast(&w->wake);
        pthread_mutex_unlock(&w->lock);
    }
    return NULL;
}

/* The CPUs this process may run on but for the caller's current one, so
 * that a spinning worker never takes the guest's CPU (a new or woken
 * thread is often put beside its creator); false when there is no other. */
static bool other_cpus(cpu_set_t *set) {
    int here = sched_getcpu();
    if (sched_getaffinity(0, sizeof *set, set) != 0 || here < 0 || here >= CPU_SETSIZE)
        return false;
    CPU_CLR(here, set);
    return CPU_COUNT(set) > 0;
}

struct burst_worker *burst_worker_start(burst_consumer_fn fn, void *context) {
    cpu_set_t cpus;
    if (!other_cpus(&cpus)) return NULL;
    struct burst_worker *w = malloc(sizeof *w);
    if (w == NULL) return NULL;
    *w = (struct burst_worker){.fn = fn, .context = context};
    /* Default attributes: these cannot fail on Linux. */
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    /* The thread inherits the mask: signals stay with the threads that
     * handle them (interrupt.h). */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    /* A small stack: the consumer formats and writes, nothing deep. */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_attr_setaffinity_np(&attr, sizeof cpus, &cpus);
    bool started = pthread_create(&w->thread, &attr, worker_main, w) == 0;
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!started) {
        atomic_store(&w->quit, true); /* no thread to join */
        burst_worker_stop(w);
        return NULL;
    }
    return w;
}

void burst_worker_deliver(struct burst_worker *w, const eryx_trace_event *events, size_t count) {
    burst_worker_drain(w);
    eryx_trace_kind last = count > 0 ? events[count - 1].kind : ERYX_TRACE_LINE;
    if (last == ERYX_TRACE_CALLBACK_START || last == ERYX_TRACE_CALLBACK_END) {
        /* A callback is about to run or has ended: it sees the file whole. */
        w->fn(w->context, events, count);
        return;
    }
    w->burst = (struct burst){events, count};
    atomic_store(&w->queued, &w->burst);
    pthread_mutex_lock(&w->lock);
    if (w->worker_asleep) pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

void burst_worker_drain(struct burst_worker *w) {
    if (w == NULL) return;
    struct burst *b = atomic_exchange(&w->queued, NULL);
    if (b != NULL) w->fn(w->context, b->events, b->count); /* not taken: ours */
    if (spin_until(w, is_idle)) return;
    pthread_mutex_lock(&w->lock);
    while (!is_idle(w)) {
        w->caller_asleep = true;
        pthread_cond_wait(&w->wake, &w->lock);
        w->caller_asleep = false;
    }
    pthread_mutex_unlock(&w->lock);
}

void burst_worker_stop(struct burst_worker *w) {
    if (w == NULL) return;
    pthread_mutex_lock(&w->lock);
    bool running = !atomic_load(&w->quit);
    atomic_store(&w->quit, true);
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
    if (running) pthread_join(w->thread, NULL);
    burst_worker_drain(w); /* what the thread left queued */
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
