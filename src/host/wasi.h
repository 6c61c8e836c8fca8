/*
 * wasi.h - our WASI preview1 implementation: deny by default.
 *
 * The guest reaches nothing of the host through WASI but what the host
 * mounted: its filesystem is the namespace of fs.h (preopened as "/" on
 * fd 3: a writable in-memory tree with the read-only stdlib at /lib, plus
 * the host's packages and volumes), stdin is empty, stdout and stderr go to
 * vm_write_output, the environment and argv are empty, sockets do not exist.
 * The imports (Z_wasi_snapshot_preview1Z_*) are declared by the generated
 * guest.h and defined in wasi_fd.c (the fd table and fd calls), wasi_io.c
 * (reads, writes, directory listings), wasi_path.c (path calls) and
 * wasi_clock.c (environment, clocks, random, poll, exit, sockets); this
 * header holds the per-vm state and its lifecycle.
 *
 * Choices where preview1 leaves room:
 *  - Every path is resolved host-side from the one preopen (fs_resolve):
 *    wasi-libc makes relative paths absolute with its cwd emulation; the
 *    runtime starts in /data.
 *  - stdio fds report all rights, FD_SEEK included: wasi-libc's isatty() then
 *    says no, so the guest treats its output as a pipe (block buffered).
 *  - Sockets: every sock_* call returns NOTSUP, whatever the fd.
 *  - A file fd keeps the access of its open (read, write): reading a
 *    write-only fd or writing a read-only one is BADF, as on Linux.
 */
#ifndef ERYX_WASI_H
#define ERYX_WASI_H

#include <stdbool.h>
#include <stdint.h>

#include "vfs.h"

typedef struct eryx_vm eryx_vm;

/* WASI preview1 errno values. */
typedef enum {
    WASI_ESUCCESS = 0,
    WASI_E2BIG = 1,
    WASI_EACCES = 2,
    WASI_EADDRINUSE = 3,
    WASI_EADDRNOTAVAIL = 4,
    WASI_EAFNOSUPPORT = 5,
    WASI_EAGAIN = 6,
    WASI_EALREADY = 7,
    WASI_EBADF = 8,
    WASI_EBADMSG = 9,
    WASI_EBUSY = 10,
    WASI_ECANCELED = 11,
    WASI_ECHILD = 12,
    WASI_ECONNABORTED = 13,
    WASI_ECONNREFUSED = 14,
    WASI_ECONNRESET = 15,
    WASI_EDEADLK = 16,
    WASI_EDESTADDRREQ = 17,
    WASI_EDOM = 18,
    WASI_EDQUOT = 19,
    WASI_EEXIST = 20,
    WASI_EFAULT = 21,
    WASI_EFBIG = 22,
    WASI_EHOSTUNREACH = 23,
    WASI_EIDRM = 24,
    WASI_EILSEQ = 25,
    WASI_EINPROGRESS = 26,
    WASI_EINTR = 27,
    WASI_EINVAL = 28,
    WASI_EIO = 29,
    WASI_EISCONN = 30,
    WASI_EISDIR = 31,
    WASI_ELOOP = 32,
    WASI_EMFILE = 33,
    WASI_EMLINK = 34,
    WASI_EMSGSIZE = 35,
    WASI_EMULTIHOP = 36,
    WASI_ENAMETOOLONG = 37,
    WASI_ENETDOWN = 38,
    WASI_ENETRESET = 39,
    WASI_ENETUNREACH = 40,
    WASI_ENFILE = 41,
    WASI_ENOBUFS = 42,
    WASI_ENODEV = 43,
    WASI_ENOENT = 44,
    WASI_ENOEXEC = 45,
    WASI_ENOLCK = 46,
    WASI_ENOLINK = 47,
    WASI_ENOMEM = 48,
    WASI_ENOMSG = 49,
    WASI_ENOPROTOOPT = 50,
    WASI_ENOSPC = 51,
    WASI_ENOSYS = 52,
    WASI_ENOTCONN = 53,
    WASI_ENOTDIR = 54,
    WASI_ENOTEMPTY = 55,
    WASI_ENOTRECOVERABLE = 56,
    WASI_ENOTSOCK = 57,
    WASI_ENOTSUP = 58,
    WASI_ENOTTY = 59,
    WASI_ENXIO = 60,
    WASI_EOVERFLOW = 61,
    WASI_EOWNERDEAD = 62,
    WASI_EPERM = 63,
    WASI_EPIPE = 64,
    WASI_EPROTO = 65,
    WASI_EPROTONOSUPPORT = 66,
    WASI_EPROTOTYPE = 67,
    WASI_ERANGE = 68,
    WASI_EROFS = 69,
    WASI_ESPIPE = 70,
    WASI_ESRCH = 71,
    WASI_ESTALE = 72,
    WASI_ETIMEDOUT = 73,
    WASI_ETXTBSY = 74,
    WASI_EXDEV = 75,
    WASI_ENOTCAPABLE = 76,
} wasi_errno;

