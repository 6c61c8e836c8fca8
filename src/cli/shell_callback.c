/*
 * shell_callback.c - shell commands as async callbacks (see
 * shell_callback.h for the contract and the threading design).
 *
 * Ownership: the handler (on the thread running eryx_execute) creates a job
 * and hands it to the worker through `incoming` under the lock; from then on
 * only the worker touches it: queues it, starts its command when there is
 * room, completes its call and frees it. The lock guards only `incoming`,
 * the count of bytes held, the generation counters and the worker's
 * lifecycle flags, never I/O.
 */
#include "shell_callback.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../host/json.h"
#include "io.h"
#include "shell_process.h"

/* Bytes of a command's stderr kept for the error message. */
#define MAX_STDERR (64u * 1024)

/* Descriptors kept free for the rest of the process when the number of
 * commands at once is derived from RLIMIT_NOFILE. */
#define RESERVED_FDS 64

/* Why a job ended other than on its own; END_NONE while it runs (or waits)
 * normally. */
enum job_end { END_NONE, END_TIMEOUT, END_ABANDONED, END_OUTPUT, END_HELD, END_NOMEM, END_SPAWN };

/* One invocation: queued, then running. Owned by the worker once handed
 * over. */
struct job {
    struct job *next;
    eryx_call *call;
    pid_t pid;   /* 0 until started */
    int fds[3];  /* our ends of its stdin, stdout, stderr; -1 when closed */
    char *input; /* the arguments JSON and a newline, for its stdin; freed once written */
    size_t input_len, input_off;
    struct buffer out, err;   /* what it wrote */
    unsigned long generation; /* see shell_callbacks_abandon */
    double deadline;          /* monotonic seconds to kill it at, from the call; 0: none */
    double timeout;           /* for the message */
    const struct shell_command *command;
    enum job_end end;
    int spawn_error; /* END_SPAWN: the errno */
    bool reaped;
    int wait_status;
    double next_reap, reap_delay; /* backoff of waitpid polling once its pipes closed */
};

/* One --callback: the userdata of its eryx callback. */
struct shell_command {
    struct shell_callbacks *set;
    char *name;
    char *command;
};

struct shell_callbacks {
    pthread_mutex_t lock;
    /* Under the lock: */
    struct job *incoming; /* jobs not yet taken by the worker, newest first */
    size_t held;          /* bytes held for the calls: see SHELL_CALLBACK_MAX_HELD */
    bool worker_running, stopping;
    unsigned long generation;     /* of jobs started now */
    unsigned long abandoned_upto; /* jobs of this generation or older are to be killed */
    /* Set up before any execution, then read only: */
    pthread_t worker;
    int wake[2]; /* self-pipe: a byte wakes the worker's poll() */
    double timeout;
    struct shell_command **commands;
    size_t ncommands;
};

/* Seconds on the monotonic clock. */
static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wakes the worker. A full pipe already holds a pending wake-up, so
 * EAGAIN is fine. */
static void wake_worker(struct shell_callbacks *set) {
    ssize_t n;
    do
        n = write(set->wake[1], "", 1);
    while (n < 0 && errno == EINTR);
}

struct shell_callbacks *shell_callbacks_new(void) {
    struct shell_callbacks *set = calloc(1, sizeof *set);
    if (set == NULL) return NULL;
    if (pipe2(set->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        free(set);
        return NULL;
    }
    pthread_mutex_init(&set->lock, NULL);
    set->generation = 1;
    set->timeout = 10; /* the library's default callback timeout */
    return set;
}

void shell_callbacks_set_timeout(struct shell_callbacks *set, double seconds) {
    set->timeout = seconds;
}

/* ======================================================================
 * Starting a command (on the thread running eryx_execute)
 * ====================================================================== */

/* Bytes a job counts against SHELL_CALLBACK_MAX_HELD besides its data. */
#define JOB_OVERHEAD sizeof(struct job)

/* Counts n more bytes as held for the calls of `set`, unless that would pass
 * SHELL_CALLBACK_MAX_HELD. */
static bool held_take(struct shell_callbacks *set, size_t n) {
    pthread_mutex_lock(&set->lock);
    bool ok = n <= SHELL_CALLBACK_MAX_HELD - set->held;
    if (ok) set->held += n;
    pthread_mutex_unlock(&set->lock);
    return ok;
}

/* Counts n bytes fewer as held. */
static void held_release(struct shell_callbacks *set, size_t n) {
    pthread_mutex_lock(&set->lock);
    set->held -= n;
    pthread_mutex_unlock(&set->lock);
}

/* Frees the input of j once it is written or no longer wanted. */
static void job_drop_input(struct job *j) {
    if (j->input == NULL) return;
    free(j->input);
    j->input = NULL;
    held_release(j->command->set, j->input_len);
}

/* Frees a job whose fds are closed and whose call is completed. */
static void job_free(struct job *j) {
    for (int k = 0; k < 3; k++)
        close_fd(&j->fds[k]);
    job_drop_input(j);
    held_release(j->command->set, j->out.len + JOB_OVERHEAD);
    buffer_free(&j->out);
    buffer_free(&j->err);
    free(j);
}

static void *worker_main(void *arg);

/* Starts the worker thread if it is not running; call with the lock held.
 * The thread blocks every signal, so that signals (Ctrl-C in the REPL) are
 * handled by the other threads. Returns 0 or an errno. */
static int ensure_worker(struct shell_callbacks *set) {
    if (set->worker_running) return 0;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int err = pthread_create(&set->worker, NULL, worker_main, set);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err == 0) set->worker_running = true;
    return err;
}

