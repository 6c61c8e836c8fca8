/*
 * sqlite_wasi.c - SQLite's amalgamation built for the guest (wasm32-wasi).
 *
 * The build compiles this file, not sqlite3.c itself: it includes the
 * amalgamation (made from Debian's source by the Makefile) between the few
 * definitions WASI lacks and the start-up hook that adapts SQLite's unix VFS
 * to the sandbox. Options (Makefile, SQLITE_FLAGS): THREADSAFE=0 (the guest
 * has one thread), no extension loading (nothing to load), no WAL (it needs
 * shared memory between processes; `PRAGMA journal_mode=WAL` answers the
 * mode it kept, "delete" or "memory", which is how SQLite refuses a journal
 * mode), no mmap, temporary tables and sorts in memory.
 *
 * Locking: WASI has no advisory locks, and fcntl(F_SETLK) fails. The unix VFS
 * keeps the lock state of every open file per inode inside the process
 * (unixInodeInfo: a connection asking for a lock that another connection of
 * the same process holds gets SQLITE_BUSY before fcntl is asked), and uses
 * fcntl only to exclude other processes. The guest is one process and no
 * other process sees its files, so answering every lock request "granted" and
 * every lock test "unlocked" is exact, and several connections to one file
 * inside one execution lock against each other as natively. That relies on
 * fstat() giving every file its own (st_dev, st_ino), which the host's
 * filesystems do.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

/* wasi-libc has struct flock but no lock commands or types; these values
 * are only ever seen by wasi_fcntl below. */
#define F_GETLK  5
#define F_SETLK  6
#define F_SETLKW 7
#ifndef F_RDLCK
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#endif

/* Owners and modes do not exist in WASI: changing them succeeds, and no one
 * is root (so the VFS never tries to give a file to someone else). */
static int wasi_fchmod(int fd, mode_t mode) {
    (void)fd, (void)mode;
    return 0;
}
static int wasi_fchown(int fd, uid_t uid, gid_t gid) {
    (void)fd, (void)uid, (void)gid;
    return 0;
}
static uid_t wasi_geteuid(void) {
    return 1;
}
#define fchmod  wasi_fchmod
#define fchown  wasi_fchown
#define geteuid wasi_geteuid

#include "sqlite3.c"

/* fcntl as the unix VFS sees it: lock requests succeed (see above), the
 * other commands (F_GETFD/F_SETFD, F_GETFL/F_SETFL) go to wasi-libc. */
static int wasi_fcntl(int fd, int cmd, ...) {
    va_list ap;
    va_start(ap, cmd);
    int result = 0;
    if (cmd == F_GETLK) {
        struct flock *lock = va_arg(ap, struct flock *);
        lock->l_type = F_UNLCK;
    } else if (cmd != F_SETLK && cmd != F_SETLKW) {
        result = fcntl(fd, cmd, va_arg(ap, int));
    }
    va_end(ap);
    return result;
}

/* Seeds SQLite's PRNG from WASI's random_get (there is no /dev/urandom). */
static int wasi_randomness(sqlite3_vfs *vfs, int n, char *out) {
    (void)vfs;
    for (int done = 0; done < n;) {
        int chunk = n - done > 256 ? 256 : n - done; /* getentropy's limit */
        if (getentropy(out + done, (size_t)chunk) != 0) return done;
        done += chunk;
    }
    return n;
}

/* SQLITE_EXTRA_INIT: runs at the end of sqlite3_initialize(). */
int eryx_sqlite_init(const char *unused) {
    (void)unused;
    for (sqlite3_vfs *vfs = sqlite3_vfs_find(0); vfs; vfs = vfs->pNext) {
        if (strncmp(vfs->zName, "unix", 4) != 0) continue;
        vfs->xRandomness = wasi_randomness;
        int rc = vfs->xSetSystemCall(vfs, "fcntl", (sqlite3_syscall_ptr)wasi_fcntl);
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}
