/*
 * session_request.c - one request of `eryx session` (see
 * session_request.h): parse, check, carry out, answer.
 */
#include "session_request.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../host/json.h"
#include "interrupt.h"

/* One parsed request line. */
struct request {
    json_value *json; /* the parsed line, NULL when it is not JSON */
    char *id;         /* the id written anew (json_write), NUL-terminated */
    const char *code; /* "code", NUL-terminated (may hold NULs: code_len) */
    size_t code_len;
    const char *op;   /* "op" */
    const char *path; /* "path" */
};

/* Starts an answer: `{"id": ID, `. */
static bool answer_begin(struct buffer *out, const struct request *req) {
    return buffer_puts(out, "{\"id\": ") && buffer_puts(out, req->id != NULL ? req->id : "null") &&
           buffer_puts(out, ", ");
}

/* The answer {"id": ..., "ok": false, "error": MESSAGE}; `opened`: its
 * beginning is out already (a trace went before, see do_code). */
static bool answer_error_after(struct buffer *out, const struct request *req, const char *message,
                               bool opened) {
    char *quoted = json_quote(message, strlen(message), NULL);
    bool ok = quoted != NULL && (opened || answer_begin(out, req)) &&
              buffer_puts(out, "\"ok\": false, \"error\": ") && buffer_puts(out, quoted) &&
              buffer_puts(out, "}");
    free(quoted);
    return ok;
}

static bool answer_error(struct buffer *out, const struct request *req, const char *message) {
    return answer_error_after(out, req, message, false);
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

/* With --trace, the answer's beginning and its "trace" member go to stdout
 * during the execution (trace_writer.h): this opens the object for it.
 * False when out of memory. */
static bool begin_traced_answer(struct trace_writer *trace, const struct request *req) {
    struct buffer opening = {0};
    bool ok = answer_begin(&opening, req) && buffer_append(&opening, "", 1) &&
              trace_writer_begin(trace, opening.data) == 0;
    buffer_free(&opening);
    return ok;
}

/* Runs a code request; the answer is the result object with the id
 * spliced in as its first member (and "trace" second, with --trace).
 * *sig gets the signal that cancelled the execution (0 if none). */
static bool do_code(eryx_sandbox *session, struct shell_callbacks *callbacks,
                    struct trace_writer *trace, const struct request *req, struct buffer *out,
                    int *sig) {
    bool traced = trace_writer_collects(trace);
    if (traced && !begin_traced_answer(trace, req)) return false;
    eryx_result *result = NULL;
    struct interrupt_watch watch;
    interrupt_watch_begin(&watch, session);
    eryx_status st = eryx_execute(session, req->code, req->code_len, &result);
    *sig = interrupt_watch_end(&watch);
    trace_writer_drain(trace);
    /* Callback commands of this execution are no longer waited for. */
    shell_callbacks_abandon(callbacks);
    /* A write error on stdout shows again when the answer is written. */
    if (traced && trace_writer_end(trace, out) == ENOMEM) {
        eryx_result_free(result);
        return false;
    }
    if (st != ERYX_OK) {
        char msg[256];
        snprintf(msg, sizeof msg, "cannot run the code: %s", eryx_status_string(st));
        return answer_error_after(out, req, msg, traced);
    }
    char *json = eryx_result_to_json(result);
    eryx_result_free(result);
    if (json == NULL) return answer_error_after(out, req, "out of memory", traced);
    /* {"stdout": ...} becomes {"id": ID, "stdout": ...}. */
    const char *rest = strchr(json, '{');
    bool ok;
    if (rest == NULL) {
        ok = answer_error_after(out, req, "the result is not a JSON object", traced);
    } else {
        rest++;
        while (*rest == ' ')
            rest++;
        ok = traced || answer_begin(out, req);
        if (ok && *rest == '}') {
            out->len -= 2; /* no member follows: the ", " after the id or the trace goes */
            ok = buffer_puts(out, "}");
        } else {
            ok = ok && buffer_puts(out, rest);
        }
    }
    eryx_free(json);
    return ok;
}

/* The message "cannot DOING "PATH": WHY" for req->path. */
static void path_error(char *msg, size_t len, const char *doing, const struct request *req,
                       const char *why) {
    char *quoted = json_quote(req->path, strlen(req->path), NULL);
    snprintf(msg, len, "cannot %s %s: %s", doing, quoted != NULL ? quoted : "the file", why);
    free(quoted);
}

/* What an error of io.c means, for path_error; `max` is the size limit of
 * an EFBIG. */
static const char *io_why(int err, size_t max, char *buf, size_t len) {
    if (err != EFBIG) return io_strerror(err);
    snprintf(buf, len, "larger than %zu bytes", max);
    return buf;
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
        path_error(msg, sizeof msg, "write", req, io_strerror(err));
        return answer_error(out, req, msg);
    }
    return answer_ok(out, req);
}

/* Replaces the session's state with the snapshot in req->path. */
static bool do_restore(eryx_sandbox *session, const struct request *req, struct buffer *out) {
    struct buffer blob = {0};
    int err = read_regular_file(req->path, &blob, CLI_MAX_SNAPSHOT);
    char msg[768];
    if (err != 0) {
        buffer_free(&blob);
        char why[64];
        path_error(msg, sizeof msg, "read", req, io_why(err, CLI_MAX_SNAPSHOT, why, sizeof why));
        return answer_error(out, req, msg);
    }
    char why[256] = "";
    eryx_status st = eryx_sandbox_restore(session, blob.data, blob.len, why, sizeof why);
    buffer_free(&blob);
    if (st != ERYX_OK) {
        path_error(msg, sizeof msg, "restore", req, why[0] != '\0' ? why : eryx_status_string(st));
        return answer_error(out, req, msg);
    }
    return answer_ok(out, req);
}

bool session_answer(eryx_sandbox *session, struct shell_callbacks *callbacks,
                    struct trace_writer *trace, const char *line, size_t len, struct buffer *out,
                    int *sig) {
    struct request req = {0};
    char msg[512];
    *sig = 0;
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
        req.id = json_write(id, NULL);
        const char *problem = check_request(&req, msg, sizeof msg);
        if (id != NULL && req.id == NULL) {
            ok = false; /* out of memory */
        } else if (problem != NULL) {
            ok = answer_error(out, &req, problem);
        } else if (req.code != NULL) {
            ok = do_code(session, callbacks, trace, &req, out, sig);
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
    free(req.id);
    json_free(req.json);
    return ok;
}

bool session_answer_too_long(struct buffer *out) {
    char msg[128];
    snprintf(msg, sizeof msg, "request line longer than %zu bytes (%zu MiB)", CLI_MAX_INPUT,
             CLI_MAX_INPUT >> 20);
    return answer_error(out, &(struct request){0}, msg);
}
