/*
 * eryx.h - run untrusted Python in a sandbox.
 *
 * eryx embeds the real CPython 3.11 interpreter and standard library,
 * compiled to WebAssembly and translated to C. Guest code can reach nothing
 * but its own memory, a read-only standard library and the capture buffers for
 * its output: no host files, environment, sockets or processes.
 *
 * Conventions, everywhere in this header:
 *  - Objects are opaque handles. Whoever creates one frees it with the
 *    matching _free function; _free(NULL) does nothing.
 *  - Functions that can fail return an eryx_status; ERYX_OK is 0. They never
 *    abort the process, whatever the input.
 *  - Strings passed in are copied; the caller keeps ownership. Strings
 *    returned by accessors belong to the object and live as long as it does.
 *  - Text from the guest (output, messages, JSON) is UTF-8. Output is passed
 *    through as the guest wrote it; JSON text produced by eryx is always valid
 *    UTF-8 (invalid sequences become U+FFFD).
 *  - There is no global state: any number of sandboxes may exist at once and
 *    run on different threads at the same time. One sandbox runs one
 *    execution at a time.
 *  - The guest is untrusted. Everything it sends the host is checked and
 *    bounded (see "Bounds" below), and nothing it does can crash the host
 *    or make eryx report something else than what happened, on any thread
 *    with at least ERYX_STACK_MIN bytes of stack left.
 */
#ifndef ERYX_H
#define ERYX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility; what this header declares
 * is its exported interface. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#define ERYX_VERSION "0.1.0"

/* The version of the library, e.g. "0.1.0 (CPython 3.11.2)". Static storage. */
const char *eryx_version(void);

/* ======================================================================
 * Status codes: how an API call went (not how the Python code went; that is
 * in eryx_result).
 * ====================================================================== */

typedef enum eryx_status {
    ERYX_OK = 0,
    ERYX_EINVAL = 1,    /* an argument is invalid (NULL handle, value out of range) */
    ERYX_ENOMEM = 2,    /* the host could not allocate memory */
    ERYX_EBUSY = 3,     /* the sandbox is running an execution on another thread */
    ERYX_EINTERNAL = 4, /* the sandbox could not be started (see the message) */
    ERYX_ENOENT = 5,    /* no such file or directory (the file functions) */
    ERYX_ENOSPC = 6,    /* a filesystem quota is full (the file functions) */
} eryx_status;

/* A short English description of a status. Static storage; never NULL. */
const char *eryx_status_string(eryx_status status);

/* ======================================================================
 * Bounds: what the host holds for the guest is limited. Beyond a bound the
 * guest gets a clear error (or the text is cut, with a marker); the host
 * never grows without limit.
 * ====================================================================== */

/* Native stack. The interpreter runs on the stack of the thread that calls
 * eryx_execute, which needs a stack of at least ERYX_STACK_MIN bytes, of
 * which the code above eryx_execute has used at most 32 KiB. With less left,
 * the execution does not start: it ends at once with ERYX_ERROR_INTERNAL,
 * "the interpreter ran out of stack" (a thread from pthread_create with a
 * small stack size, a deep call chain). The main thread's stack is its
 * RLIMIT_STACK (`ulimit -s`); when that is unlimited, eryx's checks count
 * 8 MiB. Deeply nested guest code may use the stack to its end, but the
 * guest enters host code (eryx's own, and so any handler) only with
 * ERYX_HANDLER_STACK + 64 KiB of it left; with less, the execution ends
 * with that same error, the process unharmed. So output, trace and
 * callback handlers always run with at least ERYX_HANDLER_STACK bytes of
 * stack: a handler that needs more must hand its work to another thread. */
#define ERYX_STACK_MIN     (512u * 1024u)
#define ERYX_HANDLER_STACK (128u * 1024u)

/* The JSON text of `result` (eryx_result_json): at most this many bytes,
 * else eryx_result_result_error says so. */
#define ERYX_RESULT_MAX (64u * 1024u * 1024u)

/* Each text of an error (type, message, traceback, result_error): at most
 * this many bytes; a longer one is cut at a character and ends with
 * " [truncated]". */
#define ERYX_ERROR_TEXT_MAX (1024u * 1024u)

/* The JSON arguments of one callback invocation: at most this many bytes,
 * else the invocation raises CallbackError in Python. */
#define ERYX_CALLBACK_ARGS_MAX (64u * 1024u * 1024u)

/* Callback invocations of one execution in flight at once (started, and
 * their completion not yet taken by the guest): at most this many, else
 * the next one raises CallbackError. Completions waiting to be taken hold
 * at most the memory limit's bytes in all (at most 1 GiB): a result that
 * does not fit reaches the guest as CallbackError, and eryx_call_complete
 * returns ERYX_EINVAL. */
#define ERYX_CALLS_PENDING_MAX 10000u

/* ======================================================================
 * Configuration. Create one, set what differs from the defaults, create any
 * number of sandboxes from it, free it (sandboxes keep their own copy).
 * ====================================================================== */

