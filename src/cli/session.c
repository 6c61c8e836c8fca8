/*
 * session.c - `eryx session [OPTIONS]`: JSON Lines requests on stdin, one
 * JSON answer per request on stdout, in order, with state kept between
 * requests (eryx_session_new). The requests and their answers are in
 * session_request.h; here is the loop. Blank lines are skipped; a line
 * longer than CLI_MAX_INPUT is answered with an error without being kept;
 * the exit status is 0 at end of input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "interrupt.h"
#include "io.h"
#include "options.h"
#include "session_request.h"
#include "shell_callback.h"
#include "trace_writer.h"

/* The request loop: returns the exit status, and in *sig the signal that
 * cancelled an execution (the loop ends after its answer). */
static int serve(eryx_sandbox *session, struct shell_callbacks *callbacks,
                 struct trace_writer *trace, int *sig) {
    struct line_reader reader = {.fd = STDIN_FILENO, .wake_fd = -1};
    struct buffer out = {0};
    int status = EC_OK;
    for (;;) {
        char *line;
        size_t len;
        enum line_result got = line_reader_next(&reader, CLI_MAX_INPUT, &line, &len);
        if (got == LINE_EOF) break;
        if (got == LINE_ERROR || got == LINE_WAKE) {
            fprintf(stderr, "eryx: cannot read standard input: %s\n", strerror(errno));
            status = EC_FAILURE;
            break;
        }
        if (got == LINE_OK && is_blank(line, len)) continue;
        out.len = 0;
        bool ok = got == LINE_TOO_LONG
                      ? session_answer_too_long(&out)
                      : session_answer(session, callbacks, trace, line, len, &out, sig);
        if (!ok || !buffer_append(&out, "\n", 1)) {
            fprintf(stderr, "eryx: out of memory\n");
            status = EC_FAILURE;
            break;
        }
        int err = write_stream(stdout, out.data, out.len);
        if (err != 0) {
            /* EPIPE: nobody reads the answers any more; stop quietly. */
            status = check_write(err, "stdout", status);
            break;
        }
        if (*sig != 0) break;
    }
    buffer_free(&reader.buf);
    buffer_free(&out);
    return status;
}

/* Runs the session a parsed command line asks for. */
static int start_session(struct cli_options *opts) {
    struct trace_writer *trace = NULL;
    /* Answers are `run --json` objects, so with --trace they hold the
     * events under "trace" as well (written as they come, trace_writer.h). */
    if (opts->trace_path != NULL) {
        int status = trace_output_attach(opts->trace_path, NULL, opts->config, true, &trace);
        if (status != 0) return status;
    }
    eryx_sandbox *session = start_sandbox(opts->config, 1);
    if (!session) return trace_writer_close(trace, EC_FAILURE);
    /* As in run: with callbacks, signals cancel first (interrupt.h). */
    int sig = 0, status;
    if (opts->callbacks != NULL && !interrupts_install(false)) {
        status = EC_FAILURE;
    } else {
        status = serve(session, opts->callbacks, trace, &sig);
        if (opts->callbacks != NULL) interrupts_uninstall();
    }
    shell_callbacks_stop(opts->callbacks);
    if (sig != 0) interrupts_die(sig);
    eryx_sandbox_free(session);
    return trace_writer_close(trace, status);
}

int cmd_session(int argc, char **argv) {
    return cli_command_main(CMD_SESSION, argc, argv, start_session);
}
