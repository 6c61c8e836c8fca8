/*
 * jsonrpc.c - JSON-RPC 2.0 lines: reading, parsing, writing (see jsonrpc.h).
 */
#include "jsonrpc.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- reading ---- */

/* The next complete line in the buffer, if any. */
static bool take_line(struct rpc_reader *r, const char **line, size_t *len) {
    char *begin = r->buf.data + r->start;
    char *nl = memchr(begin, '\n', r->buf.len - r->start);
    if (nl == NULL) return false;
    size_t n = (size_t)(nl - begin);
    r->start += n + 1;
    if (n > 0 && begin[n - 1] == '\r') n--;
    *line = begin;
    *len = n;
    return true;
}

/* Drops what was returned already, keeping the start of the next line. */
static void compact(struct rpc_reader *r) {
    if (r->start == 0) return;
    memmove(r->buf.data, r->buf.data + r->start, r->buf.len - r->start);
    r->buf.len -= r->start;
    r->start = 0;
}

enum rpc_read rpc_read_line(struct rpc_reader *r, int timeout_ms, const char **line, size_t *len) {
    for (;;) {
        if (r->buf.data != NULL && take_line(r, line, len)) {
            if (!r->skipping) return RPC_READ_LINE;
            r->skipping = false; /* the end of the long line: go on after it */
            continue;
        }
        compact(r);
        if (r->buf.len > RPC_MAX_MESSAGE) {
            /* Too long: forget it and everything up to its newline. */
            bool was_skipping = r->skipping;
            r->buf.len = 0;
            r->skipping = true;
            if (!was_skipping) return RPC_READ_TOO_LONG;
        }
        if (r->eof) {
            if (r->buf.len > 0 && !r->skipping) {
                /* A last line without newline. */
                r->start = r->buf.len;
                *line = r->buf.data;
                *len = r->buf.len;
                return RPC_READ_LINE;
            }
            return RPC_READ_EOF;
        }
        struct pollfd p = {.fd = r->fd, .events = POLLIN};
        int ready = poll(&p, 1, timeout_ms);
        if (ready == 0) return RPC_READ_TIMEOUT;
        if (ready < 0) {
            if (errno == EINTR) return RPC_READ_TIMEOUT;
            return RPC_READ_ERROR;
        }
        char chunk[65536];
        ssize_t n = read(r->fd, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return RPC_READ_ERROR;
        }
        if (n == 0) {
            r->eof = true;
        } else if (!buffer_append(&r->buf, chunk, (size_t)n)) {
            errno = ENOMEM;
            return RPC_READ_ERROR;
        }
    }
}

void rpc_reader_free(struct rpc_reader *r) {
    buffer_free(&r->buf);
}

/* ---- parsing ---- */

void rpc_message_free(struct rpc_message *msg) {
    free(msg->id);
    json_free(msg->json);
    free(msg->text);
    *msg = (struct rpc_message){0};
}

/* MCP ids are strings or numbers (JSON-RPC's null is not allowed). */
static bool valid_id(const json_value *id) {
    return json_typeof(id) == JSON_STRING || json_typeof(id) == JSON_NUMBER;
}

