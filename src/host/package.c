/*
 * package.c - eryx_config_add_package: pure-Python code on the guest's
 * sys.path, read-only.
 *
 * Package N is mounted at /packages/N, which the runtime appends to sys.path
 * (the count travels in the execute flags). A directory is a read-only
 * volume (volume.c): a package directory (with __init__.py) at
 * /packages/N/NAME, any other directory at /packages/N. A .whl or .zip is
 * read once into an immutable in-memory tree (stored and deflated members;
 * no zip64), and so is a single .py module. Importing a module that exists
 * only as a native extension raises ImportError naming the file (the
 * runtime's finder of last resort, _eryx_runtime.NativeExtensionFinder).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "sandbox.h"
#include "volume.h"

#define MAX_PACKAGES      32
#define MAX_ARCHIVE_BYTES (256u << 20) /* read or inflated, per archive */

static void set_error(char *errbuf, size_t errlen, const char *fmt, const char *arg) {
    if (errbuf && errlen) snprintf(errbuf, errlen, fmt, arg);
}

/* Reads a regular file of at most MAX_ARCHIVE_BYTES. */
static uint8_t *read_whole(const char *path, size_t *len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) return NULL;
    struct stat st;
    uint8_t *data = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= MAX_ARCHIVE_BYTES &&
        (data = malloc((size_t)st.st_size + 1))) {
        size_t got = 0;
        while (got < (size_t)st.st_size) {
            ssize_t r = read(fd, data + got, (size_t)st.st_size - got);
            if (r <= 0) break;
            got += (size_t)r;
        }
        if (got != (size_t)st.st_size) {
            free(data);
            data = NULL;
        }
        *len = got;
    }
    close(fd);
    return data;
}

static uint32_t le16(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}
static uint32_t le32(const uint8_t *p) {
    return le16(p) | le16(p + 2) << 16;
}

/* Adds file `name` (a relative path from an archive) with `data` to tree. */
static const char *tree_put(memfs *tree, const char *name, size_t len, const uint8_t *data,
                            size_t size) {
    memfs_node *dir = memfs_root(tree);
    size_t pos = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && name[end] != '/')
            end++;
        size_t n = end - pos;
        const char *comp = name + pos;
        if (n == 0 || (n == 1 && comp[0] == '.') || (n == 2 && comp[0] == '.' && comp[1] == '.') ||
            memchr(comp, '\\', n) || memchr(comp, 0, n))
            return "a member name is not a plain relative path";
        bool last = end == len;
        memfs_node *child = memfs_lookup(tree, dir, comp, n);
        if (!child) {
            int e = memfs_create(tree, dir, comp, n, last && data ? MEMFS_FILE : MEMFS_DIR,
                                 last && data ? 0644 : 0755, NULL, 0, &child);
            if (e) return strerror(e);
        }
        if (last && data) {
            if (child->kind != MEMFS_FILE) return "a member is both a file and a directory";
            return memfs_write(tree, child, data, size, 0) ? "out of memory" : NULL;
        }
        if (child->kind != MEMFS_DIR) return "a member is both a file and a directory";
        dir = child;
        pos = end + 1;
    }
    return NULL;
}

/* Inflates or copies one member into *out (size `usize`). */
static const char *member_data(const uint8_t *src, size_t csize, uint32_t method, size_t usize,
                               uint8_t **out) {
    *out = malloc(usize ? usize : 1);
    if (!*out) return "out of memory";
    if (method == 0) {
        if (csize != usize) return "a stored member's sizes differ";
        memcpy(*out, src, usize);
        return NULL;
    }
    if (method != 8) return "a member uses a compression other than stored or deflate";
    z_stream z = {0};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) return "out of memory";
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)csize;
    z.next_out = *out;
    z.avail_out = (uInt)usize;
    int r = inflate(&z, Z_FINISH);
    size_t got = z.total_out;
    inflateEnd(&z);
    return r == Z_STREAM_END && got == usize ? NULL : "a deflated member is corrupt";
}

