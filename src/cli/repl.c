/*
 * repl.c - `eryx repl [OPTIONS]`: an interactive Python prompt in a session.
 *
 * Prompts ">>> " and "... " go to stdout, only when stdin is a terminal (so
 * that piped input gives just the program's output, as `python3 < file`
 * would). Each complete input runs with eryx_execute_ex(interactive), which
 * echoes expression values; output streams as it is produced; exceptions
 * print their traceback on stderr and the state is kept.
 *
 * When is an input complete? Without the guest's compiler at hand, lines
 * are scanned for what Python's prompt would wait for: a line continues the
 * input while brackets or a triple-quoted string are open or it ends with a
 * backslash; a line ending with ':' (comments and blanks aside), a first
 * line that starts a compound statement (if, for, while, def, class, with,
 * try, async) or a decorator starts a block, which ends with a blank line.
 * At end of input what was typed runs. Anything else is complete.
 *
 * Ctrl-C (interrupt.h): while an input runs, it cancels the execution (a
 * cancelled execution resets the session, and the REPL says so); at the
 * prompt it discards the input typed so far, the line reader polling the
 * signal self-pipe together with stdin (line_reader in io.h). Inputs are
 * bounded by CLI_MAX_INPUT: a longer one is discarded with a message. Ctrl-D at the prompt, or
 * exit() / sys.exit(n), leaves (with status n). SIGTERM and SIGHUP end the REPL, once the running
 * input is cancelled and its callback commands are killed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "interrupt.h"
#include "io.h"
#include "options.h"
#include "shell_callback.h"
#include "trace_writer.h"

/* ======================================================================
 * When is an input complete
 * ====================================================================== */

/* The scanner's state over the lines of one input. */
struct input_scan {
    int depth;      /* open brackets */
    char triple;    /* quote of an open triple-quoted string, or 0 */
    char single;    /* quote of a one-line string continued by a backslash, or 0 */
    bool backslash; /* the last line ended with a continuation backslash */
    bool block;     /* a compound statement: ends with a blank line */
    bool started;   /* a non-blank line was seen */
};

enum input_state { INPUT_EMPTY, INPUT_MORE, INPUT_COMPLETE };

/* Whether a first line starts a compound statement or a decorator, after
 * which Python's prompt waits for a blank line even if the line does not
 * end with ':' ("if x: y" may still get an else). */
static bool starts_block(const char *p, size_t len) {
    static const char *const keywords[] = {"if",    "for",  "while", "def",
                                           "class", "with", "try",   "async"};
    size_t i = 0;
    while (i < len && (p[i] == ' ' || p[i] == '\t'))
        i++;
    if (i < len && p[i] == '@') return true;
    for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++) {
        size_t n = strlen(keywords[k]);
        if (len - i < n || memcmp(p + i, keywords[k], n) != 0) continue;
        char next = i + n < len ? p[i + n] : ' ';
        bool ident = next == '_' || (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
                     (next >= '0' && next <= '9') || (unsigned char)next >= 0x80;
        if (!ident) return true;
    }
    return false;
}

/* Whether the line holds only blanks. */
static bool blank_line(const char *p, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\f' && p[i] != '\r') return false;
    return true;
}

/* Scans one more line (without its newline) of the input. INPUT_EMPTY: a
 * blank line before anything was typed (nothing to run); INPUT_MORE: the
 * input goes on; INPUT_COMPLETE: it can run. */
