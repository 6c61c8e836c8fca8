/*
 * mcp.c - `eryx mcp [OPTIONS]`: a Model Context Protocol server over stdio
 * (JSON-RPC 2.0, one message per line), whose tools run Python in one
 * persistent session:
 *
 *   run_python(code, timeout_seconds?)  -> output, `result`, errors: as text,
 *                                          and as structured content (the
 *                                          object of `eryx run --json`)
 *   reset_session()                     -> a fresh interpreter state
 *   list_files(path?), read_file(path),  -> the session's in-memory files
 *   write_file(path, content, encoding?)    (mcp_files.c)
 *
 * Two threads. The reader thread owns stdin: it answers what needs no
 * session at once (initialize, ping, tools/list, malformed input), queues
 * tools/call for the main thread, and handles notifications/cancelled
 * while a call runs (cancelling it, again every 50 ms until it stops, as a
 * cancel that lands before the interpreter starts would be lost). The main
 * thread owns the session and runs the queued calls in order. Answers are
 * whole lines written under one lock (jsonrpc.h).
 *
 * Nothing the client sends ends the server: errors are answered with the
 * JSON-RPC codes, a guest timeout, memory blow-up or crash is an error
 * result (the library resets the session; a session that fails outright is
 * replaced). At end of input the queued calls are answered, then it exits.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "interrupt.h"
#include "io.h"
#include "jsonrpc.h"
#include "mcp.h"
#include "options.h"
#include "shell_callback.h"
#include "trace_writer.h"

/* Protocol revisions we speak, newest first: the first is what we offer to
 * a client that asks for one we do not know. */
static const char *const protocol_versions[] = {"2025-11-25", "2025-06-18", "2025-03-26",
                                                "2024-11-05"};
/* From this revision on, tools have output schemas, structured content and
 * titles. */
#define STRUCTURED_SINCE "2025-06-18"

/* Calls waiting for the session at most; beyond, a call is refused. */
#define MAX_QUEUED 16

struct tool;

/* A queued tools/call. */
struct job {
    struct job *next;
    struct rpc_message msg;
    char *key; /* rpc_id_key of its id, for notifications/cancelled */
    const struct tool *tool;
    const json_value *arguments; /* in msg; NULL when absent */
};

struct mcp_server {
    struct cli_options *opts;
    struct trace_writer *trace; /* --trace, drained after each call; NULL: none */
    struct rpc_writer writer;
    char *callbacks_text; /* the host callbacks for run_python's description */
    double max_timeout;   /* --timeout: the limit of a call, 0: none */
    int signal;           /* the signal that cancelled a call, 0 if none */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    /* Under lock: */
    eryx_sandbox *session; /* replaced by the main thread when it fails */
    struct job *queue, *queue_tail;
    size_t queued;
    struct job *running;
    bool running_cancelled;
    bool closed;      /* stdin has ended */
    char version[16]; /* the negotiated protocol revision, "" before initialize */
};

/* ======================================================================
 * Tools
 * ====================================================================== */

/* One tool. */
struct tool {
    const char *name;
    const char *title;
    const char *input_schema;
    const char *output_schema; /* NULL: none */
    const char *annotations;
    const char *description; /* when describe is NULL */
    /* Appends the description. */
    bool (*describe)(const struct mcp_server *s, struct buffer *out);
    /* Runs the call (main thread). False when out of memory. */
    bool (*call)(struct mcp_server *s, const json_value *arguments, struct tool_reply *reply);
    const char *const *arguments; /* the argument names it accepts, NULL-terminated */
};

