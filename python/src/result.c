/*
 * result.c - ExecuteResult, TraceEvent and Stats, and the exception that a
 * failed execution raises (see eryxpy.h).
 *
 * The one error convention of the package: execute() returns an
 * ExecuteResult when the code ran to its end (sys.exit included: see
 * exit_code) and raises an eryx.Error subclass otherwise; the exception's
 * .result is the ExecuteResult of the run (output so far, stats, trace),
 * whose .error is the exception again.
 */
#include "eryxpy.h"

#include <structmember.h>

PyObject *text_from_output(const char *data, size_t len) {
    return PyUnicode_DecodeUTF8(data != NULL ? data : "", (Py_ssize_t)len, "replace");
}

/* A str from a NUL-terminated UTF-8 string, None for NULL. */
static PyObject *text_or_none(const char *s) {
    if (s == NULL) Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}

/* ======================================================================
 * TraceEvent
 * ====================================================================== */

typedef struct {
    PyObject_HEAD PyObject *kind; /* "line", "call", ... */
    PyObject *lineno, *function, *exc_type, *exc_message, *name, *args, *error, *duration_ms;
} TraceEventObject;

/* The kinds as str, interned once: the same names as `eryx run --trace`. */
static PyObject *kind_names[6];
static const char *const kind_texts[6] = {"line",      "call",           "return",
                                          "exception", "callback_start", "callback_end"};

PyObject *trace_event_new(const eryx_trace_event *e) {
    TraceEventObject *t = PyObject_New(TraceEventObject, &TraceEventType);
    if (t == NULL) return NULL;
    unsigned k = (unsigned)e->kind < 6 ? (unsigned)e->kind : 0;
    Py_INCREF(kind_names[k]);
    t->kind = kind_names[k];
    t->lineno = PyLong_FromLong(e->lineno);
    t->function = text_or_none(e->function);
    t->exc_type = text_or_none(e->exc_type);
    t->exc_message = text_or_none(e->exc_message);
    t->name = text_or_none(e->name);
    if (e->args_json != NULL) {
        t->args = json_to_python(e->args_json, strlen(e->args_json));
        if (t->args == NULL) { /* never from the library; keep the text */
            PyErr_Clear();
            t->args = text_or_none(e->args_json);
        }
    } else {
        t->args = Py_NewRef(Py_None);
    }
    t->error = text_or_none(e->error);
    t->duration_ms = e->kind == ERYX_TRACE_CALLBACK_END ? PyFloat_FromDouble(e->duration_ms)
                                                        : Py_NewRef(Py_None);
    if (!t->lineno || !t->function || !t->exc_type || !t->exc_message || !t->name || !t->args ||
        !t->error || !t->duration_ms) {
        Py_DECREF(t);
        return NULL;
    }
    return (PyObject *)t;
}

static void trace_event_dealloc(TraceEventObject *t) {
    Py_XDECREF(t->kind);
    Py_XDECREF(t->lineno);
    Py_XDECREF(t->function);
    Py_XDECREF(t->exc_type);
    Py_XDECREF(t->exc_message);
    Py_XDECREF(t->name);
    Py_XDECREF(t->args);
    Py_XDECREF(t->error);
    Py_XDECREF(t->duration_ms);
    PyObject_Free(t);
}

