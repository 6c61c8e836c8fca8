/*
 * files.c - the public file API (eryx.h, "files"): the configured tree,
 * limits and volumes of a config, and a sandbox's files between
 * executions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "sandbox.h"
#include "volume.h"

static void set_error(char *errbuf, size_t errlen, const char *msg) {
    if (errbuf && errlen) snprintf(errbuf, errlen, "%s", msg);
}

static eryx_status status_of(int e) {
    switch (e) {
    case 0:
        return ERYX_OK;
    case ENOENT:
        return ERYX_ENOENT;
    case ENOSPC:
        return ERYX_ENOSPC;
    case ENOMEM:
        return ERYX_ENOMEM;
    default:
        return ERYX_EINVAL;
    }
}

eryx_status eryx_config_set_fs_limits(eryx_config *config, uint64_t bytes, uint64_t entries,
                                      uint32_t fds) {
    if (!config || fds == 0 || fds > WASI_MAX_FDS) return ERYX_EINVAL;
    eryx_status st = sandbox_config_fs(config);
    if (st) return st;
    config->fs.limits = (memfs_limits){.bytes = bytes, .entries = entries};
    config->fs.max_fds = fds;
    return ERYX_OK;
}

eryx_status eryx_config_set_volume_write_budget(eryx_config *config, uint64_t bytes) {
    if (!config) return ERYX_EINVAL;
    eryx_status st = sandbox_config_fs(config);
    if (st) return st;
    config->fs.write_budget = bytes;
    return ERYX_OK;
}

/* The directory that would hold `path` (absolute, normalized), made as
 * needed when `make`; *name gets the last component. */
static int parent_of(memfs *tree, const char *path, bool make, memfs_node **dir,
                     const char **name) {
    memfs_node *d = memfs_root(tree);
    const char *p = path + 1;
    for (;;) {
        size_t len = strcspn(p, "/");
        if (!p[len]) {
            *dir = d;
            *name = p;
            return 0;
        }
        memfs_node *child = memfs_lookup(tree, d, p, len);
        if (!child && make) {
            int e = memfs_create(tree, d, p, len, MEMFS_DIR, 0755, NULL, 0, &child);
            if (e) return e;
        }
        if (!child) return ENOENT;
        if (child->kind != MEMFS_DIR) return ENOTDIR;
        d = child;
        p += len + 1;
    }
}

/* Writes a whole file into `tree`, replacing what was there. */
static int put_file(memfs *tree, const char *path, const void *data, size_t len) {
    memfs_node *dir, *node;
    const char *name;
    int e = parent_of(tree, path, true, &dir, &name);
    if (e) return e;
    node = memfs_lookup(tree, dir, name, strlen(name));
    if (node && node->kind != MEMFS_FILE) return EISDIR;
    if (!node) {
        e = memfs_create(tree, dir, name, strlen(name), MEMFS_FILE, 0644, NULL, 0, &node);
        if (e) return e;
    }
    e = memfs_truncate(tree, node, 0);
    return e ? e : memfs_write(tree, node, data, len, 0);
}

eryx_status eryx_config_add_file(eryx_config *config, const char *guest_path, const void *data,
                                 size_t len, char *errbuf, size_t errlen) {
    if (!config || (!data && len)) {
        set_error(errbuf, errlen, "invalid argument");
        return ERYX_EINVAL;
    }
    eryx_status st = sandbox_config_fs(config);
    if (st) return st;
    char path[FS_PATH_MAX + 1];
    const char *problem = fs_check_guest_path(&config->fs, guest_path, false, path, sizeof path);
    if (problem) {
        set_error(errbuf, errlen, problem);
        return ERYX_EINVAL;
    }
    memfs_set_limits(config->fs.tree, config->fs.limits);
    int e = put_file(config->fs.tree, path, data ? data : "", len);
    if (e) set_error(errbuf, errlen, e == ENOSPC ? "the filesystem quota is full" : strerror(e));
    return status_of(e);
}

eryx_status eryx_config_add_volume(eryx_config *config, const char *host_dir, const char *guest_dir,
                                   int read_only, char *errbuf, size_t errlen) {
    if (!config) return ERYX_EINVAL;
    eryx_status st = sandbox_config_fs(config);
    if (st) return st;
    char path[FS_PATH_MAX + 1], err[512];
    const char *problem = fs_check_guest_path(&config->fs, guest_dir, true, path, sizeof path);
    if (problem) {
        set_error(errbuf, errlen, problem);
        return ERYX_EINVAL;
    }
    volume *v = volume_open(host_dir, read_only != 0, err, sizeof err);
    if (!v) {
        set_error(errbuf, errlen, err);
        return ERYX_EINVAL;
    }
    fs_mount m = {.kind = MOUNT_VOLUME,
                  .read_only = read_only != 0,
                  .ops = &volume_mount_ops,
                  .vol = v,
                  .guest_path = strdup(path)};
    problem = m.guest_path ? fs_config_add_mount(&config->fs, &m) : "out of memory";
    if (problem) {
        volume_free(v);
        free(m.guest_path);
        set_error(errbuf, errlen, problem);
        return m.guest_path ? ERYX_EINVAL : ERYX_ENOMEM;
    }
    return ERYX_OK;
}

/* ---- a sandbox's files ---- */

