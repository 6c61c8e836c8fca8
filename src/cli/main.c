/*
 * eryx - command-line front end of the eryx sandbox.
 *
 *   eryx run [OPTIONS] FILE | - | -c CODE
 *   eryx session [OPTIONS]
 *   eryx repl [OPTIONS]
 *   eryx snapshot [OPTIONS] FILE | -c CODE -o OUT
 *   eryx mcp [OPTIONS]
 *   eryx debug [OPTIONS] FILE | -c CODE
 *   eryx --version | --help
 *
 * This file dispatches to the commands and holds the help text. The
 * commands live in run.c, session.c (its requests in session_request.c),
 * repl.c, snapshot.c, mcp.c (over jsonrpc.c) and debug.c; their options in
 * options.c (one table for all); --callback in shell_callback.c (its
 * processes in shell_process.c), --trace in trace_writer.c, --profile in
 * profile.c and profile_report.c, file and stream helpers in io.c.
 * Everything goes through the public API in eryx.h.
 *
 * Adding a subcommand means one entry in `commands` and its help lines.
 */
#include <signal.h>
#include <string.h>

#include "commands.h"
#include "io.h"

/* The only help text; `eryx --help` and `eryx CMD --help` all print it. */
static const char help_text[] =
    "usage: eryx run [OPTIONS] FILE      run FILE ('-' reads the program from stdin)\n"
    "       eryx run [OPTIONS] -c CODE   run CODE\n"
    "       eryx session [OPTIONS]       answer JSON requests on stdin, keeping state\n"
    "       eryx repl [OPTIONS]          interactive Python prompt, keeping state\n"
    "       eryx snapshot [OPTIONS] FILE | -c CODE -o OUT\n"
    "                                    run setup code in a session, save its state\n"
    "       eryx mcp [OPTIONS]           Model Context Protocol server on stdin/stdout\n"
    "       eryx debug [OPTIONS] FILE    run FILE line by line (also -c CODE)\n"
    "       eryx --version               print the version\n"
    "       eryx --help                  print this help\n"
    "\n"
    "Runs Python 3.11 in a sandbox that reaches no host files, network, environment\n"
    "or processes: only its in-memory files (/tmp, /data, the working directory),\n"
    "the read-only standard library and the volumes and packages given.\n"
    "\n"
    "Options (before or after FILE; '--' ends the options):\n"
    "  -c CODE               run only: run CODE (the next argument, taken as is)\n"
    "  --json                run only: print one JSON object (output, result, error,\n"
    "                        stats) instead of streaming the output as it is produced\n"
    "  --timeout SECONDS     wall-clock limit per execution, fractions allowed, 0 for\n"
    "                        none (default 30)\n"
    "  --memory MIB          guest memory limit in MiB, 32 to 4096 (default 256)\n"
    "  --output-limit BYTES  cap on stdout plus stderr per execution in bytes\n"
    "                        (default 16 MiB)\n"
    "  --trace FILE          write trace events of the program's own lines (line,\n"
    "                        call, return, exception, callback_start, callback_end)\n"
    "                        to FILE as they happen, one JSON object per line ('-':\n"
    "                        stderr). With run --json, and in session, the result\n"
    "                        object also holds them under \"trace\" (the first 10^6;\n"
    "                        then \"trace_truncated\": true). A FILE that cannot be\n"
    "                        opened is a usage error (status 2).\n"
    "  --profile REPORT      run only: when the program ends, write REPORT, one HTML\n"
    "                        page: the source with per line the times it ran and its\n"
    "                        time, the calls of the program's functions, a timeline\n"
    "                        of its callbacks, its output and error\n"
    "  --callback NAME=COMMAND\n"
    "                        expose the shell command COMMAND to the program as the\n"
    "                        async function NAME (an identifier or dotted identifiers\n"
    "                        like http.get; repeatable): `await NAME(key=value)`\n"
    "                        runs '/bin/sh -c COMMAND' with the arguments as one JSON\n"
    "                        object and a newline on its stdin. Exit status 0: its\n"
    "                        stdout is the result, parsed as JSON when it is JSON,\n"
    "                        else a string (less one trailing newline; at most\n"
    "                        16 MiB). Otherwise CallbackError is raised with its\n"
    "                        stderr as the message. Calls gathered with asyncio run\n"
    "                        concurrently, at most 64 commands at once (fewer under\n"
    "                        a low 'ulimit -n'), the others queued in order.\n"
    "                        Arguments not yet read and outputs held for the calls\n"
    "                        are limited to 64 MiB in all: a call beyond fails.\n"
    "                        Commands still running when the code ends, or on\n"
    "                        Ctrl-C or SIGTERM, are killed.\n"
    "  --callback-timeout SECONDS\n"
    "                        time limit per callback call, time queued included\n"
    "                        (default 10, 0 for none): the call raises TimeoutError\n"
    "                        and the command is killed\n"
    "  -v, --volume HOST:GUEST[:ro]\n"
    "                        mount the host directory HOST at GUEST (an absolute\n"
    "                        path in the sandbox), read-write or with :ro read-only\n"
    "                        (repeatable). Paths cannot leave HOST, even through\n"
    "                        symbolic links; FIFOs and devices cannot be opened.\n"
    "  --package PATH        put a package directory, a directory of packages\n"
    "                        (site-packages), a .py module or a .whl/.zip archive on\n"
    "                        sys.path, read-only (repeatable); native extensions\n"
    "                        cannot load (ImportError naming them)\n"
    "  --fs-limit MIB        quota of the in-memory files in MiB (default 64)\n"
    "  --snapshot FILE       run, session, repl: start every execution from the state\n"
    "                        saved in FILE by 'eryx snapshot' (give the same\n"
    "                        --package options it was taken with)\n"
    "  -o OUT                snapshot only: the file to write the state to\n"
    "  -h, --help            print this help\n"
    "Values go in the next argument or after '=': --timeout 2.5, --timeout=2.5.\n"
    "\n"
    "eryx session reads one JSON request per line (blank lines are skipped) and\n"
    "writes one JSON answer per line, in order; state is kept between requests:\n"
    "  {\"id\": 1, \"code\": \"x = 1\"}     the object of 'run --json', \"id\" first\n"
    "  {\"id\": 2, \"op\": \"reset\"}       back to the initial state\n"
    "  {\"id\": 3, \"op\": \"snapshot\", \"path\": \"s.bin\"}  save the whole state to a file\n"
    "  {\"id\": 4, \"op\": \"restore\", \"path\": \"s.bin\"}   load it (same eryx build)\n"
    "The ops answer {\"id\": ..., \"ok\": true}. A request that is not valid JSON, not\n"
    "an object, has unknown or repeated members, is longer than 32 MiB, or fails,\n"
    "is answered with {\"id\": ..., \"ok\": false, \"error\": \"...\"} and the session\n"
    "goes on. \"id\" is optional, any JSON value, written back as JSON (spacing and\n"
    "escapes made canonical, numbers as given; null when absent). A snapshot is\n"
    "written to a new file renamed over PATH, so a failed one leaves what was there;\n"
    "only a regular file is replaced or restored from (at most 5 GiB). A timeout,\n"
    "the memory or output limit resets the state (\"session_reset\": true). Exit\n"
    "status 0 at end of input.\n"
    "\n"
    "eryx repl runs what is typed and echoes the values of expressions, like\n"
    "python. Prompts '>>> ' and '... ' go to stdout only when stdin is a terminal.\n"
    "Open brackets, triple-quoted strings and a trailing '\\' continue the input; a\n"
    "line ending with ':', a decorator or a compound statement (if, for, while,\n"
    "def, class, with, try, async) starts a block, which ends with an empty line.\n"
    "Ctrl-C stops a running input (the state is then reset, as after a timeout)\n"
    "or discards the typed one; Ctrl-D or exit() leaves.\n"
    "\n"
    "eryx debug stops at the program's first line and reads commands on stdin, as\n"
    "pdb does: step, next, continue, break LINE, clear LINE, where, list, quit,\n"
    "help (short forms s, n, c, b, cl, w, l, q, h). It takes the options of run\n"
    "except --json, --trace and --profile.\n"
    "\n"
    "Programs (run, debug) and inputs (repl) are limited to 32 MiB.\n"
    "\n"
    "eryx snapshot runs FILE or CODE in a session with the options given and writes\n"
    "the session's whole state (imported modules, globals, in-memory files) to OUT;\n"
    "when the code fails nothing is written and the status is that of run.\n"
    "\n"
    "Exit status of run: 0 success, 1 uncaught exception, 2 usage error, 3 timeout,\n"
    "4 memory limit, 5 output limit, 6 other failure; sys.exit(n) exits with n.\n"
    "session and repl: 0, 2 usage error, 6 failure; repl: n after sys.exit(n).\n"
    "\n"
    "eryx mcp serves the Model Context Protocol (JSON-RPC 2.0, one message per line;\n"
    "revisions 2025-11-25 back to 2024-11-05) with the tools run_python(code,\n"
    "timeout_seconds?), which runs code in one persistent session and answers with\n"
    "its output, `result` and errors as text and as the object of 'run --json', and\n"
    "reset_session(), and list_files(path?), read_file(path) and write_file(path,\n"
    "content, encoding?) over the session's in-memory files (relative paths from\n"
    "/data; non-UTF-8 content as base64; at most 8 MiB a file). --timeout is the\n"
    "most a call may run (default 30); --callback commands are the code's host\n"
    "functions; --trace FILE gets the events of every call. It runs until stdin ends\n"
    "(answering the calls still queued), whatever the client sends; exit status 0.\n";

