/*
 * runtime.c - the guest's entry points, compiled for wasm32-wasi and linked
 * with libpython3.11.a into the guest module.
 *
 * Exports (called by the host, see src/host/sandbox.c):
 *   eryx_init()              initialize the interpreter; 0 on success
 *   eryx_alloc(n)            guest buffer of n bytes for the host to fill
 *   eryx_execute(ptr, len)   run the source at ptr (takes ownership)
 * Imports (module "eryx", see src/host/imports.c):
 *   report(record)           how the execution ended, once (outcome.c)
 *   trace_flush(ring)            take the ring's events; use `ring` from now on
 *   tsc() -> stamp               a time stamp for trace events (the build makes
 *                                it an inline read of the CPU's time stamp counter)
 *   callback_list(buf, cap) -> len                   JSON list of callbacks
 *   callback_start(name, nlen, args, alen, lineno) -> id (< 0: refused)
 *   callback_wait(timeout_ns) -> completions ready
 *   callback_next(buf, cap, info) -> payload length (-1: none)
 *   code_get(buf, cap) -> len    the cached compiled code (marshal) of this
 *                                execution's source, copied when it fits; 0: none
 *   code_put(buf, len)           offers the compiled code of this execution's
 *                                source for the next ones (code_cache.c)
 *
 * Everything else is Python: _eryx_runtime.py, shipped in the stdlib image.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "outcome.h"

#define EXPORT(name) __attribute__((export_name(#name)))
#define IMPORT(name) __attribute__((import_module("eryx"), import_name(#name)))

IMPORT(trace_flush) void host_trace_flush(trace_ring *ring);
IMPORT(tsc) uint64_t host_tsc(void);
IMPORT(callback_list) size_t host_callback_list(char *buf, size_t cap);
IMPORT(callback_start)
int host_callback_start(const char *name, size_t nlen, const char *args, size_t alen, int lineno);
IMPORT(callback_wait) int host_callback_wait(long long timeout_ns);
IMPORT(callback_next) int host_callback_next(char *buf, size_t cap, uint32_t info[2]);
IMPORT(code_get) size_t host_code_get(char *buf, size_t cap);
IMPORT(code_put) void host_code_put(const char *buf, size_t len);

/* ---- tracing: the file tracer of our CPython patch
 * (patches/cpython-3.11-file-trace.patch): events of the user's frames only,
 * without frame objects, and specialized instructions keep running ---- */

/* Trace event kinds; the host's list (eryx_trace_kind) must match. */
enum { TRACE_LINE = 0, TRACE_CALL = 1, TRACE_RETURN = 2, TRACE_EXCEPTION = 3 };

static trace_ring ring; /* see abi.h */
static uint64_t last_stamp;
static int last_was_call;

/* Task ids: _eryx_runtime's task factory sets the ContextVar `task_var` to
 * a new id in each task's context. The id changes only when the context
 * does, which bumps tstate->context_ver: one comparison per event. */
static PyObject *task_var;
static PyThreadState *traced_thread;
static uint64_t task_context_ver;
static uint32_t task_id;

__attribute__((noinline)) static uint32_t task_lookup(void) {
    task_context_ver = traced_thread->context_ver;
    PyObject *value = NULL;
    task_id = 0;
    if (task_var && PyContextVar_Get(task_var, NULL, &value) == 0 && value) {
        long id = PyLong_Check(value) ? PyLong_AsLong(value) : 0;
        task_id = id > 0 ? (uint32_t)id : 0;
        Py_DECREF(value);
    }
    PyErr_Clear();
    return task_id;
}

static inline uint32_t current_task(void) {
    return traced_thread->context_ver == task_context_ver ? task_id : task_lookup();
}

/* Copies a string into the ring's text (room checked by the caller), cut
 * to TRACE_TEXT_MAX with the mark as abi.h says; returns its length. No
 * memcpy call for the short names of the common case. */
__attribute__((no_builtin("memcpy"))) static inline uint32_t ring_text(const char *s, size_t len) {
    char *text = ring.text + ring.text_used;
    size_t keep = len > TRACE_TEXT_MAX ? trace_text_cut(s, len) : len;
    for (size_t i = 0; i < keep; i++)
        text[i] = s[i];
    size_t total = keep;
    if (keep < len) {
        for (size_t i = 0; i < TRACE_TEXT_MARK_LEN; i++)
            text[total++] = TRACE_TEXT_MARK[i];
    }
    text[total] = '\0';
    ring.text_used += (uint32_t)total + 1;
    return (uint32_t)total;
}

/* Appends a line event to the ring: the most frequent event, on a path
 * of its own that needs no registers saved. A line event right after a
 * call event is that frame's first line: only its RESUME ran in between,
 * far less than the 1 µs resolution promised, so it shares the call's
 * stamp and saves a counter read (a third of them in call-heavy code). */
static inline void ring_add_line(int lineno) {
    trace_record *record = &ring.records[ring.count];
    record->kind = TRACE_LINE;
    record->lineno = lineno;
    record->task = current_task();
    record->stamp = last_was_call ? last_stamp : (last_stamp = host_tsc());
    last_was_call = 0;
    if (++ring.count >= ring.limit) host_trace_flush(&ring); /* empties it */
}

