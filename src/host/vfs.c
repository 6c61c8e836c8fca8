/*
 * vfs.c - the read-only in-memory filesystem: blob validation and the index.
 *
 * Indexing works on "items": one per entry plus one per directory implied by
 * an entry's path, plus the root. Items are sorted by (depth, path compared
 * component by component) and merged where equal. That order puts the root
 * first and lays out the children of every directory contiguously and sorted
 * by name (the parents one level up are in the same order as their groups of
 * children), so a node only needs its first child and child count, and a
 * lookup is a binary search. Opening runs at every process start: with the
 * entries in that order (tools/pack_stdlib.py writes them so) the sort is a
 * counting sort by depth and linking a walk, linear in the paths' bytes;
 * entries in another order are sorted.
 *
 * A deflated file is inflated by the first vfs_file_data() call into a
 * private buffer, published with a compare-and-swap: threads racing on the
 * same file may inflate it twice, and all but the first copy are freed.
 */
#include "vfs.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define NO_ENTRY      UINT32_MAX
#define KIND_DEFLATED 3u /* in the blob; a VFS_FILE to callers */

typedef struct {
    const char *name;    /* last path component, into the blob */
    const uint8_t *data; /* files: contents (deflated ones: the stream), into the blob */
    uint32_t name_len;
    uint32_t size;   /* files: size of the contents */
    uint32_t stored; /* deflated files: bytes of the stream; otherwise 0 */
    uint32_t parent;
    uint32_t first_child;
    uint32_t nchildren;
    uint8_t kind; /* vfs_kind */
} vfs_rec;

/* Marks a deflated file whose stream failed to inflate (never retried). */
static uint8_t inflate_failed;

struct eryx_vfs {
    uint32_t count;
    int64_t mtime;
    _Atomic(uint8_t *) *inflated; /* per node: the inflated copy, once made */
    vfs_rec nodes[];
};

/* A path seen while indexing: an entry, or a directory implied by one. */
typedef struct {
    const char *path;
    uint32_t len;
    uint32_t depth; /* number of components; 0 for the root */
    uint32_t entry; /* blob entry index, NO_ENTRY for an implied directory */
    uint8_t kind;
} vfs_item;

/* Everything vfs_open needs while it works, so helpers stay small. */
typedef struct {
    const uint8_t *blob;
    size_t len;
    uint32_t count;
    size_t paths_start;
    size_t paths_end;
    int64_t mtime;
    vfs_item *items;
    size_t nitems;
    char *err;
    size_t errlen;
} vfs_builder;

/* ---- small helpers ---- */

static uint32_t rd32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p) {
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void fail(vfs_builder *b, const char *fmt, ...) {
    if (!b->err || b->errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->err, b->errlen, fmt, ap);
    va_end(ap);
}

/* Orders paths component by component: treating '/' as the smallest byte
 * makes "a/b" sort before "a!" and "ab", as the components "a" < "a!" do.
 * Names never contain NUL, so the mapping is unambiguous. */
/* The first i < n where a and b differ, or n; eight bytes at a time (paths
 * share long prefixes). */
static size_t first_difference(const char *a, const char *b, size_t n) {
    size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; i + 8 <= n; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y) return i + (size_t)__builtin_ctzll(x ^ y) / 8;
    }
#endif
    while (i < n && a[i] == b[i])
        i++;
    return i;
}

static int path_cmp(const char *a, size_t al, const char *b, size_t bl) {
    size_t n = al < bl ? al : bl, i = first_difference(a, b, n);
    if (i == n) return (al > bl) - (al < bl); /* the first difference decides */
    unsigned ca = a[i] == '/' ? 0u : (unsigned char)a[i];
    unsigned cb = b[i] == '/' ? 0u : (unsigned char)b[i];
    return ca < cb ? -1 : 1;
}

static int item_cmp(const void *pa, const void *pb) {
    const vfs_item *a = pa, *b = pb;
    if (a->depth != b->depth) return a->depth < b->depth ? -1 : 1;
    return path_cmp(a->path, a->len, b->path, b->len);
}

/* Offset of the last '/' in path, or -1 (then the parent is the root). */
static long last_slash(const char *path, size_t len) {
    const char *slash = len > 0 ? memrchr(path, '/', len) : NULL;
    return slash ? (long)(slash - path) : -1;
}

/* ---- validation ---- */

