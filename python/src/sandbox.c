/*
 * sandbox.c - eryx.Sandbox (and what eryx.Session inherits): options,
 * callbacks, execute, cancel, close (see eryxpy.h; session.c adds reset,
 * snapshot and restore).
 *
 * Options are one table (sandbox_options): each keyword of the
 * constructor has one entry and one function that applies it to the
 * eryx_config, so that a new option of the C API is one more entry.
 */
#include "eryxpy.h"

#include <structmember.h>

static unsigned long main_thread_ident;

/* ======================================================================
 * Checks and errors
 * ====================================================================== */

PyObject *status_error(eryx_status st, const char *what) {
    switch (st) {
    case ERYX_EBUSY:
        PyErr_Format(BusyErrorType, "%s: the sandbox is busy with another execution", what);
        break;
    case ERYX_ENOMEM:
        PyErr_NoMemory();
        break;
    case ERYX_EINVAL:
        PyErr_Format(PyExc_ValueError, "%s: invalid argument", what);
        break;
    default:
        PyErr_Format(ErrorType, "%s: %s", what, eryx_status_string(st));
        break;
    }
    return NULL;
}

bool ready(SandboxObject *self) {
    if (self->sandbox == NULL) {
        PyErr_SetString(ErrorType, "the sandbox is closed");
        return false;
    }
    if (self->in_use) {
        PyErr_SetString(BusyErrorType,
                        "the sandbox is in use: an execution or a state operation runs in it "
                        "(on another thread, or around this callback or handler)");
        return false;
    }
    return true;
}

/* Creates the library's sandbox from the current config (self->sandbox
 * must be NULL). -1 with an exception on failure. */
static int create(SandboxObject *self) {
    char why[512] = "";
    eryx_status st = self->session
                         ? eryx_session_new(self->config, &self->sandbox, why, sizeof why)
                         : eryx_sandbox_new(self->config, &self->sandbox, why, sizeof why);
    if (st == ERYX_OK) return 0;
    if (st == ERYX_ENOMEM && why[0] == '\0') {
        PyErr_NoMemory();
    } else {
        PyErr_Format(st == ERYX_EINVAL ? PyExc_ValueError : ErrorType, "cannot create the %s: %s",
                     self->session ? "session" : "sandbox",
                     why[0] != '\0' ? why : eryx_status_string(st));
    }
    return -1;
}

/* ======================================================================
 * Options
 * ====================================================================== */

/* A number of seconds from `value` into *out; -1 with TypeError. */
static int seconds_arg(const char *name, PyObject *value, double *out) {
    if (PyBool_Check(value) || !(PyFloat_Check(value) || PyLong_Check(value))) {
        PyErr_Format(PyExc_TypeError, "%s must be a number of seconds, not %.100s", name,
                     Py_TYPE(value)->tp_name);
        return -1;
    }
    *out = PyFloat_AsDouble(value);
    return *out == -1.0 && PyErr_Occurred() ? -1 : 0;
}

int count_arg(const char *name, PyObject *value, unsigned long long *out) {
    if (PyBool_Check(value) || !PyLong_Check(value)) {
        PyErr_Format(PyExc_TypeError, "%s must be an int, not %.100s", name,
                     Py_TYPE(value)->tp_name);
        return -1;
    }
    *out = PyLong_AsUnsignedLongLong(value);
    if (*out == (unsigned long long)-1 && PyErr_Occurred()) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "%s out of range: %R", name, value);
        return -1;
    }
    return 0;
}

/* -1 with ValueError "NAME out of range (RANGE): VALUE" unless st is OK. */
static int range_check(eryx_status st, const char *name, const char *range, PyObject *value) {
    if (st == ERYX_OK) return 0;
    PyErr_Format(PyExc_ValueError, "%s out of range (%s): %R", name, range, value);
    return -1;
}

static int opt_timeout(SandboxObject *self, const char *name, PyObject *value) {
    double s;
    if (seconds_arg(name, value, &s) != 0) return -1;
    return range_check(eryx_config_set_timeout(self->config, s), name, "0 to 1e7 s, 0: none",
                       value);
}

