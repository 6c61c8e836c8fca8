/*
 * test_api.c - the C API against the real sandbox.
 *
 * usage: test_api [FILTER]   runs the tests whose name contains FILTER
 */
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "eryx.h"

/* ---- helpers ---- */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static eryx_sandbox *shared_sandbox; /* default config, reused by most tests */

static eryx_sandbox *new_sandbox(double timeout, uint64_t memory, uint64_t output) {
    eryx_config *config = eryx_config_new();
    if (timeout >= 0) eryx_config_set_timeout(config, timeout);
    if (memory) eryx_config_set_memory_limit(config, memory);
    if (output) eryx_config_set_output_limit(config, output);
    eryx_sandbox *sandbox = NULL;
    char err[256] = "";
    eryx_status st = eryx_sandbox_new(config, &sandbox, err, sizeof err);
    if (st != ERYX_OK) fprintf(stderr, "sandbox_new: %s: %s\n", eryx_status_string(st), err);
    eryx_config_free(config);
    return sandbox;
}

static eryx_result *run_in(eryx_sandbox *sandbox, const char *code) {
    eryx_result *r = NULL;
    eryx_status st = eryx_execute(sandbox, code, strlen(code), &r);
    if (st != ERYX_OK) fprintf(stderr, "execute: %s\n", eryx_status_string(st));
    return r;
}

static eryx_result *run(const char *code) {
    return run_in(shared_sandbox, code);
}

/* Runs code, checks it succeeded and printed `expected` on stdout. */
static void expect_output(const char *code, const char *expected) {
    eryx_result *r = run(code);
    CHECK(r != NULL);
    if (eryx_result_error_kind(r) != ERYX_ERROR_NONE) {
        fprintf(stderr, "    code: %s\n    error: %s\n%s", code,
                eryx_result_error_message(r) ? eryx_result_error_message(r) : "?",
                eryx_result_error_traceback(r) ? eryx_result_error_traceback(r) : "");
    }
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    CHECK_STR(eryx_result_stdout(r, NULL), expected);
    eryx_result_free(r);
}

static void expect_exception(const char *code, const char *type, const char *message) {
    eryx_result *r = run(code);
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_EXCEPTION);
    if (type) CHECK_STR(eryx_result_error_type(r), type);
    if (message) CHECK_CONTAINS(eryx_result_error_message(r), message);
    eryx_result_free(r);
}

/* ---- configuration and lifecycle ---- */

static void test_version(void) {
    CHECK_CONTAINS(eryx_version(), ERYX_VERSION);
    CHECK_CONTAINS(eryx_status_string(ERYX_EBUSY), "busy");
    CHECK(eryx_error_kind_name(ERYX_ERROR_NONE) == NULL);
    CHECK_STR(eryx_error_kind_name(ERYX_ERROR_TIMEOUT), "timeout");
}

static void test_config_validation(void) {
    eryx_config *c = eryx_config_new();
    CHECK(eryx_config_set_timeout(c, -1) == ERYX_EINVAL);
    CHECK(eryx_config_set_timeout(c, NAN) == ERYX_EINVAL);
    CHECK(eryx_config_set_timeout(c, INFINITY) == ERYX_EINVAL);
    CHECK(eryx_config_set_timeout(c, 0.25) == ERYX_OK);
    CHECK(eryx_config_set_timeout(c, 0) == ERYX_OK);
    CHECK(eryx_config_set_memory_limit(c, 1024) == ERYX_EINVAL);
    CHECK(eryx_config_set_memory_limit(c, 5000ull << 20) == ERYX_EINVAL);
    CHECK(eryx_config_set_memory_limit(c, 64ull << 20) == ERYX_OK);
    CHECK(eryx_config_set_output_limit(c, 0) == ERYX_EINVAL);
    CHECK(eryx_config_set_output_limit(NULL, 10) == ERYX_EINVAL);
    CHECK(eryx_config_set_timeout(NULL, 1) == ERYX_EINVAL);
    CHECK(eryx_config_set_memory_limit(NULL, 64ull << 20) == ERYX_EINVAL);
    eryx_config_free(c);
    eryx_config_free(NULL);
}

