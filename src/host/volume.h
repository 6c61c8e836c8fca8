/*
 * volume.h - host directories mounted into the guest's namespace, confined
 * by the kernel: every path beneath a volume is opened with openat2(2)
 * and RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS from the volume's directory
 * fd, so that "..", absolute or climbing symbolic links, links swapped in
 * during a call and /proc magic links cannot leave it. The guest never sees
 * the host path. Implements the mount interface (volume_mount_ops, fs.h).
 *
 * Choices:
 *  - Only regular files and directories open: a FIFO, socket or device
 *    gives EACCES, without blocking and without reaching it (the type is
 *    checked on an O_PATH fd, and the real open is O_NONBLOCK | O_NOCTTY
 *    and must find the same inode).
 *  - The guest cannot create symbolic links on a volume (EPERM), so that
 *    nothing it leaves there points a host program elsewhere; hard links
 *    link the names given, never what a link points to. readlink of a link
 *    whose target is absolute gives EACCES (it would show host paths).
 *  - A read-only volume refuses every change with EROFS.
 *  - Writes on read-write volumes count against the namespace's
 *    per-execution budget (fs_config.write_budget): past it, EDQUOT.
 */
#ifndef ERYX_VOLUME_H
#define ERYX_VOLUME_H

#include <stdbool.h>
#include <stddef.h>

typedef struct volume volume;

/* Opens `host_dir` as a volume. NULL with a message in err when it is not
 * an existing directory, or when the kernel cannot confine paths (no
 * openat2: fail closed). */
volume *volume_open(const char *host_dir, bool read_only, char *err, size_t errlen);

/* A second handle on the same directory (for a config's copy); NULL when
 * out of fds or memory. */
volume *volume_dup(const volume *v);

void volume_free(volume *v);

/* The directory fd paths are resolved beneath. */
int volume_root_fd(const volume *v);

#endif
