/*
 * test_sessions.c - state between executions: stateless sandboxes, sessions,
 * reset, cancellation, a multi-threaded stress run, snapshots (also across
 * processes, with build/tests/snapshot_child).
 *
 * usage: test_sessions [FILTER]   runs the tests whose name contains FILTER
 */
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "eryx.h"

/* ---- helpers ---- */

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(int ms) {
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A configuration: timeout (< 0: default), memory and output limit (0: default). */
static eryx_config *new_config(double timeout, uint64_t memory, uint64_t output) {
    eryx_config *c = eryx_config_new();
    if (timeout >= 0) eryx_config_set_timeout(c, timeout);
    if (memory) eryx_config_set_memory_limit(c, memory);
    if (output) eryx_config_set_output_limit(c, output);
    return c;
}

static eryx_sandbox *create(const eryx_config *c, bool session) {
    eryx_sandbox *s = NULL;
    char err[256] = "";
    eryx_status st = session ? eryx_session_new(c, &s, err, sizeof err)
                             : eryx_sandbox_new(c, &s, err, sizeof err);
    if (st != ERYX_OK) fprintf(stderr, "    create: %s: %s\n", eryx_status_string(st), err);
    return s;
}

static eryx_sandbox *new_session(void) {
    return create(NULL, true);
}
static eryx_sandbox *new_stateless(void) {
    return create(NULL, false);
}

static eryx_sandbox *session_with(eryx_config *c) {
    eryx_sandbox *s = create(c, true);
    eryx_config_free(c);
    return s;
}

static eryx_result *run(eryx_sandbox *s, const char *code) {
    eryx_result *r = NULL;
    eryx_status st = eryx_execute(s, code, strlen(code), &r);
    if (st != ERYX_OK) fprintf(stderr, "    execute: %s\n", eryx_status_string(st));
    return r;
}

static void describe_failure(const char *code, const eryx_result *r) {
    const char *msg = eryx_result_error_message(r), *tb = eryx_result_error_traceback(r);
    fprintf(stderr, "    code: %s\n    error: %s %s\n%s", code,
            eryx_error_kind_name(eryx_result_error_kind(r)) ?: "-", msg ? msg : "", tb ? tb : "");
}

/* Runs code, checks that it succeeded, printed exactly `expected` and did
 * not reset the session. Line numbers of failures are the caller's. */
#define EXPECT_OUTPUT(s, code, expected)                                                           \
    do {                                                                                           \
        const char *code_ = (code);                                                                \
        eryx_result *r_ = run((s), code_);                                                         \
        CHECK(r_ != NULL);                                                                         \
        if (r_ && eryx_result_error_kind(r_) != ERYX_ERROR_NONE) describe_failure(code_, r_);      \
        CHECK(eryx_result_error_kind(r_) == ERYX_ERROR_NONE);                                      \
        CHECK_STR(eryx_result_stdout(r_, NULL), (expected));                                       \
        CHECK(eryx_result_session_reset(r_) == 0);                                                 \
        eryx_result_free(r_);                                                                      \
    } while (0)

/* Runs code, checks that it raised `type` with `message` (NULL: any). */
#define EXPECT_EXCEPTION(s, code, type, message)                                                   \
    do {                                                                                           \
        eryx_result *r_ = run((s), (code));                                                        \
        CHECK(r_ != NULL);                                                                         \
        CHECK(eryx_result_error_kind(r_) == ERYX_ERROR_EXCEPTION);                                 \
        CHECK_STR(eryx_result_error_type(r_), (type));                                             \
        const char *m_ = (message);                                                                \
        if (m_) CHECK_STR(eryx_result_error_message(r_), m_);                                      \
        CHECK(eryx_result_session_reset(r_) == 0);                                                 \
        eryx_result_free(r_);                                                                      \
    } while (0)

#define EXPECT_UNDEFINED(s, name)                                                                  \
    EXPECT_EXCEPTION((s), "print(" name ")", "NameError", "name '" name "' is not defined")

/* Checks that the JSON form of r says whether the session was reset. */
#define CHECK_JSON_RESET(r, expected)                                                              \
    do {                                                                                           \
        char *json_ = eryx_result_to_json(r);                                                      \
        CHECK(json_ != NULL);                                                                      \
        if (expected)                                                                              \
            CHECK_CONTAINS(json_, "\"session_reset\": true");                                      \
        else                                                                                       \
            CHECK(json_ && !strstr(json_, "session_reset"));                                       \
        eryx_free(json_);                                                                          \
    } while (0)

/* ---- running in the background ---- */

/* An output handler that raises a flag: code prints 'started' to say it runs. */
static void on_output_flag(void *ud, eryx_stream stream, const char *data, size_t len) {
    (void)stream;
    (void)data;
    if (len) atomic_store((atomic_int *)ud, 1);
}

typedef struct {
    eryx_sandbox *s;
    const char *code;
    eryx_result *r;
    eryx_status status;
    double end_ms; /* when eryx_execute returned */
    pthread_t thread;
} bg_run;

static void *bg_main(void *arg) {
    bg_run *b = arg;
    b->status = eryx_execute(b->s, b->code, strlen(b->code), &b->r);
    b->end_ms = now_ms();
    return NULL;
}

static void bg_start(bg_run *b, eryx_sandbox *s, const char *code) {
    *b = (bg_run){.s = s, .code = code};
    pthread_create(&b->thread, NULL, bg_main, b);
}

static bool wait_flag(atomic_int *flag, int timeout_ms) {
    double end = now_ms() + timeout_ms;
    while (!atomic_load(flag)) {
        if (now_ms() > end) return false;
        sleep_ms(1);
    }
    return true;
}

/* A config whose output handler raises `flag`. */
static eryx_config *flag_config(atomic_int *flag) {
    eryx_config *c = eryx_config_new();
    eryx_config_set_output_handler(c, on_output_flag, flag);
    return c;
}

/* A sandbox or session whose output raises `flag`. */
static eryx_sandbox *create_flagged(atomic_int *flag, bool session) {
    eryx_config *c = flag_config(flag);
    eryx_sandbox *s = create(c, session);
    eryx_config_free(c);
    return s;
}

/* A callback that keeps its call and never completes it. */
static _Atomic(eryx_call *) kept_call;
static void never(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    (void)args;
    atomic_store(&kept_call, call);
}

/* ---- shared state for sessions and snapshots ---- */

/* Globals, a function, a class and an instance, a lambda, a generator half
 * consumed, a closure counter, an open StringIO with text, imported modules. */
static const char *rich_state_code = "import io\n"
                                     "import xml.dom\n"
                                     "g = 41\n"
                                     "def f(a):\n"
                                     "    return a + g\n"
                                     "class Point:\n"
                                     "    def __init__(self, x, y):\n"
                                     "        self.x, self.y = x, y\n"
                                     "    def norm1(self):\n"
                                     "        return abs(self.x) + abs(self.y)\n"
                                     "p = Point(3, -4)\n"
                                     "sq = lambda v: v * v\n"
                                     "def gen():\n"
                                     "    for i in range(10):\n"
                                     "        yield i * 10\n"
                                     "it = gen()\n"
                                     "first = next(it)\n"
                                     "def make_counter():\n"
                                     "    n = 0\n"
                                     "    def inc():\n"
                                     "        nonlocal n\n"
                                     "        n += 1\n"
                                     "        return n\n"
                                     "    return inc\n"
                                     "counter = make_counter()\n"
                                     "counter()\n"
                                     "buf = io.StringIO()\n"
                                     "buf.write('hello ')\n";

static const char *rich_check_code = "import sys\n"
                                     "g += 1\n"
                                     "print(f(1), p.norm1(), isinstance(p, Point), "
                                     "Point(1, 1).norm1(), sq(7))\n"
                                     "print(first, next(it), next(it), counter(), counter())\n"
                                     "buf.write('world')\n"
                                     "print(buf.getvalue(), 'xml.dom' in sys.modules, "
                                     "type(p).__name__)\n";

static const char *rich_check_expected = "43 7 True 2 49\n"
                                         "0 10 20 2 3\n"
                                         "hello world True Point\n";

/* After rich_check_code: the generator, the counter and the file go on. */
static const char *rich_next_code = "print(next(it), counter(), buf.tell(), buf.closed)\n";
static const char *rich_next_expected = "30 4 11 False\n";

/* ======================================================================
 * 1. Stateless sandboxes
 * ====================================================================== */

static void test_stateless_globals_gone(void) {
    eryx_sandbox *s = new_stateless();
    EXPECT_OUTPUT(s, "x = 1\ndef f():\n    return 2\nprint(x + f())", "3\n");
    EXPECT_UNDEFINED(s, "x");
    EXPECT_UNDEFINED(s, "f");
    eryx_sandbox_free(s);
}

static void test_stateless_imports_gone(void) {
    eryx_sandbox *s = new_stateless();
    EXPECT_OUTPUT(s,
                  "import sys\nprint('xml.dom' in sys.modules)\nimport xml.dom\n"
                  "print('xml.dom' in sys.modules)",
                  "False\nTrue\n");
    EXPECT_OUTPUT(s, "import sys\nprint('xml.dom' in sys.modules)", "False\n");
    EXPECT_UNDEFINED(s, "xml");
    eryx_sandbox_free(s);
}

static void test_stateless_random_differs(void) {
    eryx_sandbox *s = new_stateless();
    const char *code = "import random\nprint(random.random())";
    eryx_result *a = run(s, code), *b = run(s, code);
    CHECK(eryx_result_error_kind(a) == ERYX_ERROR_NONE);
    CHECK(eryx_result_error_kind(b) == ERYX_ERROR_NONE);
    const char *oa = eryx_result_stdout(a, NULL), *ob = eryx_result_stdout(b, NULL);
    CHECK(oa && ob && strlen(oa) > 3 && strcmp(oa, ob) != 0);
    if (oa && ob && !strcmp(oa, ob)) fprintf(stderr, "    both runs printed %s", oa);
    eryx_result_free(a);
    eryx_result_free(b);
    eryx_sandbox_free(s);
}

/* ======================================================================
 * 2. Sessions
 * ====================================================================== */

static void test_session_keeps_state(void) {
    eryx_sandbox *s = new_session();
    EXPECT_OUTPUT(s, rich_state_code, "");
    EXPECT_OUTPUT(s, rich_check_code, rich_check_expected);
    EXPECT_OUTPUT(s, rich_next_code, rich_next_expected);
    /* The instance is the same object; the class can be extended. */
    EXPECT_OUTPUT(s, "p.x = 10\nPoint.double = lambda self: self.norm1() * 2\n", "");
    EXPECT_OUTPUT(s, "print(p.double(), xml.dom.Node.ELEMENT_NODE)", "28 1\n");
    eryx_sandbox_free(s);
}

static void test_session_reset(void) {
    eryx_sandbox *s = new_session();
    EXPECT_OUTPUT(s, "import xml.dom\nx = 1", "");
    EXPECT_OUTPUT(s, "import sys\nprint(x, 'xml.dom' in sys.modules)", "1 True\n");
    CHECK(eryx_sandbox_reset(s) == ERYX_OK);
    EXPECT_UNDEFINED(s, "x");
    EXPECT_OUTPUT(s, "import sys\nprint('xml.dom' in sys.modules)", "False\n");
    /* The session works and keeps state again. */
    EXPECT_OUTPUT(s, "y = 5", "");
    EXPECT_OUTPUT(s, "print(y * 2)", "10\n");
    /* Reset twice in a row, and on a session that never ran. */
    CHECK(eryx_sandbox_reset(s) == ERYX_OK);
    CHECK(eryx_sandbox_reset(s) == ERYX_OK);
    EXPECT_UNDEFINED(s, "y");
    eryx_sandbox *fresh = new_session();
    CHECK(eryx_sandbox_reset(fresh) == ERYX_OK);
    EXPECT_OUTPUT(fresh, "print('fresh')", "fresh\n");
    eryx_sandbox_free(fresh);
    eryx_sandbox_free(s);
}

static void test_session_exception_keeps_state(void) {
    eryx_sandbox *s = new_session();
    EXPECT_OUTPUT(s, "x = 1", "");
    eryx_result *r = run(s, "x = 2\nraise ValueError('boom')");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_EXCEPTION);
    CHECK_STR(eryx_result_error_type(r), "ValueError");
    CHECK_STR(eryx_result_error_message(r), "boom");
    CHECK(eryx_result_session_reset(r) == 0);
    CHECK_JSON_RESET(r, 0);
    eryx_result_free(r);
    EXPECT_OUTPUT(s, "print(x)", "2\n");
    /* A SyntaxError runs nothing and keeps everything too. */
    EXPECT_EXCEPTION(s, "x = = 3", "SyntaxError", NULL);
    EXPECT_OUTPUT(s, "print(x)", "2\n");
    eryx_sandbox_free(s);
}

