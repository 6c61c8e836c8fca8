/*
 * snapshot.c - `eryx snapshot [OPTIONS] (FILE | -c CODE) -o OUT`: runs setup
 * code in a session (with the volumes, packages and limits given) and
 * writes the session's state to OUT, for `eryx run --snapshot OUT`,
 * `eryx session --snapshot OUT` and eryx_config_set_snapshot.
 *
 * The code's output is streamed as `eryx run` streams it. If the code fails
 * (an exception, a limit, sys.exit), nothing is written and the exit status
 * is that of `eryx run`; otherwise 0 once OUT is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "io.h"
#include "options.h"

static int write_snapshot(eryx_sandbox *session, const char *out) {
    void *blob = NULL;
    size_t len = 0;
    eryx_status st = eryx_sandbox_snapshot(session, &blob, &len);
    if (st != ERYX_OK) {
        fprintf(stderr, "eryx: cannot take a snapshot: %s\n", eryx_status_string(st));
        return EC_FAILURE;
    }
    int err = write_file(out, blob, len);
    eryx_free(blob);
    if (err != 0) {
        fprintf(stderr, "eryx: cannot write '%s': %s\n", out, strerror(err));
        return EC_FAILURE;
    }
    return EC_OK;
}

static int take_snapshot(struct cli_options *opts) {
    struct buffer program = {0};
    const char *code = opts->code;
    size_t len = code ? strlen(code) : 0;
    if (!code) {
        if (!read_program(opts->file, &program)) return EC_FAILURE;
        code = program.data ? program.data : "";
        len = program.len;
    }
    struct output_sink sink = {0};
    int status = EC_FAILURE;
    eryx_sandbox *session = NULL;
    if (eryx_config_set_output_handler(opts->config, output_sink_write, &sink) == ERYX_OK)
        session = start_sandbox(opts->config, 1);
    eryx_result *result = NULL;
    eryx_status st = session ? eryx_execute(session, code, len, &result) : ERYX_EINVAL;
    if (session && st != ERYX_OK) {
        fprintf(stderr, "eryx: cannot run the setup code: %s\n", eryx_status_string(st));
    } else if (session) {
        status = result_exit_status(result);
        int err = sink.stderr_err == 0 ? write_error_report(result) : 0;
        if (sink.stderr_err == 0) sink.stderr_err = err;
        if (eryx_result_error_kind(result) != ERYX_ERROR_NONE && status == EC_OK)
            status = EC_FAILURE; /* sys.exit(0) still ends the setup early */
        if (status == EC_OK) status = write_snapshot(session, opts->output);
        status = output_sink_status(&sink, status);
    }
    eryx_result_free(result);
    eryx_sandbox_free(session);
    buffer_free(&program);
    return status;
}

int cmd_snapshot(int argc, char **argv) {
    return cli_command_main(CMD_SNAPSHOT, argc, argv, take_snapshot);
}
