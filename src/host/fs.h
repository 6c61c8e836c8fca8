/*
 * fs.h - the guest's file namespace: which mount a path falls in, and the
 * one interface every mount implements.
 *
 * The guest sees one tree. Its root is the sandbox's memfs (writable /tmp
 * and /data, and whatever the host put there); mounts cover directories of
 * it: the read-only standard library at /lib (vfs.h), packages at
 * /packages/N (package.c), host volumes at the guest paths the host chose
 * (volume.c). A mount point is a memfs directory marked with the mount's
 * index; the resolver (fs_resolve) walks a path component by component,
 * following memfs symbolic links, and enters a mount where it meets a
 * mark. Node mounts (memfs, vfs) are walked here; a volume gets the rest of
 * the path as text, for the kernel to resolve beneath the volume's root.
 *
 * Errors are POSIX errno values inside this layer; fs_errno maps them to
 * WASI for the imports.
 */
#ifndef ERYX_FS_H
#define ERYX_FS_H

#include <stdbool.h>
#include <stdint.h>

#include "memfs.h"
#include "vfs.h"
#include "wasi.h"

#define FS_MAX_MOUNTS     64
#define FS_PATH_MAX       4096u /* longest path the guest may pass */
#define FS_SYMLINK_MAX    40    /* symbolic links followed in one resolution, as Linux */
#define FS_MOUNT_TREE     0     /* mount index of the root memfs */
#define FS_MOUNT_LIB      1     /* the standard library at /lib */
#define FS_MOUNT_ZONEINFO 2     /* the time zone data at /usr/share/zoneinfo */
#define FS_IMAGE_MOUNTS   3     /* mounts every namespace has; volumes and packages follow */
#define FS_PACKAGES_DIR   "/packages"

typedef struct fs_ns fs_ns;
typedef struct fs_mount fs_mount;
typedef struct volume volume;

/* What a path resolved to. For node mounts (memfs, vfs): the parent
 * directory and, when it exists, the node. For volumes: a host directory fd
 * (borrowed from the fd table or the mount) and the path beneath it. */
typedef struct {
    uint32_t mount;
    bool exists;
    bool is_root;        /* the path names the mount's root (a mount point) */
    bool trailing_slash; /* the path ended with '/': it must be a directory */
    uint64_t dir;        /* node mounts: the parent directory */
    uint64_t node;       /* node mounts: the node, when it exists */
    const char *name;    /* the last component (not NUL-terminated), "" for roots */
    size_t name_len;
    int vol_fd;      /* volumes: directory fd `rel` is beneath (borrowed) */
    const char *rel; /* volumes: NUL-terminated path beneath vol_fd ("" for vol_fd itself) */
} fs_target;

/* What fd_filestat_get and path_filestat_get report. */
typedef struct {
    uint64_t dev, ino, nlink, size;
    int64_t atime, mtime, ctime;
    uint8_t filetype; /* WASI filetype */
} fs_stat;

/* One directory entry for fd_readdir: `name` lives until the next call. */
typedef struct {
    uint64_t next; /* cookie of the entry after this one */
    uint64_t ino;
    const char *name;
    size_t name_len;
    uint8_t filetype;
} fs_dirent;

/* What path_open asks for. */
typedef struct {
    bool creat, excl, trunc, directory, follow, append;
    bool read, write; /* access the fd gets */
} fs_open_args;

/* The mount interface. Every function returns 0 or a POSIX errno. A NULL
 * mutating function means the mount is read-only (EROFS); lookup and parent
 * are only for node mounts, which the resolver walks. */
typedef struct {
    /* Node mounts: the root node, a child lookup (*kind a memfs_kind, *mark
     * a mount index for mount points), the parent of a directory. */
    uint64_t (*root)(fs_ns *ns, const fs_mount *m);
    bool (*lookup)(fs_ns *ns, const fs_mount *m, uint64_t dir, const char *name, size_t len,
                   uint64_t *child, uint8_t *kind, uint16_t *mark);
    uint64_t (*parent)(fs_ns *ns, const fs_mount *m, uint64_t dir);
    /* Text of a symbolic link node (node mounts with links). */
    const char *(*link_text)(fs_ns *ns, const fs_mount *m, uint64_t node, size_t *len);

    int (*open)(fs_ns *ns, const fs_mount *m, const fs_target *t, const fs_open_args *a,
                eryx_wasi_fd *fd);
    void (*close)(fs_ns *ns, const fs_mount *m, eryx_wasi_fd *fd);
    int (*stat)(fs_ns *ns, const fs_mount *m, const fs_target *t, bool follow, fs_stat *st);
    int (*fstat)(fs_ns *ns, const fs_mount *m, const eryx_wasi_fd *fd, fs_stat *st);
    int (*read)(fs_ns *ns, const fs_mount *m, const eryx_wasi_fd *fd, void *buf, size_t n,
                uint64_t off, size_t *done);
    int (*readdir)(fs_ns *ns, const fs_mount *m, const eryx_wasi_fd *fd, uint64_t cookie,
                   fs_dirent *out); /* ENOENT past the last entry */
    int (*readlink)(fs_ns *ns, const fs_mount *m, const fs_target *t, const char **text,
                    size_t *len);

    /* Writes at *off (UINT64_MAX: at the end, for append); *off gets the
     * position after the bytes written. */
    int (*write)(fs_ns *ns, const fs_mount *m, eryx_wasi_fd *fd, const void *buf, size_t n,
                 uint64_t *off, size_t *done);
    int (*truncate)(fs_ns *ns, const fs_mount *m, const eryx_wasi_fd *fd, uint64_t size);
    int (*set_times)(fs_ns *ns, const fs_mount *m, const fs_target *t, const eryx_wasi_fd *fd,
                     bool follow, int64_t atime, int64_t mtime); /* t or fd; -1 keeps, -2 now */
    int (*mkdir)(fs_ns *ns, const fs_mount *m, const fs_target *t);
    int (*remove)(fs_ns *ns, const fs_mount *m, const fs_target *t, bool dir);
    int (*rename)(fs_ns *ns, const fs_mount *m, const fs_target *from, const fs_target *to);
    int (*link)(fs_ns *ns, const fs_mount *m, const fs_target *from, const fs_target *to);
    int (*symlink)(fs_ns *ns, const fs_mount *m, const char *text, size_t len, const fs_target *t);
} mount_ops;

