/*
 * step.c - pausing the guest in a trace handler's hands (see step.h).
 */
#include "step.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "sandbox.h"

struct step_state {
    pthread_mutex_t lock;
    pthread_cond_t resumed_cond;
    bool in_handler; /* a handler runs or holds the guest paused */
    bool resumed;    /* eryx_sandbox_resume came, with resume_action */
    eryx_trace_action resume_action;
};

step_state *step_new(void) {
    step_state *step = calloc(1, sizeof *step);
    if (!step) return NULL;
    pthread_mutex_init(&step->lock, NULL);
    pthread_cond_init(&step->resumed_cond, NULL);
    return step;
}

void step_free(step_state *step) {
    if (!step) return;
    pthread_mutex_destroy(&step->lock);
    pthread_cond_destroy(&step->resumed_cond);
    free(step);
}

void step_enter(step_state *step) {
    pthread_mutex_lock(&step->lock);
    step->in_handler = true;
    step->resumed = false;
    pthread_mutex_unlock(&step->lock);
}

eryx_trace_action step_leave(step_state *step, eryx_trace_action action, const _Atomic int *stop) {
    pthread_mutex_lock(&step->lock);
    if (action == ERYX_TRACE_PAUSE) {
        while (!step->resumed && !atomic_load(stop))
            pthread_cond_wait(&step->resumed_cond, &step->lock);
        action = step->resumed ? step->resume_action : ERYX_TRACE_CONTINUE;
    } else if (action != ERYX_TRACE_STOP) {
        action = ERYX_TRACE_CONTINUE;
    }
    step->in_handler = false;
    pthread_mutex_unlock(&step->lock);
    return action;
}

void step_wake(step_state *step) {
    pthread_mutex_lock(&step->lock);
    pthread_cond_broadcast(&step->resumed_cond);
    pthread_mutex_unlock(&step->lock);
}

eryx_status eryx_sandbox_resume(eryx_sandbox *sandbox, eryx_trace_action action) {
    if (!sandbox || (action != ERYX_TRACE_CONTINUE && action != ERYX_TRACE_STOP))
        return ERYX_EINVAL;
    step_state *step = sandbox->step;
    pthread_mutex_lock(&step->lock);
    eryx_status status = step->in_handler ? ERYX_OK : ERYX_EINVAL;
    if (step->in_handler) {
        step->resumed = true;
        step->resume_action = action;
        pthread_cond_broadcast(&step->resumed_cond);
    }
    pthread_mutex_unlock(&step->lock);
    return status;
}
