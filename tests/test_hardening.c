/*
 * test_hardening.c - what a hostile guest must not do to the host, through
 * the C API against the real sandbox: exhaust the native stack inside host
 * code, forge or bloat how its outcome is reported, run without its
 * timeout, hand output handlers guest memory. Callback invocations and
 * their handles are in test_call_handles.c.
 *
 * usage: test_hardening [FILTER]
 *        test_hardening --watchdog-child   (run by test_watchdog_thread_limit)
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "eryx.h"

/* ---- helpers ---- */

static eryx_sandbox *make(eryx_config *config, bool session) {
    eryx_sandbox *s = NULL;
    char err[256] = "";
    eryx_status st = session ? eryx_session_new(config, &s, err, sizeof err)
                             : eryx_sandbox_new(config, &s, err, sizeof err);
    if (st != ERYX_OK) fprintf(stderr, "    sandbox: %s: %s\n", eryx_status_string(st), err);
    return s;
}

static eryx_result *run(eryx_sandbox *s, const char *code) {
    eryx_result *r = NULL;
    eryx_status st = eryx_execute(s, code, strlen(code), &r);
    if (st != ERYX_OK) fprintf(stderr, "    execute: %s\n", eryx_status_string(st));
    return r;
}

static void expect_stdout(eryx_sandbox *s, const char *code, const char *expected) {
    eryx_result *r = run(s, code);
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    CHECK_STR(eryx_result_stdout(r, NULL), expected);
    eryx_result_free(r);
}

/* Runs fn(arg) on a new thread with a stack of `size` bytes and waits. */
static void on_thread(size_t size, void *(*fn)(void *), void *arg) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    CHECK(pthread_attr_setstacksize(&attr, size) == 0);
    pthread_t thread;
    CHECK(pthread_create(&thread, &attr, fn, arg) == 0);
    pthread_join(thread, NULL);
    pthread_attr_destroy(&attr);
}

/* ---- native stack (item 1 of issue 9) ---- */

/* An output handler that does real work with the C library. */
static FILE *devnull;
static void fprintf_output(void *ud, eryx_stream stream, const char *data, size_t len) {
    (void)ud;
    fprintf(devnull, "%d %.*s", (int)stream, (int)len, data);
}

static void fprintf_trace(void *ud, const eryx_trace_event *e) {
    (void)ud;
    char *json = eryx_trace_event_to_json(e);
    fprintf(devnull, "%s\n", json ? json : "");
    eryx_free(json);
}

static void fprintf_callback(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    fprintf(devnull, "%s %s\n", eryx_call_name(call), args);
    eryx_call_complete(call, "1");
}

/* C-level recursion (repr calls __repr__) that prints, traces and calls
 * the host at every level, until the native stack runs out. */
static const char recursive_repr[] = "import sys, _eryx_host\n"
                                     "sys.setrecursionlimit(10**8)\n"
                                     "class A:\n"
                                     "    def __init__(self, n): self.n = n\n"
                                     "    def __repr__(self):\n"
                                     "        print('x', end='')\n"
                                     "        _eryx_host.callback_start('note', '{}', 0)\n"
                                     "        return repr(A(self.n + 1))\n"
                                     "repr(A(0))\n";

typedef struct {
    int trace;      /* run with tracing on */
    int kind;       /* how the deep run ended */
    char msg[256];  /* its message */
    bool recovered; /* the same sandbox then ran code normally */
} stack_case;

static void *stack_worker(void *arg) {
    stack_case *sc = arg;
    eryx_config *c = eryx_config_new();
    eryx_config_set_output_handler(c, fprintf_output, NULL);
    eryx_config_add_callback(c, "note", NULL, NULL, fprintf_callback, NULL);
    eryx_config_set_max_callbacks(c, 0);
    if (sc->trace) eryx_config_set_trace(c, fprintf_trace, NULL, 0);
    eryx_sandbox *s = make(c, true);
    eryx_config_free(c);
    if (!s) return NULL;
    eryx_result *r = run(s, recursive_repr);
    sc->kind = eryx_result_error_kind(r);
    snprintf(sc->msg, sizeof sc->msg, "%s",
             eryx_result_error_message(r) ? eryx_result_error_message(r) : "");
    eryx_result_free(r);
    r = run(s, "print('fine')");
    sc->recovered = r && eryx_result_error_kind(r) == ERYX_ERROR_NONE &&
                    !strcmp(eryx_result_stdout(r, NULL), "fine\n");
    eryx_result_free(r);
    eryx_sandbox_free(s);
    return NULL;
}

