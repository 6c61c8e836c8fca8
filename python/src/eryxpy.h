/*
 * eryxpy.h - what the files of the CPython extension module eryx._eryx
 * share: the sandbox object, the state of a running execution, the result
 * and trace event types, exceptions, JSON conversion and cancellation.
 *
 *   module.c     module init, exceptions, helpers imported from Python
 *   sandbox.c    Sandbox: options, callbacks, lifecycle, execute, cancel
 *   session.c    Session: reset, snapshot, restore
 *   files.c      filesystem options (files, volumes, packages, snapshot as a
 *                template) and the file methods
 *   handlers.c   output, trace and callback handlers (C -> Python), _Call
 *   result.c     ExecuteResult, TraceEvent, Stats, and the exception of a result
 *   pyjson.c     JSON text <-> Python objects
 *   canceller.c  cancellation that cannot be lost, and Ctrl-C
 *
 * Threading: every Python object here is touched with the GIL held. An
 * execution releases the GIL while the guest runs; the library calls the
 * handlers on that same thread, which take the GIL back for the Python
 * code and release it again (exec_ctx.tstate).
 */
#ifndef ERYXPY_H
#define ERYXPY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdbool.h>

#include "eryx.h"

/* Casts a method implementation for PyMethodDef without
 * -Wcast-function-type complaining. */
#define METH(fn) ((PyCFunction)(void (*)(void))(fn))

/* ---- module state (module.c) ---- */

/* Exception types, created at module init (all derive from Error). */
extern PyObject *ErrorType, *ExecutionErrorType, *TimeoutErrorType, *MemoryLimitErrorType,
    *OutputLimitErrorType, *CancelledErrorType, *SandboxErrorType, *BusyErrorType;

/* A function of the pure-Python helper modules (eryx._callbacks,
 * eryx._aio), imported on first use: "module.name". New reference or
 * NULL with an exception. */
PyObject *helper_function(const char *module, const char *name);

/* ---- sandbox (sandbox.c) ---- */

struct canceller_slot;

/* The state of one running execution, on the stack of execute. */
typedef struct exec_ctx {
    PyThreadState *tstate; /* saved while the guest runs without the GIL */
    PyObject *loop;        /* event loop for async callbacks; NULL: the background one */
    PyObject *ticket;      /* execute_async's cancellation ticket, or NULL */
    PyObject *dispatch;    /* eryx._aio.Dispatch, made for the first async callback */
    PyObject *err_type, *err_value, *err_tb; /* first exception raised by a handler */
    struct canceller_slot *cancel;           /* how to cancel this execution */
} exec_ctx;

/* One registered callback: the userdata of its eryx callback. */
typedef struct callback_entry {
    struct SandboxObject *owner; /* borrowed: the entry lives as long as the owner */
    PyObject *function;          /* called with the guest's keyword arguments */
    char *name;
} callback_entry;

typedef struct SandboxObject {
    PyObject_HEAD eryx_config *config; /* every option applied, callbacks included */
    eryx_sandbox *sandbox;             /* NULL after close() */
    bool session;
    bool in_use; /* an execution or a state operation runs (changed under the GIL) */
    bool ran;    /* a session ran code: its state would be lost by re-creation */
    PyObject *on_stdout, *on_stderr, *trace_handler;
    bool trace_collect;
    bool trace_step; /* the handler sees each event before the guest goes on */
    callback_entry **callbacks;
    size_t ncallbacks;
    PyObject *callback_objects; /* list of eryx.Callback, as registered */
    exec_ctx *exec;             /* the running execution, NULL when none */
    /* Filesystem options until files_options_finish applies them: */
    bool fs_limits_set;
    uint64_t fs_bytes, fs_entries;
    uint32_t fs_fds;
    PyObject *pending_snapshot, *pending_key, *pending_files;
    PyObject *weakrefs;
} SandboxObject;

extern PyTypeObject SandboxType, SessionType;

/* Adds Sandbox and Session to the module. -1 on error. */
int sandbox_types_init(PyObject *module);