#define WASI_MAX_FDS       1024 /* size of the fd table; the config's limit may be lower */
#define WASI_PREOPEN_FD    3    /* the namespace root, "/" */
#define WASI_FIRST_OPEN_FD 4    /* guest opens get the lowest free fd from here */

/* What an fd table slot holds. */
typedef enum {
    WASI_FD_FREE = 0,
    WASI_FD_STDIN,
    WASI_FD_STDOUT,
    WASI_FD_STDERR,
    WASI_FD_DIR,   /* a directory of mount `mount` */
    WASI_FD_FILE,  /* a regular file of mount `mount` */
    WASI_FD_STALE, /* a host fd a snapshot could not keep: BADF until closed */
} wasi_fd_kind;

enum { WASI_ACCESS_READ = 1, WASI_ACCESS_WRITE = 2 };

/* One open fd. Plain data: nodes are named by number (vfs node, memfs
 * inode), so copying the table copies the fds; only volume fds hold a host
 * fd, which wasi_release closes. */
typedef struct {
    uint8_t kind;     /* wasi_fd_kind */
    uint8_t mount;    /* index in the namespace's mounts (fs.h) */
    uint8_t access;   /* WASI_ACCESS_* */
    uint8_t preopen;  /* 1 for the preopened root */
    uint16_t fdflags; /* as last set by the guest */
    uint16_t unused;
    int32_t host_fd; /* volumes: the host's fd; -1 otherwise */
    uint32_t unused2;
    uint64_t node;   /* vfs node / memfs inode */
    uint64_t offset; /* position of a file; of a directory: readdir's */
} eryx_wasi_fd;

typedef struct fs_ns fs_ns;

/* Per-vm WASI state, embedded in eryx_vm as vm->wasi. The table is a fixed
 * array so that copies never allocate; `high` bounds the slots in use, so
 * that a copy or a scan touches only those. */
typedef struct eryx_wasi {
    fs_ns *ns;     /* the vm's filesystem; not owned */
    uint32_t high; /* every slot from here on is free */
    uint32_t max_fds;
    eryx_wasi_fd fds[WASI_MAX_FDS];
} eryx_wasi;

/* Sets up a fresh fd table on vm->wasi: 0 stdin, 1 stdout, 2 stderr, 3 the
 * namespace root preopened as "/" (none when ns is NULL: every path call
 * then fails). */
void wasi_init(eryx_vm *vm, fs_ns *ns);

/* Closes what the table holds outside itself (volume host fds, memfs
 * references) and empties it. */
void wasi_release(eryx_vm *vm);

/* Replaces vm's table (released first) by a copy of `src`, a template's
 * whose memfs references the vm's tree already holds, keeping vm's
 * namespace. */
void wasi_copy(eryx_vm *vm, const eryx_wasi *src);

/* True when every slot of a table that came from outside (a snapshot) is
 * consistent with `ns`: known kinds, mounts that exist, nodes that exist
 * and have the kind the slot claims, the standard slots where wasi_init
 * puts them, no host fds. */
bool wasi_valid(const eryx_wasi *table, fs_ns *ns);

/* The open fd `fd` of vm, or NULL (wasi_fd.c, for the other wasi_*.c). */
eryx_wasi_fd *wasi_fd_at(eryx_vm *vm, uint32_t fd);

#endif