static int opt_memory_limit(SandboxObject *self, const char *name, PyObject *value) {
    unsigned long long bytes;
    if (count_arg(name, value, &bytes) != 0) return -1;
    return range_check(eryx_config_set_memory_limit(self->config, bytes), name,
                       "32 MiB to 4 GiB, in bytes", value);
}

static int opt_output_limit(SandboxObject *self, const char *name, PyObject *value) {
    unsigned long long bytes;
    if (count_arg(name, value, &bytes) != 0) return -1;
    return range_check(eryx_config_set_output_limit(self->config, bytes), name, "at least 1 byte",
                       value);
}

static int opt_callback_timeout(SandboxObject *self, const char *name, PyObject *value) {
    double s;
    if (seconds_arg(name, value, &s) != 0) return -1;
    return range_check(eryx_config_set_callback_timeout(self->config, s), name,
                       "0 to 1e7 s, 0: none", value);
}

static int opt_max_callbacks(SandboxObject *self, const char *name, PyObject *value) {
    unsigned long long n;
    if (count_arg(name, value, &n) != 0) return -1;
    eryx_status st =
        n <= UINT32_MAX ? eryx_config_set_max_callbacks(self->config, (uint32_t)n) : ERYX_EINVAL;
    return range_check(st, name, "0 to 2**32 - 1", value);
}

static int register_callback(SandboxObject *self, PyObject *function, PyObject *name,
                             PyObject *description, PyObject *schema);

/* callbacks=[f, g, eryx.Callback(...)] or {"http.get": f} */
static int opt_callbacks(SandboxObject *self, const char *name, PyObject *value) {
    (void)name;
    if (PyDict_Check(value)) {
        Py_ssize_t pos = 0;
        PyObject *key, *fn;
        while (PyDict_Next(value, &pos, &key, &fn))
            if (register_callback(self, fn, key, Py_None, Py_None) != 0) return -1;
        return 0;
    }
    PyObject *items = PySequence_Fast(value, "callbacks must be a list of functions or a dict");
    if (items == NULL) return -1;
    int rc = 0;
    for (Py_ssize_t i = 0; rc == 0 && i < PySequence_Fast_GET_SIZE(items); i++)
        rc = register_callback(self, PySequence_Fast_GET_ITEM(items, i), Py_None, Py_None, Py_None);
    Py_DECREF(items);
    return rc;
}

/* Stores a handler option (a callable) in *slot. */
static int handler_arg(const char *name, PyObject *value, PyObject **slot) {
    if (!PyCallable_Check(value)) {
        PyErr_Format(PyExc_TypeError, "%s must be callable, not %.100s", name,
                     Py_TYPE(value)->tp_name);
        return -1;
    }
    Py_XSETREF(*slot, Py_NewRef(value));
    return 0;
}

static int opt_on_stdout(SandboxObject *self, const char *name, PyObject *value) {
    if (handler_arg(name, value, &self->on_stdout) != 0) return -1;
    return eryx_config_set_output_handler(self->config, on_output, self) == ERYX_OK ? 0 : -1;
}

static int opt_on_stderr(SandboxObject *self, const char *name, PyObject *value) {
    if (handler_arg(name, value, &self->on_stderr) != 0) return -1;
    return eryx_config_set_output_handler(self->config, on_output, self) == ERYX_OK ? 0 : -1;
}

/* Installs the trace options, once every keyword is in (sandbox_init): a
 * handler per event or, in step mode, one called before the guest goes on
 * (eryx_config_set_trace_bursts with ERYX_TRACE_STEP), and collection. */
static int apply_trace(SandboxObject *self) {
    if (self->trace_step && self->trace_handler == NULL) {
        PyErr_SetString(PyExc_ValueError, "trace_step=True needs a trace handler: trace=function");
        return -1;
    }
    eryx_status st;
    if (self->trace_step) {
        unsigned flags = ERYX_TRACE_STEP | (self->trace_collect ? ERYX_TRACE_COLLECT : 0);
        st = eryx_config_set_trace_bursts(self->config, on_trace_step, self, flags);
    } else {
        eryx_trace_fn fn = self->trace_handler != NULL ? on_trace : NULL;
        st = eryx_config_set_trace(self->config, fn, self, self->trace_collect);
    }
    return st == ERYX_OK ? 0 : -1;
}