static void test_session_timeout_resets(void) {
    eryx_sandbox *s = session_with(new_config(0.3, 0, 0));
    EXPECT_OUTPUT(s, "x = 1", "");
    eryx_result *r = run(s, "while True:\n    pass");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_TIMEOUT);
    CHECK_CONTAINS(eryx_result_error_message(r), "timed out");
    CHECK(eryx_result_session_reset(r) != 0);
    CHECK_JSON_RESET(r, 1);
    eryx_result_free(r);
    EXPECT_UNDEFINED(s, "x");
    EXPECT_OUTPUT(s, "y = 3", "");
    EXPECT_OUTPUT(s, "print(y)", "3\n");
    eryx_sandbox_free(s);
}

static void test_session_memory_limit(void) {
    eryx_sandbox *s = session_with(new_config(-1, 64u << 20, 0));
    EXPECT_OUTPUT(s, "keep = 'kept'", "");
    eryx_result *r = run(s, "x = []\nwhile True:\n    x.append(bytearray(10**6))");
    eryx_error_kind kind = eryx_result_error_kind(r);
    int reset = eryx_result_session_reset(r);
    printf("    memory limit: kind %s, type %s, session_reset %d\n",
           eryx_error_kind_name(kind) ?: "none", eryx_result_error_type(r) ?: "-", reset);
    CHECK(kind == ERYX_ERROR_EXCEPTION || kind == ERYX_ERROR_MEMORY);
    if (kind == ERYX_ERROR_EXCEPTION) {
        /* Python recovered: an ordinary exception, state kept. */
        CHECK_STR(eryx_result_error_type(r), "MemoryError");
        CHECK(reset == 0);
        CHECK_JSON_RESET(r, 0);
        eryx_result_free(r);
        EXPECT_OUTPUT(s, "print(keep, len(x) > 10)", "kept True\n");
        EXPECT_OUTPUT(s, "del x\nimport gc\ngc.collect()\nprint(len(bytearray(10**6)))",
                      "1000000\n");
        EXPECT_OUTPUT(s, "print(keep)", "kept\n");
    } else {
        /* The interpreter was cut off: the session starts over. */
        CHECK(reset != 0);
        CHECK_JSON_RESET(r, 1);
        eryx_result_free(r);
        EXPECT_UNDEFINED(s, "keep");
        EXPECT_OUTPUT(s, "print(len(bytearray(10**6)))", "1000000\n");
    }
    eryx_sandbox_free(s);
}

