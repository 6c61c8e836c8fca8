/*
 * outcome.c - how an execution ended, worked out in C and sent to the host
 * once (the record of outcome.h), compiled for wasm32-wasi with runtime.c.
 *
 * Why in C: the user's code shares this interpreter with the runtime, and
 * Python code can replace any Python-level object it can reach: json.dumps,
 * the traceback module, the runtime's module globals, even a function's
 * __code__ or a heap type's __call__. So the outcome is worked out here from
 * the objects themselves: the kind (success, exception, exit) from the
 * exception that reached the entry point, the type name, message, line and
 * exit status with the C API, and the result's JSON with the C encoder of
 * _json, through the function pointers it had when the image was built.
 * Only the traceback's text is formatted by Python code (traceback.py):
 * like every text, it is data to the host. Nothing callable from Python
 * sends an outcome: _eryx_host has no report function, and this file sends
 * one record per execution, from the entry point, after the code ended.
 *
 * None of this makes the guest trusted: code that corrupts the
 * interpreter's memory could send anything. The host therefore validates
 * the record as untrusted data (src/host/imports.c, result.c).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdbool.h>
#include <string.h>

#include "outcome.h"

#define IMPORT(name) __attribute__((import_module("eryx"), import_name(#name)))
IMPORT(report) void host_report(const outcome_record *record);

/* Captured once, before any user code runs. */
static PyObject *no_result;        /* _eryx_runtime._NO_RESULT */
static PyObject *format_traceback; /* _eryx_runtime.format_traceback */
static PyTypeObject *encoder_type; /* _json.make_encoder */
static newfunc encoder_new;        /* its tp_new and tp_call, as built */
static ternaryfunc encoder_call;   /* (a heap type: __call__ can be replaced) */
static PyObject *encode_string;    /* _json.encode_basestring_ascii */
static PyObject *default_function; /* json_default below */
static PyObject *user_file;        /* "<user>" */

/* What json.JSONEncoder.default does: refuse. */
static PyObject *json_default(PyObject *self, PyObject *obj) {
    (void)self;
    return PyErr_Format(PyExc_TypeError, "Object of type %s is not JSON serializable",
                        _PyType_Name(Py_TYPE(obj)));
}

static PyMethodDef json_default_def = {"default", json_default, METH_O, NULL};

int outcome_init(PyObject *runtime) {
    PyObject *json = PyImport_ImportModule("_json");
    if (!json) return -1;
    encoder_type = (PyTypeObject *)PyObject_GetAttrString(json, "make_encoder");
    encode_string = PyObject_GetAttrString(json, "encode_basestring_ascii");
    Py_DECREF(json);
    no_result = PyObject_GetAttrString(runtime, "_NO_RESULT");
    format_traceback = PyObject_GetAttrString(runtime, "format_traceback");
    default_function = PyCFunction_New(&json_default_def, NULL);
    user_file = PyUnicode_FromString("<user>");
    if (!encoder_type || !PyType_Check(encoder_type) || !encode_string || !no_result ||
        !format_traceback || !default_function || !user_file) {
        return -1;
    }
    encoder_new = encoder_type->tp_new;
    encoder_call = encoder_type->tp_call;
    return encoder_new && encoder_call ? 0 : -1;
}

/* ---- texts ---- */

typedef struct {
    outcome_record record;
    PyObject *keep[5]; /* the bytes objects the record's texts point into */
    int kept;
    bool failed; /* out of memory: the record says so instead */
} outcome;

/* Puts `text` (a str, any other object is skipped) into the record as
 * UTF-8; lone surrogates become '?'. Consumes the reference. */
static void put_text(outcome *o, uint32_t bit, outcome_text *field, PyObject *text) {
    PyObject *bytes =
        text && PyUnicode_Check(text) ? PyUnicode_AsEncodedString(text, "utf-8", "replace") : NULL;
    Py_XDECREF(text);
    if (!bytes) {
        if (PyErr_Occurred()) o->failed = true;
        PyErr_Clear();
        return;
    }
    field->ptr = (uint32_t)(uintptr_t)PyBytes_AS_STRING(bytes);
    field->len = (uint32_t)PyBytes_GET_SIZE(bytes);
    o->record.present |= bit;
    o->keep[o->kept++] = bytes;
}

