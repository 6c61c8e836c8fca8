/*
 * run.c - `eryx run [OPTIONS] FILE | - | -c CODE`.
 *
 * Behaves like `python` for output and exit status: the program's stdout
 * and stderr are streamed to ours as it writes them, an uncaught exception
 * prints its traceback at the end, sys.exit(n) exits with n. With --json
 * nothing is streamed; the whole result is printed as one JSON object.
 * With --callback, SIGINT, SIGTERM and SIGHUP cancel the execution first
 * (interrupt.h), then end the process the same way. --profile REPORT
 * writes the profile of the run (profile.h) once it is over.
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
#include "profile.h"
#include "shell_callback.h"
#include "trace_writer.h"

/* --profile: the profile being gathered and the report file, opened at
 * the start so that an unwritable path is a usage error before the run. */
struct profile_output {
    struct profile *profile;
    FILE *report;
    const char *path, *title;
};

int result_exit_status(const eryx_result *result) {
    switch (eryx_result_error_kind(result)) {
    case ERYX_ERROR_NONE:
        return EC_OK;
    case ERYX_ERROR_EXCEPTION:
        return EC_EXCEPTION;
    case ERYX_ERROR_TIMEOUT:
        return EC_TIMEOUT;
    case ERYX_ERROR_MEMORY:
        return EC_MEMORY;
    case ERYX_ERROR_OUTPUT:
        return EC_OUTPUT;
    case ERYX_ERROR_EXIT: {
        int code = eryx_result_exit_code(result);
        return code >= 0 && code <= 255 ? code : EC_FAILURE;
    }
    case ERYX_ERROR_CANCELLED:
    case ERYX_ERROR_INTERNAL:
        break;
    }
    return EC_FAILURE;
}

int write_error_report(const eryx_result *result) {
    switch (eryx_result_error_kind(result)) {
    case ERYX_ERROR_NONE:
    case ERYX_ERROR_EXIT:
        /* The library has already put a non-int SystemExit argument into
         * the program's stderr, as python prints it. */
        return 0;
    case ERYX_ERROR_EXCEPTION: {
        const char *traceback = eryx_result_error_traceback(result);
        return traceback != NULL ? write_stream(stderr, traceback, strlen(traceback)) : 0;
    }
    case ERYX_ERROR_TIMEOUT:
    case ERYX_ERROR_MEMORY:
    case ERYX_ERROR_OUTPUT:
    case ERYX_ERROR_CANCELLED:
    case ERYX_ERROR_INTERNAL:
        break;
    }
    return write_format(stderr, "eryx: %s\n", eryx_result_error_message(result));
}

/* Prints the result as one JSON object and a newline, nothing else. Returns
 * `status`, or EC_FAILURE when that fails. */
static int print_json(const eryx_result *result, struct trace_writer *trace, int status) {
    int err = trace_writer_print_result(trace, result, stdout);
    if (err == ENOMEM) {
        fprintf(stderr, "eryx: out of memory\n");
        return EC_FAILURE;
    }
    return check_write(err, "stdout", status);
}

/* Runs `len` bytes of `code` in a new sandbox made from `opts` and reports
 * the outcome. Without --json the output has already been streamed to ours
 * by `sink`'s handler. Returns the exit status. */
static int execute_program(struct cli_options *opts, struct output_sink *sink,
                           struct profile_output *prof, struct trace_writer *trace,
                           const char *code, size_t len) {
    eryx_sandbox *sandbox = start_sandbox(opts->config, 0);
    if (!sandbox) return EC_FAILURE;
    eryx_result *result = NULL;
    struct interrupt_watch watch;
    interrupt_watch_begin(&watch, sandbox);
    eryx_status st = eryx_execute(sandbox, code, len, &result);
    int sig = interrupt_watch_end(&watch);
    trace_writer_drain(trace);
    /* The execution is over: its callback commands must not outlive the
     * sandbox that their calls belong to. */
    shell_callbacks_stop(opts->callbacks);
    /* Cancelled by a signal: end as that signal would have ended us, now
     * that no command is left behind. */
    if (sig != 0) interrupts_die(sig);
    int status;
    if (st != ERYX_OK) {
        fprintf(stderr, "eryx: cannot run the program: %s\n", eryx_status_string(st));
        status = EC_FAILURE;
    } else if (opts->json) {
        status = print_json(result, trace, result_exit_status(result));
    } else {
        status = result_exit_status(result);
        int err = sink->stderr_err == 0 ? write_error_report(result) : 0;
        if (sink->stderr_err == 0) sink->stderr_err = err;
        status = output_sink_status(sink, status);
    }
    if (prof->report != NULL) {
        int err = profile_write_report(prof->profile, prof->report, prof->title, result);
        prof->report = NULL;
        if (err != 0) {
            fprintf(stderr, "eryx: cannot write the profile report '%s': %s\n", prof->path,
                    strerror(err));
            status = EC_FAILURE;
        }
    }
    eryx_result_free(result);
    eryx_sandbox_free(sandbox);
    return status;
}

/* Reads the program in FILE ("-": stdin) into `buf`, at most CLI_MAX_INPUT
 * bytes. Reports a failure on stderr and returns false. */
bool read_program(const char *file, struct buffer *buf) {
    bool is_stdin = strcmp(file, "-") == 0;
    int err =
        is_stdin ? read_fd(STDIN_FILENO, buf, CLI_MAX_INPUT) : read_file(file, buf, CLI_MAX_INPUT);
    char what[64];
    if (err == EFBIG)
        snprintf(what, sizeof what, "the program is larger than %zu MiB", CLI_MAX_INPUT >> 20);
    if (err != 0 && is_stdin)
        fprintf(stderr, "eryx: cannot read standard input: %s\n",
                err == EFBIG ? what : strerror(err));
    else if (err != 0)
        fprintf(stderr, "eryx: cannot read '%s': %s\n", file, err == EFBIG ? what : strerror(err));
    return err == 0;
}

/* Opens the report file and starts the profile of `code`; false after a
 * message (a usage error: EC_USAGE in *status). */
static bool start_profile(struct cli_options *opts, const char *code, size_t len,
                          struct profile_output *prof, int *status) {
    prof->path = opts->profile_path;
    prof->title = opts->code != NULL ? "-c" : strcmp(opts->file, "-") == 0 ? "<stdin>" : opts->file;
    prof->report = fopen(prof->path, "we");
    if (prof->report == NULL) {
        fprintf(stderr, "eryx: cannot open profile report '%s': %s\ntry 'eryx --help'\n",
                prof->path, strerror(errno));
        *status = EC_USAGE;
        return false;
    }
    prof->profile = profile_new(code, len);
    if (prof->profile == NULL) {
        fprintf(stderr, "eryx: out of memory\n");
        *status = EC_FAILURE;
        return false;
    }
    return true;
}

/* Sets up streaming, tracing and profiling as `opts` asks, then runs the
 * program `code`; returns the exit status. */
static int run_code(struct cli_options *opts, const char *code, size_t len) {
    struct profile_output prof = {0};
    int status = 0;
    if (opts->profile_path != NULL && !start_profile(opts, code, len, &prof, &status)) {
        if (prof.report != NULL) fclose(prof.report);
        return status;
    }
    struct trace_writer *trace = NULL;
    if (opts->trace_path != NULL || prof.profile != NULL) {
        /* With --json the events also go into the result ("trace"). */
        status = trace_output_attach(opts->trace_path, prof.profile, opts->config,
                                     opts->json && opts->trace_path != NULL, &trace);
    }
    struct output_sink sink = {.trace = trace};
    if (status == 0 && !opts->json &&
        eryx_config_set_output_handler(opts->config, output_sink_write, &sink) != ERYX_OK) {
        fprintf(stderr, "eryx: cannot set up output streaming\n");
        status = EC_FAILURE;
    }
    /* Callback commands run in process groups of their own, out of reach
     * of Ctrl-C: a signal must cancel the execution so that they are
     * killed before we go (interrupt.h). Without callbacks nothing is left
     * behind and signals act as they always did. */
    if (status == 0 && opts->callbacks != NULL && !interrupts_install(false)) status = EC_FAILURE;
    if (status == 0) {
        status = execute_program(opts, &sink, &prof, trace, code, len);
        if (opts->callbacks != NULL) interrupts_uninstall();
    }
    if (prof.report != NULL) fclose(prof.report);
    profile_free(prof.profile);
    return trace_writer_close(trace, status);
}

/* Reads the program as `opts` says and runs it. */
static int run_program(struct cli_options *opts) {
    if (opts->code != NULL) return run_code(opts, opts->code, strlen(opts->code));
    struct buffer program = {0};
    int status =
        read_program(opts->file, &program) ? run_code(opts, program.data, program.len) : EC_FAILURE;
    buffer_free(&program);
    return status;
}

int cmd_run(int argc, char **argv) {
    return cli_command_main(CMD_RUN, argc, argv, run_program);
}
