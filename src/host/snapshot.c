/*
 * snapshot.c - a session's whole state as a blob, restored into a session
 * or made the template sandboxes start from.
 *
 * The state of a session is its linear memory, the guest's stack pointer
 * (the one global that is not a pointer), its fd table and its in-memory
 * tree: everything Python has (objects, frames, generators, closures) lives
 * in linear memory. A snapshot stores the 4 KiB pages that differ from the
 * image every instance starts from, deflated, and every field by value: it
 * holds no host address, and everything read back is checked, so a crafted
 * blob can at worst give a guest that misbehaves inside its sandbox.
 *
 * Blob: snapshot_header, then `packed_len` bytes of deflated payload:
 *   u32 stack pointer
 *   u32 n, n fds: u32 fd, u8 kind, u8 mount, u8 access, u16 fdflags,
 *                 u64 node, u64 offset (volume fds are stored as stale)
 *   u64 next inode, u64 n, n nodes: u64 ino, u8 kind, u16 mode, u32 nlink,
 *       i64 atime, mtime, ctime, u64 parent, u64 size, then by kind:
 *       link: size bytes of target; file: u32 n, n x (u64 chunk index,
 *       u32 len, len bytes); directory: u32 n, n x (u16 len, name, u64 ino)
 *   u32 count, count page numbers (u32, increasing), count pages of 4 KiB
 * The header carries the build's identity, with a key an HMAC-SHA-256 of the
 * blob (computed with the crc and mac fields zero), and a CRC-32 of the
 * whole blob (its crc field zero).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <zlib.h>

#include "clock.h"
#include "hmac.h"
#include "sandbox.h"
#include "watchdog.h"

#define PAGE     4096u
#define FLAG_MAC 1u
#define MAX_RAW  (1ull << 33) /* no blob inflates to more */

typedef struct {
    char magic[8];     /* "ERYXSNP2" */
    char build_id[64]; /* the build that wrote it */
    uint32_t pages;    /* wasm pages of linear memory */
    uint32_t flags;    /* FLAG_MAC */
    uint32_t crc;      /* of the blob, crc and mac as 0 */
    uint32_t reserved;
    uint64_t raw_len, packed_len;
    uint8_t mac[SHA256_SIZE];
} snapshot_header;

static const char snapshot_magic[8] = "ERYXSNP2";

/* CRC-32 of a whole blob with its crc field as zero (the MAC counts). */
static uint32_t blob_crc(const uint8_t *blob, size_t len) {
    snapshot_header h;
    memcpy(&h, blob, sizeof h);
    h.crc = 0;
    uLong crc = crc32(0, (const Bytef *)&h, sizeof h);
    for (size_t off = sizeof h; off < len;) { /* crc32 takes uInt lengths */
        size_t n = len - off < (1u << 30) ? len - off : (1u << 30);
        crc = crc32(crc, blob + off, (uInt)n);
        off += n;
    }
    return (uint32_t)crc;
}

static void blob_mac(const uint8_t *blob, size_t len, const uint8_t *key, size_t key_len,
                     uint8_t out[SHA256_SIZE]) {
    snapshot_header h;
    memcpy(&h, blob, sizeof h);
    h.crc = 0;
    memset(h.mac, 0, sizeof h.mac);
    hmac_part parts[2] = {{&h, sizeof h}, {blob + sizeof h, len - sizeof h}};
    hmac_sha256(key, key_len, parts, 2, out);
}

/* ---- writing ---- */

static void put8(eryx_buf *b, uint8_t v) {
    buf_append(b, &v, 1);
}
static void put16(eryx_buf *b, uint16_t v) {
    buf_append(b, &v, 2);
}
static void put32(eryx_buf *b, uint32_t v) {
    buf_append(b, &v, 4);
}
static void put64(eryx_buf *b, uint64_t v) {
    buf_append(b, &v, 8);
}