/* str(obj), or "<unprintable T object>" when that raises. */
static PyObject *safe_str(PyObject *obj) {
    PyObject *text = PyObject_Str(obj);
    if (text) return text;
    PyErr_Clear();
    return PyUnicode_FromFormat("<unprintable %s object>", _PyType_Name(Py_TYPE(obj)));
}

/* The type's name as tracebacks print it: module-qualified unless builtin
 * or defined in __main__. */
static PyObject *exception_type_name(PyObject *type) {
    PyObject *qualname = PyObject_GetAttrString(type, "__qualname__");
    PyObject *module = qualname ? PyObject_GetAttrString(type, "__module__") : NULL;
    PyObject *name = NULL;
    if (qualname && !PyUnicode_Check(qualname)) Py_CLEAR(qualname);
    if (module && PyUnicode_Check(module) && qualname &&
        !_PyUnicode_EqualToASCIIString(module, "builtins") &&
        !_PyUnicode_EqualToASCIIString(module, "__main__")) {
        name = PyUnicode_FromFormat("%U.%U", module, qualname);
    } else if (qualname) {
        name = Py_NewRef(qualname);
    } else {
        name = PyUnicode_FromString(_PyType_Name((PyTypeObject *)type));
    }
    Py_XDECREF(qualname);
    Py_XDECREF(module);
    PyErr_Clear();
    return name;
}

/* ---- the kinds of outcome ---- */

/* The line of "<user>" where exc was raised: a SyntaxError in the user's
 * source names it, else the innermost frame of the user's code does. */
static int32_t user_lineno(PyObject *exc) {
    long lineno = 0;
    if (PyObject_TypeCheck(exc, (PyTypeObject *)PyExc_SyntaxError)) {
        PySyntaxErrorObject *syntax = (PySyntaxErrorObject *)exc;
        if (syntax->filename && PyUnicode_Check(syntax->filename) &&
            PyUnicode_Compare(syntax->filename, user_file) == 0 && syntax->lineno &&
            PyLong_Check(syntax->lineno)) {
            lineno = PyLong_AsLong(syntax->lineno);
        }
    }
    PyObject *tb = PyException_GetTraceback(exc);
    for (PyObject *entry = tb; entry && PyTraceBack_Check(entry);
         entry = (PyObject *)((PyTracebackObject *)entry)->tb_next) {
        PyTracebackObject *t = (PyTracebackObject *)entry;
        PyCodeObject *code = t->tb_frame ? PyFrame_GetCode(t->tb_frame) : NULL;
        if (code && PyUnicode_Compare(code->co_filename, user_file) == 0) lineno = t->tb_lineno;
        Py_XDECREF(code);
    }
    Py_XDECREF(tb);
    PyErr_Clear();
    return lineno > 0 && lineno <= INT32_MAX ? (int32_t)lineno : 0;
}

static void exception_outcome(outcome *o, PyObject *exc) {
    o->record.kind = OUTCOME_EXCEPTION;
    o->record.lineno = user_lineno(exc);
    put_text(o, OUTCOME_TYPE, &o->record.type, exception_type_name((PyObject *)Py_TYPE(exc)));
    put_text(o, OUTCOME_MESSAGE, &o->record.message, safe_str(exc));
    PyObject *text = PyObject_CallOneArg(format_traceback, exc);
    if (!text || !PyUnicode_Check(text)) {
        /* Formatting failed (or was tampered with): the line python prints last. */
        PyErr_Clear();
        Py_XDECREF(text);
        PyObject *type = exception_type_name((PyObject *)Py_TYPE(exc));
        PyObject *message = safe_str(exc);
        text = type && message ? PyUnicode_FromFormat("%U: %U\n", type, message) : NULL;
        Py_XDECREF(type);
        Py_XDECREF(message);
    }
    put_text(o, OUTCOME_TRACEBACK, &o->record.traceback, text);
}

/* SystemExit as python3.11 handles it (_Py_HandleSystemExit): None is 0,
 * an int is its value truncated to a C int, then to 8 bits by the exit
 * status, with -1 when it does not fit a C long (64 bits on the hosts eryx
 * runs on: wasm32's long has 32); anything else is printed to sys.stderr
 * and exits 1. */