int print_help(FILE *f, int status) {
    int err = write_stream(f, help_text, sizeof help_text - 1);
    return check_write(err, f == stdout ? "stdout" : "stderr", status);
}

/* A subcommand: `main` gets the arguments after its name. */
struct command {
    const char *name;
    int (*main)(int argc, char **argv);
};

static const struct command commands[] = {
    {"run", cmd_run},           {"session", cmd_session}, {"repl", cmd_repl},
    {"snapshot", cmd_snapshot}, {"mcp", cmd_mcp},         {"debug", cmd_debug},
};

/* `eryx --version` */
static int print_version(void) {
    return check_write(write_format(stdout, "eryx %s\n", eryx_version()), "stdout", EC_OK);
}

int main(int argc, char **argv) {
    /* A reader that goes away must give EPIPE from write (handled as a quiet
     * end), not kill the process. */
    signal(SIGPIPE, SIG_IGN);
    /* An ignored SIGCHLD is inherited across exec and would make the
     * kernel reap callback commands before we can read their exit status. */
    signal(SIGCHLD, SIG_DFL);

    if (argc < 2) return print_help(stderr, EC_USAGE);
    const char *arg = argv[1];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) return print_help(stdout, EC_OK);
    if (strcmp(arg, "--version") == 0) return print_version();
    if (arg[0] == '-') return usage_error("unknown option '%s'", arg);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(arg, commands[i].name) == 0) return commands[i].main(argc - 2, argv + 2);
    }
    return usage_error("unknown command '%s'", arg);
}
