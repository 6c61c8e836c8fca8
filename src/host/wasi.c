/*
 * wasi.c - WASI preview1 for the guest: deny by default (see wasi.h).
 *
 * Every import is a one-line wrapper, IMPORT(...), around a static w_*
 * implementation that returns a WASI errno. The wrapper enters and leaves
 * through VM_IMPORT_ENTER / VM_IMPORT_RETURN, so an implementation may return
 * early anywhere; none takes a lock or keeps an allocation.
 *
 * Guest memory is only reached through vm_mem and vm_store*. Wire structs
 * are assembled in local byte arrays at the offsets of the preview1
 * layouts (see the *_SIZE constants) and stored in one piece, padding zeroed.
 *
 * Order: fd table, stdio and reads, fd queries, filesystem paths, clocks /
 * random / poll / process, refusals.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* getrandom, CLOCK_THREAD_CPUTIME_ID */
#endif
#include "wasi.h"

#include <errno.h>
#include <sys/random.h>
#include <time.h>

#include "clock.h"
#include "vm.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "wasm memory is little endian");

typedef struct Z_wasi_snapshot_preview1_instance_t wasi_ctx;

/* Body of every import: enter, run the implementation, leave through the
 * stop check (which may unwind from here, where nothing is held). */
#define IMPORT(call)                                                                               \
    eryx_vm *vm = ctx->vm;                                                                         \
    VM_IMPORT_ENTER(vm);                                                                           \
    u32 result_ = (u32)(call);                                                                     \
    VM_IMPORT_RETURN(vm, result_)

/* preview1 constants used below (values from the witx spec). */
enum {
    FILETYPE_UNKNOWN = 0,
    FILETYPE_CHARACTER_DEVICE = 2,
    FILETYPE_DIRECTORY = 3,
    FILETYPE_REGULAR_FILE = 4,

    OFLAGS_CREAT = 1 << 0,
    OFLAGS_DIRECTORY = 1 << 1,
    OFLAGS_EXCL = 1 << 2,
    OFLAGS_TRUNC = 1 << 3,
    OFLAGS_ALL = 0xf,

    FDFLAGS_APPEND = 1 << 0,
    FDFLAGS_ALL = 0x1f, /* APPEND DSYNC NONBLOCK RSYNC SYNC */

    WHENCE_SET = 0,
    WHENCE_CUR = 1,
    WHENCE_END = 2,

    CLOCKID_REALTIME = 0,
    CLOCKID_MONOTONIC = 1,
    CLOCKID_PROCESS_CPUTIME = 2,
    CLOCKID_THREAD_CPUTIME = 3,

    EVENTTYPE_CLOCK = 0,
    EVENTTYPE_FD_READ = 1,
    EVENTTYPE_FD_WRITE = 2,
    SUBCLOCKFLAGS_ABSTIME = 1 << 0,

    ADVICE_MAX = 5,
    PREOPENTYPE_DIR = 0,
};

#define RIGHT(bit)                 ((uint64_t)1 << (bit))
#define RIGHTS_ALL                 (RIGHT(30) - 1) /* bits 0..29 */
#define RIGHT_FD_WRITE             RIGHT(6)
#define RIGHT_FD_ALLOCATE          RIGHT(8)
#define RIGHT_FD_FILESTAT_SET_SIZE RIGHT(22)
#define RIGHTS_WRITE               (RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE)
/* What a read-only regular file can do: DATASYNC READ SEEK FDSTAT_SET_FLAGS
 * SYNC TELL ADVISE FD_FILESTAT_GET POLL_FD_READWRITE. */
#define RIGHTS_FILE                                                                                \
    (RIGHT(0) | RIGHT(1) | RIGHT(2) | RIGHT(3) | RIGHT(4) | RIGHT(5) | RIGHT(7) | RIGHT(21) |      \
     RIGHT(27))

/* Sizes of the preview1 wire structs. */
#define IOVEC_SIZE        8
#define FDSTAT_SIZE       24
#define FILESTAT_SIZE     64
#define DIRENT_SIZE       24
#define PRESTAT_SIZE      8
#define SUBSCRIPTION_SIZE 48
#define EVENT_SIZE        32

#define IOV_MAX_COUNT     1024      /* like Linux IOV_MAX: more is INVAL */
#define IO_MAX_BYTES      INT32_MAX /* the guest's ssize_t: more is INVAL */
#define MAX_SUBSCRIPTIONS 4096      /* far more than 256 fds x 2 + timers */
#define VFS_DEVICE        1

/* ---- little-endian field writers for wire structs ---- */

static void put16(uint8_t *p, uint16_t v) {
    memcpy(p, &v, 2);
}
static void put32(uint8_t *p, uint32_t v) {
    memcpy(p, &v, 4);
}
static void put64(uint8_t *p, uint64_t v) {
    memcpy(p, &v, 8);
}
static uint64_t get64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}
static uint16_t get16(const uint8_t *p) {
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}
static uint32_t get32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* =========================== fd table =========================== */

void wasi_init(eryx_vm *vm, const eryx_vfs *vfs) {
    eryx_wasi *w = &vm->wasi;
    memset(w, 0, sizeof *w);
    w->vfs = vfs;
    w->fds[0].kind = WASI_FD_STDIN;
    w->fds[1].kind = WASI_FD_STDOUT;
    w->fds[2].kind = WASI_FD_STDERR;
    if (vfs) {
        w->fds[WASI_PREOPEN_FD] =
            (eryx_wasi_fd){.kind = WASI_FD_DIR, .preopen = 1, .node = VFS_ROOT};
    }
}

void wasi_free(eryx_vm *vm) {
    memset(&vm->wasi, 0, sizeof vm->wasi);
}

int wasi_copy(eryx_wasi *dst, const eryx_wasi *src) {
    if (!dst || !src) return -1;
    memcpy(dst, src, sizeof *dst);
    return 0;
}

/* The open fd `fd`, or NULL. */
static eryx_wasi_fd *fd_at(eryx_vm *vm, u32 fd) {
    if (fd >= WASI_MAX_FDS || vm->wasi.fds[fd].kind == WASI_FD_FREE) return NULL;
    return &vm->wasi.fds[fd];
}