static void exit_outcome(outcome *o, PyObject *exc) {
    PyObject *code = PyObject_GetAttrString(exc, "code");
    if (!code) {
        PyErr_Clear();
        code = Py_NewRef(exc);
    }
    int status = 0;
    if (code == Py_None) {
        status = 0;
    } else if (PyLong_Check(code)) {
        long long value = PyLong_AsLongLong(code);
        if (value == -1 && PyErr_Occurred()) PyErr_Clear();
        status = (int)value & 0xFF;
    } else {
        PyObject *err = PySys_GetObject("stderr"); /* borrowed */
        if (err && err != Py_None && PyFile_WriteObject(code, err, Py_PRINT_RAW) == 0) {
            PyFile_WriteString("\n", err);
        }
        PyErr_Clear();
        status = 1;
    }
    o->record.kind = OUTCOME_EXIT;
    o->record.exit_code = status;
    put_text(o, OUTCOME_TYPE, &o->record.type, PyUnicode_FromString("SystemExit"));
    put_text(o, OUTCOME_MESSAGE, &o->record.message,
             code == Py_None ? PyUnicode_FromString("") : safe_str(code));
    Py_DECREF(code);
}

/* json.dumps(value, allow_nan=False), by the C encoder as it was built. */
static PyObject *encode_json(PyObject *value) {
    PyObject *args = Py_BuildValue("(NOOOssOOO)", PyDict_New(), default_function, encode_string,
                                   Py_None, ": ", ", ", Py_False, Py_False, Py_False);
    PyObject *encoder = args ? encoder_new(encoder_type, args, NULL) : NULL;
    Py_XDECREF(args);
    PyObject *call = encoder ? Py_BuildValue("(On)", value, (Py_ssize_t)0) : NULL;
    PyObject *chunks = call ? encoder_call(encoder, call, NULL) : NULL;
    Py_XDECREF(call);
    Py_XDECREF(encoder);
    PyObject *empty = chunks ? PyUnicode_FromString("") : NULL;
    PyObject *text = empty ? PyUnicode_Join(empty, chunks) : NULL;
    Py_XDECREF(empty);
    Py_XDECREF(chunks);
    return text;
}

static void success_outcome(outcome *o, PyObject *value) {
    o->record.kind = OUTCOME_OK;
    if (value == no_result) return;
    PyObject *text = encode_json(value);
    if (text) {
        put_text(o, OUTCOME_RESULT, &o->record.result, text);
        return;
    }
    PyObject *type, *exc, *tb;
    PyErr_Fetch(&type, &exc, &tb);
    PyErr_NormalizeException(&type, &exc, &tb);
    PyObject *why = exc ? safe_str(exc) : NULL;
    if (why && PyUnicode_GET_LENGTH(why) == 0) {
        /* MemoryError() says nothing: name it. */
        Py_DECREF(why);
        why = exception_type_name(type);
    }
    put_text(o, OUTCOME_RESULT_ERROR, &o->record.result_error, why);
    Py_XDECREF(type);
    Py_XDECREF(exc);
    Py_XDECREF(tb);
}

void outcome_report(PyObject *value) {
    outcome o = {.record = {.kind = OUTCOME_OK}};
    if (value) {
        success_outcome(&o, value);
    } else {
        PyObject *type, *exc, *tb;
        PyErr_Fetch(&type, &exc, &tb);
        PyErr_NormalizeException(&type, &exc, &tb);
        if (exc && tb) PyException_SetTraceback(exc, tb);
        if (!exc) {
            o.failed = true;
        } else if (PyErr_GivenExceptionMatches(type, PyExc_SystemExit)) {
            exit_outcome(&o, exc);
        } else {
            exception_outcome(&o, exc);
        }
        Py_XDECREF(type);
        Py_XDECREF(exc);
        Py_XDECREF(tb);
    }
    if (o.failed) {
        /* Out of memory while building the record: say only that. */
        static const char why[] = "MemoryError";
        o.record = (outcome_record){.kind = OUTCOME_FAILED, .present = OUTCOME_MESSAGE};
        o.record.message = (outcome_text){(uint32_t)(uintptr_t)why, sizeof why - 1};
    }
    PyErr_Clear();
    host_report(&o.record);
    for (int i = 0; i < o.kept; i++)
        Py_DECREF(o.keep[i]);
}

void outcome_report_failure(const char *why) {
    outcome_record record = {.kind = OUTCOME_FAILED, .present = OUTCOME_MESSAGE};
    record.message = (outcome_text){(uint32_t)(uintptr_t)why, (uint32_t)strlen(why)};
    host_report(&record);
}
