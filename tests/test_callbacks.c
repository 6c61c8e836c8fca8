/*
 * test_callbacks.c - host callbacks, tracing and output streaming through
 * the C API, against the real sandbox.
 *
 * usage: test_callbacks [FILTER]
 */
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "eryx.h"
#include "slow_callback.h"

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- callback handlers ---- */

/* echo: completes at once with {"echo": <args>}. */
static void echo(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    char buf[4096];
    snprintf(buf, sizeof buf, "{\"echo\": %s}", args);
    eryx_call_complete(call, buf);
}

static void get_time(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    (void)args;
    eryx_call_complete(call, "1700000000.5");
}

static void fail(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    (void)args;
    eryx_call_fail(call, "database is down");
}

static void bad_utf8(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    (void)args;
    eryx_call_fail(call, "bad \xff byte");
}

static void bad_json(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    (void)args;
    eryx_call_complete(call, "{not json");
}

/* never: keeps the call until the test completes it (or never). */
static eryx_call *kept_call;
static void never(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    (void)args;
    kept_call = call;
}

static const char *echo_schema =
    "{\"type\": \"object\", \"properties\": {\"message\": {\"type\": \"string\"}, "
    "\"count\": {\"type\": \"integer\"}}}";

static eryx_config *callback_config(void) {
    eryx_config *c = eryx_config_new();
    eryx_config_add_callback(c, "echo", "Echoes its arguments", echo_schema, echo, NULL);
    eryx_config_add_callback(c, "get_time", "Current time", NULL, get_time, NULL);
    eryx_config_add_callback(c, "http.get", "Fetch a URL",
                             "{\"properties\": {\"url\": {\"type\": \"string\"}}}", echo, NULL);
    eryx_config_add_callback(c, "fail", NULL, NULL, fail, NULL);
    eryx_config_add_callback(c, "bad_json", NULL, NULL, bad_json, NULL);
    eryx_config_add_callback(c, "bad_utf8", NULL, NULL, bad_utf8, NULL);
    eryx_config_add_callback(c, "slow", NULL, NULL, slow, NULL);
    eryx_config_add_callback(c, "never", NULL, NULL, never, NULL);
    return c;
}

static eryx_sandbox *make(eryx_config *c) {
    eryx_sandbox *s = NULL;
    char err[256];
    if (eryx_sandbox_new(c, &s, err, sizeof err) != ERYX_OK) fprintf(stderr, "new: %s\n", err);
    return s;
}

static eryx_result *run(eryx_sandbox *s, const char *code) {
    eryx_result *r = NULL;
    eryx_execute(s, code, strlen(code), &r);
    if (r && eryx_result_error_kind(r) == ERYX_ERROR_EXCEPTION)
        fprintf(stderr, "%s", eryx_result_error_traceback(r));
    return r;
}

static eryx_sandbox *callbacks_sandbox(void) {
    eryx_config *c = callback_config();
    eryx_sandbox *s = make(c);
    eryx_config_free(c);
    return s;
}

/* A sandbox of config `c` (freed) with tracing to fn and/or collected. */
static eryx_sandbox *traced(eryx_config *c, eryx_trace_fn fn, void *userdata, int collect) {
    eryx_config_set_trace(c, fn, userdata, collect);
    eryx_sandbox *s = make(c);
    eryx_config_free(c);
    return s;
}

/* ---- registration ---- */