/* Checks one stored path and returns its number of components, or 0 when it
 * is not a valid path. */
static uint32_t check_path(const char *p, size_t len) {
    if (len == 0 || len > VFS_PATH_MAX || memchr(p, '\0', len)) return 0;
    uint32_t components = 0;
    for (size_t start = 0; start <= len;) {
        const char *slash = memchr(p + start, '/', len - start);
        size_t i = slash ? (size_t)(slash - p) : len;
        size_t clen = i - start;
        if (clen == 0) return 0; /* leading, trailing or repeated '/' */
        if (clen == 1 && p[start] == '.') return 0;
        if (clen == 2 && p[start] == '.' && p[start + 1] == '.') return 0;
        components++;
        start = i + 1;
    }
    return components;
}

static bool parse_header(vfs_builder *b, uint32_t *paths_size) {
    if (b->len < VFS_HEADER_SIZE || memcmp(b->blob, VFS_MAGIC, 8) != 0) {
        fail(b, "not an eryx filesystem image (bad magic)");
        return false;
    }
    b->count = rd32(b->blob + 8);
    *paths_size = rd32(b->blob + 12);
    uint64_t mtime = rd64(b->blob + 16);
    if (mtime > INT64_MAX) {
        fail(b, "bad modification time %llu", (unsigned long long)mtime);
        return false;
    }
    b->mtime = (int64_t)mtime;
    uint64_t table_end = VFS_HEADER_SIZE + (uint64_t)b->count * VFS_ENTRY_SIZE;
    if (table_end > b->len || table_end + *paths_size > b->len) {
        fail(b, "truncated image: %u entries, %u path bytes, %zu bytes in all", b->count,
             *paths_size, b->len);
        return false;
    }
    b->paths_start = (size_t)table_end;
    b->paths_end = (size_t)(table_end + *paths_size);
    return true;
}

/* Checks entry i whose path starts at *path_off; advances *path_off and adds
 * the entry's component count to *components. */
static bool check_entry(vfs_builder *b, uint32_t i, size_t *path_off, uint64_t *components) {
    const uint8_t *e = b->blob + VFS_HEADER_SIZE + (size_t)i * VFS_ENTRY_SIZE;
    uint32_t kind = rd32(e), plen = rd32(e + 4), doff = rd32(e + 8), dlen = rd32(e + 12);
    if (plen > b->paths_end - *path_off) {
        fail(b, "entry %u: path runs past the path section", i);
        return false;
    }
    uint32_t n = check_path((const char *)b->blob + *path_off, plen);
    if (n == 0) {
        fail(b, "entry %u: invalid path", i);
        return false;
    }
    uint32_t size = rd32(e + 16);
    bool in_blob = doff >= b->paths_end && (uint64_t)doff + dlen <= b->len;
    bool dir_ok = kind == VFS_DIR && doff == 0 && dlen == 0 && size == 0;
    bool file_ok = kind == VFS_FILE && in_blob && size == dlen;
    bool deflated_ok = kind == KIND_DEFLATED && in_blob && dlen > 0 && size > 0 &&
                       size <= (uint64_t)dlen * VFS_DEFLATE_RATIO;
    if (!dir_ok && !file_ok && !deflated_ok) {
        fail(b, "entry %u: bad kind %u, data range [%u, +%u) or size %u", i, kind, doff, dlen,
             size);
        return false;
    }
    *path_off += plen;
    *components += n;
    return true;
}

static bool check_entries(vfs_builder *b, uint64_t *components) {
    size_t off = b->paths_start;
    for (uint32_t i = 0; i < b->count; i++)
        if (!check_entry(b, i, &off, components)) return false;
    if (off != b->paths_end) {
        fail(b, "path lengths do not add up to the path section size");
        return false;
    }
    return true;
}

/* ---- items ---- */

static void add_item(vfs_builder *b, const char *path, size_t len, uint32_t depth, uint32_t entry,
                     uint8_t kind) {
    b->items[b->nitems++] = (vfs_item){path, (uint32_t)len, depth, entry, kind};
}

/* One item per entry and per directory on its path (duplicates merged later).
 * A directory that is also on the previous entry's path was added for it:
 * with entries sorted by path (as tools/pack_stdlib.py writes them) each
 * directory is added about once, which keeps the sort small. */
