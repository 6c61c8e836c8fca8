/*
 * test_call_handles.c - host callbacks against a hostile guest and a
 * careless host, through the C API and the real sandbox: arguments checked
 * on every path into the host, bounds on what the host holds for calls the
 * guest never takes, and eryx_call handles used twice, late or made up.
 *
 * usage: test_call_handles [FILTER]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "eryx.h"

static eryx_sandbox *make(eryx_config *config) {
    eryx_sandbox *s = NULL;
    char err[256] = "";
    if (eryx_sandbox_new(config, &s, err, sizeof err) != ERYX_OK)
        fprintf(stderr, "    sandbox: %s\n", err);
    return s;
}

static eryx_result *run(eryx_sandbox *s, const char *code) {
    eryx_result *r = NULL;
    if (eryx_execute(s, code, strlen(code), &r) != ERYX_OK) fprintf(stderr, "    execute failed\n");
    if (r && eryx_result_error_kind(r) == ERYX_ERROR_EXCEPTION) {
        fprintf(stderr, "    error: %s\n%s", eryx_result_error_message(r),
                eryx_result_error_traceback(r) ? eryx_result_error_traceback(r) : "");
    }
    return r;
}

/* ---- handlers ---- */

static char last_args[256];
static int echo_calls;

/* echo: remembers its arguments and completes with them. */
static void echo(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    snprintf(last_args, sizeof last_args, "%s", args);
    echo_calls++;
    eryx_call_complete(call, args);
}

enum { KEEP_MAX = 10001 };
static eryx_call *kept[KEEP_MAX];
static int kept_count;

/* keep: never completes; the test does, later. */
static void keep(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    (void)args;
    if (kept_count < KEEP_MAX) kept[kept_count++] = call;
}

static int big_ok, big_refused;
static char *big_result;

/* big: completes at once with a 1 MiB JSON string. */
static void big(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    (void)args;
    eryx_status st = eryx_call_complete(call, big_result);
    if (st == ERYX_OK)
        big_ok++;
    else if (st == ERYX_EINVAL)
        big_refused++;
}

static eryx_config *config_with(const char *name, eryx_callback_fn fn) {
    eryx_config *c = eryx_config_new();
    eryx_config_add_callback(c, name, NULL, NULL, fn, NULL);
    return c;
}

/* ---- arguments (item 3 of issue 9) ---- */

