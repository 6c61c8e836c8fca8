/*
 * eryx - command-line front end of the eryx sandbox.
 *
 *   eryx run [OPTIONS] FILE | - | -c CODE
 *   eryx --version | --help
 *
 * `eryx run` behaves like `python` for output and exit status: the program's
 * stdout and stderr are passed through, an uncaught exception prints its
 * traceback, sys.exit(n) exits with n. With --json it prints the whole result
 * as one JSON object instead. Everything goes through the public API in
 * eryx.h.
 *
 * Adding a subcommand means one entry in `commands`; adding an option of
 * `run` means one entry in `run_options_table`, one handler, one help line.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eryx.h"

/* The only help text; `eryx --help` and `eryx run --help` both print it. */
static const char help_text[] =
    "usage: eryx run [OPTIONS] FILE      run FILE ('-' reads the program from stdin)\n"
    "       eryx run [OPTIONS] -c CODE   run CODE\n"
    "       eryx --version               print the version\n"
    "       eryx --help                  print this help\n"
    "\n"
    "Runs Python 3.11 in a sandbox that reaches no host files, network, environment\n"
    "or processes.\n"
    "\n"
    "Options of 'run' (before or after FILE; '--' ends the options):\n"
    "  -c CODE               run CODE (the next argument, taken as is)\n"
    "  --timeout SECONDS     wall-clock limit, fractions allowed, 0 for none\n"
    "                        (default 30)\n"
    "  --memory MIB          guest memory limit in MiB, 32 to 4096 (default 256)\n"
    "  --output-limit BYTES  cap on stdout plus stderr in bytes (default 16 MiB)\n"
    "  --json                print one JSON object (output, result, error, stats)\n"
    "                        instead of passing the output through\n"
    "  -h, --help            print this help\n"
    "Values go in the next argument or after '=': --timeout 2.5, --timeout=2.5.\n"
    "\n"
    "Exit status: 0 success, 1 uncaught exception, 2 usage error, 3 timeout,\n"
    "4 memory limit, 5 output limit, 6 other failure; sys.exit(n) exits with n.\n";

/* Exit statuses of the command (sys.exit(n) adds 0 to 255 of its own). */
enum exit_code {
    EC_OK = 0,
    EC_EXCEPTION = 1,
    EC_USAGE = 2,
    EC_TIMEOUT = 3,
    EC_MEMORY = 4,
    EC_OUTPUT = 5,
    EC_FAILURE = 6,
};

/* ======================================================================
 * Writing output
 * ====================================================================== */

/* Writes `len` bytes to `f` and flushes at once, so that a failure is seen
 * here with its errno rather than later at exit. Returns 0 or the errno. */
static int write_stream(FILE *f, const void *data, size_t len) {
    errno = 0;
    if ((len > 0 && fwrite(data, 1, len, f) != len) || fflush(f) != 0)
        return errno != 0 ? errno : EIO;
    return 0;
}

/* fprintf to `f` with a flush, returning 0 or the errno like write_stream. */
__attribute__((format(printf, 2, 3))) static int write_format(FILE *f, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    errno = 0;
    int failed = vfprintf(f, fmt, ap) < 0 || fflush(f) != 0;
    va_end(ap);
    return failed ? (errno != 0 ? errno : EIO) : 0;
}

/* The exit status once a write has returned `err`. EPIPE means the reader
 * went away (`eryx run x.py | head`), which is not our failure, so the status
 * stays that of the run; any other write error fails the command. */
static int check_write(int err, const char *stream, int status) {
    if (err == 0 || err == EPIPE) return status;
    fprintf(stderr, "eryx: cannot write %s: %s\n", stream, strerror(err));
    return EC_FAILURE;
}

/* Prints the help text to `f` and returns `status`, or EC_FAILURE when the
 * help could not be written. */
static int print_help(FILE *f, int status) {
    int err = write_stream(f, help_text, sizeof help_text - 1);
    return check_write(err, f == stdout ? "stdout" : "stderr", status);
}

/* Prints a one-line usage error with a pointer to the help. Returns EC_USAGE
 * so that callers can `return usage_error(...)`. */
__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("eryx: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\ntry 'eryx --help'\n", stderr);
    va_end(ap);
    return EC_USAGE;
}

/* ======================================================================
 * Options of `eryx run`
 * ====================================================================== */

/* What the command line of `eryx run` asks for. Limits go straight into
 * `config`, so that the library, which owns the valid ranges, checks them. */
struct run_options {
    eryx_config *config;
    const char *file; /* FILE, "-" for stdin; NULL when not given */
    const char *code; /* -c CODE; NULL when not given */
    bool json;
};

/* How parsing went: go on and run, print the help, or a usage error (already
 * reported). */