static void collect_items(vfs_builder *b) {
    size_t off = b->paths_start;
    const char *prev = "";
    uint32_t prev_len = 0;
    add_item(b, "", 0, 0, NO_ENTRY, VFS_DIR);
    for (uint32_t i = 0; i < b->count; i++) {
        const uint8_t *e = b->blob + VFS_HEADER_SIZE + (size_t)i * VFS_ENTRY_SIZE;
        const char *path = (const char *)b->blob + off;
        uint32_t plen = rd32(e + 4), depth = 1;
        size_t common = first_difference(path, prev, plen < prev_len ? plen : prev_len);
        for (const char *slash = memchr(path, '/', plen); slash;
             slash = memchr(slash + 1, '/', plen - (size_t)(slash + 1 - path))) {
            size_t j = (size_t)(slash - path);
            if (j >= common) add_item(b, path, j, depth, NO_ENTRY, VFS_DIR);
            depth++;
        }
        uint8_t kind = rd32(e) == VFS_DIR ? VFS_DIR : VFS_FILE;
        add_item(b, path, plen, depth, i, kind);
        prev = path;
        prev_len = plen;
        off += plen;
    }
}

/* Merges equal neighbours of the sorted items: directories merge; a path that
 * is a file and anything else at once is an error. */
static bool merge_items(vfs_builder *b) {
    size_t out = 0;
    for (size_t i = 0; i < b->nitems; i++) {
        vfs_item *it = &b->items[i];
        if (out > 0 && item_cmp(&b->items[out - 1], it) == 0) {
            vfs_item *prev = &b->items[out - 1];
            if (prev->kind == VFS_FILE || it->kind == VFS_FILE ||
                (prev->entry != NO_ENTRY && it->entry != NO_ENTRY)) {
                fail(b, "duplicate path \"%.*s\"", (int)it->len, it->path);
                return false;
            }
            if (it->entry != NO_ENTRY) *prev = *it;
            continue;
        }
        b->items[out++] = *it;
    }
    b->nitems = out;
    return true;
}

/* ---- nodes ---- */

static void fill_node(const vfs_builder *b, const vfs_item *it, vfs_rec *r) {
    long slash = last_slash(it->path, it->len);
    size_t name_at = (size_t)(slash + 1);
    *r = (vfs_rec){
        .name = it->path + name_at, .name_len = (uint32_t)(it->len - name_at), .kind = it->kind};
    if (it->kind == VFS_FILE) {
        const uint8_t *e = b->blob + VFS_HEADER_SIZE + (size_t)it->entry * VFS_ENTRY_SIZE;
        r->data = b->blob + rd32(e + 8);
        r->size = rd32(e + 16);
        if (rd32(e) == KIND_DEFLATED) r->stored = rd32(e + 12);
    }
}

/* Links every node to its parent, one level up, and checks that children
 * are contiguous. In the sorted order the parents of a level's items come
 * in the order of the items, so one cursor walks the level above. Any
 * inconsistency (a parent missing or not a directory, a level skipped)
 * fails, which keeps lookups safe whatever the blob holds. */
static bool link_nodes(const vfs_builder *b, eryx_vfs *vfs) {
    size_t parent = 0, level_start = 0; /* the root's level */
    size_t parents_end = 1;
    for (size_t i = 1; i < b->nitems; i++) {
        const vfs_item *it = &b->items[i];
        if (it->depth != b->items[i - 1].depth) {
            if (it->depth != b->items[i - 1].depth + 1) return false;
            parent = level_start;
            parents_end = level_start = i;
        }
        long slash = last_slash(it->path, it->len);
        size_t plen = slash < 0 ? 0 : (size_t)slash;
        while (parent < parents_end &&
               (b->items[parent].len != plen || memcmp(b->items[parent].path, it->path, plen) != 0))
            parent++;
        if (parent == parents_end || b->items[parent].kind != VFS_DIR) return false;
        vfs_rec *pr = &vfs->nodes[parent];
        if (pr->nchildren == 0) pr->first_child = (uint32_t)i;
        if (pr->first_child + pr->nchildren != i) return false;
        pr->nchildren++;
        vfs->nodes[i].parent = (uint32_t)parent;
    }
    return true;
}

/* Sorts the items: stably by depth (a counting sort), which leaves each
 * level in the entries' order; when that is not the index order
 * (entries not sorted as the packer sorts them), by qsort. False when out
 * of memory. */
static bool sort_items(vfs_builder *b) {
    uint32_t deepest = 0;
    for (size_t i = 0; i < b->nitems; i++)
        if (b->items[i].depth > deepest) deepest = b->items[i].depth;
    size_t *next = calloc((size_t)deepest + 2, sizeof *next);
    vfs_item *sorted = malloc(b->nitems * sizeof *sorted);
    if (!next || !sorted) {
        free(next);
        free(sorted);
        return false;
    }
    for (size_t i = 0; i < b->nitems; i++)
        next[b->items[i].depth + 1]++;
    for (uint32_t d = 1; d <= deepest; d++)
        next[d] += next[d - 1];
    for (size_t i = 0; i < b->nitems; i++)
        sorted[next[b->items[i].depth]++] = b->items[i];
    free(next);
    free(b->items);
    b->items = sorted;
    for (size_t i = 1; i < b->nitems; i++) {
        if (item_cmp(&sorted[i - 1], &sorted[i]) > 0) {
            qsort(b->items, b->nitems, sizeof *b->items, item_cmp);
            break;
        }
    }
    return true;
}

static eryx_vfs *build_index(vfs_builder *b) {
    if (!sort_items(b)) {
        fail(b, "out of memory");
        return NULL;
    }
    if (!merge_items(b)) return NULL;
    eryx_vfs *vfs = calloc(1, sizeof *vfs + b->nitems * sizeof(vfs_rec));
    if (vfs) vfs->inflated = calloc(b->nitems, sizeof *vfs->inflated);
    if (!vfs || !vfs->inflated) {
        fail(b, "out of memory");
        free(vfs);
        return NULL;
    }
    vfs->count = (uint32_t)b->nitems;
    vfs->mtime = b->mtime;
    for (size_t i = 0; i < b->nitems; i++)
        fill_node(b, &b->items[i], &vfs->nodes[i]);
    if (!link_nodes(b, vfs)) {
        fail(b, "inconsistent directory tree");
        vfs_close(vfs);
        return NULL;
    }
    return vfs;
}

eryx_vfs *vfs_open(const uint8_t *blob, size_t len, char *err, size_t errlen) {
    vfs_builder b = {.blob = blob, .len = len, .err = err, .errlen = errlen};
    if (err && errlen) err[0] = '\0';
    uint32_t paths_size;
    uint64_t components = 0;
    if (!blob || !parse_header(&b, &paths_size) || !check_entries(&b, &components)) return NULL;
    /* Components are at least one byte each, so this is bounded by len. */
    if (components + 1 >= UINT32_MAX || components + 1 > SIZE_MAX / sizeof(vfs_item)) {
        fail(&b, "too many paths");
        return NULL;
    }
    b.items = malloc((size_t)(components + 1) * sizeof(vfs_item));
    if (!b.items) {
        fail(&b, "out of memory");
        return NULL;
    }
    collect_items(&b);
    eryx_vfs *vfs = build_index(&b);
    free(b.items);
    return vfs;
}

void vfs_close(eryx_vfs *vfs) {
    if (!vfs) return;
    for (uint32_t i = 0; i < vfs->count; i++) {
        uint8_t *copy = atomic_load_explicit(&vfs->inflated[i], memory_order_relaxed);
        if (copy != &inflate_failed) free(copy);
    }
    free(vfs->inflated);
    free(vfs);
}

/* ---- queries ---- */

static const vfs_rec *rec(const eryx_vfs *vfs, vfs_node node) {
    return vfs && node < vfs->count ? &vfs->nodes[node] : NULL;
}

uint32_t vfs_node_count(const eryx_vfs *vfs) {
    return vfs ? vfs->count : 0;
}

vfs_kind vfs_node_kind(const eryx_vfs *vfs, vfs_node node) {
    const vfs_rec *r = rec(vfs, node);
    return r ? (vfs_kind)r->kind : VFS_NONE;
}

const char *vfs_node_name(const eryx_vfs *vfs, vfs_node node, size_t *len) {
    const vfs_rec *r = rec(vfs, node);
    *len = r ? r->name_len : 0;
    return r ? r->name : "";
}

vfs_node vfs_parent(const eryx_vfs *vfs, vfs_node node) {
    const vfs_rec *r = rec(vfs, node);
    return r ? r->parent : VFS_ROOT;
}

int64_t vfs_mtime(const eryx_vfs *vfs) {
    return vfs ? vfs->mtime : 0;
}