static void test_lifecycle_bad_arguments(void) {
    char err[64];
    CHECK(eryx_sandbox_new(NULL, NULL, err, sizeof err) == ERYX_EINVAL);
    eryx_result *r = (eryx_result *)1;
    CHECK(eryx_execute(NULL, "x", 1, &r) == ERYX_EINVAL);
    CHECK(r == NULL);
    CHECK(eryx_execute(shared_sandbox, NULL, 5, &r) == ERYX_EINVAL);
    CHECK(eryx_execute(shared_sandbox, "x", 1, NULL) == ERYX_EINVAL);
    eryx_sandbox_free(NULL);
    eryx_result_free(NULL);
    /* Accessors on NULL give neutral values. */
    size_t len = 7;
    CHECK(eryx_result_stdout(NULL, &len) == NULL && len == 0);
    CHECK(eryx_result_error_kind(NULL) == ERYX_ERROR_NONE);
    CHECK(eryx_result_exit_code(NULL) == -1);
    CHECK(eryx_result_to_json(NULL) == NULL);
}

static void test_memory_limit_below_image(void) {
    eryx_config *c = eryx_config_new();
    CHECK(eryx_config_set_memory_limit(c, 32ull << 20) == ERYX_OK);
    eryx_sandbox *s = NULL;
    char err[256] = "";
    eryx_status st = eryx_sandbox_new(c, &s, err, sizeof err);
    /* Either it fits, or the error says why; never a crash. */
    if (st != ERYX_OK) {
        CHECK(s == NULL);
        CHECK_CONTAINS(err, "memory limit");
    } else {
        eryx_result *r = run_in(s, "print(1)");
        CHECK(r != NULL);
        eryx_result_free(r);
    }
    eryx_sandbox_free(s);
    eryx_config_free(c);
}

/* ---- execution basics ---- */

static void test_hello(void) {
    expect_output("print('hello')", "hello\n");
}

static void test_stdout_stderr_separate(void) {
    eryx_result *r =
        run("import sys\nprint('out1')\nprint('err1', file=sys.stderr)\nprint('out2')");
    CHECK_STR(eryx_result_stdout(r, NULL), "out1\nout2\n");
    CHECK_STR(eryx_result_stderr(r, NULL), "err1\n");
    eryx_result_free(r);
}

static void test_output_with_nul_and_unicode(void) {
    eryx_result *r = run("import sys\nsys.stdout.write('a\\0b\\u00e9\\U0001F600')");
    size_t len = 0;
    const char *out = eryx_result_stdout(r, &len);
    CHECK(len == 9);
    CHECK(out && !memcmp(out, "a\0b\xc3\xa9\xf0\x9f\x98\x80", 9));
    eryx_result_free(r);
}

static void test_result_json(void) {
    eryx_result *r = run("result = {'a': [1, 2.5, None, True, 'caf\\u00e9'], 'b': {}}");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    CHECK_STR(eryx_result_json(r), "{\"a\": [1, 2.5, null, true, \"caf\\u00e9\"], \"b\": {}}");
    CHECK(eryx_result_result_error(r) == NULL);
    eryx_result_free(r);
}

static void test_result_not_serializable(void) {
    eryx_result *r = run("result = {1, 2}\nprint('still ran')");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    CHECK(eryx_result_json(r) == NULL);
    CHECK_CONTAINS(eryx_result_result_error(r), "not JSON serializable");
    CHECK_STR(eryx_result_stdout(r, NULL), "still ran\n");
    eryx_result_free(r);
    r = run("result = float('nan')");
    CHECK(eryx_result_json(r) == NULL);
    CHECK(eryx_result_result_error(r) != NULL);
    eryx_result_free(r);
}

static void test_no_result(void) {
    eryx_result *r = run("x = 1");
    CHECK(eryx_result_json(r) == NULL);
    CHECK(eryx_result_result_error(r) == NULL);
    char *json = eryx_result_to_json(r);
    CHECK_CONTAINS(json, "\"result\": null");
    CHECK_CONTAINS(json, "\"error\": null");
    eryx_free(json);
    eryx_result_free(r);
}

