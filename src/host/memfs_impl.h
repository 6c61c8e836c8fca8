/*
 * memfs_impl.h - what memfs.c and memfs_data.c share: the tree's and a
 * chunk's layout, and the quota check.
 */
#ifndef ERYX_MEMFS_IMPL_H
#define ERYX_MEMFS_IMPL_H

#include <stdatomic.h>

#include "memfs.h"

struct memfs_chunk {
    atomic_uint refs;
    uint32_t cap; /* bytes of data[] */
    uint8_t data[];
};

struct memfs {
    memfs_node **buckets;
    uint64_t nbuckets; /* a power of two */
    uint64_t count;    /* nodes */
    uint64_t next_ino;
    uint64_t bytes; /* as the quota counts */
    memfs_limits limits;
    bool changed;
};

/* True when the tree may take `bytes` and `entries` more. */
bool memfs_room(const memfs *fs, uint64_t bytes, uint64_t entries);

/* CLOCK_REALTIME in ns. */
int64_t memfs_now_ns(void);

/* Drops a reference to a chunk, freeing it with the last. NULL is fine. */
void memfs_chunk_release(memfs_chunk *c);

#endif