enum parse_outcome { PARSE_RUN, PARSE_HELP, PARSE_USAGE };

/* Parses a number of seconds: plain decimal notation with an optional
 * fraction and exponent ("30", "2.5", ".5", "1e-3"). The checks before strtod
 * keep out what it would also accept: signs, leading blanks, "inf", "nan",
 * hexadecimal. Returns 0, EINVAL for any other text, or ERANGE. */
static int parse_seconds(const char *text, double *out) {
    static const char decimal_chars[] = "0123456789.eE+-";
    if (!(text[0] == '.' || (text[0] >= '0' && text[0] <= '9'))) return EINVAL;
    if (text[strspn(text, decimal_chars)] != '\0') return EINVAL;
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (*end != '\0') return EINVAL;
    /* ERANGE also covers underflow: "1e-999" must not silently become 0,
     * which would mean no limit at all. */
    if (errno == ERANGE || !isfinite(value)) return ERANGE;
    *out = value;
    return 0;
}

/* Parses a whole non-negative number in decimal. Returns 0, EINVAL for any
 * other text (signs included: strtoull would wrap "-1" around), or ERANGE. */
static int parse_count(const char *text, uint64_t *out) {
    if (text[0] == '\0' || text[strspn(text, "0123456789")] != '\0') return EINVAL;
    errno = 0;
    unsigned long long value = strtoull(text, NULL, 10);
    if (errno == ERANGE) return ERANGE;
    *out = value;
    return 0;
}

/* Reports the value of option `name` as a usage error: `err` is EINVAL when
 * it is not a number of the `expected` form, ERANGE when it is out of range
 * (for us or for the library, which owns the valid ranges). */
static enum parse_outcome bad_value(const char *name, const char *value, int err,
                                    const char *expected) {
    if (err == ERANGE)
        usage_error("value out of range for %s: '%s'", name, value);
    else
        usage_error("invalid value for %s: '%s' (expected %s)", name, value, expected);
    return PARSE_USAGE;
}

/* An option handler applies one option to `opts`. `value` is the option's
 * argument, NULL for flags. */
typedef enum parse_outcome (*option_handler)(struct run_options *opts, const char *name,
                                             const char *value);

/* -c CODE */
static enum parse_outcome opt_code(struct run_options *opts, const char *name, const char *value) {
    if (opts->code != NULL) {
        usage_error("option '%s' given more than once", name);
        return PARSE_USAGE;
    }
    opts->code = value;
    return PARSE_RUN;
}

/* --timeout SECONDS */
static enum parse_outcome opt_timeout(struct run_options *opts, const char *name,
                                      const char *value) {
    double seconds;
    int err = parse_seconds(value, &seconds);
    if (err == 0 && eryx_config_set_timeout(opts->config, seconds) != ERYX_OK) err = ERANGE;
    return err == 0 ? PARSE_RUN : bad_value(name, value, err, "a non-negative number of seconds");
}

/* --memory MIB */
static enum parse_outcome opt_memory(struct run_options *opts, const char *name,
                                     const char *value) {
    const uint64_t mib_bytes = 1024 * 1024;
    uint64_t mib;
    int err = parse_count(value, &mib);
    if (err == 0 && (mib > UINT64_MAX / mib_bytes ||
                     eryx_config_set_memory_limit(opts->config, mib * mib_bytes) != ERYX_OK))
        err = ERANGE;
    return err == 0 ? PARSE_RUN : bad_value(name, value, err, "a whole number of MiB");
}

/* --output-limit BYTES */
static enum parse_outcome opt_output_limit(struct run_options *opts, const char *name,
                                           const char *value) {
    uint64_t bytes;
    int err = parse_count(value, &bytes);
    if (err == 0 && eryx_config_set_output_limit(opts->config, bytes) != ERYX_OK) err = ERANGE;
    return err == 0 ? PARSE_RUN : bad_value(name, value, err, "a whole number of bytes");
}

/* --json */
static enum parse_outcome opt_json(struct run_options *opts, const char *name, const char *value) {
    (void)name;
    (void)value;
    opts->json = true;
    return PARSE_RUN;
}

/* -h, --help */
static enum parse_outcome opt_help(struct run_options *opts, const char *name, const char *value) {
    (void)opts;
    (void)name;
    (void)value;
    return PARSE_HELP;
}

/* One option of `eryx run`. Long options ("--x") take their value as
 * "--x=VALUE" or in the next argument; short ones ("-c") only in the next
 * argument. A value in the next argument is taken as is, even when it starts
 * with '-'. */
struct run_option {
    const char *name;
    bool takes_value;
    option_handler apply;
};