/* Kills the process group of j and j itself (in case it left the group),
 * then closes our pipe ends and frees its data: whatever it would still
 * write is not wanted, and a grandchild that escaped the kill must not keep
 * us waiting. Only ever done before j is reaped, so its pid cannot have
 * been reused; a job never started has no process to kill. */
static void job_kill(struct job *j, enum job_end why) {
    if (j->end != END_NONE || j->reaped || j->pid <= 0) return;
    j->end = why;
    kill(-j->pid, SIGKILL);
    kill(j->pid, SIGKILL);
    for (int k = 0; k < 3; k++)
        close_fd(&j->fds[k]);
    /* Nor is what it wrote: its room goes back to the others at once. */
    job_drop_input(j);
    held_release(j->command->set, j->out.len);
    buffer_free(&j->out);
    j->next_reap = 0;
    j->reap_delay = 0;
}

/* The eryx_callback_fn of every --callback: queues the call for the worker,
 * which starts the command when there is room and completes the call. */
static void shell_callback_invoke(void *userdata, eryx_call *call, const char *args_json) {
    struct shell_command *cmd = userdata;
    struct shell_callbacks *set = cmd->set;
    if (args_json == NULL) args_json = "{}";
    size_t args_len = strlen(args_json);
    if (args_len > SHELL_CALLBACK_MAX_HELD || !held_take(set, args_len + 1 + JOB_OVERHEAD)) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "arguments of %zu bytes do not fit: shell callbacks hold at most %zu MiB at once",
                 args_len, (size_t)SHELL_CALLBACK_MAX_HELD >> 20);
        eryx_call_fail(call, msg);
        return;
    }
    struct job *j = calloc(1, sizeof *j);
    char *input = j != NULL ? malloc(args_len + 1) : NULL;
    if (input == NULL) {
        free(j);
        held_release(set, args_len + 1 + JOB_OVERHEAD);
        eryx_call_fail(call, "out of memory");
        return;
    }
    memcpy(input, args_json, args_len);
    input[args_len] = '\n'; /* line-based tools (`read`, `head -n1`) want one */
    /* The deadline counts from the call, time in the queue included, as
     * the library's callback timeout does, which is to come first. */
    *j = (struct job){
        .call = call,
        .fds = {-1, -1, -1},
        .input = input,
        .input_len = args_len + 1,
        .timeout = set->timeout,
        .deadline = set->timeout > 0 ? now_seconds() + set->timeout + SHELL_CALLBACK_GRACE : 0,
        .command = cmd};

    pthread_mutex_lock(&set->lock);
    int err = ensure_worker(set);
    if (err == 0) {
        j->generation = set->generation;
        j->next = set->incoming;
        set->incoming = j;
    }
    pthread_mutex_unlock(&set->lock);
    if (err != 0) {
        job_free(j);
        char msg[256];
        snprintf(msg, sizeof msg, "cannot start a thread: %s", strerror(err));
        eryx_call_fail(call, msg);
        return;
    }
    wake_worker(set);
}

/* ======================================================================
 * The worker
 * ====================================================================== */

/* The bytes of s[0, len) without leading and trailing whitespace: sets
 * *start and returns the new length. */
