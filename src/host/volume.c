/*
 * volume.c - host directories in the guest's namespace (see volume.h).
 */
#include "volume.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs.h"

struct volume {
    int root; /* O_PATH | O_DIRECTORY */
};

#define BENEATH (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)

/* openat2 beneath `dir`. An attempt to leave is EACCES; a rename racing the
 * resolution (EAGAIN) is retried. */
static int open_beneath(int dir, const char *rel, int flags, bool follow) {
    /* O_PATH takes no other flags; real opens never block or take a tty. */
    int extra = flags & O_PATH ? 0 : O_NOCTTY | O_NONBLOCK;
    struct open_how how = {.flags =
                               (uint64_t)(flags | O_CLOEXEC | extra | (follow ? 0 : O_NOFOLLOW)),
                           .resolve = BENEATH};
    if (flags & O_CREAT) how.mode = 0644;
    for (int tries = 0; tries < 8; tries++) {
        long fd = syscall(SYS_openat2, dir, rel[0] ? rel : ".", &how, sizeof how);
        if (fd >= 0) return (int)fd;
        if (errno == EXDEV) errno = EACCES;
        if (errno != EAGAIN && errno != EINTR) return -1;
    }
    return -1;
}

volume *volume_open(const char *host_dir, bool read_only, char *err, size_t errlen) {
    (void)read_only;
    int fd = host_dir ? open(host_dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd < 0) {
        snprintf(err, errlen, "cannot open host directory '%s': %s", host_dir ? host_dir : "(null)",
                 host_dir ? strerror(errno) : "NULL");
        return NULL;
    }
    int probe = open_beneath(fd, ".", O_PATH | O_DIRECTORY, true);
    if (probe < 0) {
        snprintf(err, errlen, "cannot confine paths beneath '%s': %s%s", host_dir, strerror(errno),
                 errno == ENOSYS ? " (openat2 needs Linux 5.6 or later)" : "");
        close(fd);
        return NULL;
    }
    close(probe);
    volume *v = malloc(sizeof *v);
    if (!v) {
        close(fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    v->root = fd;
    return v;
}

volume *volume_dup(const volume *v) {
    volume *d = malloc(sizeof *d);
    if (!d) return NULL;
    d->root = fcntl(v->root, F_DUPFD_CLOEXEC, 0);
    if (d->root < 0) {
        free(d);
        return NULL;
    }
    return d;
}

void volume_free(volume *v) {
    if (!v) return;
    close(v->root);
    free(v);
}

int volume_root_fd(const volume *v) {
    return v->root;
}

/* ---- the mount interface ---- */

static int fail(void) {
    return errno ? errno : EIO;
}

/* Splits t->rel into its parent (opened beneath t->vol_fd into *pfd) and
 * last name (into ns's name buffer). EBUSY when rel names the base itself. */
static int open_parent(fs_ns *ns, const fs_target *t, int *pfd, const char **name) {
    size_t len = strlen(t->rel);
    while (len && t->rel[len - 1] == '/')
        len--;
    size_t start = len;
    while (start && t->rel[start - 1] != '/')
        start--;
    if (len == start) return EBUSY;
    if (len - start > MEMFS_NAME_MAX) return ENAMETOOLONG;
    memcpy(ns->name, t->rel + start, len - start);
    ns->name[len - start] = 0;
    *name = ns->name;
    if ((len - start == 1 && ns->name[0] == '.') ||
        (len - start == 2 && !memcmp(ns->name, "..", 2)))
        return EINVAL;
    char *parent = strndup(t->rel, start);
    if (!parent) return ENOMEM;
    *pfd = open_beneath(t->vol_fd, parent, O_PATH | O_DIRECTORY, true);
    free(parent);
    return *pfd < 0 ? fail() : 0;
}

static uint8_t filetype_of(mode_t mode) {
    if (S_ISREG(mode)) return 4;
    if (S_ISDIR(mode)) return 3;
    if (S_ISLNK(mode)) return 7;
    if (S_ISCHR(mode)) return 2;
    if (S_ISBLK(mode)) return 1;
    if (S_ISSOCK(mode)) return 6;
    return 0;
}

static void fill_stat(const fs_mount *m, const struct stat *s, fs_stat *st) {
    *st = (fs_stat){.dev = m->dev, /* the host's device number stays the host's */
                    .ino = s->st_ino,
                    .nlink = s->st_nlink,
                    .size = (uint64_t)s->st_size,
                    .atime = (int64_t)s->st_atim.tv_sec * 1000000000 + s->st_atim.tv_nsec,
                    .mtime = (int64_t)s->st_mtim.tv_sec * 1000000000 + s->st_mtim.tv_nsec,
                    .ctime = (int64_t)s->st_ctim.tv_sec * 1000000000 + s->st_ctim.tv_nsec,
                    .filetype = filetype_of(s->st_mode)};
}

/* Opens an existing regular file or directory beneath the base for real:
 * its type is checked on an O_PATH fd first, and the real open must find
 * the same inode, so a FIFO or device is never opened. */
static int open_checked(const fs_target *t, int flags, bool follow, struct stat *st) {
    int probe = open_beneath(t->vol_fd, t->rel, O_PATH, follow);
    if (probe < 0) return -1;
    struct stat first;
    int r = fstat(probe, &first);
    close(probe);
    if (r != 0) return -1;
    if (S_ISLNK(first.st_mode)) {
        errno = ELOOP;
        return -1;
    }
    if (!S_ISREG(first.st_mode) && !S_ISDIR(first.st_mode)) {
        errno = EACCES;
        return -1;
    }
    if (S_ISDIR(first.st_mode) && (flags & O_ACCMODE) != O_RDONLY) {
        errno = EISDIR;
        return -1;
    }
    int fd = open_beneath(t->vol_fd, t->rel, flags, follow);
    if (fd < 0) return -1;
    if (fstat(fd, st) != 0 || st->st_ino != first.st_ino || st->st_dev != first.st_dev) {
        close(fd);
        errno = EACCES;
        return -1;
    }
    return fd;
}

static int vol_open(fs_ns *ns, const fs_mount *m, const fs_target *t, const fs_open_args *a,
                    eryx_wasi_fd *fd) {
    (void)ns;
    bool write = a->write;
    if (m->read_only && (write || a->trunc)) return EROFS;
    int flags = write ? (a->read ? O_RDWR : O_WRONLY) : O_RDONLY;
    if (a->directory) flags |= O_DIRECTORY;
    if (a->trunc && write) flags |= O_TRUNC;
    struct stat st;
    int host = -1;
    if (a->creat && !m->read_only) {
        /* O_CREAT | O_EXCL makes a new regular file or fails; without
         * O_EXCL, try the existing one first. */
        if (!a->excl) host = open_checked(t, flags, a->follow, &st);
        if (host < 0 && (a->excl || errno == ENOENT)) {
            host = open_beneath(t->vol_fd, t->rel, flags | O_CREAT | O_EXCL, false);
            if (host >= 0 && (fstat(host, &st) != 0 || !S_ISREG(st.st_mode))) {
                close(host);
                host = -1;
                errno = EACCES;
            }
        }
    } else {
        host = open_checked(t, flags, a->follow, &st);
        if (host < 0 && errno == ENOENT && a->creat) errno = EROFS;
    }
    if (host < 0) return fail();
    fd->kind = S_ISDIR(st.st_mode) ? WASI_FD_DIR : WASI_FD_FILE;
    fd->host_fd = host;
    fd->node = st.st_ino;
    return 0;
}

static void vol_close(fs_ns *ns, const fs_mount *m, eryx_wasi_fd *fd) {
    (void)ns, (void)m, (void)fd; /* the wasi layer closes host_fd */
}

static int vol_stat(fs_ns *ns, const fs_mount *m, const fs_target *t, bool follow, fs_stat *st) {
    (void)ns;
    int probe = open_beneath(t->vol_fd, t->rel, O_PATH, follow);
    if (probe < 0) return fail();
    struct stat s;
    int r = fstat(probe, &s);
    close(probe);
    if (r != 0) return fail();
    fill_stat(m, &s, st);
    return 0;
}

static int vol_fstat(fs_ns *ns, const fs_mount *m, const eryx_wasi_fd *fd, fs_stat *st) {
    (void)ns;
    struct stat s;
    if (fstat(fd->host_fd, &s) != 0) return fail();
    fill_stat(m, &s, st);
    return 0;
}

static int vol_read(fs_ns *ns, const fs_mount *m, const eryx_wasi_fd *fd, void *buf, size_t n,
                    uint64_t off, size_t *done) {
    (void)ns, (void)m;
    if (off > INT64_MAX) return EINVAL;
    ssize_t r;
    do
        r = pread(fd->host_fd, buf, n, (off_t)off);
    while (r < 0 && errno == EINTR);
    if (r < 0) return fail();
    *done = (size_t)r;
    return 0;
}

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static int vol_readdir(fs_ns *ns, const fs_mount *m, const eryx_wasi_fd *fd, uint64_t cookie,
                       fs_dirent *out) {
    (void)m;
    if (cookie > INT64_MAX || lseek(fd->host_fd, (off_t)cookie, SEEK_SET) < 0) return fail();
    char buf[sizeof(struct linux_dirent64) + MEMFS_NAME_MAX + 16];
    long n = syscall(SYS_getdents64, fd->host_fd, buf, sizeof buf);
    if (n < 0) return fail();
    if (n == 0) return ENOENT;
    const struct linux_dirent64 *d = (const struct linux_dirent64 *)buf;
    size_t len = strnlen(d->d_name, MEMFS_NAME_MAX);
    memcpy(ns->name, d->d_name, len);
    static const uint8_t types[16] = {
        [DT_REG] = 4, [DT_DIR] = 3, [DT_LNK] = 7, [DT_CHR] = 2, [DT_BLK] = 1, [DT_SOCK] = 6};
    *out = (fs_dirent){.next = (uint64_t)d->d_off,
                       .ino = d->d_ino,
                       .name = ns->name,
                       .name_len = len,
                       .filetype = types[d->d_type & 15]};
    return 0;
}

static int vol_readlink(fs_ns *ns, const fs_mount *m, const fs_target *t, const char **text,
                        size_t *len) {
    (void)m;
    int pfd;
    const char *name;
    int e = open_parent(ns, t, &pfd, &name);
    if (e) return e == EBUSY ? EINVAL : e;
    char *buf = ns->path[1];
    ssize_t n = readlinkat(pfd, name, buf, MEMFS_LINK_MAX);
    e = n < 0 ? fail() : 0;
    close(pfd);
    if (e) return e;
    if (n > 0 && buf[0] == '/') return EACCES; /* would show a host path */
    *text = buf;
    *len = (size_t)n;
    return 0;
}

static int vol_write(fs_ns *ns, const fs_mount *m, eryx_wasi_fd *fd, const void *buf, size_t n,
                     uint64_t *off, size_t *done) {
    if (m->read_only) return EROFS;
    uint64_t budget = ns->config->write_budget;
    if (budget && (ns->written >= budget || n > budget - ns->written)) return EDQUOT;
    uint64_t at = *off;
    if (at == UINT64_MAX) {
        struct stat s;
        if (fstat(fd->host_fd, &s) != 0) return fail();
        at = (uint64_t)s.st_size;
    }
    if (at > INT64_MAX) return EFBIG;
    ssize_t r;
    do
        r = pwrite(fd->host_fd, buf, n, (off_t)at);
    while (r < 0 && errno == EINTR);
    if (r < 0) return fail();
    ns->written += (uint64_t)r;
    *done = (size_t)r;
    *off = at + (uint64_t)r;
    return 0;
}

static int vol_truncate(fs_ns *ns, const fs_mount *m, const eryx_wasi_fd *fd, uint64_t size) {
    (void)ns;
    if (m->read_only) return EROFS;
    return ftruncate(fd->host_fd, (off_t)size) == 0 ? 0 : fail();
}

static int vol_set_times(fs_ns *ns, const fs_mount *m, const fs_target *t, const eryx_wasi_fd *fd,
                         bool follow, int64_t atime, int64_t mtime) {
    (void)ns;
    if (m->read_only) return EROFS;
    struct timespec ts[2];
    int64_t v[2] = {atime, mtime};
    for (int i = 0; i < 2; i++) {
        if (v[i] == -1)
            ts[i] = (struct timespec){.tv_nsec = UTIME_OMIT};
        else if (v[i] == -2)
            ts[i] = (struct timespec){.tv_nsec = UTIME_NOW};
        else
            ts[i] = (struct timespec){.tv_sec = v[i] / 1000000000, .tv_nsec = v[i] % 1000000000};
    }
    if (fd) return futimens(fd->host_fd, ts) == 0 ? 0 : fail();
    struct stat st;
    int host = open_checked(t, O_RDONLY, follow, &st);
    if (host < 0) return errno == ELOOP && !follow ? ENOTSUP : fail();
    int e = futimens(host, ts) == 0 ? 0 : fail();
    close(host);
    return e;
}

/* The checks a change of (pfd, name) on a read-only volume makes before
 * EROFS: ENOENT for a missing name (want_missing false) or EEXIST for an
 * existing one (true). */
static int read_only_error(int pfd, const char *name, bool want_missing) {
    struct stat st;
    bool exists = fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (want_missing) return exists ? EEXIST : EROFS;
    return exists ? EROFS : ENOENT;
}

static int vol_mkdir(fs_ns *ns, const fs_mount *m, const fs_target *t) {
    int pfd;
    const char *name;
    int e = open_parent(ns, t, &pfd, &name);
    if (e) return e == EBUSY || e == EINVAL ? EEXIST : e;
    if (m->read_only)
        e = read_only_error(pfd, name, true);
    else
        e = mkdirat(pfd, name, 0755) == 0 ? 0 : fail();
    close(pfd);
    return e;
}

static int vol_remove(fs_ns *ns, const fs_mount *m, const fs_target *t, bool dir) {
    int pfd;
    const char *name;
    int e = open_parent(ns, t, &pfd, &name);
    if (e) return e;
    if (m->read_only)
        e = read_only_error(pfd, name, false);
    else
        e = unlinkat(pfd, name, dir ? AT_REMOVEDIR : 0) == 0 ? 0 : fail();
    close(pfd);
    return e;
}

/* rename (link false) or link (true) of from to to, both on this volume. */
static int vol_move(fs_ns *ns, const fs_mount *m, const fs_target *from, const fs_target *to,
                    bool link) {
    int pfrom, pto;
    const char *name;
    int e = open_parent(ns, from, &pfrom, &name);
    if (e) return e;
    char from_name[MEMFS_NAME_MAX + 1];
    snprintf(from_name, sizeof from_name, "%s", name);
    e = open_parent(ns, to, &pto, &name);
    if (e) {
        close(pfrom);
        return e;
    }
    if (m->read_only)
        e = read_only_error(pfrom, from_name, false);
    else if (link) /* flags 0: the name itself, never what a link points to */
        e = linkat(pfrom, from_name, pto, name, 0) == 0 ? 0 : fail();
    else
        e = renameat(pfrom, from_name, pto, name) == 0 ? 0 : fail();
    close(pfrom);
    close(pto);
    return e;
}

static int vol_rename(fs_ns *ns, const fs_mount *m, const fs_target *from, const fs_target *to) {
    return vol_move(ns, m, from, to, false);
}

static int vol_link(fs_ns *ns, const fs_mount *m, const fs_target *from, const fs_target *to) {
    return vol_move(ns, m, from, to, true);
}

static int vol_symlink(fs_ns *ns, const fs_mount *m, const char *text, size_t len,
                       const fs_target *t) {
    (void)text, (void)len;
    int pfd;
    const char *name;
    int e = open_parent(ns, t, &pfd, &name);
    if (e) return e == EBUSY || e == EINVAL ? EEXIST : e;
    e = read_only_error(pfd, name, true);
    close(pfd);
    return e == EROFS && !m->read_only ? EPERM : e; /* no links made by the guest */
}

const mount_ops volume_mount_ops = {
    .open = vol_open,
    .close = vol_close,
    .stat = vol_stat,
    .fstat = vol_fstat,
    .read = vol_read,
    .readdir = vol_readdir,
    .readlink = vol_readlink,
    .write = vol_write,
    .truncate = vol_truncate,
    .set_times = vol_set_times,
    .mkdir = vol_mkdir,
    .remove = vol_remove,
    .rename = vol_rename,
    .link = vol_link,
    .symlink = vol_symlink,
};
