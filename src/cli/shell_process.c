/*
 * shell_process.c - a shell command as a child process with pipes (see
 * shell_process.h).
 */
#include "shell_process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <unistd.h>

#include "io.h"

int spawn_shell(const char *command, pid_t *pid, int fds[3]) {
    int pipes[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};
    int err = 0;
    for (int k = 0; k < 3 && err == 0; k++)
        if (pipe2(pipes[k], O_CLOEXEC) != 0) err = errno;

    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    bool have_actions = false, have_attr = false;
    if (err == 0) err = posix_spawn_file_actions_init(&actions);
    if (err == 0) have_actions = true;
    if (err == 0) err = posix_spawnattr_init(&attr);
    if (err == 0) have_attr = true;
    /* The child's ends become its fds 0, 1, 2 (dup2 clears close-on-exec). */
    if (err == 0) err = posix_spawn_file_actions_adddup2(&actions, pipes[0][0], 0);
    if (err == 0) err = posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 1);
    if (err == 0) err = posix_spawn_file_actions_adddup2(&actions, pipes[2][1], 2);
    /* We ignore SIGPIPE, and an ignored signal stays ignored across exec:
     * give the command the default back (`yes | head` must end). No signal
     * blocked either, whatever the calling thread blocks. Its own process
     * group, so that a kill reaches what it starts. */
    sigset_t pipe_only, none;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigemptyset(&none);
    if (err == 0) err = posix_spawnattr_setsigdefault(&attr, &pipe_only);
    if (err == 0) err = posix_spawnattr_setsigmask(&attr, &none);
    if (err == 0) err = posix_spawnattr_setpgroup(&attr, 0);
    if (err == 0)
        err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
                                                  POSIX_SPAWN_SETPGROUP);
    if (err == 0) {
        char sh[] = "sh", dash_c[] = "-c";
        char *argv[] = {sh, dash_c, (char *)command, NULL};
        err = posix_spawn(pid, "/bin/sh", &actions, &attr, argv, environ);
        if (err != 0) *pid = 0;
    }
    if (have_actions) posix_spawn_file_actions_destroy(&actions);
    if (have_attr) posix_spawnattr_destroy(&attr);

    /* Keep our ends (stdin's write end, the read ends of the others). */
    for (int k = 0; k < 3; k++) {
        int ours = k == 0 ? 1 : 0;
        close_fd(&pipes[k][1 - ours]);
        if (err == 0) {
            fds[k] = pipes[k][ours];
            /* Non-blocking: the worker must never block on one command. */
            fcntl(fds[k], F_SETFL, fcntl(fds[k], F_GETFL) | O_NONBLOCK);
        } else {
            close_fd(&pipes[k][ours]);
            fds[k] = -1;
        }
    }
    return err;
}
