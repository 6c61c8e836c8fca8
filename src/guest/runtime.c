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
 *
 * Everything else is Python: _eryx_runtime.py, shipped in the stdlib image.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>

#define EXPORT(name) __attribute__((export_name(#name)))
#define IMPORT(name) __attribute__((import_module("eryx"), import_name(#name)))

IMPORT(report) void host_report(int key, const char *data, size_t len);

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

static PyMethodDef host_methods[] = {
    {"report", py_report, METH_VARARGS, "Send one field of the outcome to the host."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef host_module = {
    PyModuleDef_HEAD_INIT, "_eryx_host", "Calls into the eryx host.", -1, host_methods,
    NULL, NULL, NULL, NULL,
};

static PyObject *init_host_module(void) { return PyModule_Create(&host_module); }

static PyObject *execute_fn; /* _eryx_runtime.execute */

static void report_str(int key, const char *s) { host_report(key, s, strlen(s)); }

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

EXPORT(eryx_alloc) void *eryx_alloc(size_t n) { return malloc(n ? n : 1); }

EXPORT(eryx_execute) void eryx_execute(char *code, size_t len) {
    PyObject *source = PyBytes_FromStringAndSize(code, (Py_ssize_t)len);
    free(code);
    PyObject *done = source ? PyObject_CallOneArg(execute_fn, source) : NULL;
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
