/*
 * fs_tree.c - the mount interface (fs.h) over a memfs: the sandbox's
 * writable tree, and read-only trees of packages (wheels, package.c).
 */
#include <errno.h>
#include <time.h>

#include "fs.h"

#define NEW_FILE_MODE 0644 /* 0666 under the usual umask 022 */
#define NEW_DIR_MODE  0755

/* The tree a mount stands for: the vm's own, or a package's. */
static memfs *tree_of(fs_ns *ns, const fs_mount *m) {
    return m->kind == MOUNT_TREE ? ns->tree : m->tree;
}

static memfs_node *node_of(fs_ns *ns, const fs_mount *m, uint64_t ino) {
    return memfs_get(tree_of(ns, m), ino);
}

static uint64_t tree_root(fs_ns *ns, const fs_mount *m) {
    (void)ns, (void)m;
    return MEMFS_ROOT_INO;
}

static bool tree_lookup(fs_ns *ns, const fs_mount *m, uint64_t dir, const char *name, size_t len,
                        uint64_t *child, uint8_t *kind, uint16_t *mark) {
    memfs *tree = tree_of(ns, m);
    memfs_node *c = memfs_lookup(tree, memfs_get(tree, dir), name, len);
    if (!c) return false;
    *child = c->ino;
    *kind = c->kind;
    *mark = c->mount;
    return true;
}

static uint64_t tree_parent(fs_ns *ns, const fs_mount *m, uint64_t dir) {
    memfs_node *n = node_of(ns, m, dir);
    return n ? n->parent : MEMFS_ROOT_INO;
}

static const char *tree_link_text(fs_ns *ns, const fs_mount *m, uint64_t node, size_t *len) {
    memfs_node *n = node_of(ns, m, node);
    *len = n && n->kind == MEMFS_SYMLINK ? n->size : 1;
    return n && n->kind == MEMFS_SYMLINK ? n->u.target : ".";
}

static int tree_open(fs_ns *ns, const fs_mount *m, const fs_target *t, const fs_open_args *a,
                     eryx_wasi_fd *fd) {
    memfs *tree = tree_of(ns, m);
    memfs_node *node;
    bool writes = a->write || a->trunc;
    if (!t->exists) {
        if (!a->creat) return ENOENT;
        if (m->read_only) return EROFS;
        if (t->trailing_slash || a->directory) return EISDIR;
        int e = memfs_create(tree, memfs_get(tree, t->dir), t->name, t->name_len, MEMFS_FILE,
                             NEW_FILE_MODE, NULL, 0, &node);
        if (e) return e;
    } else {
        node = memfs_get(tree, t->node);
        if (!node) return ENOENT;
        if (a->creat && a->excl) return EEXIST;
        if (node->kind == MEMFS_SYMLINK) return ELOOP; /* O_NOFOLLOW on a link */
        if (node->kind == MEMFS_DIR) {
            if (writes) return EISDIR;
        } else {
            if (a->directory || t->trailing_slash) return ENOTDIR;
            if (writes && m->read_only) return EROFS;
            if (a->trunc && a->write) {
                int e = memfs_truncate(tree, node, 0);
                if (e) return e;
            }
        }
    }
    fd->kind = node->kind == MEMFS_DIR ? WASI_FD_DIR : WASI_FD_FILE;
    fd->node = node->ino;
    if (m->kind == MOUNT_TREE) memfs_open_ref(tree, node);
    return 0;
}

static void tree_close(fs_ns *ns, const fs_mount *m, eryx_wasi_fd *fd) {
    if (m->kind != MOUNT_TREE) return; /* package trees never free nodes */
    memfs_node *n = memfs_get(ns->tree, fd->node);
    if (n) memfs_close_ref(ns->tree, n);
}

static void fill_stat(const fs_mount *m, const memfs_node *n, fs_stat *st) {
    *st = (fs_stat){.dev = m->dev,
                    .ino = n->ino,
                    .nlink = n->nlink,
                    .size = n->kind == MEMFS_DIR ? 4096 : n->size,
                    .atime = n->atime,
                    .mtime = n->mtime,
                    .ctime = n->ctime,
                    .filetype = fs_filetype(n->kind)};
}

static int tree_stat(fs_ns *ns, const fs_mount *m, const fs_target *t, bool follow, fs_stat *st) {
    (void)follow; /* the resolver followed a final link if asked to */
    memfs_node *n = t->exists ? node_of(ns, m, t->node) : NULL;
    if (!n) return ENOENT;
    if (t->trailing_slash && n->kind != MEMFS_DIR) return ENOTDIR;
    fill_stat(m, n, st);
    return 0;
}

static int tree_fstat(fs_ns *ns, const fs_mount *m, const eryx_wasi_fd *fd, fs_stat *st) {
    memfs_node *n = node_of(ns, m, fd->node);
    if (!n) return EBADF;
    fill_stat(m, n, st);
    return 0;
}

static int tree_read(fs_ns *ns, const fs_mount *m, const eryx_wasi_fd *fd, void *buf, size_t n,
                     uint64_t off, size_t *done) {
    memfs_node *node = node_of(ns, m, fd->node);
    if (!node) return EBADF;
    *done = memfs_read(node, buf, n, off);
    return 0;
}