/* Adds Session (and Session.restore); called by sandbox_types_init
 * (session.c). -1 on error. */
int session_type_init(PyObject *module);

/* Whether the sandbox can start an operation now; raises eryx.Error when
 * it is closed, BusyError when it is in use. */
bool ready(SandboxObject *self);

/* A whole non-negative number from the option `value` into *out: 0, or -1
 * with TypeError (not an int) or ValueError (negative, too large). */
int count_arg(const char *name, PyObject *value, unsigned long long *out);

/* Raises for a status other than ERYX_OK (`what` says what failed);
 * returns NULL. */
PyObject *status_error(eryx_status st, const char *what);

/* The options of the constructors, for their docstrings. */
#define SANDBOX_OPTIONS_DOC                                                                        \
    "Options (keyword-only; None means the default):\n"                                            \
    "  timeout           wall-clock limit per execution in seconds (default 30, 0: none)\n"        \
    "  memory_limit      guest memory limit in bytes, 32 MiB to 4 GiB (default 256 MiB)\n"         \
    "  output_limit      cap on stdout plus stderr per execution, bytes (default 16 MiB)\n"        \
    "  callbacks         host functions the code may await: a list of functions or\n"              \
    "                    eryx.Callback objects, or a dict {name: function}\n"                      \
    "  callback_timeout  time limit per callback invocation, seconds (default 10, 0: none)\n"      \
    "  max_callbacks     most callback invocations per execution (default 1000)\n"                 \
    "  on_stdout         called with each chunk (str) of stdout as the code writes it\n"           \
    "  on_stderr         the same for stderr\n"                                                    \
    "  trace             True: collect trace events into result.trace; a function:\n"              \
    "                    called with each TraceEvent as it happens\n"                              \
    "  trace_step        True: the trace function is called before the guest goes on\n"            \
    "                    (a line event before its line runs), so it may block to pause\n"          \
    "                    the code there, or raise to stop it; the time it takes does not\n"        \
    "                    count against the timeout; about 10x slower than buffered events\n"       \
    "  files             {guest_path: bytes or str}: files every execution starts with\n"          \
    "                    (absolute paths, e.g. /data/in.csv; /data is the working dir)\n"          \
    "  fs_limit          bytes the in-memory files may hold (default 64 MiB, 0: none)\n"           \
    "  fs_max_files      files, directories and links there (default 10000, 0: none)\n"            \
    "  fs_max_fds        descriptors the code may have open, 1 to 1024 (default 1024)\n"           \
    "  volumes           host directories to mount: [(host_dir, guest_dir[, read_only])],\n"       \
    "                    confined by the kernel (no path leaves host_dir)\n"                       \
    "  volume_write_budget  bytes an execution may write to volumes (default 0: no limit)\n"       \
    "  packages          Python packages on sys.path: [path] of package directories,\n"            \
    "                    site-packages-like trees, .whl or .zip files (read-only)\n"               \
    "  snapshot          bytes of Session.snapshot(): every execution (a session: its\n"           \
    "                    start and every reset) starts from that state; give the same\n"           \
    "                    packages, in the same order, as the session that took it\n"               \
    "  snapshot_key      1 to 64 bytes: snapshots are signed with it (HMAC-SHA-256), and\n"        \
    "                    snapshot= and restore() refuse blobs without a valid signature\n"         \
    "Output is captured in the result whether or not handlers are set."

/* ---- filesystem (files.c) ---- */

/* The constructor's filesystem options, as in sandbox.c's option table.
 * Each returns 0 or -1 with an exception. */
int opt_volumes(SandboxObject *self, const char *name, PyObject *value);
int opt_packages(SandboxObject *self, const char *name, PyObject *value);
int opt_files(SandboxObject *self, const char *name, PyObject *value);
int opt_fs_limit(SandboxObject *self, const char *name, PyObject *value);
int opt_fs_max_files(SandboxObject *self, const char *name, PyObject *value);
int opt_fs_max_fds(SandboxObject *self, const char *name, PyObject *value);
int opt_volume_write_budget(SandboxObject *self, const char *name, PyObject *value);
int opt_snapshot(SandboxObject *self, const char *name, PyObject *value);
int opt_snapshot_key(SandboxObject *self, const char *name, PyObject *value);

