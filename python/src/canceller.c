/*
 * canceller.c - cancellation of executions that cannot be lost, and Ctrl-C
 * (see eryxpy.h).
 *
 * Why: eryx_sandbox_cancel stops the interpreter that runs now; a cancel
 * that lands while an execution is starting (the sandbox being reset, the
 * code copied in) finds nothing running and does nothing. From Python the
 * execution has begun once execute() is called, so sandbox.cancel(), a
 * cancelled asyncio task and Ctrl-C must stop it whenever they come. Each
 * execution has a slot from start to end; a requested slot is cancelled at
 * once and again every 20 ms by one thread until its execution ends.
 *
 * Ctrl-C: while the main thread executes, the guest runs without the GIL
 * and Python's own SIGINT handler only sets a flag that nobody looks at. A
 * handler of ours, installed for the time of main-thread executions only,
 * wakes the thread through a pipe (write is async-signal-safe; cancelling
 * takes locks and is not) and then calls the handler it replaced, so that
 * Python raises KeyboardInterrupt (or runs the user's own handler) as soon
 * as the execution has stopped.
 */
#include "eryxpy.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

/* How often a requested cancel is repeated until its execution ends. */
#define REPEAT_MS 20

struct canceller_slot {
    struct canceller_slot *next;
    eryx_sandbox *sandbox;
    bool requested;
    bool catches_sigint;
    bool got_sigint;
};

/* Under `lock`: */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct canceller_slot *slots;
static bool thread_running;
static int sigint_slots; /* slots that catch SIGINT */
static bool handler_installed;
static struct sigaction previous; /* SIGINT's handler before ours; read by the handler */

static int wake_pipe[2] = {-1, -1}; /* 'S': a SIGINT came; 'W': a request */
static pthread_once_t pipe_once = PTHREAD_ONCE_INIT;

static void make_pipe(void) {
    if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) wake_pipe[0] = wake_pipe[1] = -1;
}

static void wake(char why) {
    if (wake_pipe[1] < 0) return;
    ssize_t n;
    do
        n = write(wake_pipe[1], &why, 1);
    while (n < 0 && errno == EINTR);
    /* A full pipe holds wake-ups enough. */
}

/* Only async-signal-safe calls. */
static void on_sigint(int sig, siginfo_t *info, void *uctx) {
    int saved = errno;
    wake('S');
    if (previous.sa_flags & SA_SIGINFO) {
        previous.sa_sigaction(sig, info, uctx);
    } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
        previous.sa_handler(sig);
    }
    errno = saved;
}

static void *canceller_main(void *arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&lock);
        bool pending = false;
        for (struct canceller_slot *s = slots; s != NULL; s = s->next)
            pending = pending || s->requested;
        pthread_mutex_unlock(&lock);

        struct pollfd p = {.fd = wake_pipe[0], .events = POLLIN};
        bool sigint = false;
        if (poll(&p, 1, pending ? REPEAT_MS : -1) > 0) {
            char buf[64];
            ssize_t n;
            while ((n = read(wake_pipe[0], buf, sizeof buf)) > 0)
                for (ssize_t i = 0; i < n; i++)
                    sigint = sigint || buf[i] == 'S';
        }
        pthread_mutex_lock(&lock);
        for (struct canceller_slot *s = slots; s != NULL; s = s->next) {
            if (sigint && s->catches_sigint) s->requested = s->got_sigint = true;
            if (s->requested) eryx_sandbox_cancel(s->sandbox);
        }
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

/* Starts the thread if it does not run (under lock). Signals stay with the
 * other threads. */
static void start_thread(void) {
    if (thread_running || wake_pipe[0] < 0) return;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t thread;
    if (pthread_create(&thread, NULL, canceller_main, NULL) == 0) {
        pthread_detach(thread);
        thread_running = true;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* In a child after fork() only the forking thread is left. */
static void after_fork_in_child(void) {
    pthread_mutex_init(&lock, NULL);
    thread_running = false;
}

/* Puts our SIGINT handler in place unless SIGINT is ignored or left to its
 * default action (then Ctrl-C does what it did). Under lock. */
static bool install_handler(void) {
    struct sigaction current;
    if (sigaction(SIGINT, NULL, &current) != 0) return false;
    if (!(current.sa_flags & SA_SIGINFO) &&
        (current.sa_handler == SIG_DFL || current.sa_handler == SIG_IGN))
        return false;
    previous = current;
    struct sigaction ours = {.sa_sigaction = on_sigint,
                             .sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART};
    ours.sa_mask = current.sa_mask;
    handler_installed = sigaction(SIGINT, &ours, NULL) == 0;
    return handler_installed;
}

/* Puts the previous handler back, unless someone replaced ours meanwhile
 * (a callback that called signal.signal). Under lock. */
static void uninstall_handler(void) {
    struct sigaction current;
    if (sigaction(SIGINT, NULL, &current) == 0 && (current.sa_flags & SA_SIGINFO) &&
        current.sa_sigaction == on_sigint)
        sigaction(SIGINT, &previous, NULL);
    handler_installed = false;
}

struct canceller_slot *canceller_begin(eryx_sandbox *sandbox, bool catch_sigint) {
    pthread_once(&pipe_once, make_pipe);
    struct canceller_slot *slot = calloc(1, sizeof *slot);
    if (slot == NULL) return NULL;
    slot->sandbox = sandbox;
    pthread_mutex_lock(&lock);
    if (catch_sigint && wake_pipe[0] >= 0) {
        slot->catches_sigint = handler_installed || install_handler();
        if (slot->catches_sigint) {
            sigint_slots++;
            start_thread();
        }
    }
    slot->next = slots;
    slots = slot;
    pthread_mutex_unlock(&lock);
    return slot;
}

void canceller_request(struct canceller_slot *slot) {
    if (slot == NULL) return;
    pthread_mutex_lock(&lock);
    slot->requested = true;
    eryx_sandbox_cancel(slot->sandbox);
    start_thread();
    pthread_mutex_unlock(&lock);
    wake('W');
}

bool canceller_end(struct canceller_slot *slot) {
    if (slot == NULL) return false;
    pthread_mutex_lock(&lock);
    for (struct canceller_slot **p = &slots; *p != NULL; p = &(*p)->next) {
        if (*p == slot) {
            *p = slot->next;
            break;
        }
    }
    if (slot->catches_sigint && --sigint_slots == 0 && handler_installed) uninstall_handler();
    bool got_sigint = slot->got_sigint;
    pthread_mutex_unlock(&lock);
    free(slot);
    return got_sigint;
}

/* Registered once, at module init. */
int canceller_init(void) {
    return pthread_atfork(NULL, NULL, after_fork_in_child) == 0 ? 0 : -1;
}