typedef struct eryx_config eryx_config;

/* A configuration with the defaults: timeout 30 s, memory 256 MiB, output
 * cap 16 MiB. NULL only when the host is out of memory. */
eryx_config *eryx_config_new(void);

/* Frees a configuration. */
void eryx_config_free(eryx_config *config);

/* Wall-clock limit per execution in seconds; fractions allowed. 0 means no
 * limit. ERYX_EINVAL for negative, NaN or values above 10^7 s. A limit is
 * enforced by one watchdog thread per process, started by the first
 * execution that has one; if that thread cannot be created (e.g. the
 * process limit of `ulimit -u`), the execution does not run: it ends with
 * ERYX_ERROR_INTERNAL saying why, and the next one tries again. */
eryx_status eryx_config_set_timeout(eryx_config *config, double seconds);

/* Limit on the guest's linear memory, in bytes, rounded down to 64 KiB
 * pages. The interpreter itself needs about 32 MiB; ERYX_EINVAL below
 * 32 MiB or above 4 GiB. When the guest reaches the limit, allocations fail
 * inside Python (MemoryError); if the interpreter cannot go on, the
 * execution ends with ERYX_ERROR_MEMORY. */
eryx_status eryx_config_set_memory_limit(eryx_config *config, uint64_t bytes);

/* Cap on stdout plus stderr per execution, in bytes (at least 1). Output
 * beyond it is dropped and the execution ends with ERYX_ERROR_OUTPUT. */
eryx_status eryx_config_set_output_limit(eryx_config *config, uint64_t bytes);

/* ---- streaming output ---- */

typedef enum eryx_stream { ERYX_STDOUT = 1, ERYX_STDERR = 2 } eryx_stream;

/* Receives output as the guest produces it, on the thread running
 * eryx_execute, before the execution ends. `data` is host memory (a copy),
 * valid only during the call: a timeout or cancellation while the handler
 * blocks does not touch it, and the execution then ends with that kind. A
 * chunk never ends inside a UTF-8 sequence (an incomplete sequence is
 * held back until it completes or the execution ends); the chunks of a stream
 * joined are exactly its captured output. */
typedef void (*eryx_output_fn)(void *userdata, eryx_stream stream, const char *data, size_t len);

/* Sets (fn NULL: removes) the output handler. Output is still captured in
 * the result as well. */
eryx_status eryx_config_set_output_handler(eryx_config *config, eryx_output_fn fn, void *userdata);

/* ---- host callbacks ---- */

/* One invocation of a callback by the guest. */
typedef struct eryx_call eryx_call;

/* Called on the thread running eryx_execute when guest code awaits the
 * callback. `args_json` is one JSON object of the arguments, checked by the
 * host and laid out on one line as Python's json.dumps does ({"a": 1,
 * "b": [2, 3]}; never a raw newline), at most ERYX_CALLBACK_ARGS_MAX bytes,
 * valid during the call. The handler must complete `call` exactly once with
 * eryx_call_complete or eryx_call_fail: before returning, or later from any
 * thread (for concurrency, start the work and return at once). `call` is a
 * handle, not memory: it stays valid until it is completed or its
 * execution ends (finished, timed out, cancelled, its sandbox freed). */
typedef void (*eryx_callback_fn)(void *userdata, eryx_call *call, const char *args_json);

/* Registers a callback. `name` is a Python identifier or dotted identifiers
 * ("get_time", "http.get"); `description` is free text (may be NULL);
 * `parameters_schema` is a JSON Schema object text (NULL: no parameters)
 * whose "properties" order maps positional arguments. ERYX_EINVAL for a bad
 * name, a name already registered, or a schema that is not a JSON object. */
eryx_status eryx_config_add_callback(eryx_config *config, const char *name, const char *description,
                                     const char *parameters_schema, eryx_callback_fn fn,
                                     void *userdata);

/* Per-invocation time limit in seconds (default 10; 0: none). A callback
 * still running then fails in Python with TimeoutError. */
eryx_status eryx_config_set_callback_timeout(eryx_config *config, double seconds);

/* Most callback invocations per execution (default 1000; 0: no limit but
 * ERYX_CALLS_PENDING_MAX). Beyond it, the invocation raises in Python
 * without reaching the host. */
eryx_status eryx_config_set_max_callbacks(eryx_config *config, uint32_t count);

/* Completes an invocation with a JSON result text (NULL means null).
 * ERYX_EINVAL if result_json is not valid JSON, or the result does not fit
 * in what the host holds for the guest (see ERYX_CALLS_PENDING_MAX): the call
 * is then failed with a message saying so instead. Thread-safe and fast
 * from any thread; after it returns, `call` is gone. A call that is gone
 * (completed already, its execution over, its sandbox freed) or that was
 * never a call gives ERYX_EINVAL and does nothing else. */