static void test_session_output_cap(void) {
    eryx_sandbox *s = session_with(new_config(-1, 0, 10000));
    EXPECT_OUTPUT(s, "x = 1", "");
    eryx_result *r = run(s, "while True:\n    print('y' * 99)");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_OUTPUT);
    CHECK(eryx_result_session_reset(r) != 0);
    CHECK_JSON_RESET(r, 1);
    size_t out_len = 0, err_len = 0;
    const char *out = eryx_result_stdout(r, &out_len);
    eryx_result_stderr(r, &err_len);
    CHECK(out_len + err_len == 10000);
    if (out_len + err_len != 10000) fprintf(stderr, "    captured %zu + %zu\n", out_len, err_len);
    CHECK(out && strspn(out, "y\n") == out_len);
    eryx_result_free(r);
    EXPECT_UNDEFINED(s, "x");
    EXPECT_OUTPUT(s, "print('after')", "after\n");
    eryx_sandbox_free(s);
}

static void test_session_sys_exit(void) {
    eryx_sandbox *s = new_session();
    EXPECT_OUTPUT(s, "x = 1", "");
    eryx_result *r = run(s, "import sys\nx = 5\nsys.exit(3)");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_EXIT);
    CHECK(eryx_result_exit_code(r) == 3);
    CHECK_STR(eryx_result_error_type(r), "SystemExit");
    CHECK(eryx_result_session_reset(r) == 0);
    CHECK_JSON_RESET(r, 0);
    eryx_result_free(r);
    /* SystemExit is an ordinary exception in the runtime: state kept. */
    EXPECT_OUTPUT(s, "print(x)", "5\n");
    eryx_sandbox_free(s);
}

/* ======================================================================
 * 3. Reset
 * ====================================================================== */

static void test_reset_stateless(void) {
    eryx_sandbox *s = new_stateless();
    CHECK(eryx_sandbox_reset(s) == ERYX_OK);
    EXPECT_OUTPUT(s, "x = 1\nprint(x)", "1\n");
    CHECK(eryx_sandbox_reset(s) == ERYX_OK);
    EXPECT_OUTPUT(s, "print('works')", "works\n");
    EXPECT_UNDEFINED(s, "x");
    eryx_sandbox_free(s);
}

static void test_reset_null(void) {
    CHECK(eryx_sandbox_reset(NULL) == ERYX_EINVAL);
}

static void test_reset_busy(void) {
    atomic_int started = 0;
    eryx_sandbox *s = create_flagged(&started, true);
    EXPECT_OUTPUT(s, "x = 1", "");
    atomic_store(&started, 0);
    bg_run b;
    bg_start(&b, s, "print('started', flush=True)\nwhile True:\n    pass");
    CHECK(wait_flag(&started, 10000));
    CHECK(eryx_sandbox_reset(s) == ERYX_EBUSY);
    eryx_result *r = (eryx_result *)1;
    CHECK(eryx_execute(s, "print(1)", 8, &r) == ERYX_EBUSY);
    CHECK(r == NULL);
    eryx_sandbox_cancel(s);
    pthread_join(b.thread, NULL);
    CHECK(b.status == ERYX_OK);
    CHECK(eryx_result_error_kind(b.r) == ERYX_ERROR_CANCELLED);
    eryx_result_free(b.r);
    CHECK(eryx_sandbox_reset(s) == ERYX_OK);
    EXPECT_OUTPUT(s, "print('ok')", "ok\n");
    eryx_sandbox_free(s);
}