static void test_top_level_await(void) {
    eryx_result *r = run("import asyncio\nawait asyncio.sleep(0.01)\n"
                         "async def f(x):\n    await asyncio.sleep(0)\n    return x * 2\n"
                         "result = await f(21)");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    CHECK_STR(eryx_result_json(r), "42");
    eryx_result_free(r);
}

static void test_asyncio_run_and_gather(void) {
    expect_output(
        "import asyncio\n"
        "async def work(i):\n    await asyncio.sleep(0.01 * (3 - i))\n    return i\n"
        "async def main():\n    return await asyncio.gather(*(work(i) for i in range(3)))\n"
        "print(asyncio.run(main()))",
        "[0, 1, 2]\n");
}

static void test_stateless_runs(void) {
    eryx_result *r = run("leaked = 123");
    eryx_result_free(r);
    expect_exception("print(leaked)", "NameError", "leaked");
}

/* ---- errors ---- */

static void test_exception(void) {
    eryx_result *r = run("x = 1\ny = 0\nz = x / y\n");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_EXCEPTION);
    CHECK_STR(eryx_result_error_type(r), "ZeroDivisionError");
    CHECK_STR(eryx_result_error_message(r), "division by zero");
    CHECK(eryx_result_error_lineno(r) == 3);
    CHECK_STR(eryx_result_error_traceback(r), "Traceback (most recent call last):\n"
                                              "  File \"<user>\", line 3, in <module>\n"
                                              "    z = x / y\n"
                                              "        ~~^~~\n"
                                              "ZeroDivisionError: division by zero\n");
    char *json = eryx_result_to_json(r);
    CHECK_CONTAINS(json, "\"kind\": \"exception\"");
    CHECK_CONTAINS(json, "\"lineno\": 3");
    eryx_free(json);
    eryx_result_free(r);
}

static void test_exception_nested_frames(void) {
    eryx_result *r = run("def inner():\n    raise ValueError('bad')\n\n"
                         "def outer():\n    inner()\n\nouter()\n");
    CHECK_STR(eryx_result_error_type(r), "ValueError");
    CHECK(eryx_result_error_lineno(r) == 2);
    CHECK_CONTAINS(eryx_result_error_traceback(r), "line 7, in <module>");
    CHECK_CONTAINS(eryx_result_error_traceback(r), "line 5, in outer");
    CHECK_CONTAINS(eryx_result_error_traceback(r), "line 2, in inner");
    CHECK(!strstr(eryx_result_error_traceback(r), "_eryx_runtime"));
    eryx_result_free(r);
}

static void test_custom_exception_type(void) {
    expect_exception("class Oops(Exception): pass\nraise Oops('x')", "Oops", "x");
    expect_exception("import json\njson.loads('{')", "json.decoder.JSONDecodeError", "Expecting");
}

static void test_syntax_error(void) {
    eryx_result *r = run("x = 1\ny = (\n");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_EXCEPTION);
    CHECK_STR(eryx_result_error_type(r), "SyntaxError");
    CHECK(eryx_result_error_lineno(r) == 2);
    CHECK_CONTAINS(eryx_result_error_traceback(r), "File \"<user>\", line 2");
    eryx_result_free(r);
}

static void test_sys_exit(void) {
    eryx_result *r = run("import sys\nprint('bye')\nsys.exit(3)");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_EXIT);
    CHECK(eryx_result_exit_code(r) == 3);
    CHECK_STR(eryx_result_stdout(r, NULL), "bye\n");
    eryx_result_free(r);
    r = run("import sys\nsys.exit()");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_EXIT);
    CHECK(eryx_result_exit_code(r) == 0);
    eryx_result_free(r);
    r = run("raise SystemExit('fatal: no input')");
    CHECK(eryx_result_exit_code(r) == 1);
    CHECK_STR(eryx_result_stderr(r, NULL), "fatal: no input\n");
    eryx_result_free(r);
}

static void test_site_builtins(void) {
    /* What the site module gives native python: exit, quit, help. */
    eryx_result *r = run("exit(3)");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_EXIT && eryx_result_exit_code(r) == 3);
    eryx_result_free(r);
    expect_output("help(len)", "Help on built-in function len in module builtins:\n\n"
                               "len(obj, /)\n    Return the number of items in a container.\n\n");
    expect_output("import sysconfig\nprint(sysconfig.get_platform())", "wasi-0.0.0-wasm32\n");
}

