/*
 * fs.c - the guest's file namespace: configuration, mounts and the one path
 * resolver (see fs.h).
 */
#include "fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eryx.h"
#include "volume.h"

/* ---- errno ---- */

wasi_errno fs_errno(int e) {
    switch (e) {
    case 0:
        return WASI_ESUCCESS;
    case EACCES:
        return WASI_EACCES;
    case EAGAIN:
        return WASI_EAGAIN;
    case EBADF:
        return WASI_EBADF;
    case EBUSY:
        return WASI_EBUSY;
    case EDQUOT:
        return WASI_EDQUOT;
    case EEXIST:
        return WASI_EEXIST;
    case EFAULT:
        return WASI_EFAULT;
    case EFBIG:
        return WASI_EFBIG;
    case EINTR:
        return WASI_EINTR;
    case EINVAL:
        return WASI_EINVAL;
    case EISDIR:
        return WASI_EISDIR;
    case ELOOP:
        return WASI_ELOOP;
    case EMFILE:
        return WASI_EMFILE;
    case EMLINK:
        return WASI_EMLINK;
    case ENAMETOOLONG:
        return WASI_ENAMETOOLONG;
    case ENFILE:
        return WASI_ENFILE;
    case ENODEV:
        return WASI_ENODEV;
    case ENOENT:
        return WASI_ENOENT;
    case ENOMEM:
        return WASI_ENOMEM;
    case ENOSPC:
        return WASI_ENOSPC;
    case ENOSYS:
        return WASI_ENOSYS;
    case ENOTDIR:
        return WASI_ENOTDIR;
    case ENOTEMPTY:
        return WASI_ENOTEMPTY;
    case ENOTSUP:
        return WASI_ENOTSUP;
    case ENXIO:
        return WASI_ENXIO;
    case EOVERFLOW:
        return WASI_EOVERFLOW;
    case EPERM:
        return WASI_EPERM;
    case EROFS:
        return WASI_EROFS;
    case ESPIPE:
        return WASI_ESPIPE;
    case ETXTBSY:
        return WASI_ETXTBSY;
    case EXDEV:
        return WASI_EXDEV;
    default:
        return WASI_EIO;
    }
}

uint8_t fs_filetype(uint8_t kind) {
    switch (kind) {
    case MEMFS_FILE:
        return 4; /* REGULAR_FILE */
    case MEMFS_DIR:
        return 3; /* DIRECTORY */
    case MEMFS_SYMLINK:
        return 7; /* SYMBOLIC_LINK */
    }
    return 0;
}

/* ---- configuration ---- */

/* Makes every directory of `path` (absolute, normalized) in `tree`; *out
 * gets the last. NULL or what is wrong. */
static const char *make_dirs(memfs *tree, const char *path, memfs_node **out) {
    memfs_node *dir = memfs_root(tree);
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        if (!*p) break;
        size_t len = strcspn(p, "/");
        memfs_node *child = memfs_lookup(tree, dir, p, len);
        if (!child) {
            int e = memfs_create(tree, dir, p, len, MEMFS_DIR, 0755, NULL, 0, &child);
            if (e) return e == ENOSPC ? "the filesystem quota is full" : strerror(e);
        } else if (child->kind != MEMFS_DIR) {
            return "a file is in the way of a directory";
        }
        dir = child;
        p += len;
    }
    *out = dir;
    return NULL;
}

/* The read-only trees of the standard library image and where the guest
 * sees them, at mount indexes FS_MOUNT_LIB and FS_MOUNT_ZONEINFO. */
static const struct {
    const char *image_path, *guest_path;
} image_trees[] = {{"lib", "/lib"}, {"usr/share/zoneinfo", "/usr/share/zoneinfo"}};