int rpc_parse(const char *line, size_t len, struct rpc_message *msg, char *why, size_t whylen) {
    *msg = (struct rpc_message){0};
    msg->text = malloc(len + 1);
    if (msg->text == NULL) {
        snprintf(why, whylen, "%s", "out of memory");
        return RPC_INTERNAL_ERROR;
    }
    memcpy(msg->text, line, len);
    msg->text[len] = '\0';
    msg->len = len;
    char err[256];
    msg->json = json_parse(msg->text, len, err, sizeof err);
    if (msg->json == NULL) {
        snprintf(why, whylen, "Parse error: %s", err);
        return RPC_PARSE_ERROR;
    }
    const json_value *v = msg->json;
    if (json_typeof(v) == JSON_ARRAY) {
        snprintf(why, whylen, "%s", "Invalid Request: batches are not supported");
        return RPC_INVALID_REQUEST;
    }
    if (json_typeof(v) != JSON_OBJECT) {
        snprintf(why, whylen, "%s", "Invalid Request: a message is a JSON object");
        return RPC_INVALID_REQUEST;
    }
    const json_value *id = json_object_get(v, "id");
    if (valid_id(id)) {
        /* Written anew, not echoed: the answer holds canonical JSON only. */
        msg->id = json_write(id, &msg->id_len);
        if (msg->id == NULL) {
            snprintf(why, whylen, "%s", "out of memory");
            return RPC_INTERNAL_ERROR;
        }
    }
    const char *version = json_string(json_object_get(v, "jsonrpc"), NULL);
    if (version == NULL || strcmp(version, "2.0") != 0) {
        snprintf(why, whylen, "%s", "Invalid Request: \"jsonrpc\" must be \"2.0\"");
        return RPC_INVALID_REQUEST;
    }
    if (id != NULL && !valid_id(id)) {
        snprintf(why, whylen, "%s", "Invalid Request: \"id\" must be a string or a number");
        return RPC_INVALID_REQUEST;
    }
    const json_value *method = json_object_get(v, "method");
    if (method == NULL) {
        /* A response to a request of ours (we send none): id and one of
         * result or error. */
        bool has_result = json_object_get(v, "result") != NULL;
        bool has_error = json_object_get(v, "error") != NULL;
        if (id == NULL || has_result == has_error) {
            snprintf(why, whylen, "%s", "Invalid Request: no \"method\"");
            return RPC_INVALID_REQUEST;
        }
        return 0;
    }
    size_t method_len;
    msg->method = json_string(method, &method_len);
    if (msg->method == NULL || strlen(msg->method) != method_len) {
        snprintf(why, whylen, "%s", "Invalid Request: \"method\" must be a string");
        return RPC_INVALID_REQUEST;
    }
    msg->params = json_object_get(v, "params");
    if (msg->params != NULL && json_typeof(msg->params) != JSON_OBJECT &&
        json_typeof(msg->params) != JSON_ARRAY) {
        snprintf(why, whylen, "%s", "Invalid Request: \"params\" must be an object or an array");
        return RPC_INVALID_REQUEST;
    }
    return 0;
}

char *rpc_id_key(const json_value *id) {
    char *key = NULL;
    if (json_typeof(id) == JSON_STRING) {
        size_t len;
        const char *s = json_string(id, &len);
        key = malloc(len + 2);
        if (key != NULL) {
            key[0] = 's';
            memcpy(key + 1, s, len + 1);
        }
    } else if (json_typeof(id) == JSON_NUMBER) {
        /* By value; one too large for a double, by its text. */
        double d = json_number(id);
        int n = isfinite(d) ? asprintf(&key, "n%.17g", d)
                            : asprintf(&key, "t%s", json_number_text(id, NULL));
        if (n < 0) key = NULL;
    }
    return key;
}

/* ---- writing ---- */

void rpc_writer_init(struct rpc_writer *w, FILE *out) {
    pthread_mutex_init(&w->lock, NULL);
    w->out = out;
    w->err = 0;
}

/* Sends one line: `head`, the id, `tail`, newline. */
static void send_line(struct rpc_writer *w, const char *id, size_t id_len, const char *head,
                      const char *tail) {
    struct buffer line = {0};
    bool ok = buffer_puts(&line, "{\"jsonrpc\":\"2.0\",\"id\":") &&
              (id != NULL ? buffer_append(&line, id, id_len) : buffer_puts(&line, "null")) &&
              buffer_puts(&line, head) && buffer_puts(&line, tail) && buffer_puts(&line, "}\n");
    pthread_mutex_lock(&w->lock);
    /* After a failed write (the client gone) nothing more is written; we
     * still read until stdin ends. */
    if (!ok) {
        if (w->err == 0) fprintf(stderr, "eryx mcp: out of memory for an answer\n");
    } else if (w->err == 0) {
        w->err = write_stream(w->out, line.data, line.len);
    }
    pthread_mutex_unlock(&w->lock);
    buffer_free(&line);
}

void rpc_send_result(struct rpc_writer *w, const char *id, size_t id_len, const char *result) {
    send_line(w, id, id_len, ",\"result\":", result);
}

void rpc_send_error(struct rpc_writer *w, const char *id, size_t id_len, int code,
                    const char *message) {
    char *quoted = json_quote(message, strlen(message), NULL);
    char head[64];
    snprintf(head, sizeof head, ",\"error\":{\"code\":%d,\"message\":", code);
    struct buffer tail = {0};
    if (quoted != NULL && buffer_puts(&tail, quoted) && buffer_puts(&tail, "}"))
        send_line(w, id, id_len, head, tail.data);
    free(quoted);
    buffer_free(&tail);
}