eryx_status eryx_call_complete(eryx_call *call, const char *result_json);

/* Fails an invocation: Python raises CallbackError(message). As
 * eryx_call_complete for the rest. */
eryx_status eryx_call_fail(eryx_call *call, const char *message);

/* The callback's name while the call is valid, else NULL. The text stays
 * readable memory, but names another call once the handle is gone. */
const char *eryx_call_name(const eryx_call *call);

/* ---- tracing ---- */

typedef enum eryx_trace_kind {
    ERYX_TRACE_LINE,           /* a new line is about to run: lineno */
    ERYX_TRACE_CALL,           /* a function (or the module) starts or resumes: function */
    ERYX_TRACE_RETURN,         /* a function returns or suspends (yield, await): function */
    ERYX_TRACE_EXCEPTION,      /* an exception is raised: exc_type, exc_message */
    ERYX_TRACE_CALLBACK_START, /* a host callback is invoked: name, args_json, id */
    ERYX_TRACE_CALLBACK_END,   /* it completed: name, duration_ms, error (NULL if none), id */
} eryx_trace_kind;

/* Strings in events (function, exc_type, exc_message, name, error) are at
 * most ERYX_TRACE_TEXT_MAX bytes: a longer one keeps its first bytes (whole
 * UTF-8 sequences) followed by ERYX_TRACE_TEXT_MARK, within the bound.
 * args_json longer than that becomes a JSON string of the arguments' text
 * cut the same way. */
#define ERYX_TRACE_TEXT_MAX  4096
#define ERYX_TRACE_TEXT_MARK "\xE2\x80\xA6[truncated]" /* "…[truncated]" */

/* One trace event. Strings are NULL when they do not apply. */
typedef struct eryx_trace_event {
    eryx_trace_kind kind;
    int lineno; /* the line of "<user>"; for callbacks, the line that awaited it */
    const char *function;
    const char *exc_type, *exc_message;
    const char *name;      /* callbacks: the callback's name */
    const char *args_json; /* callback_start: the arguments, a JSON object */
    const char *error;     /* callback_end: why it failed, NULL if it did not */
    double duration_ms;    /* callback_end: from its start to its completion */
    /* Microseconds since the execution started, monotonic (equal for
     * events closer than the clock's resolution, far below 1 µs). */
    double t_us;
    /* callback_start and callback_end: the invocation, unique within the
     * execution, so that the end of each gathered call pairs with its
     * start. 0 for other events. */
    uint32_t id;
    /* Code running in an asyncio task: the task's number, 1, 2, ... in
     * the order the execution created them (the top-level coroutine of code
     * using top-level await is task 1); 0 outside tasks. callback_start
     * carries the task that awaited the callback. */
    uint32_t task;
} eryx_trace_event;

/* Receives trace events as they happen, on the thread running
 * eryx_execute. The event and its strings are valid during the call. */
typedef void (*eryx_trace_fn)(void *userdata, const eryx_trace_event *event);

/* Tracing of the user's code (only frames of "<user>": no runtime or
 * standard library frames). Events go to `fn` (may be NULL) and, when
 * `collect` is non-zero, into the result (eryx_result_trace_event): at most
 * ERYX_TRACE_COLLECT_MAX events and ERYX_TRACE_COLLECT_BYTES bytes per
 * execution, each event counting sizeof(eryx_trace_event) plus its strings
 * (a function name repeated by many events is stored once); later events
 * still reach fn, and the result says "trace_truncated". With fn NULL and
 * collect 0 tracing is off, the default, and costs nothing: the interpreter
 * then runs exactly as without tracing support. When on, call-heavy user
 * code takes about 2.8 times as long with a handler that returns at once
 * (8 times under a no-op sys.settrace; the time stamp of each event is part
 * of it),
 * and library code called from it about 1.35 times, as library frames are
 * checked but not traced. The guest buffers events: fn is called once per
 * event, in bursts of up to 1024 events, and always before the output,
 * callbacks and end of execution that follow those events. Replaces a
 * handler set with eryx_config_set_trace_bursts. */
#define ERYX_TRACE_COLLECT_MAX   1000000
#define ERYX_TRACE_COLLECT_BYTES (128u * 1024u * 1024u)
eryx_status eryx_config_set_trace(eryx_config *config, eryx_trace_fn fn, void *userdata,
                                  int collect);

/* What a burst handler asks the guest to do next. */
typedef enum eryx_trace_action {
    ERYX_TRACE_CONTINUE = 0, /* go on */
    ERYX_TRACE_PAUSE = 1,    /* wait, inside eryx, for eryx_sandbox_resume */
    ERYX_TRACE_STOP = 2,     /* end the execution: ERYX_ERROR_CANCELLED */
} eryx_trace_action;

/* Receives `count` events (at least 1) at once, on the thread running
 * eryx_execute; they and their strings are valid during the call. Returns
 * what the guest does next; any other value is ERYX_TRACE_CONTINUE. */
