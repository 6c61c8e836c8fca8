/*
 * options.h - the command-line options shared by `eryx run`, `eryx session`
 * and `eryx repl`: one table, each option marked with the commands that
 * accept it, so that a limit or a callback is spelled the same everywhere.
 */
#ifndef ERYX_CLI_OPTIONS_H
#define ERYX_CLI_OPTIONS_H

#include <stdbool.h>

#include "eryx.h"

/* The commands, as bits for the option table. */
enum cli_command { CMD_RUN = 1, CMD_SESSION = 2, CMD_REPL = 4, CMD_SNAPSHOT = 8 };

/* What the command line asks for. Limits go straight into `config`, so
 * that the library, which owns the valid ranges, checks them. */
struct cli_options {
    enum cli_command command;
    eryx_config *config;
    const char *file;                  /* run, snapshot: FILE, "-" for stdin; NULL when not given */
    const char *code;                  /* run, snapshot: -c CODE; NULL when not given */
    const char *output;                /* snapshot: -o OUT; NULL when not given */
    bool json;                         /* run: --json */
    const char *trace_path;            /* --trace FILE; NULL when not given */
    struct shell_callbacks *callbacks; /* --callback; NULL until the first one */
    double callback_timeout;           /* --callback-timeout; -1 when not given */
};

/* How parsing went: go on, print the help, or a usage error (already
 * reported). */
enum parse_outcome { PARSE_RUN, PARSE_HELP, PARSE_USAGE };

/* Initializes `opts` for `command` with a default config. Returns false
 * (after a message) when out of memory. */
bool cli_options_init(struct cli_options *opts, enum cli_command command);

/* Parses the arguments after the command name. Options may come before or
 * after FILE; after "--" every argument is FILE. Values go in the next
 * argument or after '=' (long options). */
enum parse_outcome cli_options_parse(struct cli_options *opts, int argc, char **argv);

/* The body of a command: parses the arguments after its name, prints the
 * help or reports a usage error, or calls start(opts); frees the options.
 * Returns the exit status. */
int cli_command_main(enum cli_command command, int argc, char **argv,
                     int (*start)(struct cli_options *opts));

/* Frees what `opts` holds: the callback commands (shell_callbacks_free:
 * kills and reaps what still runs) and the config. Sandboxes made from the
 * config must be freed first. */
void cli_options_free(struct cli_options *opts);

#endif