static void test_recursion(void) {
    expect_exception("def f(n):\n    return f(n + 1)\nf(0)", "RecursionError", "recursion");
    /* C-level recursion (nested containers in repr) is limited the same way. */
    expect_exception("x = []\nfor _ in range(100000):\n    x = [x]\nrepr(x)", "RecursionError",
                     NULL);
    expect_output("print('after recursion')", "after recursion\n");
}

/* ---- limits ---- */

static void expect_timeout(eryx_sandbox *s, const char *code, double limit) {
    double t0 = now_s();
    eryx_result *r = run_in(s, code);
    double elapsed = now_s() - t0;
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_TIMEOUT);
    CHECK_CONTAINS(eryx_result_error_message(r), "timed out");
    if (elapsed > limit + 0.2) fprintf(stderr, "    %s: stopped after %.3f s\n", code, elapsed);
    CHECK(elapsed >= limit && elapsed <= limit + 0.2);
    eryx_result_free(r);
}

static void test_timeout(void) {
    eryx_sandbox *s = new_sandbox(0.5, 0, 0);
    expect_timeout(s, "while True: pass", 0.5);
    expect_timeout(s, "import time\ntime.sleep(100)", 0.5);
    expect_timeout(s, "x = 7 ** (10 ** 9)", 0.5);                            /* one C call */
    expect_timeout(s, "import re\nre.match('(a+)+$', 'a' * 64 + 'b')", 0.5); /* backtracking */
    expect_timeout(s, "import asyncio\nawait asyncio.sleep(100)", 0.5);
    eryx_result *r = run_in(s, "print('healthy')");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    CHECK_STR(eryx_result_stdout(r, NULL), "healthy\n");
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

/* eryx_exec_options.timeout replaces the configured limit for one run. */
static void test_timeout_per_execution(void) {
    eryx_sandbox *s = new_sandbox(0, 0, 0); /* no configured limit */
    const char *loop = "while True: pass";
    eryx_exec_options options = {.timeout = 0.3};
    eryx_result *r = NULL;
    double t0 = now_s();
    CHECK(eryx_execute_ex(s, loop, strlen(loop), &options, &r) == ERYX_OK);
    double elapsed = now_s() - t0;
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_TIMEOUT);
    CHECK_CONTAINS(eryx_result_error_message(r), "after 0.3 s");
    CHECK(elapsed >= 0.3 && elapsed <= 0.5);
    eryx_result_free(r);
    const double bad[] = {-1, NAN, INFINITY, 1e8};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        options.timeout = bad[i];
        r = (eryx_result *)1;
        CHECK(eryx_execute_ex(s, "pass", 4, &options, &r) == ERYX_EINVAL);
        CHECK(r == NULL);
    }
    eryx_sandbox_free(s);
    /* A shorter configured limit is replaced too: the run may go longer. */
    s = new_sandbox(0.1, 0, 0);
    options.timeout = 5;
    const char *nap = "import time\ntime.sleep(0.3)\nresult = 1";
    CHECK(eryx_execute_ex(s, nap, strlen(nap), &options, &r) == ERYX_OK);
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_output_before_timeout_kept(void) {
    eryx_sandbox *s = new_sandbox(0.3, 0, 0);
    eryx_result *r = run_in(s, "print('started')\nwhile True: pass");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_TIMEOUT);
    CHECK_STR(eryx_result_stdout(r, NULL), "started\n");
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_memory_limit(void) {
    eryx_sandbox *s = new_sandbox(20, 128ull << 20, 0);
    const char *cases[] = {
        "x = bytearray(2 * 10**9)",
        "x = bytearray(200 * 2**20)",
        "x = []\nwhile True:\n    x.append(' ' * 100000)",
        "x = []\nwhile True:\n    x.append([0] * 1000)",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        eryx_result *r = run_in(s, cases[i]);
        eryx_error_kind kind = eryx_result_error_kind(r);
        bool memory_error =
            kind == ERYX_ERROR_EXCEPTION && !strcmp(eryx_result_error_type(r), "MemoryError");
        if (!memory_error && kind != ERYX_ERROR_MEMORY) {
            fprintf(stderr, "    %s: kind %d %s\n", cases[i], kind,
                    eryx_result_error_message(r) ? eryx_result_error_message(r) : "");
        }
        CHECK(memory_error || kind == ERYX_ERROR_MEMORY);
        CHECK(eryx_result_peak_memory(r) <= (128ull << 20));
        eryx_result_free(r);
        r = run_in(s, "print(sum(range(10)))");
        CHECK_STR(eryx_result_stdout(r, NULL), "45\n");
        eryx_result_free(r);
    }
    /* Sizes beyond the 32-bit guest's address space behave as on 64-bit
     * CPython: MemoryError (patches/cpython-3.11-sizes-as-64-bit.patch). */
    const char *native64[][2] = {
        {"x = bytearray(10**10)", "MemoryError"}, {"x = b'x' * 10**10", "MemoryError"},
        {"x = [0] * 10**10", "MemoryError"},      {"x = bytes(10**10)", "MemoryError"},
        {"x = bytearray(-10**10)", "ValueError"}, {"x = bytearray(10**30)", "OverflowError"},
    };
    for (size_t i = 0; i < sizeof native64 / sizeof *native64; i++) {
        eryx_result *r = run_in(s, native64[i][0]);
        CHECK(eryx_result_error_kind(r) == ERYX_ERROR_EXCEPTION);
        CHECK_STR(eryx_result_error_type(r), native64[i][1]);
        eryx_result_free(r);
    }
    eryx_result *r = run_in(s, "print([0] * -10**10)");
    CHECK_STR(eryx_result_stdout(r, NULL), "[]\n");
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_output_limit(void) {
    eryx_sandbox *s = new_sandbox(20, 0, 100000);
    eryx_result *r = run_in(s, "while True: print('x' * 1000)");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_OUTPUT);
    size_t out_len = 0;
    eryx_result_stdout(r, &out_len);
    CHECK(out_len == 100000);
    CHECK_CONTAINS(eryx_result_error_message(r), "output limit");
    eryx_result_free(r);
    r = run_in(s, "print('fine')");
    CHECK_STR(eryx_result_stdout(r, NULL), "fine\n");
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_output_limit_default(void) {
    eryx_result *r = run("import sys\nwhile True: sys.stderr.write('y' * 65536)");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_OUTPUT);
    size_t err_len = 0;
    eryx_result_stderr(r, &err_len);
    CHECK(err_len == 16u << 20);
    eryx_result_free(r);
}

