/*
 * wasi_fd.c - the fd table and the calls on an fd that are not reads or
 * writes: fdstat, filestat, seek, tell, close, sizes and times, preopens.
 */
#include <errno.h>
#include <unistd.h>

#include "wasi_impl.h"

/* =========================== the table =========================== */

void wasi_init(eryx_vm *vm, fs_ns *ns) {
    eryx_wasi *w = &vm->wasi;
    memset(w, 0, sizeof *w);
    w->ns = ns;
    w->max_fds = ns ? ns->config->max_fds : WASI_MAX_FDS;
    for (int i = 0; i < 3; i++)
        w->fds[i] = (eryx_wasi_fd){.kind = (uint8_t)(WASI_FD_STDIN + i), .host_fd = -1};
    w->high = 3;
    if (ns) {
        w->fds[WASI_PREOPEN_FD] = (eryx_wasi_fd){.kind = WASI_FD_DIR,
                                                 .preopen = 1,
                                                 .mount = FS_MOUNT_TREE,
                                                 .access = WASI_ACCESS_READ,
                                                 .node = MEMFS_ROOT_INO,
                                                 .host_fd = -1};
        w->high = WASI_PREOPEN_FD + 1;
    }
}

/* Drops what slot f holds outside the table. */
static void fd_release(eryx_vm *vm, eryx_wasi_fd *f) {
    if (f->kind == WASI_FD_DIR || f->kind == WASI_FD_FILE) {
        const fs_mount *m = fd_mount(vm, f);
        if (m) m->ops->close(vm->wasi.ns, m, f);
    }
    if (f->host_fd >= 0) close(f->host_fd);
    memset(f, 0, sizeof *f);
    f->host_fd = -1;
}

void wasi_release(eryx_vm *vm) {
    for (uint32_t fd = 0; fd < vm->wasi.high; fd++)
        if (vm->wasi.fds[fd].host_fd >= 0) close(vm->wasi.fds[fd].host_fd);
    memset(vm->wasi.fds, 0, sizeof vm->wasi.fds[0] * vm->wasi.high);
    vm->wasi.high = 0;
}

void wasi_copy(eryx_vm *vm, const eryx_wasi *src) {
    wasi_release(vm);
    fs_ns *ns = vm->wasi.ns;
    uint32_t max_fds = vm->wasi.max_fds;
    memcpy(vm->wasi.fds, src->fds, sizeof src->fds[0] * src->high);
    vm->wasi.high = src->high;
    vm->wasi.ns = ns;
    vm->wasi.max_fds = max_fds;
}

eryx_wasi_fd *wasi_fd_at(eryx_vm *vm, u32 fd) {
    if (fd >= vm->wasi.high || vm->wasi.fds[fd].kind == WASI_FD_FREE) return NULL;
    return &vm->wasi.fds[fd];
}

int wasi_fd_alloc(eryx_vm *vm) {
    uint32_t limit = vm->wasi.max_fds < WASI_MAX_FDS ? vm->wasi.max_fds : WASI_MAX_FDS;
    for (uint32_t fd = WASI_FIRST_OPEN_FD; fd < limit; fd++)
        if (fd >= vm->wasi.high || vm->wasi.fds[fd].kind == WASI_FD_FREE) return (int)fd;
    return -1;
}

void wasi_fd_install(eryx_vm *vm, int fd, const eryx_wasi_fd *entry) {
    for (uint32_t i = vm->wasi.high; i < (uint32_t)fd; i++) {
        memset(&vm->wasi.fds[i], 0, sizeof vm->wasi.fds[i]);
        vm->wasi.fds[i].host_fd = -1;
    }
    vm->wasi.fds[fd] = *entry;
    if ((uint32_t)fd >= vm->wasi.high) vm->wasi.high = (uint32_t)fd + 1;
}

