/*
 * wasi.h - our WASI preview1 implementation: deny by default.
 *
 * The guest reaches nothing of the host through WASI: its filesystem is the
 * read-only VFS (preopened as "/" on fd 3), stdin is empty, stdout and stderr
 * go to vm_write_output, the environment and argv are empty, sockets do not
 * exist. The imports themselves (Z_wasi_snapshot_preview1Z_*) are declared by
 * the generated guest.h and defined in wasi.c; this header holds the per-vm
 * state and its lifecycle.
 *
 * Choices where preview1 leaves room:
 *  - Any open that asks to write (oflags CREAT/TRUNC, fdflags APPEND, rights
 *    FD_WRITE/FD_ALLOCATE/FD_FILESTAT_SET_SIZE) fails with ROFS, unless the
 *    path cannot be reached (NOENT/NOTDIR: a missing parent, or a missing
 *    file without CREAT), exists while CREAT|EXCL wants a new file (EXIST),
 *    or is a directory (ISDIR): Linux's order of checks on a read-only mount.
 *    O_DIRECTORY on a file is NOTDIR. Directories report every right as
 *    inheritable so that wasi-libc passes the write intent of open(2) on to
 *    path_open; as a consequence access(W_OK), which wasi-libc derives from
 *    those rights, says yes.
 *  - stdio fds report all rights, FD_SEEK included: wasi-libc's isatty() then
 *    says no, so the guest treats its output as a pipe (block buffered).
 *  - Sockets: every sock_* call returns NOTSUP, whatever the fd.
 *  - Mutating filesystem calls return ROFS (NOENT for a missing path, EXIST
 *    when creating something that exists).
 *  - Timestamps are 0, inode numbers are VFS node index + 1, device 1.
 */
#ifndef ERYX_WASI_H
#define ERYX_WASI_H

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

#define WASI_MAX_FDS       256 /* size of the fd table; opening beyond it gives MFILE */
#define WASI_PREOPEN_FD    3   /* the VFS root, "/" */
#define WASI_FIRST_OPEN_FD 4   /* guest opens get the lowest free fd from here */

/* What an fd table slot holds. */
typedef enum {
    WASI_FD_FREE = 0,
    WASI_FD_STDIN,
    WASI_FD_STDOUT,
    WASI_FD_STDERR,
    WASI_FD_DIR,  /* a VFS directory */
    WASI_FD_FILE, /* a VFS regular file */
} wasi_fd_kind;

/* One open fd. Plain data: copying the table copies the fds. */
typedef struct {
    uint8_t kind;     /* wasi_fd_kind */
    uint8_t preopen;  /* 1 for the preopened root */
    uint16_t fdflags; /* as last set by the guest (APPEND never) */
    vfs_node node;    /* WASI_FD_DIR / WASI_FD_FILE */
    uint64_t offset;  /* read position of a file */
} eryx_wasi_fd;

/* Per-vm WASI state, embedded in eryx_vm as vm->wasi. The table is a fixed
 * array so that init, reset and copy never allocate and cannot fail. */
typedef struct eryx_wasi {
    const eryx_vfs *vfs; /* shared and immutable; not owned */
    eryx_wasi_fd fds[WASI_MAX_FDS];
} eryx_wasi;

/* Sets up a fresh fd table on vm->wasi: 0 stdin, 1 stdout, 2 stderr, 3 the
 * VFS root preopened as "/". `vfs` must outlive the vm (it may be NULL: then
 * there is no preopen and every path call fails). */
void wasi_init(eryx_vm *vm, const eryx_vfs *vfs);

/* Releases vm->wasi. The vfs is not closed (it is shared). */
void wasi_free(eryx_vm *vm);

/* Deep-copies the fd table of `src` to `dst` (when an instance is cloned from
 * a template). Returns 0, or -1 on failure (never, with the fixed table). */
int wasi_copy(eryx_wasi *dst, const eryx_wasi *src);

/* True when every slot of a table that came from outside (a snapshot) is
 * consistent with `vfs`: known kinds, nodes that exist and have the kind
 * the slot claims, the standard slots where wasi_init puts them. */
bool wasi_valid(const eryx_wasi *table, const eryx_vfs *vfs);

#endif