/* ---- odd input ---- */

static void test_empty_and_comment_code(void) {
    expect_output("", "");
    expect_output("# just a comment\n   \n# another", "");
    eryx_result *r = NULL;
    CHECK(eryx_execute(shared_sandbox, NULL, 0, &r) == ERYX_OK);
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    eryx_result_free(r);
}

static void test_nul_byte_code(void) {
    eryx_result *r = NULL;
    CHECK(eryx_execute(shared_sandbox, "x = 1\0\nprint(x)", 14, &r) == ERYX_OK);
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_EXCEPTION);
    CHECK_CONTAINS(eryx_result_error_message(r), "null");
    eryx_result_free(r);
}

static void test_invalid_utf8_code(void) {
    eryx_result *r = run("print('\xff\xfe')");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_EXCEPTION);
    CHECK_STR(eryx_result_error_type(r), "SyntaxError");
    char *json = eryx_result_to_json(r);
    CHECK(json != NULL);
    eryx_free(json);
    eryx_result_free(r);
}

static void test_huge_source(void) {
    size_t n = 10u << 20;
    char *code = malloc(n + 1);
    const char *line = "x = 1 + 1\n";
    for (size_t i = 0; i < n; i++)
        code[i] = line[i % 10];
    code[n] = '\0';
    memcpy(code + n - 20, "\nprint('end', x)  #\n", 20);
    eryx_result *r = NULL;
    CHECK(eryx_execute(shared_sandbox, code, n, &r) == ERYX_OK);
    eryx_error_kind kind = eryx_result_error_kind(r);
    CHECK(kind == ERYX_ERROR_NONE || kind == ERYX_ERROR_MEMORY || kind == ERYX_ERROR_EXCEPTION);
    if (kind == ERYX_ERROR_NONE) CHECK_STR(eryx_result_stdout(r, NULL), "end 2\n");
    eryx_result_free(r);
    free(code);
    expect_output("print('ok')", "ok\n");
}