#define EVENT_MEMBER(field, doc)                                                                   \
    {#field, T_OBJECT, offsetof(TraceEventObject, field), READONLY, doc}
static PyMemberDef trace_event_members[] = {
    EVENT_MEMBER(kind, "'line', 'call', 'return', 'exception', 'callback_start' or "
                       "'callback_end'."),
    EVENT_MEMBER(lineno, "Line of the user's code (int)."),
    EVENT_MEMBER(function, "call, return: the function's name ('<module>' for the code itself)."),
    EVENT_MEMBER(exc_type, "exception: the exception's type name."),
    EVENT_MEMBER(exc_message, "exception: its message."),
    EVENT_MEMBER(name, "callback_start, callback_end: the callback's name."),
    EVENT_MEMBER(args, "callback_start: the arguments (a dict)."),
    EVENT_MEMBER(error, "callback_end: the error message, None when it succeeded."),
    EVENT_MEMBER(duration_ms, "callback_end: how long the call took, in milliseconds."),
    {NULL, 0, 0, 0, NULL},
};

/* TraceEvent(kind='call', lineno=1, function='f'): the fields that apply. */
static PyObject *trace_event_repr(TraceEventObject *t) {
    PyObject *parts = PyList_New(0);
    if (parts == NULL) return NULL;
    for (PyMemberDef *m = trace_event_members; m->name != NULL; m++) {
        PyObject *value = *(PyObject **)((char *)t + m->offset);
        if (value == Py_None) continue;
        PyObject *part = PyUnicode_FromFormat("%s=%R", m->name, value);
        if (part == NULL || PyList_Append(parts, part) != 0) {
            Py_XDECREF(part);
            Py_DECREF(parts);
            return NULL;
        }
        Py_DECREF(part);
    }
    PyObject *sep = PyUnicode_FromString(", ");
    PyObject *joined = sep != NULL ? PyUnicode_Join(sep, parts) : NULL;
    PyObject *repr = joined != NULL ? PyUnicode_FromFormat("TraceEvent(%U)", joined) : NULL;
    Py_XDECREF(sep);
    Py_XDECREF(joined);
    Py_DECREF(parts);
    return repr;
}

PyTypeObject TraceEventType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "eryx.TraceEvent",
    .tp_basicsize = sizeof(TraceEventObject),
    .tp_dealloc = (destructor)trace_event_dealloc,
    .tp_repr = (reprfunc)trace_event_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One trace event of the user's code, as the guest reported it. Fields that do not\n"
              "apply to the kind are None.",
    .tp_members = trace_event_members,
};

/* ======================================================================
 * Stats
 * ====================================================================== */

PyTypeObject StatsType;

static PyStructSequence_Field stats_fields[] = {
    {"duration_ms", "Wall time of the execution, milliseconds (float)."},
    {"peak_memory_bytes", "Highest size of the guest's memory during it, bytes (int)."},
    {"callback_invocations", "Host callback invocations it made (int)."},
    {NULL, NULL},
};

static PyStructSequence_Desc stats_desc = {
    "eryx.Stats",
    "What an execution cost: duration_ms, peak_memory_bytes, callback_invocations.",
    stats_fields,
    3,
};

static PyObject *stats_new(const eryx_result *r) {
    PyObject *s = PyStructSequence_New(&StatsType);
    if (s == NULL) return NULL;
    PyObject *items[3] = {PyFloat_FromDouble(eryx_result_duration_ms(r)),
                          PyLong_FromUnsignedLongLong(eryx_result_peak_memory(r)),
                          PyLong_FromUnsignedLongLong(eryx_result_callback_invocations(r))};
    for (int i = 0; i < 3; i++) {
        if (items[i] == NULL) {
            for (int j = 0; j < 3; j++)
                Py_XDECREF(items[j]);
            Py_DECREF(s);
            return NULL;
        }
    }
    for (int i = 0; i < 3; i++)
        PyStructSequence_SET_ITEM(s, i, items[i]);
    return s;
}

/* ======================================================================
 * ExecuteResult
 * ====================================================================== */

typedef struct {
    PyObject_HEAD PyObject *stdout_text, *stderr_text, *result, *result_error, *error, *exit_code,
        *trace, *trace_truncated, *stats, *session_reset;
} ExecuteResultObject;

/* Every field, for traverse, clear and dealloc. */
#define RESULT_FIELDS(X)                                                                           \
    X(stdout_text)                                                                                 \
    X(stderr_text)                                                                                 \
    X(result)                                                                                      \
    X(result_error) X(error) X(exit_code) X(trace) X(trace_truncated) X(stats) X(session_reset)

static int execute_result_traverse(ExecuteResultObject *o, visitproc visit, void *arg) {
#define VISIT(f) Py_VISIT(o->f);
    RESULT_FIELDS(VISIT)
#undef VISIT
    return 0;
}

static int execute_result_clear(ExecuteResultObject *o) {
#define CLEAR(f) Py_CLEAR(o->f);
    RESULT_FIELDS(CLEAR)
#undef CLEAR
    return 0;
}

static void execute_result_dealloc(ExecuteResultObject *o) {
    PyObject_GC_UnTrack(o);
    execute_result_clear(o);
    PyObject_GC_Del(o);
}

