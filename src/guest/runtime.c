/*
 * runtime.c - the guest's entry points, compiled for wasm32-wasi and linked
 * with libpython3.11.a into the guest module.
 *
 * Exports (called by the host, see src/host/sandbox.c):
 *   eryx_init()              initialize the interpreter; 0 on success
 *   eryx_alloc(n)            guest buffer of n bytes for the host to fill
 *   eryx_execute(ptr, len)   run the source at ptr (takes ownership)
 * Imports (module "eryx", see src/host/imports.c):
 *   report(key, ptr, len)    one field of the outcome, as UTF-8
 *   trace(kind, lineno, a, alen, b, blen)            one trace event
 *   callback_list(buf, cap) -> len                   JSON list of callbacks
 *   callback_start(name, nlen, args, alen, lineno) -> id (< 0: refused)
 *   callback_wait(timeout_ns) -> completions ready
 *   callback_next(buf, cap, info) -> payload length (-1: none)
 *
 * Everything else is Python: _eryx_runtime.py, shipped in the stdlib image.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>

#define EXPORT(name) __attribute__((export_name(#name)))
#define IMPORT(name) __attribute__((import_module("eryx"), import_name(#name)))

IMPORT(report) void host_report(int key, const char *data, size_t len);
IMPORT(trace)
void host_trace(int kind, int lineno, const char *a, size_t alen, const char *b, size_t blen);
IMPORT(callback_list) size_t host_callback_list(char *buf, size_t cap);
IMPORT(callback_start)
int host_callback_start(const char *name, size_t nlen, const char *args, size_t alen, int lineno);
IMPORT(callback_wait) int host_callback_wait(long long timeout_ns);
IMPORT(callback_next) int host_callback_next(char *buf, size_t cap, uint32_t info[2]);

/* Report keys; the host's list in imports.h must match. */
enum { REPORT_INTERNAL_ERROR = 9 };

/* _eryx_host.report(key: int, value: bytes) */
static PyObject *py_report(PyObject *self, PyObject *args) {
    (void)self;
    int key;
    const char *data;
    Py_ssize_t len;
    if (!PyArg_ParseTuple(args, "iy#", &key, &data, &len)) return NULL;
    host_report(key, data, (size_t)len);
    Py_RETURN_NONE;
}

/* ---- tracing: a C-level trace function, so that only the user's frames
 * cost more than a pointer comparison ---- */

/* Trace event kinds; the host's list (eryx_trace_kind) must match. */
enum { TRACE_LINE = 0, TRACE_CALL = 1, TRACE_RETURN = 2, TRACE_EXCEPTION = 3 };

static PyObject *traced_filename; /* co_filename of the user's code objects */

static void send_utf8(int kind, int lineno, PyObject *a, PyObject *b) {
    Py_ssize_t alen = 0, blen = 0;
    const char *as = a ? PyUnicode_AsUTF8AndSize(a, &alen) : NULL;
    const char *bs = b ? PyUnicode_AsUTF8AndSize(b, &blen) : NULL;
    if (!as || (b && !bs)) PyErr_Clear(); /* unencodable: send what we have */
    host_trace(kind, lineno, as ? as : "", as ? (size_t)alen : 0, bs ? bs : "",
               bs ? (size_t)blen : 0);
}

/* The type's name as tracebacks print it: module-qualified unless builtin
 * or defined in __main__. */
static PyObject *type_name(PyObject *type) {
    PyObject *qualname = PyObject_GetAttrString(type, "__qualname__");
    PyObject *module = qualname ? PyObject_GetAttrString(type, "__module__") : NULL;
    PyObject *name = NULL;
    if (module && PyUnicode_Check(module) && !_PyUnicode_EqualToASCIIString(module, "builtins") &&
        !_PyUnicode_EqualToASCIIString(module, "__main__")) {
        name = PyUnicode_FromFormat("%U.%U", module, qualname);
    } else if (qualname) {
        name = Py_NewRef(qualname);
    }
    Py_XDECREF(qualname);
    Py_XDECREF(module);
    return name;
}

