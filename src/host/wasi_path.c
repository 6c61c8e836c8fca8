/*
 * wasi_path.c - the path calls: every guest path goes through fs_resolve
 * from a directory fd, then to the mount it fell in (fs.h). A read-only
 * mount (no mutating function) reports what Linux reports on a read-only
 * mount: the errors of a missing source or an existing target first, then
 * ROFS.
 */
#include <errno.h>

#include "wasi_impl.h"

/* Resolves the guest path (ptr, len) from directory fd `dirfd` into *t. */
static wasi_errno resolve_at(eryx_vm *vm, u32 dirfd, u32 ptr, u32 len, bool follow, int slot,
                             fs_target *t) {
    eryx_wasi_fd *f = wasi_fd_at(vm, dirfd);
    if (!f || f->kind == WASI_FD_STALE) return WASI_EBADF;
    if (f->kind != WASI_FD_DIR) return WASI_ENOTDIR;
    if (len > FS_PATH_MAX) return WASI_ENAMETOOLONG;
    const char *path = (const char *)vm_mem(vm, ptr, len);
    if (!path) return WASI_EFAULT;
    if (!vm->wasi.ns) return WASI_ENOENT;
    return fs_errno(fs_resolve(vm->wasi.ns, f, path, len, follow, slot, t));
}

static const fs_mount *target_mount(eryx_vm *vm, const fs_target *t) {
    return fs_mount_at(vm->wasi.ns, t->mount);
}

static wasi_errno w_path_open(eryx_vm *vm, u32 dirfd, u32 dirflags, u32 path, u32 path_len,
                              u32 oflags, u64 rights, u32 fdflags, u32 ret) {
    if ((oflags & ~(u32)OFLAGS_ALL) || (fdflags & ~(u32)FDFLAGS_ALL)) return WASI_EINVAL;
    fs_target t;
    bool follow = dirflags & LOOKUP_SYMLINK_FOLLOW;
    wasi_errno e = resolve_at(vm, dirfd, path, path_len, follow, 0, &t);
    if (e) return e;
    if (!vm_mem(vm, ret, 4)) return WASI_EFAULT;
    fs_open_args a = {.creat = oflags & OFLAGS_CREAT,
                      .excl = oflags & OFLAGS_EXCL,
                      .trunc = oflags & OFLAGS_TRUNC,
                      .directory = oflags & OFLAGS_DIRECTORY,
                      .follow = follow,
                      .append = fdflags & FDFLAGS_APPEND,
                      .read = rights & (RIGHT_FD_READ | RIGHT_FD_READDIR),
                      .write = rights & RIGHTS_WRITE};
    int fd = wasi_fd_alloc(vm);
    if (fd < 0) return WASI_EMFILE;
    eryx_wasi_fd entry = {
        .mount = (uint8_t)t.mount,
        .access = (uint8_t)((a.read ? WASI_ACCESS_READ : 0) | (a.write ? WASI_ACCESS_WRITE : 0)),
        .fdflags = (uint16_t)fdflags,
        .host_fd = -1};
    const fs_mount *m = target_mount(vm, &t);
    e = fs_errno(m->ops->open(vm->wasi.ns, m, &t, &a, &entry));
    if (e) return e;
    wasi_fd_install(vm, fd, &entry);
    vm_store_u32(vm, ret, (uint32_t)fd);
    return WASI_ESUCCESS;
}

static wasi_errno w_path_filestat_get(eryx_vm *vm, u32 dirfd, u32 flags, u32 path, u32 len,
                                      u32 buf) {
    fs_target t;
    bool follow = flags & LOOKUP_SYMLINK_FOLLOW;
    wasi_errno e = resolve_at(vm, dirfd, path, len, follow, 0, &t);
    if (e) return e;
    if (!vm_mem(vm, buf, FILESTAT_SIZE)) return WASI_EFAULT;
    fs_stat st;
    const fs_mount *m = target_mount(vm, &t);
    e = fs_errno(m->ops->stat(vm->wasi.ns, m, &t, follow, &st));
    return e ? e : wasi_store_filestat(vm, buf, &st);
}

