/*
 * vm_image.c - the process-wide image every instance starts from: the
 * interpreter initialized once (by the build, embedded in the library, or
 * here when there is none: tools/mkimage), its linear memory in a file that
 * instances map copy-on-write.
 */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fs.h"
#include "vm.h"

/* The image as a template, and what it was built from. */
static struct {
    vm_template t;
    const eryx_vfs *vfs;
    char error[256];
} image = {.t = {.fd = -1, .is_image = true}};
static pthread_once_t image_once = PTHREAD_ONCE_INIT;

int vm_pagemap = -1;

/* ---- the image ----
 *
 * Image file (tools/mkimage writes it at build time; the library embeds it):
 *   offset 0: image_header, then the guest struct and the fd table
 *   offset header_size (a multiple of 4096): linear memory, pages * 64 KiB
 */

typedef struct {
    char magic[8]; /* "ERYXIMG1" */
    uint32_t header_size, pages;
    uint64_t guest_size, wasi_size;
} image_header;

static const char image_magic[8] = "ERYXIMG1";

/* Builds the function table; 0 when its constant copy, which indirect calls
 * go through (tools/split_wasm2c.py), disagrees with it. */
int Z_guest_init_table(Z_guest_instance_t *instance);

typedef struct {
    int status;
} init_call;

static void run_init(eryx_vm *vm, void *arg) {
    init_call *call = arg;
    Z_guest_instantiate(&vm->guest, &vm->eryx_ctx, &vm->wasi_ctx);
    Z_guestZ__initialize(&vm->guest);
    call->status = (int)Z_guestZ_eryx_init(&vm->guest);
}

/* Writes the non-zero 4 KiB pages of `data` to fd at `offset`; zero pages
 * stay holes and cost nothing. */
int vm_write_sparse(int fd, const uint8_t *data, size_t size, off_t offset) {
    static const uint8_t zero[4096];
    for (size_t off = 0; off < size; off += sizeof zero) {
        if (!memcmp(data + off, zero, sizeof zero)) continue;
        if (pwrite(fd, data + off, sizeof zero, offset + (off_t)off) != (ssize_t)sizeof zero) {
            return -1;
        }
    }
    return 0;
}

/* Puts linear memory into a memfd that every instance maps privately. */
static int image_memfd(const uint8_t *memory, size_t size) {
    int fd = memfd_create("eryx-image", MFD_CLOEXEC);
    if (fd < 0) return -1;
    if (ftruncate(fd, (off_t)size) != 0 || vm_write_sparse(fd, memory, size, 0) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Runs the interpreter's initialization in a fresh instance: the image of a
 * build without an embedded one (tools/mkimage). */
static void image_from_init(void) {
    eryx_vm *vm = vm_alloc(VM_MAX_PAGES);
    if (!vm) {
        snprintf(image.error, sizeof image.error, "cannot reserve guest memory: %s",
                 strerror(errno));
        return;
    }
    /* The initialization sees the default filesystem (it starts in /data). */
    fs_config config;
    fs_ns ns;
    if (fs_config_init(&config, image.vfs) != 0 || fs_ns_init(&ns, &config) != 0) {
        snprintf(image.error, sizeof image.error, "out of memory");
        vm_free(vm);
        return;
    }
    wasi_init(vm, &ns);
    init_call call = {.status = -1};
    vm_stop stop = vm_call(vm, run_init, &call);
    if (stop != VM_RUNNING || call.status != 0) {
        snprintf(image.error, sizeof image.error,
                 "interpreter initialization failed (stop %d, trap '%s', status %d)", (int)stop,
                 wasm_rt_strerror((wasm_rt_trap_t)vm->trap_code), call.status);
    } else if ((image.t.fd = image_memfd(vm->reservation, vm->guest.w2c_memory.size)) < 0) {
        snprintf(image.error, sizeof image.error, "cannot save the image: %s", strerror(errno));
    } else {
        image.t.pages = vm->guest.w2c_memory.pages;
        image.t.guest = vm->guest;
        image.t.wasi = vm->wasi;
        image.t.wasi.ns = NULL;
    }
    vm_free(vm);
    fs_ns_free(&ns);
    fs_config_free(&config);
}

/* Opens the file the embedded image was loaded from and finds the image's
 * memory in it, so that instances map the file itself: no copy, and the
 * page cache is shared by every process. -1 when it cannot be found. */
typedef struct {
    const void *addr;
    char path[4096];
    off_t offset;
    bool found;
} locate_call;

static int locate(struct dl_phdr_info *info, size_t size, void *arg) {
    (void)size;
    locate_call *call = arg;
    uintptr_t addr = (uintptr_t)call->addr;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type != PT_LOAD || addr < start || addr >= start + ph->p_filesz) continue;
        const char *path = info->dlpi_name && *info->dlpi_name ? info->dlpi_name : "/proc/self/exe";
        snprintf(call->path, sizeof call->path, "%s", path);
        call->offset = (off_t)(addr - start + ph->p_offset);
        call->found = true;
        return 1;
    }
    return 0;
}

