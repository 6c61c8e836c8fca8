/*
 * test_reset.c - what a stateless sandbox returns to before every
 * execution: the pages of memory the last one wrote (copied back from the
 * template, src/host/vm_dirty.c), memory it grew, its random state, and the
 * compiled code of sources run before (src/host/code_cache.c), which must
 * never carry anything from one execution into the next; and the immortal
 * objects that make those resets cheap, which must not change what dies.
 *
 * usage: test_reset [FILTER]   runs the tests whose name contains FILTER
 */
#include <stdbool.h>
#include <stdlib.h>

#include "check.h"
#include "eryx.h"

/* ---- helpers ---- */

static eryx_result *run_ex(eryx_sandbox *sandbox, const char *code, int interactive) {
    eryx_exec_options options = {.interactive = interactive};
    eryx_result *r = NULL;
    eryx_status st = eryx_execute_ex(sandbox, code, strlen(code), &options, &r);
    if (st != ERYX_OK) fprintf(stderr, "execute: %s\n", eryx_status_string(st));
    return r;
}

static eryx_result *run_in(eryx_sandbox *sandbox, const char *code) {
    return run_ex(sandbox, code, 0);
}

/* Runs code and checks that it succeeded with `json` as its result (NULL:
 * any). */
static void expect_result(eryx_sandbox *sandbox, const char *code, const char *json) {
    eryx_result *r = run_in(sandbox, code);
    CHECK(r != NULL);
    if (!r) return;
    if (eryx_result_error_kind(r) != ERYX_ERROR_NONE) {
        fprintf(stderr, "    code: %s\n    error: %s\n%s", code,
                eryx_result_error_message(r) ? eryx_result_error_message(r) : "?",
                eryx_result_error_traceback(r) ? eryx_result_error_traceback(r) : "");
    }
    CHECK(eryx_result_error_kind(r) == ERYX_ERROR_NONE);
    if (json) CHECK_STR(eryx_result_json(r), json);
    eryx_result_free(r);
}

static eryx_sandbox *new_sandbox(const eryx_config *config, bool session) {
    eryx_sandbox *sandbox = NULL;
    char err[256] = "";
    eryx_status st = session ? eryx_session_new(config, &sandbox, err, sizeof err)
                             : eryx_sandbox_new(config, &sandbox, err, sizeof err);
    if (st != ERYX_OK) fprintf(stderr, "sandbox: %s: %s\n", eryx_status_string(st), err);
    return sandbox;
}

/* A config whose template is a snapshot of a session that ran `setup`. */
static eryx_config *config_from(const char *setup) {
    eryx_config *config = eryx_config_new();
    eryx_sandbox *session = new_sandbox(config, true);
    if (!session) return config;
    expect_result(session, setup, NULL);
    void *blob = NULL;
    size_t len = 0;
    char err[256] = "";
    CHECK(eryx_sandbox_snapshot(session, &blob, &len) == ERYX_OK);
    CHECK(eryx_config_set_snapshot(config, blob, len, err, sizeof err) == ERYX_OK);
    eryx_free(blob);
    eryx_sandbox_free(session);
    return config;
}

/* ---- memory ---- */

/* Every execution writes a fifth of the pages of a 4 MiB buffer of the
 * snapshot (each fifth in turn, so that after five runs every page is the
 * sandbox's own copy and later resets copy back from the list they kept),
 * changes objects and modules of the snapshot, and checks that what the
 * one before did is gone. */
static void test_pages_restored(void) {
    eryx_config *config = config_from("blob = bytearray(4 << 20)\nmarks = []\ncounter = 0\n");
    eryx_sandbox *sb = new_sandbox(config, false);
    CHECK(sb != NULL);
    for (int i = 0; sb && i < 40; i++) {
        char code[1024];
        snprintf(code, sizeof code,
                 "import json\n"
                 "assert counter == 0 and marks == [] and 'leak' not in globals()\n"
                 "assert not hasattr(json, 'leak')\n"
                 "assert blob.count(0) == len(blob), 'a page of the last run is still there'\n"
                 "for k in range(%d * 4096 + %d, len(blob), 5 * 4096):\n"
                 "    blob[k] = 255\n"
                 "counter += 1\nmarks.append(1)\nleak = 1\njson.leak = 1\n"
                 "result = blob.count(255)\n",
                 i % 5, i % 7);
        expect_result(sb, code, i % 5 == 4 ? "204" : "205");
    }
    eryx_sandbox_free(sb);
    eryx_config_free(config);
}