static void test_register_validation(void) {
    eryx_config *c = eryx_config_new();
    CHECK(eryx_config_add_callback(c, "ok_name", NULL, NULL, echo, NULL) == ERYX_OK);
    CHECK(eryx_config_add_callback(c, "ok_name", NULL, NULL, echo, NULL) == ERYX_EINVAL);
    CHECK(eryx_config_add_callback(c, "a.b.c", NULL, NULL, echo, NULL) == ERYX_OK);
    const char *bad[] = {"", "1x", "a..b", ".a", "a.", "a-b", "a b", "é", "class", "http.import"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK(eryx_config_add_callback(c, bad[i], NULL, NULL, echo, NULL) == ERYX_EINVAL);
    CHECK(eryx_config_add_callback(c, NULL, NULL, NULL, echo, NULL) == ERYX_EINVAL);
    CHECK(eryx_config_add_callback(c, "nofn", NULL, NULL, NULL, NULL) == ERYX_EINVAL);
    CHECK(eryx_config_add_callback(c, "s1", NULL, "[1, 2]", echo, NULL) == ERYX_EINVAL);
    CHECK(eryx_config_add_callback(c, "s2", NULL, "{bad", echo, NULL) == ERYX_EINVAL);
    CHECK(eryx_config_set_callback_timeout(c, -1) == ERYX_EINVAL);
    CHECK(eryx_config_set_callback_timeout(c, NAN) == ERYX_EINVAL);
    CHECK(eryx_call_complete(NULL, "1") == ERYX_EINVAL);
    CHECK(eryx_call_fail(NULL, "x") == ERYX_EINVAL);
    eryx_config_free(c);
}

/* ---- invoking ---- */

static void test_await_and_more_lines(void) {
    eryx_sandbox *s = callbacks_sandbox();
    eryx_result *r = run(s, "t = await get_time()\nprint('time', t)\nx = t * 2\nresult = x");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    CHECK_STR(eryx_result_stdout(r, NULL), "time 1700000000.5\n");
    CHECK_STR(eryx_result_json(r), "3400000001.0");
    CHECK(eryx_result_callback_invocations(r) == 1);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_kwargs_positional_dotted_invoke(void) {
    eryx_sandbox *s = callbacks_sandbox();
    eryx_result *r = run(s, "a = await echo(message='hi')\n"
                            "b = await echo('pos', 3)\n"
                            "c = await http.get(url='https://x')\n"
                            "d = await invoke('echo', message='via invoke')\n"
                            "result = [a, b, c, d]");
    CHECK_STR(eryx_result_json(r), "[{\"echo\": {\"message\": \"hi\"}}, "
                                   "{\"echo\": {\"message\": \"pos\", \"count\": 3}}, "
                                   "{\"echo\": {\"url\": \"https://x\"}}, "
                                   "{\"echo\": {\"message\": \"via invoke\"}}]");
    CHECK(eryx_result_callback_invocations(r) == 4);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_list_callbacks(void) {
    eryx_sandbox *s = callbacks_sandbox();
    eryx_result *r = run(s, "cbs = list_callbacks()\n"
                            "result = [c['name'] for c in cbs] + [cbs[0]['description'], "
                            "list(cbs[0]['parameters_schema']['properties'])]");
    CHECK_STR(eryx_result_json(r), "[\"echo\", \"get_time\", \"http.get\", \"fail\", \"bad_json\", "
                                   "\"bad_utf8\", \"slow\", \"never\", \"Echoes its arguments\", "
                                   "[\"message\", \"count\"]]");
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_sequence_of_callbacks(void) {
    eryx_sandbox *s = callbacks_sandbox();
    eryx_result *r = run(s, "out = []\nfor i in range(20):\n"
                            "    out.append((await echo(count=i))['echo']['count'])\n"
                            "result = sum(out)");
    CHECK_STR(eryx_result_json(r), "190");
    CHECK(eryx_result_callback_invocations(r) == 20);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_gather_runs_concurrently(void) {
    eryx_sandbox *s = callbacks_sandbox();
    double t0 = now_ms();
    eryx_result *r = run(s, "import asyncio\n"
                            "result = await asyncio.gather(*(slow() for _ in range(5)))");
    double elapsed = now_ms() - t0;
    CHECK_STR(eryx_result_json(r), "[\"slept\", \"slept\", \"slept\", \"slept\", \"slept\"]");
    if (elapsed >= 600) fprintf(stderr, "    gather took %.0f ms\n", elapsed);
    CHECK(elapsed >= 190 && elapsed < 600);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_failing_callback(void) {
    eryx_sandbox *s = callbacks_sandbox();
    eryx_result *r = run(s, "try:\n    await fail()\nexcept CallbackError as e:\n"
                            "    print('caught', e)\nresult = 'went on'");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    CHECK_STR(eryx_result_stdout(r, NULL), "caught database is down\n");
    CHECK_STR(eryx_result_json(r), "\"went on\"");
    eryx_result_free(r);
    /* Uncaught, it is an ordinary exception with the handler's message. */
    r = run(s, "await fail()");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_EXCEPTION);
    CHECK_CONTAINS(eryx_result_error_type(r), "CallbackError");
    CHECK_STR(eryx_result_error_message(r), "database is down");
    eryx_result_free(r);
    r = run(s, "try:\n    await bad_json()\nexcept CallbackError as e:\n    print(e)");
    CHECK_CONTAINS(eryx_result_stdout(r, NULL), "invalid JSON");
    eryx_result_free(r);
    /* A message that is not UTF-8 reaches Python with U+FFFD. */
    r = run(s, "try:\n    await bad_utf8()\nexcept CallbackError as e:\n    result = str(e)");
    CHECK_STR(eryx_result_json(r), "\"bad \\ufffd byte\"");
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_unknown_and_bad_arguments(void) {
    eryx_sandbox *s = callbacks_sandbox();
    eryx_result *r = run(s, "import datetime\nout = []\n"
                            "for coro in (lambda: invoke('nope'), lambda: echo(message=object()),\n"
                            "             lambda: echo(1, 2, 3), lambda: echo('a', message='b')):\n"
                            "    try:\n        await coro()\n"
                            "    except Exception as e:\n        out.append(type(e).__name__)\n"
                            "result = out");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    CHECK_STR(eryx_result_json(r),
              "[\"CallbackError\", \"TypeError\", \"TypeError\", \"TypeError\"]");
    CHECK(eryx_result_callback_invocations(r) == 0);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_invocation_limit(void) {
    eryx_config *c = callback_config();
    eryx_config_set_max_callbacks(c, 5);
    eryx_sandbox *s = make(c);
    eryx_config_free(c);
    eryx_result *r = run(s, "n = 0\ntry:\n    for i in range(10):\n        await get_time()\n"
                            "        n += 1\nexcept CallbackError as e:\n    print(e)\nresult = n");
    CHECK_STR(eryx_result_json(r), "5");
    CHECK_CONTAINS(eryx_result_stdout(r, NULL), "limit");
    CHECK(eryx_result_callback_invocations(r) == 5);
    eryx_result_free(r);
    /* The limit is per execution. */
    r = run(s, "await get_time()\nresult = 1");
    CHECK_STR(eryx_result_json(r), "1");
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_callback_timeout(void) {
    eryx_config *c = callback_config();
    eryx_config_set_callback_timeout(c, 0.2);
    eryx_sandbox *s = make(c);
    eryx_config_free(c);
    double t0 = now_ms();
    eryx_result *r = run(s, "try:\n    await never()\nexcept TimeoutError as e:\n"
                            "    print('timeout:', e)\nresult = 'after'");
    double elapsed = now_ms() - t0;
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    CHECK_CONTAINS(eryx_result_stdout(r, NULL), "timeout:");
    CHECK(elapsed >= 190 && elapsed < 1000);
    eryx_result_free(r);
    /* Completing the timed-out call later is a harmless refusal. */
    CHECK(eryx_call_complete(kept_call, "1") == ERYX_EINVAL);
    kept_call = NULL;
    r = run(s, "result = await get_time()");
    CHECK_STR(eryx_result_json(r), "1700000000.5");
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_execution_timeout_while_waiting(void) {
    eryx_config *c = callback_config();
    eryx_config_set_timeout(c, 0.3);
    eryx_sandbox *s = make(c);
    eryx_config_free(c);
    double t0 = now_ms();
    eryx_result *r = run(s, "await never()");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_TIMEOUT);
    CHECK(now_ms() - t0 < 600);
    eryx_result_free(r);
    eryx_sandbox_free(s);
    /* The call is gone with its sandbox; completing it is a harmless refusal. */
    CHECK(eryx_call_fail(kept_call, "late") == ERYX_EINVAL);
    kept_call = NULL;
}

/* ---- tracing ---- */

typedef struct {
    char log[8192];
    int events;
} trace_log;

/* Logs the event's JSON with its time set to 0 (times differ run to run). */
static void record(void *ud, const eryx_trace_event *e) {
    trace_log *t = ud;
    eryx_trace_event timeless = *e;
    timeless.t_us = 0;
    char *json = eryx_trace_event_to_json(&timeless);
    size_t used = strlen(t->log);
    snprintf(t->log + used, sizeof t->log - used, "%s\n", json);
    eryx_free(json);
    t->events++;
}

static void test_trace_handler_and_collection(void) {
    trace_log log = {0};
    eryx_sandbox *s = traced(eryx_config_new(), record, &log, 1);
    eryx_result *r = run(s, "def foo(a):\n    return a + 1\nx = foo(1)\n");
    CHECK_STR(log.log,
              "{\"event\":\"call\",\"lineno\":0,\"function\":\"<module>\",\"t_us\":0.000}\n"
              "{\"event\":\"line\",\"lineno\":1,\"t_us\":0.000}\n"
              "{\"event\":\"line\",\"lineno\":3,\"t_us\":0.000}\n"
              "{\"event\":\"call\",\"lineno\":1,\"function\":\"foo\",\"t_us\":0.000}\n"
              "{\"event\":\"line\",\"lineno\":2,\"t_us\":0.000}\n"
              "{\"event\":\"return\",\"lineno\":2,\"function\":\"foo\",\"t_us\":0.000}\n"
              "{\"event\":\"return\",\"lineno\":3,\"function\":\"<module>\",\"t_us\":0.000}\n");
    CHECK(eryx_result_trace_count(r) == 7);
    const eryx_trace_event *e = eryx_result_trace_event(r, 3);
    CHECK(e && e->kind == ERYX_TRACE_CALL && e->lineno == 1);
    CHECK(e && e->function && !strcmp(e->function, "foo"));
    CHECK(eryx_result_trace_event(r, 7) == NULL);
    char *json = eryx_result_to_json(r);
    CHECK_CONTAINS(
        json, "\"trace\": [{\"event\":\"call\",\"lineno\":0,\"function\":\"<module>\",\"t_us\":");
    eryx_free(json);
    eryx_result_free(r);

    /* Per-execution override: off. */
    log = (trace_log){0};
    eryx_exec_options off = {.trace = -1};
    CHECK(eryx_execute_ex(s, "x = 1", 5, &off, &r) == ERYX_OK);
    CHECK(log.events == 0 && eryx_result_trace_count(r) == 0);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_trace_exception_and_callbacks(void) {
    eryx_sandbox *s = traced(callback_config(), NULL, NULL, 1);
    eryx_result *r = run(s, "try:\n    raise ValueError('bad')\nexcept ValueError:\n    pass\n"
                            "x = await echo(message='hi')\ny = 2\n");
    size_t n = eryx_result_trace_count(r);
    int saw_exc = 0, saw_start = 0, saw_end = 0, line6 = 0;
    for (size_t i = 0; i < n; i++) {
        const eryx_trace_event *e = eryx_result_trace_event(r, i);
        if (e->kind == ERYX_TRACE_EXCEPTION && !strcmp(e->exc_type, "ValueError") &&
            !strcmp(e->exc_message, "bad") && e->lineno == 2)
            saw_exc++;
        if (e->kind == ERYX_TRACE_CALLBACK_START && !strcmp(e->name, "echo") && e->lineno == 5 &&
            !strcmp(e->args_json, "{\"message\": \"hi\"}"))
            saw_start++;
        if (e->kind == ERYX_TRACE_CALLBACK_END && !strcmp(e->name, "echo") && e->lineno == 5 &&
            !e->error && e->duration_ms >= 0)
            saw_end++;
        if (e->kind == ERYX_TRACE_LINE && e->lineno == 6 && saw_end) line6++;
    }
    CHECK(saw_exc == 1 && saw_start == 1 && saw_end == 1 && line6 == 1);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_trace_gather_durations(void) {
    eryx_sandbox *s = traced(callback_config(), NULL, NULL, 1);
    eryx_result *r =
        run(s, "import asyncio\nasync def task(i):\n    v = await slow()\n"
               "    return i\nresult = await asyncio.gather(task(1), task(2), task(3))\n");
    CHECK_STR(eryx_result_json(r), "[1, 2, 3]");
    int starts = 0, ends = 0, lines_in_task = 0;
    for (size_t i = 0; i < eryx_result_trace_count(r); i++) {
        const eryx_trace_event *e = eryx_result_trace_event(r, i);
        if (e->kind == ERYX_TRACE_CALLBACK_START) starts++;
        if (e->kind == ERYX_TRACE_CALLBACK_END) {
            ends++;
            CHECK(e->duration_ms >= 190 && e->duration_ms < 500);
            CHECK(e->lineno == 3);
        }
        if (e->kind == ERYX_TRACE_LINE && e->lineno == 4) lines_in_task++;
    }
    CHECK(starts == 3 && ends == 3 && lines_in_task == 3);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

/* Collection is capped, so a guest cannot fill the host's memory; the
 * handler still sees every event. */
static long handler_events;
static void count_events(void *ud, const eryx_trace_event *e) {
    (void)ud;
    (void)e;
    handler_events++;
}

static void test_trace_collection_cap(void) {
    eryx_sandbox *s = traced(eryx_config_new(), count_events, NULL, 1);
    handler_events = 0;
    eryx_result *r = run(s, "for i in range(600000):\n    pass\n");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    CHECK(eryx_result_trace_count(r) == ERYX_TRACE_COLLECT_MAX);
    CHECK(eryx_result_trace_truncated(r));
    CHECK(handler_events > ERYX_TRACE_COLLECT_MAX);
    char *json = eryx_result_to_json(r);
    CHECK_CONTAINS(json, "\"trace_truncated\": true");
    eryx_free(json);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

/* Callbacks gathered directly: the awaiting line is where they were asked
 * for, though the event loop runs them. */
static void test_trace_gather_direct_lineno(void) {
    eryx_sandbox *s = traced(callback_config(), NULL, NULL, 1);
    eryx_result *r = run(s, "import asyncio\n"
                            "x = await asyncio.gather(echo(message='a'),\n"
                            "                         invoke('echo', message='b'))\n");
    /* Tasks run in the order gather made them: 'a' (line 2), then 'b' (line 3). */
    int start_lines[2] = {0, 0}, end_lines = 0, starts = 0;
    for (size_t i = 0; i < eryx_result_trace_count(r); i++) {
        const eryx_trace_event *e = eryx_result_trace_event(r, i);
        if (e->kind == ERYX_TRACE_CALLBACK_START && starts < 2) start_lines[starts++] = e->lineno;
        if (e->kind == ERYX_TRACE_CALLBACK_END) end_lines += e->lineno;
    }
    CHECK(starts == 2 && start_lines[0] == 2 && start_lines[1] == 3);
    CHECK(end_lines == 2 + 3);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_trace_only_user_frames(void) {
    eryx_sandbox *s = traced(eryx_config_new(), NULL, NULL, 1);
    eryx_result *r = run(s, "import json\nx = json.dumps(sorted([3, 1, 2], key=lambda v: -v))\n");
    size_t lambdas = 0;
    for (size_t i = 0; i < eryx_result_trace_count(r); i++) {
        const eryx_trace_event *e = eryx_result_trace_event(r, i);
        CHECK(e->lineno <= 2);
        if (e->kind == ERYX_TRACE_CALL && !strcmp(e->function, "<lambda>")) lambdas++;
    }
    CHECK(lambdas == 3);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

/* The user's own sys.settrace works while eryx traces: both see the same
 * events of a function, and eryx does not trace the user's tracer. */
static void test_trace_beside_user_settrace(void) {
    eryx_sandbox *s = traced(eryx_config_new(), NULL, NULL, 1);
    eryx_result *r = run(s, "import sys\n"
                            "seen = []\n"
                            "def tracer(frame, event, arg):\n"
                            "    if frame.f_code.co_name == 'work':\n"
                            "        seen.append(f'{event} {frame.f_lineno}')\n"
                            "    return tracer\n"
                            "def work(n):\n"
                            "    total = 0\n"
                            "    for i in range(n):\n"
                            "        total += i\n"
                            "    return total\n"
                            "sys.settrace(tracer)\n"
                            "work(3)\n"
                            "sys.settrace(None)\n"
                            "result = seen\n");
    char expected[2048] = "[", *end = expected + 1;
    bool in_work = false, in_tracer = false;
    for (size_t i = 0; i < eryx_result_trace_count(r); i++) {
        const eryx_trace_event *e = eryx_result_trace_event(r, i);
        bool work = e->function && !strcmp(e->function, "work");
        if (e->kind == ERYX_TRACE_CALL && e->function && !strcmp(e->function, "tracer"))
            in_tracer = true;
        if (e->kind == ERYX_TRACE_CALL && work) in_work = true;
        if (!in_work) continue;
        const char *name = e->kind == ERYX_TRACE_CALL     ? "call"
                           : e->kind == ERYX_TRACE_RETURN ? "return"
                                                          : "line";
        end += snprintf(end, sizeof expected - (size_t)(end - expected), "%s\"%s %d\"",
                        end[-1] == '[' ? "" : ", ", name, e->lineno);
        if (e->kind == ERYX_TRACE_RETURN && work) in_work = false;
    }
    snprintf(end, sizeof expected - (size_t)(end - expected), "]");
    CHECK(!in_tracer);
    CHECK_STR(eryx_result_json(r), expected);
    CHECK_CONTAINS(expected, "\"call 7\", \"line 8\", \"line 9\", \"line 10\", \"line 9\"");
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

/* Trace events and output reach the host in the order the program made
 * them, also when there are more events than the guest buffers at once. */
typedef struct {
    char text[1 << 16];
    size_t used;
} order_log;

static void order_event(void *ud, const eryx_trace_event *e) {
    order_log *l = ud;
    if (l->used + 16 < sizeof l->text && e->kind == ERYX_TRACE_LINE)
        l->used += (size_t)sprintf(l->text + l->used, "L%d ", e->lineno);
}

static void order_output(void *ud, eryx_stream stream, const char *data, size_t len) {
    order_log *l = ud;
    (void)stream;
    if (l->used + len + 3 < sizeof l->text) {
        l->text[l->used++] = '<';
        memcpy(l->text + l->used, data, len);
        l->used += len;
        l->text[l->used++] = '>';
        l->text[l->used++] = ' ';
    }
}

static void test_trace_in_order_with_output(void) {
    static order_log log, expected;
    memset(&log, 0, sizeof log);
    memset(&expected, 0, sizeof expected);
    eryx_config *c = eryx_config_new();
    eryx_config_set_trace(c, order_event, &log, 0);
    eryx_config_set_output_handler(c, order_output, &log);
    eryx_sandbox *s = make(c);
    eryx_config_free(c);
    eryx_result *r = run(s, "for i in range(3000):\n"
                            "    if i % 1000 == 999:\n"
                            "        print(i)\n");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    for (int i = 0; i < 3000; i++) {
        expected.used += (size_t)sprintf(expected.text + expected.used, "L1 L2 ");
        if (i % 1000 == 999)
            expected.used += (size_t)sprintf(expected.text + expected.used, "L3 <%d> <\n> ", i);
    }
    expected.used += (size_t)sprintf(expected.text + expected.used, "L1 ");
    CHECK(log.used == expected.used && !memcmp(log.text, expected.text, log.used));
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

/* A function made warm (specialized) by untraced runs of a session traces
 * exactly as it did before. */
/* The collected events of r as JSON lines, times left out. Freed with free. */
static char *timeless_trace(const eryx_result *r) {
    size_t n = eryx_result_trace_count(r), used = 0;
    char *text = calloc(n + 1, 256);
    for (size_t i = 0; text && i < n; i++) {
        eryx_trace_event e = *eryx_result_trace_event(r, i);
        e.t_us = 0;
        used += eryx_trace_event_format(&e, text + used, 255);
        text[used++] = '\n';
    }
    return text;
}

static void test_trace_warm_code_in_session(void) {
    eryx_config *c = eryx_config_new();
    eryx_config_set_trace(c, NULL, NULL, 1);
    eryx_sandbox *s = NULL;
    char err[256];
    CHECK(eryx_session_new(c, &s, err, sizeof err) == ERYX_OK);
    eryx_config_free(c);
    const char *define = "def f(a, b):\n"
                         "    c = a; d = (c <\n"
                         "        b)\n"
                         "    n = len(\n"
                         "        [a, b])\n"
                         "    return c + d + n\n";
    const char *call = "x = f(1, 2)\n";
    eryx_result *r = run(s, define);
    eryx_result_free(r);
    r = run(s, call);
    char *before = timeless_trace(r);
    eryx_result_free(r);
    eryx_exec_options off = {.trace = -1};
    const char *warm = "for i in range(200):\n    f(i, i + 1)\n";
    CHECK(eryx_execute_ex(s, warm, strlen(warm), &off, &r) == ERYX_OK);
    CHECK(eryx_result_trace_count(r) == 0);
    eryx_result_free(r);
    r = run(s, call);
    char *after = timeless_trace(r);
    eryx_result_free(r);
    CHECK_CONTAINS(before, "{\"event\":\"line\",\"lineno\":3,");
    CHECK_CONTAINS(before, "{\"event\":\"line\",\"lineno\":5,");
    CHECK_STR(after, before);
    free(before);
    free(after);
    eryx_sandbox_free(s);
}

/* ---- output streaming ---- */

typedef struct {
    char out[1 << 16], err[1 << 16];
    size_t out_len, err_len;
    int chunks, split_utf8, last_split; /* last_split: chunk number of the last split */
    char order[64];                     /* 'o'/'e' per chunk */
} stream_log;

static void on_output(void *ud, eryx_stream stream, const char *data, size_t len) {
    stream_log *l = ud;
    char *dest = stream == ERYX_STDERR ? l->err : l->out;
    size_t *used = stream == ERYX_STDERR ? &l->err_len : &l->out_len;
    if (*used + len <= sizeof l->out) memcpy(dest + *used, data, len);
    *used += len;
    if (l->chunks < 63) l->order[l->chunks] = stream == ERYX_STDERR ? 'e' : 'o';
    l->chunks++;
    /* A chunk must not end inside a UTF-8 sequence. */
    unsigned char last = len ? (unsigned char)data[len - 1] : 0;
    bool split =
        last >= 0xC0 || (len >= 2 && (unsigned char)data[len - 2] >= 0xE0 && (last & 0xC0) == 0x80);
    if (split) {
        l->split_utf8++;
        l->last_split = l->chunks;
    }
}

static void test_output_streaming(void) {
    static stream_log log;
    memset(&log, 0, sizeof log);
    eryx_config *c = eryx_config_new();
    eryx_config_set_output_handler(c, on_output, &log);
    eryx_sandbox *s = make(c);
    eryx_config_free(c);
    eryx_result *r = run(s, "import sys\nprint('a')\nprint('b', file=sys.stderr)\nprint('c')\n"
                            "sys.stdout.buffer.write('\\u20ac'.encode()[:1])\n"
                            "sys.stdout.buffer.write('\\u20ac'.encode()[1:])\n"
                            "sys.stdout.buffer.write(b'\\xe2')\n1/0");
    size_t out_len, err_len;
    const char *out = eryx_result_stdout(r, &out_len);
    const char *err = eryx_result_stderr(r, &err_len);
    CHECK(log.out_len == out_len && !memcmp(log.out, out, out_len));
    CHECK(log.err_len == err_len && !memcmp(log.err, err, err_len));
    /* Only the dangling byte written last arrives alone, at the end. */
    CHECK(log.split_utf8 == 1 && log.last_split == log.chunks);
    /* Order of production kept: print writes text and newline separately. */
    CHECK(!strncmp(log.order, "ooeeoo", 6));
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_EXCEPTION);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static int seen_before_end;
static void count_big(void *ud, eryx_stream stream, const char *data, size_t len) {
    (void)stream;
    (void)data;
    *(size_t *)ud += len;
    seen_before_end++;
}

static void test_output_streaming_large(void) {
    size_t total = 0;
    eryx_config *c = eryx_config_new();
    eryx_config_set_output_handler(c, count_big, &total);
    eryx_sandbox *s = make(c);
    eryx_config_free(c);
    eryx_result *r = run(s, "for i in range(3000):\n    print('\\u00e9' * 500)\n");
    size_t out_len;
    eryx_result_stdout(r, &out_len);
    CHECK(out_len == 3000 * 1001);
    CHECK(total == out_len);
    CHECK(seen_before_end >= 3000);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static const test_case tests[] = {
    {"register_validation", test_register_validation},
    {"await_and_more_lines", test_await_and_more_lines},
    {"kwargs_positional_dotted_invoke", test_kwargs_positional_dotted_invoke},
    {"list_callbacks", test_list_callbacks},
    {"sequence_of_callbacks", test_sequence_of_callbacks},
    {"gather_runs_concurrently", test_gather_runs_concurrently},
    {"failing_callback", test_failing_callback},
    {"unknown_and_bad_arguments", test_unknown_and_bad_arguments},
    {"invocation_limit", test_invocation_limit},
    {"callback_timeout", test_callback_timeout},
    {"execution_timeout_while_waiting", test_execution_timeout_while_waiting},
    {"trace_handler_and_collection", test_trace_handler_and_collection},
    {"trace_exception_and_callbacks", test_trace_exception_and_callbacks},
    {"trace_gather_durations", test_trace_gather_durations},
    {"trace_gather_direct_lineno", test_trace_gather_direct_lineno},
    {"trace_only_user_frames", test_trace_only_user_frames},
    {"trace_collection_cap", test_trace_collection_cap},
    {"trace_beside_user_settrace", test_trace_beside_user_settrace},
    {"trace_in_order_with_output", test_trace_in_order_with_output},
    {"trace_warm_code_in_session", test_trace_warm_code_in_session},
    {"output_streaming", test_output_streaming},
    {"output_streaming_large", test_output_streaming_large},
};

int main(int argc, char **argv) {
    return run_tests(tests, sizeof tests / sizeof *tests, argc > 1 ? argv[1] : NULL);
}
