/*
 * session.c - eryx.Session: a Sandbox that keeps its state, with reset,
 * snapshot and restore (see eryxpy.h). Session.restore is one name for two
 * methods: on the class it makes a session from a snapshot, on an instance
 * it replaces that session's state.
 */
#include "eryxpy.h"

static PyObject *session_reset(SandboxObject *self, PyObject *unused) {
    (void)unused;
    if (!ready(self)) return NULL;
    eryx_status st = eryx_sandbox_reset(self->sandbox);
    if (st != ERYX_OK) return status_error(st, "cannot reset");
    Py_RETURN_NONE;
}

static PyObject *session_snapshot(SandboxObject *self, PyObject *unused) {
    (void)unused;
    if (!ready(self)) return NULL;
    void *blob = NULL;
    size_t len = 0;
    self->in_use = true;
    PyThreadState *ts = PyEval_SaveThread();
    eryx_status st = eryx_sandbox_snapshot(self->sandbox, &blob, &len);
    PyEval_RestoreThread(ts);
    self->in_use = false;
    if (st != ERYX_OK) return status_error(st, "cannot take a snapshot");
    PyObject *bytes = PyBytes_FromStringAndSize(blob, (Py_ssize_t)len);
    eryx_free(blob);
    return bytes;
}

/* Replaces the state of `self` with a snapshot; returns self. */
static PyObject *restore_into(SandboxObject *self, PyObject *snapshot) {
    if (!ready(self)) return NULL;
    Py_buffer view;
    if (PyObject_GetBuffer(snapshot, &view, PyBUF_SIMPLE) != 0) return NULL;
    char why[512] = "";
    self->in_use = true;
    PyThreadState *ts = PyEval_SaveThread();
    eryx_status st =
        eryx_sandbox_restore(self->sandbox, view.buf, (size_t)view.len, why, sizeof why);
    PyEval_RestoreThread(ts);
    self->in_use = false;
    PyBuffer_Release(&view);
    if (st == ERYX_EINVAL && why[0] != '\0') {
        PyErr_Format(PyExc_ValueError, "cannot restore the snapshot: %s", why);
        return NULL;
    }
    if (st != ERYX_OK) return status_error(st, "cannot restore the snapshot");
    self->ran = true;
    return Py_NewRef(self);
}

/* session.restore(snapshot): bound to an instance. */
static PyObject *restore_on_instance(PyObject *unused, PyObject *const *args, Py_ssize_t nargs) {
    (void)unused;
    if (nargs != 2 || !PyObject_TypeCheck(args[0], &SessionType)) {
        PyErr_SetString(PyExc_TypeError, "session.restore() takes one argument, the snapshot");
        return NULL;
    }
    return restore_into((SandboxObject *)args[0], args[1]);
}

/* Session.restore(snapshot, **options): bound to the class. */
static PyObject *restore_on_class(PyObject *unused, PyObject *args, PyObject *kwargs) {
    (void)unused;
    PyObject *cls, *snapshot;
    if (!PyArg_ParseTuple(args, "OO:restore", &cls, &snapshot)) return NULL;
    PyObject *no_args = PyTuple_New(0);
    PyObject *session = no_args != NULL ? PyObject_Call(cls, no_args, kwargs) : NULL;
    Py_XDECREF(no_args);
    if (session == NULL) return NULL;
    if (!PyObject_TypeCheck(session, &SessionType)) {
        PyErr_SetString(PyExc_TypeError, "Session.restore() makes sessions only");
        Py_DECREF(session);
        return NULL;
    }
    PyObject *done = restore_into((SandboxObject *)session, snapshot);
    Py_DECREF(session);
    return done;
}

static PyMethodDef restore_instance_def = {
    "restore", METH(restore_on_instance), METH_FASTCALL,
    "restore(snapshot) -> Session\n\nReplaces this session's state with a snapshot and returns "
    "the session."};
static PyMethodDef restore_class_def = {
    "restore", METH(restore_on_class), METH_VARARGS | METH_KEYWORDS,
    "restore(snapshot, **options) -> Session\n\nA new session with these options, in the state "
    "of a snapshot."};

/* Session.restore: a method of the class (a new session from a snapshot)
 * and of instances (replace this session's state), one name for both. */
typedef struct {
    PyObject_HEAD PyObject *on_class, *on_instance;
} RestoreDescriptor;

static PyObject *restore_descr_get(RestoreDescriptor *d, PyObject *obj, PyObject *type) {
    if (obj == NULL || obj == Py_None) return PyMethod_New(d->on_class, type);
    return PyMethod_New(d->on_instance, obj);
}

static void restore_descr_dealloc(RestoreDescriptor *d) {
    Py_XDECREF(d->on_class);
    Py_XDECREF(d->on_instance);
    PyObject_Free(d);
}

static PyTypeObject RestoreDescriptorType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "eryx._eryx._RestoreDescriptor",
    .tp_basicsize = sizeof(RestoreDescriptor),
    .tp_dealloc = (destructor)restore_descr_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_descr_get = (descrgetfunc)restore_descr_get,
    .tp_doc = "Session.restore(snapshot, **options) -> Session: a new session with these options,\n"
              "in the state of a snapshot. session.restore(snapshot) -> Session: replaces this\n"
              "session's state with it. ValueError for a snapshot of another build, or damaged.",
};

static PyMethodDef session_methods[] = {
    {"reset", METH(session_reset), METH_NOARGS,
     "reset() -> None\n\nReturns the session to a fresh interpreter state."},
    {"snapshot", METH(session_snapshot), METH_NOARGS,
     "snapshot() -> bytes\n\nThe whole interpreter state of the session (what pickle cannot\n"
     "save too: lambdas, generators, closures), for Session.restore in this or another\n"
     "process running the same eryx build."},
    {NULL, NULL, 0, NULL},
};

PyTypeObject SessionType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "eryx.Session",
    .tp_basicsize = sizeof(SandboxObject),
    /* Garbage collection (flag, traverse, clear) is inherited from Sandbox. */
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Session(**options)\n\n"
              "A sandbox that keeps its state (globals, functions, imported modules) from one\n"
              "execution to the next, like a Python prompt. An execution that raises leaves\n"
              "the state as the exception left it; a timeout, the memory or output limit and\n"
              "cancellation reset it (result.session_reset).\n\n"
              "Session.restore(snapshot, **options) makes a session in the state of a\n"
              "snapshot; session.restore(snapshot) replaces this one's state. Both return the\n"
              "session; a snapshot of another build, or damaged, raises "
              "ValueError.\n\n" SANDBOX_OPTIONS_DOC,
    .tp_methods = session_methods,
    .tp_base = &SandboxType,
};

int session_type_init(PyObject *module) {
    if (PyType_Ready(&SessionType) < 0 || PyType_Ready(&RestoreDescriptorType) < 0) return -1;
    RestoreDescriptor *d = PyObject_New(RestoreDescriptor, &RestoreDescriptorType);
    if (d == NULL) return -1;
    d->on_class = PyCFunction_New(&restore_class_def, NULL);
    d->on_instance = PyCFunction_New(&restore_instance_def, NULL);
    int rc = d->on_class != NULL && d->on_instance != NULL
                 ? PyDict_SetItemString(SessionType.tp_dict, "restore", (PyObject *)d)
                 : -1;
    Py_DECREF(d);
    if (rc != 0) return -1;
    PyType_Modified(&SessionType);
    return PyModule_AddObjectRef(module, "Session", (PyObject *)&SessionType);
}