static bool is_stdio(const eryx_wasi_fd *f) {
    return f->kind == WASI_FD_STDIN || f->kind == WASI_FD_STDOUT || f->kind == WASI_FD_STDERR;
}

static bool is_vfs(const eryx_wasi_fd *f) {
    return f->kind == WASI_FD_DIR || f->kind == WASI_FD_FILE;
}

/* The lowest free slot from WASI_FIRST_OPEN_FD, or -1 when the table is full. */
static int fd_alloc(eryx_vm *vm) {
    for (int fd = WASI_FIRST_OPEN_FD; fd < WASI_MAX_FDS; fd++)
        if (vm->wasi.fds[fd].kind == WASI_FD_FREE) return fd;
    return -1;
}

/* The directory node behind `fd`, for the path_* calls. */
static wasi_errno dir_fd(eryx_vm *vm, u32 fd, vfs_node *node) {
    eryx_wasi_fd *f = fd_at(vm, fd);
    if (!f) return WASI_EBADF;
    if (f->kind != WASI_FD_DIR) return WASI_ENOTDIR;
    *node = f->node;
    return WASI_ESUCCESS;
}

/* ======================= stdio and reads ======================= */

/* Validates an iovec array and every buffer it names; *total is the sum of
 * the lengths. Done before any byte moves, so a FAULT has no side effect.
 * Returns the array in *arr for iovec_at. */
static wasi_errno iovecs_check(eryx_vm *vm, u32 iovs, u32 n, const uint8_t **arr, uint32_t *total) {
    if (n > IOV_MAX_COUNT) return WASI_EINVAL;
    *arr = vm_mem(vm, iovs, n * IOVEC_SIZE);
    if (!*arr) return WASI_EFAULT;
    uint64_t sum = 0;
    for (u32 i = 0; i < n; i++) {
        uint32_t len = get32(*arr + (size_t)i * IOVEC_SIZE + 4);
        if (!vm_mem(vm, get32(*arr + (size_t)i * IOVEC_SIZE), len)) return WASI_EFAULT;
        sum += len;
    }
    if (sum > IO_MAX_BYTES) return WASI_EINVAL;
    *total = (uint32_t)sum;
    return WASI_ESUCCESS;
}

/* The i-th buffer (and its length) of an array that iovecs_check accepted. */
static uint8_t *iovec_at(eryx_vm *vm, const uint8_t *arr, u32 i, uint32_t *len) {
    *len = get32(arr + (size_t)i * IOVEC_SIZE + 4);
    return vm_mem(vm, get32(arr + (size_t)i * IOVEC_SIZE), *len);
}

/* The checks every read and write starts with: the fd, the iovec array and
 * the pointer the byte count goes to. */
static wasi_errno iovec_call(eryx_vm *vm, u32 fd, u32 iovs, u32 n, u32 count_ptr, eryx_wasi_fd **f,
                             const uint8_t **arr, uint32_t *total) {
    *f = fd_at(vm, fd);
    if (!*f) return WASI_EBADF;
    wasi_errno e = iovecs_check(vm, iovs, n, arr, total);
    if (e) return e;
    return vm_mem(vm, count_ptr, 4) ? WASI_ESUCCESS : WASI_EFAULT;
}

/* fd_write and fd_pwrite: only stdout and stderr are writable; the offset of
 * fd_pwrite means nothing for them. */
static wasi_errno w_write(eryx_vm *vm, u32 fd, u32 iovs, u32 n, u32 nwritten_ptr) {
    eryx_wasi_fd *f;
    const uint8_t *arr;
    uint32_t total;
    wasi_errno e = iovec_call(vm, fd, iovs, n, nwritten_ptr, &f, &arr, &total);
    if (e) return e;
    if (f->kind != WASI_FD_STDOUT && f->kind != WASI_FD_STDERR) return WASI_EBADF;
    int out = f->kind == WASI_FD_STDOUT ? 1 : 2;
    for (u32 i = 0; i < n; i++) {
        uint32_t len;
        uint8_t *p = iovec_at(vm, arr, i, &len);
        if (len > 0 && !vm_write_output(vm, out, p, len)) return WASI_EIO;
    }
    vm_store_u32(vm, nwritten_ptr, total);
    return WASI_ESUCCESS;
}

/* Copies file bytes from `offset` into the iovecs; returns the count. */
static uint32_t read_file(eryx_vm *vm, const eryx_wasi_fd *f, const uint8_t *arr, u32 n,
                          uint64_t offset) {
    const eryx_vfs *vfs = vm->wasi.vfs;
    uint64_t size = vfs_file_size(vfs, f->node);
    const uint8_t *data = vfs_file_data(vfs, f->node);
    uint32_t done = 0;
    for (u32 i = 0; i < n && offset < size; i++) {
        uint32_t len;
        uint8_t *p = iovec_at(vm, arr, i, &len);
        uint32_t chunk = size - offset < len ? (uint32_t)(size - offset) : len;
        memcpy(p, data + offset, chunk);
        offset += chunk;
        done += chunk;
    }
    return done;
}