/* ======================================================================
 * 4. Cancellation
 * ====================================================================== */

/* Runs `code` (which prints 'started' first) in another thread, cancels it
 * 100 ms after it started and checks that it stopped within 50 ms with
 * ERYX_ERROR_CANCELLED. When `call_wait` is set, also waits until the
 * callback `never` holds a call. Returns the result (caller frees). */
static eryx_result *cancel_case(eryx_sandbox *s, atomic_int *started, const char *code,
                                const char *label, bool call_wait, int cancels) {
    atomic_store(started, 0);
    bg_run b;
    bg_start(&b, s, code);
    CHECK(wait_flag(started, 10000));
    if (call_wait) {
        double end = now_ms() + 10000;
        while (!atomic_load(&kept_call) && now_ms() < end)
            sleep_ms(1);
        CHECK(atomic_load(&kept_call) != NULL);
    }
    sleep_ms(100);
    double t0 = now_ms();
    for (int i = 0; i < cancels; i++)
        eryx_sandbox_cancel(s);
    pthread_join(b.thread, NULL);
    double elapsed = b.end_ms - t0;
    printf("    cancel %s: stopped %.2f ms after the cancel\n", label, elapsed);
    CHECK(elapsed < 50);
    CHECK(b.status == ERYX_OK);
    CHECK(b.r != NULL);
    CHECK(eryx_result_error_kind(b.r) == ERYX_ERROR_CANCELLED);
    if (eryx_result_error_kind(b.r) != ERYX_ERROR_CANCELLED) describe_failure(code, b.r);
    CHECK(eryx_result_error_message(b.r) != NULL);
    CHECK_STR(eryx_result_stdout(b.r, NULL), "started\n");
    return b.r;
}

static void test_cancel_tight_loop(void) {
    atomic_int started = 0;
    eryx_sandbox *s = create_flagged(&started, false);
    eryx_result *r = cancel_case(s, &started, "print('started', flush=True)\nwhile True:\n    pass",
                                 "loop", false, 1);
    CHECK(eryx_result_session_reset(r) == 0); /* not a session */
    eryx_result_free(r);
    EXPECT_OUTPUT(s, "print('works')", "works\n");
    eryx_sandbox_free(s);
}

static void test_cancel_sleep(void) {
    atomic_int started = 0;
    eryx_sandbox *s = create_flagged(&started, false);
    eryx_result_free(cancel_case(s, &started,
                                 "import time\nprint('started', flush=True)\ntime.sleep(100)",
                                 "sleep", false, 1));
    EXPECT_OUTPUT(s, "print('works')", "works\n");
    eryx_sandbox_free(s);
}

static void test_cancel_long_c_work(void) {
    atomic_int started = 0;
    eryx_sandbox *s = create_flagged(&started, false);
    eryx_result_free(cancel_case(s, &started, "print('started', flush=True)\nx = 7 ** (10 ** 9)",
                                 "7 ** (10 ** 9)", false, 1));
    EXPECT_OUTPUT(s, "print('works')", "works\n");
    eryx_sandbox_free(s);
}

static void test_cancel_pending_callback(void) {
    atomic_int started = 0;
    eryx_config *c = flag_config(&started);
    eryx_config_add_callback(c, "never", "Never completes", NULL, never, NULL);
    eryx_sandbox *s = create(c, false);
    eryx_config_free(c);
    atomic_store(&kept_call, NULL);
    eryx_result_free(cancel_case(s, &started, "print('started', flush=True)\nawait never()",
                                 "await never()", true, 1));
    EXPECT_OUTPUT(s, "print('works')", "works\n");
    /* The abandoned call is gone: completing it is a harmless refusal. */
    eryx_call *call = atomic_exchange(&kept_call, NULL);
    CHECK(call != NULL);
    if (call) CHECK(eryx_call_fail(call, "never completed") == ERYX_EINVAL);
    EXPECT_OUTPUT(s, "print('still works')", "still works\n");
    eryx_sandbox_free(s);
}

static void test_cancel_twice_while_running(void) {
    atomic_int started = 0;
    eryx_sandbox *s = create_flagged(&started, false);
    eryx_result_free(cancel_case(s, &started, "print('started', flush=True)\nwhile True:\n    pass",
                                 "loop, twice", false, 2));
    eryx_sandbox_cancel(s); /* and once more after it ended */
    EXPECT_OUTPUT(s, "print('works')", "works\n");
    eryx_sandbox_free(s);
}

static void test_cancel_idle_harmless(void) {
    eryx_sandbox_cancel(NULL);
    eryx_sandbox *s = new_stateless();
    eryx_sandbox_cancel(s); /* never ran */
    eryx_sandbox_cancel(s);
    EXPECT_OUTPUT(s, "import time\ntime.sleep(0.05)\nprint('not cancelled')", "not cancelled\n");
    eryx_sandbox_cancel(s); /* between executions */
    eryx_sandbox_cancel(s);
    EXPECT_OUTPUT(s, "import time\ntime.sleep(0.05)\nprint('not cancelled')", "not cancelled\n");
    eryx_sandbox_free(s);
    /* A session cancelled while idle keeps its state. */
    s = new_session();
    EXPECT_OUTPUT(s, "x = 7", "");
    eryx_sandbox_cancel(s);
    eryx_sandbox_cancel(s);
    EXPECT_OUTPUT(s, "import time\ntime.sleep(0.05)\nprint(x)", "7\n");
    eryx_sandbox_free(s);
}

static void test_cancel_session_resets(void) {
    atomic_int started = 0;
    eryx_sandbox *s = create_flagged(&started, true);
    EXPECT_OUTPUT(s, "x = 1", "");
    eryx_result *r = cancel_case(s, &started, "print('started', flush=True)\nwhile True:\n    pass",
                                 "session loop", false, 1);
    CHECK(eryx_result_session_reset(r) != 0);
    CHECK_JSON_RESET(r, 1);
    eryx_result_free(r);
    EXPECT_UNDEFINED(s, "x");
    EXPECT_OUTPUT(s, "y = 2", "");
    EXPECT_OUTPUT(s, "print(y)", "2\n");
    eryx_sandbox_free(s);
}