/* trace=True: collect into result.trace; trace=handler: events to it. */
static int opt_trace(SandboxObject *self, const char *name, PyObject *value) {
    if (PyBool_Check(value)) {
        self->trace_collect = value == Py_True;
    } else if (handler_arg(name, value, &self->trace_handler) != 0) {
        return -1;
    }
    return 0;
}

/* trace_step=True: the trace handler sees each event before the guest goes
 * on (step-through). */
static int opt_trace_step(SandboxObject *self, const char *name, PyObject *value) {
    int on = PyObject_IsTrue(value);
    if (on < 0) return -1;
    (void)name;
    self->trace_step = on;
    return 0;
}

/* One keyword of the constructor. None for any of them means the default. */
struct sandbox_option {
    const char *name;
    int (*apply)(SandboxObject *self, const char *name, PyObject *value);
};

/* clang-format off */
static const struct sandbox_option sandbox_options[] = {
    {"timeout", opt_timeout},
    {"memory_limit", opt_memory_limit},
    {"output_limit", opt_output_limit},
    {"callback_timeout", opt_callback_timeout},
    {"max_callbacks", opt_max_callbacks},
    {"callbacks", opt_callbacks},
    {"on_stdout", opt_on_stdout},
    {"on_stderr", opt_on_stderr},
    {"trace", opt_trace},
    {"trace_step", opt_trace_step},
    {"files", opt_files},
    {"fs_limit", opt_fs_limit},
    {"fs_max_files", opt_fs_max_files},
    {"fs_max_fds", opt_fs_max_fds},
    {"volumes", opt_volumes},
    {"volume_write_budget", opt_volume_write_budget},
    {"packages", opt_packages},
    {"snapshot", opt_snapshot},
    {"snapshot_key", opt_snapshot_key},
};
/* clang-format on */

static int apply_option(SandboxObject *self, PyObject *key, PyObject *value) {
    const char *name = PyUnicode_AsUTF8(key);
    if (name == NULL) return -1;
    for (size_t i = 0; i < sizeof sandbox_options / sizeof *sandbox_options; i++) {
        if (strcmp(name, sandbox_options[i].name) != 0) continue;
        return value == Py_None ? 0 : sandbox_options[i].apply(self, name, value);
    }
    PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%s'",
                 Py_TYPE(self)->tp_name, name);
    return -1;
}

/* ======================================================================
 * Lifecycle
 * ====================================================================== */

static void free_entries(SandboxObject *self) {
    for (size_t i = 0; i < self->ncallbacks; i++) {
        Py_XDECREF(self->callbacks[i]->function);
        free(self->callbacks[i]->name);
        free(self->callbacks[i]);
    }
    free(self->callbacks);
    self->callbacks = NULL;
    self->ncallbacks = 0;
}

