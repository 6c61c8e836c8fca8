/*
 * module.c - the extension module eryx._eryx: exceptions, the types of the
 * other files, and the pure-Python helpers it calls (see eryxpy.h).
 */
#include "eryxpy.h"

PyObject *ErrorType, *ExecutionErrorType, *TimeoutErrorType, *MemoryLimitErrorType,
    *OutputLimitErrorType, *CancelledErrorType, *SandboxErrorType, *BusyErrorType;

PyObject *helper_function(const char *module, const char *name) {
    PyObject *mod = PyImport_ImportModule(module);
    if (mod == NULL) return NULL;
    PyObject *fn = PyObject_GetAttrString(mod, name);
    Py_DECREF(mod);
    return fn;
}

/* One exception type of the module. */
struct exception_def {
    PyObject **type;
    const char *name; /* without "eryx." */
    PyObject **base;  /* NULL: Error */
    PyObject **also;  /* a built-in it also derives from, or NULL */
    const char *doc;
};

static PyObject *builtin_timeout_error = NULL;

static const struct exception_def exception_defs[] = {
    {&ExecutionErrorType, "ExecutionError", NULL, NULL,
     "The code raised an exception that it did not catch (SyntaxError included).\n"
     "Attributes: type (the exception's type name), message, traceback (as python3.11\n"
     "prints it, frames of the user's code only), lineno, result."},
    {&TimeoutErrorType, "TimeoutError", NULL, &builtin_timeout_error,
     "The execution ran past its time limit. Also a builtins.TimeoutError."},
    {&MemoryLimitErrorType, "MemoryLimitError", NULL, NULL,
     "The guest's memory limit stopped the interpreter."},
    {&OutputLimitErrorType, "OutputLimitError", NULL, NULL,
     "stdout plus stderr reached the output limit."},
    {&CancelledErrorType, "CancelledError", NULL, NULL,
     "The execution was cancelled: sandbox.cancel(), or a cancelled execute_async task\n"
     "(which itself ends with asyncio.CancelledError)."},
    {&SandboxErrorType, "SandboxError", NULL, NULL,
     "The sandbox failed (the interpreter trapped or ran out of stack); a session is\n"
     "reset to a fresh state."},
    {&BusyErrorType, "BusyError", NULL, NULL,
     "The sandbox is in use: an execution or a state operation runs in it (on another\n"
     "thread, or around the callback or handler that asked)."},
};

static int add_exceptions(PyObject *module) {
    ErrorType = PyErr_NewExceptionWithDoc(
        "eryx.Error",
        "Base class of eryx's exceptions. A failed execution raises a subclass; then\n"
        ".result is its ExecuteResult (output so far, stats, trace) and .kind the\n"
        "failure's name ('exception', 'timeout', 'memory', 'output', 'cancelled',\n"
        "'internal'); type, message, traceback and lineno are set for every kind\n"
        "(None where they do not apply).",
        PyExc_Exception, NULL);
    if (ErrorType == NULL || PyModule_AddObjectRef(module, "Error", ErrorType) < 0) return -1;
    builtin_timeout_error = PyExc_TimeoutError;
    for (size_t i = 0; i < sizeof exception_defs / sizeof *exception_defs; i++) {
        const struct exception_def *d = &exception_defs[i];
        char qualified[64];
        snprintf(qualified, sizeof qualified, "eryx.%s", d->name);
        PyObject *base = d->base != NULL ? *d->base : ErrorType;
        PyObject *bases = d->also != NULL ? PyTuple_Pack(2, base, *d->also) : Py_NewRef(base);
        if (bases == NULL) return -1;
        *d->type = PyErr_NewExceptionWithDoc(qualified, d->doc, bases, NULL);
        Py_DECREF(bases);
        if (*d->type == NULL || PyModule_AddObjectRef(module, d->name, *d->type) < 0) return -1;
    }
    return 0;
}

static PyObject *version(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    return PyUnicode_FromString(eryx_version());
}

static PyMethodDef module_methods[] = {
    {"version", version, METH_NOARGS,
     "version() -> str\n\nThe version of the eryx library, e.g. '0.1.0 (CPython 3.11)'."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef eryx_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "eryx._eryx",
    .m_doc = "The C core of the eryx package: see the package eryx for the documentation.",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__eryx(void) {
    PyObject *module = PyModule_Create(&eryx_module);
    if (module == NULL) return NULL;
    if (canceller_init() != 0) {
        PyErr_SetString(PyExc_OSError, "eryx: cannot register the fork handler");
        goto fail;
    }
    if (add_exceptions(module) < 0 || result_types_init(module) < 0 ||
        sandbox_types_init(module) < 0 || PyType_Ready(&CallType) < 0 ||
        PyModule_AddStringConstant(module, "__version__", ERYX_VERSION) < 0)
        goto fail;
    return module;
fail:
    Py_DECREF(module);
    return NULL;
}
