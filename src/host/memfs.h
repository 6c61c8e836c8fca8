/*
 * memfs.h - the guest's writable in-memory filesystem: directories, regular
 * files, symbolic links and hard links, held in host memory outside linear
 * memory, with quotas.
 *
 * A tree is one `memfs`. Nodes are named by inode numbers, which are
 * distinct, never reused within a tree, and kept by memfs_clone: an fd table
 * can name a node by its number and stay valid in a clone. File contents are
 * chunks of up to MEMFS_CHUNK bytes shared between clones and copied on
 * write, so cloning a tree (a stateless sandbox's reset to its configured
 * files) copies its directory structure, never file data. A file is sparse:
 * only chunks that were written exist; holes read as zeros.
 *
 * Quotas (memfs_limits): `bytes` counts what the tree really holds (chunk
 * bytes, names, link targets), `entries` the nodes. Past either a call fails
 * with ENOSPC and changes nothing; freeing space makes it work again.
 *
 * Errors are POSIX errno values (fs.c maps them to WASI). Not thread-safe:
 * one tree is used by one thread at a time. Chunks shared between trees on
 * different threads are reference-counted atomically; a tree that clones are
 * taken from must not change meanwhile.
 */
#ifndef ERYX_MEMFS_H
#define ERYX_MEMFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEMFS_CHUNK    16384u /* bytes of file data per chunk */
#define MEMFS_NAME_MAX 255u   /* longest name, as on Linux */
#define MEMFS_LINK_MAX 4095u  /* longest symbolic link target */
#define MEMFS_ROOT_INO 1u
#define MEMFS_SIZE_MAX ((uint64_t)INT64_MAX) /* the guest's off_t */

typedef enum { MEMFS_FILE = 1, MEMFS_DIR = 2, MEMFS_SYMLINK = 3 } memfs_kind;

typedef struct {
    uint64_t bytes;   /* 0: no limit */
    uint64_t entries; /* 0: no limit */
} memfs_limits;

typedef struct memfs memfs;
typedef struct memfs_chunk memfs_chunk;

typedef struct {
    uint64_t index; /* chunk number: covers [index * MEMFS_CHUNK, +MEMFS_CHUNK) */
    memfs_chunk *chunk;
} memfs_extent;

typedef struct {
    char *name;
    uint32_t len;
    uint64_t ino;
} memfs_dirent;

/* A node. Read its fields freely; change it only through the functions. */
typedef struct memfs_node {
    uint64_t ino;
    uint8_t kind;                /* memfs_kind */
    uint16_t mode;               /* permission bits (07777) */
    uint16_t mount;              /* directories: index of the mount covering it (fs.h), 0 none */
    uint32_t nlink;              /* directory entries naming it (directories: 2 + subdirectories) */
    uint32_t opened;             /* fds open on it: an unlinked node lives while > 0 */
    int64_t atime, mtime, ctime; /* ns since the epoch */
    uint64_t parent;             /* directories: the parent's ino (the root: itself) */
    uint64_t size;               /* files: length; links: target length */
    union {
        struct {
            memfs_extent *ext; /* sorted by index */
            uint32_t n, cap;
        } file;
        struct {
            memfs_dirent *ent; /* sorted by name, bytewise */
            uint32_t n, cap;
        } dir;
        char *target; /* links */
    } u;
    struct memfs_node *hnext; /* ino hash chain */
} memfs_node;

/* A tree holding only its root directory (mode 0755). NULL when out of memory. */
memfs *memfs_new(memfs_limits limits);

/* Frees a tree and every node in it. NULL is fine. */
void memfs_free(memfs *fs);

/* A copy of `fs` with the same nodes and numbers, sharing file data; the
 * copy has `fs`'s limits. NULL when out of memory. */
memfs *memfs_clone(const memfs *fs);

void memfs_set_limits(memfs *fs, memfs_limits limits);
memfs_limits memfs_get_limits(const memfs *fs);

/* What the tree holds now, as the quotas count it. */
uint64_t memfs_bytes_used(const memfs *fs);
uint64_t memfs_entries_used(const memfs *fs);

/* True once anything changed since memfs_new / memfs_clone / memfs_clear_changed. */
bool memfs_changed(const memfs *fs);
void memfs_clear_changed(memfs *fs);

