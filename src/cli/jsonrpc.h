/*
 * jsonrpc.h - JSON-RPC 2.0 messages framed as MCP's stdio transport frames
 * them: one JSON object per line, UTF-8, no embedded newlines.
 *
 * The reader takes lines from a file descriptor with a bounded length (a
 * client cannot make us hold more than RPC_MAX_MESSAGE bytes for a line);
 * the parser checks the envelope and tells requests, notifications and
 * responses apart, with the error code JSON-RPC prescribes for what is
 * wrong; the writer sends whole lines from any thread.
 */
#ifndef ERYX_CLI_JSONRPC_H
#define ERYX_CLI_JSONRPC_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../host/json.h"
#include "io.h"

/* Error codes of JSON-RPC 2.0 (-32000 to -32099: the server's own). */
enum {
    RPC_PARSE_ERROR = -32700,
    RPC_INVALID_REQUEST = -32600,
    RPC_METHOD_NOT_FOUND = -32601,
    RPC_INVALID_PARAMS = -32602,
    RPC_INTERNAL_ERROR = -32603,
    RPC_SERVER_BUSY = -32000,
};

/* Longest message accepted, bytes; a longer line is answered with an
 * error and skipped. */
#define RPC_MAX_MESSAGE (32u << 20)

/* ---- reading lines ---- */

struct rpc_reader {
    int fd;
    struct buffer buf; /* bytes read, not yet returned */
    size_t start;      /* where the next line begins in buf */
    bool skipping;     /* inside a line that was too long */
    bool eof;
};

enum rpc_read {
    RPC_READ_LINE,     /* *line, *len: a line without its newline (and \r) */
    RPC_READ_TOO_LONG, /* a line longer than RPC_MAX_MESSAGE, skipped */
    RPC_READ_TIMEOUT,  /* nothing complete within timeout_ms */
    RPC_READ_EOF,      /* end of input (a last line without newline came before) */
    RPC_READ_ERROR,    /* read failed: errno */
};

/* Waits up to timeout_ms (-1: no limit) for the next line. The line stays
 * valid until the next call. */
enum rpc_read rpc_read_line(struct rpc_reader *r, int timeout_ms, const char **line, size_t *len);

void rpc_reader_free(struct rpc_reader *r);

/* ---- parsing ---- */

struct rpc_message {
    char *text; /* the line, NUL-terminated (owned) */
    size_t len;
    json_value *json;         /* owned */
    const char *method;       /* NULL for a response */
    const json_value *params; /* NULL when absent */
    char *id;                 /* the id written anew (json_write, owned); NULL: a notification */
    size_t id_len;
};

/* Parses one line into *msg (the text is copied). Returns 0, or the error
 * code to answer with (RPC_PARSE_ERROR, RPC_INVALID_REQUEST, or
 * RPC_INTERNAL_ERROR when out of memory) with what is wrong in `why`;
 * msg->id is set whenever a valid id could be found, for the answer.
 * rpc_message_free must be called either way. */
int rpc_parse(const char *line, size_t len, struct rpc_message *msg, char *why, size_t whylen);

void rpc_message_free(struct rpc_message *msg);

/* A key that equals another id's key exactly when JSON-RPC calls the ids
 * the same (the string 1 is not the number 1; 1 and 1.0 are): newly
 * allocated, NULL when out of memory or not an id. */
char *rpc_id_key(const json_value *id);

/* ---- writing ---- */

struct rpc_writer {
    pthread_mutex_t lock;
    FILE *out;
    int err; /* first write error (EPIPE: the client is gone) */
};

void rpc_writer_init(struct rpc_writer *w, FILE *out);

/* Sends {"jsonrpc":"2.0","id":ID,"result":RESULT}; id NULL means null. */
void rpc_send_result(struct rpc_writer *w, const char *id, size_t id_len, const char *result);

/* Sends {"jsonrpc":"2.0","id":ID,"error":{"code":CODE,"message":MESSAGE}}. */
void rpc_send_error(struct rpc_writer *w, const char *id, size_t id_len, int code,
                    const char *message);

#endif