/* fd_read (advance the offset) and fd_pread (at `offset`, pread = true). */
static wasi_errno w_read(eryx_vm *vm, u32 fd, u32 iovs, u32 n, bool pread, uint64_t offset,
                         u32 nread_ptr) {
    eryx_wasi_fd *f;
    const uint8_t *arr;
    uint32_t total;
    wasi_errno e = iovec_call(vm, fd, iovs, n, nread_ptr, &f, &arr, &total);
    if (e) return e;
    uint32_t done = 0;
    if (f->kind == WASI_FD_DIR) return WASI_EISDIR;
    if (f->kind == WASI_FD_STDOUT || f->kind == WASI_FD_STDERR) return WASI_EBADF;
    if (f->kind == WASI_FD_FILE) { /* stdin is always at end of file */
        done = read_file(vm, f, arr, n, pread ? offset : f->offset);
        if (!pread) f->offset += done;
    }
    vm_store_u32(vm, nread_ptr, done);
    return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_write(wasi_ctx *ctx, u32 fd, u32 iovs, u32 n, u32 ret) {
    IMPORT(w_write(vm, fd, iovs, n, ret));
}

u32 Z_wasi_snapshot_preview1Z_fd_pwrite(wasi_ctx *ctx, u32 fd, u32 iovs, u32 n, u64 offset,
                                        u32 ret) {
    (void)offset;
    IMPORT(w_write(vm, fd, iovs, n, ret));
}

u32 Z_wasi_snapshot_preview1Z_fd_read(wasi_ctx *ctx, u32 fd, u32 iovs, u32 n, u32 ret) {
    IMPORT(w_read(vm, fd, iovs, n, false, 0, ret));
}

u32 Z_wasi_snapshot_preview1Z_fd_pread(wasi_ctx *ctx, u32 fd, u32 iovs, u32 n, u64 offset,
                                       u32 ret) {
    IMPORT(w_read(vm, fd, iovs, n, true, offset, ret));
}

/* ========================== fd queries ========================== */

static uint8_t fd_filetype(const eryx_wasi_fd *f) {
    switch (f->kind) {
    case WASI_FD_DIR:
        return FILETYPE_DIRECTORY;
    case WASI_FD_FILE:
        return FILETYPE_REGULAR_FILE;
    case WASI_FD_FREE:
        return FILETYPE_UNKNOWN;
    default:
        return FILETYPE_CHARACTER_DEVICE;
    }
}

static wasi_errno w_fd_fdstat_get(eryx_vm *vm, u32 fd, u32 buf) {
    eryx_wasi_fd *f = fd_at(vm, fd);
    if (!f) return WASI_EBADF;
    uint8_t st[FDSTAT_SIZE] = {0};
    st[0] = fd_filetype(f);
    put16(st + 2, f->fdflags);
    put64(st + 8, f->kind == WASI_FD_FILE ? RIGHTS_FILE : RIGHTS_ALL);
    put64(st + 16, f->kind == WASI_FD_FILE ? 0 : RIGHTS_ALL);
    return vm_store(vm, buf, st, sizeof st) ? WASI_ESUCCESS : WASI_EFAULT;
}

/* Only the flags that mean nothing here can change; APPEND would promise
 * writes, which only stdout and stderr take (and always append anyway). */
static wasi_errno w_fd_fdstat_set_flags(eryx_vm *vm, u32 fd, u32 flags) {
    eryx_wasi_fd *f = fd_at(vm, fd);
    if (!f) return WASI_EBADF;
    if (flags & ~(u32)FDFLAGS_ALL) return WASI_EINVAL;
    if ((flags & FDFLAGS_APPEND) && f->kind != WASI_FD_STDOUT && f->kind != WASI_FD_STDERR)
        return WASI_ENOTSUP;
    f->fdflags = (uint16_t)flags;
    return WASI_ESUCCESS;
}

/* Writes a filestat for a VFS node, or for a character device when
 * node_valid is false (stdio). */
static wasi_errno store_filestat(eryx_vm *vm, u32 buf, bool node_valid, vfs_node node) {
    const eryx_vfs *vfs = vm->wasi.vfs;
    uint8_t st[FILESTAT_SIZE] = {0}; /* timestamps stay 0: the image never changes */
    if (node_valid) {
        bool dir = vfs_node_kind(vfs, node) == VFS_DIR;
        put64(st + 0, VFS_DEVICE);
        put64(st + 8, (uint64_t)node + 1); /* 0 would make wasi-libc stat each entry */
        st[16] = dir ? FILETYPE_DIRECTORY : FILETYPE_REGULAR_FILE;
        put64(st + 32, vfs_file_size(vfs, node));
    } else {
        st[16] = FILETYPE_CHARACTER_DEVICE;
    }
    put64(st + 24, 1); /* nlink */
    return vm_store(vm, buf, st, sizeof st) ? WASI_ESUCCESS : WASI_EFAULT;
}

static wasi_errno w_fd_filestat_get(eryx_vm *vm, u32 fd, u32 buf) {
    eryx_wasi_fd *f = fd_at(vm, fd);
    if (!f) return WASI_EBADF;
    return store_filestat(vm, buf, is_vfs(f), f->node);
}

/* New offset for fd_seek: stays within [0, INT64_MAX] (the guest's off_t). */
static wasi_errno seek_target(uint64_t base, int64_t delta, uint64_t *out) {
    if (delta < 0 && (uint64_t)0 - (uint64_t)delta > base) return WASI_EINVAL;
    if (delta > 0 && base > (uint64_t)INT64_MAX - (uint64_t)delta) return WASI_EINVAL;
    *out = base + (uint64_t)delta;
    return WASI_ESUCCESS;
}

static wasi_errno w_fd_seek(eryx_vm *vm, u32 fd, u64 delta, u32 whence, u32 ret) {
    eryx_wasi_fd *f = fd_at(vm, fd);
    if (!f) return WASI_EBADF;
    if (is_stdio(f)) return WASI_ESPIPE;
    uint64_t base;
    switch (whence) {
    case WHENCE_SET:
        base = 0;
        break;
    case WHENCE_CUR:
        base = f->offset;
        break;
    case WHENCE_END:
        base = vfs_file_size(vm->wasi.vfs, f->node);
        break;
    default:
        return WASI_EINVAL;
    }
    uint64_t target;
    wasi_errno e = seek_target(base, (int64_t)delta, &target);
    if (e) return e;
    if (!vm_store_u64(vm, ret, target)) return WASI_EFAULT;
    f->offset = target;
    return WASI_ESUCCESS;
}

static wasi_errno w_fd_tell(eryx_vm *vm, u32 fd, u32 ret) {
    eryx_wasi_fd *f = fd_at(vm, fd);
    if (!f) return WASI_EBADF;
    if (is_stdio(f)) return WASI_ESPIPE;
    return vm_store_u64(vm, ret, f->offset) ? WASI_ESUCCESS : WASI_EFAULT;
}

static wasi_errno w_fd_close(eryx_vm *vm, u32 fd) {
    eryx_wasi_fd *f = fd_at(vm, fd);
    if (!f) return WASI_EBADF;
    memset(f, 0, sizeof *f);
    return WASI_ESUCCESS;
}

/* fd_sync, fd_datasync: nothing is ever dirty. */
static wasi_errno w_fd_valid(eryx_vm *vm, u32 fd) {
    return fd_at(vm, fd) ? WASI_ESUCCESS : WASI_EBADF;
}

static wasi_errno w_fd_advise(eryx_vm *vm, u32 fd, u32 advice) {
    if (!fd_at(vm, fd)) return WASI_EBADF;
    return advice > ADVICE_MAX ? WASI_EINVAL : WASI_ESUCCESS;
}

static wasi_errno w_fd_prestat_get(eryx_vm *vm, u32 fd, u32 buf) {
    eryx_wasi_fd *f = fd_at(vm, fd);
    if (!f || !f->preopen) return WASI_EBADF; /* BADF ends wasi-libc's preopen scan */
    uint8_t st[PRESTAT_SIZE] = {0};
    st[0] = PREOPENTYPE_DIR;
    put32(st + 4, 1); /* strlen("/") */
    return vm_store(vm, buf, st, sizeof st) ? WASI_ESUCCESS : WASI_EFAULT;
}

static wasi_errno w_fd_prestat_dir_name(eryx_vm *vm, u32 fd, u32 buf, u32 len) {
    eryx_wasi_fd *f = fd_at(vm, fd);
    if (!f || !f->preopen) return WASI_EBADF;
    if (len < 1) return WASI_ENAMETOOLONG;
    return vm_store_u8(vm, buf, '/') ? WASI_ESUCCESS : WASI_EFAULT;
}

u32 Z_wasi_snapshot_preview1Z_fd_fdstat_get(wasi_ctx *ctx, u32 fd, u32 buf) {
    IMPORT(w_fd_fdstat_get(vm, fd, buf));
}

u32 Z_wasi_snapshot_preview1Z_fd_fdstat_set_flags(wasi_ctx *ctx, u32 fd, u32 flags) {
    IMPORT(w_fd_fdstat_set_flags(vm, fd, flags));
}

u32 Z_wasi_snapshot_preview1Z_fd_filestat_get(wasi_ctx *ctx, u32 fd, u32 buf) {
    IMPORT(w_fd_filestat_get(vm, fd, buf));
}

u32 Z_wasi_snapshot_preview1Z_fd_seek(wasi_ctx *ctx, u32 fd, u64 delta, u32 whence, u32 ret) {
    IMPORT(w_fd_seek(vm, fd, delta, whence, ret));
}

u32 Z_wasi_snapshot_preview1Z_fd_tell(wasi_ctx *ctx, u32 fd, u32 ret) {
    IMPORT(w_fd_tell(vm, fd, ret));
}

u32 Z_wasi_snapshot_preview1Z_fd_close(wasi_ctx *ctx, u32 fd) {
    IMPORT(w_fd_close(vm, fd));
}

u32 Z_wasi_snapshot_preview1Z_fd_sync(wasi_ctx *ctx, u32 fd) {
    IMPORT(w_fd_valid(vm, fd));
}

u32 Z_wasi_snapshot_preview1Z_fd_datasync(wasi_ctx *ctx, u32 fd) {
    IMPORT(w_fd_valid(vm, fd));
}

u32 Z_wasi_snapshot_preview1Z_fd_advise(wasi_ctx *ctx, u32 fd, u64 offset, u64 len, u32 advice) {
    (void)offset, (void)len;
    IMPORT(w_fd_advise(vm, fd, advice));
}

u32 Z_wasi_snapshot_preview1Z_fd_prestat_get(wasi_ctx *ctx, u32 fd, u32 buf) {
    IMPORT(w_fd_prestat_get(vm, fd, buf));
}

u32 Z_wasi_snapshot_preview1Z_fd_prestat_dir_name(wasi_ctx *ctx, u32 fd, u32 buf, u32 len) {
    IMPORT(w_fd_prestat_dir_name(vm, fd, buf, len));
}

/* ====================== filesystem paths ====================== */

/* Resolves the guest path (ptr, len) against directory fd `dirfd`. Returns an
 * errno for a bad fd or path argument; otherwise *status says what was found. */
static wasi_errno resolve_at(eryx_vm *vm, u32 dirfd, u32 ptr, u32 len, vfs_node *node,
                             vfs_status *status) {
    vfs_node dir;
    wasi_errno e = dir_fd(vm, dirfd, &dir);
    if (e) return e;
    if (len > VFS_PATH_MAX) return WASI_ENAMETOOLONG;
    const char *path = (const char *)vm_mem(vm, ptr, len);
    if (!path) return WASI_EFAULT;
    *status = vfs_resolve(vm->wasi.vfs, dir, path, len, node);
    return WASI_ESUCCESS;
}

static wasi_errno status_errno(vfs_status st) {
    switch (st) {
    case VFS_OK:
        return WASI_ESUCCESS;
    case VFS_NOTDIR:
        return WASI_ENOTDIR;
    default:
        return WASI_ENOENT;
    }
}

/* The checks of path_open on what resolution found, in the order Linux
 * applies them on a read-only mount. */
static wasi_errno open_check(const eryx_vfs *vfs, vfs_status st, vfs_node node, u32 oflags,
                             bool write) {
    if (st == VFS_MISSING && (oflags & OFLAGS_CREAT)) return WASI_EROFS;
    if (st != VFS_OK) return status_errno(st);
    if ((oflags & OFLAGS_CREAT) && (oflags & OFLAGS_EXCL)) return WASI_EEXIST;
    if (vfs_node_kind(vfs, node) == VFS_DIR) return write ? WASI_EISDIR : WASI_ESUCCESS;
    if (oflags & OFLAGS_DIRECTORY) return WASI_ENOTDIR;
    return write ? WASI_EROFS : WASI_ESUCCESS;
}

static wasi_errno w_path_open(eryx_vm *vm, u32 dirfd, u32 path, u32 path_len, u32 oflags,
                              u64 rights, u32 fdflags, u32 ret) {
    if ((oflags & ~(u32)OFLAGS_ALL) || (fdflags & ~(u32)FDFLAGS_ALL)) return WASI_EINVAL;
    vfs_node node;
    vfs_status st;
    wasi_errno e = resolve_at(vm, dirfd, path, path_len, &node, &st);
    if (e) return e;
    bool write = (oflags & (OFLAGS_CREAT | OFLAGS_TRUNC)) || (fdflags & FDFLAGS_APPEND) ||
                 (rights & RIGHTS_WRITE);
    e = open_check(vm->wasi.vfs, st, node, oflags, write);
    if (e) return e;
    if (!vm_mem(vm, ret, 4)) return WASI_EFAULT;
    int fd = fd_alloc(vm);
    if (fd < 0) return WASI_EMFILE;
    bool dir = vfs_node_kind(vm->wasi.vfs, node) == VFS_DIR;
    vm->wasi.fds[fd] = (eryx_wasi_fd){
        .kind = dir ? WASI_FD_DIR : WASI_FD_FILE, .fdflags = (uint16_t)fdflags, .node = node};
    vm_store_u32(vm, ret, (uint32_t)fd);
    return WASI_ESUCCESS;
}

static wasi_errno w_path_filestat_get(eryx_vm *vm, u32 dirfd, u32 path, u32 len, u32 buf) {
    vfs_node node;
    vfs_status st;
    wasi_errno e = resolve_at(vm, dirfd, path, len, &node, &st);
    if (e) return e;
    if (st != VFS_OK) return status_errno(st);
    return store_filestat(vm, buf, true, node);
}

/* There are no symbolic links: anything that exists is "not a link". */
static wasi_errno w_path_readlink(eryx_vm *vm, u32 dirfd, u32 path, u32 len, u32 buf, u32 buf_len,
                                  u32 ret) {
    (void)buf, (void)buf_len, (void)ret;
    vfs_node node;
    vfs_status st;
    wasi_errno e = resolve_at(vm, dirfd, path, len, &node, &st);
    if (e) return e;
    return st == VFS_OK ? WASI_EINVAL : status_errno(st);
}

/* Copies as much of src as fits into dst (room bytes); returns the count. */
static uint32_t copy_part(uint8_t *dst, uint32_t room, const void *src, size_t len) {
    uint32_t n = len < room ? (uint32_t)len : room;
    memcpy(dst, src, n);
    return n;
}

/* Directory entry `i` of `dir`: ".", "..", then the children in order. */
static vfs_node dirent_node(const eryx_vfs *vfs, vfs_node dir, uint64_t i, const char **name,
                            size_t *len) {
    if (i < 2) {
        *name = i == 0 ? "." : "..";
        *len = (size_t)i + 1;
        return i == 0 ? dir : vfs_parent(vfs, dir);
    }
    vfs_node child = vfs_child(vfs, dir, (uint32_t)(i - 2));
    *name = vfs_node_name(vfs, child, len);
    return child;
}

/* Entries from `cookie` on, each a 24-byte dirent then its name, as many as
 * fit; the last one may be cut short. bufused == buf_len tells wasi-libc
 * there may be more (it then retries with a bigger buffer if it must). */
static wasi_errno w_fd_readdir(eryx_vm *vm, u32 fd, u32 buf, u32 buf_len, u64 cookie, u32 ret) {
    eryx_wasi_fd *f = fd_at(vm, fd);
    if (!f) return WASI_EBADF;
    if (f->kind != WASI_FD_DIR) return WASI_ENOTDIR;
    uint8_t *out = vm_mem(vm, buf, buf_len);
    if (!out || !vm_mem(vm, ret, 4)) return WASI_EFAULT;
    const eryx_vfs *vfs = vm->wasi.vfs;
    uint64_t count = 2 + (uint64_t)vfs_child_count(vfs, f->node);
    uint32_t used = 0;
    for (uint64_t i = cookie; i < count && used < buf_len; i++) {
        const char *name;
        size_t len;
        vfs_node node = dirent_node(vfs, f->node, i, &name, &len);
        uint8_t d[DIRENT_SIZE] = {0};
        put64(d + 0, i + 1); /* d_next: the cookie of the following entry */
        put64(d + 8, (uint64_t)node + 1);
        put32(d + 16, (uint32_t)len);
        d[20] = vfs_node_kind(vfs, node) == VFS_DIR ? FILETYPE_DIRECTORY : FILETYPE_REGULAR_FILE;
        used += copy_part(out + used, buf_len - used, d, sizeof d);
        used += copy_part(out + used, buf_len - used, name, len);
    }
    vm_store_u32(vm, ret, used);
    return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_path_open(wasi_ctx *ctx, u32 dirfd, u32 dirflags, u32 path,
                                        u32 path_len, u32 oflags, u64 rights_base,
                                        u64 rights_inheriting, u32 fdflags, u32 ret) {
    (void)dirflags, (void)rights_inheriting; /* no symlinks; rights are not delegated */
    IMPORT(w_path_open(vm, dirfd, path, path_len, oflags, rights_base, fdflags, ret));
}

u32 Z_wasi_snapshot_preview1Z_path_filestat_get(wasi_ctx *ctx, u32 dirfd, u32 flags, u32 path,
                                                u32 len, u32 buf) {
    (void)flags;
    IMPORT(w_path_filestat_get(vm, dirfd, path, len, buf));
}

u32 Z_wasi_snapshot_preview1Z_path_readlink(wasi_ctx *ctx, u32 dirfd, u32 path, u32 len, u32 buf,
                                            u32 buf_len, u32 ret) {
    IMPORT(w_path_readlink(vm, dirfd, path, len, buf, buf_len, ret));
}

u32 Z_wasi_snapshot_preview1Z_fd_readdir(wasi_ctx *ctx, u32 fd, u32 buf, u32 buf_len, u64 cookie,
                                         u32 ret) {
    IMPORT(w_fd_readdir(vm, fd, buf, buf_len, cookie, ret));
}

/* ============== environment, clocks, random, poll, exit ============== */

static wasi_errno w_environ_sizes_get(eryx_vm *vm, u32 count_ptr, u32 size_ptr) {
    if (!vm_mem(vm, count_ptr, 4) || !vm_mem(vm, size_ptr, 4)) return WASI_EFAULT;
    vm_store_u32(vm, count_ptr, 0);
    vm_store_u32(vm, size_ptr, 0);
    return WASI_ESUCCESS;
}

/* The host clock behind a WASI clock id. CPU time is the calling thread's:
 * the process's would include every other sandbox. */
static bool host_clock(u32 id, clockid_t *out) {
    switch (id) {
    case CLOCKID_REALTIME:
        *out = CLOCK_REALTIME;
        return true;
    case CLOCKID_MONOTONIC:
        *out = CLOCK_MONOTONIC;
        return true;
    case CLOCKID_PROCESS_CPUTIME:
    case CLOCKID_THREAD_CPUTIME:
        *out = CLOCK_THREAD_CPUTIME_ID;
        return true;
    default:
        return false;
    }
}

static wasi_errno w_clock_get(eryx_vm *vm, u32 id, bool resolution, u32 ret) {
    clockid_t clock;
    if (!host_clock(id, &clock)) return WASI_EINVAL;
    struct timespec ts;
    if ((resolution ? clock_getres(clock, &ts) : clock_gettime(clock, &ts)) != 0)
        return WASI_EINVAL;
    return vm_store_u64(vm, ret, timespec_ns(ts)) ? WASI_ESUCCESS : WASI_EFAULT;
}

static wasi_errno w_random_get(eryx_vm *vm, u32 buf, u32 len) {
    uint8_t *p = vm_mem(vm, buf, len);
    if (!p) return WASI_EFAULT;
    size_t done = 0;
    while (done < len) { /* getrandom returns at most 32 MiB - 1 per call */
        ssize_t r = getrandom(p + done, len - done, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return WASI_EIO;
        done += (size_t)r;
    }
    return WASI_ESUCCESS;
}

/* Clocks read once per poll_oneoff so both passes see the same deadlines. */
typedef struct {
    uint64_t mono;
    uint64_t real;
} poll_now;

static uint64_t sat_add(uint64_t a, uint64_t b) {
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Monotonic deadline of a clock subscription (clock fields at offset 16 of a
 * subscription: id u32, timeout u64 at 24, precision u64 at 32, flags u16 at
 * 40), or the errno its event reports. */
static wasi_errno sub_deadline(const uint8_t *sub, const poll_now *now, uint64_t *deadline) {
    uint32_t id = get32(sub + 16);
    uint64_t timeout = get64(sub + 24);
    bool abs = get16(sub + 40) & SUBCLOCKFLAGS_ABSTIME;
    if (id == CLOCKID_PROCESS_CPUTIME || id == CLOCKID_THREAD_CPUTIME) return WASI_ENOTSUP;
    if (id != CLOCKID_REALTIME && id != CLOCKID_MONOTONIC) return WASI_EINVAL;
    if (abs && id == CLOCKID_MONOTONIC)
        *deadline = timeout;
    else if (abs) /* a realtime date: the same distance on the monotonic clock */
        *deadline = sat_add(now->mono, timeout > now->real ? timeout - now->real : 0);
    else
        *deadline = sat_add(now->mono, timeout);
    return WASI_ESUCCESS;
}

/* Readiness of an fd subscription: stdio is always ready (stdin at end of
 * file), a VFS file is readable, anything else is an error. */
static wasi_errno fd_ready(eryx_vm *vm, uint8_t type, u32 fd, uint64_t *nbytes) {
    eryx_wasi_fd *f = fd_at(vm, fd);
    *nbytes = 0;
    if (!f) return WASI_EBADF;
    if (type == EVENTTYPE_FD_READ && f->kind == WASI_FD_STDIN) return WASI_ESUCCESS;
    if (type == EVENTTYPE_FD_WRITE && (f->kind == WASI_FD_STDOUT || f->kind == WASI_FD_STDERR))
        return WASI_ESUCCESS;
    if (type == EVENTTYPE_FD_READ && f->kind == WASI_FD_FILE) {
        uint64_t size = vfs_file_size(vm->wasi.vfs, f->node);
        *nbytes = f->offset < size ? size - f->offset : 0;
        return WASI_ESUCCESS;
    }
    return WASI_EBADF;
}

/* Writes one 32-byte event: userdata, error u16 at 8, type u8 at 10,
 * fd_readwrite.nbytes u64 at 16, flags u16 at 24 (0). */
static void put_event(uint8_t *ev, uint64_t userdata, wasi_errno error, uint8_t type,
                      uint64_t nbytes) {
    memset(ev, 0, EVENT_SIZE);
    put64(ev, userdata);
    put16(ev + 8, (uint16_t)error);
    ev[10] = type;
    put64(ev + 16, nbytes);
}

/* Writes the events that are due: every fd subscription, every clock in error
 * and every clock whose deadline is <= limit. Returns their number and sets
 * *earliest to the first deadline still ahead. */
static uint32_t poll_due(eryx_vm *vm, const uint8_t *subs, u32 nsubs, const poll_now *now,
                         uint64_t limit, uint8_t *events, uint64_t *earliest) {
    uint32_t n = 0;
    *earliest = UINT64_MAX;
    for (u32 i = 0; i < nsubs; i++) {
        const uint8_t *sub = subs + (size_t)i * SUBSCRIPTION_SIZE;
        uint8_t type = sub[8];
        uint64_t value = 0; /* deadline or nbytes */
        wasi_errno e = type == EVENTTYPE_CLOCK ? sub_deadline(sub, now, &value)
                                               : fd_ready(vm, type, get32(sub + 16), &value);
        if (type == EVENTTYPE_CLOCK && !e && value > limit) {
            if (value < *earliest) *earliest = value;
            continue;
        }
        put_event(events + (size_t)n++ * EVENT_SIZE, get64(sub), e, type,
                  type == EVENTTYPE_CLOCK ? 0 : value);
    }
    return n;
}

static wasi_errno w_poll_oneoff(eryx_vm *vm, u32 in, u32 out, u32 nsubs, u32 ret) {
    if (nsubs == 0 || nsubs > MAX_SUBSCRIPTIONS) return WASI_EINVAL;
    const uint8_t *subs = vm_mem(vm, in, nsubs * SUBSCRIPTION_SIZE);
    uint8_t *events = vm_mem(vm, out, nsubs * EVENT_SIZE);
    if (!subs || !events || !vm_mem(vm, ret, 4)) return WASI_EFAULT;
    for (u32 i = 0; i < nsubs; i++)
        if (subs[(size_t)i * SUBSCRIPTION_SIZE + 8] > EVENTTYPE_FD_WRITE) return WASI_EINVAL;
    poll_now now = {clock_ns(CLOCK_MONOTONIC), clock_ns(CLOCK_REALTIME)};
    uint64_t earliest;
    uint32_t n = poll_due(vm, subs, nsubs, &now, now.mono, events, &earliest);
    /* Nothing due yet means only clocks are pending: sleep to the first. A
     * stop cuts the sleep short; the import then unwinds on return. */
    if (n == 0 && vm_sleep_until(vm, earliest)) {
        uint64_t t = clock_ns(CLOCK_MONOTONIC);
        n = poll_due(vm, subs, nsubs, &now, t > earliest ? t : earliest, events, &earliest);
    }
    vm_store_u32(vm, ret, n);
    return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_environ_get(wasi_ctx *ctx, u32 environ, u32 buf) {
    (void)environ, (void)buf; /* no variables: nothing to write */
    IMPORT(WASI_ESUCCESS);
}

u32 Z_wasi_snapshot_preview1Z_environ_sizes_get(wasi_ctx *ctx, u32 count, u32 size) {
    IMPORT(w_environ_sizes_get(vm, count, size));
}

u32 Z_wasi_snapshot_preview1Z_clock_res_get(wasi_ctx *ctx, u32 id, u32 ret) {
    IMPORT(w_clock_get(vm, id, true, ret));
}

u32 Z_wasi_snapshot_preview1Z_clock_time_get(wasi_ctx *ctx, u32 id, u64 precision, u32 ret) {
    (void)precision;
    IMPORT(w_clock_get(vm, id, false, ret));
}

u32 Z_wasi_snapshot_preview1Z_random_get(wasi_ctx *ctx, u32 buf, u32 len) {
    IMPORT(w_random_get(vm, buf, len));
}

u32 Z_wasi_snapshot_preview1Z_poll_oneoff(wasi_ctx *ctx, u32 in, u32 out, u32 nsubs, u32 ret) {
    IMPORT(w_poll_oneoff(vm, in, out, nsubs, ret));
}

/* Other guest threads do not exist, so there is nobody to yield to. */
u32 Z_wasi_snapshot_preview1Z_sched_yield(wasi_ctx *ctx) {
    IMPORT(WASI_ESUCCESS);
}

/* Never returns: vm_exit sets the stop, vm_unwind leaves from this boundary.
 * The import returns void, hence no VM_IMPORT_RETURN. */
void Z_wasi_snapshot_preview1Z_proc_exit(wasi_ctx *ctx, u32 code) {
    eryx_vm *vm = ctx->vm;
    VM_IMPORT_ENTER(vm);
    vm_exit(vm, (int)code);
    vm->in_host--;
    vm_unwind(vm);
}

/* ========================== refusals ========================== */

/* The filesystem is read-only. Each mutating call first reports what Linux
 * would report before EROFS: bad fds, bad paths, a missing source, an
 * existing target. */

/* Resolves (dirfd, path) for a refusal; returns the errno to report when the
 * call fails before the ROFS check, else SUCCESS with *st set. */
static wasi_errno refuse_resolve(eryx_vm *vm, u32 dirfd, u32 path, u32 len, vfs_node *node,
                                 vfs_status *st) {
    wasi_errno e = resolve_at(vm, dirfd, path, len, node, st);
    if (e) return e;
    return *st == VFS_NOTDIR ? WASI_ENOTDIR : WASI_ESUCCESS;
}

/* Something new would be created at (dirfd, path): EXIST if it is there. */
static wasi_errno refuse_create(eryx_vm *vm, u32 dirfd, u32 path, u32 len) {
    vfs_node node;
    vfs_status st;
    wasi_errno e = refuse_resolve(vm, dirfd, path, len, &node, &st);
    if (e) return e;
    if (st == VFS_OK) return WASI_EEXIST;
    return st == VFS_MISSING ? WASI_EROFS : WASI_ENOENT;
}

/* Something at (dirfd, path) would change or go: NOENT if it is not there;
 * want_dir 1 / 0 requires a directory / non-directory, -1 either. */
static wasi_errno refuse_change(eryx_vm *vm, u32 dirfd, u32 path, u32 len, int want_dir) {
    vfs_node node;
    vfs_status st;
    wasi_errno e = refuse_resolve(vm, dirfd, path, len, &node, &st);
    if (e) return e;
    if (st != VFS_OK) return WASI_ENOENT;
    bool dir = vfs_node_kind(vm->wasi.vfs, node) == VFS_DIR;
    if (want_dir == 1 && !dir) return WASI_ENOTDIR;
    if (want_dir == 0 && dir) return WASI_EISDIR;
    return WASI_EROFS;
}

/* path_rename: the source must exist and the target's directory too; an
 * existing target would be replaced, so it is no error. */
static wasi_errno refuse_rename(eryx_vm *vm, u32 fd, u32 old, u32 old_len, u32 new_fd, u32 path,
                                u32 len) {
    wasi_errno e = refuse_change(vm, fd, old, old_len, -1);
    if (e != WASI_EROFS) return e;
    vfs_node node;
    vfs_status st;
    e = refuse_resolve(vm, new_fd, path, len, &node, &st);
    if (e) return e;
    return st == VFS_NOENT ? WASI_ENOENT : WASI_EROFS;
}

/* path_link: the source must exist, the target must not. */
static wasi_errno refuse_link(eryx_vm *vm, u32 fd, u32 old, u32 old_len, u32 new_fd, u32 path,
                              u32 len) {
    wasi_errno e = refuse_change(vm, fd, old, old_len, -1);
    if (e != WASI_EROFS) return e;
    return refuse_create(vm, new_fd, path, len);
}

/* fd_filestat_set_size, fd_filestat_set_times, fd_allocate. */
static wasi_errno refuse_fd(eryx_vm *vm, u32 fd) {
    eryx_wasi_fd *f = fd_at(vm, fd);
    if (!f) return WASI_EBADF;
    return is_vfs(f) ? WASI_EROFS : WASI_EINVAL;
}

static wasi_errno refuse_symlink(eryx_vm *vm, u32 old, u32 old_len, u32 dirfd, u32 path, u32 len) {
    if (old_len > VFS_PATH_MAX) return WASI_ENAMETOOLONG;
    if (!vm_mem(vm, old, old_len)) return WASI_EFAULT;
    return refuse_create(vm, dirfd, path, len);
}

u32 Z_wasi_snapshot_preview1Z_path_create_directory(wasi_ctx *ctx, u32 fd, u32 path, u32 len) {
    IMPORT(refuse_create(vm, fd, path, len));
}

u32 Z_wasi_snapshot_preview1Z_path_unlink_file(wasi_ctx *ctx, u32 fd, u32 path, u32 len) {
    IMPORT(refuse_change(vm, fd, path, len, 0));
}

u32 Z_wasi_snapshot_preview1Z_path_remove_directory(wasi_ctx *ctx, u32 fd, u32 path, u32 len) {
    IMPORT(refuse_change(vm, fd, path, len, 1));
}

u32 Z_wasi_snapshot_preview1Z_path_filestat_set_times(wasi_ctx *ctx, u32 fd, u32 flags, u32 path,
                                                      u32 len, u64 atim, u64 mtim, u32 fst) {
    (void)flags, (void)atim, (void)mtim, (void)fst;
    IMPORT(refuse_change(vm, fd, path, len, -1));
}

u32 Z_wasi_snapshot_preview1Z_path_rename(wasi_ctx *ctx, u32 fd, u32 old, u32 old_len, u32 new_fd,
                                          u32 path, u32 len) {
    IMPORT(refuse_rename(vm, fd, old, old_len, new_fd, path, len));
}

u32 Z_wasi_snapshot_preview1Z_path_link(wasi_ctx *ctx, u32 old_fd, u32 old_flags, u32 old,
                                        u32 old_len, u32 new_fd, u32 path, u32 len) {
    (void)old_flags;
    IMPORT(refuse_link(vm, old_fd, old, old_len, new_fd, path, len));
}

u32 Z_wasi_snapshot_preview1Z_path_symlink(wasi_ctx *ctx, u32 old, u32 old_len, u32 fd, u32 path,
                                           u32 len) {
    IMPORT(refuse_symlink(vm, old, old_len, fd, path, len));
}

u32 Z_wasi_snapshot_preview1Z_fd_filestat_set_size(wasi_ctx *ctx, u32 fd, u64 size) {
    (void)size;
    IMPORT(refuse_fd(vm, fd));
}

u32 Z_wasi_snapshot_preview1Z_fd_filestat_set_times(wasi_ctx *ctx, u32 fd, u64 atim, u64 mtim,
                                                    u32 fst) {
    (void)atim, (void)mtim, (void)fst;
    IMPORT(refuse_fd(vm, fd));
}

u32 Z_wasi_snapshot_preview1Z_fd_allocate(wasi_ctx *ctx, u32 fd, u64 offset, u64 len) {
    (void)offset, (void)len;
    IMPORT(refuse_fd(vm, fd));
}

/* No sockets exist, and none can be made: every socket call is NOTSUP,
 * whatever the fd, so a guest cannot probe the fd table through them. */

u32 Z_wasi_snapshot_preview1Z_sock_accept(wasi_ctx *ctx, u32 fd, u32 flags, u32 ret) {
    (void)fd, (void)flags, (void)ret;
    IMPORT(WASI_ENOTSUP);
}

u32 Z_wasi_snapshot_preview1Z_sock_recv(wasi_ctx *ctx, u32 fd, u32 iovs, u32 n, u32 flags,
                                        u32 ret_len, u32 ret_flags) {
    (void)fd, (void)iovs, (void)n, (void)flags, (void)ret_len, (void)ret_flags;
    IMPORT(WASI_ENOTSUP);
}

u32 Z_wasi_snapshot_preview1Z_sock_send(wasi_ctx *ctx, u32 fd, u32 iovs, u32 n, u32 flags,
                                        u32 ret) {
    (void)fd, (void)iovs, (void)n, (void)flags, (void)ret;
    IMPORT(WASI_ENOTSUP);
}

u32 Z_wasi_snapshot_preview1Z_sock_shutdown(wasi_ctx *ctx, u32 fd, u32 how) {
    (void)fd, (void)how;
    IMPORT(WASI_ENOTSUP);
}

bool wasi_valid(const eryx_wasi *table, const eryx_vfs *vfs) {
    static const uint8_t stdio[3] = {WASI_FD_STDIN, WASI_FD_STDOUT, WASI_FD_STDERR};
    for (uint32_t fd = 0; fd < WASI_MAX_FDS; fd++) {
        const eryx_wasi_fd *slot = &table->fds[fd];
        if (fd < 3 && slot->kind != stdio[fd]) return false;
        if (slot->preopen != (fd == WASI_PREOPEN_FD && slot->kind != WASI_FD_FREE)) return false;
        switch (slot->kind) {
        case WASI_FD_FREE:
            break;
        case WASI_FD_STDIN:
        case WASI_FD_STDOUT:
        case WASI_FD_STDERR:
            if (fd >= 3) return false;
            break;
        case WASI_FD_DIR:
        case WASI_FD_FILE:
            if (fd < 3 || !vfs || slot->node >= vfs_node_count(vfs) ||
                vfs_node_kind(vfs, slot->node) !=
                    (slot->kind == WASI_FD_DIR ? VFS_DIR : VFS_FILE)) {
                return false;
            }
            break;
        default:
            return false;
        }
    }
    return true;
}