static enum input_state scan_line(struct input_scan *s, const char *p, size_t len) {
    bool inside = s->depth > 0 || s->triple != 0 || s->single != 0 || s->backslash;
    bool blank = blank_line(p, len);
    if (!s->started) {
        if (blank) return INPUT_EMPTY;
        s->started = true;
        if (starts_block(p, len)) s->block = true;
    } else if (blank && !inside) {
        return INPUT_COMPLETE; /* the blank line that ends a block */
    }
    s->backslash = false;
    char last = 0; /* last character outside strings and comments */
    for (size_t i = 0; i < len;) {
        char c = p[i];
        if (s->triple != 0 || s->single != 0) {
            char q = s->triple != 0 ? s->triple : s->single;
            if (c == '\\') {
                i += 2; /* an escape; at the end of the line it continues the string */
                continue;
            }
            if (c == q && (s->single != 0 || (i + 2 < len && p[i + 1] == q && p[i + 2] == q))) {
                i += s->single != 0 ? 1 : 3;
                s->triple = s->single = 0;
                last = q;
                continue;
            }
            i++;
            continue;
        }
        if (c == '#') break;
        if (c == '"' || c == '\'') {
            if (i + 2 < len && p[i + 1] == c && p[i + 2] == c) {
                s->triple = c;
                i += 3;
            } else {
                s->single = c;
                i++;
            }
            continue;
        }
        if (c == '\\' && i + 1 == len) {
            s->backslash = true;
            break;
        }
        if (c == '(' || c == '[' || c == '{')
            s->depth++;
        else if ((c == ')' || c == ']' || c == '}') && s->depth > 0)
            s->depth--;
        if (c != ' ' && c != '\t' && c != '\f' && c != '\r') last = c;
        i++;
    }
    /* A one-line string goes on only after a backslash that ends the line;
     * otherwise it is unterminated, which Python will report. */
    if (s->single != 0 && !(len > 0 && p[len - 1] == '\\')) s->single = 0;
    if (s->triple != 0 || s->single != 0 || s->depth > 0 || s->backslash) return INPUT_MORE;
    if (last == ':') s->block = true;
    return s->block ? INPUT_MORE : INPUT_COMPLETE;
}

/* ======================================================================
 * Running an input, cancellable with Ctrl-C
 * ====================================================================== */

/* The state of the REPL. */
struct repl {
    eryx_sandbox *session;
    struct shell_callbacks *callbacks;
    struct output_sink sink;
    bool tty;
};

/* Reports how an input ended. Sets *leave (and returns the exit status)
 * for sys.exit. */
static int report(struct repl *r, const eryx_result *result, bool *leave) {
    int err = 0;
    switch (eryx_result_error_kind(result)) {
    case ERYX_ERROR_EXIT:
        *leave = true;
        return result_exit_status(result);
    case ERYX_ERROR_CANCELLED:
        /* On a terminal, past the "^C" echo. */
        err = r->tty ? write_stream(stderr, "\nKeyboardInterrupt\n", 19)
                     : write_stream(stderr, "KeyboardInterrupt\n", 18);
        break;
    case ERYX_ERROR_NONE:
    case ERYX_ERROR_EXCEPTION:
    case ERYX_ERROR_TIMEOUT:
    case ERYX_ERROR_MEMORY:
    case ERYX_ERROR_OUTPUT:
    case ERYX_ERROR_INTERNAL:
        err = write_error_report(result);
        break;
    }
    if (err == 0 && eryx_result_session_reset(result))
        err = write_stream(stderr, "eryx: the session was reset: all state is lost\n", 47);
    if (r->sink.stderr_err == 0) r->sink.stderr_err = err;
    return EC_OK;
}

/* Runs one complete input, cancellable by Ctrl-C. Returns the exit status
 * when the input asks to leave (*leave set). A signal other than SIGINT
 * ends the process once the input is over and its callbacks are killed. */
static int run_input(struct repl *r, const char *code, size_t len, bool *leave) {
    struct interrupt_watch watch;
    interrupt_watch_begin(&watch, r->session);
    eryx_exec_options options = {.interactive = 1};
    eryx_result *result = NULL;
    eryx_status st = eryx_execute_ex(r->session, code, len, &options, &result);
    int sig = interrupt_watch_end(&watch);
    trace_writer_drain(r->sink.trace);
    shell_callbacks_abandon(r->callbacks);
    if (sig != 0 && sig != SIGINT) {
        shell_callbacks_stop(r->callbacks);
        interrupts_die(sig);
    }
    int status = EC_OK;
    if (st != ERYX_OK) {
        fprintf(stderr, "eryx: cannot run the input: %s\n", eryx_status_string(st));
    } else {
        status = report(r, result, leave);
    }
    eryx_result_free(result);
    return status;
}

/* ======================================================================
 * The loop
 * ====================================================================== */

/* Writes a prompt (only on a terminal). */
static void prompt(struct repl *r, const char *text) {
    if (r->tty && r->sink.stdout_err == 0) r->sink.stdout_err = write_stream(stdout, text, 4);
}