typedef eryx_trace_action (*eryx_trace_burst_fn)(void *userdata, const eryx_trace_event *events,
                                                 size_t count);

/* Flags of eryx_config_set_trace_bursts. */
enum {
    /* Events also go into the result, as with eryx_config_set_trace. */
    ERYX_TRACE_COLLECT = 1,
    /* Step-through: fn gets one event at a time, before the guest goes on
     * (a line event before the line runs; callback_start before the
     * callback's handler is called), so it may block, pause or stop the
     * guest at that point. Every event then costs a call into the host:
     * call-heavy code takes about 10 times as long with a C handler that
     * returns at once. */
    ERYX_TRACE_STEP = 2,
    /* The execution's timeout runs on while fn runs and while the guest is
     * paused; without this flag those times do not count against it. */
    ERYX_TRACE_TIMEOUT_RUNS = 4,
    /* A burst's events and their strings stay valid until fn's next call
     * returns (or the sandbox is freed), not only during this call: fn may
     * hand them to another thread that formats or writes them while the
     * guest goes on, as long as that thread is done with them when fn
     * returns next. The library then keeps two sets of buffers. */
    ERYX_TRACE_KEEP_BURST = 8,
};

/* Tracing as with eryx_config_set_trace, but the events reach `fn` a burst
 * at a time: one call per burst, so that a handler that buffers (a file, a
 * socket) writes once per burst, still before the output, callbacks and end
 * of execution that follow. fn NULL with ERYX_TRACE_COLLECT collects only;
 * fn NULL and flags 0 turns tracing off. When fn returns ERYX_TRACE_PAUSE
 * the guest waits until eryx_sandbox_resume is called from another thread,
 * or the execution is cancelled (eryx_sandbox_cancel) or, with
 * ERYX_TRACE_TIMEOUT_RUNS, times out. ERYX_TRACE_STOP ends the execution
 * with ERYX_ERROR_CANCELLED and the message "execution stopped by the
 * trace handler". Without ERYX_TRACE_STEP the guest acts after the whole
 * burst. ERYX_EINVAL for unknown flags or ERYX_TRACE_STEP without fn.
 * Replaces a handler set with eryx_config_set_trace. */
eryx_status eryx_config_set_trace_bursts(eryx_config *config, eryx_trace_burst_fn fn,
                                         void *userdata, unsigned flags);

/* One event as a JSON object on one line (no newline), the format of
 * `eryx run --trace`: {"event":"line","lineno":3,"t_us":12.5},
 * {"event":"call","lineno":1,"function":"foo","t_us":...},
 * {"event":"return",...}, {"event":"exception","lineno":4,"type":"ValueError",
 * "message":"bad",...},
 * {"event":"callback_start","lineno":5,"name":"echo","id":1,"args":{"message":"hi"},...},
 * {"event":"callback_end","lineno":5,"name":"echo","id":1,"duration_ms":12.5,"error":null,...};
 * "task":N before "t_us" when the event has a task. Returns a string freed
 * with eryx_free, or NULL when out of memory. */
char *eryx_trace_event_to_json(const eryx_trace_event *event);

/* The same JSON written into buf without allocating: returns its length
 * (without the NUL). When that is less than cap the text and a NUL are in
 * buf; otherwise buf holds an incomplete text (NUL-terminated when cap > 0)
 * and a buffer of the returned length + 1 is needed. ERYX_TRACE_JSON_MAX
 * bytes always suffice for the events eryx delivers. event NULL: 0. */
#define ERYX_TRACE_JSON_MAX 65536
size_t eryx_trace_event_format(const eryx_trace_event *event, char *buf, size_t cap);

/* ---- files ----
 *
 * The guest sees one filesystem. The standard library is at /lib and the
 * IANA time zone data at /usr/share/zoneinfo, both read-only and part of
 * the library itself (no host file is read). Everything else is an in-memory tree held by the host
 * outside the guest's linear memory: writable /tmp and /data (the working directory), and whatever
 * the host puts there (eryx_config_add_file). Every execution of a stateless sandbox starts with
 * the tree as configured; a session keeps its files between executions, eryx_sandbox_ reset returns
 * them to the configured state, and snapshots hold them. Files behave as on Linux (renames, hard
 * and symbolic links inside the tree, O_EXCL, O_APPEND, truncation, sparse files, stat sizes, times
 * and inode numbers). WASI preview1 has no permission bits: the guest's st_mode carries the file
 * type only, and chmod changes nothing.
 *
 * Guest paths given to these functions are absolute ("/data/in.csv"),
 * at most 4096 bytes, without "." or ".." components; repeated and
 * trailing slashes are ignored. */

/* The default quotas of eryx_config_set_fs_limits. */
#define ERYX_FS_DEFAULT_BYTES   (64ull << 20)
#define ERYX_FS_DEFAULT_ENTRIES 10000u
#define ERYX_FS_DEFAULT_FDS     1024u