static wasi_errno w_path_filestat_set_times(eryx_vm *vm, u32 dirfd, u32 flags, u32 path, u32 len,
                                            u64 atim, u64 mtim, u32 fst) {
    int64_t atime, mtime;
    wasi_errno e = wasi_times(fst, atim, mtim, &atime, &mtime);
    if (e) return e;
    fs_target t;
    bool follow = flags & LOOKUP_SYMLINK_FOLLOW;
    e = resolve_at(vm, dirfd, path, len, follow, 0, &t);
    if (e) return e;
    const fs_mount *m = target_mount(vm, &t);
    if (!m->ops->set_times) return t.exists ? WASI_EROFS : WASI_ENOENT;
    return fs_errno(m->ops->set_times(vm->wasi.ns, m, &t, NULL, follow, atime, mtime));
}

static wasi_errno w_path_create_directory(eryx_vm *vm, u32 dirfd, u32 path, u32 len) {
    fs_target t;
    wasi_errno e = resolve_at(vm, dirfd, path, len, false, 0, &t);
    if (e) return e;
    const fs_mount *m = target_mount(vm, &t);
    if (!m->ops->mkdir || t.is_root) return t.exists || t.is_root ? WASI_EEXIST : WASI_EROFS;
    return fs_errno(m->ops->mkdir(vm->wasi.ns, m, &t));
}

/* path_unlink_file (dir false) and path_remove_directory (dir true). */
static wasi_errno w_path_remove(eryx_vm *vm, u32 dirfd, u32 path, u32 len, bool dir) {
    fs_target t;
    wasi_errno e = resolve_at(vm, dirfd, path, len, false, 0, &t);
    if (e) return e;
    if (t.is_root) return dir ? WASI_EBUSY : WASI_EISDIR; /* a mount point */
    const fs_mount *m = target_mount(vm, &t);
    if (!m->ops->remove) return t.exists ? WASI_EROFS : WASI_ENOENT;
    return fs_errno(m->ops->remove(vm->wasi.ns, m, &t, dir));
}

/* The source (slot 0) and target (slot 1) of path_rename and path_link. */
static wasi_errno resolve_pair(eryx_vm *vm, u32 fd, u32 old, u32 old_len, bool follow, u32 new_fd,
                               u32 path, u32 len, fs_target *from, fs_target *to) {
    wasi_errno e = resolve_at(vm, fd, old, old_len, follow, 0, from);
    if (!e) e = resolve_at(vm, new_fd, path, len, false, 1, to);
    if (e) return e;
    if (from->is_root || to->is_root) return WASI_EBUSY;
    const fs_mount *m = target_mount(vm, from);
    bool writable = m->ops->rename != NULL;
    if (!writable) return from->exists ? WASI_EROFS : WASI_ENOENT;
    return from->mount == to->mount ? WASI_ESUCCESS : WASI_EXDEV;
}

static wasi_errno w_path_rename(eryx_vm *vm, u32 fd, u32 old, u32 old_len, u32 new_fd, u32 path,
                                u32 len) {
    fs_target from, to;
    wasi_errno e = resolve_pair(vm, fd, old, old_len, false, new_fd, path, len, &from, &to);
    if (e) return e;
    const fs_mount *m = target_mount(vm, &from);
    return fs_errno(m->ops->rename(vm->wasi.ns, m, &from, &to));
}

static wasi_errno w_path_link(eryx_vm *vm, u32 old_fd, u32 old_flags, u32 old, u32 old_len,
                              u32 new_fd, u32 path, u32 len) {
    fs_target from, to;
    bool follow = old_flags & LOOKUP_SYMLINK_FOLLOW;
    wasi_errno e = resolve_pair(vm, old_fd, old, old_len, follow, new_fd, path, len, &from, &to);
    if (e) return e;
    const fs_mount *m = target_mount(vm, &from);
    return fs_errno(m->ops->link(vm->wasi.ns, m, &from, &to));
}

static wasi_errno w_path_symlink(eryx_vm *vm, u32 old, u32 old_len, u32 dirfd, u32 path, u32 len) {
    if (old_len > MEMFS_LINK_MAX) return WASI_ENAMETOOLONG;
    const char *text = (const char *)vm_mem(vm, old, old_len);
    if (!text) return WASI_EFAULT;
    if (memchr(text, 0, old_len)) return WASI_EINVAL;
    fs_target t;
    wasi_errno e = resolve_at(vm, dirfd, path, len, false, 0, &t);
    if (e) return e;
    const fs_mount *m = target_mount(vm, &t);
    if (!m->ops->symlink || t.is_root) return t.exists || t.is_root ? WASI_EEXIST : WASI_EROFS;
    return fs_errno(m->ops->symlink(vm->wasi.ns, m, text, old_len, &t));
}