/* ---- isolation ---- */

static void test_no_host_files(void) {
    expect_exception("open('/etc/passwd')", "FileNotFoundError", NULL);
    expect_exception("open('/lib/python3.11/os.py', 'w')", "OSError", NULL);
    expect_exception("open('../../../../etc/hostname')", "FileNotFoundError", NULL);
    expect_output("import os\nprint(sorted(os.listdir('/')))", "['data', 'lib', 'tmp', 'usr']\n");
    expect_output("import os\nprint(os.getcwd(), len(os.listdir('/lib/python3.11')) > 100)",
                  "/data True\n");
}

static void test_no_environment(void) {
    setenv("ERYX_TEST_SECRET", "hunter2", 1);
    expect_output("import os\nprint(dict(os.environ))", "{}\n");
}

static void test_no_sockets_processes_ctypes(void) {
    expect_exception("import socket\nsocket.socket()", "OSError", NULL);
    expect_exception("import socket\nsocket.create_connection(('127.0.0.1', 22))", NULL, NULL);
    expect_exception("import os\nos.system('ls')", "AttributeError", "system");
    expect_exception("import subprocess\nsubprocess.run(['ls'])", NULL, NULL);
    expect_exception("import ctypes", "ModuleNotFoundError", "ctypes");
    expect_exception("import os\nos.fork()", "AttributeError", "fork");
}

/* ---- threads ---- */

typedef struct {
    int index, ok;
} thread_job;

static void *thread_run(void *arg) {
    thread_job *job = arg;
    eryx_sandbox *s = new_sandbox(30, 0, 0);
    char code[256], expected[64];
    snprintf(code, sizeof code,
             "def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
             "print(%d, fib(18))",
             job->index);
    snprintf(expected, sizeof expected, "%d 2584\n", job->index);
    job->ok = s != NULL;
    for (int i = 0; i < 5 && s; i++) {
        eryx_result *r = run_in(s, code);
        job->ok &= r && !strcmp(eryx_result_stdout(r, NULL), expected);
        eryx_result_free(r);
    }
    eryx_sandbox_free(s);
    return NULL;
}

static void test_parallel_sandboxes(void) {
    enum { N = 4 };
    pthread_t threads[N];
    thread_job jobs[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (thread_job){.index = i};
        pthread_create(&threads[i], NULL, thread_run, &jobs[i]);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(threads[i], NULL);
        CHECK(jobs[i].ok);
    }
}

static void *run_long(void *arg) {
    eryx_result *r = run_in(arg, "import time\ntime.sleep(0.5)");
    eryx_result_free(r);
    return NULL;
}

static void *run_deep(void *arg) {
    int *kinds = arg;
    eryx_sandbox *s = new_sandbox(30, 0, 0);
    const char *codes[] = {"import json\nx = []\nfor _ in range(100000):\n    x = [x]\n"
                           "json.dumps(x)",
                           "print('alive')"};
    for (int i = 0; i < 2; i++) {
        eryx_result *r = run_in(s, codes[i]);
        kinds[i] = eryx_result_error_kind(r);
        eryx_result_free(r);
    }
    eryx_sandbox_free(s);
    return NULL;
}

/* On a thread with the least stack eryx takes, deep C recursion in the
 * interpreter runs out of native stack before Python's recursion limit: an
 * error, not a crash, and the sandbox goes on. (Smaller: test_hardening.) */
static void test_small_thread_stack(void) {
    int kinds[2] = {-1, -1};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, ERYX_STACK_MIN);
    pthread_t t;
    CHECK(pthread_create(&t, &attr, run_deep, kinds) == 0);
    pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
    CHECK(kinds[0] == ERYX_ERROR_INTERNAL || kinds[0] == ERYX_ERROR_EXCEPTION);
    CHECK(kinds[1] == ERYX_ERROR_NONE);
}

static void host_fault_handler(int sig) {
    (void)sig;
    _exit(99); /* a host crash reporter that does not chain */
}

