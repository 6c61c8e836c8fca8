/*
 * wasi_impl.h - what the files of our WASI implementation share (wasi_fd.c,
 * wasi_io.c, wasi_path.c, wasi_clock.c): the import wrapper, preview1
 * constants and wire-struct helpers.
 *
 * Every import is a one-line wrapper, IMPORT(...), around a static w_*
 * implementation that returns a WASI errno. The wrapper enters and leaves
 * through VM_IMPORT_ENTER / VM_IMPORT_RETURN, so an implementation may
 * return early anywhere; none takes a lock or keeps an allocation across
 * the return.
 *
 * Guest memory is only reached through vm_mem and vm_store*. Wire structs
 * are assembled in local byte arrays at the offsets of the preview1 layouts
 * (see the *_SIZE constants) and stored in one piece, padding zeroed.
 */
#ifndef ERYX_WASI_IMPL_H
#define ERYX_WASI_IMPL_H

#include <string.h>

#include "fs.h"
#include "vm.h"
#include "wasi.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "wasm memory is little endian");

typedef struct Z_wasi_snapshot_preview1_instance_t wasi_ctx;

/* Body of every import: enter, run the implementation, leave through the
 * stop check (which may unwind from here, where nothing is held). */
#define IMPORT(call)                                                                               \
    eryx_vm *vm = ctx->vm;                                                                         \
    VM_IMPORT_ENTER(vm);                                                                           \
    u32 result_ = (u32)(call);                                                                     \
    VM_IMPORT_RETURN(vm, result_)

/* preview1 constants (values from the witx spec). */
enum {
    FILETYPE_UNKNOWN = 0,
    FILETYPE_CHARACTER_DEVICE = 2,
    FILETYPE_DIRECTORY = 3,
    FILETYPE_REGULAR_FILE = 4,

    OFLAGS_CREAT = 1 << 0,
    OFLAGS_DIRECTORY = 1 << 1,
    OFLAGS_EXCL = 1 << 2,
    OFLAGS_TRUNC = 1 << 3,
    OFLAGS_ALL = 0xf,

    FDFLAGS_APPEND = 1 << 0,
    FDFLAGS_ALL = 0x1f, /* APPEND DSYNC NONBLOCK RSYNC SYNC */

    LOOKUP_SYMLINK_FOLLOW = 1 << 0,

    FSTFLAGS_ATIM = 1 << 0,
    FSTFLAGS_ATIM_NOW = 1 << 1,
    FSTFLAGS_MTIM = 1 << 2,
    FSTFLAGS_MTIM_NOW = 1 << 3,

    WHENCE_SET = 0,
    WHENCE_CUR = 1,
    WHENCE_END = 2,

    ADVICE_MAX = 5,
    PREOPENTYPE_DIR = 0,
};

#define RIGHT(bit)                 ((uint64_t)1 << (bit))
#define RIGHTS_ALL                 (RIGHT(30) - 1) /* bits 0..29 */
#define RIGHT_FD_READ              RIGHT(1)
#define RIGHT_FD_WRITE             RIGHT(6)
#define RIGHT_FD_ALLOCATE          RIGHT(8)
#define RIGHT_FD_READDIR           RIGHT(14)
#define RIGHT_FD_FILESTAT_SET_SIZE RIGHT(22)
#define RIGHTS_WRITE               (RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE)

/* Sizes of the preview1 wire structs. */
#define IOVEC_SIZE        8
#define FDSTAT_SIZE       24
#define FILESTAT_SIZE     64
#define DIRENT_SIZE       24
#define PRESTAT_SIZE      8
#define SUBSCRIPTION_SIZE 48
#define EVENT_SIZE        32

#define IOV_MAX_COUNT 1024      /* like Linux IOV_MAX: more is INVAL */
#define IO_MAX_BYTES  INT32_MAX /* the guest's ssize_t: more is INVAL */

static inline void put16(uint8_t *p, uint16_t v) {
    memcpy(p, &v, 2);
}
static inline void put32(uint8_t *p, uint32_t v) {
    memcpy(p, &v, 4);
}
static inline void put64(uint8_t *p, uint64_t v) {
    memcpy(p, &v, 8);
}
static inline uint16_t get16(const uint8_t *p) {
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}
static inline uint32_t get32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static inline uint64_t get64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* The mount an open fd belongs to (never NULL for a DIR or FILE fd). */
static inline const fs_mount *fd_mount(eryx_vm *vm, const eryx_wasi_fd *f) {
    return fs_mount_at(vm->wasi.ns, f->mount);
}

static inline bool is_stdio(const eryx_wasi_fd *f) {
    return f->kind == WASI_FD_STDIN || f->kind == WASI_FD_STDOUT || f->kind == WASI_FD_STDERR;
}

/* Writes a filestat (64 bytes) to guest memory. */
wasi_errno wasi_store_filestat(eryx_vm *vm, u32 buf, const fs_stat *st);

/* The lowest free slot from WASI_FIRST_OPEN_FD below the fd limit, or -1. */
int wasi_fd_alloc(eryx_vm *vm);

/* Fills slot `fd` (from wasi_fd_alloc) and extends the table's used part. */
void wasi_fd_install(eryx_vm *vm, int fd, const eryx_wasi_fd *entry);

/* Times as fd_filestat_set_times and path_filestat_set_times take them,
 * for the mount interface: -1 leaves a time, -2 means now. */
wasi_errno wasi_times(u32 flags, u64 atim, u64 mtim, int64_t *atime, int64_t *mtime);

#endif