int fs_config_init(fs_config *c, const eryx_vfs *vfs) {
    memset(c, 0, sizeof *c);
    c->limits = (memfs_limits){.bytes = ERYX_FS_DEFAULT_BYTES, .entries = ERYX_FS_DEFAULT_ENTRIES};
    c->max_fds = ERYX_FS_DEFAULT_FDS;
    c->tree = memfs_new(c->limits);
    if (!c->tree) return ENOMEM;
    memfs_node *root = memfs_root(c->tree), *node;
    c->mounts[FS_MOUNT_TREE] = (fs_mount){.kind = MOUNT_TREE, .ops = &tree_mount_ops, .dev = 1};
    c->nmounts = 1;
    if (memfs_create(c->tree, root, "tmp", 3, MEMFS_DIR, 01777, NULL, 0, NULL) ||
        memfs_create(c->tree, root, "data", 4, MEMFS_DIR, 0755, NULL, 0, NULL) || !vfs) {
        fs_config_free(c);
        return ENOMEM;
    }
    for (size_t i = 0; i < sizeof image_trees / sizeof *image_trees; i++) {
        fs_mount *m = &c->mounts[c->nmounts];
        *m = (fs_mount){.kind = MOUNT_VFS,
                        .read_only = true,
                        .ops = &vfs_mount_ops,
                        .vfs = vfs,
                        .dev = c->nmounts + 1,
                        .guest_path = strdup(image_trees[i].guest_path)};
        c->nmounts++;
        const char *path = image_trees[i].image_path;
        vfs_node tree;
        if (!m->guest_path || vfs_resolve(vfs, VFS_ROOT, path, strlen(path), &tree) != VFS_OK ||
            vfs_node_kind(vfs, tree) != VFS_DIR || make_dirs(c->tree, m->guest_path, &node)) {
            fs_config_free(c);
            return ENOMEM;
        }
        m->vfs_root = tree;
        memfs_set_mount(node, (uint16_t)(c->nmounts - 1));
    }
    memfs_clear_changed(c->tree);
    return 0;
}

static void mount_free(fs_mount *m) {
    free(m->guest_path);
    memfs_free(m->tree);
    volume_free(m->vol);
    memset(m, 0, sizeof *m);
}

void fs_config_free(fs_config *c) {
    for (uint32_t i = 0; i < c->nmounts; i++)
        mount_free(&c->mounts[i]);
    memfs_free(c->tree);
    memset(c, 0, sizeof *c);
}

int fs_config_copy(fs_config *dst, const fs_config *src) {
    *dst = *src;
    dst->nmounts = 0;
    dst->tree = src->tree ? memfs_clone(src->tree) : NULL;
    if (src->tree && !dst->tree) return ENOMEM;
    for (uint32_t i = 0; i < src->nmounts; i++) {
        const fs_mount *s = &src->mounts[i];
        fs_mount *d = &dst->mounts[i];
        *d = *s;
        d->guest_path = NULL;
        d->tree = NULL;
        d->vol = NULL;
        dst->nmounts = i + 1;
        if ((s->guest_path && !(d->guest_path = strdup(s->guest_path))) ||
            (s->tree && !(d->tree = memfs_clone(s->tree))) ||
            (s->vol && !(d->vol = volume_dup(s->vol)))) {
            fs_config_free(dst);
            return ENOMEM;
        }
    }
    return 0;
}

/* True when `path` is `dir` or below it (both normalized). */
static bool path_within(const char *path, const char *dir) {
    size_t n = strlen(dir);
    if (n == 1) return true; /* "/" */
    return strncmp(path, dir, n) == 0 && (path[n] == 0 || path[n] == '/');
}

const char *fs_check_guest_path(const fs_config *c, const char *path, bool mount, char *out,
                                size_t outlen) {
    if (!path) return "the guest path is NULL";
    if (path[0] != '/') return "the guest path must be absolute (start with '/')";
    size_t len = strlen(path);
    if (len > FS_PATH_MAX || len + 1 > outlen) return "the guest path is too long";
    size_t o = 0;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        if (!*p) break;
        size_t n = strcspn(p, "/");
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return "the guest path must not contain '.' or '..'";
        if (n > MEMFS_NAME_MAX) return "a component of the guest path is too long";
        out[o++] = '/';
        memcpy(out + o, p, n);
        o += n;
        p += n;
    }
    out[o] = 0;
    if (o == 0) return mount ? "cannot mount over the root '/'" : "'/' is a directory";
    if (path_within(out, "/lib")) return "/lib is the read-only standard library";
    if (path_within(out, "/usr/share/zoneinfo"))
        return "/usr/share/zoneinfo is the read-only time zone data";
    for (uint32_t i = FS_MOUNT_ZONEINFO; i < c->nmounts; i++) {
        const char *at = c->mounts[i].guest_path;
        if (!strcmp(at, out)) return "another volume or package is already mounted at that path";
        if (path_within(out, at)) return "the path is inside another volume or package";
        if (mount && path_within(at, out)) return "the path would hide another volume or package";
    }
    if (mount && path_within(out, FS_PACKAGES_DIR)) return "/packages is reserved for packages";
    return NULL;
}

const char *fs_config_add_mount(fs_config *c, const fs_mount *m) {
    if (c->nmounts >= FS_MAX_MOUNTS) return "too many volumes and packages";
    c->mounts[c->nmounts] = *m;
    c->mounts[c->nmounts].dev = c->nmounts + 1;
    c->nmounts++;
    return NULL;
}

static int clear_mark(void *arg, const memfs_node *node) {
    (void)arg;
    if (node->mount) memfs_set_mount((memfs_node *)node, 0);
    return 0;
}

const char *fs_config_apply_mounts(const fs_config *c, memfs *tree) {
    memfs_each(tree, clear_mark, NULL);
    for (uint32_t i = FS_MOUNT_LIB; i < c->nmounts; i++) {
        memfs_node *dir;
        const char *problem = make_dirs(tree, c->mounts[i].guest_path, &dir);
        if (problem) return problem;
        memfs_set_mount(dir, (uint16_t)i);
    }
    return NULL;
}

/* ---- one vm's namespace ---- */

int fs_ns_init(fs_ns *ns, const fs_config *config) {
    memset(ns, 0, sizeof *ns);
    ns->config = config;
    ns->tree = memfs_clone(config->tree);
    return ns->tree ? 0 : ENOMEM;
}

void fs_ns_free(fs_ns *ns) {
    memfs_free(ns->tree);
    ns->tree = NULL;
}

int fs_ns_reset(fs_ns *ns) {
    ns->written = 0;
    if (ns->tree && !memfs_changed(ns->tree)) return 0;
    memfs *fresh = memfs_clone(ns->config->tree);
    if (!fresh) return ENOMEM;
    memfs_free(ns->tree);
    ns->tree = fresh;
    return 0;
}

void fs_ns_set_tree(fs_ns *ns, memfs *tree) {
    memfs_free(ns->tree);
    ns->tree = tree;
}

const fs_mount *fs_mount_at(const fs_ns *ns, uint32_t i) {
    return ns && i < ns->config->nmounts ? &ns->config->mounts[i] : NULL;
}

/* ---- the resolver ---- */

/* The tree directory a mount point is in: where ".." at a mount's root goes. */
static uint64_t mount_parent(fs_ns *ns, const fs_mount *m) {
    memfs_node *dir = memfs_root(ns->tree);
    const char *path = m->guest_path, *last = strrchr(path, '/');
    for (const char *p = path + 1; p < last;) {
        size_t len = strcspn(p, "/");
        memfs_node *child = memfs_lookup(ns->tree, dir, p, len);
        if (!child || child->kind != MEMFS_DIR) break;
        dir = child;
        p += len + 1;
    }
    return dir->ino;
}

static bool is_dot(const char *s, size_t n) {
    return n == 1 && s[0] == '.';
}
static bool is_dotdot(const char *s, size_t n) {
    return n == 2 && s[0] == '.' && s[1] == '.';
}

/* The walk of one resolution: the remaining path is buf[pos, end). */
typedef struct {
    fs_ns *ns;
    char *buf;
    size_t pos, end;
    uint32_t m;
    uint64_t n;
    int vol_fd; /* in a volume: the directory the rest is beneath */
    bool vol_at_root;
} walk;

/* Puts `text` in front of the rest of the path (a symbolic link's target). */
static int splice(walk *w, const char *text, size_t tlen) {
    bool rest = w->pos < w->end;
    size_t need = tlen + (rest ? 1 : 0);
    if (w->pos < need) return ENAMETOOLONG;
    w->pos -= need;
    memmove(w->buf + w->pos, text, tlen);
    if (rest) w->buf[w->pos + tlen] = '/';
    return 0;
}

/* In a volume: the rest goes to the kernel, unless ".." climbs out of the
 * volume's root, which the resolver then does itself. Returns 1 when the
 * walk goes on in the tree, 0 when `t` is the volume's target. */
static int enter_volume(walk *w, fs_target *t) {
    if (w->vol_at_root) {
        long depth = 0;
        for (size_t p = w->pos; p < w->end;) {
            while (p < w->end && w->buf[p] == '/')
                p++;
            if (p == w->end) break;
            size_t q = p;
            while (q < w->end && w->buf[q] != '/')
                q++;
            if (is_dotdot(w->buf + p, q - p)) {
                if (--depth < 0) {
                    const fs_mount *m = fs_mount_at(w->ns, w->m);
                    w->m = FS_MOUNT_TREE;
                    w->n = mount_parent(w->ns, m);
                    w->pos = q;
                    return 1;
                }
            } else if (!is_dot(w->buf + p, q - p)) {
                depth++;
            }
            p = q;
        }
    }
    while (w->pos < w->end && w->buf[w->pos] == '/')
        w->pos++;
    t->mount = w->m;
    t->vol_fd = w->vol_fd;
    t->rel = w->buf + w->pos;
    t->is_root = w->vol_at_root && !t->rel[0];
    t->name = "";
    t->name_len = 0;
    return 0;
}

/* Moves the walk into mount i at its root. */
static void enter_mount(walk *w, uint32_t i) {
    const fs_mount *m = fs_mount_at(w->ns, i);
    w->m = i;
    if (m->kind == MOUNT_VOLUME) {
        w->vol_fd = volume_root_fd(m->vol);
        w->vol_at_root = true;
        w->n = 0;
    } else {
        w->n = m->ops->root(w->ns, m);
    }
}

int fs_resolve(fs_ns *ns, const eryx_wasi_fd *dir, const char *path, size_t len, bool follow,
               int slot, fs_target *t) {
    memset(t, 0, sizeof *t);
    t->vol_fd = -1;
    if (len == 0) return ENOENT;
    if (len > FS_PATH_MAX) return ENAMETOOLONG;
    if (memchr(path, 0, len)) return EINVAL;
    walk w = {.ns = ns, .buf = ns->path[slot], .end = sizeof ns->path[slot] - 1, .vol_fd = -1};
    w.pos = w.end - len;
    memcpy(w.buf + w.pos, path, len);
    w.buf[w.end] = 0;
    t->trailing_slash = path[len - 1] == '/';
    const fs_mount *start = fs_mount_at(ns, dir->mount);
    if (!start) return EBADF;
    if (path[0] == '/') {
        w.m = FS_MOUNT_TREE;
        w.n = MEMFS_ROOT_INO;
    } else if (start->kind == MOUNT_VOLUME) {
        w.m = dir->mount;
        w.vol_fd = dir->host_fd;
    } else {
        w.m = dir->mount;
        w.n = dir->node;
    }
    int links = 0;
    for (;;) {
        const fs_mount *m = fs_mount_at(ns, w.m);
        if (m->kind == MOUNT_VOLUME) {
            if (enter_volume(&w, t)) continue;
            return 0;
        }
        while (w.pos < w.end && w.buf[w.pos] == '/')
            w.pos++;
        if (w.pos == w.end) { /* the path names the directory we are in */
            t->mount = w.m;
            t->exists = true;
            t->node = w.n;
            t->dir = w.n;
            t->is_root = w.n == m->ops->root(ns, m);
            t->name = "";
            return 0;
        }
        const char *comp = w.buf + w.pos;
        size_t clen = strcspn(comp, "/");
        size_t after = w.pos + clen, next = after;
        while (next < w.end && w.buf[next] == '/')
            next++;
        bool last = next == w.end;
        if (is_dot(comp, clen)) {
            w.pos = after;
            continue;
        }
        if (is_dotdot(comp, clen)) {
            if (w.n != m->ops->root(ns, m)) {
                w.n = m->ops->parent(ns, m, w.n);
            } else if (w.m != FS_MOUNT_TREE) {
                w.n = mount_parent(ns, m);
                w.m = FS_MOUNT_TREE;
            }
            w.pos = after;
            continue;
        }
        if (clen > MEMFS_NAME_MAX) return ENAMETOOLONG;
        uint64_t child;
        uint8_t kind;
        uint16_t mark = 0;
        if (!m->ops->lookup(ns, m, w.n, comp, clen, &child, &kind, &mark)) {
            if (!last) return ENOENT;
            t->mount = w.m;
            t->dir = w.n;
            t->name = comp;
            t->name_len = clen;
            return 0;
        }
        if (kind == MEMFS_SYMLINK && (!last || follow || t->trailing_slash)) {
            if (++links > FS_SYMLINK_MAX) return ELOOP;
            size_t tlen;
            const char *text = m->ops->link_text(ns, m, child, &tlen);
            w.pos = after;
            int e = splice(&w, text, tlen);
            if (e) return e;
            if (text[0] == '/') {
                w.m = FS_MOUNT_TREE;
                w.n = MEMFS_ROOT_INO;
            }
            continue;
        }
        if (mark && w.m == FS_MOUNT_TREE && mark < ns->config->nmounts) {
            uint64_t parent = w.n;
            w.pos = after;
            enter_mount(&w, mark);
            if (last && fs_mount_at(ns, mark)->kind != MOUNT_VOLUME) {
                t->mount = mark;
                t->exists = true;
                t->is_root = true;
                t->node = w.n;
                t->dir = parent;
                t->name = "";
                return 0;
            }
            continue;
        }
        if (last) {
            t->mount = w.m;
            t->exists = true;
            t->dir = w.n;
            t->node = child;
            t->name = comp;
            t->name_len = clen;
            return 0;
        }
        if (kind != MEMFS_DIR) return ENOTDIR;
        w.n = child;
        w.pos = after;
    }
}