/* Threads from 256 KiB to 8 MiB, handlers that call into the C library:
 * every deep run ends as out of stack and the process goes on. Below
 * ERYX_STACK_MIN the execution does not even start. */
static void test_stack_on_small_threads(void) {
    static const size_t kib[] = {64, 256, 384, 512, 768, 1024, 2048, 4096, 8192};
    for (size_t i = 0; i < sizeof kib / sizeof *kib; i++) {
        for (int trace = 0; trace <= 1; trace++) {
            stack_case sc = {.trace = trace, .kind = -1};
            on_thread(kib[i] * 1024, stack_worker, &sc);
            if (sc.kind != ERYX_ERROR_INTERNAL || !strstr(sc.msg, "ran out of stack") ||
                (!sc.recovered && kib[i] * 1024 >= ERYX_STACK_MIN)) {
                fprintf(stderr, "    %zu KiB, trace %d: kind %d \"%s\", recovered %d\n", kib[i],
                        trace, sc.kind, sc.msg, sc.recovered);
            }
            CHECK(sc.kind == ERYX_ERROR_INTERNAL);
            CHECK_CONTAINS(sc.msg, "ran out of stack");
            if (kib[i] * 1024 < ERYX_STACK_MIN)
                CHECK_CONTAINS(sc.msg, "eryx_execute needs");
            else
                CHECK(sc.recovered);
        }
    }
}

/* The case of the issue: a session, a list nested tens of thousands deep,
 * json.dumps calling print at the bottom. Every depth around the one where
 * the stack runs out, one by one: each either works or is out of stack. */
typedef struct {
    eryx_sandbox *session;
    int depth;
    int kind;
} dumps_case;

static void dumps_at(dumps_case *d) {
    char code[512];
    snprintf(code, sizeof code,
             "import sys, json\nsys.setrecursionlimit(10**8)\nl = object()\n"
             "for _ in range(%d): l = [l]\njson.dumps(l, default=print)\ndel l\n",
             d->depth);
    eryx_result *r = run(d->session, code);
    d->kind = eryx_result_error_kind(r);
    if (d->kind != ERYX_ERROR_NONE && d->kind != ERYX_ERROR_INTERNAL) {
        fprintf(stderr, "    depth %d: %s\n", d->depth, eryx_result_error_message(r));
    }
    eryx_result_free(r);
}

static void *dumps_worker(void *arg) {
    dumps_case *d = arg;
    eryx_config *c = eryx_config_new();
    eryx_config_set_output_handler(c, fprintf_output, NULL);
    d->session = make(c, true);
    eryx_config_free(c);
    if (!d->session) return NULL;
    /* The first depth that runs out of stack. */
    int lo = 1000, hi = 200000;
    while (hi - lo > 1) {
        d->depth = (lo + hi) / 2;
        dumps_at(d);
        if (d->kind == ERYX_ERROR_NONE)
            lo = d->depth;
        else
            hi = d->depth;
    }
    int ok = 0, out_of_stack = 0, other = 0;
    for (d->depth = hi - 150; d->depth < hi + 20; d->depth++) {
        dumps_at(d);
        if (d->kind == ERYX_ERROR_NONE)
            ok++;
        else if (d->kind == ERYX_ERROR_INTERNAL)
            out_of_stack++;
        else
            other++;
    }
    CHECK(ok > 0 && out_of_stack > 0 && other == 0);
    expect_stdout(d->session, "print('alive')", "alive\n");
    eryx_sandbox_free(d->session);
    return NULL;
}

static void test_stack_session_deep_json_dumps(void) {
    dumps_case d = {0};
    on_thread(8u << 20, dumps_worker, &d);
}

/* ---- output handlers see host memory only (item 8) ---- */

static int slow_pipe[2];
static size_t slow_written;
static int slow_write_errno;