uint64_t vfs_file_size(const eryx_vfs *vfs, vfs_node node) {
    const vfs_rec *r = rec(vfs, node);
    return r ? r->size : 0;
}

/* Inflates a deflated file: returns its contents in a new buffer, NULL when
 * out of memory, and &inflate_failed unless the stream is valid zlib data of
 * exactly r->size bytes that ends where the stored bytes end. */
static uint8_t *inflate_file(const vfs_rec *r) {
    uint8_t *out = malloc(r->size);
    if (!out) return NULL;
    z_stream z = {
        .next_in = (Bytef *)r->data, .avail_in = r->stored, .next_out = out, .avail_out = r->size};
    int rc = inflateInit(&z);
    if (rc == Z_OK) {
        rc = inflate(&z, Z_FINISH);
        if (rc == Z_STREAM_END && (z.avail_out != 0 || z.avail_in != 0)) rc = Z_DATA_ERROR;
        inflateEnd(&z);
    }
    if (rc == Z_STREAM_END) return out;
    free(out);
    return rc == Z_MEM_ERROR ? NULL : &inflate_failed;
}

const uint8_t *vfs_file_data(const eryx_vfs *vfs, vfs_node node) {
    const vfs_rec *r = rec(vfs, node);
    if (!r || r->kind != VFS_FILE) return NULL;
    if (r->stored == 0) return r->data;
    _Atomic(uint8_t *) *slot = &vfs->inflated[node];
    uint8_t *copy = atomic_load_explicit(slot, memory_order_acquire);
    if (!copy) {
        uint8_t *mine = inflate_file(r);
        if (!mine) return NULL; /* out of memory: not remembered, a later call may succeed */
        if (atomic_compare_exchange_strong_explicit(slot, &copy, mine, memory_order_acq_rel,
                                                    memory_order_acquire)) {
            copy = mine;
        } else if (mine != &inflate_failed) {
            free(mine); /* another thread was first: use its copy */
        }
    }
    return copy == &inflate_failed ? NULL : copy;
}

uint32_t vfs_child_count(const eryx_vfs *vfs, vfs_node dir) {
    const vfs_rec *r = rec(vfs, dir);
    return r ? r->nchildren : 0;
}

vfs_node vfs_child(const eryx_vfs *vfs, vfs_node dir, uint32_t i) {
    const vfs_rec *r = rec(vfs, dir);
    return r && i < r->nchildren ? r->first_child + i : VFS_ROOT;
}

bool vfs_lookup(const eryx_vfs *vfs, vfs_node dir, const char *name, size_t name_len,
                vfs_node *out) {
    const vfs_rec *r = rec(vfs, dir);
    if (!r || r->kind != VFS_DIR || memchr(name, '/', name_len)) return false;
    uint32_t lo = r->first_child, hi = r->first_child + r->nchildren;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const vfs_rec *c = &vfs->nodes[mid];
        int cmp = path_cmp(c->name, c->name_len, name, name_len);
        if (cmp == 0) {
            *out = mid;
            return true;
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* True when path[i..len) holds nothing but slashes. */
static bool only_slashes(const char *path, size_t i, size_t len) {
    for (; i < len; i++)
        if (path[i] != '/') return false;
    return true;
}

vfs_status vfs_resolve(const eryx_vfs *vfs, vfs_node start, const char *path, size_t len,
                       vfs_node *out) {
    if (len == 0 || len > VFS_PATH_MAX) return VFS_NOENT;
    vfs_node cur = path[0] == '/' ? VFS_ROOT : start;
    size_t i = 0;
    while (i < len) {
        if (path[i] == '/') {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && path[j] != '/')
            j++;
        if (vfs_node_kind(vfs, cur) != VFS_DIR) return VFS_NOTDIR;
        if (j - i == 2 && path[i] == '.' && path[i + 1] == '.') {
            cur = vfs_parent(vfs, cur);
        } else if (!(j - i == 1 && path[i] == '.') &&
                   !vfs_lookup(vfs, cur, path + i, j - i, &cur)) {
            if (!only_slashes(path, j, len)) return VFS_NOENT;
            *out = cur;
            return VFS_MISSING;
        }
        i = j;
    }
    if (vfs_node_kind(vfs, cur) == VFS_NONE) return VFS_NOENT;
    if (path[len - 1] == '/' && vfs_node_kind(vfs, cur) != VFS_DIR) return VFS_NOTDIR;
    *out = cur;
    return VFS_OK;
}