/* Appends a call, return or exception event (name: the function's or the
 * exception type's, len bytes of UTF-8; message: the exception's). */
static inline void ring_add(int kind, int lineno, const char *name, size_t len, const char *message,
                            size_t mlen) {
    /* Room for both strings at their bound, marks and NULs included. */
    if (ring.text_used > TRACE_RING_TEXT - 2 * (TRACE_TEXT_MAX + 1)) host_trace_flush(&ring);
    trace_record *record = &ring.records[ring.count];
    record->kind = kind;
    record->lineno = lineno;
    record->text = ring.text_used;
    record->len = ring_text(name, len);
    record->len2 = message ? ring_text(message, mlen) : 0;
    record->task = current_task();
    record->stamp = last_stamp = host_tsc();
    last_was_call = kind == TRACE_CALL;
    if (++ring.count >= ring.limit) host_trace_flush(&ring); /* empties it */
}

/* A str as UTF-8 (unencodable: empty). */
static const char *utf8_of(PyObject *text, size_t *len) {
    Py_ssize_t n = 0;
    const char *utf8 = text ? PyUnicode_AsUTF8AndSize(text, &n) : NULL;
    if (!utf8) PyErr_Clear();
    *len = utf8 ? (size_t)n : 0;
    return utf8 ? utf8 : "";
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

__attribute__((noinline)) static void trace_exception(int lineno, PyObject *exc) {
    PyObject *type = (PyObject *)Py_TYPE(exc);
    /* Generators and coroutines end by raising these internally. */
    if (!PyExceptionInstance_Check(exc) || type == PyExc_StopIteration ||
        type == PyExc_StopAsyncIteration) {
        return;
    }
    PyObject *name = type_name(type);
    PyObject *message = PyObject_Str(exc);
    if (!message) PyErr_Clear();
    size_t nlen, mlen;
    const char *n = utf8_of(name, &nlen), *m = utf8_of(message, &mlen);
    ring_add(TRACE_EXCEPTION, lineno, n, nlen, m, mlen);
    Py_XDECREF(name);
    Py_XDECREF(message);
    PyErr_Clear();
}

/* A call or return event of a function whose name is not ASCII. */
__attribute__((noinline)) static void ring_add_named(int kind, int lineno, PyObject *name) {
    size_t len;
    const char *utf8 = utf8_of(name, &len);
    ring_add(kind, lineno, utf8, len, NULL, 0);
}

/* A call or return event, apart from the line events' path. */
__attribute__((noinline)) static void ring_add_frame(int kind, int lineno, PyObject *name) {
    if (PyUnicode_IS_COMPACT_ASCII(name) && PyUnicode_GET_LENGTH(name) <= TRACE_TEXT_MAX) {
        ring_add(kind, lineno, (const char *)((PyASCIIObject *)name + 1),
                 (size_t)PyUnicode_GET_LENGTH(name), NULL, 0);
    } else {
        ring_add_named(kind, lineno, name);
    }
}

/* Called by the interpreter for the user's frames only. */
static void tracer(PyCodeObject *code, int what, int lineno, PyObject *arg) {
    if (what == PyTrace_LINE) {
        ring_add_line(lineno);
    } else if (what == PyTrace_CALL || what == PyTrace_RETURN) {
        ring_add_frame(what == PyTrace_CALL ? TRACE_CALL : TRACE_RETURN, lineno, code->co_name);
    } else if (what == PyTrace_EXCEPTION) {
        trace_exception(lineno, arg);
    }
}

/* _eryx_host.trace_on(filename, task_var): trace frames whose code has this
 * co_filename; task_var is the ContextVar of task ids. */
static PyObject *py_trace_on(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *filename, *var;
    if (!PyArg_ParseTuple(args, "UO!", &filename, &PyContextVar_Type, &var)) return NULL;
    Py_XSETREF(task_var, Py_NewRef(var));
    traced_thread = PyThreadState_Get();
    task_context_ver = traced_thread->context_ver - 1; /* look it up at the first event */
    host_trace_flush(&ring);
    _PyEval_SetFileTrace(filename, tracer);
    Py_RETURN_NONE;
}

static PyObject *py_trace_off(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    _PyEval_SetFileTrace(NULL, NULL);
    host_trace_flush(NULL);
    Py_CLEAR(task_var);
    traced_thread = NULL;
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
    if (traced_thread) ring.task = current_task(); /* for the host's callback_start event */
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

/* ---- compiled code of a stateless sandbox's sources, kept by the host ---- */

/* _eryx_host.code_get() -> bytes (marshal) or None */
static PyObject *py_code_get(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    size_t len = host_code_get(NULL, 0);
    if (!len) Py_RETURN_NONE;
    PyObject *blob = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)len);
    if (!blob) return NULL;
    if (host_code_get(PyBytes_AS_STRING(blob), len) != len) {
        Py_DECREF(blob);
        Py_RETURN_NONE;
    }
    return blob;
}

