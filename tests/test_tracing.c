/*
 * test_tracing.c - the C API of tracing beyond the events themselves (which
 * tests/test_trace.py compares with native sys.settrace): times, callback
 * invocation ids, asyncio task ids, burst handlers, step-through (pause,
 * resume, stop, cancel, timeout while paused), the JSON form without
 * allocation, and the bounds on strings and on collected traces.
 *
 * Times are checked for order and for bounds the program sets itself (a
 * handler that blocks 200 ms), never against the speed of the machine.
 *
 * usage: test_tracing [FILTER]
 */
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>
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

static eryx_sandbox *make(eryx_config *c) {
    eryx_sandbox *s = NULL;
    char err[256];
    if (eryx_sandbox_new(c, &s, err, sizeof err) != ERYX_OK) fprintf(stderr, "new: %s\n", err);
    eryx_config_free(c);
    return s;
}

static eryx_result *run(eryx_sandbox *s, const char *code) {
    eryx_result *r = NULL;
    eryx_execute(s, code, strlen(code), &r);
    if (r && eryx_result_error_kind(r) == ERYX_ERROR_EXCEPTION)
        fprintf(stderr, "%s", eryx_result_error_traceback(r));
    return r;
}

/* A collecting sandbox, with the callbacks below. */
static eryx_sandbox *collecting(eryx_config *c) {
    eryx_config_set_trace(c, NULL, NULL, 1);
    return make(c);
}

/* ---- callbacks ---- */

static int echo_calls;
static void echo(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    echo_calls++;
    eryx_call_complete(call, args);
}

static eryx_config *callback_config(void) {
    eryx_config *c = eryx_config_new();
    eryx_config_add_callback(c, "slow", NULL, NULL, slow, NULL);
    eryx_config_add_callback(c, "echo", NULL, NULL, echo, NULL);
    return c;
}

/* ---- times, ids, tasks ---- */