static size_t trim(const char *s, size_t len, size_t *start) {
    static const char space[] = " \t\n\r\v\f";
    size_t a = 0;
    while (a < len && memchr(space, s[a], sizeof space - 1) != NULL)
        a++;
    while (len > a && memchr(space, s[len - 1], sizeof space - 1) != NULL)
        len--;
    *start = a;
    return len - a;
}

/* Completes the call of a command that exited with status 0: its stdout
 * as JSON when it is JSON, else as a JSON string without one trailing
 * newline. */
static void complete_with_output(eryx_call *call, struct buffer *out) {
    if (out->data == NULL && !buffer_append(out, "", 0)) {
        eryx_call_fail(call, "out of memory");
        return;
    }
    if (json_valid(out->data, out->len)) {
        /* Valid JSON holds no NUL byte, so the trimmed text can be cut
         * with one. */
        size_t start, len = trim(out->data, out->len, &start);
        out->data[start + len] = '\0';
        eryx_call_complete(call, out->data + start);
        return;
    }
    size_t len = out->len;
    if (len > 0 && out->data[len - 1] == '\n') len--;
    char *quoted = json_quote(out->data, len, NULL);
    if (quoted == NULL)
        eryx_call_fail(call, "out of memory");
    else
        eryx_call_complete(call, quoted);
    free(quoted);
}

/* Completes the call of a reaped (or never started) job according to how
 * it ended. */
static void job_complete(struct job *j) {
    char msg[160];
    switch (j->end) {
    case END_TIMEOUT:
        snprintf(msg, sizeof msg, "command timed out after %g s", j->timeout);
        eryx_call_fail(j->call, msg);
        return;
    case END_ABANDONED:
        eryx_call_fail(j->call, "command killed: the execution has ended");
        return;
    case END_OUTPUT:
        snprintf(msg, sizeof msg, "command output exceeds %u bytes", SHELL_CALLBACK_MAX_OUTPUT);
        eryx_call_fail(j->call, msg);
        return;
    case END_HELD:
        snprintf(msg, sizeof msg,
                 "command output does not fit: shell callbacks hold at most %zu MiB at once",
                 (size_t)SHELL_CALLBACK_MAX_HELD >> 20);
        eryx_call_fail(j->call, msg);
        return;
    case END_NOMEM:
        eryx_call_fail(j->call, "out of memory");
        return;
    case END_SPAWN:
        snprintf(msg, sizeof msg, "cannot start the command: %s%s", strerror(j->spawn_error),
                 j->spawn_error == EAGAIN ? " (the process limit, ulimit -u?)"
                 : j->spawn_error == EMFILE || j->spawn_error == ENFILE
                     ? " (the descriptor limit, ulimit -n?)"
                     : "");
        eryx_call_fail(j->call, msg);
        return;
    case END_NONE:
        break;
    }
    int st = j->wait_status;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        complete_with_output(j->call, &j->out);
        return;
    }
    size_t start = 0, len = j->err.data != NULL ? trim(j->err.data, j->err.len, &start) : 0;
    if (len > 0) {
        /* Trimmed in place: the message ends at the first NUL anyway. */
        j->err.data[start + len] = '\0';
        eryx_call_fail(j->call, j->err.data + start);
    } else {
        if (WIFSIGNALED(st))
            snprintf(msg, sizeof msg, "command killed by signal %d", WTERMSIG(st));
        else
            snprintf(msg, sizeof msg, "command exited with status %d", WEXITSTATUS(st));
        eryx_call_fail(j->call, msg);
    }
}

/* Feeds the command's stdin as far as the pipe takes it; closes it when
 * all is written or the command stopped reading (EPIPE). */
static void job_write_input(struct job *j) {
    ssize_t n = write(j->fds[0], j->input + j->input_off, j->input_len - j->input_off);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n > 0) j->input_off += (size_t)n;
    if (n < 0 || j->input_off == j->input_len) {
        close_fd(&j->fds[0]);
        job_drop_input(j);
    }
}

/* Reads what is available from the command's stdout (k 1) or stderr (k 2).
 * End of file or an error closes the pipe. */