/* ======================================================================
 * 5. Stress: threads, sandboxes and sessions, timeouts, cancellations
 * ====================================================================== */

enum { STRESS_THREADS = 8, STRESS_RUNS = 200 };

typedef struct {
    int id;
    bool session;
    eryx_sandbox *s;
    /* Counts of outcomes. */
    int ok, exceptions, timeouts, cancelled, resets;
    int late; /* short runs that timed out on a loaded machine */
    /* Mismatches: their number and the first one. */
    int bad;
    char first_bad[512];
} stress_worker;

static atomic_int stress_done;

static void stress_fail(stress_worker *w, int i, const char *code, const eryx_result *r,
                        const char *why) {
    if (w->bad++) return;
    const char *out = eryx_result_stdout(r, NULL), *msg = eryx_result_error_message(r);
    snprintf(w->first_bad, sizeof w->first_bad,
             "worker %d (%s) run %d: %s; kind %s, reset %d, message %s, stdout %.60s; code %.80s",
             w->id, w->session ? "session" : "stateless", i, why,
             eryx_error_kind_name(eryx_result_error_kind(r)) ?: "none",
             eryx_result_session_reset(r), msg ? msg : "-", out ? out : "-", code);
}

static void *stress_main(void *arg) {
    stress_worker *w = arg;
    long total = 0; /* the session's `total`, as far as the host knows */
    char code[512], expected[128];
    for (int i = 0; i < STRESS_RUNS; i++) {
        enum { NORMAL, EXC, TIMEOUT } what = i % 20 == 19 ? TIMEOUT : i % 7 == 3 ? EXC : NORMAL;
        if (what == TIMEOUT) {
            snprintf(code, sizeof code, "while True:\n    pass");
        } else if (what == EXC) {
            snprintf(code, sizeof code, "n%d = %d\nraise ValueError('v%d')", i, i, i);
        } else if (w->session) {
            snprintf(code, sizeof code,
                     "try:\n    total\nexcept NameError:\n    total = 0\ntotal += %d\n"
                     "print(total)",
                     i);
            snprintf(expected, sizeof expected, "%ld\n", total + i);
        } else {
            /* Nothing may leak from the last execution. */
            snprintf(code, sizeof code,
                     "try:\n    leaked\nexcept NameError:\n    pass\nelse:\n    print('leak')\n"
                     "leaked = 1\nprint(%d * %d)",
                     i, i);
            snprintf(expected, sizeof expected, "%ld\n", (long)i * i);
        }
        eryx_result *r = NULL;
        eryx_status st = eryx_execute(w->s, code, strlen(code), &r);
        if (st != ERYX_OK || !r) {
            w->bad++;
            continue;
        }
        eryx_error_kind kind = eryx_result_error_kind(r);
        int reset = eryx_result_session_reset(r);
        if (reset) w->resets++;
        if (!w->session && reset) stress_fail(w, i, code, r, "stateless sandbox reported a reset");
        if (kind == ERYX_ERROR_CANCELLED) {
            w->cancelled++;
            if (w->session && !reset) stress_fail(w, i, code, r, "cancelled session not reset");
        } else if (kind == ERYX_ERROR_TIMEOUT) {
            /* Expected for the loops; for the short runs only if the machine
             * is so loaded that one really took 50 ms (then it is counted). */
            if (what != TIMEOUT && eryx_result_duration_ms(r) < 50)
                stress_fail(w, i, code, r, "timed out before the deadline");
            else if (w->session && !reset)
                stress_fail(w, i, code, r, "timed out, not reset");
            else
                w->timeouts++;
            if (what != TIMEOUT) w->late++;
        } else if (what == TIMEOUT) {
            stress_fail(w, i, code, r, "expected a timeout");
        } else if (what == EXC) {
            if (kind != ERYX_ERROR_EXCEPTION)
                stress_fail(w, i, code, r, "expected ValueError");
            else {
                char msg[32];
                snprintf(msg, sizeof msg, "v%d", i);
                const char *type = eryx_result_error_type(r), *m = eryx_result_error_message(r);
                if (!type || strcmp(type, "ValueError") || !m || strcmp(m, msg) || reset)
                    stress_fail(w, i, code, r, "wrong exception");
                else
                    w->exceptions++;
            }
        } else {
            const char *out = eryx_result_stdout(r, NULL);
            if (kind != ERYX_ERROR_NONE || reset)
                stress_fail(w, i, code, r, "expected success");
            else if (!out || strcmp(out, expected))
                stress_fail(w, i, code, r, "wrong output");
            else
                w->ok++;
            if (kind == ERYX_ERROR_NONE) total += i;
        }
        if (reset) total = 0;
        eryx_result_free(r);
    }
    atomic_fetch_add(&stress_done, 1);
    return NULL;
}

typedef struct {
    stress_worker *workers;
    int cancels;
} stress_canceller;

static void *cancel_main(void *arg) {
    stress_canceller *c = arg;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    while (atomic_load(&stress_done) < STRESS_THREADS) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        struct timespec ts = {0, (long)(x % 4000) * 1000L};
        nanosleep(&ts, NULL);
        eryx_sandbox_cancel(c->workers[(x >> 20) % STRESS_THREADS].s);
        c->cancels++;
    }
    return NULL;
}

