/*
 * session.c - `eryx session [OPTIONS]`: JSON Lines requests on stdin, one
 * JSON answer per request on stdout, in order, with state kept between
 * requests (eryx_session_new).
 *
 *   {"id": 1, "code": "x = 1"}           -> the object of `eryx run --json`
 *                                           with "id" as its first member
 *   {"id": 2, "op": "reset"}             -> {"id": 2, "ok": true}
 *   {"id": 3, "op": "snapshot", "path": "s.bin"}
 *   {"id": 4, "op": "restore", "path": "s.bin"}
 *   anything that cannot be done         -> {"id": ..., "ok": false, "error": "..."}
 *
 * "id" is optional and may be any JSON value; it is echoed byte for byte as
 * given (null when absent or when the line is not a JSON object). Requests
 * are strict: an unknown or repeated member is an error, so that a typo
 * ("cdoe") is reported rather than ignored. Blank lines are skipped; the
 * exit status is 0 at end of input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../host/json.h"
#include "commands.h"
#include "interrupt.h"
#include "io.h"
#include "options.h"
#include "shell_callback.h"
#include "trace_writer.h"

/* One parsed request line. */
struct request {
    json_value *json; /* the parsed line, NULL when it is not JSON */
    const char *id;   /* the id's text as given, not NUL-terminated */
    size_t id_len;
    const char *code; /* "code", NUL-terminated (may hold NULs: code_len) */
    size_t code_len;
    const char *op;   /* "op" */
    const char *path; /* "path" */
};

/* Starts an answer: `{"id": ID, `. */
static bool answer_begin(struct buffer *out, const struct request *req) {
    return buffer_puts(out, "{\"id\": ") && buffer_append(out, req->id, req->id_len) &&
           buffer_puts(out, ", ");
}

/* The answer {"id": ..., "ok": false, "error": MESSAGE}. */
static bool answer_error(struct buffer *out, const struct request *req, const char *message) {
    char *quoted = json_quote(message, strlen(message), NULL);
    bool ok = quoted != NULL && answer_begin(out, req) &&
              buffer_puts(out, "\"ok\": false, \"error\": ") && buffer_puts(out, quoted) &&
              buffer_puts(out, "}");
    free(quoted);
    return ok;
}

/* The answer {"id": ..., "ok": true}. */
static bool answer_ok(struct buffer *out, const struct request *req) {
    return answer_begin(out, req) && buffer_puts(out, "\"ok\": true}");
}

/* Checks the members of a request object and fills `req`. Returns NULL, or
 * what is wrong (written to msg when it needs formatting). */
static const char *check_request(struct request *req, char *msg, size_t msglen) {
    static const char *const known[] = {"id", "code", "op", "path"};
    const json_value *obj = req->json;
    bool seen[4] = {false, false, false, false};
    for (size_t i = 0; i < json_length(obj); i++) {
        size_t key_len;
        const char *key = json_object_key(obj, i, &key_len);
        size_t k = 0;
        while (k < 4 && !(strlen(known[k]) == key_len && memcmp(known[k], key, key_len) == 0))
            k++;
        if (k == 4 || seen[k]) {
            char *quoted = json_quote(key, key_len, NULL);
            snprintf(msg, msglen, "%s member %s", k == 4 ? "unknown" : "repeated",
                     quoted != NULL ? quoted : "?");
            free(quoted);
            return msg;
        }
        seen[k] = true;
    }
    const json_value *code = json_object_get(obj, "code");
    const json_value *op = json_object_get(obj, "op");
    const json_value *path = json_object_get(obj, "path");
    if (code != NULL && op != NULL) return "a request has either \"code\" or \"op\", not both";
    if (code == NULL && op == NULL) return "a request needs \"code\" or \"op\"";
    if (code != NULL) {
        req->code = json_string(code, &req->code_len);
        if (req->code == NULL) return "\"code\" must be a string";
        if (path != NULL) return "\"path\" goes only with the ops snapshot and restore";
        return NULL;
    }
    req->op = json_string(op, NULL);
    if (req->op == NULL) return "\"op\" must be a string";
    bool needs_path = strcmp(req->op, "snapshot") == 0 || strcmp(req->op, "restore") == 0;
    if (!needs_path && strcmp(req->op, "reset") != 0) {
        char *quoted = json_quote(req->op, strlen(req->op), NULL);
        snprintf(msg, msglen, "unknown op %s (expected reset, snapshot or restore)",
                 quoted != NULL ? quoted : "?");
        free(quoted);
        return msg;
    }
    if (!needs_path) return path != NULL ? "\"path\" goes only with snapshot and restore" : NULL;
    size_t path_len;
    req->path = json_string(path, &path_len);
    if (req->path == NULL) {
        snprintf(msg, msglen, "op \"%s\" needs \"path\", a file name", req->op);
        return msg;
    }
    if (path_len == 0 || strlen(req->path) != path_len) return "\"path\" must be a file name";
    return NULL;
}

/* Runs a code request; the answer is the result object with the id
 * spliced in as its first member. *sig gets the signal that cancelled the
 * execution (0 if none). */
