/*
 * liblzma_wasi.h - included before every liblzma source of the guest build.
 *
 * liblzma built without threads still defines a helper around sigprocmask()
 * (src/common/mythread.h), which WASI lacks. The helper is
 * never called by the library; these definitions only let it compile.
 */
#ifndef ERYX_LIBLZMA_WASI_H
#define ERYX_LIBLZMA_WASI_H

#include <signal.h>
#include <sys/select.h> /* sigset_t */

static inline int sigprocmask(int how, const sigset_t *set, sigset_t *old) {
    (void)how, (void)set, (void)old;
    return 0;
}

#endif