typedef enum { MOUNT_TREE, MOUNT_VFS, MOUNT_PACKAGE_TREE, MOUNT_VOLUME } mount_kind;

struct fs_mount {
    mount_kind kind;
    bool read_only;
    char *guest_path; /* where it is mounted, e.g. "/lib" */
    const mount_ops *ops;
    const eryx_vfs *vfs; /* MOUNT_VFS */
    vfs_node vfs_root;
    memfs *tree;  /* MOUNT_PACKAGE_TREE: owned, immutable */
    volume *vol;  /* MOUNT_VOLUME: owned */
    uint64_t dev; /* st_dev the guest sees */
};

/* The configured filesystem: the files a run starts with, limits and mounts.
 * Part of an eryx_config; a sandbox keeps its own copy. */
typedef struct fs_config {
    memfs *tree; /* the state every run (or a reset) starts from; NULL until needed */
    fs_mount mounts[FS_MAX_MOUNTS];
    uint32_t nmounts; /* 0 until fs_config_init; then at least 2 (tree, /lib) */
    uint32_t npackages;
    memfs_limits limits;
    uint32_t max_fds;
    uint64_t write_budget; /* bytes per execution on read-write volumes, 0: none */
} fs_config;

/* The filesystem of one vm: its working tree and the config it came from. */
struct fs_ns {
    const fs_config *config;           /* not owned */
    memfs *tree;                       /* owned */
    uint64_t written;                  /* bytes written to volumes in this execution */
    char path[2][2 * FS_PATH_MAX + 2]; /* resolution work space (two paths for rename/link) */
    char name[MEMFS_NAME_MAX + 1];     /* fs_dirent names from volumes */
};

/* ---- configuration (sandbox.c, package.c, volume.c) ---- */

/* Sets up the default filesystem: a tree with /tmp and /data (mode 01777 and
 * 0755), /lib from `vfs`, the default limits. 0 or ENOMEM. */
int fs_config_init(fs_config *c, const eryx_vfs *vfs);
void fs_config_free(fs_config *c);
/* A deep copy (trees cloned, fds duplicated). 0 or ENOMEM. */
int fs_config_copy(fs_config *dst, const fs_config *src);

/* Checks a guest path for a mount or a file put by the host: absolute,
 * at most FS_PATH_MAX, no "." or ".." components, not "/", not in /lib;
 * `mount` also refuses /packages and paths inside or above other mounts.
 * Writes the normalized path (no repeated or trailing '/') to out. NULL or
 * what is wrong. */
const char *fs_check_guest_path(const fs_config *c, const char *path, bool mount, char *out,
                                size_t outlen);

/* Adds a mount (takes ownership of what *m holds). NULL or what is wrong. */
const char *fs_config_add_mount(fs_config *c, const fs_mount *m);

/* Marks the mount points in c->tree, making their directories. NULL or
 * what is wrong (a file where a mount point must be). */
const char *fs_config_apply_mounts(const fs_config *c, memfs *tree);

/* ---- one vm's namespace ---- */

/* Starts a namespace on a clone of the configured tree. 0 or ENOMEM. */
int fs_ns_init(fs_ns *ns, const fs_config *config);
void fs_ns_free(fs_ns *ns);
/* Back to the configured tree, if the working tree changed. 0 or ENOMEM. */
int fs_ns_reset(fs_ns *ns);
/* Replaces the working tree (a snapshot's; ownership passes). */
void fs_ns_set_tree(fs_ns *ns, memfs *tree);

/* The mount of index i, or NULL. */
const fs_mount *fs_mount_at(const fs_ns *ns, uint32_t i);

/* Resolves `path` (len bytes, from the guest) starting at directory fd `dir`,
 * following a final symbolic link when `follow`. slot (0 or 1) picks the
 * work space, which holds the target's strings until the next resolution
 * in that slot. */
int fs_resolve(fs_ns *ns, const eryx_wasi_fd *dir, const char *path, size_t len, bool follow,
               int slot, fs_target *t);

/* The WASI errno for a POSIX one. */
wasi_errno fs_errno(int posix_errno);

/* WASI filetype of a memfs kind. */
uint8_t fs_filetype(uint8_t memfs_kind);

/* The mount implementations. */
extern const mount_ops tree_mount_ops;   /* memfs (fs_tree.c) */
extern const mount_ops vfs_mount_ops;    /* the stdlib image (fs_vfs.c) */
extern const mount_ops volume_mount_ops; /* host directories (volume.c) */
extern const mount_ops package_tree_ops; /* a wheel's tree (fs_tree.c), read-only */

#endif