/* Kept one option per line for reading and diffs. */
/* clang-format off */
static const struct run_option run_options_table[] = {
    {"-c", true, opt_code},
    {"--timeout", true, opt_timeout},
    {"--memory", true, opt_memory},
    {"--output-limit", true, opt_output_limit},
    {"--json", false, opt_json},
    {"-h", false, opt_help},
    {"--help", false, opt_help},
};
/* clang-format on */

/* Finds the option that `arg` names. For "--name=VALUE" sets *inline_value
 * to VALUE, otherwise to NULL. Returns NULL for an unknown option. */
static const struct run_option *find_run_option(const char *arg, const char **inline_value) {
    size_t count = sizeof run_options_table / sizeof run_options_table[0];
    for (size_t i = 0; i < count; i++) {
        const struct run_option *opt = &run_options_table[i];
        size_t n = strlen(opt->name);
        if (strncmp(arg, opt->name, n) != 0) continue;
        if (arg[n] == '\0') {
            *inline_value = NULL;
            return opt;
        }
        if (arg[n] == '=' && opt->name[1] == '-') {
            *inline_value = arg + n + 1;
            return opt;
        }
    }
    return NULL;
}

/* Handles one option argument `argv[*i]`, consuming the next argument too
 * when that is the option's value. */
static enum parse_outcome parse_option(int argc, char **argv, int *i, struct run_options *opts) {
    const char *arg = argv[*i];
    const char *value;
    const struct run_option *opt = find_run_option(arg, &value);
    if (opt == NULL) {
        usage_error("unknown option '%s'", arg);
        return PARSE_USAGE;
    }
    if (opt->takes_value && value == NULL) {
        if (*i + 1 >= argc) {
            usage_error("option '%s' needs a value", opt->name);
            return PARSE_USAGE;
        }
        value = argv[++*i];
    } else if (!opt->takes_value && value != NULL) {
        usage_error("option '%s' takes no value", opt->name);
        return PARSE_USAGE;
    }
    return opt->apply(opts, opt->name, value);
}

/* Parses the arguments after "run". Options and FILE may come in any order;
 * after "--" every argument is FILE. A lone "-" is FILE (stdin). */
static enum parse_outcome parse_run_args(int argc, char **argv, struct run_options *opts) {
    bool options_done = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = true;
        } else if (!options_done && arg[0] == '-' && arg[1] != '\0') {
            enum parse_outcome outcome = parse_option(argc, argv, &i, opts);
            if (outcome != PARSE_RUN) return outcome;
        } else if (opts->file == NULL) {
            opts->file = arg;
        } else {
            usage_error("unexpected argument '%s' (FILE is already '%s')", arg, opts->file);
            return PARSE_USAGE;
        }
    }
    if (opts->file != NULL && opts->code != NULL) {
        usage_error("give either FILE or -c CODE, not both");
        return PARSE_USAGE;
    }
    if (opts->file == NULL && opts->code == NULL) {
        usage_error("nothing to run: give FILE, '-' or -c CODE");
        return PARSE_USAGE;
    }
    return PARSE_RUN;
}

/* ======================================================================
 * Running
 * ====================================================================== */

/* A growing byte buffer for the program text. */
struct buffer {
    char *data;
    size_t len;
    size_t cap;
};

/* Reads `fd` to end of file into `buf`, whatever its size and bytes.
 * Returns 0 or an errno (ENOMEM when the buffer cannot grow; EISDIR for a
 * directory). */
static int read_fd(int fd, struct buffer *buf) {
    for (;;) {
        if (buf->len == buf->cap) {
            size_t cap = buf->cap == 0 ? 64 * 1024 : buf->cap * 2;
            /* A doubling that wraps around is as good as out of memory. */
            char *data = cap > buf->cap ? realloc(buf->data, cap) : NULL;
            if (data == NULL) return ENOMEM;
            buf->data = data;
            buf->cap = cap;
        }
        ssize_t n = read(fd, buf->data + buf->len, buf->cap - buf->len);
        if (n == 0) return 0;
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        buf->len += (size_t)n;
    }
}

/* Reads the program in FILE ("-": stdin) into `buf`. Reports a failure on
 * stderr and returns false. */
static bool read_program(const char *file, struct buffer *buf) {
    if (strcmp(file, "-") == 0) {
        int err = read_fd(STDIN_FILENO, buf);
        if (err != 0) fprintf(stderr, "eryx: cannot read standard input: %s\n", strerror(err));
        return err == 0;
    }
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    int err = fd < 0 ? errno : read_fd(fd, buf);
    if (fd >= 0) close(fd);
    if (err != 0) fprintf(stderr, "eryx: cannot read '%s': %s\n", file, strerror(err));
    return err == 0;
}