#define RESULT_MEMBER(name, field, doc)                                                            \
    {name, T_OBJECT, offsetof(ExecuteResultObject, field), READONLY, doc}
static PyMemberDef execute_result_members[] = {
    RESULT_MEMBER("stdout", stdout_text, "What the code wrote to stdout (str)."),
    RESULT_MEMBER("stderr", stderr_text, "What the code wrote to stderr (str)."),
    RESULT_MEMBER("result", result,
                  "The global `result` after the run, as a Python value (what json.loads\n"
                  "makes of it), or None when it was not set or not JSON."),
    RESULT_MEMBER("result_error", result_error,
                  "Why `result` could not be converted to JSON, or None."),
    RESULT_MEMBER("error", error,
                  "The eryx.Error the run raised (on the result of an exception), or None."),
    RESULT_MEMBER("exit_code", exit_code, "The status of sys.exit(n) (0 to 255), or None."),
    RESULT_MEMBER("trace", trace, "Collected trace events (list of TraceEvent)."),
    RESULT_MEMBER("trace_truncated", trace_truncated,
                  "True when events were left out of `trace` (more than a million)."),
    RESULT_MEMBER("stats", stats,
                  "An eryx.Stats: duration_ms, peak_memory_bytes,\n"
                  "callback_invocations."),
    RESULT_MEMBER("session_reset", session_reset,
                  "True when the session was reset to a fresh state by how the run ended\n"
                  "(timeout, memory limit, output limit, cancellation)."),
    {NULL, 0, 0, 0, NULL},
};

static PyObject *execute_result_repr(ExecuteResultObject *o) {
    return PyUnicode_FromFormat("ExecuteResult(stdout=%R, stderr=%R, result=%R, error=%R)",
                                o->stdout_text, o->stderr_text, o->result, o->error);
}

PyTypeObject ExecuteResultType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "eryx.ExecuteResult",
    .tp_basicsize = sizeof(ExecuteResultObject),
    .tp_dealloc = (destructor)execute_result_dealloc,
    .tp_repr = (reprfunc)execute_result_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The outcome of one execution: output, the `result` value, trace events and\n"
              "stats. Returned by execute() when the code ran to its end; a failed run raises\n"
              "an eryx.Error whose .result is this object.",
    .tp_traverse = (traverseproc)execute_result_traverse,
    .tp_clear = (inquiry)execute_result_clear,
    .tp_members = execute_result_members,
};

static PyObject *collected_trace(const eryx_result *r) {
    size_t n = eryx_result_trace_count(r);
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list != NULL && i < n; i++) {
        PyObject *event = trace_event_new(eryx_result_trace_event(r, i));
        if (event == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, event);
    }
    return list;
}

static ExecuteResultObject *execute_result_new(const eryx_result *r) {
    ExecuteResultObject *o = PyObject_GC_New(ExecuteResultObject, &ExecuteResultType);
    if (o == NULL) return NULL;
    size_t out_len, err_len;
    const char *out = eryx_result_stdout(r, &out_len), *err = eryx_result_stderr(r, &err_len);
    o->stdout_text = text_from_output(out, out_len);
    o->stderr_text = text_from_output(err, err_len);
    const char *json = eryx_result_json(r);
    o->result = json != NULL ? json_to_python(json, strlen(json)) : Py_NewRef(Py_None);
    o->result_error = text_or_none(eryx_result_result_error(r));
    o->error = Py_NewRef(Py_None);
    int exit_code = eryx_result_exit_code(r);
    o->exit_code = exit_code >= 0 ? PyLong_FromLong(exit_code) : Py_NewRef(Py_None);
    o->trace = collected_trace(r);
    o->trace_truncated = PyBool_FromLong(eryx_result_trace_truncated(r));
    o->stats = stats_new(r);
    o->session_reset = PyBool_FromLong(eryx_result_session_reset(r));
    PyObject_GC_Track(o);
    if (!o->stdout_text || !o->stderr_text || !o->result || !o->result_error || !o->exit_code ||
        !o->trace || !o->stats) {
        Py_DECREF(o);
        return NULL;
    }
    return o;
}

/* ======================================================================
 * The exception of a failed run
 * ====================================================================== */

