/*
 * handlers.c - the library's output, trace and callback handlers, which
 * call into Python, and _Call, an invocation that an async callback
 * completes later (see eryxpy.h).
 *
 * The library calls each handler on the thread running the execution,
 * which released the GIL: the handler takes it back (exec_ctx.tstate),
 * calls Python and releases it again. An exception in an output or trace
 * handler (or a BaseException such as KeyboardInterrupt in a callback)
 * stops the execution and propagates from execute(); an Exception in a
 * callback becomes CallbackError in the guest.
 */
#include "eryxpy.h"

/* Takes the GIL back for a handler of the running execution. */
static exec_ctx *enter(SandboxObject *self) {
    exec_ctx *ctx = self->exec;
    PyEval_RestoreThread(ctx->tstate);
    return ctx;
}

static void leave(exec_ctx *ctx) {
    ctx->tstate = PyEval_SaveThread();
}

/* Calls handler(arg) and drops arg; a failure stops the execution. */
static void call_handler(SandboxObject *self, PyObject *handler, PyObject *arg) {
    PyObject *ret = arg != NULL ? PyObject_CallOneArg(handler, arg) : NULL;
    if (ret == NULL) exec_handler_failed(self);
    Py_XDECREF(ret);
    Py_XDECREF(arg);
}

void on_output(void *userdata, eryx_stream stream, const char *data, size_t len) {
    SandboxObject *self = userdata;
    /* Fixed while the execution runs, and only this thread changes err_type:
     * both can be read without the GIL. */
    PyObject *handler = stream == ERYX_STDERR ? self->on_stderr : self->on_stdout;
    if (handler == NULL || self->exec->err_type != NULL) return;
    exec_ctx *ctx = enter(self);
    call_handler(self, handler, text_from_output(data, len));
    leave(ctx);
}

void on_trace(void *userdata, const eryx_trace_event *event) {
    SandboxObject *self = userdata;
    if (self->exec->err_type != NULL) return;
    exec_ctx *ctx = enter(self);
    call_handler(self, self->trace_handler, trace_event_new(event));
    leave(ctx);
}

eryx_trace_action on_trace_step(void *userdata, const eryx_trace_event *events, size_t count) {
    SandboxObject *self = userdata;
    for (size_t i = 0; i < count && self->exec->err_type == NULL; i++) {
        exec_ctx *ctx = enter(self);
        call_handler(self, self->trace_handler, trace_event_new(&events[i]));
        leave(ctx);
    }
    return self->exec->err_type != NULL ? ERYX_TRACE_STOP : ERYX_TRACE_CONTINUE;
}

/* ---- callbacks ---- */

/* "ValueError: message" for the exception being raised, which is cleared.
 * A new str, or NULL when even that fails. */
static PyObject *exception_message(void) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject *name = type != NULL ? PyType_GetName((PyTypeObject *)type) : NULL;
    PyObject *text = value != NULL ? PyObject_Str(value) : NULL;
    PyErr_Clear();
    PyObject *message = NULL;
    if (name != NULL && text != NULL && PyUnicode_GET_LENGTH(text) > 0)
        message = PyUnicode_FromFormat("%U: %U", name, text);
    else if (name != NULL)
        message = Py_NewRef(name);
    PyErr_Clear();
    Py_XDECREF(name);
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return message;
}

/* Fails `call` with `prefix` and the message of the exception being
 * raised (cleared). */
static void fail_with_exception(eryx_call *call, const char *prefix) {
    PyObject *message = exception_message();
    const char *text = message != NULL ? PyUnicode_AsUTF8(message) : NULL;
    if (text == NULL) PyErr_Clear();
    char *full = NULL;
    if (prefix != NULL && text != NULL && asprintf(&full, "%s%s", prefix, text) < 0) full = NULL;
    eryx_call_fail(call, full != NULL ? full : text != NULL ? text : "callback failed");
    free(full);
    Py_XDECREF(message);
}

/* Completes `call` with the JSON of `value`; a value that is not JSON
 * fails it with a message that says so. */
static void complete_with(eryx_call *call, const char *name, PyObject *value) {
    char *json = python_to_json(value);
    if (json == NULL) {
        char prefix[300];
        snprintf(prefix, sizeof prefix, "callback '%s' returned a value that is not JSON: ", name);
        fail_with_exception(call, prefix);
        return;
    }
    eryx_call_complete(call, json);
    free(json);
}

/* _Call: an invocation handed to Python, completed once. */
typedef struct {
    PyObject_HEAD eryx_call *call; /* NULL once completed */
    char *name;
} CallObject;

static CallObject *call_new(eryx_call *call, const char *name) {
    CallObject *c = PyObject_New(CallObject, &CallType);
    if (c == NULL) return NULL;
    c->call = call;
    c->name = strdup(name);
    if (c->name == NULL) {
        c->call = NULL;
        Py_DECREF(c);
        PyErr_NoMemory();
        return NULL;
    }
    return c;
}

static void call_dealloc(CallObject *c) {
    /* Nobody completed it (the loop went away): the guest must not wait. */
    if (c->call != NULL) eryx_call_fail(c->call, "the callback was abandoned by the host");
    free(c->name);
    PyObject_Free(c);
}