static void test_args_from_await_are_one_line(void) {
    eryx_config *c = config_with("echo", echo);
    eryx_sandbox *s = make(c);
    eryx_config_free(c);
    eryx_result *r = run(s, "result = await echo(message='a\\nb', n=[1,2])");
    CHECK_STR(last_args, "{\"message\": \"a\\nb\", \"n\": [1, 2]}");
    CHECK_STR(eryx_result_json(r), "{\"message\": \"a\\nb\", \"n\": [1, 2]}");
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

/* The runtime's internal entry, called directly with anything: only one
 * JSON object passes, laid out again before the handler and the trace. */
static void test_args_from_internals_are_checked(void) {
    eryx_config *c = config_with("echo", echo);
    eryx_config_set_trace(c, NULL, NULL, 1);
    eryx_sandbox *s = make(c);
    eryx_config_free(c);
    echo_calls = 0;
    eryx_result *r =
        run(s, "import _eryx_host\n"
               "texts = ['not json', '[1, 2]', '{\"a\": 1}\\n{\"b\": 2}', '', '{\"a\": 1',\n"
               "         '\"{}\"', '{\"a\": \"\\n\"}', ' {\"a\" :\\n 1 ,\"b\":[1,\\r\\n2]}\\n ']\n"
               "result = [_eryx_host.callback_start('echo', t, 1) for t in texts]\n"
               "result.append(_eryx_host.callback_start('echo\\x00x', '{}', 1))\n"
               "result.append(_eryx_host.callback_start('ech', '{}', 1))\n"
               "result = [r if r < 0 else 'id' for r in result]\n");
    CHECK_STR(eryx_result_json(r), "[-4, -4, -4, -4, -4, -4, -4, \"id\", -1, -1]");
    CHECK(echo_calls == 1);
    CHECK_STR(last_args, "{\"a\": 1, \"b\": [1, 2]}");
    bool traced = false;
    for (size_t i = 0; i < eryx_result_trace_count(r); i++) {
        const eryx_trace_event *e = eryx_result_trace_event(r, i);
        if (e->kind != ERYX_TRACE_CALLBACK_START) continue;
        CHECK_STR(e->args_json, "{\"a\": 1, \"b\": [1, 2]}");
        traced = true;
    }
    CHECK(traced);
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

static void test_args_too_large(void) {
    eryx_config *c = config_with("echo", echo);
    eryx_config_set_memory_limit(c, 1024ull << 20);
    eryx_sandbox *s = make(c);
    eryx_config_free(c);
    echo_calls = 0;
    eryx_result *r = run(s, "try:\n"
                            "    await echo(data='x' * (64 * 2**20))\n"
                            "except CallbackError as e:\n"
                            "    result = str(e)\n");
    CHECK_STR(eryx_result_json(r), "\"callback arguments are larger than 64 MiB of JSON\"");
    CHECK(echo_calls == 0);
    eryx_result_free(r);
    /* Just below the bound passes. */
    r = run(s, "result = len((await echo(data='x' * (64 * 2**20 - 20)))['data'])");
    CHECK_STR(eryx_result_json(r), "67108844");
    eryx_result_free(r);
    eryx_sandbox_free(s);
}

/* ---- what the host holds for calls (item 4) ---- */

static void test_pending_calls_bounded(void) {
    eryx_config *c = config_with("keep", keep);
    eryx_config_set_max_callbacks(c, 0);
    eryx_sandbox *s = make(c);
    eryx_config_free(c);
    kept_count = 0;
    eryx_result *r =
        run(s, "import _eryx_host\n"
               "ids = [_eryx_host.callback_start('keep', '{}', 1) for _ in range(10001)]\n"
               "result = [sum(i > 0 for i in ids), ids[-1]]\n"
               "try:\n"
               "    await invoke('keep')\n"
               "except CallbackError as e:\n"
               "    print(e)\n");
    CHECK_STR(eryx_result_json(r), "[10000, -6]");
    CHECK_STR(eryx_result_stdout(r, NULL),
              "too many callback invocations pending (10000): await some first\n");
    CHECK(kept_count == 10000);
    eryx_result_free(r);
    /* The execution is over: its calls are gone. */
    int refused = 0;
    for (int i = 0; i < kept_count; i++)
        refused += eryx_call_complete(kept[i], "1") == ERYX_EINVAL;
    CHECK(refused == kept_count);
    CHECK(eryx_call_name(kept[0]) == NULL);
    eryx_sandbox_free(s);
}

/* The guest starts calls and never takes their results: the host keeps at
 * most the memory limit's bytes of them; the rest reach the guest as
 * errors, and the host's completions are told so. */
static void test_untaken_results_bounded(void) {
    size_t len = 1u << 20;
    big_result = malloc(len + 3);
    big_result[0] = '"';
    memset(big_result + 1, 'r', len);
    strcpy(big_result + 1 + len, "\"");
    eryx_config *c = config_with("big", big);
    eryx_config_set_memory_limit(c, 64ull << 20);
    eryx_config_set_max_callbacks(c, 0);
    eryx_sandbox *s = make(c);
    eryx_config_free(c);
    big_ok = big_refused = 0;
    eryx_result *r =
        run(s, "import _eryx_host\n"
               "ids = [_eryx_host.callback_start('big', '{}', 1) for _ in range(100)]\n"
               "ok = errors = 0\n"
               "while (item := _eryx_host.callback_next()) is not None:\n"
               "    if item[1] == 0: ok += 1\n"
               "    elif 'does not fit' in item[2]: errors += 1\n"
               "result = [ok, errors]\n");
    CHECK(big_ok + big_refused == 100);
    CHECK(big_ok >= 55 && big_ok < 64);
    char expected[64];
    snprintf(expected, sizeof expected, "[%d, %d]", big_ok, big_refused);
    CHECK_STR(eryx_result_json(r), expected);
    eryx_result_free(r);
    eryx_sandbox_free(s);
    free(big_result);
}

/* ---- handles (item 10) ---- */

static eryx_call *once_call;
static void once(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    (void)args;
    once_call = call;
    CHECK_STR(eryx_call_name(call), "ns.once");
    CHECK(eryx_call_complete(call, "7") == ERYX_OK);
}

static void test_handle_twice_late_or_made_up(void) {
    eryx_config *c = config_with("ns.once", once);
    eryx_config_add_callback(c, "keep", NULL, NULL, keep, NULL);
    eryx_config_set_callback_timeout(c, 0.05);
    eryx_sandbox *s = make(c);
    eryx_config_free(c);
    kept_count = 0;
    eryx_result *r = run(s, "result = await ns.once()\n"
                            "try:\n"
                            "    await keep()\n"
                            "except TimeoutError:\n"
                            "    pass\n");
    CHECK_STR(eryx_result_json(r), "7");
    eryx_result_free(r);
    /* Twice, after a fail, on a timed-out call. */
    CHECK(eryx_call_complete(once_call, "8") == ERYX_EINVAL);
    CHECK(eryx_call_fail(once_call, "again") == ERYX_EINVAL);
    CHECK(eryx_call_name(once_call) == NULL);
    CHECK(kept_count == 1);
    CHECK(eryx_call_complete(kept[0], "1") == ERYX_EINVAL);
    /* Never a call at all. */
    int local;
    CHECK(eryx_call_complete((eryx_call *)&local, "1") == ERYX_EINVAL);
    CHECK(eryx_call_complete((eryx_call *)(uintptr_t)0x1234, "1") == ERYX_EINVAL);
    CHECK(eryx_call_fail((eryx_call *)(uintptr_t)UINT64_MAX, "x") == ERYX_EINVAL);
    CHECK(eryx_call_name((eryx_call *)(uintptr_t)1) == NULL);
    CHECK(eryx_call_complete(NULL, "1") == ERYX_EINVAL);
    /* A call left pending when its sandbox is freed. */
    eryx_sandbox_free(s);
    c = config_with("keep", keep);
    eryx_config_set_timeout(c, 0.1);
    s = make(c);
    eryx_config_free(c);
    kept_count = 0;
    r = run(s, "await keep()");
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_TIMEOUT);
    eryx_result_free(r);
    eryx_sandbox_free(s);
    CHECK(kept_count == 1);
    CHECK(eryx_call_fail(kept[0], "late") == ERYX_EINVAL);
}

/* Two threads complete each call at the same moment: exactly one wins. */
typedef struct {
    eryx_call *call;
    pthread_barrier_t *barrier;
    atomic_int *wins, *losses;
} racer;

static void *race_one(void *arg) {
    racer *r = arg;
    pthread_barrier_wait(r->barrier);
    eryx_status st = eryx_call_complete(r->call, "\"done\"");
    atomic_fetch_add(st == ERYX_OK ? r->wins : r->losses, 1);
    return NULL;
}

static atomic_int race_wins, race_losses;

typedef struct {
    eryx_call *call;
} race_job;

static void *race_pair(void *arg) {
    race_job *job = arg;
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, 2);
    racer a = {job->call, &barrier, &race_wins, &race_losses}, b = a;
    pthread_t ta, tb;
    pthread_create(&ta, NULL, race_one, &a);
    pthread_create(&tb, NULL, race_one, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    pthread_barrier_destroy(&barrier);
    free(job);
    return NULL;
}

static void racing(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    (void)args;
    race_job *job = malloc(sizeof *job);
    job->call = call;
    pthread_t t;
    pthread_create(&t, NULL, race_pair, job);
    pthread_detach(t);
}

static void test_handle_completion_race(void) {
    eryx_config *c = config_with("racing", racing);
    eryx_sandbox *s = make(c);
    eryx_config_free(c);
    atomic_store(&race_wins, 0);
    atomic_store(&race_losses, 0);
    eryx_result *r = run(s, "import asyncio\n"
                            "values = await asyncio.gather(*(racing() for _ in range(200)))\n"
                            "result = values.count('done')\n");
    CHECK_STR(eryx_result_json(r), "200");
    eryx_result_free(r);
    while (atomic_load(&race_wins) + atomic_load(&race_losses) < 400)
        usleep(1000);
    CHECK(atomic_load(&race_wins) == 200);
    CHECK(atomic_load(&race_losses) == 200);
    eryx_sandbox_free(s);
}

static const test_case tests[] = {
    {"args_from_await_are_one_line", test_args_from_await_are_one_line},
    {"args_from_internals_are_checked", test_args_from_internals_are_checked},
    {"args_too_large", test_args_too_large},
    {"pending_calls_bounded", test_pending_calls_bounded},
    {"untaken_results_bounded", test_untaken_results_bounded},
    {"handle_twice_late_or_made_up", test_handle_twice_late_or_made_up},
    {"handle_completion_race", test_handle_completion_race},
};

int main(int argc, char **argv) {
    return run_tests(tests, sizeof tests / sizeof *tests, argc > 1 ? argv[1] : NULL);
}