static int open_embedded(const uint8_t *memory, size_t size, off_t *offset) {
    locate_call call = {.addr = memory};
    dl_iterate_phdr(locate, &call);
    if (!call.found || call.offset % 4096) return -1;
    int fd = open(call.path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    /* The file must still hold what this process loaded (not replaced). */
    uint8_t first[4096], last[4096];
    if (pread(fd, first, sizeof first, call.offset) != (ssize_t)sizeof first ||
        pread(fd, last, sizeof last, call.offset + (off_t)size - 4096) != (ssize_t)sizeof last ||
        memcmp(first, memory, 4096) || memcmp(last, memory + size - 4096, 4096)) {
        close(fd);
        return -1;
    }
    *offset = call.offset;
    return fd;
}

/* Loads the image embedded by the build. */
static void image_from_blob(void) {
    image_header h;
    const char *problem = NULL;
    if (image_blob_size < sizeof h) {
        problem = "truncated";
    } else {
        memcpy(&h, image_blob, sizeof h);
        if (memcmp(h.magic, image_magic, sizeof image_magic))
            problem = "bad magic";
        else if (h.guest_size != sizeof(Z_guest_instance_t) || h.wasi_size != sizeof(eryx_wasi))
            problem = "built for another guest";
        else if (h.header_size < sizeof h + h.guest_size + h.wasi_size || h.pages > VM_MAX_PAGES ||
                 (uint64_t)h.header_size + (uint64_t)h.pages * VM_PAGE_SIZE != image_blob_size)
            problem = "inconsistent sizes";
    }
    if (problem) {
        snprintf(image.error, sizeof image.error, "embedded image: %s", problem);
        return;
    }
    const uint8_t *memory = image_blob + h.header_size;
    size_t size = (size_t)h.pages * VM_PAGE_SIZE;
    image.t.fd = open_embedded(memory, size, &image.t.offset);
    if (image.t.fd < 0) {
        image.t.offset = 0;
        image.t.fd = image_memfd(memory, size);
    }
    if (image.t.fd < 0) {
        snprintf(image.error, sizeof image.error, "cannot map the image: %s", strerror(errno));
        return;
    }
    image.t.pages = h.pages;
    memcpy(&image.t.guest, image_blob + sizeof h, sizeof image.t.guest);
    memcpy(&image.t.wasi, image_blob + sizeof h + h.guest_size, sizeof image.t.wasi);
    image.t.wasi.ns = NULL;
}

static void build_image(void) {
    vm_runtime_init();
    char err[160];
    image.vfs = vfs_open(stdlib_blob, stdlib_blob_size, err, sizeof err);
    if (!image.vfs) {
        snprintf(image.error, sizeof image.error, "standard library image: %s", err);
        return;
    }
    if (image_blob_size)
        image_from_blob();
    else
        image_from_init();
    if (image.t.fd < 0) return;
    /* Pointers in the saved struct belong to the process that saved it. */
    image.t.guest.Z_eryx_instance = NULL;
    image.t.guest.Z_wasi_snapshot_preview1_instance = NULL;
    image.t.guest.w2c_memory.data = NULL;
    if (!Z_guest_init_table(&image.t.guest)) {
        snprintf(image.error, sizeof image.error, "the guest's function table is inconsistent");
        close(image.t.fd);
        image.t.fd = -1;
        return;
    }
    image.t.memory = mmap(NULL, (size_t)image.t.pages * VM_PAGE_SIZE, PROT_READ, MAP_SHARED,
                          image.t.fd, image.t.offset);
    if (image.t.memory == MAP_FAILED) image.t.memory = NULL;
    vm_pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
}

const char *vm_image_error(void) {
    pthread_once(&image_once, build_image);
    return image.t.fd < 0 ? image.error : NULL;
}

const vm_template *vm_image(void) {
    return vm_image_error() ? NULL : &image.t;
}

const eryx_vfs *vm_stdlib(void) {
    return vm_image_error() ? NULL : image.vfs;
}

uint64_t vm_image_bytes(void) {
    return vm_image_error() ? 0 : (uint64_t)image.t.pages * VM_PAGE_SIZE;
}

const uint8_t *vm_image_memory(void) {
    return vm_image_error() ? NULL : image.t.memory;
}

int vm_image_write(const char *path) {
    if (vm_image_error()) return -1;
    image_header h = {.header_size = 0,
                      .pages = image.t.pages,
                      .guest_size = sizeof image.t.guest,
                      .wasi_size = sizeof image.t.wasi};
    memcpy(h.magic, image_magic, sizeof h.magic);
    h.header_size =
        (uint32_t)((sizeof h + sizeof image.t.guest + sizeof image.t.wasi + 4095) & ~4095u);
    size_t memory_size = (size_t)image.t.pages * VM_PAGE_SIZE;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    int rc =
        ftruncate(fd, (off_t)(h.header_size + memory_size)) == 0 &&
                pwrite(fd, &h, sizeof h, 0) == (ssize_t)sizeof h &&
                pwrite(fd, &image.t.guest, sizeof image.t.guest, sizeof h) ==
                    (ssize_t)sizeof image.t.guest &&
                pwrite(fd, &image.t.wasi, sizeof image.t.wasi,
                       (off_t)(sizeof h + sizeof image.t.guest)) == (ssize_t)sizeof image.t.wasi &&
                image.t.memory &&
                vm_write_sparse(fd, image.t.memory, memory_size, h.header_size) == 0
            ? 0
            : -1;
    if (close(fd) != 0) rc = -1;
    return rc;
}
