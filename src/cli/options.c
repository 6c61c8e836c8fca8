/*
 * options.c - parsing of the options shared by run, session, repl and mcp.
 *
 * Adding an option means one entry in `option_table` (with the commands
 * that accept it), one handler and one help line in main.c.
 */
#include "options.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "shell_callback.h"
#include "commands.h"
#include "io.h"

/* The name of a command for messages. */
static const char *command_name(enum cli_command command) {
    switch (command) {
    case CMD_RUN:
        return "run";
    case CMD_SESSION:
        return "session";
    case CMD_REPL:
        return "repl";
    case CMD_SNAPSHOT:
        return "snapshot";
    case CMD_MCP:
        return "mcp";
    case CMD_DEBUG:
        return "debug";
    }
    return "?";
}

bool cli_options_init(struct cli_options *opts, enum cli_command command) {
    *opts = (struct cli_options){.command = command, .callback_timeout = -1, .timeout = -1};
    opts->config = eryx_config_new();
    if (opts->config == NULL) fprintf(stderr, "eryx: out of memory\n");
    return opts->config != NULL;
}

void cli_options_free(struct cli_options *opts) {
    shell_callbacks_free(opts->callbacks);
    eryx_config_free(opts->config);
    opts->callbacks = NULL;
    opts->config = NULL;
}

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
typedef enum parse_outcome (*option_handler)(struct cli_options *opts, const char *name,
                                             const char *value);

/* -c CODE */
static enum parse_outcome opt_code(struct cli_options *opts, const char *name, const char *value) {
    if (opts->code != NULL) {
        usage_error("option '%s' given more than once", name);
        return PARSE_USAGE;
    }
    opts->code = value;
    return PARSE_RUN;
}

/* --timeout SECONDS */
static enum parse_outcome opt_timeout(struct cli_options *opts, const char *name,
                                      const char *value) {
    double seconds;
    int err = parse_seconds(value, &seconds);
    if (err == 0 && eryx_config_set_timeout(opts->config, seconds) != ERYX_OK) err = ERANGE;
    if (err != 0) return bad_value(name, value, err, "a non-negative number of seconds");
    opts->timeout = seconds;
    return PARSE_RUN;
}

