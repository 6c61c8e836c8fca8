/*
 * slow_callback.h - a host callback for the C tests that completes from a
 * thread of its own after 200 ms, so that gathered calls overlap.
 */
#ifndef ERYX_TESTS_SLOW_CALLBACK_H
#define ERYX_TESTS_SLOW_CALLBACK_H

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "eryx.h"

typedef struct {
    eryx_call *call;
    int delay_ms;
} delayed;

static void *complete_later(void *arg) {
    delayed *d = arg;
    usleep((useconds_t)d->delay_ms * 1000);
    eryx_call_complete(d->call, "\"slept\"");
    free(d);
    return NULL;
}

/* slow: completes after 200 ms from its own thread, so calls overlap. */
static void slow(void *ud, eryx_call *call, const char *args) {
    (void)ud;
    (void)args;
    delayed *d = malloc(sizeof *d);
    d->call = call;
    d->delay_ms = 200;
    pthread_t t;
    pthread_create(&t, NULL, complete_later, d);
    pthread_detach(t);
}

#endif
