/*
 * shell_process.h - starting `/bin/sh -c COMMAND` as a child process whose
 * stdin, stdout and stderr are pipes to us, in a process group of its own
 * (so that a kill of the group takes what it starts with it). Used by
 * --callback (shell_callback.c).
 */
#ifndef ERYX_CLI_SHELL_PROCESS_H
#define ERYX_CLI_SHELL_PROCESS_H

#include <sys/types.h>

/* Spawns `/bin/sh -c command` in its own process group with pipes for its
 * stdin, stdout and stderr, with the default disposition of SIGPIPE and no
 * signal blocked whatever the calling thread blocks. Returns 0, with the pid
 * in *pid and our ends in fds (0: the write end of its stdin; 1, 2: the read
 * ends of its stdout and stderr), non-blocking; or an errno (EMFILE, EAGAIN,
 * ...), with *pid 0 and fds -1. Every descriptor is created close-on-exec,
 * so that a command spawned at the same time from another thread cannot
 * inherit another command's pipes (which would delay that one's end of
 * file). */
int spawn_shell(const char *command, pid_t *pid, int fds[3]);

#endif