static void job_read_output(struct job *j, int k) {
    char chunk[64 * 1024];
    ssize_t n = read(j->fds[k], chunk, sizeof chunk);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
        close_fd(&j->fds[k]);
        return;
    }
    size_t got = (size_t)n;
    if (k == 1) {
        if (j->out.len + got > SHELL_CALLBACK_MAX_OUTPUT) {
            job_kill(j, END_OUTPUT);
        } else if (!held_take(j->command->set, got)) {
            job_kill(j, END_HELD);
        } else if (!buffer_append(&j->out, chunk, got)) {
            held_release(j->command->set, got);
            job_kill(j, END_NOMEM);
        }
    } else if (j->err.len < MAX_STDERR) {
        /* Beyond the cap stderr is drained and dropped. */
        size_t keep = MAX_STDERR - j->err.len < got ? MAX_STDERR - j->err.len : got;
        if (!buffer_append(&j->err, chunk, keep)) job_kill(j, END_NOMEM);
    }
}

/* Once the command's stdout and stderr are closed, it is about to exit (or
 * was killed): tries to reap it without blocking, backing off from 1 ms to
 * 64 ms between tries. */
static void job_try_reap(struct job *j, double now) {
    if (j->reaped || j->fds[1] >= 0 || j->fds[2] >= 0 || now < j->next_reap) return;
    close_fd(&j->fds[0]);
    job_drop_input(j);
    pid_t r = waitpid(j->pid, &j->wait_status, WNOHANG);
    if (r == j->pid || (r < 0 && errno == ECHILD)) {
        j->reaped = true;
        return;
    }
    j->reap_delay =
        j->reap_delay == 0 ? 0.001 : (j->reap_delay < 0.064 ? j->reap_delay * 2 : 0.064);
    j->next_reap = now + j->reap_delay;
}

/* The poll() timeout in ms until the earliest deadline or reap retry of
 * the jobs (running or queued); -1 when there is none. */
static int next_timeout_ms(const struct job *const lists[2], double now) {
    double wait = -1;
    for (int l = 0; l < 2; l++) {
        for (const struct job *j = lists[l]; j != NULL; j = j->next) {
            double at = -1;
            if (j->end == END_NONE && j->deadline > 0) at = j->deadline;
            if (j->pid > 0 && !j->reaped && j->fds[1] < 0 && j->fds[2] < 0 &&
                (at < 0 || j->next_reap < at))
                at = j->next_reap;
            if (at < 0) continue;
            double w = at > now ? at - now : 0;
            if (wait < 0 || w < wait) wait = w;
        }
    }
    if (wait < 0) return -1;
    double ms = wait * 1000 + 1; /* round up: waking early would spin */
    return ms > 60000 ? 60000 : (int)ms;
}

/* The worker's poll set: the wake pipe, then each open pipe of each job. */
struct poll_set {
    struct pollfd *fds;
    struct job **jobs; /* jobs[i], which[i]: the owner of fds[i] (i >= 1) */
    int *which;
    size_t cap;
};

/* Makes room for n entries. False when out of memory. */
static bool poll_set_reserve(struct poll_set *ps, size_t n) {
    if (n <= ps->cap) return true;
    size_t cap = n * 2;
    struct pollfd *fds = realloc(ps->fds, cap * sizeof *fds);
    if (fds != NULL) ps->fds = fds;
    struct job **jobs = fds != NULL ? realloc(ps->jobs, cap * sizeof *jobs) : NULL;
    if (jobs != NULL) ps->jobs = jobs;
    int *which = jobs != NULL ? realloc(ps->which, cap * sizeof *which) : NULL;
    if (which == NULL) return false;
    ps->which = which;
    ps->cap = cap;
    return true;
}

/* How many commands run at once: SHELL_CALLBACK_MAX_RUNNING, fewer when
 * the descriptor limit is low (each takes 3 of ours, 6 while it starts). */
static size_t max_running(void) {
    size_t n = SHELL_CALLBACK_MAX_RUNNING;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        rlim_t room =
            rl.rlim_cur > 2 * RESERVED_FDS ? (rl.rlim_cur - RESERVED_FDS) / 4 : rl.rlim_cur / 8;
        if (room < n) n = (size_t)room;
    }
    return n > 0 ? n : 1;
}

/* Whether a command could not start for want of a resource that a running
 * command gives back when it ends. */
static bool is_resource_error(int err) {
    return err == EMFILE || err == ENFILE || err == EAGAIN || err == ENOMEM;
}

/* Moves the jobs handed over since last time to the end of the queue,
 * oldest first (incoming is newest first). Call with the lock held. */
static void take_incoming(struct shell_callbacks *set, struct job **queued) {
    struct job *oldest_first = NULL;
    while (set->incoming != NULL) {
        struct job *j = set->incoming;
        set->incoming = j->next;
        j->next = oldest_first;
        oldest_first = j;
    }
    while (*queued != NULL)
        queued = &(*queued)->next;
    *queued = oldest_first;
}