memfs_node *memfs_root(memfs *fs);

/* The node numbered `ino`, or NULL. */
memfs_node *memfs_get(const memfs *fs, uint64_t ino);

/* The child `name` of directory `dir`, or NULL. "." and ".." are not
 * entries (the resolver handles them). */
memfs_node *memfs_lookup(const memfs *fs, const memfs_node *dir, const char *name, size_t len);

/* Creates `name` in `dir`: a file or directory with `mode`, or a link to
 * `target` (tlen bytes). EEXIST, ENOTDIR, ENAMETOOLONG, EINVAL (an empty
 * name, '/' or NUL in it, "." or ".."), ENOSPC. *out (if not NULL) gets the
 * new node. */
int memfs_create(memfs *fs, memfs_node *dir, const char *name, size_t len, memfs_kind kind,
                 uint16_t mode, const char *target, size_t tlen, memfs_node **out);

/* A hard link `name` in `dir` to the non-directory `node`. EEXIST, EPERM
 * for a directory, EMLINK, ENOSPC. */
int memfs_link(memfs *fs, memfs_node *dir, const char *name, size_t len, memfs_node *node);

/* Removes the entry `name` of `dir`: want_dir true is rmdir (ENOTDIR,
 * ENOTEMPTY, EBUSY for a mount point), false is unlink (EISDIR). ENOENT. */
int memfs_remove(memfs *fs, memfs_node *dir, const char *name, size_t len, bool want_dir);

/* rename(2) from (odir, oname) to (ndir, nname): replaces an existing
 * target of the same kind (an empty directory for a directory), EISDIR /
 * ENOTDIR when kinds differ, ENOTEMPTY, EINVAL when a directory would move
 * into itself, EBUSY for mount points. Renaming a name onto a hard link of
 * the same node does nothing. */
int memfs_rename(memfs *fs, memfs_node *odir, const char *oname, size_t olen, memfs_node *ndir,
                 const char *nname, size_t nlen);

/* Copies up to n bytes of file `node` at `off` to buf; returns the count. */
size_t memfs_read(const memfs_node *node, void *buf, size_t n, uint64_t off);

/* Writes n bytes at off, growing the file. EFBIG past MEMFS_SIZE_MAX,
 * ENOSPC past the quota (nothing written). */
int memfs_write(memfs *fs, memfs_node *node, const void *buf, size_t n, uint64_t off);

/* Sets a file's size: shrinking frees the chunks beyond it; growing
 * allocates nothing. EFBIG. */
int memfs_truncate(memfs *fs, memfs_node *node, uint64_t size);

/* Sets times (ns; a negative value leaves that one unchanged). */
void memfs_set_times(memfs *fs, memfs_node *node, int64_t atime, int64_t mtime);

/* An fd opened / closed on `node`. Closing the last fd of an unlinked node
 * frees it. */
void memfs_open_ref(memfs *fs, memfs_node *node);
void memfs_close_ref(memfs *fs, memfs_node *node);

/* Marks (mount > 0) or unmarks a directory as a mount point. */
void memfs_set_mount(memfs_node *dir, uint16_t mount);

/* Visits every node (any order); stops when fn returns non-zero and
 * returns that value. */
int memfs_each(const memfs *fs, int (*fn)(void *arg, const memfs_node *node), void *arg);

/* The next inode number the tree will give. */
uint64_t memfs_next_ino(const memfs *fs);

/* ---- rebuilding a tree from a snapshot (snapshot.c) ----
 * memfs_restore_node adds a node with the given number and metadata (no
 * entries, no data), memfs_restore_entry an entry, memfs_restore_finish
 * checks the whole: every entry names a node, every directory has one
 * parent entry and is reachable from the root, link counts match, numbers
 * are below next_ino. The tree must be new (memfs_new); -1 on any problem. */
int memfs_restore_node(memfs *fs, const memfs_node *meta, const char *target);
int memfs_restore_entry(memfs *fs, uint64_t dir, const char *name, size_t len, uint64_t ino);
int memfs_restore_finish(memfs *fs, uint64_t next_ino);

/* Frees the nodes that no entry names and no fd holds (after an fd table
 * from a snapshot has taken its references). */
void memfs_collect(memfs *fs);

#endif
