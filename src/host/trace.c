/*
 * trace.c - trace events to handlers, results and JSON.
 */
#include "trace.h"

#include <stdlib.h>
#include <string.h>

#include "result.h"

static const char *const kind_names[] = {
    [ERYX_TRACE_LINE] = "line",
    [ERYX_TRACE_CALL] = "call",
    [ERYX_TRACE_RETURN] = "return",
    [ERYX_TRACE_EXCEPTION] = "exception",
    [ERYX_TRACE_CALLBACK_START] = "callback_start",
    [ERYX_TRACE_CALLBACK_END] = "callback_end",
};

static char *copy(const char *s) {
    return s ? strdup(s) : NULL;
}

void trace_event_clear(eryx_trace_event *e) {
    free((char *)e->function);
    free((char *)e->exc_type);
    free((char *)e->exc_message);
    free((char *)e->name);
    free((char *)e->args_json);
    free((char *)e->error);
    memset(e, 0, sizeof *e);
}

void trace_collect(eryx_result *r, const eryx_trace_event *e) {
    if (r->trace_count >= ERYX_TRACE_COLLECT_MAX) {
        r->trace_dropped = true; /* a guest must not fill the host's memory */
        return;
    }
    if (r->trace_count == r->trace_cap) {
        size_t cap = r->trace_cap ? r->trace_cap * 2 : 256;
        eryx_trace_event *grown = realloc(r->trace, cap * sizeof *grown);
        if (!grown) {
            r->trace_dropped = true;
            return;
        }
        r->trace = grown;
        r->trace_cap = cap;
    }
    eryx_trace_event *c = &r->trace[r->trace_count++];
    *c = (eryx_trace_event){
        .kind = e->kind,
        .lineno = e->lineno,
        .function = copy(e->function),
        .exc_type = copy(e->exc_type),
        .exc_message = copy(e->exc_message),
        .name = copy(e->name),
        .args_json = copy(e->args_json),
        .error = copy(e->error),
        .duration_ms = e->duration_ms,
    };
}

static void member(eryx_buf *b, const char *key, const char *value) {
    buf_printf(b, ",\"%s\":", key);
    buf_json_string(b, value ? value : "", value ? strlen(value) : 0);
}

bool trace_event_json(eryx_buf *b, const eryx_trace_event *e) {
    unsigned kind = (unsigned)e->kind;
    const char *name = kind < sizeof kind_names / sizeof *kind_names ? kind_names[kind] : "line";
    buf_printf(b, "{\"event\":\"%s\",\"lineno\":%d", name, e->lineno);
    switch (e->kind) {
    case ERYX_TRACE_LINE:
        break;
    case ERYX_TRACE_CALL:
    case ERYX_TRACE_RETURN:
        member(b, "function", e->function);
        break;
    case ERYX_TRACE_EXCEPTION:
        member(b, "type", e->exc_type);
        member(b, "message", e->exc_message);
        break;
    case ERYX_TRACE_CALLBACK_START:
        member(b, "name", e->name);
        /* args_json comes from the guest's json.dumps: valid JSON. */
        buf_printf(b, ",\"args\":%s", e->args_json ? e->args_json : "{}");
        break;
    case ERYX_TRACE_CALLBACK_END:
        member(b, "name", e->name);
        buf_printf(b, ",\"duration_ms\":%.3f,\"error\":", e->duration_ms);
        buf_json_string(b, e->error, e->error ? strlen(e->error) : 0);
        break;
    }
    return buf_puts(b, "}");
}

char *eryx_trace_event_to_json(const eryx_trace_event *event) {
    if (!event) return NULL;
    eryx_buf b = {0};
    trace_event_json(&b, event);
    return buf_take(&b);
}