/* Reads a zip archive (a wheel) into a new tree. NULL or what is wrong. */
static const char *tree_from_zip(const uint8_t *zip, size_t len, memfs **out) {
    *out = NULL;
    size_t eocd = SIZE_MAX;
    for (size_t i = len >= 22 ? len - 22 : 0; len >= 22; i--) {
        if (le32(zip + i) == 0x06054b50) {
            eocd = i;
            break;
        }
        if (i == 0 || len - i > 22 + 65535) break;
    }
    if (eocd == SIZE_MAX) return "not a zip archive";
    uint32_t count = le16(zip + eocd + 10), cd_size = le32(zip + eocd + 12);
    uint32_t cd_off = le32(zip + eocd + 16);
    if (count == 0xffff || cd_off == 0xffffffff) return "zip64 archives are not supported";
    if ((uint64_t)cd_off + cd_size > eocd) return "a corrupt zip archive (central directory)";
    memfs *tree = memfs_new((memfs_limits){0});
    if (!tree) return "out of memory";
    const char *problem = NULL;
    uint64_t total = 0;
    size_t p = cd_off;
    for (uint32_t i = 0; i < count && !problem; i++) {
        if (p + 46 > eocd || le32(zip + p) != 0x02014b50) {
            problem = "a corrupt zip archive (entry)";
            break;
        }
        uint32_t method = le16(zip + p + 10), csize = le32(zip + p + 20);
        uint32_t usize = le32(zip + p + 24), nlen = le16(zip + p + 28);
        uint32_t xlen = le16(zip + p + 30), clen = le16(zip + p + 32);
        uint32_t local = le32(zip + p + 42);
        const char *name = (const char *)zip + p + 46;
        if (p + 46 + nlen > eocd) {
            problem = "a corrupt zip archive (name)";
            break;
        }
        p += 46 + (size_t)nlen + xlen + clen;
        if (nlen == 0) continue;
        if (name[nlen - 1] == '/') { /* a directory */
            problem = tree_put(tree, name, nlen - 1, NULL, 0);
            continue;
        }
        total += usize;
        if (total > MAX_ARCHIVE_BYTES) {
            problem = "the archive inflates to more than 256 MiB";
            break;
        }
        if ((uint64_t)local + 30 > len || le32(zip + local) != 0x04034b50) {
            problem = "a corrupt zip archive (local header)";
            break;
        }
        uint64_t data = (uint64_t)local + 30 + le16(zip + local + 26) + le16(zip + local + 28);
        if (data + csize > len) {
            problem = "a corrupt zip archive (member data)";
            break;
        }
        uint8_t *bytes;
        problem = member_data(zip + data, csize, method, usize, &bytes);
        if (!problem) problem = tree_put(tree, name, nlen, bytes, usize);
        free(bytes);
    }
    if (problem) {
        memfs_free(tree);
        return problem;
    }
    memfs_clear_changed(tree);
    *out = tree;
    return NULL;
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

eryx_status eryx_config_add_package(eryx_config *config, const char *path, char *errbuf,
                                    size_t errlen) {
    if (!config || !path) {
        set_error(errbuf, errlen, "%s", "invalid argument");
        return ERYX_EINVAL;
    }
    eryx_status st = sandbox_config_fs(config);
    if (st) return st;
    fs_config *c = &config->fs;
    if (c->npackages >= MAX_PACKAGES) {
        set_error(errbuf, errlen, "%s", "more than 32 packages");
        return ERYX_EINVAL;
    }
    struct stat info;
    if (stat(path, &info) != 0) {
        set_error(errbuf, errlen, "cannot find package '%s'", path);
        return ERYX_EINVAL;
    }
    char guest[FS_PATH_MAX + 1], msg[600];
    int at = snprintf(guest, sizeof guest, "%s/%u", FS_PACKAGES_DIR, c->npackages);
    fs_mount m = {.read_only = true};
    if (S_ISDIR(info.st_mode)) {
        char init[4200];
        snprintf(init, sizeof init, "%s/__init__.py", path);
        if (access(init, F_OK) == 0) { /* a package: importable under its name */
            size_t n = strlen(path);
            while (n > 1 && path[n - 1] == '/')
                n--;
            size_t start = n;
            while (start && path[start - 1] != '/')
                start--;
            snprintf(guest + at, sizeof guest - (size_t)at, "/%.*s", (int)(n - start),
                     path + start);
        }
        m.kind = MOUNT_VOLUME;
        m.ops = &volume_mount_ops;
        m.vol = volume_open(path, true, msg, sizeof msg);
        if (!m.vol) {
            set_error(errbuf, errlen, "%s", msg);
            return ERYX_EINVAL;
        }
    } else {
        size_t len = 0;
        uint8_t *data = read_whole(path, &len);
        if (!data) {
            set_error(errbuf, errlen, "cannot read package '%s' (a regular file up to 256 MiB)",
                      path);
            return ERYX_EINVAL;
        }
        const char *problem = NULL;
        if (ends_with(path, ".py")) {
            const char *base = strrchr(path, '/');
            base = base ? base + 1 : path;
            m.tree = memfs_new((memfs_limits){0});
            problem = m.tree ? tree_put(m.tree, base, strlen(base), data, len) : "out of memory";
        } else if (ends_with(path, ".whl") || ends_with(path, ".zip")) {
            problem = tree_from_zip(data, len, &m.tree);
        } else {
            problem = "a package is a directory, a .py module, or a .whl or .zip archive";
        }
        free(data);
        if (problem) {
            memfs_free(m.tree);
            snprintf(msg, sizeof msg, "package '%.300s': %s", path, problem);
            set_error(errbuf, errlen, "%s", msg);
            return ERYX_EINVAL;
        }
        m.kind = MOUNT_PACKAGE_TREE;
        m.ops = &package_tree_ops;
    }
    m.guest_path = strdup(guest);
    const char *problem = m.guest_path ? fs_config_add_mount(c, &m) : "out of memory";
    if (problem) {
        free(m.guest_path);
        memfs_free(m.tree);
        volume_free(m.vol);
        set_error(errbuf, errlen, "%s", problem);
        return ERYX_EINVAL;
    }
    c->npackages++;
    return ERYX_OK;
}