static int sandbox_init(SandboxObject *self, PyObject *args, PyObject *kwargs) {
    if (PyTuple_GET_SIZE(args) != 0) {
        PyErr_Format(PyExc_TypeError, "%s() takes keyword arguments only", Py_TYPE(self)->tp_name);
        return -1;
    }
    if (self->config != NULL) {
        PyErr_Format(PyExc_TypeError, "%s is initialized already", Py_TYPE(self)->tp_name);
        return -1;
    }
    self->session = PyObject_TypeCheck(self, &SessionType);
    self->config = eryx_config_new();
    self->callback_objects = PyList_New(0);
    if (self->config == NULL || self->callback_objects == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    /* The library's defaults, for fs options given one at a time. */
    self->fs_bytes = ERYX_FS_DEFAULT_BYTES;
    self->fs_entries = ERYX_FS_DEFAULT_ENTRIES;
    self->fs_fds = ERYX_FS_DEFAULT_FDS;
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (kwargs != NULL && PyDict_Next(kwargs, &pos, &key, &value))
        if (apply_option(self, key, value) != 0) return -1;
    if (apply_trace(self) != 0 || files_options_finish(self) != 0) return -1;
    return create(self);
}

static int sandbox_traverse(SandboxObject *self, visitproc visit, void *arg) {
    Py_VISIT(self->on_stdout);
    Py_VISIT(self->on_stderr);
    Py_VISIT(self->trace_handler);
    Py_VISIT(self->callback_objects);
    Py_VISIT(self->pending_files);
    for (size_t i = 0; i < self->ncallbacks; i++)
        Py_VISIT(self->callbacks[i]->function);
    return 0;
}

static int sandbox_clear(SandboxObject *self) {
    /* Only an unreachable sandbox is cleared: it runs nothing. */
    eryx_sandbox_free(self->sandbox);
    self->sandbox = NULL;
    Py_CLEAR(self->on_stdout);
    Py_CLEAR(self->on_stderr);
    Py_CLEAR(self->trace_handler);
    Py_CLEAR(self->callback_objects);
    Py_CLEAR(self->pending_snapshot);
    Py_CLEAR(self->pending_key);
    Py_CLEAR(self->pending_files);
    for (size_t i = 0; i < self->ncallbacks; i++)
        Py_CLEAR(self->callbacks[i]->function);
    return 0;
}

static void sandbox_dealloc(SandboxObject *self) {
    PyObject_GC_UnTrack(self);
    if (self->weakrefs != NULL) PyObject_ClearWeakRefs((PyObject *)self);
    sandbox_clear(self);
    free_entries(self);
    eryx_config_free(self->config);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *sandbox_close(SandboxObject *self, PyObject *unused) {
    (void)unused;
    if (self->in_use) {
        ready(self); /* raises BusyError */
        return NULL;
    }
    eryx_sandbox_free(self->sandbox);
    self->sandbox = NULL;
    Py_RETURN_NONE;
}

static PyObject *sandbox_enter(SandboxObject *self, PyObject *unused) {
    (void)unused;
    return Py_NewRef(self);
}

static PyObject *sandbox_exit(SandboxObject *self, PyObject *args) {
    (void)args;
    return sandbox_close(self, NULL);
}

static PyObject *sandbox_get_closed(SandboxObject *self, void *closure) {
    (void)closure;
    return PyBool_FromLong(self->sandbox == NULL);
}

static PyObject *sandbox_get_callbacks(SandboxObject *self, void *closure) {
    (void)closure;
    return PyList_AsTuple(self->callback_objects);
}

/* ======================================================================
 * Callbacks
 * ====================================================================== */

/* Registers `function` (a callable or an eryx.Callback) and re-creates the
 * library's sandbox, whose callbacks are fixed at creation. */
static int register_callback(SandboxObject *self, PyObject *function, PyObject *name,
                             PyObject *description, PyObject *schema) {
    if (self->sandbox != NULL && !ready(self)) return -1;
    if (self->session && self->ran) {
        PyErr_SetString(ErrorType, "a session's callbacks are fixed once it has run code "
                                   "(re-creating it would lose its state): register them first");
        return -1;
    }
    PyObject *make = helper_function("eryx._callbacks", "as_callback");
    PyObject *cb =
        make != NULL ? PyObject_CallFunctionObjArgs(make, function, name, description, schema, NULL)
                     : NULL;
    Py_XDECREF(make);
    if (cb == NULL) return -1;
    PyObject *cb_name = PyObject_GetAttrString(cb, "name");
    PyObject *cb_doc = PyObject_GetAttrString(cb, "description");
    PyObject *cb_schema = PyObject_GetAttrString(cb, "schema_json");
    PyObject *cb_target = PyObject_GetAttrString(cb, "target");
    const char *n = cb_name != NULL ? PyUnicode_AsUTF8(cb_name) : NULL;
    const char *d = cb_doc != NULL ? PyUnicode_AsUTF8(cb_doc) : NULL;
    const char *s = cb_schema != NULL ? PyUnicode_AsUTF8(cb_schema) : NULL;
    int rc = -1;
    callback_entry *entry = NULL, **grown = NULL;
    if (n == NULL || d == NULL || s == NULL || cb_target == NULL) goto done;
    entry = calloc(1, sizeof *entry);
    grown = realloc(self->callbacks, (self->ncallbacks + 1) * sizeof *grown);
    if (grown != NULL) self->callbacks = grown;
    if (entry == NULL || grown == NULL || (entry->name = strdup(n)) == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    entry->owner = self;
    eryx_status st = eryx_config_add_callback(self->config, n, d, s, on_callback, entry);
    if (st != ERYX_OK) {
        if (st == ERYX_ENOMEM)
            PyErr_NoMemory();
        else
            PyErr_Format(PyExc_ValueError,
                         "cannot register callback '%s': a name must be an identifier or dotted "
                         "identifiers (not keywords) and registered once",
                         n);
        goto done;
    }
    entry->function = Py_NewRef(cb_target);
    self->callbacks[self->ncallbacks++] = entry;
    entry = NULL;
    if (PyList_Append(self->callback_objects, cb) != 0) goto done;
    rc = 0;
    if (self->sandbox != NULL) {
        eryx_sandbox_free(self->sandbox);
        self->sandbox = NULL;
        rc = create(self);
    }
done:
    if (entry != NULL) free(entry->name);
    free(entry);
    Py_XDECREF(cb_name);
    Py_XDECREF(cb_doc);
    Py_XDECREF(cb_schema);
    Py_XDECREF(cb_target);
    Py_DECREF(cb);
    return rc;
}

/* sandbox.callback(function=None, *, name=None, description=None,
 * schema=None): registers function, or returns a decorator that does. */
static PyObject *sandbox_callback(SandboxObject *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"function", "name", "description", "schema", NULL};
    PyObject *function = Py_None, *name = Py_None, *description = Py_None, *schema = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O$OOO:callback", keywords, &function, &name,
                                     &description, &schema))
        return NULL;
    if (function == Py_None) {
        /* @sandbox.callback(name=...): a decorator with these options. */
        PyObject *partial = helper_function("functools", "partial");
        PyObject *method = PyObject_GetAttrString((PyObject *)self, "callback");
        PyObject *decorator = NULL;
        if (partial != NULL && method != NULL) {
            PyObject *pargs = PyTuple_Pack(1, method);
            PyObject *pkw = Py_BuildValue("{sOsOsO}", "name", name, "description", description,
                                          "schema", schema);
            if (pargs != NULL && pkw != NULL) decorator = PyObject_Call(partial, pargs, pkw);
            Py_XDECREF(pargs);
            Py_XDECREF(pkw);
        }
        Py_XDECREF(partial);
        Py_XDECREF(method);
        return decorator;
    }
    if (register_callback(self, function, name, description, schema) != 0) return NULL;
    return Py_NewRef(function);
}