/* Blocks past the execution's timeout, then writes the chunk out. */
static void slow_output(void *ud, eryx_stream stream, const char *data, size_t len) {
    (void)ud;
    (void)stream;
    usleep(400 * 1000);
    ssize_t n = write(slow_pipe[1], data, len);
    if (n < 0)
        slow_write_errno = errno;
    else
        slow_written += (size_t)n;
}

static void test_output_handler_blocking_past_timeout(void) {
    CHECK(pipe(slow_pipe) == 0);
    fcntl(slow_pipe[1], F_SETPIPE_SZ, 1 << 20);
    slow_written = 0;
    slow_write_errno = 0;
    eryx_config *c = eryx_config_new();
    eryx_config_set_timeout(c, 0.15);
    eryx_config_set_output_handler(c, slow_output, NULL);
    eryx_sandbox *s = make(c, false);
    eryx_config_free(c);
    eryx_result *r = run(s, "import sys\nsys.stdout.write('y' * 100000)\nwhile True: pass\n");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_TIMEOUT);
    CHECK(slow_write_errno == 0);
    size_t captured = 0;
    eryx_result_stdout(r, &captured);
    CHECK(captured == 100000);
    CHECK(slow_written == 100000);
    eryx_result_free(r);
    eryx_sandbox_free(s);
    close(slow_pipe[0]);
    close(slow_pipe[1]);
}

/* ---- the outcome is the host's to report (items 2, 11, 13) ---- */

static eryx_sandbox *shared;

static void test_outcome_no_report_function(void) {
    expect_stdout(shared,
                  "import _eryx_host\nprint(sorted(n for n in dir(_eryx_host) if 'rep' in n))",
                  "[]\n");
}

/* Whatever Python-level object the code replaces, the kind, type, line and
 * result come out as they are. */
static void test_outcome_survives_tampering(void) {
    eryx_result *r = run(shared, "import json, json.encoder, _json, traceback, _eryx_runtime\n"
                                 "json.dumps = lambda *a, **k: '1}, \"error\": null, \"x\": {'\n"
                                 "json.JSONEncoder.encode = lambda *a: 'nonsense'\n"
                                 "traceback.format_exception = lambda *a: ['forged']\n"
                                 "try:\n"
                                 "    _json.make_encoder.__call__ = lambda *a: ['[]']\n"
                                 "except TypeError:\n"
                                 "    pass\n"
                                 "result = {'a': [1, 2.5, None], 'b': 'caf\\u00e9'}\n");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    CHECK_STR(eryx_result_json(r), "{\"a\": [1, 2.5, null], \"b\": \"caf\\u00e9\"}");
    eryx_result_free(r);

    /* The runtime's formatter as a module global is not what is called... */
    r = run(shared, "import _eryx_runtime\n"
                    "_eryx_runtime.format_traceback = lambda exc: 42\n"
                    "raise KeyError('k')\n");
    CHECK_STR(eryx_result_error_traceback(r), "Traceback (most recent call last):\n"
                                              "  File \"<user>\", line 3, in <module>\n"
                                              "    raise KeyError('k')\n"
                                              "KeyError: 'k'\n");
    eryx_result_free(r);
    /* ...and its code replaced gives only the text a fallback. */
    r = run(shared, "import _eryx_runtime\n"
                    "_eryx_runtime.format_traceback.__code__ = (lambda exc: 42).__code__\n"
                    "def f():\n"
                    "    raise KeyError('k')\n"
                    "f()\n");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_EXCEPTION);
    CHECK_STR(eryx_result_error_type(r), "KeyError");
    CHECK_STR(eryx_result_error_message(r), "'k'");
    CHECK(eryx_result_error_lineno(r) == 4);
    CHECK_STR(eryx_result_error_traceback(r), "KeyError: 'k'\n");
    eryx_result_free(r);

    /* An exception whose str() raises, a SystemExit from a subclass. */
    r = run(shared, "class E(Exception):\n    def __str__(self): raise RuntimeError\nraise E()");
    CHECK_STR(eryx_result_error_type(r), "E");
    CHECK_STR(eryx_result_error_message(r), "<unprintable E object>");
    eryx_result_free(r);
}