static bool describe_run_python(const struct mcp_server *s, struct buffer *out) {
    char limit[160];
    if (s->max_timeout > 0)
        snprintf(limit, sizeof limit,
                 "A call may run for %g s at most (timeout_seconds can "
                 "shorten it). ",
                 s->max_timeout);
    else
        snprintf(limit, sizeof limit, "Calls have no time limit unless timeout_seconds sets one. ");
    return buffer_puts(out, "Runs Python 3.11 code in a sandbox and returns what it printed "
                            "(stdout, stderr), the value of the global `result` if the code "
                            "assigns one (as JSON), and any error with its traceback. The session "
                            "persists: variables, functions, classes and imports are kept from one "
                            "call to the next, until reset_session. Top-level `await` works. The "
                            "sandbox has the standard library but no network, no host files, no "
                            "processes and no environment variables. ") &&
           buffer_puts(out, limit) &&
           buffer_puts(out, "Running past the time limit or out of memory resets the "
                            "session.") &&
           (s->callbacks_text == NULL || buffer_puts(out, s->callbacks_text));
}

static bool describe_reset_session(const struct mcp_server *s, struct buffer *out) {
    (void)s;
    return buffer_puts(out, "Resets the Python session of run_python to a fresh interpreter: "
                            "every variable, function and import of earlier calls is gone.");
}

/* The text of a run for the model: output, result, error, reset. */
static bool render_result(const eryx_result *r, bool reset, struct buffer *out) {
    size_t len;
    const char *text = eryx_result_stdout(r, &len);
    bool ok = true;
    if (len > 0) {
        ok = ok && buffer_puts(out, "stdout:\n") && buffer_append(out, text, len) &&
             (text[len - 1] == '\n' || buffer_puts(out, "\n"));
    }
    text = eryx_result_stderr(r, &len);
    if (len > 0) {
        ok = ok && buffer_puts(out, "stderr:\n") && buffer_append(out, text, len) &&
             (text[len - 1] == '\n' || buffer_puts(out, "\n"));
    }
    if (eryx_result_json(r) != NULL)
        ok = ok && buffer_puts(out, "result: ") && buffer_puts(out, eryx_result_json(r)) &&
             buffer_puts(out, "\n");
    if (eryx_result_result_error(r) != NULL)
        ok = ok && buffer_puts(out, "result: not JSON-serializable: ") &&
             buffer_puts(out, eryx_result_result_error(r)) && buffer_puts(out, "\n");
    eryx_error_kind kind = eryx_result_error_kind(r);
    const char *traceback = eryx_result_error_traceback(r);
    if (kind == ERYX_ERROR_EXCEPTION && traceback != NULL) {
        ok = ok && buffer_puts(out, traceback);
    } else if (kind != ERYX_ERROR_NONE) {
        char line[600];
        snprintf(line, sizeof line, "error (%s): %s\n", eryx_error_kind_name(kind),
                 eryx_result_error_message(r) ? eryx_result_error_message(r) : "?");
        ok = ok && buffer_puts(out, line);
    }
    if (reset)
        ok = ok && buffer_puts(out, "The session was reset to a fresh state: variables, "
                                    "functions and imports of earlier calls are gone.\n");
    if (ok && out->len == 0) ok = buffer_puts(out, "(no output)\n");
    return ok;
}

/* Replaces a session that failed outright (main thread). */
static void renew_session(struct mcp_server *s) {
    eryx_sandbox *fresh = start_sandbox(s->opts->config, 1);
    pthread_mutex_lock(&s->lock);
    eryx_sandbox *old = s->session;
    s->session = fresh != NULL ? fresh : old;
    pthread_mutex_unlock(&s->lock);
    if (fresh != NULL) eryx_sandbox_free(old);
}