/* ======================================================================
 * Execution
 * ====================================================================== */

void exec_handler_failed(SandboxObject *self) {
    exec_ctx *ctx = self->exec;
    if (ctx->err_type == NULL)
        PyErr_Fetch(&ctx->err_type, &ctx->err_value, &ctx->err_tb);
    else
        PyErr_Clear();
    if (ctx->err_type == NULL) ctx->err_type = Py_NewRef(PyExc_SystemError);
    if (ctx->cancel != NULL)
        canceller_request(ctx->cancel);
    else
        eryx_sandbox_cancel(self->sandbox);
}

/* The per-execution keywords into `options`. -1 with an exception. */
static int exec_options(PyObject *timeout, PyObject *trace, PyObject *interactive,
                        eryx_exec_options *options) {
    *options = (eryx_exec_options){0};
    if (timeout != Py_None) {
        if (seconds_arg("timeout", timeout, &options->timeout) != 0) return -1;
        if (!(options->timeout > 0 && options->timeout <= 1e7)) {
            PyErr_Format(PyExc_ValueError, "timeout out of range (above 0, up to 1e7 s): %R",
                         timeout);
            return -1;
        }
    }
    if (trace != Py_None) {
        int on = PyObject_IsTrue(trace);
        if (on < 0) return -1;
        options->trace = on ? 1 : -1;
    }
    options->interactive = PyObject_IsTrue(interactive);
    return options->interactive < 0 ? -1 : 0;
}