static void test_times_are_monotonic(void) {
    eryx_sandbox *s = collecting(eryx_config_new());
    eryx_result *r = run(s, "def f(n):\n    return n if n < 2 else f(n - 1) + f(n - 2)\n"
                            "f(12)\nimport time\ntime.sleep(0.05)\nx = 1\n");
    size_t n = eryx_result_trace_count(r);
    CHECK(n > 1000);
    double last = 0, sleep_gap = 0;
    int line_after_sleep = -1;
    for (size_t i = 0; i < n; i++) {
        const eryx_trace_event *e = eryx_result_trace_event(r, i);
        CHECK(e->t_us >= last);
        if (e->kind == ERYX_TRACE_LINE && e->lineno == 6 && line_after_sleep < 0) {
            line_after_sleep = (int)i;
            sleep_gap = e->t_us - last;
        }
        last = e->t_us;
    }
    /* The sleep is between the events around it; all events lie within the
     * execution. */
    CHECK(line_after_sleep > 0 && sleep_gap >= 50e3);
    CHECK(last > 0 && last <= eryx_result_duration_ms(r) * 1e3);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_gathered_callbacks_pair_by_id(void) {
    eryx_sandbox *s = collecting(callback_config());
    eryx_result *r = run(s, "import asyncio\n"
                            "async def job(i):\n"
                            "    v = await slow()\n"
                            "    return i\n"
                            "result = await asyncio.gather(job(1), job(2), job(3))\n");
    CHECK_STR(eryx_result_json(r), "[1, 2, 3]");
    uint32_t ids[3] = {0}, start_task[3] = {0};
    double start_us[3] = {0}, end_us[3] = {0}, duration_ms[3] = {0};
    int starts = 0, ends = 0, paired = 0;
    for (size_t i = 0; i < eryx_result_trace_count(r); i++) {
        const eryx_trace_event *e = eryx_result_trace_event(r, i);
        if (e->kind == ERYX_TRACE_CALLBACK_START && starts < 3) {
            CHECK(e->id > 0);
            for (int k = 0; k < starts; k++)
                CHECK(ids[k] != e->id); /* unique within the execution */
            start_task[starts] = e->task;
            start_us[starts] = e->t_us;
            ids[starts++] = e->id;
        }
        if (e->kind == ERYX_TRACE_CALLBACK_END) {
            ends++;
            for (int k = 0; k < starts; k++) {
                if (ids[k] != e->id) continue;
                paired++;
                end_us[k] = e->t_us;
                duration_ms[k] = e->duration_ms;
            }
        }
    }
    CHECK(starts == 3 && ends == 3 && paired == 3);
    /* Each call in a task of its own (2, 3, 4: the top-level coroutine is 1). */
    CHECK(start_task[0] >= 2 && start_task[1] >= 2 && start_task[2] >= 2);
    CHECK(start_task[0] != start_task[1] && start_task[1] != start_task[2] &&
          start_task[0] != start_task[2]);
    /* Each duration fits between its start and end events; the calls ran at
     * the same time: their durations add up to more than the whole span. */
    double first = fmin(start_us[0], fmin(start_us[1], start_us[2]));
    double last = fmax(end_us[0], fmax(end_us[1], end_us[2]));
    double sum = 0;
    for (int k = 0; k < 3; k++) {
        CHECK(duration_ms[k] >= 200);
        CHECK(start_us[k] + duration_ms[k] * 1e3 <= end_us[k] + 1);
        sum += duration_ms[k];
    }
    CHECK(sum * 1e3 > 1.5 * (last - first));
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_task_ids(void) {
    eryx_sandbox *s = collecting(eryx_config_new());
    eryx_result *r = run(s, "import asyncio\n"
                            "def plain():\n"
                            "    return 1\n"
                            "async def worker(n):\n"
                            "    for i in range(n):\n"
                            "        await asyncio.sleep(0)\n"
                            "    return n\n"
                            "plain()\n"
                            "result = await asyncio.gather(worker(2), worker(3))\n");
    CHECK_STR(eryx_result_json(r), "[2, 3]");
    uint32_t top = 0, seen[8] = {0};
    int nseen = 0, lines_in_workers = 0, plain_line_task = -1;
    for (size_t i = 0; i < eryx_result_trace_count(r); i++) {
        const eryx_trace_event *e = eryx_result_trace_event(r, i);
        if (e->kind == ERYX_TRACE_LINE && e->lineno == 8) top = e->task;
        if (e->kind == ERYX_TRACE_LINE && e->lineno == 3) plain_line_task = (int)e->task;
        if (e->kind == ERYX_TRACE_LINE && (e->lineno == 5 || e->lineno == 6)) {
            lines_in_workers++;
            bool known = false;
            for (int k = 0; k < nseen; k++)
                known |= seen[k] == e->task;
            if (!known && nseen < 8) seen[nseen++] = e->task;
        }
    }
    /* The top-level coroutine is task 1, and plain() called from it too;
     * the two workers interleave, each under its own id. */
    CHECK(top == 1 && plain_line_task == 1);
    CHECK(lines_in_workers > 8 && nseen == 2 && seen[0] > 1 && seen[1] > 1 && seen[0] != seen[1]);
    eryx_result_free(r);

    /* Code without asyncio runs in no task. */
    r = run(s, "x = 1\ny = 2\n");
    for (size_t i = 0; i < eryx_result_trace_count(r); i++)
        CHECK(eryx_result_trace_event(r, i)->task == 0);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

/* ---- burst handlers ---- */

typedef struct {
    size_t bursts, events, largest;
    int order_ok;
    char log[256];
} burst_log;

static eryx_trace_action count_bursts(void *ud, const eryx_trace_event *events, size_t count) {
    (void)events;
    burst_log *b = ud;
    b->bursts++;
    b->events += count;
    if (count > b->largest) b->largest = count;
    return ERYX_TRACE_CONTINUE;
}

static void test_bursts(void) {
    burst_log b = {0};
    eryx_config *c = eryx_config_new();
    CHECK(eryx_config_set_trace_bursts(c, count_bursts, &b, ERYX_TRACE_COLLECT) == ERYX_OK);
    CHECK(eryx_config_set_trace_bursts(c, count_bursts, &b, 64) == ERYX_EINVAL);
    CHECK(eryx_config_set_trace_bursts(c, NULL, NULL, ERYX_TRACE_STEP) == ERYX_EINVAL);
    CHECK(eryx_config_set_trace_bursts(NULL, count_bursts, &b, 0) == ERYX_EINVAL);
    eryx_sandbox *s = make(c);
    eryx_result *r = run(s, "for i in range(3000):\n    pass\n");
    /* Every event once, in bursts of at most 1024, the same as collected. */
    CHECK(b.events == eryx_result_trace_count(r) && b.events > 6000);
    CHECK(b.largest <= 1024 && b.bursts >= b.events / 1024);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

/* ERYX_TRACE_KEEP_BURST: each burst, as JSON lines when it came, is
 * checked again against its events during the next call, after the
 * callback whose strings it points to has ended (its arguments freed). */
typedef struct {
    const eryx_trace_event *events; /* the burst before, still valid */
    size_t count;
    char *json; /* its lines when it came */
    size_t bursts, events_seen, kinds_seen;
    bool intact;
} kept_log;

static char *burst_json(const eryx_trace_event *events, size_t count) {
    static char line[ERYX_TRACE_JSON_MAX];
    size_t len = 0;
    char *text = NULL;
    for (size_t i = 0; i < count; i++) {
        size_t n = eryx_trace_event_format(&events[i], line, sizeof line);
        text = realloc(text, len + n + 2);
        memcpy(text + len, line, n);
        len += n;
        text[len++] = '\n';
    }
    text = realloc(text, len + 1);
    text[len] = '\0';
    return text;
}

static eryx_trace_action keep_bursts(void *ud, const eryx_trace_event *events, size_t count) {
    kept_log *k = ud;
    if (k->events != NULL) {
        char *again = burst_json(k->events, k->count);
        if (strcmp(again, k->json) != 0) k->intact = false;
        free(again);
        free(k->json);
    }
    for (size_t i = 0; i < count; i++)
        k->kinds_seen |= 1u << events[i].kind;
    k->events = events;
    k->count = count;
    k->json = burst_json(events, count);
    k->bursts++;
    k->events_seen += count;
    return ERYX_TRACE_CONTINUE;
}

static void fail_call(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    (void)args;
    eryx_call_fail(call, "no such thing");
}

static void test_kept_bursts_stay_valid(void) {
    kept_log k = {.intact = true};
    eryx_config *c = callback_config();
    eryx_config_add_callback(c, "fail", NULL, NULL, fail_call, NULL);
    CHECK(eryx_config_set_trace_bursts(c, keep_bursts, &k, ERYX_TRACE_KEEP_BURST) == ERYX_OK);
    eryx_sandbox *s = make(c);
    eryx_result *r = run(s, "def named_function(i):\n    return i * 2\n"
                            "for i in range(3000):\n    named_function(i)\n"
                            "    if i % 500 == 0:\n        await echo(text='x' * i)\n"
                            "        try:\n            await fail(n=i)\n"
                            "        except Exception as e:\n            pass\n"
                            "        try:\n            raise ValueError('v' * i)\n"
                            "        except ValueError:\n            pass\n");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    /* Every kind: line, call, return, exception, callback_start and _end. */
    CHECK(k.kinds_seen == 0x3f);
    CHECK(k.bursts > 20 && k.events_seen > 12000);
    CHECK(k.intact);
    eryx_result_free(r);
    /* The last burst stays valid after the execution, until the next. */
    char *again = burst_json(k.events, k.count);
    CHECK(strcmp(again, k.json) == 0);
    free(again);
    free(k.json);
    eryx_sandbox_free(s);
}

/* ---- step-through ---- */

typedef struct {
    eryx_sandbox *sandbox;
    int at_line;              /* the line to act at */
    eryx_trace_action action; /* what to return there */
    int block_ms;             /* how long to block there first */
    double line_seen_ms;      /* when that line's event came */
    double output_ms;         /* when the next output came */
    int events;
    int lines_before_output; /* line events seen before the first output */
    bool output_seen;
} stepper;

static eryx_trace_action step_handler(void *ud, const eryx_trace_event *events, size_t count) {
    stepper *st = ud;
    CHECK(count == 1); /* one event at a time */
    st->events += (int)count;
    const eryx_trace_event *e = &events[0];
    if (e->kind == ERYX_TRACE_LINE && !st->output_seen) st->lines_before_output++;
    if (e->kind == ERYX_TRACE_LINE && e->lineno == st->at_line) {
        st->line_seen_ms = now_ms();
        if (st->block_ms) usleep((useconds_t)st->block_ms * 1000);
        return st->action;
    }
    return ERYX_TRACE_CONTINUE;
}

static void step_output(void *ud, eryx_stream stream, const char *data, size_t len) {
    (void)stream;
    (void)data;
    (void)len;
    stepper *st = ud;
    if (!st->output_seen) st->output_ms = now_ms();
    st->output_seen = true;
}

static eryx_sandbox *stepping(stepper *st, unsigned flags, double timeout_s) {
    eryx_config *c = eryx_config_new();
    eryx_config_set_trace_bursts(c, step_handler, st, ERYX_TRACE_STEP | flags);
    eryx_config_set_output_handler(c, step_output, st);
    if (timeout_s > 0) eryx_config_set_timeout(c, timeout_s);
    st->sandbox = make(c);
    return st->sandbox;
}

static const char *const three_lines = "x = 1\ny = 2\nz = 3\nprint('line 4')\nw = 5\n";

static void test_step_blocking_handler_delays_the_guest(void) {
    stepper st = {.at_line = 3, .block_ms = 200};
    eryx_sandbox *s = stepping(&st, 0, 0);
    eryx_result *r = run(s, three_lines);
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    CHECK_STR(eryx_result_stdout(r, NULL), "line 4\n");
    /* Line 4 printed only after the handler let line 3 go on. */
    CHECK(st.output_seen && st.output_ms - st.line_seen_ms >= 200);
    /* Each line event reached the handler before the line ran: lines 1 to
     * 4 before the output of line 4. */
    CHECK(st.lines_before_output == 4);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_step_stop_ends_the_run(void) {
    stepper st = {.at_line = 3, .action = ERYX_TRACE_STOP};
    eryx_sandbox *s = stepping(&st, 0, 0);
    eryx_result *r = run(s, three_lines);
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_CANCELLED);
    CHECK_STR(eryx_result_error_message(r), "execution stopped by the trace handler");
    CHECK_STR(eryx_result_stdout(r, NULL), "");
    eryx_result_free(r);
    /* The sandbox works on afterwards. */
    st.at_line = 0;
    r = run(s, three_lines);
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

typedef struct {
    eryx_sandbox *sandbox;
    int delay_ms;
    bool cancel; /* else resume with `action` */
    eryx_trace_action action;
    eryx_status status;
} later;

static void *act_later(void *arg) {
    later *l = arg;
    usleep((useconds_t)l->delay_ms * 1000);
    if (l->cancel)
        eryx_sandbox_cancel(l->sandbox);
    else
        l->status = eryx_sandbox_resume(l->sandbox, l->action);
    return NULL;
}

/* Runs three_lines pausing at line 3 while another thread acts after
 * delay_ms; returns the result. */
static eryx_result *paused_run(stepper *st, later *l) {
    pthread_t t;
    l->sandbox = st->sandbox;
    pthread_create(&t, NULL, act_later, l);
    eryx_result *r = run(st->sandbox, three_lines);
    pthread_join(t, NULL);
    return r;
}

static void test_step_pause_and_resume(void) {
    stepper st = {.at_line = 3, .action = ERYX_TRACE_PAUSE};
    stepping(&st, 0, 0);
    later l = {.delay_ms = 150, .action = ERYX_TRACE_CONTINUE};
    double start = now_ms();
    eryx_result *r = paused_run(&st, &l);
    CHECK(l.status == ERYX_OK);
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    CHECK_STR(eryx_result_stdout(r, NULL), "line 4\n");
    CHECK(now_ms() - start >= 150 && st.output_ms - st.line_seen_ms >= 100);
    eryx_result_free(r);

    /* Resumed with a stop. */
    st = (stepper){.at_line = 3, .action = ERYX_TRACE_PAUSE, .sandbox = st.sandbox};
    l = (later){.delay_ms = 50, .action = ERYX_TRACE_STOP};
    r = paused_run(&st, &l);
    CHECK(l.status == ERYX_OK && eryx_result_error_kind(r) == ERYX_ERROR_CANCELLED);
    CHECK_STR(eryx_result_stdout(r, NULL), "");
    eryx_result_free(r);

    /* Nothing to resume: not paused, bad action, NULL. */
    CHECK(eryx_sandbox_resume(st.sandbox, ERYX_TRACE_CONTINUE) == ERYX_EINVAL);
    CHECK(eryx_sandbox_resume(st.sandbox, ERYX_TRACE_PAUSE) == ERYX_EINVAL);
    CHECK(eryx_sandbox_resume(NULL, ERYX_TRACE_CONTINUE) == ERYX_EINVAL);
    eryx_sandbox_free(st.sandbox);
}

static void test_step_cancel_while_paused(void) {
    stepper st = {.at_line = 2, .action = ERYX_TRACE_PAUSE};
    stepping(&st, 0, 0);
    later l = {.delay_ms = 100, .cancel = true};
    eryx_result *r = paused_run(&st, &l);
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_CANCELLED);
    CHECK_STR(eryx_result_error_message(r), "execution cancelled");
    CHECK_STR(eryx_result_stdout(r, NULL), "");
    eryx_result_free(r);
    eryx_sandbox_free(st.sandbox);
}

static void test_step_pause_does_not_use_the_timeout(void) {
    /* Paused 400 ms under a 250 ms timeout: the pause does not count. */
    stepper st = {.at_line = 3, .action = ERYX_TRACE_PAUSE};
    stepping(&st, 0, 0.25);
    later l = {.delay_ms = 400, .action = ERYX_TRACE_CONTINUE};
    eryx_result *r = paused_run(&st, &l);
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    CHECK_STR(eryx_result_stdout(r, NULL), "line 4\n");
    eryx_result_free(r);
    eryx_sandbox_free(st.sandbox);

    /* With ERYX_TRACE_TIMEOUT_RUNS it does, and ends the pause. */
    st = (stepper){.at_line = 3, .action = ERYX_TRACE_PAUSE};
    stepping(&st, ERYX_TRACE_TIMEOUT_RUNS, 0.25);
    l = (later){.delay_ms = 1500, .action = ERYX_TRACE_CONTINUE};
    double start = now_ms();
    r = paused_run(&st, &l);
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_TIMEOUT);
    CHECK(l.status == ERYX_EINVAL); /* the pause was over when it came */
    CHECK(now_ms() - start < 1500 + 1000);
    eryx_result_free(r);
    eryx_sandbox_free(st.sandbox);
}

/* A step handler that stops at a callback_start: the callback never runs. */
static eryx_trace_action stop_at_callback(void *ud, const eryx_trace_event *e, size_t count) {
    (void)ud;
    (void)count;
    return e->kind == ERYX_TRACE_CALLBACK_START ? ERYX_TRACE_STOP : ERYX_TRACE_CONTINUE;
}

static void test_step_stop_before_a_callback(void) {
    eryx_config *c = callback_config();
    eryx_config_set_trace_bursts(c, stop_at_callback, NULL, ERYX_TRACE_STEP);
    eryx_sandbox *s = make(c);
    echo_calls = 0;
    eryx_result *r = run(s, "x = await echo(a=1)\nprint('after')\n");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_CANCELLED);
    CHECK(echo_calls == 0);
    CHECK_STR(eryx_result_stdout(r, NULL), "");
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

/* ---- JSON without allocation ---- */

static void test_format_into_a_buffer(void) {
    eryx_trace_event e = {
        .kind = ERYX_TRACE_CALL, .lineno = 7, .function = "f\"\n\x01", .t_us = 12.5};
    const char *expected = "{\"event\":\"call\",\"lineno\":7,\"function\":\"f\\\"\\n\\u0001\","
                           "\"t_us\":12.500}";
    char buf[256];
    size_t n = eryx_trace_event_format(&e, buf, sizeof buf);
    CHECK(n == strlen(expected));
    CHECK_STR(buf, expected);
    /* Too small: the length needed, a NUL-terminated start. */
    char small[10];
    CHECK(eryx_trace_event_format(&e, small, sizeof small) == n && strlen(small) == 9);
    CHECK(eryx_trace_event_format(&e, NULL, 0) == n);
    CHECK(eryx_trace_event_format(&e, buf, n + 1) == n && !strcmp(buf, expected));
    CHECK(eryx_trace_event_format(NULL, buf, sizeof buf) == 0 && buf[0] == '\0');
    /* The other kinds, as eryx_trace_event_to_json gives them. */
    eryx_trace_event end = {.kind = ERYX_TRACE_CALLBACK_END,
                            .lineno = 5,
                            .name = "echo",
                            .id = 3,
                            .duration_ms = 1.25,
                            .error = "bad \xff",
                            .task = 2,
                            .t_us = 1000};
    char *json = eryx_trace_event_to_json(&end);
    CHECK_STR(json, "{\"event\":\"callback_end\",\"lineno\":5,\"name\":\"echo\",\"id\":3,"
                    "\"duration_ms\":1.250,\"error\":\"bad \xEF\xBF\xBD\",\"task\":2,"
                    "\"t_us\":1000.000}");
    n = eryx_trace_event_format(&end, buf, sizeof buf);
    CHECK(n == strlen(json) && !strcmp(buf, json));
    eryx_free(json);
}

/* The common events (line, call, return) take a path of their own when the
 * buffer has room for any of them (512 bytes); below that, the general one.
 * Both must give the same text, at the edges too. */
static void test_format_paths_agree(void) {
    static const char *const names[] = {NULL,        "",     "f",           "<module>", "a\"b",
                                        "tab\there", "\x7f", "caf\xC3\xA9", "\xff",     "x"};
    static const double times[] = {0,  0.0004, 0.0005, 1,        12.3456, 999.9995, 4294967296.5,
                                   -1, 1e15,   1e300,  0.0 / 0.0};
    static const int lines[] = {0, 1, 9, 10, 99, 100, 12345, 2147483647, -1, -2147483647 - 1};
    char long_name[300];
    memset(long_name, 'n', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    int checked = 0;
    for (int kind = ERYX_TRACE_LINE; kind <= ERYX_TRACE_EXCEPTION; kind++)
        for (size_t n = 0; n <= sizeof names / sizeof *names; n++)
            for (size_t t = 0; t < sizeof times / sizeof *times; t++)
                for (size_t l = 0; l < sizeof lines / sizeof *lines; l++)
                    for (uint32_t task = 0; task < 3; task += 2) {
                        eryx_trace_event e = {
                            .kind = (eryx_trace_kind)kind,
                            .lineno = lines[l],
                            .function = n < sizeof names / sizeof *names ? names[n] : long_name,
                            .exc_type = "E",
                            .exc_message = "m",
                            .t_us = times[t],
                            .task = task};
                        char fast[4096], general[511];
                        size_t a = eryx_trace_event_format(&e, fast, sizeof fast);
                        size_t b = eryx_trace_event_format(&e, general, sizeof general);
                        CHECK(a == b);
                        if (a < sizeof general) CHECK_STR(fast, general);
                        checked++;
                    }
    CHECK(checked == 4 * 11 * 11 * 10 * 2);
}

/* ---- bounds: issue 9, item 4 ---- */

static size_t max_rss_kib(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (size_t)ru.ru_maxrss;
}

static bool ends_with_mark(const char *s) {
    size_t n = strlen(s), m = strlen(ERYX_TRACE_TEXT_MARK);
    return n >= m && !strcmp(s + n - m, ERYX_TRACE_TEXT_MARK);
}

static void test_long_strings_are_cut(void) {
    eryx_config *c = eryx_config_new();
    eryx_config_set_memory_limit(c, 64u << 20);
    eryx_sandbox *s = collecting(c);
    size_t rss_before = max_rss_kib();
    /* 10 MiB messages raised 200 times, long function names: each event's
     * strings stay within the bound, and so does the host's memory. */
    eryx_result *r = run(s, "msg = 'é' * (5 * 1024 * 1024)\n"
                            "for i in range(200):\n"
                            "    try:\n"
                            "        raise ValueError(msg)\n"
                            "    except ValueError:\n"
                            "        pass\n"
                            "def g():\n"
                            "    return 1\n"
                            "g.__code__ = g.__code__.replace(co_name='f' * 100000)\n"
                            "g()\n");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    int exceptions = 0, long_calls = 0;
    for (size_t i = 0; i < eryx_result_trace_count(r); i++) {
        const eryx_trace_event *e = eryx_result_trace_event(r, i);
        if (e->kind == ERYX_TRACE_EXCEPTION) {
            exceptions++;
            CHECK(strlen(e->exc_message) <= ERYX_TRACE_TEXT_MAX && ends_with_mark(e->exc_message));
            /* Cut between characters: the text before the mark is whole 'é's. */
            CHECK((strlen(e->exc_message) - strlen(ERYX_TRACE_TEXT_MARK)) % 2 == 0);
        }
        if (e->kind == ERYX_TRACE_CALL && e->function && e->function[0] == 'f' &&
            e->function[1] == 'f') {
            long_calls++;
            CHECK(strlen(e->function) <= ERYX_TRACE_TEXT_MAX && ends_with_mark(e->function));
        }
    }
    CHECK(exceptions == 200 && long_calls == 1);
    /* Measured before the bound: 2 GB. */
    CHECK(max_rss_kib() - rss_before < 200 * 1024);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_collection_byte_budget(void) {
    eryx_sandbox *s = collecting(eryx_config_new());
    /* 40,000 exceptions with 4 KiB messages: past ERYX_TRACE_COLLECT_BYTES
     * long before ERYX_TRACE_COLLECT_MAX events. */
    eryx_result *r = run(s, "msg = 'x' * 5000\n"
                            "for i in range(40000):\n"
                            "    try:\n"
                            "        raise KeyError(msg)\n"
                            "    except KeyError:\n"
                            "        pass\n");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    size_t n = eryx_result_trace_count(r);
    CHECK(eryx_result_trace_truncated(r));
    CHECK(n < 40000 * 5);
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        const eryx_trace_event *e = eryx_result_trace_event(r, i);
        bytes += sizeof *e + (e->exc_message ? strlen(e->exc_message) + 1 : 0);
    }
    CHECK(bytes <= ERYX_TRACE_COLLECT_BYTES && bytes > ERYX_TRACE_COLLECT_BYTES / 2);
    char *json = eryx_result_to_json(r);
    CHECK_CONTAINS(json, "\"trace_truncated\": true");
    eryx_free(json);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

int main(int argc, char **argv) {
    static const test_case tests[] = {
        {"times_are_monotonic", test_times_are_monotonic},
        {"gathered_callbacks_pair_by_id", test_gathered_callbacks_pair_by_id},
        {"task_ids", test_task_ids},
        {"bursts", test_bursts},
        {"kept_bursts_stay_valid", test_kept_bursts_stay_valid},
        {"step_blocking_handler_delays_the_guest", test_step_blocking_handler_delays_the_guest},
        {"step_stop_ends_the_run", test_step_stop_ends_the_run},
        {"step_pause_and_resume", test_step_pause_and_resume},
        {"step_cancel_while_paused", test_step_cancel_while_paused},
        {"step_pause_does_not_use_the_timeout", test_step_pause_does_not_use_the_timeout},
        {"step_stop_before_a_callback", test_step_stop_before_a_callback},
        {"format_into_a_buffer", test_format_into_a_buffer},
        {"format_paths_agree", test_format_paths_agree},
        {"long_strings_are_cut", test_long_strings_are_cut},
        {"collection_byte_budget", test_collection_byte_budget},
    };
    return run_tests(tests, sizeof tests / sizeof *tests, argc > 1 ? argv[1] : NULL);
}