static bool call_run_python(struct mcp_server *s, const json_value *arguments,
                            struct tool_reply *reply) {
    size_t code_len;
    const char *code = json_string(json_object_get(arguments, "code"), &code_len);
    if (code == NULL)
        return reply_error(reply, "run_python needs \"code\": the Python source, a string");
    eryx_exec_options options = {0};
    const json_value *timeout = json_object_get(arguments, "timeout_seconds");
    if (timeout != NULL) {
        double t = json_number(timeout);
        if (json_typeof(timeout) != JSON_NUMBER || !(t > 0))
            return reply_error(reply, "\"timeout_seconds\" must be a number above 0");
        if (s->max_timeout > 0 && t > s->max_timeout) t = s->max_timeout;
        options.timeout = t < 1e7 ? t : 1e7;
    }
    eryx_result *r = NULL;
    struct interrupt_watch watch;
    interrupt_watch_begin(&watch, s->session);
    eryx_status st = eryx_execute_ex(s->session, code, code_len, &options, &r);
    int sig = interrupt_watch_end(&watch);
    trace_writer_drain(s->trace);
    if (sig != 0) s->signal = sig;
    shell_callbacks_abandon(s->opts->callbacks);
    if (st != ERYX_OK) {
        renew_session(s);
        char message[200];
        snprintf(message, sizeof message,
                 "the session failed (%s) and was replaced by a fresh one: variables, "
                 "functions and imports of earlier calls are gone",
                 eryx_status_string(st));
        return reply_error(reply, message);
    }
    char *json = eryx_result_to_json(r);
    eryx_error_kind kind = eryx_result_error_kind(r);
    reply->is_error = kind != ERYX_ERROR_NONE && kind != ERYX_ERROR_EXIT;
    /* A MemoryError that reached the top leaves the session as full as it
     * made it, and every later call would fail the same way; a SystemError
     * means the interpreter itself is in a bad state (seen after running
     * out of memory in deep recursion). Either way start over, as the
     * library does when the interpreter cannot go on. */
    const char *type = eryx_result_error_type(r);
    bool reset = eryx_result_session_reset(r);
    if (kind == ERYX_ERROR_EXCEPTION && type != NULL &&
        (strcmp(type, "MemoryError") == 0 || strcmp(type, "SystemError") == 0)) {
        if (eryx_sandbox_reset(s->session) != ERYX_OK) renew_session(s);
        reset = true;
    }
    bool ok = json != NULL && render_result(r, reset, &reply->text) &&
              buffer_puts(&reply->structured, json);
    /* ... and the structured content says so, as for the library's resets. */
    if (ok && reset && !eryx_result_session_reset(r)) {
        reply->structured.len--; /* the closing brace */
        ok = buffer_puts(&reply->structured, ", \"session_reset\": true}");
    }
    eryx_free(json);
    eryx_result_free(r);
    return ok;
}

static bool call_reset_session(struct mcp_server *s, const json_value *arguments,
                               struct tool_reply *reply) {
    (void)arguments;
    eryx_status st = eryx_sandbox_reset(s->session);
    if (st != ERYX_OK) renew_session(s);
    return buffer_puts(&reply->text, "The session was reset to a fresh interpreter state.");
}