/* Quotas of the in-memory tree: bytes it holds (file data as really
 * stored: a sparse file costs what was written; names and link targets
 * count too; default 64 MiB), files, directories and links (default
 * 10000), descriptors the guest may have open (default 1024, at most 1024).
 * Past a quota the guest's call fails with ENOSPC (OSError in Python) or
 * EMFILE; the execution goes on, and freeing space makes writes work again.
 * 0 for bytes or entries means no limit. ERYX_EINVAL for fds 0 or > 1024. */
eryx_status eryx_config_set_fs_limits(eryx_config *config, uint64_t bytes, uint64_t entries,
                                      uint32_t fds);

/* Puts a file into the configured tree, creating its parent directories:
 * `len` bytes of `data` (NULL with len 0: empty) at `guest_path`, mode
 * 0644; an existing file is replaced. ERYX_EINVAL (message in errbuf) for
 * NULL, a path that is not absolute, is under /lib or a mount, or has a
 * file where a directory must be; ERYX_ENOSPC past the quotas. */
eryx_status eryx_config_add_file(eryx_config *config, const char *guest_path, const void *data,
                                 size_t len, char *errbuf, size_t errlen);

/* Mounts the host directory `host_dir` at `guest_dir` (made if missing),
 * read-write, or read-only when read_only is non-zero: every change is
 * then EROFS. Confined by the kernel (openat2 with RESOLVE_BENEATH |
 * RESOLVE_NO_MAGICLINKS): no path, "..", symbolic link (absolute, relative,
 * or swapped in during a call) or /proc magic link leaves host_dir; FIFOs,
 * sockets and devices in it cannot be opened (EACCES, without blocking);
 * the guest cannot create symbolic links there (EPERM) and never sees the
 * host path. The directory is opened now: renaming it later changes
 * nothing. ERYX_EINVAL (message in errbuf) for NULL, a host_dir that does
 * not exist or is not a directory, a kernel without openat2 (fail closed),
 * a guest_dir that is not absolute, is "/", is or is under /lib,
 * /usr/share/zoneinfo or /packages, is already a mount, or is inside or above another mount. */
eryx_status eryx_config_add_volume(eryx_config *config, const char *host_dir, const char *guest_dir,
                                   int read_only, char *errbuf, size_t errlen);

/* Bytes the guest may write per execution to read-write volumes (0: no
 * limit, the default). Past it, writes fail with EDQUOT (OSError). */
eryx_status eryx_config_set_volume_write_budget(eryx_config *config, uint64_t bytes);

/* Puts Python code on the guest's sys.path, read-only: `path` is a package
 * directory (it has __init__.py: importable under its directory name), a
 * directory of packages and modules (a site-packages-like tree), or a .whl
 * or .zip archive (read now, stored or deflated). Packages are mounted at
 * /packages/0, /packages/1, ... in the order added, and searched after the
 * standard library. Native extensions cannot load: importing a module that
 * needs one raises ImportError naming the extension file, so packages with
 * pure-Python fallbacks (MarkupSafe, PyYAML) use them. ERYX_EINVAL (message
 * in errbuf) for NULL, a path that does not exist, an archive that cannot
 * be read, or more than 32 packages. */
eryx_status eryx_config_add_package(eryx_config *config, const char *path, char *errbuf,
                                    size_t errlen);

/* ======================================================================
 * Sandbox lifecycle.
 * ====================================================================== */

typedef struct eryx_sandbox eryx_sandbox;

/* Creates a sandbox from `config` (NULL: the defaults) and stores it in *out.
 * A sandbox starts from the image of an initialized interpreter that the
 * build embeds in the library (or from the configuration's snapshot),
 * mapped copy-on-write: creating one costs microseconds (the first in a
 * process maps the image). ERYX_EINVAL (message in errbuf) when the
 * configured mount points cannot be made, or when a snapshot's open files
 * are on mounts the configuration lacks. On failure *out is
 * NULL and, when errbuf is not NULL, a message saying why is written there
 * (at most errlen bytes, NUL-terminated).
 *
 * Such a sandbox is stateless: every execution starts from that state
 * again (memory, globals, modules, files, descriptors). Returning to it
 * copies back every page of memory the sandbox has written since it was
 * created (a sandbox that once wrote much of its memory keeps paying for
 * that: free it and create another) and drops memory it grew; the first
 * executions after creation (and any that takes a page fault) also read
 * /proc/self/pagemap to find those pages. It keeps the
 * compiled code of the last 16 sources it ran (sources up to 256 KiB, at
 * most 4 MiB of sources and code in all; made by its own earlier
 * executions before any user code ran in them), so running the same source
 * again skips compiling it; the code and its behaviour are those a fresh
 * compile would give. */
eryx_status eryx_sandbox_new(const eryx_config *config, eryx_sandbox **out, char *errbuf,
                             size_t errlen);

/* Frees a sandbox. It must not be running an execution. */
void eryx_sandbox_free(eryx_sandbox *sandbox);