static void test_stress(void) {
    stress_worker w[STRESS_THREADS];
    eryx_config *c = new_config(0.05, 0, 0);
    for (int i = 0; i < STRESS_THREADS; i++) {
        w[i] = (stress_worker){.id = i, .session = i % 2 == 1};
        w[i].s = create(c, w[i].session);
        CHECK(w[i].s != NULL);
    }
    eryx_config_free(c);
    atomic_store(&stress_done, 0);
    double t0 = now_ms();
    pthread_t threads[STRESS_THREADS], canceller;
    stress_canceller cc = {.workers = w};
    for (int i = 0; i < STRESS_THREADS; i++)
        pthread_create(&threads[i], NULL, stress_main, &w[i]);
    pthread_create(&canceller, NULL, cancel_main, &cc);
    for (int i = 0; i < STRESS_THREADS; i++)
        pthread_join(threads[i], NULL);
    pthread_join(canceller, NULL);
    int ok = 0, exc = 0, timeouts = 0, cancelled = 0, resets = 0, bad = 0, late = 0;
    for (int i = 0; i < STRESS_THREADS; i++) {
        ok += w[i].ok, exc += w[i].exceptions, timeouts += w[i].timeouts;
        cancelled += w[i].cancelled, resets += w[i].resets, bad += w[i].bad, late += w[i].late;
        if (w[i].bad) fprintf(stderr, "    %d bad: %s\n", w[i].bad, w[i].first_bad);
        CHECK(w[i].ok + w[i].exceptions + w[i].timeouts + w[i].cancelled + w[i].bad == STRESS_RUNS);
        CHECK(w[i].bad == 0);
        eryx_sandbox_free(w[i].s);
    }
    printf("    stress: %d runs in %.1f s: %d ok, %d exceptions, %d timeouts, %d cancelled, "
           "%d session resets, %d bad; %d cancel calls\n",
           STRESS_THREADS * STRESS_RUNS, (now_ms() - t0) / 1e3, ok, exc, timeouts, cancelled,
           resets, bad, cc.cancels);
    if (late) printf("    stress: %d short runs took over 50 ms and timed out\n", late);
    /* The mix happened: some of each. */
    CHECK(ok > STRESS_THREADS * STRESS_RUNS / 4);
    CHECK(exc > 0 && timeouts > 0 && cancelled > 0);
}

/* ======================================================================
 * 6. Snapshots
 * ====================================================================== */

static const char *child_path; /* build/tests/snapshot_child, next to this program */

/* A session with rich_state_code run in it, and its snapshot. */
static eryx_sandbox *rich_session(void **blob, size_t *len) {
    eryx_sandbox *s = new_session();
    EXPECT_OUTPUT(s, rich_state_code, "");
    *blob = NULL;
    *len = 0;
    CHECK(eryx_sandbox_snapshot(s, blob, len) == ERYX_OK);
    CHECK(*blob != NULL && *len > 0);
    return s;
}

static void test_snapshot_roundtrip(void) {
    void *blob;
    size_t len;
    eryx_sandbox *a = rich_session(&blob, &len);
    eryx_sandbox *b = new_session();
    char err[256] = "";
    CHECK(eryx_sandbox_restore(b, blob, len, err, sizeof err) == ERYX_OK);
    if (err[0]) fprintf(stderr, "    restore: %s\n", err);
    EXPECT_OUTPUT(b, rich_check_code, rich_check_expected);
    EXPECT_OUTPUT(b, rich_next_code, rich_next_expected);
    /* The original goes on by itself, unaffected by the snapshot or the copy. */
    EXPECT_OUTPUT(a, rich_check_code, rich_check_expected);
    EXPECT_OUTPUT(a, "print(next(it))", "30\n");
    EXPECT_OUTPUT(b, "print(next(it))", "40\n");
    /* The restored session imports, defines and keeps state like any other. */
    EXPECT_OUTPUT(b, "import fractions\nh = fractions.Fraction(1, 3) * 3\n", "");
    EXPECT_OUTPUT(b, "print(h, sq(f(0)))", "1 1764\n");
    /* Restoring again replaces everything with the snapshot's state. */
    CHECK(eryx_sandbox_restore(b, blob, len, err, sizeof err) == ERYX_OK);
    EXPECT_OUTPUT(b, rich_check_code, rich_check_expected);
    EXPECT_UNDEFINED(b, "h");
    /* A restored session can be reset. */
    CHECK(eryx_sandbox_reset(b) == ERYX_OK);
    EXPECT_UNDEFINED(b, "g");
    eryx_free(blob);
    eryx_sandbox_free(a);
    eryx_sandbox_free(b);
}

static void test_snapshot_size(void) {
    eryx_sandbox *s = new_session();
    void *blob = NULL;
    size_t empty_len = 0, len = 0;
    CHECK(eryx_sandbox_snapshot(s, &blob, &empty_len) == ERYX_OK);
    eryx_free(blob);
    EXPECT_OUTPUT(s,
                  "a = 1\nb = 'text' * 10\nc = [1, 2.5, None, {'k': (1, 2)}]\n"
                  "def f(x):\n    return x + a\n"
                  "def g(y):\n    return f(y) * 2\n"
                  "class K:\n    def m(self):\n        return g(1)\n",
                  "");
    blob = NULL;
    CHECK(eryx_sandbox_snapshot(s, &blob, &len) == ERYX_OK);
    printf("    snapshot size: %zu bytes fresh, %zu bytes with a few definitions\n", empty_len,
           len);
    CHECK(len > 0 && len < 1000000);
    eryx_sandbox *t = new_session();
    char err[256] = "";
    CHECK(eryx_sandbox_restore(t, blob, len, err, sizeof err) == ERYX_OK);
    EXPECT_OUTPUT(t, "print(K().m(), b[:8], c[3]['k'])", "4 texttext (1, 2)\n");
    eryx_free(blob);
    eryx_sandbox_free(t);
    eryx_sandbox_free(s);
}

static void test_snapshot_bad_arguments(void) {
    void *blob = (void *)1;
    size_t len = 1;
    eryx_sandbox *stateless = new_stateless();
    EXPECT_OUTPUT(stateless, "x = 1", "");
    CHECK(eryx_sandbox_snapshot(stateless, &blob, &len) == ERYX_EINVAL);
    eryx_sandbox_free(stateless);
    CHECK(eryx_sandbox_snapshot(NULL, &blob, &len) == ERYX_EINVAL);
    eryx_sandbox *s = new_session();
    CHECK(eryx_sandbox_snapshot(s, NULL, &len) == ERYX_EINVAL);
    CHECK(eryx_sandbox_snapshot(s, &blob, NULL) == ERYX_EINVAL);
    char err[256] = "";
    CHECK(eryx_sandbox_restore(NULL, "x", 1, err, sizeof err) == ERYX_EINVAL);
    eryx_sandbox_free(s);
}

/* The target of failed restores: `marker` and a generator that advances once
 * per check, so that any change to the state shows. */
typedef struct {
    eryx_sandbox *s;
    int checks;
} restore_target;

