/*
 * snapshot.c - a session's whole interpreter state as a blob.
 *
 * The state of a session is its linear memory, the instance's globals and
 * its fd table: everything Python has (objects, frames, generators, closures)
 * lives in linear memory. A snapshot stores the 4 KiB pages that differ from
 * the image every instance starts from, deflated.
 *
 * Blob: snapshot_header, then `packed_len` bytes of deflated payload:
 *   u64 guest_size, the instance struct (globals; pointers are re-made)
 *   u64 wasi_size, the fd table
 *   u32 count, count page numbers (u32, increasing), count pages of 4 KiB
 * The header carries the build's identity and a CRC-32 of the whole blob;
 * every length and index is checked before anything is applied.
 */
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#include "sandbox.h"

#define PAGE 4096u

typedef struct {
    char magic[8];     /* "ERYXSNP1" */
    char build_id[64]; /* the build that wrote it */
    uint32_t pages;    /* wasm pages of linear memory */
    uint32_t crc;      /* of the blob, this field as 0 */
    uint64_t raw_len, packed_len;
} snapshot_header;

static const char snapshot_magic[8] = "ERYXSNP1";

/* CRC-32 of a whole blob, its own crc field counted as zero: a change to
 * any byte, header included, is caught. */
static uint32_t blob_crc(const uint8_t *blob, size_t len) {
    snapshot_header h;
    memcpy(&h, blob, sizeof h);
    h.crc = 0;
    uLong crc = crc32(0, (const Bytef *)&h, sizeof h);
    return (uint32_t)crc32(crc, blob + sizeof h, (uInt)(len - sizeof h));
}

