/*
 * wasi_io.c - reads, writes and directory listings: fd_read, fd_pread,
 * fd_write, fd_pwrite, fd_readdir. stdout and stderr go to the host's
 * capture (vm_write_output); stdin is always at end of file; files go
 * through their mount.
 */
#include <errno.h>

#include "wasi_impl.h"

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
    *f = wasi_fd_at(vm, fd);
    if (!*f || (*f)->kind == WASI_FD_STALE) return WASI_EBADF;
    wasi_errno e = iovecs_check(vm, iovs, n, arr, total);
    if (e) return e;
    return vm_mem(vm, count_ptr, 4) ? WASI_ESUCCESS : WASI_EFAULT;
}

/* Writes the iovecs to a file at `offset` (UINT64_MAX: append); *done is
 * the count written. A failure after some bytes is a short write. */
static wasi_errno write_file(eryx_vm *vm, eryx_wasi_fd *f, const uint8_t *arr, u32 n,
                             uint64_t *offset, uint32_t *done) {
    const fs_mount *m = fd_mount(vm, f);
    if (!m->ops->write) return WASI_EROFS;
    *done = 0;
    for (u32 i = 0; i < n; i++) {
        uint32_t len;
        uint8_t *p = iovec_at(vm, arr, i, &len);
        if (!len) continue;
        size_t wrote = 0;
        int e = m->ops->write(vm->wasi.ns, m, f, p, len, offset, &wrote);
        *done += (uint32_t)wrote;
        if (e) return *done ? WASI_ESUCCESS : fs_errno(e);
        if (wrote < len) break;
    }
    return WASI_ESUCCESS;
}

/* fd_write (at the fd's offset, or appending) and fd_pwrite (at `offset`,
 * pwrite = true). stdout and stderr take no offset. */
static wasi_errno w_write(eryx_vm *vm, u32 fd, u32 iovs, u32 n, bool pwrite, uint64_t offset,
                          u32 nwritten_ptr) {
    eryx_wasi_fd *f;
    const uint8_t *arr;
    uint32_t total;
    wasi_errno e = iovec_call(vm, fd, iovs, n, nwritten_ptr, &f, &arr, &total);
    if (e) return e;
    if (f->kind == WASI_FD_STDOUT || f->kind == WASI_FD_STDERR) {
        int out = f->kind == WASI_FD_STDOUT ? 1 : 2;
        for (u32 i = 0; i < n; i++) {
            uint32_t len;
            uint8_t *p = iovec_at(vm, arr, i, &len);
            if (len > 0 && !vm_write_output(vm, out, p, len)) return WASI_EIO;
        }
        vm_store_u32(vm, nwritten_ptr, total);
        return WASI_ESUCCESS;
    }
    if (f->kind == WASI_FD_DIR) return WASI_EISDIR;
    if (f->kind != WASI_FD_FILE || !(f->access & WASI_ACCESS_WRITE)) return WASI_EBADF;
    if (pwrite && offset > (uint64_t)INT64_MAX) return WASI_EINVAL;
    uint64_t at = pwrite ? offset : (f->fdflags & FDFLAGS_APPEND) ? UINT64_MAX : f->offset;
    uint32_t done = 0;
    e = write_file(vm, f, arr, n, &at, &done);
    if (e) return e;
    if (!pwrite) f->offset = at;
    vm_store_u32(vm, nwritten_ptr, done);
    return WASI_ESUCCESS;
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
        if (!(f->access & WASI_ACCESS_READ)) return WASI_EBADF;
        const fs_mount *m = fd_mount(vm, f);
        uint64_t at = pread ? offset : f->offset;
        for (u32 i = 0; i < n; i++) {
            uint32_t len;
            uint8_t *p = iovec_at(vm, arr, i, &len);
            size_t got = 0;
            int err = len ? m->ops->read(vm->wasi.ns, m, f, p, len, at, &got) : 0;
            if (err) {
                if (!done) return fs_errno(err);
                break;
            }
            at += got;
            done += (uint32_t)got;
            if (got < len) break;
        }
        if (!pread) f->offset = at;
    }
    vm_store_u32(vm, nread_ptr, done);
    return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_write(wasi_ctx *ctx, u32 fd, u32 iovs, u32 n, u32 ret) {
    IMPORT(w_write(vm, fd, iovs, n, false, 0, ret));
}

u32 Z_wasi_snapshot_preview1Z_fd_pwrite(wasi_ctx *ctx, u32 fd, u32 iovs, u32 n, u64 offset,
                                        u32 ret) {
    IMPORT(w_write(vm, fd, iovs, n, true, offset, ret));
}

u32 Z_wasi_snapshot_preview1Z_fd_read(wasi_ctx *ctx, u32 fd, u32 iovs, u32 n, u32 ret) {
    IMPORT(w_read(vm, fd, iovs, n, false, 0, ret));
}

u32 Z_wasi_snapshot_preview1Z_fd_pread(wasi_ctx *ctx, u32 fd, u32 iovs, u32 n, u64 offset,
                                       u32 ret) {
    IMPORT(w_read(vm, fd, iovs, n, true, offset, ret));
}

/* Copies as much of src as fits into dst (room bytes); returns the count. */
static uint32_t copy_part(uint8_t *dst, uint32_t room, const void *src, size_t len) {
    uint32_t n = len < room ? (uint32_t)len : room;
    memcpy(dst, src, n);
    return n;
}

/* Entries from `cookie` on, each a 24-byte dirent then its name, as many as
 * fit; the last one may be cut short. bufused == buf_len tells wasi-libc
 * there may be more (it then retries with a bigger buffer if it must). */
static wasi_errno w_fd_readdir(eryx_vm *vm, u32 fd, u32 buf, u32 buf_len, u64 cookie, u32 ret) {
    eryx_wasi_fd *f = wasi_fd_at(vm, fd);
    if (!f || f->kind == WASI_FD_STALE) return WASI_EBADF;
    if (f->kind != WASI_FD_DIR) return WASI_ENOTDIR;
    uint8_t *out = vm_mem(vm, buf, buf_len);
    if (!out || !vm_mem(vm, ret, 4)) return WASI_EFAULT;
    const fs_mount *m = fd_mount(vm, f);
    uint32_t used = 0;
    while (used < buf_len) {
        fs_dirent ent;
        int e = m->ops->readdir(vm->wasi.ns, m, f, cookie, &ent);
        if (e == ENOENT) break;
        if (e) {
            if (used) break;
            return fs_errno(e);
        }
        uint8_t d[DIRENT_SIZE] = {0};
        put64(d + 0, ent.next); /* d_next: the cookie of the following entry */
        put64(d + 8, ent.ino);
        put32(d + 16, (uint32_t)ent.name_len);
        d[20] = ent.filetype;
        used += copy_part(out + used, buf_len - used, d, sizeof d);
        used += copy_part(out + used, buf_len - used, ent.name, ent.name_len);
        cookie = ent.next;
    }
    vm_store_u32(vm, ret, used);
    return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_readdir(wasi_ctx *ctx, u32 fd, u32 buf, u32 buf_len, u64 cookie,
                                         u32 ret) {
    IMPORT(w_fd_readdir(vm, fd, buf, buf_len, cookie, ret));
}