/* Creates a session: a sandbox that keeps its state (globals, functions,
 * classes, imported modules) from one execution to the next, like a Python
 * REPL. Arguments as for eryx_sandbox_new. An execution that raises leaves
 * the state as the exception left it; one stopped by a timeout, the memory
 * limit, the output cap or cancellation resets the session to the initial
 * state, and the result says so (eryx_result_session_reset). */
eryx_status eryx_session_new(const eryx_config *config, eryx_sandbox **out, char *errbuf,
                             size_t errlen);

/* Returns a session (or sandbox) to the initial state: the built-in image
 * or the configuration's snapshot (eryx_config_set_snapshot), and the
 * configured files. ERYX_EBUSY while it runs. */
eryx_status eryx_sandbox_reset(eryx_sandbox *sandbox);

/* Stops the execution running in `sandbox` (a loop, a sleep, a wait on a
 * callback) promptly; it ends with ERYX_ERROR_CANCELLED. Safe from any
 * thread at any time: with nothing running, or called twice, it does
 * nothing. */
void eryx_sandbox_cancel(eryx_sandbox *sandbox);

/* Lets a guest go on that a burst handler paused (ERYX_TRACE_PAUSE), from
 * any thread: `action` ERYX_TRACE_CONTINUE or ERYX_TRACE_STOP. A resume
 * while the handler is still running applies to the pause it returns.
 * ERYX_EINVAL for another action, or when no handler runs or holds the
 * guest paused. */
eryx_status eryx_sandbox_resume(eryx_sandbox *sandbox, eryx_trace_action action);

/* ---- snapshots of sessions ---- */

/* Captures the whole state of a session (everything, including what
 * pickle cannot: lambdas, generators, closures, open files, the in-memory
 * tree) as a blob for eryx_sandbox_restore or eryx_config_set_snapshot, in
 * this or another process running the same build. The blob holds only
 * what differs from the initial state, compressed, and no host address.
 * Volumes and packages are not in it: a restore sees those of its own
 * configuration (files open on a volume become closed fds). When the
 * configuration has a snapshot key, the blob carries an HMAC-SHA-256 of
 * itself. *blob is freed with eryx_free. ERYX_EINVAL for a stateless
 * sandbox, ERYX_EBUSY while it runs. */
eryx_status eryx_sandbox_snapshot(eryx_sandbox *sandbox, void **blob, size_t *len);

/* Replaces the session's state with a snapshot. A blob from another build,
 * truncated, corrupted or random gives ERYX_EINVAL with a message in errbuf
 * (if not NULL) and leaves the session as it was. Even a crafted blob with
 * a valid checksum can at worst give a guest that misbehaves inside its
 * sandbox. With a snapshot key configured, a blob without a valid MAC
 * under that key is refused. */
eryx_status eryx_sandbox_restore(eryx_sandbox *sandbox, const void *blob, size_t len, char *errbuf,
                                 size_t errlen);

/* The key (1 to 64 bytes, copied; NULL or 0 removes it) that snapshots of
 * sandboxes made from `config` are signed with (HMAC-SHA-256), and that
 * eryx_sandbox_restore and eryx_config_set_snapshot require: for hosts
 * that keep snapshots where clients can change them. Set it before
 * eryx_config_set_snapshot. ERYX_EINVAL for a key over 64 bytes. */
eryx_status eryx_config_set_snapshot_key(eryx_config *config, const void *key, size_t len);

/* Makes a snapshot the starting point of every sandbox and session created
 * from `config`: each starts from that state (modules imported, files
 * written) instead of the built-in image, mapped copy-on-write the same
 * way, so creating one costs microseconds; a stateless sandbox returns to
 * it before every execution, a session on reset. The blob is read once,
 * here (it may be freed afterwards); its files replace the configured tree
 * (eryx_config_add_file still adds to it). Give the configuration the same
 * packages (in the same order) as the session that took it had. Code that
 * every execution will run is best run a few times before the snapshot is
 * taken: CPython specializes a function after about 8 calls, and the
 * snapshot keeps it so. Errors as for eryx_sandbox_restore; NULL blob
 * clears the setting.
 *
 * The state is settled here (milliseconds: the interpreter runs once on
 * it, within the configured memory limit and 2 s or the timeout if that is
 * shorter; past them it stays as it was): the objects in it whose end no
 * program can observe become immortal, as None is in Python 3.12:
 * modules, classes, functions that are not closures, descriptors, and the
 * strings, bytes, numbers, code, tuples and frozensets (the built-in
 * image's are so from the start). References to them then write nothing,
 * so an execution leaves most of the memory it started from as it found
 * it, and a stateless reset has less to restore (a Jinja2 render request:
 * 37 -> 25 us). sys.getrefcount() of one is 805306368, and it outlives what
 * the execution does to it, as the state it belongs to does. Instances,
 * dicts, lists, sets and closures stay as they were, so their __del__
 * methods and weakref callbacks run as before. Sessions restored with
 * eryx_sandbox_restore are not settled. */
