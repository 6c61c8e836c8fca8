/*
 * fs_vfs.c - the mount interface (fs.h) over the read-only standard library
 * image (vfs.h), mounted at /lib. Nothing in it changes: every node has the
 * image's one timestamp (the build's: tools/pack_stdlib.py), and inode
 * numbers are node index + 1.
 */
#include <errno.h>
#include <string.h>

#include "fs.h"

static uint64_t vfs_root_node(fs_ns *ns, const fs_mount *m) {
    (void)ns;
    return m->vfs_root;
}

static bool vfs_child_of(fs_ns *ns, const fs_mount *m, uint64_t dir, const char *name, size_t len,
                         uint64_t *child, uint8_t *kind, uint16_t *mark) {
    (void)ns;
    vfs_node node;
    if (dir > UINT32_MAX || !vfs_lookup(m->vfs, (vfs_node)dir, name, len, &node)) return false;
    *child = node;
    *kind = vfs_node_kind(m->vfs, node) == VFS_DIR ? MEMFS_DIR : MEMFS_FILE;
    *mark = 0;
    return true;
}

static uint64_t vfs_parent_node(fs_ns *ns, const fs_mount *m, uint64_t dir) {
    (void)ns;
    return vfs_parent(m->vfs, (vfs_node)dir);
}

static bool is_dir(const fs_mount *m, uint64_t node) {
    return vfs_node_kind(m->vfs, (vfs_node)node) == VFS_DIR;
}

static int vfs_open_node(fs_ns *ns, const fs_mount *m, const fs_target *t, const fs_open_args *a,
                         eryx_wasi_fd *fd) {
    (void)ns;
    bool writes = a->write || a->trunc;
    if (!t->exists) return a->creat ? EROFS : ENOENT;
    if (a->creat && a->excl) return EEXIST;
    if (is_dir(m, t->node)) {
        if (writes) return EISDIR;
    } else {
        if (a->directory || t->trailing_slash) return ENOTDIR;
        if (writes) return EROFS;
    }
    fd->kind = is_dir(m, t->node) ? WASI_FD_DIR : WASI_FD_FILE;
    fd->node = t->node;
    return 0;
}

static void vfs_close_node(fs_ns *ns, const fs_mount *m, eryx_wasi_fd *fd) {
    (void)ns, (void)m, (void)fd;
}

static void fill_stat(const fs_mount *m, uint64_t node, fs_stat *st) {
    bool dir = is_dir(m, node);
    int64_t t = vfs_mtime(m->vfs);
    *st = (fs_stat){.dev = m->dev,
                    .ino = node + 1, /* 0 would make wasi-libc stat each entry */
                    .nlink = 1,
                    .size = vfs_file_size(m->vfs, (vfs_node)node),
                    .atime = t,
                    .mtime = t,
                    .ctime = t,
                    .filetype = fs_filetype(dir ? MEMFS_DIR : MEMFS_FILE)};
}

static int vfs_stat_node(fs_ns *ns, const fs_mount *m, const fs_target *t, bool follow,
                         fs_stat *st) {
    (void)ns, (void)follow;
    if (!t->exists) return ENOENT;
    if (t->trailing_slash && !is_dir(m, t->node)) return ENOTDIR;
    fill_stat(m, t->node, st);
    return 0;
}

static int vfs_fstat_node(fs_ns *ns, const fs_mount *m, const eryx_wasi_fd *fd, fs_stat *st) {
    (void)ns;
    fill_stat(m, fd->node, st);
    return 0;
}

static int vfs_read_node(fs_ns *ns, const fs_mount *m, const eryx_wasi_fd *fd, void *buf, size_t n,
                         uint64_t off, size_t *done) {
    (void)ns;
    uint64_t size = vfs_file_size(m->vfs, (vfs_node)fd->node);
    const uint8_t *data = vfs_file_data(m->vfs, (vfs_node)fd->node);
    *done = 0;
    if (!data || off >= size) return 0;
    *done = size - off < n ? (size_t)(size - off) : n;
    memcpy(buf, data + off, *done);
    return 0;
}

static int vfs_readdir_node(fs_ns *ns, const fs_mount *m, const eryx_wasi_fd *fd, uint64_t cookie,
                            fs_dirent *out) {
    (void)ns;
    vfs_node dir = (vfs_node)fd->node;
    if (cookie < 2) {
        vfs_node node = cookie ? vfs_parent(m->vfs, dir) : dir;
        *out = (fs_dirent){.next = cookie + 1,
                           .ino = (uint64_t)node + 1,
                           .name = cookie ? ".." : ".",
                           .name_len = (size_t)cookie + 1,
                           .filetype = fs_filetype(MEMFS_DIR)};
        return 0;
    }
    if (cookie - 2 >= vfs_child_count(m->vfs, dir)) return ENOENT;
    vfs_node child = vfs_child(m->vfs, dir, (uint32_t)(cookie - 2));
    size_t len;
    const char *name = vfs_node_name(m->vfs, child, &len);
    *out = (fs_dirent){.next = cookie + 1,
                       .ino = (uint64_t)child + 1,
                       .name = name,
                       .name_len = len,
                       .filetype = fs_filetype(is_dir(m, child) ? MEMFS_DIR : MEMFS_FILE)};
    return 0;
}

/* There are no symbolic links: anything that exists is "not a link". */
static int vfs_readlink_node(fs_ns *ns, const fs_mount *m, const fs_target *t, const char **text,
                             size_t *len) {
    (void)ns, (void)m, (void)text, (void)len;
    return t->exists ? EINVAL : ENOENT;
}

const mount_ops vfs_mount_ops = {
    .root = vfs_root_node,
    .lookup = vfs_child_of,
    .parent = vfs_parent_node,
    .open = vfs_open_node,
    .close = vfs_close_node,
    .stat = vfs_stat_node,
    .fstat = vfs_fstat_node,
    .read = vfs_read_node,
    .readdir = vfs_readdir_node,
    .readlink = vfs_readlink_node,
};