/* --memory MIB */
static enum parse_outcome opt_memory(struct cli_options *opts, const char *name,
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
static enum parse_outcome opt_output_limit(struct cli_options *opts, const char *name,
                                           const char *value) {
    uint64_t bytes;
    int err = parse_count(value, &bytes);
    if (err == 0 && eryx_config_set_output_limit(opts->config, bytes) != ERYX_OK) err = ERANGE;
    return err == 0 ? PARSE_RUN : bad_value(name, value, err, "a whole number of bytes");
}

/* --json */
static enum parse_outcome opt_json(struct cli_options *opts, const char *name, const char *value) {
    (void)name;
    (void)value;
    opts->json = true;
    return PARSE_RUN;
}

/* --trace FILE. The file is opened once parsing is done (trace_writer.h),
 * so that a usage error later on the line creates no file. */
static enum parse_outcome opt_trace(struct cli_options *opts, const char *name, const char *value) {
    if (opts->trace_path != NULL) {
        usage_error("option '%s' given more than once", name);
        return PARSE_USAGE;
    }
    if (value[0] == '\0') {
        usage_error("option '%s' needs a file name ('-' for stderr)", name);
        return PARSE_USAGE;
    }
    opts->trace_path = value;
    return PARSE_RUN;
}

/* --profile REPORT (opened when the run starts, as --trace) */
static enum parse_outcome opt_profile(struct cli_options *opts, const char *name,
                                      const char *value) {
    if (opts->profile_path != NULL || value[0] == '\0') {
        usage_error(opts->profile_path != NULL ? "option '%s' given more than once"
                                               : "option '%s' needs a file name",
                    name);
        return PARSE_USAGE;
    }
    opts->profile_path = value;
    return PARSE_RUN;
}

/* --callback NAME=COMMAND (repeatable) */
static enum parse_outcome opt_callback(struct cli_options *opts, const char *name,
                                       const char *value) {
    (void)name;
    if (opts->callbacks == NULL) {
        opts->callbacks = shell_callbacks_new();
        if (opts->callbacks == NULL) {
            usage_error("out of memory");
            return PARSE_USAGE;
        }
    }
    char err[512];
    if (shell_callbacks_add(opts->callbacks, opts->config, value, err, sizeof err) != 0) {
        usage_error("%s", err);
        return PARSE_USAGE;
    }
    return PARSE_RUN;
}

/* --callback-timeout SECONDS */
static enum parse_outcome opt_callback_timeout(struct cli_options *opts, const char *name,
                                               const char *value) {
    double seconds;
    int err = parse_seconds(value, &seconds);
    if (err == 0 && eryx_config_set_callback_timeout(opts->config, seconds) != ERYX_OK)
        err = ERANGE;
    if (err != 0) return bad_value(name, value, err, "a non-negative number of seconds");
    opts->callback_timeout = seconds;
    return PARSE_RUN;
}

/* -o OUT */
static enum parse_outcome opt_output(struct cli_options *opts, const char *name,
                                     const char *value) {
    if (opts->output != NULL || value[0] == '\0') {
        usage_error(value[0] ? "option '%s' given more than once" : "option '%s' needs a file name",
                    name);
        return PARSE_USAGE;
    }
    opts->output = value;
    return PARSE_RUN;
}

/* -v, --volume HOST:GUEST[:ro] (repeatable). HOST may itself hold ':'; the
 * guest path is the last absolute component after one. */
static enum parse_outcome opt_volume(struct cli_options *opts, const char *name,
                                     const char *value) {
    size_t len = strlen(value);
    int read_only = 0;
    if (len > 3 && strcmp(value + len - 3, ":ro") == 0) {
        read_only = 1;
        len -= 3;
    } else if (len > 3 && strcmp(value + len - 3, ":rw") == 0) {
        len -= 3;
    }
    const char *colon = NULL;
    for (size_t i = len; i-- > 0;) {
        if (value[i] == ':') {
            colon = value + i;
            break;
        }
    }
    if (colon == NULL || colon == value) {
        usage_error("option '%s' needs HOST:GUEST[:ro], not '%s'", name, value);
        return PARSE_USAGE;
    }
    char *host = strndup(value, (size_t)(colon - value));
    char *guest = strndup(colon + 1, len - (size_t)(colon - value) - 1);
    char err[600] = "";
    eryx_status st = host && guest ? eryx_config_add_volume(opts->config, host, guest, read_only,
                                                            err, sizeof err)
                                   : ERYX_ENOMEM;
    free(host);
    free(guest);
    if (st != ERYX_OK) {
        usage_error("cannot mount volume '%s': %s", value, err[0] ? err : eryx_status_string(st));
        return PARSE_USAGE;
    }
    return PARSE_RUN;
}

/* --package PATH (repeatable) */
static enum parse_outcome opt_package(struct cli_options *opts, const char *name,
                                      const char *value) {
    (void)name;
    char err[600] = "";
    eryx_status st = eryx_config_add_package(opts->config, value, err, sizeof err);
    if (st != ERYX_OK) {
        usage_error("cannot add package: %s", err[0] ? err : eryx_status_string(st));
        return PARSE_USAGE;
    }
    return PARSE_RUN;
}

/* --fs-limit MIB */
static enum parse_outcome opt_fs_limit(struct cli_options *opts, const char *name,
                                       const char *value) {
    const uint64_t mib_bytes = 1024 * 1024;
    uint64_t mib;
    int err = parse_count(value, &mib);
    if (err == 0 &&
        (mib == 0 || mib > UINT64_MAX / mib_bytes ||
         eryx_config_set_fs_limits(opts->config, mib * mib_bytes, ERYX_FS_DEFAULT_ENTRIES,
                                   ERYX_FS_DEFAULT_FDS) != ERYX_OK))
        err = ERANGE;
    return err == 0 ? PARSE_RUN : bad_value(name, value, err, "a whole number of MiB");
}

/* --snapshot FILE: every execution starts from the snapshot in FILE. */
static enum parse_outcome opt_snapshot(struct cli_options *opts, const char *name,
                                       const char *value) {
    (void)name;
    struct buffer blob = {0};
    /* Only a regular file of bounded size: a FIFO or /dev/zero fails at once. */
    int err = read_regular_file(value, &blob, CLI_MAX_SNAPSHOT);
    char why[512] = "";
    eryx_status st =
        err == 0 ? eryx_config_set_snapshot(opts->config, blob.data, blob.len, why, sizeof why)
                 : ERYX_EINVAL;
    buffer_free(&blob);
    if (err != 0) {
        usage_error("cannot read snapshot '%s': %s", value,
                    err == EFBIG ? "larger than 5 GiB" : strerror(err));
        return PARSE_USAGE;
    }
    if (st != ERYX_OK) {
        usage_error("cannot use snapshot '%s': %s", value, why[0] ? why : eryx_status_string(st));
        return PARSE_USAGE;
    }
    return PARSE_RUN;
}

/* -h, --help */
static enum parse_outcome opt_help(struct cli_options *opts, const char *name, const char *value) {
    (void)opts;
    (void)name;
    (void)value;
    return PARSE_HELP;
}

/* One option. Long options ("--x") take their value as "--x=VALUE" or in
 * the next argument; short ones ("-c") only in the next argument. A value
 * in the next argument is taken as is, even when it starts with '-'.
 * `commands` is the set of commands (CMD_* bits) that accept it. */
struct option {
    const char *name;
    bool takes_value;
    unsigned commands;
    option_handler apply;
};

#define ALL_COMMANDS     (CMD_RUN | CMD_SESSION | CMD_REPL | CMD_SNAPSHOT | CMD_MCP | CMD_DEBUG)
#define SANDBOX_COMMANDS (CMD_RUN | CMD_SESSION | CMD_REPL | CMD_MCP | CMD_DEBUG)
#define PROGRAM_COMMANDS (CMD_RUN | CMD_DEBUG | CMD_SNAPSHOT) /* those that take FILE or -c */

/* Kept one option per line for reading and diffs. */
/* clang-format off */
static const struct option option_table[] = {
    {"-c", true, PROGRAM_COMMANDS, opt_code},
    {"-o", true, CMD_SNAPSHOT, opt_output},
    {"-v", true, ALL_COMMANDS, opt_volume},
    {"--volume", true, ALL_COMMANDS, opt_volume},
    {"--package", true, ALL_COMMANDS, opt_package},
    {"--fs-limit", true, ALL_COMMANDS, opt_fs_limit},
    {"--snapshot", true, SANDBOX_COMMANDS, opt_snapshot},
    {"--timeout", true, ALL_COMMANDS, opt_timeout},
    {"--memory", true, ALL_COMMANDS, opt_memory},
    {"--output-limit", true, ALL_COMMANDS, opt_output_limit},
    {"--json", false, CMD_RUN, opt_json},
    {"--trace", true, CMD_RUN | CMD_SESSION | CMD_REPL | CMD_MCP, opt_trace},
    {"--profile", true, CMD_RUN, opt_profile},
    {"--callback", true, ALL_COMMANDS, opt_callback},
    {"--callback-timeout", true, ALL_COMMANDS, opt_callback_timeout},
    {"-h", false, ALL_COMMANDS, opt_help},
    {"--help", false, ALL_COMMANDS, opt_help},
};
/* clang-format on */

/* Finds the option that `arg` names. For "--name=VALUE" sets *inline_value
 * to VALUE, otherwise to NULL. Returns NULL for an unknown option. An exact
 * name match is required, so "--callback-timeout" is never "--callback". */
static const struct option *find_option(const char *arg, const char **inline_value) {
    size_t count = sizeof option_table / sizeof option_table[0];
    for (size_t i = 0; i < count; i++) {
        const struct option *opt = &option_table[i];
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
static enum parse_outcome parse_option(struct cli_options *opts, int argc, char **argv, int *i) {
    const char *arg = argv[*i];
    const char *value;
    const struct option *opt = find_option(arg, &value);
    if (opt == NULL) {
        usage_error("unknown option '%s'", arg);
        return PARSE_USAGE;
    }
    if ((opt->commands & opts->command) == 0) {
        usage_error("option '%s' does not apply to 'eryx %s'", opt->name,
                    command_name(opts->command));
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

enum parse_outcome cli_options_parse(struct cli_options *opts, int argc, char **argv) {
    bool options_done = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = true;
        } else if (!options_done && arg[0] == '-' && arg[1] != '\0') {
            enum parse_outcome outcome = parse_option(opts, argc, argv, &i);
            if (outcome != PARSE_RUN) return outcome;
        } else if ((opts->command & PROGRAM_COMMANDS) == 0) {
            usage_error("unexpected argument '%s' ('eryx %s' takes no FILE)", arg,
                        command_name(opts->command));
            return PARSE_USAGE;
        } else if (opts->file == NULL) {
            opts->file = arg;
        } else {
            usage_error("unexpected argument '%s' (FILE is already '%s')", arg, opts->file);
            return PARSE_USAGE;
        }
    }
    if (opts->command == CMD_SNAPSHOT && opts->output == NULL) {
        usage_error("give the snapshot file to write with -o OUT");
        return PARSE_USAGE;
    }
    if (opts->command & PROGRAM_COMMANDS) {
        if (opts->file != NULL && opts->code != NULL) {
            usage_error("give either FILE or -c CODE, not both");
            return PARSE_USAGE;
        }
        if (opts->file == NULL && opts->code == NULL) {
            usage_error("nothing to run: give FILE, '-' or -c CODE");
            return PARSE_USAGE;
        }
    }
    /* The kill deadline of callback commands follows the callback timeout,
     * whichever order the options came in. */
    if (opts->callbacks != NULL && opts->callback_timeout >= 0)
        shell_callbacks_set_timeout(opts->callbacks, opts->callback_timeout);
    return PARSE_RUN;
}

int cli_command_main(enum cli_command command, int argc, char **argv,
                     int (*start)(struct cli_options *opts)) {
    struct cli_options opts;
    if (!cli_options_init(&opts, command)) return EC_FAILURE;
    int status = EC_USAGE;
    switch (cli_options_parse(&opts, argc, argv)) {
    case PARSE_HELP:
        status = print_help(stdout, EC_OK);
        break;
    case PARSE_USAGE:
        status = EC_USAGE;
        break;
    case PARSE_RUN:
        status = start(&opts);
        break;
    }
    cli_options_free(&opts);
    return status;
}