/* The object of `eryx run --json` (eryx_result_to_json). */
static const char run_python_output_schema[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"stdout\":{\"type\":\"string\"},\"stderr\":{\"type\":\"string\"},"
    "\"result\":{\"description\":\"the global `result` as JSON, null when not set\"},"
    "\"result_error\":{\"type\":[\"string\",\"null\"]},"
    "\"error\":{\"anyOf\":[{\"type\":\"null\"},{\"type\":\"object\",\"properties\":{"
    "\"kind\":{\"enum\":[\"exception\",\"timeout\",\"memory\",\"output\",\"exit\","
    "\"cancelled\",\"internal\"]},"
    "\"type\":{\"type\":[\"string\",\"null\"]},\"message\":{\"type\":[\"string\",\"null\"]},"
    "\"traceback\":{\"type\":[\"string\",\"null\"]},\"lineno\":{\"type\":[\"integer\",\"null\"]},"
    "\"exit_code\":{\"type\":[\"integer\",\"null\"]}},\"required\":[\"kind\"]}]},"
    "\"stats\":{\"type\":\"object\",\"properties\":{\"duration_ms\":{\"type\":\"number\"},"
    "\"peak_memory_bytes\":{\"type\":\"integer\"},\"callback_invocations\":{\"type\":"
    "\"integer\"}}},"
    "\"session_reset\":{\"type\":\"boolean\"}},"
    "\"required\":[\"stdout\",\"stderr\",\"result\",\"error\",\"stats\"]}";

/* The file tools (mcp_files.c) work on the session. */
static bool call_list_files(struct mcp_server *s, const json_value *arguments,
                            struct tool_reply *reply) {
    return mcp_list_files(s->session, arguments, reply);
}

static bool call_read_file(struct mcp_server *s, const json_value *arguments,
                           struct tool_reply *reply) {
    return mcp_read_file(s->session, arguments, reply);
}

static bool call_write_file(struct mcp_server *s, const json_value *arguments,
                            struct tool_reply *reply) {
    return mcp_write_file(s->session, arguments, reply);
}

static const char *const run_python_arguments[] = {"code", "timeout_seconds", NULL};
static const char *const no_arguments[] = {NULL};

static const struct tool tools[] = {
    {
        .name = "run_python",
        .title = "Run Python",
        .input_schema =
            "{\"type\":\"object\",\"properties\":{"
            "\"code\":{\"type\":\"string\",\"description\":\"Python 3.11 source to run\"},"
            "\"timeout_seconds\":{\"type\":\"number\",\"exclusiveMinimum\":0,"
            "\"description\":\"time limit of this call in seconds (at most the server's)\"}},"
            "\"required\":[\"code\"],\"additionalProperties\":false}",
        .output_schema = run_python_output_schema,
        .annotations = "{\"readOnlyHint\":false,\"destructiveHint\":false,"
                       "\"idempotentHint\":false,\"openWorldHint\":false}",
        .describe = describe_run_python,
        .call = call_run_python,
        .arguments = run_python_arguments,
    },
    {
        .name = "reset_session",
        .title = "Reset the Python session",
        .input_schema = "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}",
        .annotations = "{\"readOnlyHint\":false,\"destructiveHint\":true,"
                       "\"idempotentHint\":true,\"openWorldHint\":false}",
        .describe = describe_reset_session,
        .call = call_reset_session,
        .arguments = no_arguments,
    },
    {
        .name = "list_files",
        .title = "List the session's files",
        .input_schema = mcp_list_files_input_schema,
        .output_schema = mcp_list_files_output_schema,
        .annotations = "{\"readOnlyHint\":true,\"openWorldHint\":false}",
        .description = mcp_list_files_description,
        .call = call_list_files,
        .arguments = mcp_list_files_arguments,
    },
    {
        .name = "read_file",
        .title = "Read a file of the session",
        .input_schema = mcp_read_file_input_schema,
        .output_schema = mcp_read_file_output_schema,
        .annotations = "{\"readOnlyHint\":true,\"openWorldHint\":false}",
        .description = mcp_read_file_description,
        .call = call_read_file,
        .arguments = mcp_read_file_arguments,
    },
    {
        .name = "write_file",
        .title = "Write a file into the session",
        .input_schema = mcp_write_file_input_schema,
        .output_schema = mcp_write_file_output_schema,
        .annotations = "{\"readOnlyHint\":false,\"destructiveHint\":true,"
                       "\"idempotentHint\":true,\"openWorldHint\":false}",
        .description = mcp_write_file_description,
        .call = call_write_file,
        .arguments = mcp_write_file_arguments,
    },
};
#define NTOOLS (sizeof tools / sizeof tools[0])

static const struct tool *find_tool(const char *name) {
    for (size_t i = 0; i < NTOOLS; i++)
        if (strcmp(tools[i].name, name) == 0) return &tools[i];
    return NULL;
}

/* Whether the negotiated revision has structured content (under lock or
 * with a copy of the version). */
static bool structured(const char *version) {
    return version[0] == '\0' || strcmp(version, STRUCTURED_SINCE) >= 0;
}

/* The tools/list result. */
static bool tools_list(const struct mcp_server *s, const char *version, struct buffer *out) {
    bool ok = buffer_puts(out, "{\"tools\":[");
    for (size_t i = 0; ok && i < NTOOLS; i++) {
        const struct tool *t = &tools[i];
        struct buffer description = {0};
        ok = t->describe != NULL ? t->describe(s, &description)
                                 : buffer_puts(&description, t->description);
        char *quoted = ok ? json_quote(description.data, description.len, NULL) : NULL;
        ok = quoted != NULL && buffer_puts(out, i > 0 ? ",{\"name\":\"" : "{\"name\":\"") &&
             buffer_puts(out, t->name) && buffer_puts(out, "\",\"description\":") &&
             buffer_puts(out, quoted) && buffer_puts(out, ",\"inputSchema\":") &&
             buffer_puts(out, t->input_schema) && buffer_puts(out, ",\"annotations\":") &&
             buffer_puts(out, t->annotations);
        if (ok && structured(version)) {
            ok = buffer_puts(out, ",\"title\":\"") && buffer_puts(out, t->title) &&
                 buffer_puts(out, "\"") &&
                 (t->output_schema == NULL ||
                  (buffer_puts(out, ",\"outputSchema\":") && buffer_puts(out, t->output_schema)));
        }
        ok = ok && buffer_puts(out, "}");
        free(quoted);
        buffer_free(&description);
    }
    return ok && buffer_puts(out, "]}");
}

/* The tools/call result of a reply. */
static bool call_result(const struct tool_reply *reply, const char *version, struct buffer *out) {
    char *text = json_quote(reply->text.data, reply->text.len, NULL);
    bool ok = text != NULL && buffer_puts(out, "{\"content\":[{\"type\":\"text\",\"text\":") &&
              buffer_puts(out, text) && buffer_puts(out, "}]");
    if (ok && reply->structured.len > 0 && structured(version))
        ok = buffer_puts(out, ",\"structuredContent\":") &&
             buffer_append(out, reply->structured.data, reply->structured.len);
    ok = ok && buffer_puts(out, reply->is_error ? ",\"isError\":true}" : ",\"isError\":false}");
    free(text);
    return ok;
}

/* Checks the arguments of a call against what the tool accepts: an
 * unknown one is a tool error the model can correct (2025-11-25). */
static const char *check_arguments(const struct tool *t, const json_value *arguments, char *msg,
                                   size_t msglen) {
    for (size_t i = 0; i < json_length(arguments); i++) {
        const char *key = json_object_key(arguments, i, NULL);
        bool known = false;
        for (const char *const *a = t->arguments; *a != NULL && !known; a++)
            known = strcmp(*a, key) == 0;
        if (!known) {
            char *quoted = json_quote(key, strlen(key), NULL);
            snprintf(msg, msglen, "%s takes no argument %s", t->name, quoted ? quoted : "?");
            free(quoted);
            return msg;
        }
    }
    return NULL;
}

/* ======================================================================
 * The main thread: calls, in order
 * ====================================================================== */

static void job_free(struct job *job) {
    rpc_message_free(&job->msg);
    free(job->key);
    free(job);
}

/* Runs one queued call and answers it, unless it was cancelled. */
static void run_job(struct mcp_server *s, struct job *job, const char *version) {
    struct tool_reply reply = {0};
    struct buffer result = {0};
    char msg[300];
    const char *problem = check_arguments(job->tool, job->arguments, msg, sizeof msg);
    bool ok =
        problem != NULL ? reply_error(&reply, problem) : job->tool->call(s, job->arguments, &reply);
    ok = ok && call_result(&reply, version, &result);
    pthread_mutex_lock(&s->lock);
    bool cancelled = s->running_cancelled;
    s->running = NULL;
    s->running_cancelled = false;
    pthread_mutex_unlock(&s->lock);
    if (cancelled) {
        /* The client asked for no answer. */
    } else if (ok) {
        rpc_send_result(&s->writer, job->msg.id, job->msg.id_len, result.data);
    } else {
        rpc_send_error(&s->writer, job->msg.id, job->msg.id_len, RPC_INTERNAL_ERROR,
                       "out of memory");
    }
    buffer_free(&reply.text);
    buffer_free(&reply.structured);
    buffer_free(&result);
}

static void serve_calls(struct mcp_server *s) {
    for (;;) {
        pthread_mutex_lock(&s->lock);
        while (s->queue == NULL && !s->closed)
            pthread_cond_wait(&s->wake, &s->lock);
        struct job *job = s->queue;
        if (job != NULL) {
            s->queue = job->next;
            if (s->queue == NULL) s->queue_tail = NULL;
            s->queued--;
            s->running = job;
            s->running_cancelled = false;
        }
        char version[sizeof s->version];
        memcpy(version, s->version, sizeof version);
        pthread_mutex_unlock(&s->lock);
        if (job == NULL) return; /* input ended and every call is answered */
        run_job(s, job, version);
        job_free(job);
        if (s->signal != 0) return;
    }
}

/* ======================================================================
 * The reader thread: stdin
 * ====================================================================== */

/* initialize: version negotiation, capabilities, who we are. */
static void do_initialize(struct mcp_server *s, const struct rpc_message *m) {
    const char *asked = json_string(json_object_get(m->params, "protocolVersion"), NULL);
    if (asked == NULL) {
        rpc_send_error(&s->writer, m->id, m->id_len, RPC_INVALID_PARAMS,
                       "Invalid params: initialize needs params.protocolVersion, a string");
        return;
    }
    const char *version = protocol_versions[0];
    for (size_t i = 0; i < sizeof protocol_versions / sizeof *protocol_versions; i++)
        if (strcmp(asked, protocol_versions[i]) == 0) version = protocol_versions[i];
    pthread_mutex_lock(&s->lock);
    snprintf(s->version, sizeof s->version, "%s", version);
    pthread_mutex_unlock(&s->lock);
    char result[1024];
    snprintf(result, sizeof result,
             "{\"protocolVersion\":\"%s\",\"capabilities\":{\"tools\":{\"listChanged\":false}},"
             "\"serverInfo\":{\"name\":\"eryx\",\"title\":\"eryx Python sandbox\","
             "\"version\":\"%s\"},\"instructions\":\"run_python runs Python 3.11 in a "
             "sandboxed, persistent session (no network, host files or processes); "
             "reset_session starts it over; list_files, read_file and write_file reach the "
             "files of its working directory /data.\"}",
             version, ERYX_VERSION);
    rpc_send_result(&s->writer, m->id, m->id_len, result);
}

static void do_tools_list(struct mcp_server *s, const struct rpc_message *m) {
    char version[sizeof s->version];
    pthread_mutex_lock(&s->lock);
    memcpy(version, s->version, sizeof version);
    pthread_mutex_unlock(&s->lock);
    struct buffer out = {0};
    if (tools_list(s, version, &out))
        rpc_send_result(&s->writer, m->id, m->id_len, out.data);
    else
        rpc_send_error(&s->writer, m->id, m->id_len, RPC_INTERNAL_ERROR, "out of memory");
    buffer_free(&out);
}

/* tools/call: checked here, queued for the main thread (which takes the
 * message over). */
static void do_tools_call(struct mcp_server *s, struct rpc_message *m) {
    const char *name = json_string(json_object_get(m->params, "name"), NULL);
    const json_value *arguments = json_object_get(m->params, "arguments");
    char why[300];
    const struct tool *tool = name != NULL ? find_tool(name) : NULL;
    if (name == NULL || json_typeof(m->params) != JSON_OBJECT) {
        rpc_send_error(&s->writer, m->id, m->id_len, RPC_INVALID_PARAMS,
                       "Invalid params: tools/call needs params.name, a string");
        return;
    }
    if (tool == NULL) {
        char *quoted = json_quote(name, strlen(name), NULL);
        snprintf(why, sizeof why, "Invalid params: unknown tool %s", quoted ? quoted : "?");
        free(quoted);
        rpc_send_error(&s->writer, m->id, m->id_len, RPC_INVALID_PARAMS, why);
        return;
    }
    if (arguments != NULL && json_typeof(arguments) != JSON_OBJECT) {
        rpc_send_error(&s->writer, m->id, m->id_len, RPC_INVALID_PARAMS,
                       "Invalid params: params.arguments must be an object");
        return;
    }
    struct job *job = calloc(1, sizeof *job);
    if (job != NULL) job->key = rpc_id_key(json_object_get(m->json, "id"));
    if (job == NULL || job->key == NULL) {
        free(job);
        rpc_send_error(&s->writer, m->id, m->id_len, RPC_INTERNAL_ERROR, "out of memory");
        return;
    }
    job->msg = *m;
    job->tool = tool;
    job->arguments = arguments;
    pthread_mutex_lock(&s->lock);
    bool full = s->queued >= MAX_QUEUED;
    if (!full) {
        if (s->queue_tail != NULL)
            s->queue_tail->next = job;
        else
            s->queue = job;
        s->queue_tail = job;
        s->queued++;
        *m = (struct rpc_message){0};
        pthread_cond_signal(&s->wake);
    }
    pthread_mutex_unlock(&s->lock);
    if (full) {
        job->msg = (struct rpc_message){0};
        job_free(job);
        snprintf(why, sizeof why, "server busy: %d calls are waiting already", MAX_QUEUED);
        rpc_send_error(&s->writer, m->id, m->id_len, RPC_SERVER_BUSY, why);
    }
}

/* notifications/cancelled: the running call is stopped, a queued one
 * dropped; neither is answered. */
static void do_cancelled(struct mcp_server *s, const struct rpc_message *m) {
    char *key = rpc_id_key(json_object_get(m->params, "requestId"));
    if (key == NULL) return;
    struct job *dropped = NULL;
    pthread_mutex_lock(&s->lock);
    if (s->running != NULL && strcmp(s->running->key, key) == 0) {
        s->running_cancelled = true;
        eryx_sandbox_cancel(s->session);
    } else {
        struct job *prev = NULL;
        for (struct job *j = s->queue; j != NULL; prev = j, j = j->next) {
            if (strcmp(j->key, key) != 0) continue;
            if (prev != NULL)
                prev->next = j->next;
            else
                s->queue = j->next;
            if (s->queue_tail == j) s->queue_tail = prev;
            s->queued--;
            dropped = j;
            break;
        }
    }
    pthread_mutex_unlock(&s->lock);
    if (dropped != NULL) job_free(dropped);
    free(key);
}

static void handle_line(struct mcp_server *s, const char *line, size_t len) {
    struct rpc_message m;
    char why[400];
    int code = rpc_parse(line, len, &m, why, sizeof why);
    if (code != 0) {
        rpc_send_error(&s->writer, m.id, m.id_len, code, why);
    } else if (m.method == NULL) {
        /* A response: we send no requests, so there is nothing to match. */
    } else if (m.id == NULL) {
        if (strcmp(m.method, "notifications/cancelled") == 0) do_cancelled(s, &m);
        /* Other notifications (initialized, ...) need nothing from us. */
    } else if (m.params != NULL && json_typeof(m.params) != JSON_OBJECT) {
        rpc_send_error(&s->writer, m.id, m.id_len, RPC_INVALID_PARAMS,
                       "Invalid params: MCP params are an object");
    } else if (strcmp(m.method, "initialize") == 0) {
        do_initialize(s, &m);
    } else if (strcmp(m.method, "ping") == 0) {
        rpc_send_result(&s->writer, m.id, m.id_len, "{}");
    } else if (strcmp(m.method, "tools/list") == 0) {
        do_tools_list(s, &m);
    } else if (strcmp(m.method, "tools/call") == 0) {
        do_tools_call(s, &m);
    } else {
        char *quoted = json_quote(m.method, strlen(m.method), NULL);
        snprintf(why, sizeof why, "Method not found: %s", quoted ? quoted : "?");
        free(quoted);
        rpc_send_error(&s->writer, m.id, m.id_len, RPC_METHOD_NOT_FOUND, why);
    }
    rpc_message_free(&m);
}

static void *reader_main(void *arg) {
    struct mcp_server *s = arg;
    struct rpc_reader reader = {.fd = STDIN_FILENO};
    for (;;) {
        pthread_mutex_lock(&s->lock);
        bool repeat = s->running != NULL && s->running_cancelled;
        if (repeat) eryx_sandbox_cancel(s->session);
        pthread_mutex_unlock(&s->lock);
        const char *line;
        size_t len;
        enum rpc_read got = rpc_read_line(&reader, repeat ? 50 : -1, &line, &len);
        if (got == RPC_READ_TIMEOUT) continue;
        if (got == RPC_READ_EOF) break;
        if (got == RPC_READ_ERROR) {
            fprintf(stderr, "eryx mcp: cannot read standard input: %s\n", strerror(errno));
            break;
        }
        if (got == RPC_READ_TOO_LONG) {
            char why[100];
            snprintf(why, sizeof why, "Invalid Request: a message longer than %u bytes",
                     RPC_MAX_MESSAGE);
            rpc_send_error(&s->writer, NULL, 0, RPC_INVALID_REQUEST, why);
            continue;
        }
        if (!is_blank(line, len)) handle_line(s, line, len);
    }
    rpc_reader_free(&reader);
    pthread_mutex_lock(&s->lock);
    s->closed = true;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* ======================================================================
 * Start-up
 * ====================================================================== */

/* "Host functions ..." for run_python's description, from the session's
 * list_callbacks(); NULL when there are none. */
static char *callbacks_text(eryx_sandbox *session) {
    static const char code[] =
        "result = ''.join('\\n- await %s(%s): %s' % (c['name'], ', '.join("
        "'%s=...' % p for p in c['parameters_schema'].get('properties', {})) or '**kwargs', "
        "c['description']) for c in list_callbacks())";
    eryx_result *r = NULL;
    char *text = NULL;
    if (eryx_execute(session, code, sizeof code - 1, &r) == ERYX_OK && eryx_result_json(r)) {
        const char *json = eryx_result_json(r);
        json_value *v = json_parse(json, strlen(json), NULL, 0);
        const char *list = json_string(v, NULL);
        if (list != NULL && list[0] != '\0' &&
            asprintf(&text, " Host functions the code can await:%s", list) < 0)
            text = NULL;
        json_free(v);
    }
    eryx_result_free(r);
    eryx_sandbox_reset(session);
    return text;
}

static int start_mcp(struct cli_options *opts) {
    struct trace_writer *trace = NULL;
    if (opts->trace_path != NULL) {
        int status = trace_writer_attach(opts->trace_path, opts->config, &trace);
        if (status != 0) return status;
    }
    struct mcp_server s = {
        .opts = opts, .trace = trace, .max_timeout = opts->timeout >= 0 ? opts->timeout : 30};
    s.session = start_sandbox(opts->config, 1);
    if (s.session == NULL) return trace_writer_close(trace, EC_FAILURE);
    rpc_writer_init(&s.writer, stdout);
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.wake, NULL);
    s.callbacks_text = callbacks_text(s.session);
    int status = EC_OK;
    /* As in session: with callbacks, signals cancel first (interrupt.h). */
    if (opts->callbacks != NULL && !interrupts_install(false)) {
        status = EC_FAILURE;
    } else {
        /* The reader takes no signals: they go to the main thread. */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        pthread_t reader;
        bool started = pthread_create(&reader, NULL, reader_main, &s) == 0;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (!started) {
            fprintf(stderr, "eryx mcp: cannot start the reader thread\n");
            status = EC_FAILURE;
        } else {
            serve_calls(&s);
            if (s.signal == 0) pthread_join(reader, NULL);
        }
        if (opts->callbacks != NULL) interrupts_uninstall();
    }
    shell_callbacks_stop(opts->callbacks);
    if (s.signal != 0) interrupts_die(s.signal);
    for (struct job *j = s.queue, *next; j != NULL; j = next) {
        next = j->next;
        job_free(j);
    }
    eryx_sandbox_free(s.session);
    free(s.callbacks_text);
    return trace_writer_close(trace, status);
}

int cmd_mcp(int argc, char **argv) {
    return cli_command_main(CMD_MCP, argc, argv, start_mcp);
}