/* Runs `code`; async callbacks go to `loop` (NULL: eryx's background
 * loop); `ticket` ([cancelled]) is execute_async's, or NULL. */
static PyObject *execute(SandboxObject *self, PyObject *code, const eryx_exec_options *options,
                         PyObject *loop, PyObject *ticket) {
    if (!ready(self)) return NULL;
    const char *text;
    Py_ssize_t len;
    if (PyUnicode_Check(code)) {
        if ((text = PyUnicode_AsUTF8AndSize(code, &len)) == NULL) return NULL;
    } else if (PyBytes_Check(code)) {
        text = PyBytes_AS_STRING(code);
        len = PyBytes_GET_SIZE(code);
    } else {
        PyErr_Format(PyExc_TypeError, "code must be str or bytes, not %.100s",
                     Py_TYPE(code)->tp_name);
        return NULL;
    }
    /* Checked and registered with no Python code in between, so that
     * _cancel_ticket either sees this execution or leaves the mark. */
    if (ticket != NULL && PyObject_IsTrue(PyList_GET_ITEM(ticket, 0))) {
        PyErr_SetString(CancelledErrorType, "execution cancelled before it started");
        return NULL;
    }
    exec_ctx ctx = {.loop = loop, .ticket = ticket};
    self->exec = &ctx;
    self->in_use = true;
    self->ran = true;
    ctx.cancel = canceller_begin(self->sandbox, PyThread_get_thread_ident() == main_thread_ident);
    eryx_result *r = NULL;
    ctx.tstate = PyEval_SaveThread();
    eryx_status st = eryx_execute_ex(self->sandbox, text, (size_t)len, options, &r);
    PyEval_RestoreThread(ctx.tstate);
    bool sigint = canceller_end(ctx.cancel);
    self->exec = NULL;
    self->in_use = false;
    exec_ctx_finish_dispatch(&ctx);

    PyObject *out = NULL;
    if (ctx.err_type != NULL) {
        PyErr_Restore(ctx.err_type, ctx.err_value, ctx.err_tb);
    } else if (sigint && PyErr_CheckSignals() < 0) {
        /* KeyboardInterrupt (or what the SIGINT handler raised). */
    } else if (st != ERYX_OK) {
        status_error(st, "cannot execute");
    } else {
        out = result_or_raise(r);
    }
    eryx_result_free(r);
    return out;
}

static PyObject *sandbox_execute(SandboxObject *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"code", "timeout", "trace", "interactive", NULL};
    PyObject *code, *timeout = Py_None, *trace = Py_None, *interactive = Py_False;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$OOO:execute", keywords, &code, &timeout,
                                     &trace, &interactive))
        return NULL;
    eryx_exec_options options;
    if (exec_options(timeout, trace, interactive, &options) != 0) return NULL;
    return execute(self, code, &options, NULL, NULL);
}

/* _run(loop, ticket, code, timeout, trace, interactive): execute_async's
 * part on a worker thread (eryx._aio). */
static PyObject *sandbox_run(SandboxObject *self, PyObject *args) {
    PyObject *loop, *ticket, *code, *timeout, *trace, *interactive;
    if (!PyArg_ParseTuple(args, "OO!OOOO:_run", &loop, &PyList_Type, &ticket, &code, &timeout,
                          &trace, &interactive))
        return NULL;
    if (PyList_GET_SIZE(ticket) != 1) {
        PyErr_SetString(PyExc_ValueError, "_run: the ticket is a list of one item");
        return NULL;
    }
    eryx_exec_options options;
    if (exec_options(timeout, trace, interactive, &options) != 0) return NULL;
    return execute(self, code, &options, loop, ticket);
}

