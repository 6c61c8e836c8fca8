/*
 * interrupt.h - Ctrl-C and termination signals (SIGINT, SIGTERM, SIGHUP)
 * turned into cancellation of the running execution.
 *
 * Why: callback commands run in process groups of their own, so a signal
 * that kills eryx would leave them running. With the handler installed, a
 * signal that arrives while an execution runs cancels it instead; the
 * command then kills and reaps its callback commands and ends with the same
 * signal (interrupts_die), as if the signal had killed it. A second signal
 * during the same execution ends the process at once, in case the cancel
 * does not take. A signal that arrives while no execution runs ends the
 * process as usual, except SIGINT when `catch_idle_sigint` is set (the
 * REPL, where Ctrl-C at the prompt discards the typed input): then it is
 * only reported through interrupts_fd().
 *
 * The handler only writes the signal number to a self-pipe (write is
 * async-signal-safe; eryx_sandbox_cancel is thread-safe but not documented
 * as async-signal-safe). A watcher thread per execution reads the pipe and
 * calls eryx_sandbox_cancel. The handler's state is the only global state
 * of the command-line tool: a handler has no other way to reach it.
 */
#ifndef ERYX_CLI_INTERRUPT_H
#define ERYX_CLI_INTERRUPT_H

#include <pthread.h>
#include <stdbool.h>

#include "eryx.h"

/* Installs the handler for SIGINT, SIGTERM and SIGHUP (those of them not
 * ignored: a signal ignored by our parent, like SIGHUP under nohup, stays
 * ignored). Returns false (after a message) when the self-pipe cannot be
 * made. */
bool interrupts_install(bool catch_idle_sigint);

/* Restores the previous dispositions and closes the self-pipe. */
void interrupts_uninstall(void);

/* The read end of the self-pipe (readable when a caught signal came in
 * while no execution ran), or -1 when not installed. */
int interrupts_fd(void);

/* Reads the self-pipe empty; returns the last signal number in it or 0. */
int interrupts_take(void);

/* Ends the process with signal `sig` as its default action would: restores
 * the default disposition, unblocks it and raises it. */
_Noreturn void interrupts_die(int sig);

/* The watcher of one execution. */
struct interrupt_watch {
    eryx_sandbox *sandbox;
    pthread_t thread;
    bool running; /* a watcher thread runs */
    int stop[2];  /* ends the watcher */
    int signal;   /* the signal that cancelled the execution, 0 if none */
};

/* Before an execution of `sandbox`: marks an execution as running (so that
 * signals cancel it) and starts a watcher thread when the handler is
 * installed. Without it (or without a thread) the execution runs
 * uncancellable, which is how it was before. */
void interrupt_watch_begin(struct interrupt_watch *watch, eryx_sandbox *sandbox);

/* After the execution: stops the watcher; returns the signal that
 * cancelled the execution, or 0. */
int interrupt_watch_end(struct interrupt_watch *watch);

#endif