static int tree_readdir(fs_ns *ns, const fs_mount *m, const eryx_wasi_fd *fd, uint64_t cookie,
                        fs_dirent *out) {
    memfs *tree = tree_of(ns, m);
    memfs_node *dir = memfs_get(tree, fd->node);
    if (!dir || dir->kind != MEMFS_DIR) return EBADF;
    if (cookie < 2) {
        memfs_node *parent = memfs_get(tree, dir->parent);
        *out = (fs_dirent){.next = cookie + 1,
                           .ino = cookie ? (parent ? parent->ino : dir->ino) : dir->ino,
                           .name = cookie ? ".." : ".",
                           .name_len = (size_t)cookie + 1,
                           .filetype = fs_filetype(MEMFS_DIR)};
        return 0;
    }
    if (cookie - 2 >= dir->u.dir.n) return ENOENT;
    const memfs_dirent *e = &dir->u.dir.ent[cookie - 2];
    memfs_node *child = memfs_get(tree, e->ino);
    *out = (fs_dirent){.next = cookie + 1,
                       .ino = e->ino,
                       .name = e->name,
                       .name_len = e->len,
                       .filetype = child ? fs_filetype(child->kind) : 0};
    return 0;
}

static int tree_readlink(fs_ns *ns, const fs_mount *m, const fs_target *t, const char **text,
                         size_t *len) {
    memfs_node *n = t->exists ? node_of(ns, m, t->node) : NULL;
    if (!n) return ENOENT;
    if (n->kind != MEMFS_SYMLINK) return EINVAL;
    *text = n->u.target;
    *len = n->size;
    return 0;
}

static int tree_write(fs_ns *ns, const fs_mount *m, eryx_wasi_fd *fd, const void *buf, size_t n,
                      uint64_t *off, size_t *done) {
    memfs_node *node = node_of(ns, m, fd->node);
    if (!node) return EBADF;
    uint64_t at = *off == UINT64_MAX ? node->size : *off;
    int e = memfs_write(ns->tree, node, buf, n, at);
    if (e) return e;
    *done = n;
    *off = at + n;
    return 0;
}

static int tree_truncate(fs_ns *ns, const fs_mount *m, const eryx_wasi_fd *fd, uint64_t size) {
    memfs_node *node = node_of(ns, m, fd->node);
    if (!node) return EBADF;
    return memfs_truncate(ns->tree, node, size);
}

static int64_t time_arg(int64_t t) {
    if (t != -2) return t;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int tree_set_times(fs_ns *ns, const fs_mount *m, const fs_target *t, const eryx_wasi_fd *fd,
                          bool follow, int64_t atime, int64_t mtime) {
    (void)follow;
    memfs_node *n = node_of(ns, m, t ? (t->exists ? t->node : 0) : fd->node);
    if (!n) return t ? ENOENT : EBADF;
    memfs_set_times(ns->tree, n, time_arg(atime), time_arg(mtime));
    return 0;
}

static int tree_mkdir(fs_ns *ns, const fs_mount *m, const fs_target *t) {
    (void)m;
    if (t->exists) return EEXIST;
    return memfs_create(ns->tree, memfs_get(ns->tree, t->dir), t->name, t->name_len, MEMFS_DIR,
                        NEW_DIR_MODE, NULL, 0, NULL);
}

static int tree_remove(fs_ns *ns, const fs_mount *m, const fs_target *t, bool dir) {
    (void)m;
    if (!t->exists) return ENOENT;
    if (!t->name_len) return dir ? EBUSY : EISDIR;
    memfs_node *n = memfs_get(ns->tree, t->node);
    if (!dir && n && n->kind != MEMFS_DIR && t->trailing_slash) return ENOTDIR;
    return memfs_remove(ns->tree, memfs_get(ns->tree, t->dir), t->name, t->name_len, dir);
}

static int tree_rename(fs_ns *ns, const fs_mount *m, const fs_target *from, const fs_target *to) {
    (void)m;
    if (!from->exists) return ENOENT;
    if (!from->name_len || !to->name_len) return EBUSY;
    return memfs_rename(ns->tree, memfs_get(ns->tree, from->dir), from->name, from->name_len,
                        memfs_get(ns->tree, to->dir), to->name, to->name_len);
}

static int tree_link(fs_ns *ns, const fs_mount *m, const fs_target *from, const fs_target *to) {
    (void)m;
    if (!from->exists) return ENOENT;
    if (to->exists) return EEXIST;
    memfs_node *n = memfs_get(ns->tree, from->node);
    if (!n) return ENOENT;
    return memfs_link(ns->tree, memfs_get(ns->tree, to->dir), to->name, to->name_len, n);
}

static int tree_symlink(fs_ns *ns, const fs_mount *m, const char *text, size_t len,
                        const fs_target *t) {
    (void)m;
    if (t->exists) return EEXIST;
    if (t->trailing_slash) return ENOENT;
    return memfs_create(ns->tree, memfs_get(ns->tree, t->dir), t->name, t->name_len, MEMFS_SYMLINK,
                        0777, text, len, NULL);
}

const mount_ops tree_mount_ops = {
    .root = tree_root,
    .lookup = tree_lookup,
    .parent = tree_parent,
    .link_text = tree_link_text,
    .open = tree_open,
    .close = tree_close,
    .stat = tree_stat,
    .fstat = tree_fstat,
    .read = tree_read,
    .readdir = tree_readdir,
    .readlink = tree_readlink,
    .write = tree_write,
    .truncate = tree_truncate,
    .set_times = tree_set_times,
    .mkdir = tree_mkdir,
    .remove = tree_remove,
    .rename = tree_rename,
    .link = tree_link,
    .symlink = tree_symlink,
};

/* A package's tree: the same reads, no writes. */
const mount_ops package_tree_ops = {
    .root = tree_root,
    .lookup = tree_lookup,
    .parent = tree_parent,
    .link_text = tree_link_text,
    .open = tree_open,
    .close = tree_close,
    .stat = tree_stat,
    .fstat = tree_fstat,
    .read = tree_read,
    .readdir = tree_readdir,
    .readlink = tree_readlink,
};