eryx_status eryx_config_set_snapshot(eryx_config *config, const void *blob, size_t len,
                                     char *errbuf, size_t errlen);

/* ---- files of a sandbox, between executions ----
 * These see the sandbox's in-memory tree as the guest left it (not /lib,
 * volumes or packages: ERYX_EINVAL). For a stateless sandbox, write and
 * remove change the state every later execution starts from; read and list
 * see what the last execution left. ERYX_EBUSY while an execution runs. */

/* Reads the whole file at guest_path into *data (freed with eryx_free;
 * NUL-terminated for convenience, *len excludes the NUL). ERYX_ENOENT when
 * there is no such file, ERYX_EINVAL for a directory or a bad path. */
eryx_status eryx_sandbox_read_file(eryx_sandbox *sandbox, const char *guest_path, void **data,
                                   size_t *len);

/* Writes a file (replacing it; parent directories made as needed). */
eryx_status eryx_sandbox_write_file(eryx_sandbox *sandbox, const char *guest_path, const void *data,
                                    size_t len);

/* The entries of a directory as a JSON array of objects, sorted by name:
 * [{"name": "a.csv", "type": "file", "size": 12}, {"name": "out", "type":
 * "dir", "size": 4096}, {"name": "l", "type": "symlink", ...}]. Freed with
 * eryx_free. ERYX_ENOENT, ERYX_EINVAL for a file. */
eryx_status eryx_sandbox_list_dir(eryx_sandbox *sandbox, const char *guest_dir, char **json);

/* Removes a file, a symbolic link or an empty directory. ERYX_ENOENT,
 * ERYX_EINVAL for a non-empty directory. */
eryx_status eryx_sandbox_remove_file(eryx_sandbox *sandbox, const char *guest_path);

/* ======================================================================
 * Execution.
 * ====================================================================== */

typedef struct eryx_result eryx_result;

/* Runs `len` bytes of Python source `code` (UTF-8; need not be
 * NUL-terminated; NULL with len 0 is empty code) and stores the outcome in
 * *out, which the caller frees with eryx_result_free.
 *
 * The code is compiled as file "<user>" with top-level `await` allowed and
 * run in a fresh `__main__` namespace: each execution starts from the
 * initialized interpreter (or the configuration's snapshot) and the
 * configured files, nothing is kept from the last one. stdout and
 * stderr are captured separately. After the code ends, a global named
 * `result` is converted to JSON (see eryx_result_json).
 *
 * The interpreter runs on the calling thread's stack, which it needs at
 * least ERYX_STACK_MIN bytes of (see "Bounds"): with little of it, deeply
 * nested C-level work (e.g. json.dumps of a structure nested 1000 deep) can
 * exhaust it before Python's recursion limit is reached; that ends the
 * execution with ERYX_ERROR_INTERNAL ("the interpreter ran out of stack"),
 * never a crash. Other functions of this header need no more stack than
 * ordinary C library calls.
 *
 * Everything that happens to the Python code (exceptions, timeouts, memory,
 * output cap, sys.exit) is reported in the result with status ERYX_OK. Other
 * statuses: ERYX_EINVAL (sandbox or out NULL, or code NULL with len > 0),
 * ERYX_EBUSY (an execution is running on another thread), ERYX_ENOMEM. */
eryx_status eryx_execute(eryx_sandbox *sandbox, const char *code, size_t len, eryx_result **out);

/* Per-execution choices for eryx_execute_ex. Zero-initialize, then set. */
typedef struct eryx_exec_options {
    /* Tracing for this execution: 0 as configured, 1 on (with the
     * configured handler and collection; collection if neither is set),
     * -1 off. */
    int trace;
    /* Non-zero: like the interactive prompt, the value of each expression
     * statement is printed (sys.displayhook). */
    int interactive;
    /* Wall-clock limit of this execution in seconds, fractions allowed,
     * instead of the configured one (eryx_config_set_timeout); 0: as
     * configured. eryx_execute_ex returns ERYX_EINVAL for negative, NaN or
     * values above 10^7 s. */
    double timeout;
} eryx_exec_options;

/* eryx_execute with options (NULL: as eryx_execute). */
eryx_status eryx_execute_ex(eryx_sandbox *sandbox, const char *code, size_t len,
                            const eryx_exec_options *options, eryx_result **out);

/* ======================================================================
 * Results. Accessors take a result from eryx_execute; with NULL they return
 * the neutral value (NULL, 0, ERYX_ERROR_NONE).
 * ====================================================================== */