static void write_fds(eryx_buf *b, const eryx_wasi *w) {
    uint32_t n = 0;
    for (uint32_t fd = 0; fd < w->high; fd++)
        n += w->fds[fd].kind != WASI_FD_FREE;
    put32(b, n);
    for (uint32_t fd = 0; fd < w->high; fd++) {
        const eryx_wasi_fd *f = &w->fds[fd];
        if (f->kind == WASI_FD_FREE) continue;
        bool host = f->host_fd >= 0 || f->kind == WASI_FD_STALE;
        put32(b, fd);
        put8(b, host ? WASI_FD_STALE : f->kind);
        put8(b, host ? 0 : f->mount);
        put8(b, host ? 0 : f->access);
        put16(b, host ? 0 : f->fdflags);
        put64(b, host ? 0 : f->node);
        put64(b, host ? 0 : f->offset);
    }
}

static int write_node(void *arg, const memfs_node *n) {
    eryx_buf *b = arg;
    put64(b, n->ino);
    put8(b, n->kind);
    put16(b, n->mode);
    put32(b, n->nlink);
    put64(b, (uint64_t)n->atime);
    put64(b, (uint64_t)n->mtime);
    put64(b, (uint64_t)n->ctime);
    put64(b, n->parent);
    put64(b, n->size);
    if (n->kind == MEMFS_SYMLINK) {
        buf_append(b, n->u.target, n->size);
    } else if (n->kind == MEMFS_FILE) {
        put32(b, n->u.file.n);
        for (uint32_t i = 0; i < n->u.file.n; i++) {
            uint64_t start = n->u.file.ext[i].index * MEMFS_CHUNK;
            uint32_t len = MEMFS_CHUNK;
            if (start >= n->size)
                len = 0;
            else if (n->size - start < len)
                len = (uint32_t)(n->size - start);
            put64(b, n->u.file.ext[i].index);
            put32(b, len);
            size_t at = b->len;
            for (uint32_t k = 0; k < len && !b->failed; k += 4096) { /* grow, then read */
                static const uint8_t zero[4096];
                buf_append(b, zero, len - k < 4096 ? len - k : 4096);
            }
            if (!b->failed) memfs_read(n, b->data + at, len, start);
        }
    } else {
        put32(b, n->u.dir.n);
        for (uint32_t i = 0; i < n->u.dir.n; i++) {
            put16(b, (uint16_t)n->u.dir.ent[i].len);
            buf_append(b, n->u.dir.ent[i].name, n->u.dir.ent[i].len);
            put64(b, n->u.dir.ent[i].ino);
        }
    }
    return b->failed;
}

static bool page_differs(const uint8_t *page, size_t off, const uint8_t *image, size_t image_size) {
    static const uint8_t zero[PAGE];
    return memcmp(page, off < image_size ? image + off : zero, PAGE) != 0;
}

eryx_status eryx_sandbox_snapshot(eryx_sandbox *sandbox, void **blob, size_t *len) {
    if (blob) *blob = NULL;
    if (len) *len = 0;
    if (!sandbox || !blob || !len || !sandbox->persistent) return ERYX_EINVAL;
    if (atomic_exchange(&sandbox->busy, true)) return ERYX_EBUSY;
    eryx_vm *vm = sandbox->vm;
    const uint8_t *image = vm_image_memory();
    size_t image_size = vm_image_bytes(), size = vm->guest.w2c_memory.size;

    eryx_buf raw = {0};
    put32(&raw, vm->guest.w2c___stack_pointer);
    write_fds(&raw, &vm->wasi);
    put64(&raw, memfs_next_ino(sandbox->ns.tree));
    put64(&raw, memfs_entries_used(sandbox->ns.tree));
    memfs_each(sandbox->ns.tree, write_node, &raw);
    uint32_t count = 0;
    size_t count_at = raw.len;
    put32(&raw, 0);
    for (size_t off = 0; image && off < size; off += PAGE) {
        if (!page_differs(vm->reservation + off, off, image, image_size)) continue;
        put32(&raw, (uint32_t)(off / PAGE));
        count++;
    }
    for (size_t i = 0; i < count && !raw.failed; i++) {
        uint32_t index;
        memcpy(&index, raw.data + count_at + 4 + i * 4, 4);
        buf_append(&raw, vm->reservation + (size_t)index * PAGE, PAGE);
    }
    if (!raw.failed) memcpy(raw.data + count_at, &count, sizeof count);

    eryx_status status = raw.failed || !image ? ERYX_ENOMEM : ERYX_OK;
    uLongf packed_len = status == ERYX_OK ? compressBound(raw.len) : 0;
    uint8_t *out = status == ERYX_OK ? malloc(sizeof(snapshot_header) + packed_len) : NULL;
    if (out && compress2(out + sizeof(snapshot_header), &packed_len, (const Bytef *)raw.data,
                         raw.len, Z_BEST_SPEED) == Z_OK) {
        const eryx_config *c = &sandbox->config;
        snapshot_header h = {.pages = vm->guest.w2c_memory.pages,
                             .flags = c->snapshot_key_len ? FLAG_MAC : 0,
                             .raw_len = raw.len,
                             .packed_len = packed_len};
        memcpy(h.magic, snapshot_magic, sizeof h.magic);
        memcpy(h.build_id, build_identity, sizeof h.build_id);
        memcpy(out, &h, sizeof h);
        size_t total = sizeof h + packed_len;
        if (c->snapshot_key_len) blob_mac(out, total, c->snapshot_key, c->snapshot_key_len, h.mac);
        memcpy(out, &h, sizeof h);
        h.crc = blob_crc(out, total);
        memcpy(out, &h, sizeof h);
        *blob = out;
        *len = total;
    } else {
        free(out);
        status = ERYX_ENOMEM;
    }
    buf_free(&raw);
    atomic_store(&sandbox->busy, false);
    return status;
}