/* _eryx_host.code_put(bytes) */
static PyObject *py_code_put(PyObject *self, PyObject *arg) {
    (void)self;
    if (!PyBytes_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "code_put() takes bytes");
        return NULL;
    }
    host_code_put(PyBytes_AS_STRING(arg), (size_t)PyBytes_GET_SIZE(arg));
    Py_RETURN_NONE;
}

/* ---- seeding random's shared generator ---- */

/* The head of _randommodule.c's RandomObject (CPython 3.11). */
typedef struct {
    PyObject ob_base; /* PyObject_HEAD */
    int index;
    uint32_t state[624];
} random_object;

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* _eryx_host.reseed(generator): a new state for a _random.Random from 256
 * bits of the host's entropy, as random.seed() would give it from 19968
 * bits but without its cost (init_by_array). */
static PyObject *py_reseed(PyObject *self, PyObject *arg) {
    (void)self;
    static PyObject *random_type;
    if (!random_type) {
        PyObject *module = PyImport_ImportModule("_random");
        random_type = module ? PyObject_GetAttrString(module, "Random") : NULL;
        Py_XDECREF(module);
        if (!random_type) return NULL;
    }
    if (!PyObject_TypeCheck(arg, (PyTypeObject *)random_type) ||
        ((PyTypeObject *)random_type)->tp_basicsize != (Py_ssize_t)sizeof(random_object)) {
        PyErr_SetString(PyExc_TypeError, "reseed() takes a _random.Random");
        return NULL;
    }
    uint64_t seed[4];
    if (_PyOS_URandomNonblock(seed, sizeof seed) < 0) return NULL;
    random_object *r = (random_object *)arg;
    for (int i = 0; i < 624; i += 2) {
        uint64_t v = splitmix64(&seed[(i / 2) % 4]);
        r->state[i] = (uint32_t)v;
        r->state[i + 1] = (uint32_t)(v >> 32);
    }
    r->state[0] |= 0x80000000u; /* as init_by_array: never an all-zero state */
    r->index = 624;
    Py_RETURN_NONE;
}

/* _eryx_host.immortalize() -> tracked: eryx_runtime.init's end, for the
 * image; eryx_settle below does the same for a template. */
static PyObject *py_immortalize(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyLong_FromSsize_t(_PyGC_ImmortalizeImage());
}

static PyMethodDef host_methods[] = {
    {"trace_on", py_trace_on, METH_VARARGS, "Trace the frames of code with this co_filename."},
    {"trace_off", py_trace_off, METH_NOARGS, "Stop tracing."},
    {"callback_list", py_callback_list, METH_NOARGS, "The host's callbacks, as JSON."},
    {"callback_start", py_callback_start, METH_VARARGS, "Invoke a host callback."},
    {"callback_wait", py_callback_wait, METH_O, "Wait for callback completions."},
    {"callback_next", py_callback_next, METH_NOARGS, "Take one callback completion."},
    {"code_get", py_code_get, METH_NOARGS, "The cached compiled code of the source, or None."},
    {"code_put", py_code_put, METH_O, "Offer the compiled code of the source."},
    {"reseed", py_reseed, METH_O, "New state for a _random.Random from the host's entropy."},
    {"immortalize", py_immortalize, METH_NOARGS,
     "Make the objects no program can see die immortal."},
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
    /* Home "/": getpath derives sys.path, sys.prefix and sys._stdlib_dir
     * (/lib/python3.11, where frozen modules such as os get their __file__)
     * from it, as a native install does from /usr. */
    PyStatus status = PyConfig_SetString(&config, &config.home, L"/");
    if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        outcome_report_failure(status.err_msg ? status.err_msg : "initialization failed");
        return 3;
    }

    PyObject *runtime = PyImport_ImportModule("_eryx_runtime");
    if (runtime) {
        execute_fn = PyObject_GetAttrString(runtime, "execute");
        if (execute_fn && outcome_init(runtime) != 0) Py_CLEAR(execute_fn);
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

/* On a snapshot about to become a template (src/host/snapshot.c): makes
 * the objects whose death no program can see immortal
 * (patches/cpython-3.11-immortal-image.patch), so that the references the
 * executions started from it take and drop write nothing, and a stateless
 * reset has fewer pages to compare and copy back. */
EXPORT(eryx_settle) void eryx_settle(void) {
    _PyGC_ImmortalizeImage();
}

EXPORT(eryx_alloc) void *eryx_alloc(size_t n) {
    return malloc(n ? n : 1);
}

/* flags: bit 0 trace, bit 1 interactive (see eryx_runtime.execute). The
 * user's exception, if any, reaches here: outcome.c reports how it went. */
EXPORT(eryx_execute) void eryx_execute(char *code, size_t len, int flags) {
    PyObject *source = PyBytes_FromStringAndSize(code, (Py_ssize_t)len);
    free(code);
    PyObject *value = source ? PyObject_CallFunction(execute_fn, "Oi", source, flags) : NULL;
    Py_XDECREF(source);
    outcome_report(value);
    Py_XDECREF(value);
}