typedef enum eryx_error_kind {
    ERYX_ERROR_NONE = 0,  /* the code ran to the end */
    ERYX_ERROR_EXCEPTION, /* an uncaught exception (SyntaxError included) */
    ERYX_ERROR_TIMEOUT,   /* the wall-clock limit passed */
    ERYX_ERROR_MEMORY,    /* the memory limit stopped the interpreter */
    ERYX_ERROR_OUTPUT,    /* the output cap was reached */
    ERYX_ERROR_EXIT,      /* SystemExit: sys.exit(n), exit() */
    ERYX_ERROR_CANCELLED, /* cancelled by the host */
    ERYX_ERROR_INTERNAL,  /* the sandbox failed (a trap in the interpreter) */
} eryx_error_kind;

/* The name used in JSON for a kind: "exception", "timeout", "memory",
 * "output", "exit", "cancelled", "internal"; NULL for ERYX_ERROR_NONE. */
const char *eryx_error_kind_name(eryx_error_kind kind);

/* Frees a result. */
void eryx_result_free(eryx_result *result);

/* Captured stdout / stderr, NUL-terminated; *len (if not NULL) gets the byte
 * length, which excludes the NUL (output may itself contain NUL bytes).
 * Never NULL for a valid result. */
const char *eryx_result_stdout(const eryx_result *result, size_t *len);
const char *eryx_result_stderr(const eryx_result *result, size_t *len);

/* JSON text of the global `result` after the run, or NULL when there is none
 * (not defined, the run failed, or it could not be converted; then
 * eryx_result_result_error tells why). As json.dumps(result, allow_nan=False)
 * gives it, checked by the host: one valid JSON value, valid UTF-8, on one
 * line, laid out as json.dumps does, at most ERYX_RESULT_MAX bytes and 256
 * levels deep. */
const char *eryx_result_json(const eryx_result *result);

/* Why `result` could not be converted to JSON (e.g. "Object of type set is
 * not JSON serializable"), or NULL. Such a run still succeeds. */
const char *eryx_result_result_error(const eryx_result *result);

/* How the run ended; ERYX_ERROR_NONE on success. */
eryx_error_kind eryx_result_error_kind(const eryx_result *result);

/* For ERYX_ERROR_EXCEPTION and ERYX_ERROR_EXIT: the Python exception type
 * ("ZeroDivisionError", "SystemExit"); NULL otherwise. */
const char *eryx_result_error_type(const eryx_result *result);

/* A one-line message for every error kind ("division by zero", "execution
 * timed out after 2 s"); NULL on success. */
const char *eryx_result_error_message(const eryx_result *result);

/* For exceptions: the Python-style traceback as native python3.11 prints it,
 * with frames of the user's code only (File "<user>", line N). NULL otherwise. */
const char *eryx_result_error_traceback(const eryx_result *result);

/* Line of "<user>" where the exception was raised (for SyntaxError, the
 * offending line); 0 when unknown or not an exception. */
int eryx_result_error_lineno(const eryx_result *result);

/* For ERYX_ERROR_EXIT: the exit status sys.exit asked for, 0 to 255, as
 * the python3.11 program would exit with it: None 0, an int truncated to a
 * C int then to 8 bits (sys.exit(256) 0, sys.exit(-1) 255), 255 for an int
 * beyond a 64-bit C long (sys.exit(2**100)), True 1, any other object 1
 * (printed on stderr); -1 otherwise. */
int eryx_result_exit_code(const eryx_result *result);

/* Wall time of the execution in milliseconds. */
double eryx_result_duration_ms(const eryx_result *result);

/* Highest size of the guest's linear memory during the execution, bytes. */
uint64_t eryx_result_peak_memory(const eryx_result *result);

/* Number of host callback invocations made by the execution. */
uint64_t eryx_result_callback_invocations(const eryx_result *result);

/* Number of trace events collected (0 unless collection was on). */
size_t eryx_result_trace_count(const eryx_result *result);

/* Non-zero when events were left out of the collection: more than
 * ERYX_TRACE_COLLECT_MAX, or the host ran out of memory. */
int eryx_result_trace_truncated(const eryx_result *result);

/* Collected trace event i (0-based), or NULL when out of range. */
const eryx_trace_event *eryx_result_trace_event(const eryx_result *result, size_t i);

/* Non-zero when the session was reset to its initial state because of how
 * this execution ended (timeout, memory, output cap, cancellation). */
int eryx_result_session_reset(const eryx_result *result);

/* The whole result as one JSON object, the format of `eryx run --json`:
 * {"stdout", "stderr", "result", "result_error", "error": null | {"kind",
 * "type", "message", "traceback", "lineno", "exit_code"}, "stats":
 * {"duration_ms", "peak_memory_bytes", "callback_invocations"}}, plus
 * "trace": [events] when events were collected ("trace_truncated": true
 * when some were left out) and "session_reset": true when a session was
 * reset.
 * Returns a NUL-terminated string the caller frees with eryx_free, or NULL
 * when out of memory. */
char *eryx_result_to_json(const eryx_result *result);

/* Frees memory that eryx handed to the caller (eryx_result_to_json,
 * snapshots, files). */
void eryx_free(void *ptr);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif
