/*
 * commands.h - the subcommands of `eryx` and what they share.
 */
#ifndef ERYX_CLI_COMMANDS_H
#define ERYX_CLI_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

#include "eryx.h"

/* `eryx run`, `eryx session`, `eryx repl`: argv holds the arguments after
 * the command name. Each returns the exit status. */
int cmd_run(int argc, char **argv);
int cmd_session(int argc, char **argv);
int cmd_repl(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);

/* Prints the help text to `f` and returns `status`, or EC_FAILURE when the
 * help could not be written (main.c). */
int print_help(FILE *f, int status);

/* The exit status of `eryx run` that the outcome of `result` calls for
 * (run.c). */
int result_exit_status(const eryx_result *result);

/* Writes what stderr gets after the program's own output: the traceback of
 * an uncaught exception, or "eryx: <message>" for a sandbox-side end;
 * nothing on success or sys.exit. Returns 0 or the errno of a failed write
 * (run.c). */
int write_error_report(const eryx_result *result);

/* Reads the program in FILE ("-": stdin) into `buf`, at most CLI_MAX_INPUT
 * bytes. Reports a failure on stderr and returns false (run.c). */
struct buffer;
bool read_program(const char *file, struct buffer *buf);

#endif