/* ---- reading ---- */

typedef struct {
    const uint8_t *p, *end;
} reader;

static bool get(reader *r, void *dest, size_t n) {
    if ((size_t)(r->end - r->p) < n) return false;
    memcpy(dest, r->p, n);
    r->p += n;
    return true;
}

/* A blob read into its parts, before anything is applied. */
typedef struct {
    snapshot_header h;
    uint8_t *raw;
    uint32_t stack_pointer;
    eryx_wasi *table;
    memfs *tree;
    uint32_t count;
    const uint8_t *indices, *pages;
} parsed;

static void parsed_free(parsed *s) {
    free(s->raw);
    free(s->table);
    memfs_free(s->tree);
}

/* Checks the blob and inflates its payload. NULL, or what is wrong. */
static const char *unpack(const uint8_t *blob, size_t len, const uint8_t *key, size_t key_len,
                          parsed *s) {
    snapshot_header *h = &s->h;
    if (len < sizeof *h) return "not an eryx snapshot (too short)";
    memcpy(h, blob, sizeof *h);
    if (memcmp(h->magic, snapshot_magic, sizeof h->magic)) return "not an eryx snapshot";
    if (memcmp(h->build_id, build_identity, sizeof h->build_id))
        return "snapshot from another build of eryx";
    if (h->packed_len != len - sizeof *h) return "snapshot truncated or padded";
    if (blob_crc(blob, len) != h->crc) return "snapshot corrupted (checksum mismatch)";
    static const uint8_t no_mac[SHA256_SIZE];
    if (h->flags & ~FLAG_MAC || h->reserved ||
        (!(h->flags & FLAG_MAC) && memcmp(h->mac, no_mac, sizeof no_mac)))
        return "snapshot corrupted (header)";
    if (key_len) {
        uint8_t mac[SHA256_SIZE];
        blob_mac(blob, len, key, key_len, mac);
        if (!(h->flags & FLAG_MAC) || hmac_differs(mac, h->mac, sizeof mac))
            return "snapshot not authenticated by this host's key";
    }
    if (h->pages > VM_MAX_PAGES || h->raw_len > MAX_RAW) return "snapshot corrupted (sizes)";
    s->raw = malloc(h->raw_len ? h->raw_len : 1);
    if (!s->raw) return "out of memory";
    uLongf raw_len = h->raw_len;
    if (uncompress(s->raw, &raw_len, blob + sizeof *h, h->packed_len) != Z_OK ||
        raw_len != h->raw_len)
        return "snapshot corrupted (bad data)";
    return NULL;
}