/* The host's answer to flag(): whether the execution writes its pages. */
static int write_pages;
static void flag(void *userdata, eryx_call *call, const char *args) {
    (void)userdata;
    (void)args;
    eryx_call_complete(call, write_pages ? "1" : "0");
}

/* Pages left as the template has them for resets in a row are dropped
 * from the list (no longer copies, vm_dirty.c); an execution that writes
 * them again must find them restored at the next. One source does both,
 * told by the host which, so that the two take the same path through
 * memory but for the stores into `blob`: writing a dropped page must be
 * what gets it restored, not some other page the execution faulted on. */
static void test_dropped_pages_restored(void) {
    eryx_config *config = config_from("blob = bytearray(4 << 20)\n");
    CHECK(eryx_config_add_callback(config, "flag", NULL, NULL, flag, NULL) == ERYX_OK);
    eryx_sandbox *sb = new_sandbox(config, false);
    CHECK(sb != NULL);
    static const char code[] =
        "w = await flag()\n"
        "assert blob.count(0) == len(blob), 'a page written by the last run'\n"
        "for k in range(100, len(blob), 4096):\n"
        "    if w:\n        blob[k] = 7\n    else:\n        x = blob[k]\n";
    for (int round = 0; sb && round < 6; round++) {
        write_pages = 1;
        expect_result(sb, code, NULL);
        write_pages = 0;
        for (int i = 0; i < 12; i++)
            expect_result(sb, code, NULL);
    }
    eryx_sandbox_free(sb);
    eryx_config_free(config);
}

/* Memory grown by one execution (beyond the template's size) is gone at
 * the next: its size is the template's again, and so is its content. */
static void test_grown_memory_restored(void) {
    eryx_config *config = config_from("kept = bytearray(b'k') * 4096\n");
    eryx_sandbox *sb = new_sandbox(config, false);
    CHECK(sb != NULL);
    uint64_t base = 0;
    for (int i = 0; sb && i < 6; i++) {
        eryx_result *r = run_in(sb, "assert 'big' not in globals() and kept == b'k' * 4096\n"
                                    "big = bytearray(b'\\x07') * (48 << 20)\n"
                                    "kept[:] = b'x' * 4096\nresult = big.count(7)\n");
        CHECK(r && eryx_result_error_kind(r) == ERYX_ERROR_NONE);
        if (r) CHECK_STR(eryx_result_json(r), "50331648");
        uint64_t grown = r ? eryx_result_peak_memory(r) : 0;
        eryx_result_free(r);
        r = run_in(sb, "assert 'big' not in globals() and kept == b'k' * 4096");
        CHECK(r && eryx_result_error_kind(r) == ERYX_ERROR_NONE);
        uint64_t after = r ? eryx_result_peak_memory(r) : 0;
        eryx_result_free(r);
        if (!base) base = after;
        CHECK(grown >= after + (32u << 20));
        CHECK(after == base); /* memory.grow's state returned to the template's */
    }
    eryx_sandbox_free(sb);
    eryx_config_free(config);
}

/* A session cut off by its timeout returns to its snapshot inside the
 * execution: what the execution wrote before is gone too. */
static void test_session_reset_after_stop(void) {
    eryx_config *config = config_from("blob = bytearray(4 << 20)\ncounter = 0\n");
    eryx_sandbox *session = new_sandbox(config, true);
    CHECK(session != NULL);
    for (int i = 0; session && i < 4; i++) {
        eryx_exec_options options = {.timeout = 0.3};
        static const char code[] = "for k in range(0, len(blob), 4096):\n    blob[k] = 1\n"
                                   "counter += 1\nbig = bytearray(b'x') * (8 << 20)\n"
                                   "while True:\n    pass\n";
        eryx_result *r = NULL;
        CHECK(eryx_execute_ex(session, code, strlen(code), &options, &r) == ERYX_OK);
        CHECK(r && eryx_result_error_kind(r) == ERYX_ERROR_TIMEOUT);
        CHECK(r && eryx_result_session_reset(r));
        eryx_result_free(r);
        expect_result(session,
                      "assert 'big' not in globals() and counter == 0\n"
                      "result = blob.count(0) == len(blob)\n",
                      "true");
    }
    eryx_sandbox_free(session);
    eryx_config_free(config);
}

/* The generator of the random module gets a new state every execution,
 * also when the snapshot left a Gaussian value waiting in it. */