static PyObject *sandbox_execute_async(SandboxObject *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"code", "timeout", "trace", "interactive", NULL};
    PyObject *code, *timeout = Py_None, *trace = Py_None, *interactive = Py_False;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$OOO:execute_async", keywords, &code,
                                     &timeout, &trace, &interactive))
        return NULL;
    PyObject *run = helper_function("eryx._aio", "execute_async");
    if (run == NULL) return NULL;
    PyObject *coro = PyObject_CallFunctionObjArgs(run, (PyObject *)self, code, timeout, trace,
                                                  interactive, NULL);
    Py_DECREF(run);
    return coro;
}

static void request_cancel(SandboxObject *self) {
    if (self->exec == NULL) return;
    if (self->exec->cancel != NULL)
        canceller_request(self->exec->cancel);
    else
        eryx_sandbox_cancel(self->sandbox);
}

static PyObject *sandbox_cancel(SandboxObject *self, PyObject *unused) {
    (void)unused;
    request_cancel(self);
    Py_RETURN_NONE;
}

/* _cancel_ticket(ticket): cancels the execution of that ticket if it runs
 * (the caller has marked the ticket, for one that has not started). */
static PyObject *sandbox_cancel_ticket(SandboxObject *self, PyObject *ticket) {
    if (self->exec != NULL && self->exec->ticket == ticket) request_cancel(self);
    Py_RETURN_NONE;
}

/* ======================================================================
 * Types
 * ====================================================================== */