/* The exit status that the outcome of `result` calls for. */
static int exit_status(const eryx_result *result) {
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

/* Writes what stderr gets after the program's own output: the traceback of
 * an uncaught exception, or "eryx: <message>" for a sandbox-side end. Returns
 * 0 or the errno of a failed write. */
static int write_error_report(const eryx_result *result) {
    switch (eryx_result_error_kind(result)) {
    case ERYX_ERROR_NONE:
    case ERYX_ERROR_EXIT:
        /* The library has already put a non-int SystemExit argument into
         * the program's stderr, as python prints it. */
        return 0;
    case ERYX_ERROR_EXCEPTION: {
        const char *traceback = eryx_result_error_traceback(result);
        return write_stream(stderr, traceback, strlen(traceback));
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

/* Passes the program's stdout and stderr through to ours, then the error
 * report. Returns `status`, or EC_FAILURE after a write error. */
static int pass_through(const eryx_result *result, int status) {
    size_t out_len, err_len;
    const char *out = eryx_result_stdout(result, &out_len);
    const char *err = eryx_result_stderr(result, &err_len);
    int out_errno = write_stream(stdout, out, out_len);
    int err_errno = write_stream(stderr, err, err_len);
    if (err_errno == 0) err_errno = write_error_report(result);
    status = check_write(out_errno, "stdout", status);
    return check_write(err_errno, "stderr", status);
}

/* Prints the result as one JSON object and a newline, nothing else. Returns
 * `status`, or EC_FAILURE when that fails. */
static int print_json(const eryx_result *result, int status) {
    char *json = eryx_result_to_json(result);
    if (json == NULL) {
        fprintf(stderr, "eryx: out of memory\n");
        return EC_FAILURE;
    }
    int err = write_stream(stdout, json, strlen(json));
    if (err == 0) err = write_stream(stdout, "\n", 1);
    eryx_free(json);
    return check_write(err, "stdout", status);
}

/* Runs `len` bytes of `code` in a new sandbox made from `opts` and reports
 * the outcome. Returns the exit status. */
static int execute_program(const struct run_options *opts, const char *code, size_t len) {
    char errbuf[512] = "";
    eryx_sandbox *sandbox;
    eryx_status st = eryx_sandbox_new(opts->config, &sandbox, errbuf, sizeof errbuf);
    if (st != ERYX_OK) {
        fprintf(stderr, "eryx: cannot start sandbox: %s\n",
                errbuf[0] != '\0' ? errbuf : eryx_status_string(st));
        return EC_FAILURE;
    }
    eryx_result *result;
    st = eryx_execute(sandbox, code, len, &result);
    int status;
    if (st != ERYX_OK) {
        fprintf(stderr, "eryx: cannot run the program: %s\n", eryx_status_string(st));
        status = EC_FAILURE;
    } else {
        status = exit_status(result);
        status = opts->json ? print_json(result, status) : pass_through(result, status);
        eryx_result_free(result);
    }
    eryx_sandbox_free(sandbox);
    return status;
}

/* Runs the program that `opts` names (-c CODE, FILE or stdin); returns the
 * exit status. */
static int run_program(const struct run_options *opts) {
    if (opts->code != NULL) return execute_program(opts, opts->code, strlen(opts->code));
    struct buffer program = {0};
    int status = read_program(opts->file, &program)
                     ? execute_program(opts, program.data, program.len)
                     : EC_FAILURE;
    free(program.data);
    return status;
}

/* `eryx run`: argv holds the arguments after "run". */
static int cmd_run(int argc, char **argv) {
    struct run_options opts = {.config = eryx_config_new()};
    if (opts.config == NULL) {
        fprintf(stderr, "eryx: out of memory\n");
        return EC_FAILURE;
    }
    int status;
    switch (parse_run_args(argc, argv, &opts)) {
    case PARSE_HELP:
        status = print_help(stdout, EC_OK);
        break;
    case PARSE_USAGE:
        status = EC_USAGE;
        break;
    case PARSE_RUN:
        status = run_program(&opts);
        break;
    }
    eryx_config_free(opts.config);
    return status;
}

/* ======================================================================
 * Entry point
 * ====================================================================== */

/* A subcommand: `main` gets the arguments after its name. */
struct command {
    const char *name;
    int (*main)(int argc, char **argv);
};

static const struct command commands[] = {
    {"run", cmd_run},
};

/* `eryx --version` */
static int print_version(void) {
    return check_write(write_format(stdout, "eryx %s\n", eryx_version()), "stdout", EC_OK);
}

int main(int argc, char **argv) {
    /* A reader that goes away must give EPIPE from write (handled as a quiet
     * end), not kill the process. */
    signal(SIGPIPE, SIG_IGN);

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