/* Takes the sandbox for a file operation on its tree: checks the path
 * (normalized into path) and marks the sandbox busy. */
static eryx_status begin(eryx_sandbox *sandbox, const char *guest_path, char *path) {
    if (!sandbox || !sandbox->ns.tree) return ERYX_EINVAL;
    if (fs_check_guest_path(&sandbox->config.fs, guest_path, false, path, FS_PATH_MAX + 1))
        return ERYX_EINVAL;
    if (atomic_exchange(&sandbox->busy, true)) return ERYX_EBUSY;
    return ERYX_OK;
}

static eryx_status end(eryx_sandbox *sandbox, eryx_status status) {
    atomic_store(&sandbox->busy, false);
    return status;
}

/* The node at `path` in the sandbox's tree (no links followed), or NULL. */
static memfs_node *find(memfs *tree, const char *path) {
    memfs_node *dir;
    const char *name;
    if (parent_of(tree, path, false, &dir, &name)) return NULL;
    return memfs_lookup(tree, dir, name, strlen(name));
}

eryx_status eryx_sandbox_read_file(eryx_sandbox *sandbox, const char *guest_path, void **data,
                                   size_t *len) {
    if (data) *data = NULL;
    if (len) *len = 0;
    if (!data || !len) return ERYX_EINVAL;
    char path[FS_PATH_MAX + 1];
    eryx_status st = begin(sandbox, guest_path, path);
    if (st) return st;
    memfs_node *n = find(sandbox->ns.tree, path);
    if (!n) return end(sandbox, ERYX_ENOENT);
    if (n->kind != MEMFS_FILE || n->size >= SIZE_MAX) return end(sandbox, ERYX_EINVAL);
    char *out = malloc((size_t)n->size + 1);
    if (!out) return end(sandbox, ERYX_ENOMEM);
    memfs_read(n, out, (size_t)n->size, 0);
    out[n->size] = 0;
    *data = out;
    *len = (size_t)n->size;
    return end(sandbox, ERYX_OK);
}

/* Applies a change to the working tree and, for a stateless sandbox, to the
 * tree its executions start from. */
static eryx_status change(eryx_sandbox *sandbox, const char *guest_path, const void *data,
                          size_t len, bool remove) {
    char path[FS_PATH_MAX + 1];
    eryx_status st = begin(sandbox, guest_path, path);
    if (st) return st;
    memfs *trees[2] = {sandbox->ns.tree, sandbox->persistent ? NULL : sandbox->config.fs.tree};
    int e = 0;
    for (int i = 0; i < 2 && !e && trees[i]; i++) {
        if (!remove) {
            e = put_file(trees[i], path, data ? data : "", len);
            continue;
        }
        memfs_node *dir, *n;
        const char *name;
        e = parent_of(trees[i], path, false, &dir, &name);
        n = e ? NULL : memfs_lookup(trees[i], dir, name, strlen(name));
        if (!e && !n) e = ENOENT;
        if (!e) e = memfs_remove(trees[i], dir, name, strlen(name), n->kind == MEMFS_DIR);
        if (e == ENOENT && i == 1) e = 0; /* made by an execution only */
    }
    if (trees[1]) memfs_clear_changed(trees[1]);
    return end(sandbox, status_of(e));
}

eryx_status eryx_sandbox_write_file(eryx_sandbox *sandbox, const char *guest_path, const void *data,
                                    size_t len) {
    if (!data && len) return ERYX_EINVAL;
    return change(sandbox, guest_path, data, len, false);
}

eryx_status eryx_sandbox_remove_file(eryx_sandbox *sandbox, const char *guest_path) {
    return change(sandbox, guest_path, NULL, 0, true);
}

eryx_status eryx_sandbox_list_dir(eryx_sandbox *sandbox, const char *guest_dir, char **json) {
    if (json) *json = NULL;
    if (!json || !sandbox) return ERYX_EINVAL;
    char path[FS_PATH_MAX + 1];
    bool root = guest_dir && !guest_dir[strspn(guest_dir, "/")] && guest_dir[0] == '/';
    eryx_status st = root ? (atomic_exchange(&sandbox->busy, true) ? ERYX_EBUSY : ERYX_OK)
                          : begin(sandbox, guest_dir, path);
    if (st) return st;
    memfs *tree = sandbox->ns.tree;
    memfs_node *d = root ? memfs_root(tree) : find(tree, path);
    if (!d) return end(sandbox, ERYX_ENOENT);
    if (d->kind != MEMFS_DIR) return end(sandbox, ERYX_EINVAL);
    static const char *const types[] = {"?", "file", "dir", "symlink"};
    eryx_buf b = {0};
    buf_puts(&b, "[");
    for (uint32_t i = 0; i < d->u.dir.n; i++) {
        const memfs_dirent *e = &d->u.dir.ent[i];
        memfs_node *n = memfs_get(tree, e->ino);
        if (!n) continue;
        buf_puts(&b, i ? ", {\"name\": " : "{\"name\": ");
        buf_json_string(&b, e->name, e->len);
        buf_printf(&b, ", \"type\": \"%s\", \"size\": %llu}", types[n->kind],
                   (unsigned long long)(n->kind == MEMFS_DIR ? 4096 : n->size));
    }
    buf_puts(&b, "]");
    *json = buf_take(&b);
    return end(sandbox, *json ? ERYX_OK : ERYX_ENOMEM);
}
