/*
 * bench_template.c - a snapshot as the starting point of stateless
 * sandboxes: a session imports jinja2 and yaml (Debian's, mounted with
 * eryx_config_add_package), compiles a template and renders it as the
 * requests will, 10 times; its snapshot becomes the
 * config's template. Prints one line per measurement: NAME MEDIAN_US MIN_US:
 * loading the snapshot, creating a sandbox from it, `pass` in such a
 * sandbox, one request (an execution that renders the template, in a
 * stateless sandbox, so every request starts from the snapshot), and the
 * render alone timed inside the guest.
 *
 * usage: bench_template DIST_PACKAGES_DIR [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eryx.h"
#include "timed.h"

static void fail(const char *what, const char *why) {
    fprintf(stderr, "bench_template: %s: %s\n", what, why);
    exit(1);
}

static void run(eryx_sandbox *sb, const char *code) {
    eryx_result *r = NULL;
    if (eryx_execute(sb, code, strlen(code), &r) != ERYX_OK) fail("execute", "status");
    if (eryx_result_error_kind(r) != ERYX_ERROR_NONE)
        fail("execute", eryx_result_error_message(r) ? eryx_result_error_message(r) : "?");
    eryx_result_free(r);
}

/* The request every benchmark sends and native python3.11 runs (bench/run.py). */
static const char setup[] =
    "import jinja2, yaml\n"
    "env = jinja2.Environment(autoescape=True)\n"
    "page = env.from_string('<h1>{{ title }}</h1><ul>{% for item in items %}"
    "<li>{{ item.name }}: {{ item.price }}</li>{% endfor %}</ul>')\n";
static const char request[] =
    "html = page.render(title='Order <42>', items=[{'name': 'tea', 'price': 3},"
    " {'name': 'cake', 'price': 5}])\n";

int main(int argc, char **argv) {
    if (argc < 2) fail("usage", "bench_template DIST_PACKAGES_DIR [N]");
    int n = argc > 2 ? atoi(argv[2]) : 300;
    double *samples = calloc((size_t)(n > 20 ? n : 20), sizeof *samples); /* 20: the loads */
    eryx_config *config = eryx_config_new();
    char err[512], path[4200];
    static const char *const packages[] = {"jinja2", "markupsafe", "yaml"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", argv[1], packages[i]);
        if (eryx_config_add_package(config, path, err, sizeof err) != ERYX_OK) fail(path, err);
    }
    eryx_sandbox *session;
    if (eryx_session_new(config, &session, err, sizeof err) != ERYX_OK) fail("session", err);
    run(session, setup);
    /* As the README advises: the setup runs what the requests will, often
     * enough that CPython specializes it, so that every request starts from
     * the specialized code (58 µs a request without this, 44 with). */
    for (int i = 0; i < 10; i++)
        run(session, request);
    void *blob;
    size_t len;
    if (eryx_sandbox_snapshot(session, &blob, &len) != ERYX_OK) fail("snapshot", "status");
    eryx_sandbox_free(session);
    printf("snapshot_bytes %zu %zu\n", len, len);

    for (int i = 0; i < 20; i++) {
        double t = now_us();
        if (eryx_config_set_snapshot(config, blob, len, err, sizeof err) != ERYX_OK)
            fail("set_snapshot", err);
        samples[i] = now_us() - t;
    }
    report("load_snapshot_us", samples, 20);

    eryx_sandbox *sb;
    for (int i = 0; i < n; i++) {
        double t = now_us();
        if (eryx_sandbox_new(config, &sb, err, sizeof err) != ERYX_OK) fail("create", err);
        samples[i] = now_us() - t;
        eryx_sandbox_free(sb);
    }
    report("create_from_snapshot_us", samples, n);

    if (eryx_sandbox_new(config, &sb, err, sizeof err) != ERYX_OK) fail("create", err);
    for (int i = 0; i < n; i++) {
        double t = now_us();
        run(sb, "pass");
        samples[i] = now_us() - t;
    }
    report("pass_from_snapshot_us", samples, n);

    for (int i = 0; i < n; i++) {
        double t = now_us();
        run(sb, request);
        samples[i] = now_us() - t;
    }
    report("render_request_us", samples, n);

    /* The render alone, timed inside the guest (median of 200). */
    static const char inner[] = "import time, statistics\nsamples = []\n"
                                "for _ in range(200):\n    t = time.perf_counter()\n"
                                "    REQUEST\n    samples.append(time.perf_counter() - t)\n"
                                "result = statistics.median(samples) * 1e6\n";
    char code[2048];
    const char *at = strstr(inner, "REQUEST");
    snprintf(code, sizeof code, "%.*s%.*s%s", (int)(at - inner), inner, (int)(strlen(request) - 1),
             request, at + strlen("REQUEST"));
    eryx_result *r = NULL;
    if (eryx_execute(sb, code, strlen(code), &r) != ERYX_OK || !eryx_result_json(r))
        fail("inner render",
             r && eryx_result_error_message(r) ? eryx_result_error_message(r) : "?");
    printf("render_in_guest_us %s %s\n", eryx_result_json(r), eryx_result_json(r));
    eryx_result_free(r);
    eryx_sandbox_free(sb);
    eryx_free(blob);
    eryx_config_free(config);
    free(samples);
    return 0;
}