static const char *read_fds(reader *r, eryx_wasi *w) {
    uint32_t n;
    if (!get(r, &n, 4) || n > WASI_MAX_FDS) return "snapshot corrupted (fd table)";
    uint32_t prev = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t fd;
        eryx_wasi_fd f = {.host_fd = -1};
        if (!get(r, &fd, 4) || !get(r, &f.kind, 1) || !get(r, &f.mount, 1) ||
            !get(r, &f.access, 1) || !get(r, &f.fdflags, 2) || !get(r, &f.node, 8) ||
            !get(r, &f.offset, 8) || fd >= WASI_MAX_FDS || (i && fd <= prev) ||
            f.kind == WASI_FD_FREE)
            return "snapshot corrupted (fd table)";
        f.preopen = fd == WASI_PREOPEN_FD;
        w->fds[fd] = f;
        w->high = fd + 1;
        prev = fd;
    }
    for (uint32_t fd = 0; fd < w->high; fd++)
        if (w->fds[fd].kind == WASI_FD_FREE) w->fds[fd].host_fd = -1;
    return NULL;
}

static const char *read_tree(reader *r, memfs *tree) {
    uint64_t next_ino, n;
    if (!get(r, &next_ino, 8) || !get(r, &n, 8) || n == 0 || n > (uint64_t)(r->end - r->p) / 8)
        return "snapshot corrupted (files)";
    for (uint64_t i = 0; i < n; i++) {
        memfs_node meta = {0};
        uint64_t atime, mtime, ctime;
        if (!get(r, &meta.ino, 8) || !get(r, &meta.kind, 1) || !get(r, &meta.mode, 2) ||
            !get(r, &meta.nlink, 4) || !get(r, &atime, 8) || !get(r, &mtime, 8) ||
            !get(r, &ctime, 8) || !get(r, &meta.parent, 8) || !get(r, &meta.size, 8))
            return "snapshot corrupted (files)";
        meta.atime = (int64_t)atime, meta.mtime = (int64_t)mtime, meta.ctime = (int64_t)ctime;
        const char *target = NULL;
        if (meta.kind == MEMFS_SYMLINK) {
            if (meta.size > MEMFS_LINK_MAX || (size_t)(r->end - r->p) < meta.size)
                return "snapshot corrupted (files)";
            target = (const char *)r->p;
            r->p += meta.size;
        }
        if (memfs_restore_node(tree, &meta, target) != 0)
            return "snapshot corrupted, or its files exceed this configuration's quotas";
        memfs_node *node = memfs_get(tree, meta.ino);
        uint32_t m;
        if (meta.kind == MEMFS_SYMLINK) continue;
        if (!get(r, &m, 4)) return "snapshot corrupted (files)";
        for (uint32_t k = 0; k < m; k++) {
            if (meta.kind == MEMFS_FILE) {
                uint64_t index;
                uint32_t len;
                if (!get(r, &index, 8) || !get(r, &len, 4) || len > MEMFS_CHUNK ||
                    (size_t)(r->end - r->p) < len || index > MEMFS_SIZE_MAX / MEMFS_CHUNK)
                    return "snapshot corrupted (file data)";
                if (memfs_write(tree, node, r->p, len, index * MEMFS_CHUNK) != 0)
                    return "snapshot corrupted, or its files exceed this configuration's quotas";
                r->p += len;
            } else {
                uint16_t len;
                uint64_t ino;
                if (!get(r, &len, 2) || (size_t)(r->end - r->p) < len) return "snapshot corrupted";
                const char *name = (const char *)r->p;
                r->p += len;
                if (!get(r, &ino, 8) || memfs_restore_entry(tree, meta.ino, name, len, ino) != 0)
                    return "snapshot corrupted (directories)";
            }
        }
        if (meta.kind == MEMFS_FILE) {
            if (memfs_truncate(tree, node, meta.size) != 0) return "snapshot corrupted (files)";
            node->atime = meta.atime, node->mtime = meta.mtime, node->ctime = meta.ctime;
        }
    }
    return memfs_restore_finish(tree, next_ino) ? "snapshot corrupted (directory tree)" : NULL;
}

/* Takes the memfs references of a table's tree fds. */
static bool take_refs(const eryx_wasi *w, memfs *tree) {
    for (uint32_t fd = 0; fd < w->high; fd++) {
        const eryx_wasi_fd *f = &w->fds[fd];
        if ((f->kind != WASI_FD_DIR && f->kind != WASI_FD_FILE) || f->mount != FS_MOUNT_TREE)
            continue;
        memfs_node *n = memfs_get(tree, f->node);
        if (!n || n->kind != (f->kind == WASI_FD_DIR ? MEMFS_DIR : MEMFS_FILE)) return false;
        memfs_open_ref(tree, n);
    }
    memfs_collect(tree);
    return true;
}