/* ---- writing ---- */

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
    uint64_t guest_size = sizeof vm->guest, wasi_size = sizeof vm->wasi;
    buf_append(&raw, &guest_size, sizeof guest_size);
    buf_append(&raw, &vm->guest, sizeof vm->guest);
    buf_append(&raw, &wasi_size, sizeof wasi_size);
    buf_append(&raw, &vm->wasi, sizeof vm->wasi);
    uint32_t count = 0;
    size_t count_at = raw.len;
    buf_append(&raw, &count, sizeof count);
    for (size_t off = 0; image && off < size; off += PAGE) {
        if (!page_differs(vm->reservation + off, off, image, image_size)) continue;
        uint32_t index = (uint32_t)(off / PAGE);
        buf_append(&raw, &index, sizeof index);
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
        snapshot_header h = {
            .pages = vm->guest.w2c_memory.pages, .raw_len = raw.len, .packed_len = packed_len};
        memcpy(h.magic, snapshot_magic, sizeof h.magic);
        memcpy(h.build_id, build_identity, sizeof h.build_id);
        memcpy(out, &h, sizeof h);
        h.crc = blob_crc(out, sizeof h + packed_len);
        memcpy(out, &h, sizeof h);
        *blob = out;
        *len = sizeof h + packed_len;
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

static bool read_bytes(reader *r, void *dest, size_t n) {
    if ((size_t)(r->end - r->p) < n) return false;
    memcpy(dest, r->p, n);
    r->p += n;
    return true;
}

/* Checks the blob and inflates its payload into *raw. NULL, or what is wrong. */
static const char *unpack(const uint8_t *blob, size_t len, const eryx_vm *vm, snapshot_header *h,
                          uint8_t **raw) {
    *raw = NULL;
    if (len < sizeof *h) return "not an eryx snapshot (too short)";
    memcpy(h, blob, sizeof *h);
    if (memcmp(h->magic, snapshot_magic, sizeof h->magic)) return "not an eryx snapshot";
    if (memcmp(h->build_id, build_identity, sizeof h->build_id))
        return "snapshot from another build of eryx";
    if (h->packed_len != len - sizeof *h) return "snapshot truncated or padded";
    if (blob_crc(blob, len) != h->crc) return "snapshot corrupted (checksum mismatch)";
    if (h->pages > vm->limit_pages) return "snapshot needs more memory than this session's limit";
    uint64_t max_raw = 64 + sizeof(Z_guest_instance_t) + sizeof(eryx_wasi) +
                       (uint64_t)h->pages * (VM_PAGE_SIZE / PAGE) * (PAGE + 4);
    if (h->raw_len > max_raw) return "snapshot corrupted (sizes)";
    *raw = malloc(h->raw_len ? h->raw_len : 1);
    if (!*raw) return "out of memory";
    uLongf raw_len = h->raw_len;
    if (uncompress(*raw, &raw_len, blob + sizeof *h, h->packed_len) != Z_OK ||
        raw_len != h->raw_len) {
        free(*raw);
        *raw = NULL;
        return "snapshot corrupted (bad data)";
    }
    return NULL;
}

eryx_status eryx_sandbox_restore(eryx_sandbox *sandbox, const void *blob, size_t len, char *errbuf,
                                 size_t errlen) {
    if (!sandbox || !blob || !sandbox->persistent) {
        if (errbuf && errlen) snprintf(errbuf, errlen, "invalid argument");
        return ERYX_EINVAL;
    }
    if (atomic_exchange(&sandbox->busy, true)) return ERYX_EBUSY;
    eryx_vm *vm = sandbox->vm;
    snapshot_header h;
    uint8_t *raw;
    const char *problem = unpack(blob, len, vm, &h, &raw);

    Z_guest_instance_t guest;
    eryx_wasi wasi;
    uint64_t guest_size = 0, wasi_size = 0;
    uint32_t count = 0;
    reader r = {raw, raw ? raw + h.raw_len : NULL};
    const uint8_t *indices = NULL, *pages = NULL;
    if (!problem) {
        if (!read_bytes(&r, &guest_size, 8) || guest_size != sizeof guest ||
            !read_bytes(&r, &guest, sizeof guest) || !read_bytes(&r, &wasi_size, 8) ||
            wasi_size != sizeof wasi || !read_bytes(&r, &wasi, sizeof wasi) ||
            !read_bytes(&r, &count, 4) || (uint64_t)(r.end - r.p) != (uint64_t)count * (PAGE + 4)) {
            problem = "snapshot corrupted (layout)";
        } else if (guest.w2c_memory.pages != h.pages || h.pages < vm_image_bytes() / VM_PAGE_SIZE) {
            problem = "snapshot corrupted (memory size)";
        } else if (!wasi_valid(&wasi, vm->wasi.vfs)) {
            problem = "snapshot corrupted (file table)";
        } else {
            indices = r.p;
            pages = r.p + (size_t)count * 4;
            uint64_t limit = (uint64_t)h.pages * (VM_PAGE_SIZE / PAGE);
            for (uint32_t i = 0, prev = 0; i < count && !problem; i++) {
                uint32_t index;
                memcpy(&index, indices + (size_t)i * 4, 4);
                if (index >= limit || (i && index <= prev)) problem = "snapshot corrupted (pages)";
                prev = index;
            }
        }
    }
    if (!problem && vm_restore_state(vm, &guest, &wasi) != 0) {
        problem = "cannot map memory for the snapshot";
        sandbox->dirty = true;
    }
    if (!problem) {
        for (uint32_t i = 0; i < count; i++) {
            uint32_t index;
            memcpy(&index, indices + (size_t)i * 4, 4);
            memcpy(vm->reservation + (size_t)index * PAGE, pages + (size_t)i * PAGE, PAGE);
        }
        sandbox->dirty = true;
    }
    free(raw);
    if (problem && errbuf && errlen) snprintf(errbuf, errlen, "%s", problem);
    atomic_store(&sandbox->busy, false);
    return problem ? (strcmp(problem, "out of memory") ? ERYX_EINVAL : ERYX_ENOMEM) : ERYX_OK;
}