static PyMethodDef sandbox_methods[] = {
    {"execute", METH(sandbox_execute), METH_VARARGS | METH_KEYWORDS,
     "execute(code, *, timeout=None, trace=None, interactive=False) -> ExecuteResult\n\n"
     "Runs Python source `code` (str, or UTF-8 bytes) in the sandbox, with the GIL\n"
     "released while the guest runs. Top-level `await` is allowed; a global named\n"
     "`result` comes back as result.result. A Sandbox starts every execution from a\n"
     "fresh interpreter; a Session keeps its state.\n\n"
     "timeout: a time limit for this execution in seconds instead of the sandbox's.\n"
     "trace: True or False turns tracing on or off for this execution (True collects\n"
     "events into result.trace when the sandbox has no trace handler).\n"
     "interactive: print the value of each expression statement, as the prompt does.\n\n"
     "Returns an ExecuteResult when the code ran to its end (sys.exit included: see\n"
     "exit_code). Raises ExecutionError (an uncaught exception), TimeoutError,\n"
     "MemoryLimitError, OutputLimitError, CancelledError or SandboxError otherwise,\n"
     "with the ExecuteResult as .result; BusyError when the sandbox is in use; and\n"
     "unchanged any exception that a handler raised (which stops the execution).\n"
     "Ctrl-C (SIGINT) on the main thread cancels the execution and raises\n"
     "KeyboardInterrupt. Async callbacks run on eryx's own event loop thread."},
    {"execute_async", METH(sandbox_execute_async), METH_VARARGS | METH_KEYWORDS,
     "execute_async(code, *, timeout=None, trace=None, interactive=False)\n"
     "    -> Awaitable[ExecuteResult]\n\n"
     "execute() for asyncio: the guest runs on a worker thread while the event loop\n"
     "goes on. Async callbacks run on the caller's event loop, so callbacks that the\n"
     "guest gathers run concurrently there; sync callbacks and handlers run on the\n"
     "worker thread. Cancelling the awaiting task cancels the execution: the task ends\n"
     "with asyncio.CancelledError once the execution has stopped."},
    {"_run", METH(sandbox_run), METH_VARARGS, "Internal: execute_async's worker part."},
    {"_cancel_ticket", METH(sandbox_cancel_ticket), METH_O,
     "Internal: cancels execute_async's execution."},
    {"cancel", METH(sandbox_cancel), METH_NOARGS,
     "cancel() -> None\n\nCancels the execution running in the sandbox, from any thread (or a\n"
     "handler or callback): it stops promptly and raises CancelledError. With nothing\n"
     "running it does nothing."},
    {"callback", METH(sandbox_callback), METH_VARARGS | METH_KEYWORDS,
     "callback(function=None, *, name=None, description=None, schema=None)\n\n"
     "Registers a host callback, as a decorator (@sandbox.callback or\n"
     "@sandbox.callback(name='http.get')) or called with the function. See\n"
     "eryx.Callback for names, descriptions and schemas. A session's callbacks must be\n"
     "registered before it runs code. Returns the function."},
    {"read_file", METH(sandbox_read_file), METH_O,
     "read_file(path) -> bytes\n\nThe content of a file of the sandbox's in-memory files (an\n"
     "absolute path, e.g. /data/out.csv), as the last execution left it.\n"
     "FileNotFoundError when there is none; ValueError for a directory, a relative path\n"
     "or a path under /lib, a volume or a package. BusyError while an execution runs."},
    {"write_file", METH(sandbox_write_file), METH_VARARGS,
     "write_file(path, data) -> None\n\nWrites a file (bytes, or str as UTF-8) into the\n"
     "in-memory files, making parent directories; an existing file is replaced. In a\n"
     "stateless sandbox every later execution starts with it. OSError(ENOSPC) past the\n"
     "quota; errors otherwise as read_file."},
    {"list_dir", METH(sandbox_list_dir), METH_VARARGS,
     "list_dir(path='/data') -> list[dict]\n\nThe entries of a directory of the in-memory\n"
     "files, sorted by name: {'name': 'a.csv', 'type': 'file', 'size': 12}; type is\n"
     "'file', 'dir' or 'symlink'. Errors as read_file."},
    {"remove_file", METH(sandbox_remove_file), METH_O,
     "remove_file(path) -> None\n\nRemoves a file, a symbolic link or an empty directory of\n"
     "the in-memory files. Errors as read_file (ValueError for a non-empty directory)."},
    {"close", METH(sandbox_close), METH_NOARGS,
     "close() -> None\n\nFrees the sandbox now rather than when it is garbage-collected. Using\n"
     "it afterwards raises eryx.Error. BusyError while it runs."},
    {"__enter__", METH(sandbox_enter), METH_NOARGS, "Returns the sandbox."},
    {"__exit__", METH(sandbox_exit), METH_VARARGS, "Closes the sandbox."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef sandbox_getset[] = {
    {"closed", (getter)sandbox_get_closed, NULL, "True once close() was called.", NULL},
    {"callbacks", (getter)sandbox_get_callbacks, NULL,
     "The registered callbacks, a tuple of eryx.Callback.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject SandboxType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "eryx.Sandbox",
    .tp_basicsize = sizeof(SandboxObject),
    .tp_dealloc = (destructor)sandbox_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "Sandbox(**options)\n\n"
              "Runs untrusted Python 3.11 in a sandbox that reaches no host files, network,\n"
              "environment or processes. Each execution starts from a fresh interpreter.\n"
              "One sandbox runs one execution at a time; sandboxes on different threads run\n"
              "in parallel.\n\n" SANDBOX_OPTIONS_DOC,
    .tp_traverse = (traverseproc)sandbox_traverse,
    .tp_clear = (inquiry)sandbox_clear,
    .tp_weaklistoffset = offsetof(SandboxObject, weakrefs),
    .tp_methods = sandbox_methods,
    .tp_getset = sandbox_getset,
    .tp_init = (initproc)sandbox_init,
    .tp_new = PyType_GenericNew,
};

int sandbox_types_init(PyObject *module) {
    PyObject *get_ident = helper_function("threading", "main_thread");
    PyObject *main = get_ident != NULL ? PyObject_CallNoArgs(get_ident) : NULL;
    PyObject *ident = main != NULL ? PyObject_GetAttrString(main, "ident") : NULL;
    Py_XDECREF(get_ident);
    Py_XDECREF(main);
    if (ident == NULL) return -1;
    main_thread_ident = PyLong_AsUnsignedLong(ident);
    Py_DECREF(ident);
    if (PyErr_Occurred()) return -1;
    if (PyType_Ready(&SandboxType) < 0 ||
        PyModule_AddObjectRef(module, "Sandbox", (PyObject *)&SandboxType) < 0)
        return -1;
    return session_type_init(module);
}