/* Reads everything after the header into s. */
static const char *parse(const void *blob, size_t len, const uint8_t *key, size_t key_len,
                         memfs_limits limits, parsed *s) {
    memset(s, 0, sizeof *s);
    const char *problem = unpack(blob, len, key, key_len, s);
    if (problem) return problem;
    reader r = {s->raw, s->raw + s->h.raw_len};
    s->table = calloc(1, sizeof *s->table);
    s->tree = memfs_new(limits);
    if (!s->table || !s->tree) return "out of memory";
    if (!get(&r, &s->stack_pointer, 4)) return "snapshot corrupted (layout)";
    if ((problem = read_fds(&r, s->table)) || (problem = read_tree(&r, s->tree))) return problem;
    if (!take_refs(s->table, s->tree)) return "snapshot corrupted (fd table)";
    if (!get(&r, &s->count, 4) || (uint64_t)(r.end - r.p) != (uint64_t)s->count * (PAGE + 4))
        return "snapshot corrupted (layout)";
    if (s->h.pages < vm_image_bytes() / VM_PAGE_SIZE) return "snapshot corrupted (memory size)";
    s->indices = r.p;
    s->pages = r.p + (size_t)s->count * 4;
    uint64_t limit = (uint64_t)s->h.pages * (VM_PAGE_SIZE / PAGE);
    for (uint32_t i = 0, prev = 0; i < s->count; i++) {
        uint32_t index;
        memcpy(&index, s->indices + (size_t)i * 4, 4);
        if (index >= limit || (i && index <= prev)) return "snapshot corrupted (pages)";
        prev = index;
    }
    return NULL;
}

static void write_pages(uint8_t *memory, void *arg) {
    const parsed *s = arg;
    for (uint32_t i = 0; i < s->count; i++) {
        uint32_t index;
        memcpy(&index, s->indices + (size_t)i * 4, 4);
        memcpy(memory + (size_t)index * PAGE, s->pages + (size_t)i * PAGE, PAGE);
    }
}

static eryx_status status_of(const char *problem) {
    return strcmp(problem, "out of memory") ? ERYX_EINVAL : ERYX_ENOMEM;
}

static void set_error(char *errbuf, size_t errlen, const char *msg) {
    if (errbuf && errlen) snprintf(errbuf, errlen, "%s", msg);
}

eryx_status eryx_sandbox_restore(eryx_sandbox *sandbox, const void *blob, size_t len, char *errbuf,
                                 size_t errlen) {
    if (!sandbox || !blob || !sandbox->persistent) {
        set_error(errbuf, errlen, "invalid argument");
        return ERYX_EINVAL;
    }
    if (atomic_exchange(&sandbox->busy, true)) return ERYX_EBUSY;
    eryx_vm *vm = sandbox->vm;
    const eryx_config *c = &sandbox->config;
    parsed s;
    const char *problem = parse(blob, len, c->snapshot_key, c->snapshot_key_len, c->fs.limits, &s);
    if (!problem && s.h.pages > vm->limit_pages)
        problem = "snapshot needs more memory than this session's limit";
    if (!problem) problem = fs_config_apply_mounts(&c->fs, s.tree);
    if (!problem) {
        memfs *current = sandbox->ns.tree;
        sandbox->ns.tree = s.tree; /* wasi_valid checks the table against the new tree */
        bool valid = wasi_valid(s.table, &sandbox->ns);
        sandbox->ns.tree = current;
        if (!valid) problem = "snapshot corrupted (fd table), or its mounts are not configured";
    }
    if (!problem && vm_restore_state(vm, s.h.pages, s.stack_pointer, s.table) != 0) {
        problem = "cannot map memory for the snapshot";
        vm_reset(vm);
    }
    if (!problem) {
        write_pages(vm->reservation, &s);
        fs_ns_set_tree(&sandbox->ns, s.tree);
        s.tree = NULL;
    }
    sandbox->dirty = true;
    parsed_free(&s);
    if (problem) set_error(errbuf, errlen, problem);
    atomic_store(&sandbox->busy, false);
    return problem ? status_of(problem) : ERYX_OK;
}