/* The worker thread: see the top of shell_callback.h. */
static void *worker_main(void *arg) {
    struct shell_callbacks *set = arg;
    struct job *active = NULL, *queued = NULL;
    size_t limit = max_running();
    /* A start failed for want of resources while commands ran: the queue
     * waits until one of them ends. */
    bool starts_blocked = false;
    struct poll_set ps = {0};
    for (;;) {
        pthread_mutex_lock(&set->lock);
        take_incoming(set, &queued);
        bool stopping = set->stopping;
        unsigned long abandoned_upto = set->abandoned_upto;
        if (stopping && active == NULL && queued == NULL) {
            /* Leaving under the lock: a job can no longer be queued
             * unseen, and a later invocation starts a new worker. */
            set->worker_running = false;
            pthread_mutex_unlock(&set->lock);
            break;
        }
        pthread_mutex_unlock(&set->lock);

        double now = now_seconds();
        size_t njobs = 0;
        for (struct job **link = &active; *link != NULL;) {
            struct job *j = *link;
            if (stopping || j->generation <= abandoned_upto)
                job_kill(j, END_ABANDONED);
            else if (j->deadline > 0 && now >= j->deadline)
                job_kill(j, END_TIMEOUT);
            job_try_reap(j, now);
            if (j->reaped) {
                *link = j->next;
                job_complete(j);
                job_free(j);
                starts_blocked = false;
            } else {
                link = &j->next;
                njobs++;
            }
        }
        /* Start queued jobs while there is room; fail those that are no
         * longer wanted or cannot start. */
        for (struct job **link = &queued; *link != NULL;) {
            struct job *j = *link;
            if (stopping || j->generation <= abandoned_upto) {
                j->end = END_ABANDONED;
            } else if (j->deadline > 0 && now >= j->deadline) {
                j->end = END_TIMEOUT;
            } else if (njobs < limit && !starts_blocked) {
                int err = spawn_shell(j->command->command, &j->pid, j->fds);
                if (err == 0) {
                    *link = j->next;
                    j->next = active;
                    active = j;
                    njobs++;
                    continue;
                }
                if (njobs > 0 && is_resource_error(err)) {
                    starts_blocked = true;
                } else {
                    j->end = END_SPAWN;
                    j->spawn_error = err;
                }
            }
            if (j->end != END_NONE) {
                *link = j->next;
                job_complete(j);
                job_free(j);
            } else {
                link = &j->next;
            }
        }
        if (stopping && active == NULL) continue; /* leave through the check above */

        if (!poll_set_reserve(&ps, 1 + 3 * njobs)) {
            /* Without a poll set no pipe can be served: give up on every
             * command (reaping needs no poll set). */
            for (struct job *j = active; j != NULL; j = j->next)
                job_kill(j, END_NOMEM);
        }
        size_t n = 0;
        if (ps.cap > 0) {
            ps.fds[n++] = (struct pollfd){.fd = set->wake[0], .events = POLLIN};
            for (struct job *j = active; j != NULL && n < ps.cap; j = j->next) {
                for (int k = 0; k < 3; k++) {
                    if (j->fds[k] < 0) continue;
                    ps.fds[n] =
                        (struct pollfd){.fd = j->fds[k], .events = k == 0 ? POLLOUT : POLLIN};
                    ps.jobs[n] = j;
                    ps.which[n++] = k;
                }
            }
        }
        int timeout = next_timeout_ms((const struct job *const[2]){active, queued}, now);
        if (n == 0) {
            /* Only reaps pending (and no memory for a poll set). */
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
            continue;
        }
        if (poll(ps.fds, (nfds_t)n, timeout) < 0) continue; /* EINTR */
        if (ps.fds[0].revents != 0) {
            char drain[256];
            while (read(set->wake[0], drain, sizeof drain) > 0) {
            }
        }
        for (size_t i = 1; i < n; i++) {
            struct job *j = ps.jobs[i];
            int k = ps.which[i];
            /* A kill earlier in this loop may have closed it already. */
            if (ps.fds[i].revents == 0 || j->fds[k] < 0) continue;
            if (k == 0)
                job_write_input(j);
            else
                job_read_output(j, k);
        }
    }
    free(ps.fds);
    free(ps.jobs);
    free(ps.which);
    return NULL;
}

