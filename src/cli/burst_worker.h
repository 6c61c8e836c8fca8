/*
 * burst_worker.h - trace bursts consumed on a thread of their own, so that
 * formatting and writing them (trace_writer.h) runs beside the guest
 * instead of inside its time.
 *
 * The bursts come from a handler set with ERYX_TRACE_KEEP_BURST, so
 * they stay valid until the handler's next call returns: a burst is handed
 * over as it is, and the guest goes on at once while the worker consumes
 * it. At most one burst is in the worker's hands: the next call waits for
 * it. A burst that ends with a callback's start or end is consumed on the
 * caller's thread, so that it is out before the callback runs (or the
 * guest goes on after it). Output and the end of an execution are the
 * caller's to order: burst_worker_drain before them.
 */
#ifndef ERYX_CLI_BURST_WORKER_H
#define ERYX_CLI_BURST_WORKER_H

#include <stddef.h>

#include "eryx.h"

struct burst_worker;

/* What consumes a burst, on either thread (never on both at once). */
typedef void (*burst_consumer_fn)(void *context, const eryx_trace_event *events, size_t count);

/* A worker calling `fn(context, ...)`, or NULL when a second thread would
 * not help (one CPU to run on) or cannot be had: the caller then consumes
 * each burst itself. The thread blocks every signal. */
struct burst_worker *burst_worker_start(burst_consumer_fn fn, void *context);

/* Hands `count` events (0: fn gets none, a job to start with) to the
 * worker, or consumes them here;
 * either way after the worker is done with the burst it held. The events
 * must stay valid until the next call returns, or burst_worker_drain. */
void burst_worker_deliver(struct burst_worker *worker, const eryx_trace_event *events,
                          size_t count);

/* Returns when every burst delivered has been consumed. NULL does nothing. */
void burst_worker_drain(struct burst_worker *worker);

/* Drains, ends the thread and frees the worker; NULL does nothing. */
void burst_worker_stop(struct burst_worker *worker);

#endif