static void trace_exception(int lineno, PyObject *arg) {
    PyObject *type =
        PyTuple_Check(arg) && PyTuple_GET_SIZE(arg) == 3 ? PyTuple_GET_ITEM(arg, 0) : NULL;
    PyObject *value = type ? PyTuple_GET_ITEM(arg, 1) : NULL;
    /* Generators and coroutines end by raising these internally. */
    if (!type || !PyType_Check(type) || type == PyExc_StopIteration ||
        type == PyExc_StopAsyncIteration) {
        return;
    }
    PyObject *name = type_name(type);
    PyObject *message = value && value != Py_None ? PyObject_Str(value) : NULL;
    if (!message) {
        PyErr_Clear();
        message = PyUnicode_FromString("");
    }
    send_utf8(TRACE_EXCEPTION, lineno, name, message);
    Py_XDECREF(name);
    Py_XDECREF(message);
    PyErr_Clear();
}

static int tracer(PyObject *unused, PyFrameObject *frame, int what, PyObject *arg) {
    (void)unused;
    PyCodeObject *code = PyFrame_GetCode(frame);
    int mine = code->co_filename == traced_filename;
    if (mine) {
        int lineno = PyFrame_GetLineNumber(frame);
        switch (what) {
        case PyTrace_LINE:
            host_trace(TRACE_LINE, lineno, NULL, 0, NULL, 0);
            break;
        case PyTrace_CALL:
            send_utf8(TRACE_CALL, lineno, code->co_name, NULL);
            break;
        case PyTrace_RETURN:
            send_utf8(TRACE_RETURN, lineno, code->co_name, NULL);
            break;
        case PyTrace_EXCEPTION:
            trace_exception(lineno, arg);
            break;
        }
    }
    Py_DECREF(code);
    return 0;
}

/* _eryx_host.trace_on(filename): trace frames whose code has this co_filename. */
static PyObject *py_trace_on(PyObject *self, PyObject *filename) {
    (void)self;
    Py_XSETREF(traced_filename, Py_NewRef(filename));
    PyEval_SetTrace(tracer, NULL);
    Py_RETURN_NONE;
}

static PyObject *py_trace_off(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    PyEval_SetTrace(NULL, NULL);
    Py_CLEAR(traced_filename);
    Py_RETURN_NONE;
}

/* ---- host callbacks ---- */

/* _eryx_host.callback_list() -> str (JSON) */
static PyObject *py_callback_list(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    size_t len = host_callback_list(NULL, 0);
    char *buf = PyMem_Malloc(len ? len : 1);
    if (!buf) return PyErr_NoMemory();
    len = host_callback_list(buf, len);
    PyObject *text = PyUnicode_DecodeUTF8(buf, (Py_ssize_t)len, "replace");
    PyMem_Free(buf);
    return text;
}

/* _eryx_host.callback_start(name, args_json, lineno) -> int */
static PyObject *py_callback_start(PyObject *self, PyObject *args) {
    (void)self;
    const char *name, *json;
    Py_ssize_t nlen, jlen;
    int lineno;
    if (!PyArg_ParseTuple(args, "s#s#i", &name, &nlen, &json, &jlen, &lineno)) return NULL;
    return PyLong_FromLong(host_callback_start(name, (size_t)nlen, json, (size_t)jlen, lineno));
}

/* _eryx_host.callback_wait(timeout_ns) -> int; timeout < 0 waits for one. */
static PyObject *py_callback_wait(PyObject *self, PyObject *arg) {
    (void)self;
    long long timeout = PyLong_AsLongLong(arg);
    if (timeout == -1 && PyErr_Occurred()) return NULL;
    return PyLong_FromLong(host_callback_wait(timeout));
}

/* (id, status, payload); the payload decoded leniently: it is the host's. */
static PyObject *completion(const uint32_t info[2], const char *payload, int len) {
    PyObject *text = PyUnicode_DecodeUTF8(payload, len, "replace");
    if (!text) return NULL;
    PyObject *item = Py_BuildValue("(IIN)", info[0], info[1], text);
    return item;
}