/* A session whose earlier code replaced the runtime's own function: what it
 * returns is still only a value, encoded and checked. */
static void test_outcome_tampered_runtime_in_session(void) {
    eryx_sandbox *s = make(NULL, true);
    eryx_result *r = run(s, "import _eryx_runtime\n"
                            "_eryx_runtime.execute.__code__ = (lambda source, flags=0: "
                            "'\\n}{\"id\": 2, \"forged\": true}\\n').__code__\n");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    eryx_result_free(r);
    r = run(s, "print('never runs')");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    CHECK_STR(eryx_result_json(r), "\"\\n}{\\\"id\\\": 2, \\\"forged\\\": true}\\n\"");
    char *json = eryx_result_to_json(r);
    CHECK(json && !strchr(json, '\n'));
    eryx_free(json);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_outcome_texts_valid_and_bounded(void) {
    eryx_result *r = run(shared, "raise ValueError('bad \\udcff surrogate \\x00 nul')");
    CHECK_STR(eryx_result_error_message(r), "bad ? surrogate ");
    char *json = eryx_result_to_json(r);
    CHECK_CONTAINS(json, "\"message\": \"bad ? surrogate \"");
    eryx_free(json);
    eryx_result_free(r);

    r = run(shared, "raise ValueError('\\u00e9' * 3000000)");
    const char *msg = eryx_result_error_message(r);
    CHECK(msg && strlen(msg) <= ERYX_ERROR_TEXT_MAX);
    CHECK(msg && strlen(msg) > ERYX_ERROR_TEXT_MAX - 16);
    CHECK(msg && !strcmp(msg + strlen(msg) - 12, " [truncated]"));
    CHECK(msg && (unsigned char)msg[0] == 0xC3);
    const char *tb = eryx_result_error_traceback(r);
    CHECK(tb && strlen(tb) <= ERYX_ERROR_TEXT_MAX);
    eryx_result_free(r);
}

static void test_result_bounds(void) {
    eryx_config *c = eryx_config_new();
    eryx_config_set_memory_limit(c, 1024ull << 20);
    eryx_sandbox *s = make(c, false);
    eryx_config_free(c);
    eryx_result *r = run(s, "result = 'x' * (64 * 1024 * 1024)");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    CHECK(eryx_result_json(r) == NULL);
    CHECK_CONTAINS(eryx_result_result_error(r), "more than the limit of 67108864");
    eryx_result_free(r);
    r = run(s, "result = 'x' * (64 * 1024 * 1024 - 2)");
    CHECK(eryx_result_json(r) && strlen(eryx_result_json(r)) == ERYX_RESULT_MAX);
    eryx_result_free(r);

    r = run(s, "l = []\nfor _ in range(300): l = [l]\nresult = l");
    CHECK(eryx_result_json(r) == NULL);
    CHECK_STR(eryx_result_result_error(r), "the result nests deeper than 256 levels");
    eryx_result_free(r);
    r = run(s, "l = []\nfor _ in range(255): l = [l]\nresult = l");
    CHECK(eryx_result_json(r) != NULL);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

/* sys.exit as python3.11 exits (tests/test_hardening.py compares with the
 * real program). */
static void test_exit_codes(void) {
    static const struct {
        const char *arg;
        int status;
    } cases[] = {
        {"2**100", 255}, {"-2**100", 255}, {"-1", 255}, {"256", 0},       {"2**32 + 3", 3},
        {"2**63", 255},  {"-2**63", 0},    {"True", 1}, {"None", 0},      {"'bye'", 1},
        {"1.5", 1},      {"7", 7},         {"-256", 0}, {"2**40 + 9", 9},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char code[128];
        snprintf(code, sizeof code, "import sys\nsys.exit(%s)", cases[i].arg);
        eryx_result *r = run(shared, code);
        CHECK(eryx_result_error_kind(r) == ERYX_ERROR_EXIT);
        if (eryx_result_exit_code(r) != cases[i].status) {
            fprintf(stderr, "    sys.exit(%s): %d, expected %d\n", cases[i].arg,
                    eryx_result_exit_code(r), cases[i].status);
        }
        CHECK(eryx_result_exit_code(r) == cases[i].status);
        eryx_result_free(r);
    }
    eryx_result *r = run(shared, "raise SystemExit('bye')");
    CHECK_STR(eryx_result_stderr(r, NULL), "bye\n");
    CHECK_STR(eryx_result_error_message(r), "bye");
    eryx_result_free(r);
}

/* ---- timeouts fail closed (item 7) ---- */

/* In a fresh process as an unprivileged user whose process limit is
 * reached: no watchdog thread can be created. Prints what it saw. */
static int watchdog_child(void) {
    eryx_config *c = eryx_config_new();
    eryx_config_set_timeout(c, 0.3);
    eryx_sandbox *s = make(c, false);
    eryx_config_free(c);
    if (!s) return 2;
    if (getuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) return 3;
    struct rlimit rl;
    getrlimit(RLIMIT_NPROC, &rl);
    struct rlimit low = {.rlim_cur = 1, .rlim_max = rl.rlim_max};
    if (setrlimit(RLIMIT_NPROC, &low) != 0) return 4;
    eryx_result *r = run(s, "while True: pass");
    printf("limited: %s: %s\n", eryx_error_kind_name(eryx_result_error_kind(r)),
           eryx_result_error_message(r));
    eryx_result_free(r);
    setrlimit(RLIMIT_NPROC, &rl);
    r = run(s, "while True: pass");
    printf("restored: %s: %s\n", eryx_error_kind_name(eryx_result_error_kind(r)),
           eryx_result_error_message(r));
    eryx_result_free(r);
    eryx_sandbox_free(s);
    return 0;
}

static const char *self_path;

static void test_watchdog_thread_limit(void) {
    int out[2];
    CHECK(pipe(out) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        execl(self_path, self_path, "--watchdog-child", (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    char buf[1024] = "";
    size_t got = 0;
    ssize_t n;
    while ((n = read(out[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)n;
    buf[got] = '\0';
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_CONTAINS(buf, "limited: internal: cannot enforce the timeout: the watchdog thread could "
                        "not be created (Resource temporarily unavailable)");
    CHECK_CONTAINS(buf, "restored: timeout: execution timed out after 0.3 s");
}

/* After fork() the child has no watchdog thread: it must start its own. */
static void test_watchdog_after_fork(void) {
    eryx_config *c = eryx_config_new();
    eryx_config_set_timeout(c, 0.2);
    eryx_sandbox *s = make(c, false);
    eryx_config_free(c);
    eryx_result *r = run(s, "pass"); /* the parent's watchdog runs */
    eryx_result_free(r);
    pid_t pid = fork();
    if (pid == 0) {
        eryx_result *child = run(s, "while True: pass");
        _exit(eryx_result_error_kind(child) == ERYX_ERROR_TIMEOUT ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    eryx_sandbox_free(s);
}

static const test_case tests[] = {
    {"stack_on_small_threads", test_stack_on_small_threads},
    {"stack_session_deep_json_dumps", test_stack_session_deep_json_dumps},
    {"output_handler_blocking_past_timeout", test_output_handler_blocking_past_timeout},
    {"outcome_no_report_function", test_outcome_no_report_function},
    {"outcome_survives_tampering", test_outcome_survives_tampering},
    {"outcome_tampered_runtime_in_session", test_outcome_tampered_runtime_in_session},
    {"outcome_texts_valid_and_bounded", test_outcome_texts_valid_and_bounded},
    {"result_bounds", test_result_bounds},
    {"exit_codes", test_exit_codes},
    {"watchdog_thread_limit", test_watchdog_thread_limit},
    {"watchdog_after_fork", test_watchdog_after_fork},
};

int main(int argc, char **argv) {
    self_path = argv[0];
    if (argc > 1 && !strcmp(argv[1], "--watchdog-child")) return watchdog_child();
    devnull = fopen("/dev/null", "w");
    shared = make(NULL, false);
    if (!devnull || !shared) {
        printf("0 passed, 1 failed\n");
        return 1;
    }
    int status = run_tests(tests, sizeof tests / sizeof *tests, argc > 1 ? argv[1] : NULL);
    eryx_sandbox_free(shared);
    return status;
}
