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
 * Invocations run concurrently: the eryx callback handler only spawns the
 * process and returns; one worker thread per set (started with the first
 * invocation) feeds every child's stdin, reads its stdout and stderr with
 * poll(), enforces the callback timeout, reaps it and completes the call.
 * One thread rather than one per invocation: the number of threads stays
 * bounded however many calls the guest makes at once, and deadlines, kills
 * and shutdown are handled in one place.
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

/* Kill deadline per invocation in seconds, counted from its start; 0: none.
 * Should equal the callback timeout of the config (default 10, as the
 * library's), so that a command the guest no longer waits for does not
 * linger. */
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