const char *snapshot_load(const void *blob, size_t len, const uint8_t *key, size_t key_len,
                          memfs_limits limits, snapshot_state *out) {
    parsed s;
    const char *problem = parse(blob, len, key, key_len, limits, &s);
    if (!problem) {
        out->template = vm_template_new(s.h.pages, s.stack_pointer, s.table, write_pages, &s);
        if (!out->template) problem = "out of memory";
    }
    if (!problem) {
        memfs_clear_changed(s.tree);
        out->tree = s.tree;
        s.tree = NULL;
    }
    parsed_free(&s);
    return problem;
}

/* ---- settling a template ---- */

/* The longest the guest may take to settle a template, unless the
 * configured timeout is shorter: its walk over the objects takes
 * milliseconds; a snapshot whose memory was made to loop is kept as it
 * is. */
#define SETTLE_S 2.0

static void run_settle(eryx_vm *vm, void *arg) {
    (void)arg;
    Z_guestZ_eryx_settle(&vm->guest);
}

/* A page the guest wrote while settling, into the template. */
static void copy_settled(eryx_vm *vm, uint32_t page, void *arg) {
    uint8_t *memory = arg;
    size_t off = (size_t)page * PAGE;
    memcpy(memory + off, vm->reservation + off, PAGE);
}

/* Makes the objects of template `t` whose death no program can see
 * immortal (src/guest/runtime.c, eryx_settle), so that the executions
 * started from it leave most of their memory unwritten: the guest runs once
 * on it, in an instance of its own within the configuration's memory limit
 * and SETTLE_S (or its timeout), and the pages it wrote go into the
 * template, which nothing else maps yet. When that cannot be, `t` stays as
 * it is (the settling only makes resets cheaper). */
static void settle(vm_template *t, const eryx_config *config) {
    uint64_t limit_pages = config->memory_bytes / VM_PAGE_SIZE;
    double seconds =
        config->timeout_s > 0 && config->timeout_s < SETTLE_S ? config->timeout_s : SETTLE_S;
    eryx_vm *vm =
        vm_new(t, (uint32_t)(limit_pages < VM_MAX_PAGES ? limit_pages : VM_MAX_PAGES), NULL);
    if (!vm) return;
    vm_stop stop = VM_STOP_TRAP;
    if (watchdog_arm(vm, monotonic_ns() + (uint64_t)(seconds * 1e9)) == 0) {
        stop = vm_call(vm, run_settle, NULL);
        watchdog_disarm(vm);
    }
    uint8_t *memory = (uint8_t *)t->memory;
    size_t size = (size_t)t->pages * VM_PAGE_SIZE;
    if (stop == VM_RUNNING && vm->guest.w2c_memory.pages == t->pages &&
        vm->guest.w2c___stack_pointer == t->guest.w2c___stack_pointer &&
        mprotect(memory, size, PROT_READ | PROT_WRITE) == 0) {
        vm_written_each(vm, t, copy_settled, memory);
        mprotect(memory, size, PROT_READ);
    }
    vm_free(vm);
}

eryx_status eryx_config_set_snapshot(eryx_config *config, const void *blob, size_t len,
                                     char *errbuf, size_t errlen) {
    if (!config) {
        set_error(errbuf, errlen, "invalid argument");
        return ERYX_EINVAL;
    }
    eryx_status st = sandbox_config_fs(config);
    if (st) return st;
    if (!blob) {
        vm_template_unref(config->template);
        config->template = NULL;
        return ERYX_OK;
    }
    snapshot_state state;
    const char *problem = snapshot_load(blob, len, config->snapshot_key, config->snapshot_key_len,
                                        config->fs.limits, &state);
    if (problem) {
        set_error(errbuf, errlen, problem);
        return status_of(problem);
    }
    settle(state.template, config);
    vm_template_unref(config->template);
    config->template = state.template;
    memfs_free(config->fs.tree);
    config->fs.tree = state.tree;
    return ERYX_OK;
}

eryx_status eryx_config_set_snapshot_key(eryx_config *config, const void *key, size_t len) {
    if (!config || len > sizeof config->snapshot_key || (!key && len)) return ERYX_EINVAL;
    if (len) memcpy(config->snapshot_key, key, len);
    config->snapshot_key_len = key ? len : 0;
    return ERYX_OK;
}