static PyObject *error_type_for(eryx_error_kind kind) {
    switch (kind) {
    case ERYX_ERROR_EXCEPTION:
        return ExecutionErrorType;
    case ERYX_ERROR_TIMEOUT:
        return TimeoutErrorType;
    case ERYX_ERROR_MEMORY:
        return MemoryLimitErrorType;
    case ERYX_ERROR_OUTPUT:
        return OutputLimitErrorType;
    case ERYX_ERROR_CANCELLED:
        return CancelledErrorType;
    default:
        return SandboxErrorType;
    }
}

/* Sets attribute `name` of `obj` to `value` and drops the reference to it.
 * -1 (exception set) when value is NULL or the assignment fails. */
static int set_attr(PyObject *obj, const char *name, PyObject *value) {
    if (value == NULL) return -1;
    int rc = PyObject_SetAttrString(obj, name, value);
    Py_DECREF(value);
    return rc;
}

/* The exception for a failed run, with its attributes; NULL on error. */
static PyObject *error_for(const eryx_result *r, PyObject *result) {
    eryx_error_kind kind = eryx_result_error_kind(r);
    const char *message = eryx_result_error_message(r);
    const char *type = eryx_result_error_type(r);
    const char *traceback = eryx_result_error_traceback(r);
    PyObject *text;
    if (kind == ERYX_ERROR_EXCEPTION && type != NULL)
        text = message != NULL && message[0] != '\0' ? PyUnicode_FromFormat("%s: %s", type, message)
                                                     : PyUnicode_FromString(type);
    else
        text = text_or_none(message != NULL ? message : "execution failed");
    if (text == NULL) return NULL;
    PyObject *exc = PyObject_CallOneArg(error_type_for(kind), text);
    Py_DECREF(text);
    if (exc == NULL) return NULL;
    const char *kind_name = eryx_error_kind_name(kind);
    if (set_attr(exc, "result", Py_NewRef(result)) != 0 ||
        set_attr(exc, "kind", text_or_none(kind_name)) != 0 ||
        set_attr(exc, "type", text_or_none(type)) != 0 ||
        set_attr(exc, "message", text_or_none(message)) != 0 ||
        set_attr(exc, "traceback", text_or_none(traceback)) != 0 ||
        set_attr(exc, "lineno",
                 kind == ERYX_ERROR_EXCEPTION ? PyLong_FromLong(eryx_result_error_lineno(r))
                                              : Py_NewRef(Py_None)) != 0) {
        Py_DECREF(exc);
        return NULL;
    }
    /* The guest's traceback shows under the host's when nobody catches it. */
    if (traceback != NULL &&
        set_attr(exc, "__notes__", Py_BuildValue("[N]", text_or_none(traceback))) != 0) {
        Py_DECREF(exc);
        return NULL;
    }
    return exc;
}

PyObject *result_or_raise(const eryx_result *r) {
    ExecuteResultObject *o = execute_result_new(r);
    if (o == NULL) return NULL;
    eryx_error_kind kind = eryx_result_error_kind(r);
    if (kind == ERYX_ERROR_NONE || kind == ERYX_ERROR_EXIT) return (PyObject *)o;
    PyObject *exc = error_for(r, (PyObject *)o);
    if (exc != NULL) {
        Py_SETREF(o->error, Py_NewRef(exc));
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
    Py_DECREF(o);
    return NULL;
}

int result_types_init(PyObject *module) {
    for (int i = 0; i < 6; i++) {
        kind_names[i] = PyUnicode_InternFromString(kind_texts[i]);
        if (kind_names[i] == NULL) return -1;
    }
    if (PyType_Ready(&TraceEventType) < 0 || PyType_Ready(&ExecuteResultType) < 0 ||
        PyStructSequence_InitType2(&StatsType, &stats_desc) < 0)
        return -1;
    if (PyModule_AddObjectRef(module, "TraceEvent", (PyObject *)&TraceEventType) < 0 ||
        PyModule_AddObjectRef(module, "ExecuteResult", (PyObject *)&ExecuteResultType) < 0 ||
        PyModule_AddObjectRef(module, "Stats", (PyObject *)&StatsType) < 0)
        return -1;
    return 0;
}