/* _eryx_host.callback_next() -> (id, status, payload) or None */
static PyObject *py_callback_next(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    uint32_t info[2];
    char small[256];
    int len = host_callback_next(small, sizeof small, info);
    if (len < 0) Py_RETURN_NONE;
    if ((size_t)len <= sizeof small) return completion(info, small, len);
    char *buf = PyMem_Malloc((size_t)len);
    if (!buf) return PyErr_NoMemory();
    len = host_callback_next(buf, (size_t)len, info);
    PyObject *item = len < 0 ? Py_NewRef(Py_None) : completion(info, buf, len);
    PyMem_Free(buf);
    return item;
}

static PyMethodDef host_methods[] = {
    {"report", py_report, METH_VARARGS, "Send one field of the outcome to the host."},
    {"trace_on", py_trace_on, METH_O, "Trace the frames of code with this co_filename."},
    {"trace_off", py_trace_off, METH_NOARGS, "Stop tracing."},
    {"callback_list", py_callback_list, METH_NOARGS, "The host's callbacks, as JSON."},
    {"callback_start", py_callback_start, METH_VARARGS, "Invoke a host callback."},
    {"callback_wait", py_callback_wait, METH_O, "Wait for callback completions."},
    {"callback_next", py_callback_next, METH_NOARGS, "Take one callback completion."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef host_module = {
    PyModuleDef_HEAD_INIT,
    "_eryx_host",
    "Calls into the eryx host.",
    -1,
    host_methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

static PyObject *init_host_module(void) {
    return PyModule_Create(&host_module);
}

static PyObject *execute_fn; /* _eryx_runtime.execute */

static void report_str(int key, const char *s) {
    host_report(key, s, strlen(s));
}

EXPORT(eryx_init) int eryx_init(void) {
    if (PyImport_AppendInittab("_eryx_host", init_host_module) != 0) return 1;

    PyPreConfig pre;
    PyPreConfig_InitIsolatedConfig(&pre);
    pre.utf8_mode = 1;
    if (PyStatus_Exception(Py_PreInitialize(&pre))) return 2;

    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    config.site_import = 0;
    config.write_bytecode = 0;
    config.buffered_stdio = 0; /* output reaches the host as it is written */
    config.install_signal_handlers = 0;
    config.pathconfig_warnings = 0;
    config.module_search_paths_set = 1;
    PyStatus status = PyConfig_SetString(&config, &config.home, L"/");
    if (!PyStatus_Exception(status))
        status = PyWideStringList_Append(&config.module_search_paths, L"/lib/python3.11");
    if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        if (status.err_msg) report_str(REPORT_INTERNAL_ERROR, status.err_msg);
        return 3;
    }

    PyObject *runtime = PyImport_ImportModule("_eryx_runtime");
    if (runtime) {
        execute_fn = PyObject_GetAttrString(runtime, "execute");
        PyObject *done = execute_fn ? PyObject_CallMethod(runtime, "init", NULL) : NULL;
        Py_XDECREF(done);
        Py_DECREF(runtime);
        if (!done) Py_CLEAR(execute_fn);
    }
    if (!execute_fn) {
        PyErr_Print();
        return 4;
    }
    return 0;
}

EXPORT(eryx_alloc) void *eryx_alloc(size_t n) {
    return malloc(n ? n : 1);
}

/* flags: bit 0 trace, bit 1 interactive (see eryx_runtime.execute) */
EXPORT(eryx_execute) void eryx_execute(char *code, size_t len, int flags) {
    PyObject *source = PyBytes_FromStringAndSize(code, (Py_ssize_t)len);
    free(code);
    PyObject *done = source ? PyObject_CallFunction(execute_fn, "Oi", source, flags) : NULL;
    Py_XDECREF(source);
    if (!done) {
        /* Only if the runtime itself failed (e.g. no memory left to report). */
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        const char *name = type ? ((PyTypeObject *)type)->tp_name : "unknown error";
        report_str(REPORT_INTERNAL_ERROR, name);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
    }
    Py_XDECREF(done);
}
