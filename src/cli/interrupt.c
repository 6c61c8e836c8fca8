/*
 * interrupt.c - signals turned into cancellation (see interrupt.h).
 */
#include "interrupt.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The signals handled, and the dispositions they had before. */
static const int handled_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define NSIGNALS (sizeof handled_signals / sizeof handled_signals[0])

/* The handler's state: set up before the handler is installed (pipe ends,
 * catch flag) or by the main thread around each execution (executing,
 * pending); the handler only reads them, except `pending`. */
static volatile sig_atomic_t pipe_read_fd = -1, pipe_write_fd = -1;
static volatile sig_atomic_t catch_idle_int;
static volatile sig_atomic_t executing; /* an execution runs: cancel it */
static volatile sig_atomic_t pending;   /* a signal already asked for a cancel */
static struct sigaction old_actions[NSIGNALS];
static bool installed[NSIGNALS];

_Noreturn void interrupts_die(int sig) {
    /* Both calls are async-signal-safe, so the handler may use this too.
     * The signal is blocked while its handler runs: raise() leaves it
     * pending, and it kills on return from the handler. */
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    raise(sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    /* Not reached for the signals handled here (their default action is
     * to terminate), but _Noreturn must hold. */
    _exit(128 + sig);
}

/* The handler: see interrupt.h. Only async-signal-safe calls. */
static void on_signal(int sig) {
    int saved = errno;
    if (!executing && !(sig == SIGINT && catch_idle_int)) interrupts_die(sig);
    /* A second signal during one execution: the cancel has not taken. In
     * the REPL only for signals other than SIGINT (Ctrl-C twice there must
     * not end the REPL). */
    if (executing && pending && !(sig == SIGINT && catch_idle_int)) interrupts_die(sig);
    if (executing) pending = 1;
    unsigned char byte = (unsigned char)sig;
    ssize_t n = write(pipe_write_fd, &byte, 1); /* a full pipe has said enough */
    (void)n;
    errno = saved;
}

bool interrupts_install(bool catch_idle_sigint) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        fprintf(stderr, "eryx: cannot create a pipe: %s\n", strerror(errno));
        return false;
    }
    pipe_read_fd = fds[0];
    pipe_write_fd = fds[1];
    catch_idle_int = catch_idle_sigint;
    executing = 0;
    pending = 0;
    for (size_t i = 0; i < NSIGNALS; i++) {
        /* SA_RESTART: reads and writes elsewhere (stdio, the library) carry
         * on; poll() still returns at once with EINTR. */
        struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
        sigemptyset(&sa.sa_mask);
        installed[i] = false;
        if (sigaction(handled_signals[i], NULL, &old_actions[i]) != 0) continue;
        if (old_actions[i].sa_handler == SIG_IGN) continue; /* nohup and the like */
        installed[i] = sigaction(handled_signals[i], &sa, NULL) == 0;
    }
    return true;
}

void interrupts_uninstall(void) {
    for (size_t i = 0; i < NSIGNALS; i++) {
        if (installed[i]) sigaction(handled_signals[i], &old_actions[i], NULL);
        installed[i] = false;
    }
    if (pipe_read_fd >= 0) {
        close(pipe_read_fd);
        close(pipe_write_fd);
    }
    pipe_read_fd = pipe_write_fd = -1;
}

int interrupts_fd(void) {
    return pipe_read_fd;
}

int interrupts_take(void) {
    int sig = 0;
    unsigned char buf[64];
    ssize_t n;
    while (pipe_read_fd >= 0 && (n = read(pipe_read_fd, buf, sizeof buf)) > 0)
        sig = buf[n - 1];
    return sig;
}

/* The watcher thread: waits for a signal (a byte in the self-pipe) or the
 * end of the execution (a byte in the stop pipe). After a signal it
 * cancels, and cancels again every 50 ms until the end: a cancel that lands
 * before the execution has really started would otherwise be lost. */
static void *watcher_main(void *arg) {
    struct interrupt_watch *w = arg;
    for (;;) {
        struct pollfd p[2] = {{.fd = pipe_read_fd, .events = POLLIN},
                              {.fd = w->stop[0], .events = POLLIN}};
        if (poll(p, 2, w->signal != 0 ? 50 : -1) < 0) continue;
        if (p[1].revents != 0) return NULL;
        if (p[0].revents != 0) {
            int sig = interrupts_take();
            if (sig != 0) w->signal = sig;
        }
        if (w->signal != 0) eryx_sandbox_cancel(w->sandbox);
    }
}

void interrupt_watch_begin(struct interrupt_watch *w, eryx_sandbox *sandbox) {
    *w = (struct interrupt_watch){.sandbox = sandbox, .stop = {-1, -1}};
    if (pipe_read_fd < 0) return;
    if (pipe2(w->stop, O_CLOEXEC) != 0) {
        w->stop[0] = w->stop[1] = -1;
        return;
    }
    pending = 0;
    executing = 1;
    /* Signals stay with the other threads; the watcher only polls. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    w->running = pthread_create(&w->thread, NULL, watcher_main, w) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!w->running) executing = 0; /* no watcher: signals act as usual */
}

int interrupt_watch_end(struct interrupt_watch *w) {
    /* From here on signals take the idle path; one that came in between
     * is still in the pipe and counts for this execution. */
    executing = 0;
    if (w->running) {
        ssize_t n;
        do
            n = write(w->stop[1], "", 1);
        while (n < 0 && errno == EINTR);
        pthread_join(w->thread, NULL);
        w->running = false;
        int late = interrupts_take();
        if (w->signal == 0) w->signal = late;
    }
    for (int i = 0; i < 2; i++)
        if (w->stop[i] >= 0) close(w->stop[i]);
    w->stop[0] = w->stop[1] = -1;
    return w->signal;
}
