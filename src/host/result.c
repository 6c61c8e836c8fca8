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

/* A text of the guest, cut to ERYX_ERROR_TEXT_MAX bytes (at a character
 * boundary, with a marker saying so) and made valid UTF-8. */
static void set_guest_text(char **field, guest_text text) {
    static const char marker[] = " [truncated]";
    if (!text.data) return;
    size_t len = text.len, cut = len;
    if (len > ERYX_ERROR_TEXT_MAX) {
        cut = ERYX_ERROR_TEXT_MAX - (sizeof marker - 1);
        while (cut > 0 && ((unsigned char)text.data[cut] & 0xC0) == 0x80)
            cut--;
    }
    size_t clean_len;
    char *clean = utf8_sanitized(text.data, cut, &clean_len);
    eryx_buf b = {0};
    buf_append(&b, clean, clean_len);
    if (cut < len) buf_puts(&b, marker);
    free(clean);
    free(*field);
    *field = clean ? buf_take(&b) : NULL;
    if (!clean) buf_free(&b);
}

/* The result's JSON text, checked and laid out by the host, or why not. */
static void set_result_json(eryx_result *r, guest_text json) {
    char why[160];
    if (json.len > ERYX_RESULT_MAX) {
        snprintf(why, sizeof why, "the result is %zu bytes of JSON, more than the limit of %u",
                 json.len, (unsigned)ERYX_RESULT_MAX);
        set_text(&r->result_error, why, strlen(why));
        return;
    }
    eryx_buf b = {0};
    const char *problem = buf_guest_json(&b, json.data, json.len);
    if (!problem && b.len > ERYX_RESULT_MAX) problem = "is larger than the limit";
    if (problem || b.failed) {
        snprintf(why, sizeof why, "the result %s", problem ? problem : "does not fit in memory");
        set_text(&r->result_error, why, strlen(why));
        buf_free(&b);
        return;
    }
    free(r->result_json);
    r->result_json = buf_take(&b);
}

void result_take_outcome(eryx_result *r, const guest_outcome *o) {
    if (r->reports++) return;
    if (o->out_of_bounds || o->kind > OUTCOME_FAILED) {
        r->outcome_invalid = true;
        return;
    }
    r->outcome = o->kind;
    set_guest_text(&r->error_type, o->type);
    set_guest_text(&r->error_message, o->message);
    set_guest_text(&r->error_traceback, o->traceback);
    if (o->kind == OUTCOME_EXCEPTION && o->lineno > 0) r->lineno = o->lineno;
    if (o->kind == OUTCOME_EXIT)
        r->exit_code = o->exit_code >= 0 && o->exit_code <= 255 ? o->exit_code : 1;
    if (o->kind != OUTCOME_OK) return;
    set_guest_text(&r->result_error, o->result_error);
    if (o->result.data && !o->result_error.data) set_result_json(r, o->result);
}

void result_fail(eryx_result *r, eryx_error_kind kind, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->kind = kind;
    size_t len;
    char *clean = utf8_sanitized(msg, strlen(msg), &len); /* %s of a guest text may cut one */
    if (clean) {
        free(r->error_message);
        r->error_message = clean;
    }
}

void result_clear_outcome(eryx_result *r) {
    char **fields[] = {&r->result_json, &r->result_error, &r->error_type, &r->error_message,
                       &r->error_traceback};
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
    /* result_json was checked and laid out by the host (set_result_json);
     * appended, not printf'd, as it may be longer than an int. */
    buf_puts(&b, ", \"result\": ");
    buf_puts(&b, r->result_json ? r->result_json : "null");
    buf_puts(&b, ", ");
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
