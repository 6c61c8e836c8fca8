/*
 * result.c - the outcome of one execution: accessors, JSON form, building.
 */
#include "result.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

eryx_result *result_new(void) {
    eryx_result *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->exit_code = -1;
    /* Output buffers always hold a string, even when nothing was written. */
    if (!buf_append(&r->out, "", 0) || !buf_append(&r->err, "", 0)) {
        eryx_result_free(r);
        return NULL;
    }
    return r;
}

void eryx_result_free(eryx_result *r) {
    if (!r) return;
    buf_free(&r->out);
    buf_free(&r->err);
    free(r->result_json);
    free(r->result_error);
    free(r->error_type);
    free(r->error_message);
    free(r->error_traceback);
    free(r->internal_error);
    trace_store_free(&r->trace);
    free(r);
}

static void set_text(char **field, const char *data, size_t len) {
    char *copy = malloc(len + 1);
    if (!copy) return; /* the field stays as it was; reported as missing */
    memcpy(copy, data, len);
    copy[len] = '\0';
    free(*field);
    *field = copy;
}

static int parse_int(const char *data, size_t len, int fallback) {
    char tmp[16];
    if (len == 0 || len >= sizeof tmp) return fallback;
    memcpy(tmp, data, len);
    tmp[len] = '\0';
    char *end;
    long v = strtol(tmp, &end, 10);
    return *end || v < 0 || v > 1000000000 ? fallback : (int)v;
}

void result_report(eryx_result *r, report_key key, const char *data, size_t len) {
    switch (key) {
    case REPORT_RESULT_JSON:
        set_text(&r->result_json, data, len);
        break;
    case REPORT_RESULT_ERROR:
        set_text(&r->result_error, data, len);
        break;
    case REPORT_ERROR_TYPE:
        set_text(&r->error_type, data, len);
        break;
    case REPORT_ERROR_MESSAGE:
        set_text(&r->error_message, data, len);
        break;
    case REPORT_ERROR_TRACEBACK:
        set_text(&r->error_traceback, data, len);
        break;
    case REPORT_ERROR_LINENO:
        r->lineno = parse_int(data, len, 0);
        break;
    case REPORT_EXIT_CODE:
        r->exit_code = parse_int(data, len, -1);
        break;
    case REPORT_INTERNAL_ERROR:
        set_text(&r->internal_error, data, len);
        break;
    }
}

void result_fail(eryx_result *r, eryx_error_kind kind, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->kind = kind;
    set_text(&r->error_message, msg, strlen(msg));
}

void result_clear_outcome(eryx_result *r) {
    char **fields[] = {&r->result_json,   &r->result_error,    &r->error_type,
                       &r->error_message, &r->error_traceback, &r->internal_error};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        free(*fields[i]);
        *fields[i] = NULL;
    }
    r->lineno = 0;
    r->exit_code = -1;
}

/* ---- accessors ---- */

const char *eryx_result_stdout(const eryx_result *r, size_t *len) {
    if (len) *len = r ? r->out.len : 0;
    return r ? r->out.data : NULL;
}

const char *eryx_result_stderr(const eryx_result *r, size_t *len) {
    if (len) *len = r ? r->err.len : 0;
    return r ? r->err.data : NULL;
}

const char *eryx_result_json(const eryx_result *r) {
    return r ? r->result_json : NULL;
}
const char *eryx_result_result_error(const eryx_result *r) {
    return r ? r->result_error : NULL;
}
eryx_error_kind eryx_result_error_kind(const eryx_result *r) {
    return r ? r->kind : ERYX_ERROR_NONE;
}
const char *eryx_result_error_type(const eryx_result *r) {
    return r && r->kind ? r->error_type : NULL;
}
const char *eryx_result_error_message(const eryx_result *r) {
    return r && r->kind ? r->error_message : NULL;
}
const char *eryx_result_error_traceback(const eryx_result *r) {
    return r && r->kind == ERYX_ERROR_EXCEPTION ? r->error_traceback : NULL;
}
int eryx_result_error_lineno(const eryx_result *r) {
    return r && r->kind == ERYX_ERROR_EXCEPTION ? r->lineno : 0;
}
int eryx_result_exit_code(const eryx_result *r) {
    return r && r->kind == ERYX_ERROR_EXIT ? r->exit_code : -1;
}
double eryx_result_duration_ms(const eryx_result *r) {
    return r ? r->duration_ms : 0;
}
uint64_t eryx_result_peak_memory(const eryx_result *r) {
    return r ? r->peak_memory : 0;
}
uint64_t eryx_result_callback_invocations(const eryx_result *r) {
    return r ? r->callback_invocations : 0;
}

