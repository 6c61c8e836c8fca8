/*
 * debug.c - `eryx debug [OPTIONS] FILE | -c CODE`: a line debugger in the
 * manner of pdb, driven from the terminal (commands on stdin, the program's
 * output and the debugger's on stdout).
 *
 * It runs the program with a step-through trace handler
 * (eryx_config_set_trace_bursts with ERYX_TRACE_STEP): every event reaches
 * on_event before the guest goes on, and where the debugger stops, it reads
 * commands right there, on the guest's thread, while the guest waits. It
 * keeps its own stack of the user's frames from the call and return events
 * (`where`). Values of variables are not shown: the debugger sees the
 * events of the program, not its objects, and evaluating Python inside a
 * paused guest would need the guest to run code for the host in the middle
 * of a trace event.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "io.h"
#include "options.h"
#include "shell_callback.h"

static const char debug_help[] =
    "Commands (a blank line repeats the last one):\n"
    "  s, step          run to the next line, into called functions\n"
    "  n, next          run to the next line of this function (or of its caller\n"
    "                   when it returns)\n"
    "  c, continue      run to the next breakpoint\n"
    "  b, break [LINE]  set a breakpoint at LINE; without LINE, list them\n"
    "  cl, clear LINE   remove the breakpoint at LINE\n"
    "  w, where         the stack of the program's function calls, innermost last\n"
    "  l, list          the source around the current line\n"
    "  q, quit          stop the program and leave\n"
    "  h, help          this help\n"
    "Ctrl-C while the program runs stops it at its next line; a second Ctrl-C\n"
    "before that ends eryx; Ctrl-D at the prompt quits. Values of variables are\n"
    "not shown: print them from the program.\n";

enum mode { MODE_STEP, MODE_NEXT, MODE_CONTINUE };

struct frame {
    char *function;
    int lineno;
};

struct debugger {
    const char *title;
    const char *source;
    size_t source_len;
    size_t *line_start; /* line n (1-based) starts at source[line_start[n - 1]] */
    size_t nlines;
    bool *breakpoints; /* [1..nlines] */
    enum mode mode;
    size_t next_depth; /* MODE_NEXT: stop at a line at this depth or less */
    struct frame *stack;
    size_t depth, cap;
    char last[256]; /* the last command, for a blank line */
    bool quit;      /* the user asked to stop */
    int out_err;    /* first error writing stdout */
};

/* Set by SIGINT while the program runs: stop at its next line. At the
 * prompt (at_prompt) Ctrl-C does nothing: the prompt waits for a command. */
static volatile sig_atomic_t interrupted, at_prompt;

static void on_sigint(int sig) {
    if (at_prompt) return;
    if (interrupted) {
        /* The program did not reach a line since the last Ctrl-C. */
        signal(sig, SIG_DFL);
        raise(sig);
    }
    interrupted = 1;
}

static void say(struct debugger *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct debugger *d, const char *fmt, ...) {
    if (d->out_err != 0) return;
    va_list ap;
    va_start(ap, fmt);
    errno = 0;
    if (vfprintf(stdout, fmt, ap) < 0 || fflush(stdout) != 0) d->out_err = errno ? errno : EIO;
    va_end(ap);
}

/* Line n of the source without its newline, and its length. */
static const char *source_line(const struct debugger *d, int n, int *len) {
    if (n < 1 || (size_t)n > d->nlines) {
        *len = 0;
        return "";
    }
    size_t start = d->line_start[n - 1];
    size_t end = (size_t)n < d->nlines ? d->line_start[n] - 1 : d->source_len;
    if (end > start && d->source[end - 1] == '\n') end--;
    *len = end - start > 1000 ? 1000 : (int)(end - start);
    return d->source + start;
}

static void show_location(struct debugger *d, int lineno) {
    const char *function = d->depth > 0 ? d->stack[d->depth - 1].function : "<module>";
    int len;
    const char *text = source_line(d, lineno, &len);
    say(d, "> %s:%d in %s\n-> %.*s\n", d->title, lineno, function, len, text);
}

static void show_stack(struct debugger *d) {
    for (size_t i = 0; i < d->depth; i++) {
        int len;
        const char *text = source_line(d, d->stack[i].lineno, &len);
        say(d, "%s %s:%d in %s\n    %.*s\n", i + 1 == d->depth ? ">" : " ", d->title,
            d->stack[i].lineno, d->stack[i].function, len, text);
    }
}

static void show_list(struct debugger *d, int lineno) {
    int from = lineno > 5 ? lineno - 5 : 1;
    for (int n = from; n <= lineno + 5 && (size_t)n <= d->nlines; n++) {
        int len;
        const char *text = source_line(d, n, &len);
        say(d, "%4d %c%s %.*s\n", n, d->breakpoints[n] ? 'B' : ' ', n == lineno ? "->" : "  ", len,
            text);
    }
}

