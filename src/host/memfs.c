/*
 * memfs.c - the in-memory filesystem (see memfs.h).
 *
 * Nodes live in a hash table keyed by inode number. A directory's entries
 * are a sorted array (binary search); a file's data is a sorted array of
 * extents, each a reference-counted chunk whose buffer grows by doubling up
 * to MEMFS_CHUNK, so small files hold little and a clone shares every chunk
 * until one side writes it (file data: memfs_data.c).
 */
#include "memfs_impl.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t memfs_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- the ino table ---- */

static uint64_t bucket_of(const memfs *fs, uint64_t ino) {
    return (ino * 0x9E3779B97F4A7C15ull >> 17) & (fs->nbuckets - 1);
}

memfs_node *memfs_get(const memfs *fs, uint64_t ino) {
    for (memfs_node *n = fs->buckets[bucket_of(fs, ino)]; n; n = n->hnext)
        if (n->ino == ino) return n;
    return NULL;
}

static int table_grow(memfs *fs) {
    uint64_t size = fs->nbuckets * 2;
    memfs_node **b = calloc(size, sizeof *b);
    if (!b) return -1;
    memfs_node **old = fs->buckets;
    uint64_t old_size = fs->nbuckets;
    fs->buckets = b;
    fs->nbuckets = size;
    for (uint64_t i = 0; i < old_size; i++) {
        for (memfs_node *n = old[i], *next; n; n = next) {
            next = n->hnext;
            uint64_t k = bucket_of(fs, n->ino);
            n->hnext = b[k];
            b[k] = n;
        }
    }
    free(old);
    return 0;
}

static int table_add(memfs *fs, memfs_node *node) {
    if (fs->count + 1 > fs->nbuckets && table_grow(fs) != 0) return -1;
    uint64_t k = bucket_of(fs, node->ino);
    node->hnext = fs->buckets[k];
    fs->buckets[k] = node;
    fs->count++;
    return 0;
}

static void table_remove(memfs *fs, memfs_node *node) {
    memfs_node **p = &fs->buckets[bucket_of(fs, node->ino)];
    while (*p && *p != node)
        p = &(*p)->hnext;
    if (*p) {
        *p = node->hnext;
        fs->count--;
    }
}

/* ---- chunks ---- */

void memfs_chunk_release(memfs_chunk *c) {
    if (c && atomic_fetch_sub(&c->refs, 1) == 1) free(c);
}

/* ---- nodes ---- */

static void node_free_data(memfs *fs, memfs_node *n) {
    if (n->kind == MEMFS_FILE) {
        for (uint32_t i = 0; i < n->u.file.n; i++) {
            fs->bytes -= n->u.file.ext[i].chunk->cap;
            memfs_chunk_release(n->u.file.ext[i].chunk);
        }
        free(n->u.file.ext);
    } else if (n->kind == MEMFS_DIR) {
        for (uint32_t i = 0; i < n->u.dir.n; i++) {
            fs->bytes -= n->u.dir.ent[i].len;
            free(n->u.dir.ent[i].name);
        }
        free(n->u.dir.ent);
    } else {
        fs->bytes -= n->size;
        free(n->u.target);
    }
}

static void node_destroy(memfs *fs, memfs_node *n) {
    table_remove(fs, n);
    node_free_data(fs, n);
    free(n);
}

/* Frees a node nothing refers to any more. */
static void node_maybe_free(memfs *fs, memfs_node *n) {
    if (n->nlink == 0 && n->opened == 0) node_destroy(fs, n);
}

bool memfs_room(const memfs *fs, uint64_t bytes, uint64_t entries) {
    if (fs->limits.bytes && fs->bytes + bytes > fs->limits.bytes) return false;
    if (fs->limits.entries && fs->count + entries > fs->limits.entries) return false;
    return true;
}

static memfs_node *node_new(memfs *fs, memfs_kind kind, uint16_t mode) {
    memfs_node *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->ino = fs->next_ino++;
    n->kind = (uint8_t)kind;
    n->mode = mode & 07777;
    n->atime = n->mtime = n->ctime = memfs_now_ns();
    if (table_add(fs, n) != 0) {
        free(n);
        return NULL;
    }
    return n;
}

memfs *memfs_new(memfs_limits limits) {
    memfs *fs = calloc(1, sizeof *fs);
    if (!fs) return NULL;
    fs->nbuckets = 64;
    fs->buckets = calloc(fs->nbuckets, sizeof *fs->buckets);
    fs->next_ino = MEMFS_ROOT_INO;
    fs->limits = limits;
    memfs_node *root = fs->buckets ? node_new(fs, MEMFS_DIR, 0755) : NULL;
    if (!root) {
        memfs_free(fs);
        return NULL;
    }
    root->nlink = 2;
    root->parent = root->ino;
    return fs;
}

void memfs_free(memfs *fs) {
    if (!fs) return;
    for (uint64_t i = 0; fs->buckets && i < fs->nbuckets; i++) {
        for (memfs_node *n = fs->buckets[i], *next; n; n = next) {
            next = n->hnext;
            node_free_data(fs, n);
            free(n);
        }
    }
    free(fs->buckets);
    free(fs);
}

/* A copy of node `n` (entries and extents copied, chunks shared). */
static memfs_node *node_copy(const memfs_node *n) {
    memfs_node *c = malloc(sizeof *c);
    if (!c) return NULL;
    *c = *n;
    c->hnext = NULL;
    if (n->kind == MEMFS_FILE) {
        c->u.file.cap = n->u.file.n;
        c->u.file.ext = n->u.file.n ? malloc(n->u.file.n * sizeof *c->u.file.ext) : NULL;
        if (n->u.file.n && !c->u.file.ext) goto fail;
        for (uint32_t i = 0; i < n->u.file.n; i++) {
            c->u.file.ext[i] = n->u.file.ext[i];
            atomic_fetch_add(&c->u.file.ext[i].chunk->refs, 1);
        }
    } else if (n->kind == MEMFS_DIR) {
        c->u.dir.cap = n->u.dir.n;
        c->u.dir.ent = n->u.dir.n ? malloc(n->u.dir.n * sizeof *c->u.dir.ent) : NULL;
        if (n->u.dir.n && !c->u.dir.ent) goto fail;
        for (uint32_t i = 0; i < n->u.dir.n; i++) {
            c->u.dir.ent[i] = n->u.dir.ent[i];
            c->u.dir.ent[i].name = malloc(n->u.dir.ent[i].len + 1);
            if (!c->u.dir.ent[i].name) {
                while (i--)
                    free(c->u.dir.ent[i].name);
                free(c->u.dir.ent);
                goto fail;
            }
            memcpy(c->u.dir.ent[i].name, n->u.dir.ent[i].name, n->u.dir.ent[i].len + 1);
        }
    } else {
        c->u.target = malloc(n->size + 1);
        if (!c->u.target) goto fail;
        memcpy(c->u.target, n->u.target, n->size + 1);
    }
    return c;
fail:
    free(c);
    return NULL;
}

memfs *memfs_clone(const memfs *fs) {
    memfs *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    *c = *fs;
    c->count = 0;
    c->changed = false;
    c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
    if (!c->buckets) {
        free(c);
        return NULL;
    }
    for (uint64_t i = 0; i < fs->nbuckets; i++) {
        for (const memfs_node *n = fs->buckets[i]; n; n = n->hnext) {
            memfs_node *copy = node_copy(n);
            if (!copy) {
                memfs_free(c);
                return NULL;
            }
            uint64_t k = bucket_of(c, copy->ino);
            copy->hnext = c->buckets[k];
            c->buckets[k] = copy;
            c->count++;
        }
    }
    return c;
}

void memfs_set_limits(memfs *fs, memfs_limits limits) {
    fs->limits = limits;
}
memfs_limits memfs_get_limits(const memfs *fs) {
    return fs->limits;
}
uint64_t memfs_bytes_used(const memfs *fs) {
    return fs->bytes;
}
uint64_t memfs_entries_used(const memfs *fs) {
    return fs->count;
}
bool memfs_changed(const memfs *fs) {
    return fs->changed;
}
void memfs_clear_changed(memfs *fs) {
    fs->changed = false;
}
uint64_t memfs_next_ino(const memfs *fs) {
    return fs->next_ino;
}

memfs_node *memfs_root(memfs *fs) {
    return memfs_get(fs, MEMFS_ROOT_INO);
}

/* ---- directories ---- */

static int name_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}

/* Index of `name` in dir, or where it would go (*found false). */
static uint32_t dir_find(const memfs_node *dir, const char *name, size_t len, bool *found) {
    uint32_t lo = 0, hi = dir->u.dir.n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const memfs_dirent *e = &dir->u.dir.ent[mid];
        int c = name_cmp(e->name, e->len, name, len);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

memfs_node *memfs_lookup(const memfs *fs, const memfs_node *dir, const char *name, size_t len) {
    if (!dir || dir->kind != MEMFS_DIR) return NULL;
    bool found;
    uint32_t i = dir_find(dir, name, len, &found);
    return found ? memfs_get(fs, dir->u.dir.ent[i].ino) : NULL;
}

static int check_name(const char *name, size_t len) {
    if (len == 0 || memchr(name, '/', len) || memchr(name, 0, len)) return EINVAL;
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return EINVAL;
    return len > MEMFS_NAME_MAX ? ENAMETOOLONG : 0;
}

/* Inserts an entry at index i (from dir_find). Charges the name's bytes. */
static int dir_insert(memfs *fs, memfs_node *dir, uint32_t i, const char *name, size_t len,
                      uint64_t ino) {
    if (dir->u.dir.n == dir->u.dir.cap) {
        uint32_t cap = dir->u.dir.cap ? dir->u.dir.cap * 2 : 8;
        memfs_dirent *e = realloc(dir->u.dir.ent, cap * sizeof *e);
        if (!e) return ENOMEM;
        dir->u.dir.ent = e;
        dir->u.dir.cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy) return ENOMEM;
    memcpy(copy, name, len);
    copy[len] = 0;
    memmove(&dir->u.dir.ent[i + 1], &dir->u.dir.ent[i],
            (dir->u.dir.n - i) * sizeof *dir->u.dir.ent);
    dir->u.dir.ent[i] = (memfs_dirent){copy, (uint32_t)len, ino};
    dir->u.dir.n++;
    fs->bytes += len;
    dir->mtime = dir->ctime = memfs_now_ns();
    return 0;
}

static void dir_delete(memfs *fs, memfs_node *dir, uint32_t i) {
    fs->bytes -= dir->u.dir.ent[i].len;
    free(dir->u.dir.ent[i].name);
    memmove(&dir->u.dir.ent[i], &dir->u.dir.ent[i + 1],
            (dir->u.dir.n - i - 1) * sizeof *dir->u.dir.ent);
    dir->u.dir.n--;
    dir->mtime = dir->ctime = memfs_now_ns();
}

int memfs_create(memfs *fs, memfs_node *dir, const char *name, size_t len, memfs_kind kind,
                 uint16_t mode, const char *target, size_t tlen, memfs_node **out) {
    if (!dir || dir->kind != MEMFS_DIR) return ENOTDIR;
    int e = check_name(name, len);
    if (e) return e;
    if (kind == MEMFS_SYMLINK && (tlen == 0 || tlen > MEMFS_LINK_MAX)) {
        return tlen ? ENAMETOOLONG : ENOENT;
    }
    bool found;
    uint32_t i = dir_find(dir, name, len, &found);
    if (found) return EEXIST;
    if (!memfs_room(fs, len + (kind == MEMFS_SYMLINK ? tlen : 0), 1)) return ENOSPC;
    memfs_node *n = node_new(fs, kind, mode);
    if (!n) return ENOMEM;
    if (kind == MEMFS_SYMLINK) {
        n->u.target = malloc(tlen + 1);
        if (!n->u.target) {
            node_destroy(fs, n);
            return ENOMEM;
        }
        memcpy(n->u.target, target, tlen);
        n->u.target[tlen] = 0;
        n->size = tlen;
        fs->bytes += tlen;
    }
    e = dir_insert(fs, dir, i, name, len, n->ino);
    if (e) {
        node_destroy(fs, n);
        return e;
    }
    n->nlink = kind == MEMFS_DIR ? 2 : 1;
    if (kind == MEMFS_DIR) {
        n->parent = dir->ino;
        dir->nlink++;
    }
    fs->changed = true;
    if (out) *out = n;
    return 0;
}

int memfs_link(memfs *fs, memfs_node *dir, const char *name, size_t len, memfs_node *node) {
    if (!dir || dir->kind != MEMFS_DIR) return ENOTDIR;
    if (node->kind == MEMFS_DIR) return EPERM;
    int e = check_name(name, len);
    if (e) return e;
    if (node->nlink >= 65000) return EMLINK;
    bool found;
    uint32_t i = dir_find(dir, name, len, &found);
    if (found) return EEXIST;
    if (!memfs_room(fs, len, 0)) return ENOSPC;
    e = dir_insert(fs, dir, i, name, len, node->ino);
    if (e) return e;
    node->nlink++;
    node->ctime = memfs_now_ns();
    fs->changed = true;
    return 0;
}

/* Drops one link of `n` (which an entry no longer names). */
static void unlink_node(memfs *fs, memfs_node *n, memfs_node *dir) {
    if (n->kind == MEMFS_DIR) {
        n->nlink = 0;
        dir->nlink--;
    } else {
        n->nlink--;
    }
    n->ctime = memfs_now_ns();
    node_maybe_free(fs, n);
}

int memfs_remove(memfs *fs, memfs_node *dir, const char *name, size_t len, bool want_dir) {
    if (!dir || dir->kind != MEMFS_DIR) return ENOTDIR;
    bool found;
    uint32_t i = dir_find(dir, name, len, &found);
    if (!found) return ENOENT;
    memfs_node *n = memfs_get(fs, dir->u.dir.ent[i].ino);
    if (!n) return EIO;
    if (want_dir) {
        if (n->kind != MEMFS_DIR) return ENOTDIR;
        if (n->mount) return EBUSY;
        if (n->u.dir.n) return ENOTEMPTY;
    } else if (n->kind == MEMFS_DIR) {
        return EISDIR;
    }
    dir_delete(fs, dir, i);
    unlink_node(fs, n, dir);
    fs->changed = true;
    return 0;
}

/* True when directory `a` is `b` or inside it. */
static bool is_within(const memfs *fs, const memfs_node *a, const memfs_node *b) {
    for (int depth = 0; a && depth < 1 << 20; depth++) {
        if (a == b) return true;
        if (a->ino == MEMFS_ROOT_INO) return false;
        a = memfs_get(fs, a->parent);
    }
    return false;
}

int memfs_rename(memfs *fs, memfs_node *odir, const char *oname, size_t olen, memfs_node *ndir,
                 const char *nname, size_t nlen) {
    if (!odir || odir->kind != MEMFS_DIR || !ndir || ndir->kind != MEMFS_DIR) return ENOTDIR;
    if (check_name(oname, olen) || check_name(nname, nlen)) {
        return check_name(nname, nlen) == ENAMETOOLONG ? ENAMETOOLONG : EINVAL;
    }
    bool found;
    uint32_t oi = dir_find(odir, oname, olen, &found);
    if (!found) return ENOENT;
    memfs_node *n = memfs_get(fs, odir->u.dir.ent[oi].ino);
    if (!n) return EIO;
    uint32_t ni = dir_find(ndir, nname, nlen, &found);
    memfs_node *old = found ? memfs_get(fs, ndir->u.dir.ent[ni].ino) : NULL;
    if (old == n) return 0; /* the same file: POSIX says do nothing */
    if (n->mount || (old && old->mount)) return EBUSY;
    if (n->kind == MEMFS_DIR && is_within(fs, ndir, n)) return EINVAL;
    if (old) {
        if (n->kind == MEMFS_DIR && old->kind != MEMFS_DIR) return ENOTDIR;
        if (n->kind != MEMFS_DIR && old->kind == MEMFS_DIR) return EISDIR;
        if (old->kind == MEMFS_DIR && old->u.dir.n) return ENOTEMPTY;
    } else if (!memfs_room(fs, nlen, 0)) {
        return ENOSPC;
    }
    if (old) {
        /* Replace in place: the entry keeps its name, names the new node. */
        ndir->u.dir.ent[ni].ino = n->ino;
        ndir->mtime = ndir->ctime = memfs_now_ns();
        unlink_node(fs, old, ndir);
    } else {
        int e = dir_insert(fs, ndir, ni, nname, nlen, n->ino);
        if (e) return e;
    }
    /* The old entry may have moved in the array if both are in one dir. */
    oi = dir_find(odir, oname, olen, &found);
    if (found) dir_delete(fs, odir, oi);
    if (n->kind == MEMFS_DIR && odir != ndir) {
        odir->nlink--;
        ndir->nlink++;
        n->parent = ndir->ino;
    }
    n->ctime = memfs_now_ns();
    fs->changed = true;
    return 0;
}

void memfs_set_times(memfs *fs, memfs_node *node, int64_t atime, int64_t mtime) {
    if (atime >= 0) node->atime = atime;
    if (mtime >= 0) node->mtime = mtime;
    node->ctime = memfs_now_ns();
    fs->changed = true;
}

/* Counts as a change: a reset must then re-clone, so that the counts match
 * the fd table it restores. */
void memfs_open_ref(memfs *fs, memfs_node *node) {
    node->opened++;
    fs->changed = true;
}

void memfs_close_ref(memfs *fs, memfs_node *node) {
    if (node->opened) node->opened--;
    fs->changed = true;
    node_maybe_free(fs, node);
}

void memfs_set_mount(memfs_node *dir, uint16_t mount) {
    dir->mount = mount;
}

int memfs_each(const memfs *fs, int (*fn)(void *arg, const memfs_node *node), void *arg) {
    for (uint64_t i = 0; i < fs->nbuckets; i++) {
        for (const memfs_node *n = fs->buckets[i]; n; n = n->hnext) {
            int r = fn(arg, n);
            if (r) return r;
        }
    }
    return 0;
}

/* ---- rebuilding from a snapshot ---- */

int memfs_restore_node(memfs *fs, const memfs_node *meta, const char *target) {
    if (meta->kind < MEMFS_FILE || meta->kind > MEMFS_SYMLINK || meta->ino == 0) return -1;
    memfs_node *n = memfs_get(fs, meta->ino);
    if (meta->ino == MEMFS_ROOT_INO) {
        if (!n || meta->kind != MEMFS_DIR) return -1;
    } else {
        if (n) return -1; /* a duplicate number */
        if (!memfs_room(fs, meta->kind == MEMFS_SYMLINK ? meta->size : 0, 1)) return -1;
        n = calloc(1, sizeof *n);
        if (!n) return -1;
        n->ino = meta->ino;
        n->kind = meta->kind;
        if (table_add(fs, n) != 0) {
            free(n);
            return -1;
        }
        if (meta->kind == MEMFS_SYMLINK) {
            if (meta->size == 0 || meta->size > MEMFS_LINK_MAX || !target) return -1;
            n->u.target = malloc(meta->size + 1);
            if (!n->u.target) return -1;
            memcpy(n->u.target, target, meta->size);
            n->u.target[meta->size] = 0;
            n->size = meta->size;
            fs->bytes += meta->size;
        }
    }
    n->mode = meta->mode & 07777;
    n->nlink = meta->nlink;
    n->opened = 0;
    n->atime = meta->atime;
    n->mtime = meta->mtime;
    n->ctime = meta->ctime;
    n->parent = meta->parent;
    return 0;
}

int memfs_restore_entry(memfs *fs, uint64_t dir, const char *name, size_t len, uint64_t ino) {
    memfs_node *d = memfs_get(fs, dir);
    if (!d || d->kind != MEMFS_DIR || check_name(name, len) || ino == MEMFS_ROOT_INO) return -1;
    if (!memfs_room(fs, len, 0)) return -1;
    bool found;
    uint32_t i = dir_find(d, name, len, &found);
    if (found) return -1;
    int64_t mtime = d->mtime, ctime = d->ctime;
    if (dir_insert(fs, d, i, name, len, ino) != 0) return -1;
    d->mtime = mtime;
    d->ctime = ctime;
    return 0;
}

typedef struct {
    memfs *fs;
    uint64_t next_ino;
    uint64_t dirs;
} finish_check;

/* Counts, in `opened` for now, the entries naming each node. */
static int count_entries(void *arg, const memfs_node *n) {
    finish_check *c = arg;
    if (n->ino >= c->next_ino) return 1;
    if (n->kind != MEMFS_DIR) return 0;
    c->dirs++;
    for (uint32_t i = 0; i < n->u.dir.n; i++) {
        memfs_node *child = memfs_get(c->fs, n->u.dir.ent[i].ino);
        if (!child) return 1;
        /* A directory has exactly one entry, in its recorded parent. */
        if (child->kind == MEMFS_DIR && (child->parent != n->ino || child->opened)) return 1;
        child->opened++;
    }
    return 0;
}

static int check_links(void *arg, const memfs_node *n) {
    finish_check *c = arg;
    memfs_node *node = (memfs_node *)n;
    if (n->kind == MEMFS_DIR) {
        uint32_t subdirs = 0;
        for (uint32_t i = 0; i < n->u.dir.n; i++)
            subdirs += memfs_get(c->fs, n->u.dir.ent[i].ino)->kind == MEMFS_DIR;
        if (n->nlink != 2 + subdirs) return 1;
        if (n->opened != (n->ino != MEMFS_ROOT_INO)) return 1;
    } else if (n->opened != n->nlink) {
        return 1; /* nlink 0: unlinked but open, if an fd keeps it (memfs_collect) */
    }
    node->opened = 0;
    return 0;
}

/* Every directory is reachable from the root (no detached cycles). */
static bool all_reachable(memfs *fs, uint64_t dirs) {
    memfs_node **queue = malloc(dirs * sizeof *queue);
    if (!queue) return false;
    uint64_t head = 0, tail = 0;
    queue[tail++] = memfs_root(fs);
    while (head < tail) {
        memfs_node *d = queue[head++];
        for (uint32_t i = 0; i < d->u.dir.n; i++) {
            memfs_node *child = memfs_get(fs, d->u.dir.ent[i].ino);
            if (child->kind == MEMFS_DIR) {
                if (tail == dirs) {
                    free(queue);
                    return false;
                }
                queue[tail++] = child;
            }
        }
    }
    free(queue);
    return tail == dirs;
}

int memfs_restore_finish(memfs *fs, uint64_t next_ino) {
    finish_check c = {.fs = fs, .next_ino = next_ino};
    memfs_node *root = memfs_root(fs);
    if (!root || root->parent != MEMFS_ROOT_INO) return -1;
    if (memfs_each(fs, count_entries, &c) || memfs_each(fs, check_links, &c)) return -1;
    if (!all_reachable(fs, c.dirs)) return -1;
    fs->next_ino = next_ino;
    fs->changed = true;
    return 0;
}

static int find_orphan(void *arg, const memfs_node *n) {
    memfs_node **out = arg;
    if (n->nlink == 0 && n->opened == 0) {
        *out = (memfs_node *)n;
        return 1;
    }
    return 0;
}

void memfs_collect(memfs *fs) {
    memfs_node *n;
    while (memfs_each(fs, find_orphan, &n))
        node_destroy(fs, n);
}