/* ======================================================================
 * Registration and lifecycle
 * ====================================================================== */

/* Whether name is an identifier or dotted identifiers (ASCII letters,
 * digits, '_'; no empty part, no leading digit). Keywords are left to the
 * library to refuse. */
static bool valid_callback_name(const char *name, size_t len) {
    bool at_start = true;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        bool digit = c >= '0' && c <= '9';
        if (c == '.') {
            if (at_start) return false;
            at_start = true;
        } else if (alpha || (digit && !at_start)) {
            at_start = false;
        } else {
            return false;
        }
    }
    return len > 0 && !at_start;
}

/* Frees one command. */
static void command_free(struct shell_command *cmd) {
    if (cmd == NULL) return;
    free(cmd->name);
    free(cmd->command);
    free(cmd);
}

int shell_callbacks_add(struct shell_callbacks *set, eryx_config *config, const char *spec,
                        char *err, size_t errlen) {
    const char *eq = strchr(spec, '=');
    if (eq == NULL) {
        snprintf(err, errlen, "invalid --callback '%s' (expected NAME=COMMAND)", spec);
        return -1;
    }
    size_t name_len = (size_t)(eq - spec);
    if (name_len == 0 || eq[1] == '\0') {
        snprintf(err, errlen, "invalid --callback '%s' (NAME and COMMAND must not be empty)", spec);
        return -1;
    }
    if (!valid_callback_name(spec, name_len)) {
        snprintf(err, errlen,
                 "invalid callback name '%.*s' (expected an identifier or dotted identifiers, "
                 "like get_time or http.get)",
                 (int)name_len, spec);
        return -1;
    }
    for (size_t i = 0; i < set->ncommands; i++) {
        if (strlen(set->commands[i]->name) == name_len &&
            memcmp(set->commands[i]->name, spec, name_len) == 0) {
            snprintf(err, errlen, "callback '%.*s' given more than once", (int)name_len, spec);
            return -1;
        }
    }
    struct shell_command *cmd = calloc(1, sizeof *cmd);
    struct shell_command **list = realloc(set->commands, (set->ncommands + 1) * sizeof *list);
    if (list != NULL) set->commands = list;
    char *description = NULL;
    if (cmd != NULL) {
        cmd->set = set;
        cmd->name = strndup(spec, name_len);
        cmd->command = strdup(eq + 1);
        size_t dlen = strlen(eq + 1) + sizeof "shell command: ";
        description = malloc(dlen);
        if (description != NULL) snprintf(description, dlen, "shell command: %s", eq + 1);
    }
    if (list == NULL || cmd == NULL || cmd->name == NULL || cmd->command == NULL ||
        description == NULL) {
        command_free(cmd);
        free(description);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* A schema that accepts any object of arguments: every keyword
     * argument reaches the command (a NULL schema would mean none). */
    eryx_status st = eryx_config_add_callback(config, cmd->name, description,
                                              "{\"type\": \"object\"}", shell_callback_invoke, cmd);
    free(description);
    if (st != ERYX_OK) {
        snprintf(err, errlen, "cannot register callback '%s': %s", cmd->name,
                 eryx_status_string(st));
        command_free(cmd);
        return -1;
    }
    set->commands[set->ncommands++] = cmd;
    return 0;
}

void shell_callbacks_abandon(struct shell_callbacks *set) {
    if (set == NULL) return;
    pthread_mutex_lock(&set->lock);
    set->abandoned_upto = set->generation++;
    bool running = set->worker_running;
    pthread_mutex_unlock(&set->lock);
    if (running) wake_worker(set);
}

void shell_callbacks_stop(struct shell_callbacks *set) {
    if (set == NULL) return;
    pthread_mutex_lock(&set->lock);
    bool running = set->worker_running;
    if (running) set->stopping = true;
    pthread_mutex_unlock(&set->lock);
    if (!running) return;
    wake_worker(set);
    pthread_join(set->worker, NULL);
    pthread_mutex_lock(&set->lock);
    set->stopping = false;
    pthread_mutex_unlock(&set->lock);
}

void shell_callbacks_free(struct shell_callbacks *set) {
    if (set == NULL) return;
    shell_callbacks_stop(set);
    for (size_t i = 0; i < set->ncommands; i++)
        command_free(set->commands[i]);
    free(set->commands);
    close(set->wake[0]);
    close(set->wake[1]);
    pthread_mutex_destroy(&set->lock);
    free(set);
}