/* Reads, runs and reports inputs until end of input or exit(). Returns the
 * exit status. */
static int repl_loop(struct repl *r) {
    /* Waiting for a line ends when Ctrl-C is pressed too: the reader polls
     * the self-pipe with stdin, whichever thread the signal reached. */
    struct line_reader reader = {.fd = STDIN_FILENO, .wake_fd = interrupts_fd()};
    struct input_scan scan = {0};
    struct buffer input = {0};
    int status = EC_OK;
    if (r->tty) {
        fprintf(stderr, "eryx %s: Python in a sandbox; Ctrl-D leaves, Ctrl-C interrupts\n",
                eryx_version());
    }
    bool leave = false;
    while (!leave && r->sink.stdout_err == 0) {
        prompt(r, scan.started ? "... " : ">>> ");
        char *line;
        size_t len;
        enum line_result got;
        /* Only SIGINT reaches the pipe while no input runs. */
        while ((got = line_reader_next(&reader, CLI_MAX_INPUT, &line, &len)) == LINE_WAKE &&
               interrupts_take() == 0) {
        }
        if (got == LINE_WAKE) {
            write_stream(stderr, r->tty ? "\nKeyboardInterrupt\n" : "KeyboardInterrupt\n",
                         r->tty ? 19 : 18);
            scan = (struct input_scan){0};
            input.len = 0;
            continue;
        }
        if (got == LINE_TOO_LONG || (got == LINE_OK && input.len + len >= CLI_MAX_INPUT)) {
            fprintf(stderr, "eryx: input longer than %zu MiB, discarded\n", CLI_MAX_INPUT >> 20);
            scan = (struct input_scan){0};
            input.len = 0;
            continue;
        }
        if (got == LINE_ERROR) {
            fprintf(stderr, "eryx: cannot read standard input: %s\n", strerror(errno));
            status = EC_FAILURE;
            break;
        }
        if (got == LINE_EOF) {
            /* What was typed last still runs (piped input need not end
             * its last block with a blank line). */
            if (scan.started) status = run_input(r, input.data, input.len, &leave);
            if (r->tty && !leave && r->sink.stdout_err == 0)
                r->sink.stdout_err = write_stream(stdout, "\n", 1);
            break;
        }
        if (len > 0 && line[len - 1] == '\r') line[--len] = '\0';
        enum input_state state = scan_line(&scan, line, len);
        if (state == INPUT_EMPTY) continue;
        if (!buffer_append(&input, line, len) || !buffer_append(&input, "\n", 1)) {
            fprintf(stderr, "eryx: out of memory\n");
            status = EC_FAILURE;
            break;
        }
        if (state == INPUT_MORE) continue;
        status = run_input(r, input.data, input.len, &leave);
        scan = (struct input_scan){0};
        input.len = 0;
    }
    buffer_free(&input);
    buffer_free(&reader.buf);
    return output_sink_status(&r->sink, status);
}

/* Starts the session and runs the loop. */
static int start_repl(struct cli_options *opts) {
    struct trace_writer *trace = NULL;
    if (opts->trace_path != NULL) {
        int status = trace_writer_attach(opts->trace_path, opts->config, &trace);
        if (status != 0) return status;
    }
    struct repl r = {
        .callbacks = opts->callbacks, .tty = isatty(STDIN_FILENO) == 1, .sink = {.trace = trace}};
    if (eryx_config_set_output_handler(opts->config, output_sink_write, &r.sink) != ERYX_OK) {
        fprintf(stderr, "eryx: cannot set up output streaming\n");
        return trace_writer_close(trace, EC_FAILURE);
    }
    r.session = start_sandbox(opts->config, 1);
    if (!r.session) return trace_writer_close(trace, EC_FAILURE);
    int status = EC_FAILURE;
    if (interrupts_install(true)) {
        status = repl_loop(&r);
        interrupts_uninstall();
    }
    shell_callbacks_stop(opts->callbacks);
    eryx_sandbox_free(r.session);
    return trace_writer_close(trace, status);
}

int cmd_repl(int argc, char **argv) {
    return cli_command_main(CMD_REPL, argc, argv, start_repl);
}