static void test_random_state(void) {
    eryx_config *config = config_from("import random\nrandom.gauss(0, 1)\n");
    eryx_sandbox *sb = new_sandbox(config, false);
    char seen[3][2][64] = {{{0}}};
    for (int i = 0; sb && i < 3; i++) {
        eryx_result *r =
            run_in(sb, "import random\nresult = [random.random(), random.gauss(0, 1)]");
        CHECK(r && eryx_result_json(r));
        if (r && eryx_result_json(r)) {
            const char *json = eryx_result_json(r), *comma = strchr(json, ',');
            snprintf(seen[i][0], sizeof seen[i][0], "%.*s", comma ? (int)(comma - json) : 0, json);
            snprintf(seen[i][1], sizeof seen[i][1], "%s", comma ? comma : "");
        }
        eryx_result_free(r);
    }
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < i; j++) {
            CHECK(strcmp(seen[i][0], seen[j][0]) != 0);
            CHECK(strcmp(seen[i][1], seen[j][1]) != 0);
        }
    }
    eryx_sandbox_free(sb);
    eryx_config_free(config);
}

/* ---- immortal objects (patches/cpython-3.11-immortal-image.patch) ---- */

/* A snapshot makes the objects no program can see die immortal (eryx.h):
 * instances, dicts and weakrefs keep dying as before, with their __del__
 * and callbacks, in every execution started from it and in a session
 * restored from it; classes and functions do not die, and their counts
 * stay. */
static void test_snapshot_objects_still_die(void) {
    eryx_config *config = config_from(
        "import sys, weakref\nlog = []\n"
        "class A:\n    def __del__(self):\n        log.append(self.n)\n"
        "a = A()\na.n = 1\ncache = {'k': A()}\ncache['k'].n = 3\n"
        "class W:\n    pass\nw = W()\nr = weakref.ref(w, lambda ref: log.append('gone'))\n");
    static const char request[] =
        "del a\ndel w\ncache.clear()\n"
        "result = log + [sys.getrefcount(A), sys.getrefcount(log) < 10, r() is None]";
    static const char expected[] = "[1, \"gone\", 3, 805306368, true, true]";
    eryx_sandbox *stateless = new_sandbox(config, false);
    for (int i = 0; stateless && i < 2; i++)
        expect_result(stateless, request, expected);
    eryx_sandbox *session = new_sandbox(config, true);
    if (session) expect_result(session, request, expected);
    eryx_sandbox_free(stateless);
    eryx_sandbox_free(session);
    eryx_config_free(config);
}

/* References to immortal objects change no count, even many at once (a
 * repeated list adds them in one step), so that none can wrap around. */
static void test_immortal_counts_stay(void) {
    eryx_sandbox *sb = new_sandbox(NULL, false);
    if (!sb) return;
    expect_result(sb,
                  "import sys\nbefore = [sys.getrefcount(x) for x in (None, 'abc', len, 7)]\n"
                  "x = [None, 'abc', len, 7] * 10**6\ny = list(x) + x\nz = (None,) * 10**6\n"
                  "after = [sys.getrefcount(x) for x in (None, 'abc', len, 7)]\n"
                  "result = [before == after, sys.getrefcount(None)]",
                  "[true, 805306368]");
    eryx_sandbox_free(sb);
}

/* ---- compiled code kept between executions ---- */

static void test_code_cache_same_source(void) {
    eryx_sandbox *sb = new_sandbox(NULL, false);
    for (int i = 0; sb && i < 3; i++) {
        eryx_result *r = run_in(sb, "print('hi')\nresult = 41 + 1\n");
        CHECK(r && eryx_result_error_kind(r) == ERYX_ERROR_NONE);
        if (r) CHECK_STR(eryx_result_stdout(r, NULL), "hi\n");
        if (r) CHECK_STR(eryx_result_json(r), "42");
        eryx_result_free(r);
        /* Line numbers of tracebacks are the source's, cached or not. */
        r = run_in(sb, "x = 1\nraise ValueError('boom')\n");
        CHECK(r && eryx_result_error_kind(r) == ERYX_ERROR_EXCEPTION);
        if (r) CHECK_CONTAINS(eryx_result_error_traceback(r), "line 2");
        eryx_result_free(r);
        r = run_in(sb, "x = (\n");
        CHECK(r && eryx_result_error_kind(r) == ERYX_ERROR_EXCEPTION);
        if (r) CHECK_STR(eryx_result_error_type(r), "SyntaxError");
        eryx_result_free(r);
    }
    eryx_sandbox_free(sb);
}

/* More sources than are kept, and sources whose code takes a large part
 * of the room: the oldest make room, every run gives its own source's
 * result. */