/* A line number argument in 1..nlines, or 0 (after a message). */
static int line_argument(struct debugger *d, const char *arg) {
    char *end;
    long n = strtol(arg, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (arg[0] == '\0' || *end != '\0' || n < 1 || (size_t)n > d->nlines) {
        say(d, "*** not a line of %s: '%s' (1 to %zu)\n", d->title, arg, d->nlines);
        return 0;
    }
    return (int)n;
}

/* Reads and runs commands until one lets the program go on; returns what
 * the guest does next. */
static eryx_trace_action prompt(struct debugger *d, int lineno) {
    char line[256];
    for (;;) {
        say(d, "(eryx) ");
        at_prompt = 1;
        char *got = fgets(line, sizeof line, stdin);
        at_prompt = 0;
        interrupted = 0;
        if (got == NULL) {
            say(d, "\n");
            d->quit = true;
            return ERYX_TRACE_STOP;
        }
        line[strcspn(line, "\r\n")] = '\0';
        char *cmd = line + strspn(line, " \t");
        if (*cmd == '\0') {
            snprintf(line, sizeof line, "%s", d->last);
            cmd = line;
            if (*cmd == '\0') continue;
        } else {
            snprintf(d->last, sizeof d->last, "%s", cmd);
        }
        char *arg = cmd + strcspn(cmd, " \t");
        if (*arg != '\0') *arg++ = '\0';
        arg += strspn(arg, " \t");
        if (!strcmp(cmd, "s") || !strcmp(cmd, "step")) {
            d->mode = MODE_STEP;
            return ERYX_TRACE_CONTINUE;
        } else if (!strcmp(cmd, "n") || !strcmp(cmd, "next")) {
            d->mode = MODE_NEXT;
            d->next_depth = d->depth;
            return ERYX_TRACE_CONTINUE;
        } else if (!strcmp(cmd, "c") || !strcmp(cmd, "cont") || !strcmp(cmd, "continue")) {
            d->mode = MODE_CONTINUE;
            return ERYX_TRACE_CONTINUE;
        } else if (!strcmp(cmd, "b") || !strcmp(cmd, "break")) {
            if (*arg == '\0') {
                size_t shown = 0;
                for (size_t n = 1; n <= d->nlines; n++) {
                    if (d->breakpoints[n]) say(d, "Breakpoint at %s:%zu\n", d->title, n), shown++;
                }
                if (shown == 0) say(d, "No breakpoints.\n");
            } else if ((lineno = line_argument(d, arg)) > 0) {
                d->breakpoints[lineno] = true;
                say(d, "Breakpoint at %s:%d\n", d->title, lineno);
            }
        } else if (!strcmp(cmd, "cl") || !strcmp(cmd, "clear")) {
            int n = line_argument(d, arg);
            if (n > 0) {
                say(d,
                    d->breakpoints[n] ? "Cleared the breakpoint at %s:%d\n"
                                      : "No breakpoint at %s:%d\n",
                    d->title, n);
                d->breakpoints[n] = false;
            }
        } else if (!strcmp(cmd, "w") || !strcmp(cmd, "where") || !strcmp(cmd, "bt")) {
            show_stack(d);
        } else if (!strcmp(cmd, "l") || !strcmp(cmd, "list")) {
            show_list(d, d->depth > 0 ? d->stack[d->depth - 1].lineno : 1);
        } else if (!strcmp(cmd, "q") || !strcmp(cmd, "quit") || !strcmp(cmd, "exit")) {
            d->quit = true;
            return ERYX_TRACE_STOP;
        } else if (!strcmp(cmd, "h") || !strcmp(cmd, "help") || !strcmp(cmd, "?")) {
            say(d, "%s", debug_help);
        } else {
            say(d, "*** unknown command '%s' (help lists them)\n", cmd);
        }
    }
}

static void push(struct debugger *d, const char *function, int lineno) {
    if (d->depth == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        struct frame *grown = realloc(d->stack, cap * sizeof *grown);
        if (grown == NULL) return; /* the stack stays as deep as memory allows */
        d->stack = grown;
        d->cap = cap;
    }
    char *copy = strdup(function != NULL ? function : "?");
    if (copy == NULL) return;
    d->stack[d->depth++] = (struct frame){copy, lineno};
}

static void pop(struct debugger *d) {
    if (d->depth == 0) return;
    free(d->stack[--d->depth].function);
}

/* Whether the debugger stops at a line event. */
static bool stops_at(struct debugger *d, int lineno) {
    if (interrupted || d->mode == MODE_STEP) return true;
    if (lineno >= 1 && (size_t)lineno <= d->nlines && d->breakpoints[lineno]) return true;
    return d->mode == MODE_NEXT && d->depth <= d->next_depth;
}

/* The eryx_trace_burst_fn, in step mode: one event at a time. */
static eryx_trace_action on_event(void *userdata, const eryx_trace_event *events, size_t count) {
    struct debugger *d = userdata;
    eryx_trace_action action = ERYX_TRACE_CONTINUE;
    for (size_t i = 0; i < count && action == ERYX_TRACE_CONTINUE; i++) {
        const eryx_trace_event *e = &events[i];
        bool stepping = d->mode == MODE_STEP || (d->mode == MODE_NEXT && d->depth <= d->next_depth);
        switch (e->kind) {
        case ERYX_TRACE_CALL:
            push(d, e->function, e->lineno);
            break;
        case ERYX_TRACE_RETURN:
            pop(d);
            /* `next` out of the function it was given in: the caller's next line. */
            if (d->mode == MODE_NEXT && d->depth < d->next_depth) d->next_depth = d->depth;
            break;
        case ERYX_TRACE_LINE:
            if (d->depth > 0) d->stack[d->depth - 1].lineno = e->lineno;
            if (stops_at(d, e->lineno)) {
                interrupted = 0;
                show_location(d, e->lineno);
                action = prompt(d, e->lineno);
            }
            break;
        case ERYX_TRACE_EXCEPTION:
            if (stepping) say(d, "--Exception-- %s: %s\n", e->exc_type, e->exc_message);
            break;
        case ERYX_TRACE_CALLBACK_START:
            if (stepping) say(d, "--Callback-- %s(%s) #%u\n", e->name, e->args_json, e->id);
            break;
        case ERYX_TRACE_CALLBACK_END:
            if (stepping)
                say(d, "--Callback done-- %s #%u after %.3f ms%s%s\n", e->name, e->id,
                    e->duration_ms, e->error ? ": " : "", e->error ? e->error : "");
            break;
        }
    }
    return action;
}

/* Indexes the lines of the program; false when out of memory. */
static bool load_source(struct debugger *d, const char *code, size_t len) {
    d->source = code;
    d->source_len = len;
    for (size_t i = 0; i < len; i++)
        d->nlines += code[i] == '\n';
    if (len > 0 && code[len - 1] != '\n') d->nlines++;
    d->line_start = calloc(d->nlines + 1, sizeof *d->line_start);
    d->breakpoints = calloc(d->nlines + 1, sizeof *d->breakpoints);
    if (d->line_start == NULL || d->breakpoints == NULL) return false;
    size_t n = 0;
    for (size_t i = 0; i < len && n < d->nlines; i++) {
        if (i == 0 || code[i - 1] == '\n') d->line_start[n++] = i;
    }
    return true;
}

static void free_debugger(struct debugger *d) {
    while (d->depth > 0)
        pop(d);
    free(d->stack);
    free(d->line_start);
    free(d->breakpoints);
}

/* Runs the program under the debugger; returns the exit status. */
static int debug_code(struct cli_options *opts, const char *title, const char *code, size_t len) {
    struct debugger d = {.title = title, .mode = MODE_STEP};
    struct output_sink sink = {0};
    if (!load_source(&d, code, len) ||
        eryx_config_set_trace_bursts(opts->config, on_event, &d, ERYX_TRACE_STEP) != ERYX_OK ||
        eryx_config_set_output_handler(opts->config, output_sink_write, &sink) != ERYX_OK) {
        fprintf(stderr, "eryx: cannot set up the debugger\n");
        free_debugger(&d);
        return EC_FAILURE;
    }
    eryx_sandbox *sandbox = start_sandbox(opts->config, 0);
    if (sandbox == NULL) {
        free_debugger(&d);
        return EC_FAILURE;
    }
    /* SA_RESTART: Ctrl-C must not make a write of the program's output fail. */
    struct sigaction action = {.sa_handler = on_sigint, .sa_flags = SA_RESTART}, previous;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous);
    eryx_result *result = NULL;
    eryx_status st = eryx_execute(sandbox, code, len, &result);
    sigaction(SIGINT, &previous, NULL);
    shell_callbacks_stop(opts->callbacks);
    int status;
    if (st != ERYX_OK) {
        fprintf(stderr, "eryx: cannot run the program: %s\n", eryx_status_string(st));
        status = EC_FAILURE;
    } else if (d.quit) {
        status = EC_OK;
    } else {
        status = result_exit_status(result);
        int err = sink.stderr_err == 0 ? write_error_report(result) : 0;
        if (sink.stderr_err == 0) sink.stderr_err = err;
        say(&d, "--The program finished-- (exit status %d)\n", status);
        status = output_sink_status(&sink, status);
    }
    status = check_write(d.out_err, "stdout", status);
    eryx_result_free(result);
    eryx_sandbox_free(sandbox);
    free_debugger(&d);
    return status;
}

static int start_debugger(struct cli_options *opts) {
    if (opts->code != NULL) return debug_code(opts, "-c", opts->code, strlen(opts->code));
    if (strcmp(opts->file, "-") == 0)
        return usage_error("the debugger reads its commands on stdin: give FILE or -c CODE");
    struct buffer program = {0};
    int status =
        read_program(opts->file, &program)
            ? debug_code(opts, opts->file, program.data != NULL ? program.data : "", program.len)
            : EC_FAILURE;
    buffer_free(&program);
    return status;
}

int cmd_debug(int argc, char **argv) {
    return cli_command_main(CMD_DEBUG, argc, argv, start_debugger);
}