/* A host that installs its own SIGSEGV handler after eryx: the next
 * execution takes the signal back, so stops and traps still work. */
static void test_host_replaces_fault_handler(void) {
    eryx_sandbox *s = new_sandbox(0.2, 0, 0);
    struct sigaction mine = {.sa_handler = host_fault_handler}, saved;
    sigemptyset(&mine.sa_mask);
    sigaction(SIGSEGV, &mine, &saved);
    eryx_result *r = run_in(s, "while True: pass");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_TIMEOUT);
    eryx_result_free(r);
    struct sigaction now;
    sigaction(SIGSEGV, NULL, &now);
    CHECK(now.sa_handler != host_fault_handler);
    sigaction(SIGSEGV, &saved, NULL);
    eryx_sandbox_free(s);
}

static void test_busy_sandbox(void) {
    eryx_sandbox *s = new_sandbox(5, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, run_long, s);
    usleep(200000);
    eryx_result *r = NULL;
    CHECK(eryx_execute(s, "pass", 4, &r) == ERYX_EBUSY);
    CHECK(r == NULL);
    pthread_join(t, NULL);
    CHECK(eryx_execute(s, "pass", 4, &r) == ERYX_OK);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_stats(void) {
    eryx_result *r = run("x = [0] * 1000000");
    CHECK(eryx_result_duration_ms(r) > 0);
    CHECK(eryx_result_peak_memory(r) > (4u << 20));
    CHECK(eryx_result_callback_invocations(r) == 0);
    char *json = eryx_result_to_json(r);
    CHECK_CONTAINS(json, "\"peak_memory_bytes\": ");
    CHECK_CONTAINS(json, "\"callback_invocations\": 0");
    eryx_free(json);
    eryx_result_free(r);
}

static const test_case tests[] = {
    {"version", test_version},
    {"config_validation", test_config_validation},
    {"lifecycle_bad_arguments", test_lifecycle_bad_arguments},
    {"memory_limit_below_image", test_memory_limit_below_image},
    {"hello", test_hello},
    {"stdout_stderr_separate", test_stdout_stderr_separate},
    {"output_with_nul_and_unicode", test_output_with_nul_and_unicode},
    {"result_json", test_result_json},
    {"result_not_serializable", test_result_not_serializable},
    {"no_result", test_no_result},
    {"top_level_await", test_top_level_await},
    {"asyncio_run_and_gather", test_asyncio_run_and_gather},
    {"stateless_runs", test_stateless_runs},
    {"exception", test_exception},
    {"exception_nested_frames", test_exception_nested_frames},
    {"custom_exception_type", test_custom_exception_type},
    {"syntax_error", test_syntax_error},
    {"sys_exit", test_sys_exit},
    {"site_builtins", test_site_builtins},
    {"recursion", test_recursion},
    {"timeout", test_timeout},
    {"timeout_per_execution", test_timeout_per_execution},
    {"output_before_timeout_kept", test_output_before_timeout_kept},
    {"memory_limit", test_memory_limit},
    {"output_limit", test_output_limit},
    {"output_limit_default", test_output_limit_default},
    {"empty_and_comment_code", test_empty_and_comment_code},
    {"nul_byte_code", test_nul_byte_code},
    {"invalid_utf8_code", test_invalid_utf8_code},
    {"huge_source", test_huge_source},
    {"no_host_files", test_no_host_files},
    {"no_environment", test_no_environment},
    {"no_sockets_processes_ctypes", test_no_sockets_processes_ctypes},
    {"parallel_sandboxes", test_parallel_sandboxes},
    {"small_thread_stack", test_small_thread_stack},
    {"host_replaces_fault_handler", test_host_replaces_fault_handler},
    {"busy_sandbox", test_busy_sandbox},
    {"stats", test_stats},
};

int main(int argc, char **argv) {
    shared_sandbox = new_sandbox(-1, 0, 0);
    if (!shared_sandbox) {
        printf("0 passed, 1 failed\n");
        return 1;
    }
    int status = run_tests(tests, sizeof tests / sizeof *tests, argc > 1 ? argv[1] : NULL);
    eryx_sandbox_free(shared_sandbox);
    return status;
}