/* Applies what those options kept, in the order the library needs: fs
 * limits, snapshot key, snapshot, files. Call after every option and
 * before creating the sandbox. 0 or -1 with an exception. */
int files_options_finish(SandboxObject *self);

/* The file methods: read_file(path) -> bytes, write_file(path, data),
 * list_dir(path="/data") -> list of dicts, remove_file(path). */
PyObject *sandbox_read_file(SandboxObject *self, PyObject *path);
PyObject *sandbox_write_file(SandboxObject *self, PyObject *args);
PyObject *sandbox_list_dir(SandboxObject *self, PyObject *args);
PyObject *sandbox_remove_file(SandboxObject *self, PyObject *path);

/* Records the exception being raised in a handler as the execution's
 * outcome (the first one wins) and cancels the execution. GIL held. */
void exec_handler_failed(SandboxObject *self);

/* ---- handlers (handlers.c) ---- */

void on_output(void *userdata, eryx_stream stream, const char *data, size_t len);
void on_trace(void *userdata, const eryx_trace_event *event);
/* The step-mode handler (eryx_trace_burst_fn, one event at a time): stops
 * the guest once a handler has raised. */
eryx_trace_action on_trace_step(void *userdata, const eryx_trace_event *events, size_t count);
void on_callback(void *userdata, eryx_call *call, const char *args_json);

extern PyTypeObject CallType;

/* After an execution: stops its async callbacks that still run. GIL held. */
void exec_ctx_finish_dispatch(exec_ctx *ctx);

/* ---- results (result.c) ---- */

extern PyTypeObject ExecuteResultType, TraceEventType, StatsType;

/* Makes the result and trace types ready. -1 on error. */
int result_types_init(PyObject *module);

/* A TraceEvent object for one event. New reference or NULL. */
PyObject *trace_event_new(const eryx_trace_event *event);

/* The ExecuteResult of `r`; when the run ended in an error, sets the
 * matching exception (with the result as its .result) and returns NULL. */
PyObject *result_or_raise(const eryx_result *r);

/* str from UTF-8 output; invalid bytes become U+FFFD. */
PyObject *text_from_output(const char *data, size_t len);

/* ---- JSON (pyjson.c) ---- */

/* The Python value of a JSON text (dict, list, str, int, float, bool,
 * None), as json.loads makes it. NULL with ValueError when it is not JSON. */
PyObject *json_to_python(const char *text, size_t len);

/* The JSON text of a Python value, as json.dumps(allow_nan=False,
 * ensure_ascii=False) writes it, in memory freed with free(). NULL with
 * TypeError or ValueError when the value is not JSON (a set, a float NaN,
 * a cycle, a str with lone surrogates). */
char *python_to_json(PyObject *value);

/* ---- cancellation (canceller.c) ---- */

/* Sets up what fork() needs; once, at module init. -1 on error. */
int canceller_init(void);

/* Begins tracking the execution about to run in `sandbox`: cancellations
 * requested from now until canceller_end are repeated until the execution
 * ends, so that one landing before the interpreter starts is not lost.
 * With `catch_sigint`, a SIGINT until then cancels it too (the previous
 * handler still runs: Python raises KeyboardInterrupt afterwards). Returns
 * NULL when out of memory (the execution then runs, uncancellable by
 * these means). */
struct canceller_slot *canceller_begin(eryx_sandbox *sandbox, bool catch_sigint);

/* Asks for the execution to be cancelled. Any thread; no GIL needed. */
void canceller_request(struct canceller_slot *slot);

/* Ends tracking and frees the slot; returns whether a SIGINT came in.
 * NULL does nothing. */
bool canceller_end(struct canceller_slot *slot);

#endif
