/*
 * vm.c - guest instances: the process-wide image every instance starts from,
 * creating and resetting instances by mapping that image copy-on-write,
 * calling into the guest, and stopping it from the host.
 */
#include "vm.h"

#include <errno.h>
#include <link.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "watchdog.h"

/* The initialized interpreter: its linear memory in a file (the library
 * itself, or a memfd copy) that every instance maps privately, the
 * instance's globals and the fd table. */
static struct {
    int fd;
    uint32_t pages;
    const uint8_t *memory; /* read-only view of that memory: snapshots, resets */
    off_t offset;          /* of linear memory in fd */
    int pagemap;           /* /proc/self/pagemap, or -1 */
    Z_guest_instance_t guest;
    eryx_wasi wasi;
    const eryx_vfs *vfs;
    char error[256];
} image = {.fd = -1, .pagemap = -1};
static pthread_once_t image_once = PTHREAD_ONCE_INIT;

/* ---- allocation ---- */

static eryx_vm *vm_alloc(uint32_t limit_pages) {
    eryx_vm *vm = calloc(1, sizeof *vm);
    if (!vm) return NULL;
    vm->reservation =
        mmap(NULL, VM_RESERVATION, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (vm->reservation == MAP_FAILED) {
        free(vm);
        return NULL;
    }
    vm->limit_pages = limit_pages > VM_MAX_PAGES ? VM_MAX_PAGES : limit_pages;
    vm->wasi_ctx.vm = vm;
    vm->eryx_ctx.vm = vm;
    pthread_mutex_init(&vm->lock, NULL);
    monotonic_cond_init(&vm->wake);
    return vm;
}

void vm_free(eryx_vm *vm) {
    if (!vm) return;
    watchdog_disarm(vm);
    wasi_free(vm);
    munmap(vm->reservation, VM_RESERVATION);
    pthread_mutex_destroy(&vm->lock);
    pthread_cond_destroy(&vm->wake);
    free(vm);
}

/* ---- calling the guest ---- */

vm_stop vm_call(eryx_vm *vm, vm_entry fn, void *arg) {
    if (!vm_thread_setup()) {
        vm->trap_code = WASM_RT_TRAP_EXHAUSTION;
        return VM_STOP_STACK;
    }
    pthread_mutex_lock(&vm->lock);
    vm->running = true;
    atomic_store(&vm->stop, VM_RUNNING);
    pthread_mutex_unlock(&vm->lock);

    jmp_buf trap;
    vm_thread_state saved = vm_thread;
    vm_thread.vm = vm;
    vm_thread.jmp = &trap;
    vm->in_host = 0;
    if (_setjmp(trap) == 0) fn(vm, arg);
    vm_thread.vm = saved.vm;
    vm_thread.jmp = saved.jmp;

    pthread_mutex_lock(&vm->lock);
    vm->running = false;
    if (vm->protected) {
        mprotect(vm->reservation, vm->guest.w2c_memory.size, PROT_READ | PROT_WRITE);
        vm->protected = false;
    }
    vm_stop stop = atomic_load(&vm->stop);
    pthread_mutex_unlock(&vm->lock);
    return stop;
}

_Noreturn void vm_unwind(eryx_vm *vm) {
    (void)vm;
    _longjmp(*vm_thread.jmp, 1);
}

/* ---- stopping ---- */

bool vm_interrupt(eryx_vm *vm, vm_stop reason) {
    pthread_mutex_lock(&vm->lock);
    bool running = vm->running;
    int expected = VM_RUNNING;
    if (vm->running && atomic_compare_exchange_strong(&vm->stop, &expected, reason)) {
        /* Any guest memory access now faults, so even a loop inside one C
         * function of the interpreter stops at once; imports see the stop
         * when they return. */
        if (!vm->protected &&
            mprotect(vm->reservation, vm->guest.w2c_memory.size, PROT_NONE) == 0) {
            vm->protected = true;
        }
        pthread_cond_broadcast(&vm->wake);
        if (vm->on_interrupt) vm->on_interrupt(vm->on_interrupt_arg);
    }
    pthread_mutex_unlock(&vm->lock);
    return running;
}

void vm_request_stop(eryx_vm *vm, vm_stop reason) {
    int expected = VM_RUNNING;
    atomic_compare_exchange_strong(&vm->stop, &expected, reason);
}

void vm_exit(eryx_vm *vm, int code) {
    vm->exit_code = code;
    vm_request_stop(vm, VM_STOP_EXIT);
}

bool vm_sleep_until(eryx_vm *vm, uint64_t deadline_ns) {
    pthread_mutex_lock(&vm->lock);
    while (!atomic_load(&vm->stop)) {
        if (monotonic_ns() >= deadline_ns) break;
        struct timespec ts = ns_timespec(deadline_ns);
        pthread_cond_timedwait(&vm->wake, &vm->lock, &ts);
    }
    bool woke_normally = !atomic_load(&vm->stop);
    pthread_mutex_unlock(&vm->lock);
    return woke_normally;
}

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

/* Builds the function table of this process into image.guest. */
void Z_guest_init_table(Z_guest_instance_t *instance);

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
static int write_sparse(int fd, const uint8_t *data, size_t size, off_t offset) {
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
    if (ftruncate(fd, (off_t)size) != 0 || write_sparse(fd, memory, size, 0) != 0) {
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
    wasi_init(vm, image.vfs);
    init_call call = {.status = -1};
    vm_stop stop = vm_call(vm, run_init, &call);
    if (stop != VM_RUNNING || call.status != 0) {
        snprintf(image.error, sizeof image.error,
                 "interpreter initialization failed (stop %d, trap '%s', status %d)", (int)stop,
                 wasm_rt_strerror((wasm_rt_trap_t)vm->trap_code), call.status);
    } else if ((image.fd = image_memfd(vm->reservation, vm->guest.w2c_memory.size)) < 0) {
        snprintf(image.error, sizeof image.error, "cannot save the image: %s", strerror(errno));
    } else {
        image.pages = vm->guest.w2c_memory.pages;
        image.guest = vm->guest;
        wasi_copy(&image.wasi, &vm->wasi);
    }
    vm_free(vm);
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
    image.fd = open_embedded(memory, size, &image.offset);
    if (image.fd < 0) {
        image.offset = 0;
        image.fd = image_memfd(memory, size);
    }
    if (image.fd < 0) {
        snprintf(image.error, sizeof image.error, "cannot map the image: %s", strerror(errno));
        return;
    }
    image.pages = h.pages;
    memcpy(&image.guest, image_blob + sizeof h, sizeof image.guest);
    memcpy(&image.wasi, image_blob + sizeof h + h.guest_size, sizeof image.wasi);
    image.wasi.vfs = image.vfs;
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
    if (image.fd < 0) return;
    /* Pointers in the saved struct belong to the process that saved it. */
    image.guest.Z_eryx_instance = NULL;
    image.guest.Z_wasi_snapshot_preview1_instance = NULL;
    image.guest.w2c_memory.data = NULL;
    Z_guest_init_table(&image.guest);
    image.memory = mmap(NULL, (size_t)image.pages * VM_PAGE_SIZE, PROT_READ, MAP_SHARED, image.fd,
                        image.offset);
    if (image.memory == MAP_FAILED) image.memory = NULL;
    image.pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
}

const char *vm_image_error(void) {
    pthread_once(&image_once, build_image);
    return image.fd < 0 ? image.error : NULL;
}

uint64_t vm_image_bytes(void) {
    return vm_image_error() ? 0 : (uint64_t)image.pages * VM_PAGE_SIZE;
}

const uint8_t *vm_image_memory(void) {
    return vm_image_error() ? NULL : image.memory;
}

int vm_image_write(const char *path) {
    if (vm_image_error()) return -1;
    image_header h = {.header_size = 0,
                      .pages = image.pages,
                      .guest_size = sizeof image.guest,
                      .wasi_size = sizeof image.wasi};
    memcpy(h.magic, image_magic, sizeof h.magic);
    h.header_size = (uint32_t)((sizeof h + sizeof image.guest + sizeof image.wasi + 4095) & ~4095u);
    size_t memory_size = (size_t)image.pages * VM_PAGE_SIZE;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    int rc = ftruncate(fd, (off_t)(h.header_size + memory_size)) == 0 &&
                     pwrite(fd, &h, sizeof h, 0) == (ssize_t)sizeof h &&
                     pwrite(fd, &image.guest, sizeof image.guest, sizeof h) ==
                         (ssize_t)sizeof image.guest &&
                     pwrite(fd, &image.wasi, sizeof image.wasi,
                            (off_t)(sizeof h + sizeof image.guest)) == (ssize_t)sizeof image.wasi &&
                     image.memory && write_sparse(fd, image.memory, memory_size, h.header_size) == 0
                 ? 0
                 : -1;
    if (close(fd) != 0) rc = -1;
    return rc;
}

/* The image's globals, with this instance's pointers. */
static void reset_globals(eryx_vm *vm) {
    vm->guest = image.guest;
    vm->guest.Z_eryx_instance = &vm->eryx_ctx;
    vm->guest.Z_wasi_snapshot_preview1_instance = &vm->wasi_ctx;
    vm->guest.w2c_memory.data = vm->reservation;
    vm->peak_pages = image.pages;
}

/* Drops the pages of linear memory beyond the image (grown by the guest). */
static int drop_grown(eryx_vm *vm, size_t current) {
    size_t image_size = (size_t)image.pages * VM_PAGE_SIZE;
    if (current <= image_size) return 0;
    return mmap(vm->reservation + image_size, current - image_size, PROT_NONE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) == MAP_FAILED
               ? -1
               : 0;
}

/* Maps the image over linear memory and drops every page beyond it. */
static int map_image(eryx_vm *vm) {
    size_t image_size = (size_t)image.pages * VM_PAGE_SIZE;
    size_t current = vm->guest.w2c_memory.data ? vm->guest.w2c_memory.size : 0;
    if (mmap(vm->reservation, image_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, image.fd,
             image.offset) == MAP_FAILED ||
        drop_grown(vm, current) != 0) {
        return -1;
    }
    reset_globals(vm);
    return 0;
}

/* Copies the image back over the pages of the image region this instance
 * wrote. /proc/self/pagemap tells them apart: a written page is a private
 * (anonymous) copy, present or swapped; an unwritten one is still the
 * image's file page. Restored pages stay private, so the next execution
 * writes them again without a fault. -1 when pagemap is unavailable. */
static int restore_written_pages(eryx_vm *vm) {
    enum { BATCH = 512 };
    uint64_t entries[BATCH];
    size_t npages = (size_t)image.pages * (VM_PAGE_SIZE / 4096);
    off_t base = (off_t)((uintptr_t)vm->reservation / 4096 * sizeof(uint64_t));
    for (size_t first = 0; first < npages; first += BATCH) {
        size_t n = npages - first < BATCH ? npages - first : BATCH;
        ssize_t want = (ssize_t)(n * sizeof(uint64_t));
        if (pread(image.pagemap, entries, (size_t)want, base + (off_t)(first * sizeof(uint64_t))) !=
            want) {
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            uint64_t e = entries[i];
            bool present = e >> 63 & 1, swapped = e >> 62 & 1, file = e >> 61 & 1;
            if ((present && !file) || swapped) {
                size_t off = (first + i) * 4096;
                memcpy(vm->reservation + off, image.memory + off, 4096);
            }
        }
    }
    return 0;
}

eryx_vm *vm_new(uint32_t limit_pages) {
    if (vm_image_error() || limit_pages < image.pages) return NULL;
    eryx_vm *vm = vm_alloc(limit_pages);
    if (!vm) return NULL;
    if (map_image(vm) != 0 || wasi_copy(&vm->wasi, &image.wasi) != 0) {
        vm_free(vm);
        return NULL;
    }
    return vm;
}

int vm_restore_state(eryx_vm *vm, const Z_guest_instance_t *saved, const eryx_wasi *wasi) {
    uint32_t pages = saved->w2c_memory.pages;
    if (pages > vm->limit_pages || pages < image.pages || vm_reset(vm) != 0) return -1;
    if (pages > image.pages &&
        mprotect(vm->reservation + (size_t)image.pages * VM_PAGE_SIZE,
                 (size_t)(pages - image.pages) * VM_PAGE_SIZE, PROT_READ | PROT_WRITE) != 0) {
        return -1;
    }
    Z_guest_instance_t current = vm->guest;
    vm->guest = *saved;
    vm->guest.Z_eryx_instance = current.Z_eryx_instance;
    vm->guest.Z_wasi_snapshot_preview1_instance = current.Z_wasi_snapshot_preview1_instance;
    vm->guest.w2c_T0 = current.w2c_T0;
    vm->guest.w2c_memory = current.w2c_memory;
    vm->guest.w2c_memory.pages = pages;
    vm->guest.w2c_memory.size = pages * VM_PAGE_SIZE;
    vm->peak_pages = pages;
    vm->wasi = *wasi;
    vm->wasi.vfs = image.vfs;
    return 0;
}

int vm_reset(eryx_vm *vm) {
    wasi_free(vm);
    size_t current = vm->guest.w2c_memory.size;
    if (image.pagemap >= 0 && image.memory && restore_written_pages(vm) == 0 &&
        drop_grown(vm, current) == 0) {
        reset_globals(vm);
    } else if (map_image(vm) != 0) {
        return -1;
    }
    return wasi_copy(&vm->wasi, &image.wasi);
}