static PyObject *call_complete(CallObject *c, PyObject *value) {
    eryx_call *call = c->call;
    c->call = NULL;
    if (call != NULL) complete_with(call, c->name, value);
    Py_RETURN_NONE;
}

static PyObject *call_fail(CallObject *c, PyObject *message) {
    const char *text = PyUnicode_AsUTF8(message);
    if (text == NULL) return NULL;
    eryx_call *call = c->call;
    c->call = NULL;
    if (call != NULL) eryx_call_fail(call, text);
    Py_RETURN_NONE;
}

static PyObject *call_fail_with(CallObject *c, PyObject *exc) {
    eryx_call *call = c->call;
    c->call = NULL;
    if (call != NULL) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        fail_with_exception(call, NULL);
    }
    Py_RETURN_NONE;
}

static PyObject *call_get_name(CallObject *c, void *closure) {
    (void)closure;
    return PyUnicode_FromString(c->name);
}

static PyMethodDef call_methods[] = {
    {"complete", (PyCFunction)call_complete, METH_O,
     "complete(value) -> None\n\nCompletes the invocation with value as JSON (a value that is "
     "not JSON fails it).\nDoes nothing once completed."},
    {"fail", (PyCFunction)call_fail, METH_O,
     "fail(message) -> None\n\nFails the invocation: the guest raises CallbackError(message)."},
    {"fail_with", (PyCFunction)call_fail_with, METH_O,
     "fail_with(exception) -> None\n\nFails the invocation with 'Type: message' of exception."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef call_getset[] = {
    {"name", (getter)call_get_name, NULL, "The callback's name.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject CallType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "eryx._eryx._Call",
    .tp_basicsize = sizeof(CallObject),
    .tp_dealloc = (destructor)call_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One invocation of a host callback by the guest, completed once (internal).",
    .tp_methods = call_methods,
    .tp_getset = call_getset,
};

/* Hands an awaitable callback result to the execution's dispatcher
 * (eryx._aio.Dispatch), which runs it on the event loop and completes the
 * call. */
static void dispatch(exec_ctx *ctx, eryx_call *call, const char *name, PyObject *awaitable) {
    if (ctx->dispatch == NULL) {
        PyObject *make = helper_function("eryx._aio", "Dispatch");
        ctx->dispatch = make != NULL
                            ? PyObject_CallOneArg(make, ctx->loop != NULL ? ctx->loop : Py_None)
                            : NULL;
        Py_XDECREF(make);
        if (ctx->dispatch == NULL) {
            fail_with_exception(call, "cannot run the async callback: ");
            return;
        }
    }
    CallObject *c = call_new(call, name);
    if (c == NULL) {
        fail_with_exception(call, "cannot run the async callback: ");
        return;
    }
    PyObject *ret = PyObject_CallMethod(ctx->dispatch, "start", "OO", awaitable, (PyObject *)c);
    if (ret == NULL) {
        eryx_call *pending = c->call;
        c->call = NULL;
        if (pending != NULL) fail_with_exception(pending, "cannot run the async callback: ");
        PyErr_Clear();
    }
    Py_XDECREF(ret);
    Py_DECREF(c);
}

void exec_ctx_finish_dispatch(exec_ctx *ctx) {
    if (ctx->dispatch == NULL) return;
    PyObject *ret = PyObject_CallMethod(ctx->dispatch, "finish", NULL);
    if (ret == NULL) PyErr_WriteUnraisable(ctx->dispatch);
    Py_XDECREF(ret);
    Py_CLEAR(ctx->dispatch);
}

void on_callback(void *userdata, eryx_call *call, const char *args_json) {
    callback_entry *entry = userdata;
    SandboxObject *self = entry->owner;
    exec_ctx *ctx = enter(self);
    PyObject *kwargs = NULL, *ret = NULL;
    if (ctx->err_type != NULL) {
        eryx_call_fail(call, "the execution is stopping");
        goto done;
    }
    kwargs = json_to_python(args_json, strlen(args_json));
    if (kwargs == NULL || !PyDict_Check(kwargs)) {
        PyErr_Clear();
        eryx_call_fail(call, "the arguments are not a JSON object");
        goto done;
    }
    static PyObject *no_args;
    if (no_args == NULL && (no_args = PyTuple_New(0)) == NULL) {
        fail_with_exception(call, NULL);
        goto done;
    }
    ret = PyObject_Call(entry->function, no_args, kwargs);
    if (ret == NULL) {
        /* KeyboardInterrupt, SystemExit: the host's, not the guest's. */
        if (!PyErr_ExceptionMatches(PyExc_Exception)) {
            eryx_call_fail(call, "the host was interrupted");
            exec_handler_failed(self);
        } else {
            fail_with_exception(call, NULL);
        }
    } else if (Py_TYPE(ret)->tp_as_async != NULL && Py_TYPE(ret)->tp_as_async->am_await != NULL) {
        dispatch(ctx, call, entry->name, ret);
    } else {
        complete_with(call, entry->name, ret);
    }
done:
    Py_XDECREF(kwargs);
    Py_XDECREF(ret);
    leave(ctx);
}