static void test_code_cache_many_sources(void) {
    eryx_sandbox *sb = new_sandbox(NULL, false);
    size_t big_len = 20000 * 12 + 64;
    char *big = malloc(big_len);
    CHECK(big != NULL);
    for (int round = 0; sb && big && round < 3; round++) {
        for (int i = 0; i < 40; i++) {
            char code[64], json[16];
            snprintf(code, sizeof code, "result = %d", i);
            snprintf(json, sizeof json, "%d", i);
            expect_result(sb, code, json);
            if (i % 5) continue;
            size_t at = 0;
            for (int k = 0; k < 20000; k++)
                at += (size_t)snprintf(big + at, big_len - at, "v%05d = %d\n", k, i);
            snprintf(big + at, big_len - at, "result = v19999 + 1\n");
            snprintf(json, sizeof json, "%d", i + 1);
            expect_result(sb, big, json);
        }
    }
    free(big);
    eryx_sandbox_free(sb);
}

/* The interactive mode compiles differently: it is part of the key. */
static void test_code_cache_interactive(void) {
    eryx_sandbox *sb = new_sandbox(NULL, false);
    for (int i = 0; sb && i < 2; i++) {
        eryx_result *r = run_ex(sb, "6 * 7\n", 1);
        CHECK(r && eryx_result_error_kind(r) == ERYX_ERROR_NONE);
        if (r) CHECK_STR(eryx_result_stdout(r, NULL), "42\n");
        eryx_result_free(r);
        r = run_ex(sb, "6 * 7\n", 0);
        CHECK(r && eryx_result_error_kind(r) == ERYX_ERROR_NONE);
        if (r) CHECK_STR(eryx_result_stdout(r, NULL), "");
        eryx_result_free(r);
    }
    eryx_sandbox_free(sb);
}

/* User code offering its own code for a source is ignored: only the
 * runtime's first offer of an execution that found nothing is kept. */
static void test_code_cache_not_poisoned(void) {
    static const char poison[] =
        "import _eryx_host, marshal\n"
        "evil = marshal.dumps(compile(\"result = 'evil'\", '<user>', 'exec'))\n"
        "for _ in range(3):\n"
        "    _eryx_host.code_put(evil)\n"
        "result = 'good'\n";
    eryx_sandbox *sb = new_sandbox(NULL, false);
    for (int i = 0; sb && i < 4; i++)
        expect_result(sb, poison, "\"good\"");
    /* A runtime whose compile and marshal were replaced offers nothing
     * either: the next execution starts from the template again. */
    static const char replace[] = "import _eryx_runtime, marshal\n"
                                  "_eryx_runtime._compile = lambda *a: compile(\"result = 'evil'\","
                                  " '<user>', 'exec')\n"
                                  "marshal.loads = lambda b: compile(\"result = 'evil'\", '<user>',"
                                  " 'exec')\n"
                                  "result = 'good'\n";
    for (int i = 0; sb && i < 3; i++) {
        expect_result(sb, replace, "\"good\"");
        expect_result(sb, "result = 'fine'", "\"fine\"");
    }
    eryx_sandbox_free(sb);
}

/* A session keeps its state, so it keeps no code: nothing is offered. */
static void test_code_cache_not_in_sessions(void) {
    eryx_sandbox *session = new_sandbox(NULL, true);
    for (int i = 0; session && i < 3; i++) {
        eryx_result *r = run_in(session, "import _eryx_host\nprint(_eryx_host.code_get())");
        CHECK(r && eryx_result_error_kind(r) == ERYX_ERROR_NONE);
        if (r) CHECK_STR(eryx_result_stdout(r, NULL), "None\n");
        eryx_result_free(r);
    }
    eryx_sandbox_free(session);
}

static const test_case tests[] = {
    {"pages_restored", test_pages_restored},
    {"dropped_pages_restored", test_dropped_pages_restored},
    {"grown_memory_restored", test_grown_memory_restored},
    {"session_reset_after_stop", test_session_reset_after_stop},
    {"random_state", test_random_state},
    {"snapshot_objects_still_die", test_snapshot_objects_still_die},
    {"immortal_counts_stay", test_immortal_counts_stay},
    {"code_cache_same_source", test_code_cache_same_source},
    {"code_cache_many_sources", test_code_cache_many_sources},
    {"code_cache_interactive", test_code_cache_interactive},
    {"code_cache_not_poisoned", test_code_cache_not_poisoned},
    {"code_cache_not_in_sessions", test_code_cache_not_in_sessions},
};

int main(int argc, char **argv) {
    return run_tests(tests, sizeof tests / sizeof *tests, argc > 1 ? argv[1] : NULL);
}