static void check_target_intact(restore_target *t, const char *what) {
    char expected[64];
    snprintf(expected, sizeof expected, "42 %d\n", t->checks++);
    eryx_result *r = run(t->s, "print(marker, next(tg))");
    bool ok = r && eryx_result_error_kind(r) == ERYX_ERROR_NONE &&
              !strcmp(eryx_result_stdout(r, NULL), expected);
    if (!ok) fprintf(stderr, "    target changed after: %s\n", what);
    CHECK(ok);
    eryx_result_free(r);
}

/* Distinct error messages of failed restores, for the log. */
static char restore_messages[8][128];
static int restore_attempts;

static void note_message(const char *err) {
    for (int i = 0; i < 8; i++) {
        if (!strcmp(restore_messages[i], err)) return;
        if (!restore_messages[i][0]) {
            snprintf(restore_messages[i], sizeof restore_messages[i], "%s", err);
            return;
        }
    }
}

static void expect_restore_fails(restore_target *t, const void *blob, size_t len,
                                 const char *what) {
    char err[256];
    err[0] = '\0';
    restore_attempts++;
    eryx_status st = eryx_sandbox_restore(t->s, blob, len, err, sizeof err);
    if (err[0]) note_message(err);
    if (st != ERYX_EINVAL)
        fprintf(stderr, "    restore of %s gave %s\n", what, eryx_status_string(st));
    CHECK(st == ERYX_EINVAL);
    if (!err[0]) fprintf(stderr, "    no message for %s\n", what);
    CHECK(err[0] != '\0');
    check_target_intact(t, what);
}

static void test_restore_errors(void) {
    void *good;
    size_t len;
    eryx_sandbox *src = rich_session(&good, &len);
    eryx_sandbox_free(src);
    restore_target t = {.s = new_session()};
    EXPECT_OUTPUT(t.s, "marker = 42\ntg = iter(range(1000))", "");
    check_target_intact(&t, "nothing");
    char what[96];
    uint8_t *copy = malloc(len + 1);

    /* Truncated: every 1/7th prefix (the empty one included). */
    for (int k = 0; k < 7; k++) {
        size_t n = len * (size_t)k / 7;
        memcpy(copy, good, n);
        snprintf(what, sizeof what, "a prefix of %zu of %zu bytes", n, len);
        expect_restore_fails(&t, copy, n, what);
    }
    /* One byte short. */
    memcpy(copy, good, len);
    expect_restore_fails(&t, copy, len - 1, "the blob without its last byte");

    /* One byte too many. */
    uint8_t *padded = malloc(len + 1);
    memcpy(padded, good, len);
    padded[len] = 0;
    expect_restore_fails(&t, padded, len + 1, "the blob and one more byte");
    free(padded);

    /* One byte flipped: every byte of the first 128 (the header: magic,
     * build identity, sizes, checksum; the start of the payload), then the
     * middle and the end. */
    size_t positions[140], npos = 0;
    for (size_t i = 0; i < 128 && i < len; i++)
        positions[npos++] = i;
    size_t more[] = {len / 3, len / 2, len / 2 + 1, 2 * len / 3, len - 2, len - 1};
    for (size_t i = 0; i < sizeof more / sizeof *more; i++)
        if (more[i] < len) positions[npos++] = more[i];
    for (size_t i = 0; i < npos; i++) {
        memcpy(copy, good, len);
        copy[positions[i]] ^= 0xFF;
        snprintf(what, sizeof what, "the blob with byte %zu of %zu flipped", positions[i], len);
        expect_restore_fails(&t, copy, len, what);
        memcpy(copy, good, len);
        copy[positions[i]] ^= 0x01;
        snprintf(what, sizeof what, "the blob with bit 0 of byte %zu flipped", positions[i]);
        expect_restore_fails(&t, copy, len, what);
    }

    /* Random bytes, and the good header followed by random bytes. */
    uint64_t x = 88172645463325252ull;
    size_t lengths[] = {0, 1, 2, 7, 16, 64, 1000, 65536, len};
    for (size_t i = 0; i < sizeof lengths / sizeof *lengths; i++) {
        size_t n = lengths[i];
        uint8_t *junk = malloc(n ? n : 1);
        for (size_t j = 0; j < n; j++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            junk[j] = (uint8_t)x;
        }
        snprintf(what, sizeof what, "%zu random bytes", n);
        expect_restore_fails(&t, junk, n, what);
        if (n > 128 && n <= len) {
            memcpy(junk, good, 128);
            snprintf(what, sizeof what, "the good first 128 bytes and %zu random ones", n - 128);
            expect_restore_fails(&t, junk, n, what);
        }
        free(junk);
    }

    /* NULL blob. */
    char err[256] = "";
    CHECK(eryx_sandbox_restore(t.s, NULL, 0, err, sizeof err) == ERYX_EINVAL);
    CHECK(err[0] != '\0');
    CHECK(eryx_sandbox_restore(t.s, NULL, 10, err, sizeof err) == ERYX_EINVAL);
    /* No errbuf: still refused, nothing written. */
    CHECK(eryx_sandbox_restore(t.s, copy, 3, NULL, 0) == ERYX_EINVAL);
    check_target_intact(&t, "NULL blobs");

    printf("    %d bad blobs refused; messages:", restore_attempts);
    for (int i = 0; i < 8 && restore_messages[i][0]; i++)
        printf(" \"%s\"", restore_messages[i]);
    printf("\n");

    /* After all that, the good blob still restores. */
    CHECK(eryx_sandbox_restore(t.s, good, len, err, sizeof err) == ERYX_OK);
    EXPECT_UNDEFINED(t.s, "marker");
    EXPECT_OUTPUT(t.s, rich_check_code, rich_check_expected);
    free(copy);
    eryx_free(good);
    eryx_sandbox_free(t.s);
}

static void test_restore_into_stateless(void) {
    void *good;
    size_t len;
    eryx_sandbox *src = rich_session(&good, &len);
    eryx_sandbox_free(src);
    eryx_sandbox *s = new_stateless();
    char err[256] = "";
    CHECK(eryx_sandbox_restore(s, good, len, err, sizeof err) == ERYX_EINVAL);
    CHECK(err[0] != '\0');
    EXPECT_UNDEFINED(s, "g");
    eryx_free(good);
    eryx_sandbox_free(s);
}