bool wasi_valid(const eryx_wasi *table, fs_ns *ns) {
    static const uint8_t stdio[3] = {WASI_FD_STDIN, WASI_FD_STDOUT, WASI_FD_STDERR};
    if (table->high > WASI_MAX_FDS || table->high <= WASI_PREOPEN_FD) return false;
    for (uint32_t fd = 0; fd < table->high; fd++) {
        const eryx_wasi_fd *slot = &table->fds[fd];
        if (fd < 3 && slot->kind != stdio[fd]) return false;
        if (slot->preopen != (fd == WASI_PREOPEN_FD)) return false;
        if (slot->host_fd != -1 || slot->access > 3) return false;
        if (fd == WASI_PREOPEN_FD &&
            (slot->kind != WASI_FD_DIR || slot->mount != FS_MOUNT_TREE || slot->node != 1))
            return false;
        switch (slot->kind) {
        case WASI_FD_FREE:
        case WASI_FD_STALE:
            if (fd < 3) return false;
            break;
        case WASI_FD_STDIN:
        case WASI_FD_STDOUT:
        case WASI_FD_STDERR:
            if (fd >= 3) return false;
            break;
        case WASI_FD_DIR:
        case WASI_FD_FILE: {
            const fs_mount *m = fs_mount_at(ns, slot->mount);
            if (fd < 3 || !m || m->kind == MOUNT_VOLUME) return false;
            bool dir = slot->kind == WASI_FD_DIR;
            if (m->kind == MOUNT_VFS) {
                if (slot->node >= vfs_node_count(m->vfs) ||
                    vfs_node_kind(m->vfs, (vfs_node)slot->node) != (dir ? VFS_DIR : VFS_FILE))
                    return false;
            } else {
                memfs_node *n = memfs_get(m->kind == MOUNT_TREE ? ns->tree : m->tree, slot->node);
                if (!n || n->kind != (dir ? MEMFS_DIR : MEMFS_FILE)) return false;
            }
            break;
        }
        default:
            return false;
        }
    }
    return true;
}

/* ========================== fd queries ========================== */

static uint8_t fd_filetype(const eryx_wasi_fd *f) {
    switch (f->kind) {
    case WASI_FD_DIR:
        return FILETYPE_DIRECTORY;
    case WASI_FD_FILE:
        return FILETYPE_REGULAR_FILE;
    case WASI_FD_FREE:
    case WASI_FD_STALE:
        return FILETYPE_UNKNOWN;
    default:
        return FILETYPE_CHARACTER_DEVICE;
    }
}

/* What the fd may do. wasi-libc derives access() and the write intent of
 * open() from these: directories delegate every right to what is opened
 * beneath them. */
static uint64_t fd_rights(const eryx_wasi_fd *f) {
    if (f->kind != WASI_FD_FILE) return RIGHTS_ALL;
    uint64_t r = RIGHTS_ALL & ~(RIGHTS_WRITE | RIGHT_FD_READ | RIGHT_FD_READDIR);
    if (f->access & WASI_ACCESS_READ) r |= RIGHT_FD_READ;
    if (f->access & WASI_ACCESS_WRITE) r |= RIGHTS_WRITE;
    return r;
}

/* A usable fd: open and not stale. */
static wasi_errno live_fd(eryx_vm *vm, u32 fd, eryx_wasi_fd **f) {
    *f = wasi_fd_at(vm, fd);
    return *f && (*f)->kind != WASI_FD_STALE ? WASI_ESUCCESS : WASI_EBADF;
}

static wasi_errno w_fd_fdstat_get(eryx_vm *vm, u32 fd, u32 buf) {
    eryx_wasi_fd *f;
    if (live_fd(vm, fd, &f)) return WASI_EBADF;
    uint8_t st[FDSTAT_SIZE] = {0};
    st[0] = fd_filetype(f);
    put16(st + 2, f->fdflags);
    put64(st + 8, fd_rights(f));
    put64(st + 16, f->kind == WASI_FD_FILE ? 0 : RIGHTS_ALL);
    return vm_store(vm, buf, st, sizeof st) ? WASI_ESUCCESS : WASI_EFAULT;
}

/* APPEND may change on files opened for writing; the other flags mean
 * nothing here and are kept as set. */
static wasi_errno w_fd_fdstat_set_flags(eryx_vm *vm, u32 fd, u32 flags) {
    eryx_wasi_fd *f;
    if (live_fd(vm, fd, &f)) return WASI_EBADF;
    if (flags & ~(u32)FDFLAGS_ALL) return WASI_EINVAL;
    if ((flags & FDFLAGS_APPEND) && f->kind == WASI_FD_DIR) return WASI_EINVAL;
    f->fdflags = (uint16_t)flags;
    return WASI_ESUCCESS;
}

wasi_errno wasi_store_filestat(eryx_vm *vm, u32 buf, const fs_stat *s) {
    uint8_t st[FILESTAT_SIZE] = {0};
    put64(st + 0, s->dev);
    put64(st + 8, s->ino);
    st[16] = s->filetype;
    put64(st + 24, s->nlink);
    put64(st + 32, s->size);
    put64(st + 40, (uint64_t)s->atime);
    put64(st + 48, (uint64_t)s->mtime);
    put64(st + 56, (uint64_t)s->ctime);
    return vm_store(vm, buf, st, sizeof st) ? WASI_ESUCCESS : WASI_EFAULT;
}