static wasi_errno w_path_readlink(eryx_vm *vm, u32 dirfd, u32 path, u32 len, u32 buf, u32 buf_len,
                                  u32 ret) {
    fs_target t;
    wasi_errno e = resolve_at(vm, dirfd, path, len, false, 0, &t);
    if (e) return e;
    uint8_t *out = vm_mem(vm, buf, buf_len);
    if (!out || !vm_mem(vm, ret, 4)) return WASI_EFAULT;
    const fs_mount *m = target_mount(vm, &t);
    const char *text;
    size_t n;
    if (t.is_root) return WASI_EINVAL;
    e = fs_errno(m->ops->readlink(vm->wasi.ns, m, &t, &text, &n));
    if (e) return e;
    if (n > buf_len) n = buf_len; /* readlink(2) truncates */
    memcpy(out, text, n);
    vm_store_u32(vm, ret, (uint32_t)n);
    return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_path_open(wasi_ctx *ctx, u32 dirfd, u32 dirflags, u32 path,
                                        u32 path_len, u32 oflags, u64 rights_base,
                                        u64 rights_inheriting, u32 fdflags, u32 ret) {
    (void)rights_inheriting; /* rights are not delegated further */
    IMPORT(w_path_open(vm, dirfd, dirflags, path, path_len, oflags, rights_base, fdflags, ret));
}

u32 Z_wasi_snapshot_preview1Z_path_filestat_get(wasi_ctx *ctx, u32 dirfd, u32 flags, u32 path,
                                                u32 len, u32 buf) {
    IMPORT(w_path_filestat_get(vm, dirfd, flags, path, len, buf));
}

u32 Z_wasi_snapshot_preview1Z_path_filestat_set_times(wasi_ctx *ctx, u32 fd, u32 flags, u32 path,
                                                      u32 len, u64 atim, u64 mtim, u32 fst) {
    IMPORT(w_path_filestat_set_times(vm, fd, flags, path, len, atim, mtim, fst));
}

u32 Z_wasi_snapshot_preview1Z_path_create_directory(wasi_ctx *ctx, u32 fd, u32 path, u32 len) {
    IMPORT(w_path_create_directory(vm, fd, path, len));
}

u32 Z_wasi_snapshot_preview1Z_path_unlink_file(wasi_ctx *ctx, u32 fd, u32 path, u32 len) {
    IMPORT(w_path_remove(vm, fd, path, len, false));
}

u32 Z_wasi_snapshot_preview1Z_path_remove_directory(wasi_ctx *ctx, u32 fd, u32 path, u32 len) {
    IMPORT(w_path_remove(vm, fd, path, len, true));
}

u32 Z_wasi_snapshot_preview1Z_path_rename(wasi_ctx *ctx, u32 fd, u32 old, u32 old_len, u32 new_fd,
                                          u32 path, u32 len) {
    IMPORT(w_path_rename(vm, fd, old, old_len, new_fd, path, len));
}

u32 Z_wasi_snapshot_preview1Z_path_link(wasi_ctx *ctx, u32 old_fd, u32 old_flags, u32 old,
                                        u32 old_len, u32 new_fd, u32 path, u32 len) {
    IMPORT(w_path_link(vm, old_fd, old_flags, old, old_len, new_fd, path, len));
}

u32 Z_wasi_snapshot_preview1Z_path_symlink(wasi_ctx *ctx, u32 old, u32 old_len, u32 fd, u32 path,
                                           u32 len) {
    IMPORT(w_path_symlink(vm, old, old_len, fd, path, len));
}

u32 Z_wasi_snapshot_preview1Z_path_readlink(wasi_ctx *ctx, u32 dirfd, u32 path, u32 len, u32 buf,
                                            u32 buf_len, u32 ret) {
    IMPORT(w_path_readlink(vm, dirfd, path, len, buf, buf_len, ret));
}
