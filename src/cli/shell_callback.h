/*
 * shell_callback.h - `--callback NAME=COMMAND`: shell commands exposed to
 * the guest as async callbacks.
 *
 * Each invocation runs `/bin/sh -c COMMAND` with the arguments as one JSON
 * object and a newline on its stdin. Exit status 0: its stdout is the
 * result, as JSON when it is valid JSON, else as a JSON string (less one
 * trailing newline). Otherwise the call fails with the command's stderr
 * (trimmed) as the message, or "command exited with status N" / "command
 * killed by signal N" when stderr is empty.
 *
 * Invocations run concurrently: the eryx callback handler only queues the
 * call and returns; one worker thread per set (started with the first
 * invocation) starts the commands, at most SHELL_CALLBACK_MAX_RUNNING at
 * once (fewer under a low descriptor limit: each takes three of ours), the
 * rest waiting in order for a free slot; it feeds every child's stdin,
 * reads its stdout and stderr with poll(), enforces the callback timeout
 * (counted from the call, time in the queue included), reaps it and
 * completes the call. One thread rather than one per invocation: the number
 * of threads stays bounded however many calls the guest makes at once, and
 * deadlines, kills and shutdown are handled in one place. A command that
 * cannot start for want of descriptors or processes (EMFILE, EAGAIN) waits
 * for a running one to end; with none running its call fails with a clear
 * message ("cannot start the command: Too many open files ...").
 *
 * Memory: what the set holds for the calls (the arguments until written to
 * a command's stdin, what the commands wrote to stdout so far, a small
 * record per call) is at most SHELL_CALLBACK_MAX_HELD bytes in all. A call
 * whose arguments do not fit fails at once; a command whose output does not
 * fit is killed and its call fails. Either way the message says so.
 *
 * Each command runs in its own process group, so that a kill (timeout, end
 * of execution, exit) takes its own children (`sleep 5; echo`) with it.
 */
#ifndef ERYX_CLI_SHELL_CALLBACK_H
#define ERYX_CLI_SHELL_CALLBACK_H

#include <stddef.h>

#include "eryx.h"

/* Most bytes of a command's stdout taken as a result; beyond it the command
 * is killed and the call fails. Its stderr is kept up to 64 KiB. */
#define SHELL_CALLBACK_MAX_OUTPUT (16u << 20)

/* Seconds a command may outlive its callback timeout (see
 * shell_callbacks_set_timeout). */
#define SHELL_CALLBACK_GRACE 0.1

/* Most commands of one set running at once. */
#define SHELL_CALLBACK_MAX_RUNNING 64

/* Most bytes held for the calls of one set at once (see above). */
#define SHELL_CALLBACK_MAX_HELD ((size_t)64 << 20)

struct shell_callbacks;

/* A new, empty set; NULL when out of memory. Starts no thread. */
struct shell_callbacks *shell_callbacks_new(void);

/* Parses `spec` ("NAME=COMMAND") and registers the command in `config` as
 * callback NAME (description "shell command: COMMAND", a parameters schema
 * that accepts any object). NAME must be an identifier or dotted
 * identifiers, COMMAND non-empty. Returns 0, or -1 with a message in err
 * (a usage error for the caller to report). */
int shell_callbacks_add(struct shell_callbacks *set, eryx_config *config, const char *spec,
                        char *err, size_t errlen);

/* Kill deadline per invocation in seconds, counted from the call (time in
 * the queue included) plus SHELL_CALLBACK_GRACE; 0: none. Should equal the
 * callback timeout of the config (default 10, as the library's), so that a
 * command the guest no longer waits for does not linger, while the guest
 * sees the library's TimeoutError rather than our kill. */
void shell_callbacks_set_timeout(struct shell_callbacks *set, double seconds);

/* Kills the commands of every invocation started so far, without waiting:
 * called when an execution has ended, since nobody waits for them any more
 * (their calls are still completed, which is harmless). Calls made later
 * are not affected. NULL does nothing. */
void shell_callbacks_abandon(struct shell_callbacks *set);

/* Kills and reaps every command still running, completes their calls and
 * stops the worker thread; returns when all of that is done. Call it before
 * freeing the sandbox. The set stays usable (a later invocation starts a
 * new worker). NULL does nothing. */
void shell_callbacks_stop(struct shell_callbacks *set);

/* Stops (as above) and frees the set; NULL does nothing. The config that
 * the commands were registered in must not be used to run code any more. */
void shell_callbacks_free(struct shell_callbacks *set);

#endif
