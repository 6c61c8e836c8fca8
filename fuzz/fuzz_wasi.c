/*
 * fuzz_wasi.c - the WASI path and fd layer (wasi_*.c, fs.c, memfs.c,
 * fs_vfs.c, volume.c) driven as a hostile guest would: each input is a
 * sequence of WASI calls with fuzzed arguments, made on a real vm whose
 * namespace has the memfs, /lib, and a read-write volume in a scratch
 * directory. Paths are built from a dictionary of names, "..", links and
 * mount points, or taken raw; buffers may point anywhere. After each input
 * the vm is reset, and the quotas must hold.
 *
 * Input: records of one opcode byte and the bytes its arguments take.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"

typedef struct Z_wasi_snapshot_preview1_instance_t wasi_ctx;

static eryx_sandbox *sandbox;
static eryx_vm *vm;
static uint32_t scratch; /* guest address of a 64 KiB area the fuzzer owns */
static char volume_dir[] = "/tmp/eryx-fuzz-wasi-XXXXXX";

#define SCRATCH_SIZE 65536u
#define PATH_AT      (scratch)
#define PATH2_AT     (scratch + 8192u)
#define IOV_AT       (scratch + 16384u)
#define BUF_AT       (scratch + 16448u)
#define RET_AT       (scratch + 65000u)
#define BUF_MAX      (SCRATCH_SIZE - 16448u - 1024u)

typedef struct {
    const uint8_t *p, *end;
} input;

static uint8_t take8(input *in) {
    return in->p < in->end ? *in->p++ : 0;
}
static uint32_t take32(input *in) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)take8(in) << (8 * i);
    return v;
}
static uint64_t take64(input *in) {
    return (uint64_t)take32(in) | (uint64_t)take32(in) << 32;
}

/* An fd: mostly small numbers, sometimes anything. */
static uint32_t fd_arg(input *in) {
    uint8_t b = take8(in);
    return b < 0xf0 ? b % 24 : take32(in);
}

/* A guest pointer: usually the scratch area, sometimes anything. */
static uint32_t ptr_arg(input *in, uint32_t usual) {
    return take8(in) < 0xf8 ? usual : take32(in);
}

static const char *const words[] = {
    "",     "/",          ".",
    "..",   "tmp",        "data",
    "lib",  "python3.11", "os.pyc",
    "mnt",  "v",          "a",
    "b",    "f.txt",      "link",
    "d",    "packages",   "0",
    "json", "x",          "very-long-name-very-long-name-very-long-name",
    "//",   "sub",        "..."};

/* Builds a path at guest address `at`; returns its length. */
static uint32_t path_arg(input *in, uint32_t at) {
    uint8_t *dest = vm_mem(vm, at, 4096);
    uint8_t mode = take8(in);
    uint32_t len = 0;
    if (mode >= 0xe0) { /* raw bytes */
        len = take8(in) * 16u + (mode & 15);
        for (uint32_t i = 0; i < len; i++)
            dest[i] = take8(in);
        return len;
    }
    uint32_t parts = mode % 9;
    for (uint32_t i = 0; i < parts; i++) {
        const char *w = words[take8(in) % (sizeof words / sizeof words[0])];
        size_t n = strlen(w);
        if (len + n + 1 >= 4096) break;
        if (i) dest[len++] = '/';
        memcpy(dest + len, w, n);
        len += (uint32_t)n;
    }
    return len;
}

/* One iovec at IOV_AT for n bytes at BUF_AT (or a fuzzed array). */
static uint32_t iov_arg(input *in, uint32_t *count) {
    uint32_t n = (take8(in) * 64u) % BUF_MAX;
    vm_store_u32(vm, IOV_AT, BUF_AT);
    vm_store_u32(vm, IOV_AT + 4, n);
    vm_store_u32(vm, IOV_AT + 8, BUF_AT + n / 2);
    vm_store_u32(vm, IOV_AT + 12, n / 2);
    *count = take8(in) % 3;
    return ptr_arg(in, IOV_AT);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag;
    if (ftw->level > 0) remove(path);
    return 0;
}