static void test_snapshot_restore_busy(void) {
    void *good;
    size_t len;
    eryx_sandbox *src = rich_session(&good, &len);
    eryx_sandbox_free(src);
    atomic_int started = 0;
    eryx_sandbox *s = create_flagged(&started, true);
    EXPECT_OUTPUT(s, "marker = 42", "");
    atomic_store(&started, 0);
    bg_run b;
    bg_start(&b, s, "print('started', flush=True)\nwhile True:\n    pass");
    CHECK(wait_flag(&started, 10000));
    char err[256] = "";
    CHECK(eryx_sandbox_restore(s, good, len, err, sizeof err) == ERYX_EBUSY);
    void *blob = NULL;
    size_t blen = 0;
    CHECK(eryx_sandbox_snapshot(s, &blob, &blen) == ERYX_EBUSY);
    CHECK(blob == NULL);
    eryx_sandbox_cancel(s);
    pthread_join(b.thread, NULL);
    CHECK(eryx_result_error_kind(b.r) == ERYX_ERROR_CANCELLED);
    eryx_result_free(b.r);
    /* Idle again: restore works. */
    CHECK(eryx_sandbox_restore(s, good, len, err, sizeof err) == ERYX_OK);
    EXPECT_OUTPUT(s, rich_check_code, rich_check_expected);
    eryx_free(good);
    eryx_sandbox_free(s);
}

/* ---- 7. across processes ---- */

/* Runs snapshot_child FILE CODE; returns its exit status (-1 if it could not
 * run) and its stdout and stderr (caller frees). */
static int run_child(const char *file, const char *code, char **out, char **err) {
    char out_path[] = "/tmp/eryx_child_out_XXXXXX", err_path[] = "/tmp/eryx_child_err_XXXXXX";
    int out_fd = mkstemp(out_path), err_fd = mkstemp(err_path);
    *out = *err = NULL;
    if (out_fd < 0 || err_fd < 0) return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
    char *argv[] = {(char *)child_path, (char *)file, (char *)code, NULL};
    extern char **environ;
    pid_t pid;
    int status = -1;
    if (posix_spawn(&pid, child_path, &fa, NULL, argv, environ) == 0 &&
        waitpid(pid, &status, 0) == pid)
        status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    else
        status = -1;
    posix_spawn_file_actions_destroy(&fa);
    char **dest[] = {out, err};
    int fds[] = {out_fd, err_fd};
    for (int i = 0; i < 2; i++) {
        off_t size = lseek(fds[i], 0, SEEK_END);
        *dest[i] = calloc(1, (size_t)(size > 0 ? size : 0) + 1);
        if (size > 0) CHECK(pread(fds[i], *dest[i], (size_t)size, 0) == size);
        close(fds[i]);
    }
    unlink(out_path);
    unlink(err_path);
    return status;
}

static bool write_file(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) return false;
    bool ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static void test_snapshot_other_process(void) {
    if (access(child_path, X_OK) != 0) {
        fprintf(stderr, "    %s missing: make build/tests/snapshot_child\n", child_path);
        CHECK(0);
        return;
    }
    void *blob;
    size_t len;
    eryx_sandbox *s = rich_session(&blob, &len);
    char path[] = "/tmp/eryx_snapshot_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0) close(fd);
    CHECK(write_file(path, blob, len));

    char *out, *err;
    char code[2048];
    snprintf(code, sizeof code, "%s%s", rich_check_code, rich_next_code);
    int status = run_child(path, code, &out, &err);
    CHECK(status == 0);
    char expected[256];
    snprintf(expected, sizeof expected, "%s%s", rich_check_expected, rich_next_expected);
    CHECK_STR(out, expected);
    if (status != 0) fprintf(stderr, "    child stderr: %s\n", err ? err : "");
    free(out);
    free(err);

    /* A corrupted file is refused there too, with a message. */
    ((uint8_t *)blob)[len / 2] ^= 0xFF;
    CHECK(write_file(path, blob, len));
    status = run_child(path, "print('restored anyway')", &out, &err);
    CHECK(status == 2);
    CHECK_STR(out, "");
    CHECK_CONTAINS(err, "restore failed: ");
    free(out);
    free(err);

    unlink(path);
    eryx_free(blob);
    eryx_sandbox_free(s);
}

static const test_case tests[] = {
    {"stateless_globals_gone", test_stateless_globals_gone},
    {"stateless_imports_gone", test_stateless_imports_gone},
    {"stateless_random_differs", test_stateless_random_differs},
    {"session_keeps_state", test_session_keeps_state},
    {"session_reset", test_session_reset},
    {"session_exception_keeps_state", test_session_exception_keeps_state},
    {"session_timeout_resets", test_session_timeout_resets},
    {"session_memory_limit", test_session_memory_limit},
    {"session_output_cap", test_session_output_cap},
    {"session_sys_exit", test_session_sys_exit},
    {"reset_stateless", test_reset_stateless},
    {"reset_null", test_reset_null},
    {"reset_busy", test_reset_busy},
    {"cancel_tight_loop", test_cancel_tight_loop},
    {"cancel_sleep", test_cancel_sleep},
    {"cancel_long_c_work", test_cancel_long_c_work},
    {"cancel_pending_callback", test_cancel_pending_callback},
    {"cancel_twice_while_running", test_cancel_twice_while_running},
    {"cancel_idle_harmless", test_cancel_idle_harmless},
    {"cancel_session_resets", test_cancel_session_resets},
    {"stress", test_stress},
    {"snapshot_roundtrip", test_snapshot_roundtrip},
    {"snapshot_size", test_snapshot_size},
    {"snapshot_bad_arguments", test_snapshot_bad_arguments},
    {"restore_errors", test_restore_errors},
    {"restore_into_stateless", test_restore_into_stateless},
    {"snapshot_restore_busy", test_snapshot_restore_busy},
    {"snapshot_other_process", test_snapshot_other_process},
};

int main(int argc, char **argv) {
    /* snapshot_child lives next to this program. */
    static char path[4096];
    const char *slash = strrchr(argv[0], '/');
    snprintf(path, sizeof path, "%.*ssnapshot_child", slash ? (int)(slash - argv[0] + 1) : 0,
             argv[0]);
    child_path = path;
    return run_tests(tests, sizeof tests / sizeof *tests, argc > 1 ? argv[1] : NULL);
}
