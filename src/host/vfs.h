/*
 * vfs.h - a read-only in-memory filesystem built from an embedded blob.
 *
 * The standard library ships inside liberyx as one blob (made by
 * tools/pack_stdlib.py). vfs_open() validates it and builds an index of nodes;
 * stored file contents stay in the blob and are never copied. Deflated files
 * are inflated on first use, once per eryx_vfs, into memory that lives until
 * vfs_close(). The index is immutable once built and the inflated copies are
 * published atomically, so one eryx_vfs is shared by every vm on every thread
 * without locking. The blob must outlive the eryx_vfs.
 *
 * Blob format (all integers little endian, offsets from the start of the blob):
 *
 *   offset 0   magic       8 bytes  "ERYXFS3\0"
 *   offset 8   count       u32      number of entries
 *   offset 12  paths_size  u32      size of the path section
 *   offset 16  mtime       u64      modification time of every file and
 *                                   directory, nanoseconds since the epoch, at
 *                                   most INT64_MAX (WASI's timestamps are u64,
 *                                   the guest's time_t is signed): one time
 *                                   for the whole build, since 8 bytes per
 *                                   entry would say nothing more useful
 *   offset 24  entries     count x 20 bytes:
 *                u32 kind       1 = stored file, 2 = directory,
 *                               3 = deflated file (a zlib stream, RFC 1950)
 *                u32 path_len   length of this entry's path
 *                u32 data_off   files: offset of the contents; directories: 0
 *                u32 data_len   files: bytes in the blob; directories: 0
 *                u32 size       the file's size: data_len for a stored file;
 *                               for a deflated one its inflated size, 1 to
 *                               VFS_DEFLATE_RATIO x data_len (the most
 *                               deflate can shrink); directories: 0
 *   then       paths       paths_size bytes: every entry's path, back to back
 *                          in entry order (entry i starts where i - 1 ended),
 *                          no separators; path_len values sum to paths_size
 *   then       file data   anywhere after the path section, each file's
 *                          [data_off, data_off + data_len) inside the blob;
 *                          files may share their data
 *
 * Paths are relative to the root ("lib/python3.11/os.pyc"): non-empty, at most
 * VFS_PATH_MAX bytes, no leading or trailing '/', no empty, "." or ".."
 * component, no NUL byte. Parent directories are implied by the paths below
 * them; a directory entry is only needed for an empty directory. Entries may
 * come in any order; duplicates, and a file that is also used as a directory,
 * make the blob invalid. Because paths are stored back to back, the work to
 * index a blob is bounded by its size even when the blob is hostile.
 */
#ifndef ERYX_VFS_H
#define ERYX_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VFS_MAGIC         "ERYXFS3" /* followed by one NUL: 8 bytes */
#define VFS_HEADER_SIZE   24u
#define VFS_ENTRY_SIZE    20u
#define VFS_PATH_MAX      4096u /* longest path in a blob, and in a lookup */
#define VFS_DEFLATE_RATIO 1032u /* deflate's largest inflated / deflated size */

typedef struct eryx_vfs eryx_vfs;

/* A node of the index, 0 .. vfs_node_count() - 1. The root is VFS_ROOT. */
typedef uint32_t vfs_node;
#define VFS_ROOT ((vfs_node)0)

typedef enum {
    VFS_NONE = 0, /* not a node (an out-of-range vfs_node) */
    VFS_FILE = 1,
    VFS_DIR = 2,
} vfs_kind;

/* Outcome of vfs_resolve. */
typedef enum {
    VFS_OK = 0,
    VFS_NOENT,   /* a component does not exist, or the path is empty */
    VFS_MISSING, /* only the final component is missing: its parent directory
                    exists, so creating it would be possible on a writable fs */
    VFS_NOTDIR,  /* a component used as a directory is a file */
} vfs_status;

/* Validates `blob` and indexes it. Returns NULL on an invalid blob or when out
 * of memory, with a message in err (if errlen > 0). Never reads outside
 * [blob, blob + len). */
eryx_vfs *vfs_open(const uint8_t *blob, size_t len, char *err, size_t errlen);

/* Frees the index and the inflated copies (not the blob). NULL is ignored. */
void vfs_close(eryx_vfs *vfs);

/* Number of nodes, root included. */
uint32_t vfs_node_count(const eryx_vfs *vfs);

/* Kind of a node; VFS_NONE when `node` is out of range. */
vfs_kind vfs_node_kind(const eryx_vfs *vfs, vfs_node node);

/* Name of a node (its last path component, not NUL-terminated) and its length
 * in *len. The root's name is "" (length 0). */
const char *vfs_node_name(const eryx_vfs *vfs, vfs_node node, size_t *len);

/* Parent directory of a node; the root is its own parent. */
vfs_node vfs_parent(const eryx_vfs *vfs, vfs_node node);

/* The image's one modification time (nanoseconds since the epoch, >= 0),
 * which every node reports as its atime, mtime and ctime. */
int64_t vfs_mtime(const eryx_vfs *vfs);

/* Size of a file's contents (inflated); 0 for directories. Never inflates. */
uint64_t vfs_file_size(const eryx_vfs *vfs, vfs_node node);

/* A file's vfs_file_size() bytes of contents: into the blob for a stored
 * file; for a deflated file the copy inflated by the first call (on any
 * thread), valid until vfs_close. NULL for directories, and for a deflated
 * file whose stream is corrupt or does not inflate to exactly its size (or
 * when out of memory): callers report that as an I/O error. */
const uint8_t *vfs_file_data(const eryx_vfs *vfs, vfs_node node);

/* Number of children of a directory; 0 for files. */
uint32_t vfs_child_count(const eryx_vfs *vfs, vfs_node dir);

/* The i-th child of a directory in byte-wise name order (i < vfs_child_count). */
vfs_node vfs_child(const eryx_vfs *vfs, vfs_node dir, uint32_t i);

/* Looks up the child `name` (name_len bytes, need not be NUL-terminated) of
 * directory `dir`. Returns false when there is none or `dir` is a file. */
bool vfs_lookup(const eryx_vfs *vfs, vfs_node dir, const char *name, size_t name_len,
                vfs_node *out);

/* Resolves `path` (len bytes) against directory `start`: '/'-separated, with
 * "." and ".." (which stops at the root, so nothing escapes it) and repeated
 * slashes; a leading '/' starts at the root. A trailing '/' requires the
 * result to be a directory. Sets *out on VFS_OK; on VFS_MISSING *out is the
 * existing parent directory. */
vfs_status vfs_resolve(const eryx_vfs *vfs, vfs_node start, const char *path, size_t len,
                       vfs_node *out);

#endif
