/*
 * step.h - a guest paused by a trace handler (ERYX_TRACE_PAUSE), and
 * eryx_sandbox_resume from another thread. The pause waits inside eryx, so
 * that a cancel or (when asked) the timeout ends it.
 */
#ifndef ERYX_STEP_H
#define ERYX_STEP_H

#include <stdbool.h>

#include "eryx.h"

typedef struct step_state step_state;

/* One per sandbox. NULL when out of memory. */
step_state *step_new(void);
void step_free(step_state *step);

/* A burst handler is about to run (guest thread): resumes are accepted
 * from now on until step_leave. */
void step_enter(step_state *step);

/* The handler returned `action`: with ERYX_TRACE_PAUSE, waits for a resume
 * (or one that came meanwhile) or a stop (*stop non-zero). Returns the
 * action to take: ERYX_TRACE_CONTINUE or ERYX_TRACE_STOP. */
eryx_trace_action step_leave(step_state *step, eryx_trace_action action, const _Atomic int *stop);

/* Wakes a paused guest so that it sees a stop (any thread). */
void step_wake(step_state *step);

#endif
