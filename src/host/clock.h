/*
 * clock.h - time in nanoseconds, and condition variables that wait on
 * CLOCK_MONOTONIC (deadlines must not move when the wall clock is set).
 */
#ifndef ERYX_CLOCK_H
#define ERYX_CLOCK_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

/* A timespec (a time or a duration) in nanoseconds. */
static inline uint64_t timespec_ns(struct timespec ts) {
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The time of `clock` in nanoseconds. */
static inline uint64_t clock_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return timespec_ns(ts);
}

/* CLOCK_MONOTONIC in nanoseconds: what every deadline is measured in. */
static inline uint64_t monotonic_ns(void) {
    return clock_ns(CLOCK_MONOTONIC);
}

/* A deadline in nanoseconds as pthread_cond_timedwait takes it. */
static inline struct timespec ns_timespec(uint64_t ns) {
    return (struct timespec){.tv_sec = (time_t)(ns / 1000000000u),
                             .tv_nsec = (long)(ns % 1000000000u)};
}

/* Initializes a condition variable whose timed waits use CLOCK_MONOTONIC. */
static inline void monotonic_cond_init(pthread_cond_t *cond) {
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
}

#endif