static wasi_errno w_fd_filestat_get(eryx_vm *vm, u32 fd, u32 buf) {
    eryx_wasi_fd *f;
    if (live_fd(vm, fd, &f)) return WASI_EBADF;
    fs_stat st = {.filetype = FILETYPE_CHARACTER_DEVICE, .nlink = 1};
    if (!is_stdio(f)) {
        const fs_mount *m = fd_mount(vm, f);
        int e = m->ops->fstat(vm->wasi.ns, m, f, &st);
        if (e) return fs_errno(e);
    }
    if (!vm_mem(vm, buf, FILESTAT_SIZE)) return WASI_EFAULT;
    return wasi_store_filestat(vm, buf, &st);
}

/* New offset for fd_seek: stays within [0, INT64_MAX] (the guest's off_t). */
static wasi_errno seek_target(uint64_t base, int64_t delta, uint64_t *out) {
    if (delta < 0 && (uint64_t)0 - (uint64_t)delta > base) return WASI_EINVAL;
    if (delta > 0 && base > (uint64_t)INT64_MAX - (uint64_t)delta) return WASI_EINVAL;
    *out = base + (uint64_t)delta;
    return WASI_ESUCCESS;
}

static wasi_errno w_fd_seek(eryx_vm *vm, u32 fd, u64 delta, u32 whence, u32 ret) {
    eryx_wasi_fd *f;
    if (live_fd(vm, fd, &f)) return WASI_EBADF;
    if (is_stdio(f)) return WASI_ESPIPE;
    uint64_t base;
    switch (whence) {
    case WHENCE_SET:
        base = 0;
        break;
    case WHENCE_CUR:
        base = f->offset;
        break;
    case WHENCE_END: {
        fs_stat st;
        const fs_mount *m = fd_mount(vm, f);
        int e = m->ops->fstat(vm->wasi.ns, m, f, &st);
        if (e) return fs_errno(e);
        base = f->kind == WASI_FD_DIR ? 0 : st.size;
        break;
    }
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
    eryx_wasi_fd *f;
    if (live_fd(vm, fd, &f)) return WASI_EBADF;
    if (is_stdio(f)) return WASI_ESPIPE;
    return vm_store_u64(vm, ret, f->offset) ? WASI_ESUCCESS : WASI_EFAULT;
}

static wasi_errno w_fd_close(eryx_vm *vm, u32 fd) {
    eryx_wasi_fd *f = wasi_fd_at(vm, fd);
    if (!f) return WASI_EBADF;
    fd_release(vm, f);
    while (vm->wasi.high > 0 && vm->wasi.fds[vm->wasi.high - 1].kind == WASI_FD_FREE)
        vm->wasi.high--;
    return WASI_ESUCCESS;
}

/* fd_sync, fd_datasync: nothing is ever dirty (volumes: the kernel's). */
static wasi_errno w_fd_valid(eryx_vm *vm, u32 fd) {
    eryx_wasi_fd *f;
    return live_fd(vm, fd, &f);
}

static wasi_errno w_fd_advise(eryx_vm *vm, u32 fd, u32 advice) {
    eryx_wasi_fd *f;
    if (live_fd(vm, fd, &f)) return WASI_EBADF;
    return advice > ADVICE_MAX ? WASI_EINVAL : WASI_ESUCCESS;
}

/* An fd that may change its file: writable, on a writable mount. */
static wasi_errno writable_fd(eryx_vm *vm, u32 fd, eryx_wasi_fd **f, const fs_mount **m) {
    if (live_fd(vm, fd, f)) return WASI_EBADF;
    if ((*f)->kind == WASI_FD_DIR) return WASI_EISDIR;
    if ((*f)->kind != WASI_FD_FILE) return WASI_EINVAL;
    *m = fd_mount(vm, *f);
    if (!(*m)->ops->truncate) return WASI_EROFS;
    return (*f)->access & WASI_ACCESS_WRITE ? WASI_ESUCCESS : WASI_EINVAL;
}

static wasi_errno w_fd_filestat_set_size(eryx_vm *vm, u32 fd, u64 size) {
    eryx_wasi_fd *f;
    const fs_mount *m;
    wasi_errno e = writable_fd(vm, fd, &f, &m);
    if (e) return e;
    if (size > (uint64_t)INT64_MAX) return WASI_EINVAL;
    return fs_errno(m->ops->truncate(vm->wasi.ns, m, f, size));
}

/* fd_allocate: grows the file to offset + len (posix_fallocate). */
static wasi_errno w_fd_allocate(eryx_vm *vm, u32 fd, u64 offset, u64 len) {
    eryx_wasi_fd *f;
    const fs_mount *m;
    wasi_errno e = writable_fd(vm, fd, &f, &m);
    if (e) return e;
    if (len == 0 || offset > (uint64_t)INT64_MAX - len) return WASI_EINVAL;
    fs_stat st;
    int err = m->ops->fstat(vm->wasi.ns, m, f, &st);
    if (!err && st.size < offset + len) err = m->ops->truncate(vm->wasi.ns, m, f, offset + len);
    return fs_errno(err);
}

wasi_errno wasi_times(u32 flags, u64 atim, u64 mtim, int64_t *atime, int64_t *mtime) {
    if (flags & ~(u32)0xf) return WASI_EINVAL;
    if ((flags & FSTFLAGS_ATIM) && (flags & FSTFLAGS_ATIM_NOW)) return WASI_EINVAL;
    if ((flags & FSTFLAGS_MTIM) && (flags & FSTFLAGS_MTIM_NOW)) return WASI_EINVAL;
    if (atim > (uint64_t)INT64_MAX || mtim > (uint64_t)INT64_MAX) return WASI_EINVAL;
    *atime = flags & FSTFLAGS_ATIM ? (int64_t)atim : flags & FSTFLAGS_ATIM_NOW ? -2 : -1;
    *mtime = flags & FSTFLAGS_MTIM ? (int64_t)mtim : flags & FSTFLAGS_MTIM_NOW ? -2 : -1;
    return WASI_ESUCCESS;
}

static wasi_errno w_fd_filestat_set_times(eryx_vm *vm, u32 fd, u64 atim, u64 mtim, u32 flags) {
    eryx_wasi_fd *f;
    if (live_fd(vm, fd, &f)) return WASI_EBADF;
    if (is_stdio(f)) return WASI_EINVAL;
    int64_t atime, mtime;
    wasi_errno e = wasi_times(flags, atim, mtim, &atime, &mtime);
    if (e) return e;
    const fs_mount *m = fd_mount(vm, f);
    if (!m->ops->set_times) return WASI_EROFS;
    return fs_errno(m->ops->set_times(vm->wasi.ns, m, NULL, f, true, atime, mtime));
}

static wasi_errno w_fd_prestat_get(eryx_vm *vm, u32 fd, u32 buf) {
    eryx_wasi_fd *f = wasi_fd_at(vm, fd);
    if (!f || !f->preopen) return WASI_EBADF; /* BADF ends wasi-libc's preopen scan */
    uint8_t st[PRESTAT_SIZE] = {0};
    st[0] = PREOPENTYPE_DIR;
    put32(st + 4, 1); /* strlen("/") */
    return vm_store(vm, buf, st, sizeof st) ? WASI_ESUCCESS : WASI_EFAULT;
}

static wasi_errno w_fd_prestat_dir_name(eryx_vm *vm, u32 fd, u32 buf, u32 len) {
    eryx_wasi_fd *f = wasi_fd_at(vm, fd);
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

u32 Z_wasi_snapshot_preview1Z_fd_filestat_set_size(wasi_ctx *ctx, u32 fd, u64 size) {
    IMPORT(w_fd_filestat_set_size(vm, fd, size));
}

u32 Z_wasi_snapshot_preview1Z_fd_filestat_set_times(wasi_ctx *ctx, u32 fd, u64 atim, u64 mtim,
                                                    u32 fst) {
    IMPORT(w_fd_filestat_set_times(vm, fd, atim, mtim, fst));
}

u32 Z_wasi_snapshot_preview1Z_fd_allocate(wasi_ctx *ctx, u32 fd, u64 offset, u64 len) {
    IMPORT(w_fd_allocate(vm, fd, offset, len));
}

u32 Z_wasi_snapshot_preview1Z_fd_prestat_get(wasi_ctx *ctx, u32 fd, u32 buf) {
    IMPORT(w_fd_prestat_get(vm, fd, buf));
}

u32 Z_wasi_snapshot_preview1Z_fd_prestat_dir_name(wasi_ctx *ctx, u32 fd, u32 buf, u32 len) {
    IMPORT(w_fd_prestat_dir_name(vm, fd, buf, len));
}