/* Removes what an input left on the volume, so that inputs stay independent. */
static void clear_volume(void) {
    nftw(volume_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_volume(void) {
    clear_volume();
    rmdir(volume_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    const char *dir = mkdtemp(volume_dir);
    if (!dir) abort();
    atexit(remove_volume);
    eryx_config *c = eryx_config_new();
    char err[512];
    if (eryx_config_add_volume(c, dir, "/mnt/v", 0, err, sizeof err) != ERYX_OK ||
        eryx_config_set_fs_limits(c, 4 << 20, 300, 64) != ERYX_OK ||
        eryx_config_set_volume_write_budget(c, 1 << 20) != ERYX_OK ||
        eryx_session_new(c, &sandbox, err, sizeof err) != ERYX_OK) {
        fprintf(stderr, "fuzz_wasi: %s\n", err);
        abort();
    }
    eryx_config_free(c);
    vm = sandbox->vm;
    scratch = (uint32_t)(vm->guest.w2c_memory.size - 2 * SCRATCH_SIZE);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    input in = {data, data + size};
    wasi_ctx *ctx = &vm->wasi_ctx;
    for (int ops = 0; in.p < in.end && ops < 64; ops++) {
        uint32_t n, count;
        uint32_t fd = fd_arg(&in);
        switch (take8(&in) % 23) {
        case 0: {
            uint32_t len = path_arg(&in, PATH_AT);
            uint32_t dirflags = take8(&in) & 1, oflags = take8(&in) & 0x1f,
                     fdflags = take8(&in) & 0x3f;
            uint64_t rights = take8(&in) & 1 ? ~0ull : (uint64_t)take8(&in) << 1;
            Z_wasi_snapshot_preview1Z_path_open(ctx, fd, dirflags, ptr_arg(&in, PATH_AT), len,
                                                oflags, rights, rights, fdflags,
                                                ptr_arg(&in, RET_AT));
            break;
        }
        case 1:
            Z_wasi_snapshot_preview1Z_fd_close(ctx, fd);
            break;
        case 2:
            n = iov_arg(&in, &count);
            Z_wasi_snapshot_preview1Z_fd_read(ctx, fd, n, count, ptr_arg(&in, RET_AT));
            break;
        case 3:
            n = iov_arg(&in, &count);
            Z_wasi_snapshot_preview1Z_fd_write(ctx, fd, n, count, ptr_arg(&in, RET_AT));
            break;
        case 4:
            n = iov_arg(&in, &count);
            Z_wasi_snapshot_preview1Z_fd_pread(ctx, fd, n, count, take64(&in),
                                               ptr_arg(&in, RET_AT));
            break;
        case 5:
            n = iov_arg(&in, &count);
            Z_wasi_snapshot_preview1Z_fd_pwrite(ctx, fd, n, count, take64(&in) >> (take8(&in) % 64),
                                                ptr_arg(&in, RET_AT));
            break;
        case 6:
            Z_wasi_snapshot_preview1Z_fd_seek(ctx, fd, take64(&in) >> (take8(&in) % 64),
                                              take8(&in) % 4, ptr_arg(&in, RET_AT));
            break;
        case 7:
            Z_wasi_snapshot_preview1Z_fd_readdir(ctx, fd, ptr_arg(&in, BUF_AT),
                                                 (take8(&in) * 16u) % BUF_MAX, take8(&in) % 40,
                                                 ptr_arg(&in, RET_AT));
            break;
        case 8: {
            uint32_t len = path_arg(&in, PATH_AT);
            Z_wasi_snapshot_preview1Z_path_filestat_get(ctx, fd, take8(&in) & 1, PATH_AT, len,
                                                        ptr_arg(&in, BUF_AT));
            break;
        }
        case 9:
            n = path_arg(&in, PATH_AT);
            Z_wasi_snapshot_preview1Z_path_create_directory(ctx, fd, PATH_AT, n);
            break;
        case 10:
            n = path_arg(&in, PATH_AT);
            Z_wasi_snapshot_preview1Z_path_unlink_file(ctx, fd, PATH_AT, n);
            break;
        case 11:
            n = path_arg(&in, PATH_AT);
            Z_wasi_snapshot_preview1Z_path_remove_directory(ctx, fd, PATH_AT, n);
            break;
        case 12: {
            uint32_t a = path_arg(&in, PATH_AT), b = path_arg(&in, PATH2_AT);
            Z_wasi_snapshot_preview1Z_path_rename(ctx, fd, PATH_AT, a, fd_arg(&in), PATH2_AT, b);
            break;
        }
        case 13: {
            uint32_t a = path_arg(&in, PATH_AT), b = path_arg(&in, PATH2_AT);
            Z_wasi_snapshot_preview1Z_path_link(ctx, fd, take8(&in) & 1, PATH_AT, a, fd_arg(&in),
                                                PATH2_AT, b);
            break;
        }
        case 14: {
            uint32_t a = path_arg(&in, PATH_AT), b = path_arg(&in, PATH2_AT);
            Z_wasi_snapshot_preview1Z_path_symlink(ctx, PATH_AT, a, fd, PATH2_AT, b);
            break;
        }
        case 15:
            n = path_arg(&in, PATH_AT);
            Z_wasi_snapshot_preview1Z_path_readlink(ctx, fd, PATH_AT, n, ptr_arg(&in, BUF_AT),
                                                    take8(&in) * 17u, ptr_arg(&in, RET_AT));
            break;
        case 16:
            Z_wasi_snapshot_preview1Z_fd_filestat_set_size(ctx, fd,
                                                           take64(&in) >> (take8(&in) % 64));
            break;
        case 17:
            if (take8(&in) & 1)
                Z_wasi_snapshot_preview1Z_fd_fdstat_get(ctx, fd, ptr_arg(&in, BUF_AT));
            else
                Z_wasi_snapshot_preview1Z_fd_fdstat_set_flags(ctx, fd, take8(&in) & 0x3f);
            break;
        case 18:
            Z_wasi_snapshot_preview1Z_fd_filestat_get(ctx, fd, ptr_arg(&in, BUF_AT));
            break;
        case 19:
            n = path_arg(&in, PATH_AT);
            Z_wasi_snapshot_preview1Z_path_filestat_set_times(
                ctx, fd, take8(&in) & 1, PATH_AT, n, take64(&in), take64(&in), take8(&in) & 0x1f);
            break;
        case 20:
            Z_wasi_snapshot_preview1Z_fd_allocate(ctx, fd, take64(&in) >> (take8(&in) % 64),
                                                  take64(&in) >> (take8(&in) % 64));
            break;
        case 21:
            Z_wasi_snapshot_preview1Z_fd_tell(ctx, fd, ptr_arg(&in, RET_AT));
            break;
        case 22:
            if (eryx_sandbox_reset(sandbox) != ERYX_OK) abort();
            break;
        }
    }
    /* The quotas hold whatever the calls did. */
    memfs_limits lim = memfs_get_limits(sandbox->ns.tree);
    if (memfs_bytes_used(sandbox->ns.tree) > lim.bytes ||
        memfs_entries_used(sandbox->ns.tree) > lim.entries || vm->wasi.high > WASI_MAX_FDS)
        abort();
    clear_volume();
    if (eryx_sandbox_reset(sandbox) != ERYX_OK) abort();
    return 0;
}