static bool do_code(eryx_sandbox *session, struct shell_callbacks *callbacks,
                    const struct request *req, struct buffer *out, int *sig) {
    eryx_result *result = NULL;
    struct interrupt_watch watch;
    interrupt_watch_begin(&watch, session);
    eryx_status st = eryx_execute(session, req->code, req->code_len, &result);
    *sig = interrupt_watch_end(&watch);
    /* Callback commands of this execution are no longer waited for. */
    shell_callbacks_abandon(callbacks);
    if (st != ERYX_OK) {
        char msg[256];
        snprintf(msg, sizeof msg, "cannot run the code: %s", eryx_status_string(st));
        return answer_error(out, req, msg);
    }
    char *json = eryx_result_to_json(result);
    eryx_result_free(result);
    if (json == NULL) return answer_error(out, req, "out of memory");
    /* {"stdout": ...} becomes {"id": ID, "stdout": ...}. */
    const char *rest = strchr(json, '{');
    bool ok;
    if (rest == NULL) {
        ok = answer_error(out, req, "the result is not a JSON object");
    } else {
        rest++;
        while (*rest == ' ')
            rest++;
        ok = *rest == '}' ? buffer_puts(out, "{\"id\": ") &&
                                buffer_append(out, req->id, req->id_len) && buffer_puts(out, "}")
                          : answer_begin(out, req) && buffer_puts(out, rest);
    }
    eryx_free(json);
    return ok;
}

/* Saves the session's state to req->path. */
static bool do_snapshot(eryx_sandbox *session, const struct request *req, struct buffer *out) {
    void *blob = NULL;
    size_t len = 0;
    eryx_status st = eryx_sandbox_snapshot(session, &blob, &len);
    char msg[512];
    if (st != ERYX_OK) {
        snprintf(msg, sizeof msg, "cannot take a snapshot: %s", eryx_status_string(st));
        return answer_error(out, req, msg);
    }
    int err = write_file(req->path, blob, len);
    eryx_free(blob);
    if (err != 0) {
        snprintf(msg, sizeof msg, "cannot write '%s': %s", req->path, strerror(err));
        return answer_error(out, req, msg);
    }
    return answer_ok(out, req);
}

/* Replaces the session's state with the snapshot in req->path. */
static bool do_restore(eryx_sandbox *session, const struct request *req, struct buffer *out) {
    struct buffer blob = {0};
    int err = read_file(req->path, &blob);
    char msg[768];
    if (err != 0) {
        buffer_free(&blob);
        snprintf(msg, sizeof msg, "cannot read '%s': %s", req->path, strerror(err));
        return answer_error(out, req, msg);
    }
    char why[512] = "";
    eryx_status st = eryx_sandbox_restore(session, blob.data, blob.len, why, sizeof why);
    buffer_free(&blob);
    if (st != ERYX_OK) {
        snprintf(msg, sizeof msg, "cannot restore '%s': %s", req->path,
                 why[0] != '\0' ? why : eryx_status_string(st));
        return answer_error(out, req, msg);
    }
    return answer_ok(out, req);
}

/* Handles one non-blank line and builds its answer in `out`; *sig as for
 * do_code. Returns false only when out of memory. */
static bool handle_line(eryx_sandbox *session, struct shell_callbacks *callbacks, const char *line,
                        size_t len, struct buffer *out, int *sig) {
    struct request req = {.id = "null", .id_len = 4};
    char msg[512];
    req.json = json_parse(line, len, msg, sizeof msg);
    bool ok;
    if (req.json == NULL) {
        char what[600];
        snprintf(what, sizeof what, "invalid JSON: %s", msg);
        ok = answer_error(out, &req, what);
    } else if (json_typeof(req.json) != JSON_OBJECT) {
        ok = answer_error(out, &req, "a request must be a JSON object");
    } else {
        const json_value *id = json_object_get(req.json, "id");
        if (id != NULL) {
            req.id = line + json_source_offset(id);
            req.id_len = json_source_length(id);
        }
        const char *problem = check_request(&req, msg, sizeof msg);
        if (problem != NULL) {
            ok = answer_error(out, &req, problem);
        } else if (req.code != NULL) {
            ok = do_code(session, callbacks, &req, out, sig);
        } else if (strcmp(req.op, "reset") == 0) {
            eryx_status st = eryx_sandbox_reset(session);
            ok = st == ERYX_OK ? answer_ok(out, &req)
                               : answer_error(out, &req, eryx_status_string(st));
        } else if (strcmp(req.op, "snapshot") == 0) {
            ok = do_snapshot(session, &req, out);
        } else {
            ok = do_restore(session, &req, out);
        }
    }
    json_free(req.json);
    return ok;
}

/* The request loop: returns the exit status, and in *sig the signal that
 * cancelled an execution (the loop ends after its answer). */
static int serve(eryx_sandbox *session, struct shell_callbacks *callbacks, int *sig) {
    char *line = NULL;
    size_t cap = 0;
    struct buffer out = {0};
    int status = EC_OK;
    for (;;) {
        errno = 0;
        ssize_t n = getline(&line, &cap, stdin);
        if (n < 0) {
            if (ferror(stdin)) {
                fprintf(stderr, "eryx: cannot read standard input: %s\n",
                        strerror(errno != 0 ? errno : EIO));
                status = EC_FAILURE;
            }
            break;
        }
        if (is_blank(line, (size_t)n)) continue;
        out.len = 0;
        if (!handle_line(session, callbacks, line, (size_t)n, &out, sig) ||
            !buffer_append(&out, "\n", 1)) {
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
    free(line);
    buffer_free(&out);
    return status;
}

/* Runs the session a parsed command line asks for. */
static int start_session(struct cli_options *opts) {
    struct trace_writer *trace = NULL;
    /* Answers are `run --json` objects, so with --trace they hold the
     * events under "trace" as well. */
    if (opts->trace_path != NULL) {
        int status = trace_writer_attach(opts->trace_path, opts->config, true, &trace);
        if (status != 0) return status;
    }
    eryx_sandbox *session = start_sandbox(opts->config, 1);
    if (!session) return trace_writer_close(trace, EC_FAILURE);
    /* As in run: with callbacks, signals cancel first (interrupt.h). */
    int sig = 0, status;
    if (opts->callbacks != NULL && !interrupts_install(false)) {
        status = EC_FAILURE;
    } else {
        status = serve(session, opts->callbacks, &sig);
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
