/*
 * host.c - a host program embedding eryx: a callback served from another
 * thread, a trace handler, streamed output and a session that keeps state.
 *
 * build: cc examples/host.c $(pkg-config --cflags --libs eryx) -lpthread
 *    or: make build/examples/host
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "eryx.h"

/* The callback "lookup": answered 50 ms later from a thread of the host's,
 * as a server answering from its own event loop would. */
static void *answer_later(void *arg) {
    usleep(50 * 1000);
    eryx_call_complete(arg, "{\"price\": 42.5, \"currency\": \"EUR\"}");
    return NULL;
}

static void lookup(void *userdata, eryx_call *call, const char *args_json) {
    (void)userdata;
    printf("[host] %s%s\n", eryx_call_name(call), args_json);
    pthread_t thread;
    if (pthread_create(&thread, NULL, answer_later, call) != 0) {
        eryx_call_fail(call, "host is out of threads");
        return;
    }
    pthread_detach(thread);
}

static void on_event(void *userdata, const eryx_trace_event *event) {
    (void)userdata;
    if (event->kind == ERYX_TRACE_CALLBACK_START || event->kind == ERYX_TRACE_CALLBACK_END) {
        char *json = eryx_trace_event_to_json(event);
        printf("[trace] %s\n", json);
        eryx_free(json);
    }
}

static void on_output(void *userdata, eryx_stream stream, const char *data, size_t len) {
    (void)userdata;
    fwrite(data, 1, len, stream == ERYX_STDERR ? stderr : stdout);
}

static int run(eryx_sandbox *session, const char *code) {
    eryx_result *result;
    if (eryx_execute(session, code, strlen(code), &result) != ERYX_OK) return -1;
    if (eryx_result_error_kind(result) == ERYX_ERROR_EXCEPTION) {
        fputs(eryx_result_error_traceback(result), stderr);
    } else if (eryx_result_json(result)) {
        printf("[host] result = %s\n", eryx_result_json(result));
    }
    eryx_result_free(result);
    return 0;
}

int main(void) {
    eryx_config *config = eryx_config_new();
    eryx_config_set_timeout(config, 5);
    eryx_config_add_callback(config, "lookup", "Price of an item",
                             "{\"properties\": {\"item\": {\"type\": \"string\"}}}", lookup, NULL);
    eryx_config_set_trace(config, on_event, NULL, 0);
    eryx_config_set_output_handler(config, on_output, NULL);

    eryx_sandbox *session;
    char err[256];
    if (eryx_session_new(config, &session, err, sizeof err) != ERYX_OK) {
        fprintf(stderr, "cannot start: %s\n", err);
        return 1;
    }
    eryx_config_free(config);

    run(session, "import asyncio\n"
                 "prices = await asyncio.gather(lookup('tea'), lookup(item='coffee'))\n"
                 "print('guest got', prices)\n");
    run(session, "result = sum(p['price'] for p in prices)  # state kept\n");
    eryx_sandbox_free(session);
    return 0;
}