size_t eryx_result_trace_count(const eryx_result *r) {
    return r ? r->trace.count : 0;
}

const eryx_trace_event *eryx_result_trace_event(const eryx_result *r, size_t i) {
    return r ? trace_store_get(&r->trace, i) : NULL;
}

int eryx_result_session_reset(const eryx_result *r) {
    return r && r->session_reset;
}

int eryx_result_trace_truncated(const eryx_result *r) {
    return r && r->trace.truncated;
}

const char *eryx_error_kind_name(eryx_error_kind kind) {
    switch (kind) {
    case ERYX_ERROR_NONE:
        return NULL;
    case ERYX_ERROR_EXCEPTION:
        return "exception";
    case ERYX_ERROR_TIMEOUT:
        return "timeout";
    case ERYX_ERROR_MEMORY:
        return "memory";
    case ERYX_ERROR_OUTPUT:
        return "output";
    case ERYX_ERROR_EXIT:
        return "exit";
    case ERYX_ERROR_CANCELLED:
        return "cancelled";
    case ERYX_ERROR_INTERNAL:
        return "internal";
    }
    return "internal";
}

/* ---- JSON ---- */

static void json_key_string(eryx_buf *b, const char *key, const char *value) {
    buf_printf(b, "\"%s\": ", key);
    buf_json_string(b, value, value ? strlen(value) : 0);
}

char *eryx_result_to_json(const eryx_result *r) {
    if (!r) return NULL;
    eryx_buf b = {0};
    buf_puts(&b, "{\"stdout\": ");
    buf_json_string(&b, r->out.data, r->out.len);
    buf_puts(&b, ", \"stderr\": ");
    buf_json_string(&b, r->err.data, r->err.len);
    /* result_json is the guest's json.dumps output: ASCII JSON already. */
    buf_printf(&b, ", \"result\": %s, ", r->result_json ? r->result_json : "null");
    json_key_string(&b, "result_error", r->result_error);
    buf_puts(&b, ", \"error\": ");
    if (r->kind == ERYX_ERROR_NONE) {
        buf_puts(&b, "null");
    } else {
        buf_puts(&b, "{");
        json_key_string(&b, "kind", eryx_error_kind_name(r->kind));
        buf_puts(&b, ", ");
        json_key_string(&b, "type", eryx_result_error_type(r));
        buf_puts(&b, ", ");
        json_key_string(&b, "message", eryx_result_error_message(r));
        buf_puts(&b, ", ");
        json_key_string(&b, "traceback", eryx_result_error_traceback(r));
        int lineno = eryx_result_error_lineno(r), code = eryx_result_exit_code(r);
        if (lineno > 0)
            buf_printf(&b, ", \"lineno\": %d", lineno);
        else
            buf_puts(&b, ", \"lineno\": null");
        if (code >= 0)
            buf_printf(&b, ", \"exit_code\": %d}", code);
        else
            buf_puts(&b, ", \"exit_code\": null}");
    }
    buf_printf(&b, ", \"stats\": {\"duration_ms\": %.3f", r->duration_ms);
    buf_printf(&b, ", \"peak_memory_bytes\": %llu, \"callback_invocations\": %llu}",
               (unsigned long long)r->peak_memory, (unsigned long long)r->callback_invocations);
    trace_store_json(&b, &r->trace);
    if (r->session_reset) buf_puts(&b, ", \"session_reset\": true");
    buf_puts(&b, "}");
    return buf_take(&b);
}

void eryx_free(void *ptr) {
    free(ptr);
}
