/*
 * memfs_data.c - file contents of the in-memory filesystem (see memfs.h):
 * a sorted array of extents per file, each a reference-counted chunk whose
 * buffer grows by doubling up to MEMFS_CHUNK; a chunk shared with a clone
 * is copied before it is written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memfs_impl.h"

#define MIN_CHUNK_CAP 64u

/* Index in the extent array of chunk `index`, or where it would go. */
static uint32_t ext_find(const memfs_node *f, uint64_t index, bool *found) {
    uint32_t lo = 0, hi = f->u.file.n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint64_t x = f->u.file.ext[mid].index;
        if (x == index) {
            *found = true;
            return mid;
        }
        if (x < index)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

size_t memfs_read(const memfs_node *node, void *buf, size_t n, uint64_t off) {
    if (node->kind != MEMFS_FILE || off >= node->size) return 0;
    if (n > node->size - off) n = (size_t)(node->size - off);
    uint8_t *out = buf;
    memset(out, 0, n);
    bool found;
    uint32_t i = ext_find(node, off / MEMFS_CHUNK, &found);
    for (; i < node->u.file.n; i++) {
        const memfs_extent *x = &node->u.file.ext[i];
        uint64_t start = x->index * MEMFS_CHUNK, end = start + x->chunk->cap;
        if (start >= off + n) break;
        uint64_t a = start > off ? start : off, b = end < off + n ? end : off + n;
        if (a < b) memcpy(out + (a - off), x->chunk->data + (a - start), (size_t)(b - a));
    }
    return n;
}

static uint32_t cap_for(uint64_t need) {
    uint32_t cap = MIN_CHUNK_CAP;
    while (cap < need)
        cap *= 2;
    return cap > MEMFS_CHUNK ? MEMFS_CHUNK : cap;
}

/* What making chunk `index` writable up to `need` bytes costs in quota. */
static uint64_t chunk_cost(const memfs_node *f, uint64_t index, uint64_t need) {
    bool found;
    uint32_t i = ext_find(f, index, &found);
    if (!found) return cap_for(need);
    const memfs_chunk *c = f->u.file.ext[i].chunk;
    uint32_t cap = c->cap >= need ? c->cap : cap_for(need);
    bool shared = atomic_load(&c->refs) > 1;
    return shared ? cap : cap - c->cap;
}

/* Makes chunk `index` private and at least `need` bytes; NULL when out of memory. */
static memfs_chunk *chunk_writable(memfs *fs, memfs_node *f, uint64_t index, uint64_t need) {
    bool found;
    uint32_t i = ext_find(f, index, &found);
    if (!found) {
        if (f->u.file.n == f->u.file.cap) {
            uint32_t cap = f->u.file.cap ? f->u.file.cap * 2 : 4;
            memfs_extent *e = realloc(f->u.file.ext, cap * sizeof *e);
            if (!e) return NULL;
            f->u.file.ext = e;
            f->u.file.cap = cap;
        }
        uint32_t cap = cap_for(need);
        memfs_chunk *c = calloc(1, sizeof *c + cap);
        if (!c) return NULL;
        atomic_init(&c->refs, 1);
        c->cap = cap;
        memmove(&f->u.file.ext[i + 1], &f->u.file.ext[i], (f->u.file.n - i) * sizeof(memfs_extent));
        f->u.file.ext[i] = (memfs_extent){index, c};
        f->u.file.n++;
        fs->bytes += cap;
        return c;
    }
    memfs_chunk *c = f->u.file.ext[i].chunk;
    uint32_t cap = c->cap >= need ? c->cap : cap_for(need);
    if (atomic_load(&c->refs) > 1) {
        memfs_chunk *copy = calloc(1, sizeof *copy + cap);
        if (!copy) return NULL;
        atomic_init(&copy->refs, 1);
        copy->cap = cap;
        memcpy(copy->data, c->data, c->cap);
        fs->bytes += cap - c->cap; /* the shared one stops counting here */
        memfs_chunk_release(c);
        f->u.file.ext[i].chunk = copy;
        return copy;
    }
    if (cap > c->cap) {
        memfs_chunk *bigger = realloc(c, sizeof *c + cap);
        if (!bigger) return NULL;
        memset(bigger->data + bigger->cap, 0, cap - bigger->cap);
        fs->bytes += cap - bigger->cap;
        bigger->cap = cap;
        f->u.file.ext[i].chunk = bigger;
        return bigger;
    }
    return c;
}

int memfs_write(memfs *fs, memfs_node *node, const void *buf, size_t n, uint64_t off) {
    if (node->kind != MEMFS_FILE) return EISDIR;
    if (off > MEMFS_SIZE_MAX || n > MEMFS_SIZE_MAX - off) return EFBIG;
    if (n == 0) return 0;
    uint64_t end = off + n;
    /* Check the whole cost first: a write either happens or changes nothing. */
    uint64_t cost = 0;
    for (uint64_t idx = off / MEMFS_CHUNK; idx <= (end - 1) / MEMFS_CHUNK; idx++) {
        uint64_t start = idx * MEMFS_CHUNK;
        uint64_t need = end - start < MEMFS_CHUNK ? end - start : MEMFS_CHUNK;
        cost += chunk_cost(node, idx, need);
        if (!memfs_room(fs, cost, 0)) return ENOSPC;
    }
    const uint8_t *in = buf;
    for (uint64_t pos = off; pos < end;) {
        uint64_t idx = pos / MEMFS_CHUNK, start = idx * MEMFS_CHUNK;
        uint64_t stop = end < start + MEMFS_CHUNK ? end : start + MEMFS_CHUNK;
        memfs_chunk *c = chunk_writable(fs, node, idx, stop - start);
        if (!c) return ENOMEM; /* bytes before pos are written: like a short write */
        memcpy(c->data + (pos - start), in + (pos - off), (size_t)(stop - pos));
        pos = stop;
    }
    if (end > node->size) node->size = end;
    node->mtime = node->ctime = memfs_now_ns();
    fs->changed = true;
    return 0;
}

int memfs_truncate(memfs *fs, memfs_node *node, uint64_t size) {
    if (node->kind != MEMFS_FILE) return EISDIR;
    if (size > MEMFS_SIZE_MAX) return EFBIG;
    if (size < node->size) {
        /* Drop whole chunks past the end, zero the tail of the last one. */
        uint32_t keep = 0;
        for (uint32_t i = 0; i < node->u.file.n; i++) {
            memfs_extent *x = &node->u.file.ext[i];
            uint64_t start = x->index * MEMFS_CHUNK;
            if (start >= size) {
                fs->bytes -= x->chunk->cap;
                memfs_chunk_release(x->chunk);
                continue;
            }
            if (start + x->chunk->cap > size) {
                memfs_chunk *c = chunk_writable(fs, node, x->index, x->chunk->cap);
                if (!c) return ENOMEM;
                memset(c->data + (size - start), 0, c->cap - (size - start));
            }
            node->u.file.ext[keep++] = node->u.file.ext[i];
        }
        node->u.file.n = keep;
    }
    node->size = size;
    node->mtime = node->ctime = memfs_now_ns();
    fs->changed = true;
    return 0;
}
