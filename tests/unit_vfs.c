/*
 * unit_vfs.c - tests of src/host/vfs.c alone: parsing, lookups, listing,
 * path resolution, deflated files (shared by threads, corrupt streams) and
 * the rejection of corrupt images.
 *
 * Usage: unit_vfs [IMAGE]   (IMAGE: a real stdlib image to check as well)
 * Prints "N passed, N failed"; exits 1 on any failure.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "vfs.h"

typedef struct {
    int passed, failed;
} results;

#define CHECK(r, cond)                                                                             \
    do {                                                                                           \
        if (cond) {                                                                                \
            (r)->passed++;                                                                         \
        } else {                                                                                   \
            (r)->failed++;                                                                         \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                        \
        }                                                                                          \
    } while (0)

/* ---- building images in memory ---- */

typedef struct {
    unsigned kind; /* 1 file, 2 dir, 3 deflated file (data given inflated) */
    const char *path;
    const char *data; /* files only */
} spec;

typedef struct {
    uint8_t *p;
    size_t len;
} image;

static void wr32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The time make_image gives every node: 3.11.2's release, in nanoseconds. */
#define TEST_MTIME 1675777920000000000LL

/* The bytes an entry stores: deflated data for kind 3 (malloc'd). */
static uint8_t *stored_bytes(const spec *s, size_t *len) {
    size_t n = s->data ? strlen(s->data) : 0;
    uLongf out = compressBound(n);
    uint8_t *p = malloc(out + 1);
    if (s->kind == 3)
        compress2(p, &out, (const Bytef *)s->data, n, 9);
    else
        memcpy(p, s->data ? s->data : "", (out = n));
    *len = out;
    return p;
}

/* Lays out an image exactly as vfs.h describes it. */
static image make_image(const spec *s, size_t n) {
    size_t paths = 0, data = 0, len;
    for (size_t i = 0; i < n; i++) {
        paths += strlen(s[i].path);
        free(stored_bytes(&s[i], &len));
        data += len;
    }
    size_t table = VFS_HEADER_SIZE + n * VFS_ENTRY_SIZE;
    image img = {calloc(1, table + paths + data + 1), table + paths + data};
    memcpy(img.p, VFS_MAGIC, 8);
    wr32(img.p + 8, (uint32_t)n);
    wr32(img.p + 12, (uint32_t)paths);
    wr32(img.p + 16, (uint32_t)TEST_MTIME);
    wr32(img.p + 20, (uint32_t)(TEST_MTIME >> 32));
    size_t poff = table, doff = table + paths;
    for (size_t i = 0; i < n; i++) {
        uint8_t *e = img.p + VFS_HEADER_SIZE + i * VFS_ENTRY_SIZE;
        size_t plen = strlen(s[i].path);
        uint8_t *stored = stored_bytes(&s[i], &len);
        bool file = s[i].kind != 2;
        wr32(e, s[i].kind);
        wr32(e + 4, (uint32_t)plen);
        wr32(e + 8, file ? (uint32_t)doff : 0);
        wr32(e + 12, file ? (uint32_t)len : 0);
        wr32(e + 16, s[i].data ? (uint32_t)strlen(s[i].data) : 0);
        memcpy(img.p + poff, s[i].path, plen);
        memcpy(img.p + doff, stored, len);
        free(stored);
        poff += plen;
        doff += len;
    }
    return img;
}

/* True when the image is rejected with a message. */
static bool rejects(const spec *s, size_t n) {
    image img = make_image(s, n);
    char err[200] = "";
    eryx_vfs *vfs = vfs_open(img.p, img.len, err, sizeof err);
    vfs_close(vfs);
    free(img.p);
    return vfs == NULL && err[0] != '\0';
}

static const spec TREE[] = {
    {1, "lib/python3.11/os.pyc", "OS"},
    {1, "lib/python3.11/json/decoder.pyc", "DEC"},
    {1, "lib/python3.11/json/__init__.pyc", "JSON"},
    {2, "lib/python3.11/lib-dynload", NULL},
    {2, "lib", NULL}, /* explicit and implied at once */
    {1, "lib/python3.11/abc.pyc", ""},
    {1, "lib/python3.11/json.pyc-not-a-dir", "X"},
};
#define TREE_N (sizeof TREE / sizeof TREE[0])

static vfs_status resolve(const eryx_vfs *vfs, vfs_node start, const char *path, vfs_node *out) {
    return vfs_resolve(vfs, start, path, strlen(path), out);
}

static bool name_is(const eryx_vfs *vfs, vfs_node node, const char *want) {
    size_t len;
    const char *name = vfs_node_name(vfs, node, &len);
    return len == strlen(want) && memcmp(name, want, len) == 0;
}

/* ---- tests ---- */

static void test_tree(results *r, const eryx_vfs *vfs, const image *img) {
    vfs_node lib, py, os, json, dec, dyn;
    CHECK(r, vfs_node_kind(vfs, VFS_ROOT) == VFS_DIR);
    CHECK(r, vfs_child_count(vfs, VFS_ROOT) == 1);
    CHECK(r, name_is(vfs, vfs_child(vfs, VFS_ROOT, 0), "lib"));
    CHECK(r, vfs_lookup(vfs, VFS_ROOT, "lib", 3, &lib) && vfs_node_kind(vfs, lib) == VFS_DIR);
    CHECK(r, vfs_lookup(vfs, lib, "python3.11", 10, &py));
    CHECK(r, vfs_parent(vfs, py) == lib && vfs_parent(vfs, lib) == VFS_ROOT);
    CHECK(r, vfs_parent(vfs, VFS_ROOT) == VFS_ROOT);
    CHECK(r, vfs_lookup(vfs, py, "os.pyc", 6, &os) && vfs_node_kind(vfs, os) == VFS_FILE);
    CHECK(r, vfs_file_size(vfs, os) == 2 && memcmp(vfs_file_data(vfs, os), "OS", 2) == 0);
    /* contents are not copied: they point into the image */
    CHECK(r, vfs_file_data(vfs, os) > img->p && vfs_file_data(vfs, os) < img->p + img->len);
    CHECK(r, vfs_lookup(vfs, py, "json", 4, &json) && vfs_child_count(vfs, json) == 2);
    CHECK(r, name_is(vfs, vfs_child(vfs, json, 0), "__init__.pyc"));
    CHECK(r, name_is(vfs, vfs_child(vfs, json, 1), "decoder.pyc"));
    CHECK(r, vfs_lookup(vfs, json, "decoder.pyc", 11, &dec) && vfs_file_size(vfs, dec) == 3);
    CHECK(r, vfs_lookup(vfs, py, "lib-dynload", 11, &dyn) && vfs_node_kind(vfs, dyn) == VFS_DIR);
    CHECK(r, vfs_child_count(vfs, dyn) == 0);
    CHECK(r, vfs_file_data(vfs, dyn) == NULL && vfs_file_size(vfs, dyn) == 0);
    CHECK(r, !vfs_lookup(vfs, py, "nope", 4, &dec));
    CHECK(r, !vfs_lookup(vfs, os, "x", 1, &dec));                   /* a file has no children */
    CHECK(r, !vfs_lookup(vfs, lib, "python3.11/os.pyc", 17, &dec)); /* one name only */
    CHECK(r, vfs_node_kind(vfs, vfs_node_count(vfs)) == VFS_NONE);
    CHECK(r, vfs_node_count(vfs) == 10); /* root lib py os json x2 dyn abc json.pyc-.. */
    CHECK(r, vfs_mtime(vfs) == TEST_MTIME);
}

static void test_listing_order(results *r, const eryx_vfs *vfs) {
    vfs_node py;
    CHECK(r, resolve(vfs, VFS_ROOT, "lib/python3.11", &py) == VFS_OK);
    const char *want[] = {"abc.pyc", "json", "json.pyc-not-a-dir", "lib-dynload", "os.pyc"};
    CHECK(r, vfs_child_count(vfs, py) == 5);
    for (uint32_t i = 0; i < 5; i++)
        CHECK(r, name_is(vfs, vfs_child(vfs, py, i), want[i]));
}

static void test_resolve(results *r, const eryx_vfs *vfs) {
    vfs_node os, n, lib, py;
    CHECK(r, resolve(vfs, VFS_ROOT, "lib/python3.11/os.pyc", &os) == VFS_OK);
    CHECK(r, resolve(vfs, VFS_ROOT, "lib", &lib) == VFS_OK);
    CHECK(r, resolve(vfs, VFS_ROOT, "lib/python3.11", &py) == VFS_OK);
    CHECK(r, resolve(vfs, VFS_ROOT, "/lib/./python3.11//json/../os.pyc", &n) == VFS_OK && n == os);
    CHECK(r, resolve(vfs, py, "os.pyc", &n) == VFS_OK && n == os);
    CHECK(r, resolve(vfs, py, "/lib", &n) == VFS_OK && n == lib); /* absolute: from root */
    CHECK(r, resolve(vfs, py, "../../../../../lib", &n) == VFS_OK && n == lib);
    CHECK(r, resolve(vfs, VFS_ROOT, "..", &n) == VFS_OK && n == VFS_ROOT);
    CHECK(r, resolve(vfs, VFS_ROOT, ".", &n) == VFS_OK && n == VFS_ROOT);
    CHECK(r, resolve(vfs, VFS_ROOT, "/", &n) == VFS_OK && n == VFS_ROOT);
    CHECK(r, resolve(vfs, VFS_ROOT, "lib/", &n) == VFS_OK && n == lib);
    CHECK(r, resolve(vfs, VFS_ROOT, "", &n) == VFS_NOENT);
    CHECK(r, resolve(vfs, VFS_ROOT, "lib/python3.11/os.pyc/", &n) == VFS_NOTDIR);
    CHECK(r, resolve(vfs, VFS_ROOT, "lib/python3.11/os.pyc/x", &n) == VFS_NOTDIR);
    CHECK(r, resolve(vfs, VFS_ROOT, "lib/python3.11/os.pyc/..", &n) == VFS_NOTDIR);
    CHECK(r, resolve(vfs, os, "x", &n) == VFS_NOTDIR); /* start must be a directory */
    CHECK(r, resolve(vfs, VFS_ROOT, "lib/nope", &n) == VFS_MISSING && n == lib);
    CHECK(r, resolve(vfs, VFS_ROOT, "lib/nope//", &n) == VFS_MISSING && n == lib);
    CHECK(r, resolve(vfs, VFS_ROOT, "lib/nope/x", &n) == VFS_NOENT);
    CHECK(r, resolve(vfs, VFS_ROOT, "lib/nope/..", &n) == VFS_NOENT);
    CHECK(r, vfs_resolve(vfs, VFS_ROOT, "lib\0x", 5, &n) == VFS_MISSING); /* NUL is no name */
    char long_path[VFS_PATH_MAX + 2];
    memset(long_path, '/', sizeof long_path - 1);
    long_path[sizeof long_path - 1] = '\0';
    CHECK(r, resolve(vfs, VFS_ROOT, long_path, &n) == VFS_NOENT);
}

static void test_valid_images(results *r) {
    image img = make_image(TREE, TREE_N);
    char err[200];
    eryx_vfs *vfs = vfs_open(img.p, img.len, err, sizeof err);
    CHECK(r, vfs != NULL);
    if (vfs) {
        test_tree(r, vfs, &img);
        test_listing_order(r, vfs);
        test_resolve(r, vfs);
    }
    vfs_close(vfs);
    free(img.p);

    /* entry order does not matter */
    spec rev[TREE_N];
    for (size_t i = 0; i < TREE_N; i++)
        rev[i] = TREE[TREE_N - 1 - i];
    img = make_image(rev, TREE_N);
    vfs = vfs_open(img.p, img.len, err, sizeof err);
    vfs_node n;
    CHECK(r, vfs && resolve(vfs, VFS_ROOT, "lib/python3.11/json/decoder.pyc", &n) == VFS_OK);
    vfs_close(vfs);
    free(img.p);

    /* Byte order is not the index order ('/' sorts before every other byte
     * of a name): such entries are sorted, and the tree is the same. */
    spec mixed[] = {{1, "a-b/x", "1"}, {1, "a/b", "2"}, {1, "a0", "3"}};
    img = make_image(mixed, 3);
    vfs = vfs_open(img.p, img.len, err, sizeof err);
    CHECK(r, vfs && vfs_child_count(vfs, VFS_ROOT) == 3);
    for (size_t i = 0; vfs && i < 3; i++)
        CHECK(r, resolve(vfs, VFS_ROOT, mixed[i].path, &n) == VFS_OK);
    CHECK(r, vfs && resolve(vfs, VFS_ROOT, "a", &n) == VFS_OK && vfs_child(vfs, VFS_ROOT, 0) == n);
    vfs_close(vfs);
    free(img.p);

    /* an empty image is a valid empty root */
    img = make_image(NULL, 0);
    vfs = vfs_open(img.p, img.len, err, sizeof err);
    CHECK(r, vfs && vfs_node_count(vfs) == 1 && vfs_child_count(vfs, VFS_ROOT) == 0);
    vfs_close(vfs);
    free(img.p);
}

static void test_bad_paths(results *r) {
    const char *bad[] = {"/abs", "trail/", "a//b", ".", "..", "a/./b", "a/../b", "a/.."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        spec s[] = {{1, bad[i], "x"}};
        CHECK(r, rejects(s, 1));
    }
    spec dup[] = {{1, "a/b", "x"}, {1, "a/b", "y"}};
    CHECK(r, rejects(dup, 2));
    spec dupdir[] = {{2, "a/b", NULL}, {2, "a/b", NULL}};
    CHECK(r, rejects(dupdir, 2));
    spec file_as_dir[] = {{1, "a", "x"}, {1, "a/b", "y"}};
    CHECK(r, rejects(file_as_dir, 2));
    spec file_and_dir[] = {{1, "a", "x"}, {2, "a", NULL}};
    CHECK(r, rejects(file_and_dir, 2));
    spec bad_kind[] = {{4, "a", "x"}};
    CHECK(r, rejects(bad_kind, 1));
    spec empty_deflated[] = {{3, "a", NULL}}; /* deflated files are not empty */
    CHECK(r, rejects(empty_deflated, 1));
}

/* Patches one field of a valid image and expects rejection. */
static bool rejects_patched(size_t at, uint32_t value) {
    spec s[] = {{1, "a/b", "data"}, {2, "c", NULL}};
    image img = make_image(s, 2);
    wr32(img.p + at, value);
    char err[200] = "";
    eryx_vfs *vfs = vfs_open(img.p, img.len, err, sizeof err);
    vfs_close(vfs);
    free(img.p);
    return vfs == NULL && err[0] != '\0';
}

static void test_corrupt(results *r) {
    const size_t e0 = VFS_HEADER_SIZE, e1 = VFS_HEADER_SIZE + VFS_ENTRY_SIZE;
    CHECK(r, rejects_patched(0, 0x59524546));       /* magic */
    CHECK(r, rejects_patched(8, 3));                /* count past the table */
    CHECK(r, rejects_patched(8, 0xffffffffu));      /* huge count */
    CHECK(r, rejects_patched(12, 2));               /* path section too small */
    CHECK(r, rejects_patched(12, 0xfffffff0u));     /* path section past the end */
    CHECK(r, rejects_patched(e0 + 4, 4));           /* path lengths do not add up */
    CHECK(r, rejects_patched(e0 + 4, 0xffffffffu)); /* path past its section */
    CHECK(r, rejects_patched(e0 + 8, 0));           /* data inside the header */
    CHECK(r, rejects_patched(e0 + 8, 0xfffffffeu)); /* data past the end */
    CHECK(r, rejects_patched(e0 + 12, 5));          /* data one byte too long */
    CHECK(r, rejects_patched(e1 + 12, 1));          /* a directory with data */
    CHECK(r, rejects_patched(e1 + 16, 1));          /* a directory with a size */
    CHECK(r, rejects_patched(e0 + 16, 3));          /* a stored file's size is its length */
    CHECK(r, rejects_patched(e1, 0));               /* kind 0 */
    CHECK(r, rejects_patched(20, 0x80000000u));     /* mtime past INT64_MAX */
    CHECK(r, !rejects_patched(20, 0x7fffffffu));    /* INT64_MAX's high word is fine */

    char err[200];
    CHECK(r, vfs_open(NULL, 0, err, sizeof err) == NULL);
    CHECK(r, vfs_open((const uint8_t *)"ERYXFS1", 8, err, sizeof err) == NULL);
    CHECK(r, vfs_open((const uint8_t *)"ERYXFS1", 8, NULL, 0) == NULL); /* no err buffer */
    image old = make_image(NULL, 0); /* the previous version, without mtime: rejected */
    memcpy(old.p, "ERYXFS2", 8);
    CHECK(r, vfs_open(old.p, old.len, err, sizeof err) == NULL && strstr(err, "magic"));
    free(old.p);

    /* every truncation of a valid image fails cleanly */
    spec s[] = {{1, "lib/x.pyc", "abc"}, {1, "lib/y.pyc", "de"}};
    image img = make_image(s, 2);
    int bad = 0;
    for (size_t len = 0; len < img.len; len++) {
        uint8_t *copy = malloc(len ? len : 1); /* exact size: ASan sees overreads */
        memcpy(copy, img.p, len);
        eryx_vfs *vfs = vfs_open(copy, len, err, sizeof err);
        bad += vfs != NULL;
        vfs_close(vfs);
        free(copy);
    }
    CHECK(r, bad == 0);

    /* flipping any byte either still parses or fails cleanly (run under ASan) */
    for (size_t i = 0; i < img.len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            uint8_t *copy = malloc(img.len);
            memcpy(copy, img.p, img.len);
            copy[i] ^= (uint8_t)(1u << bit);
            vfs_close(vfs_open(copy, img.len, err, sizeof err));
            free(copy);
        }
    }
    free(img.p);
}

/* Patches a deflated file "a" (contents "hello hello hello"): its entry at
 * offset `field` with `value`, or (field 0) byte `at` of its stream xor
 * `value`. Returns -1 when vfs_open rejects the image, 0 when vfs_file_data
 * gives NULL, 1 when it gives the right contents, 2 for wrong contents (-2:
 * a second call answers differently). */
static int deflated_patched(size_t field, size_t at, uint32_t value) {
    spec s[] = {{3, "a", "hello hello hello"}};
    image img = make_image(s, 1);
    const size_t e0 = VFS_HEADER_SIZE, stream = VFS_HEADER_SIZE + VFS_ENTRY_SIZE + 1;
    if (field)
        wr32(img.p + e0 + field, value);
    else
        img.p[stream + at] ^= (uint8_t)value;
    char err[200];
    eryx_vfs *vfs = vfs_open(img.p, img.len, err, sizeof err);
    int outcome = -1; /* rejected by vfs_open */
    vfs_node n;
    if (vfs && vfs_lookup(vfs, VFS_ROOT, "a", 1, &n)) {
        const uint8_t *d = vfs_file_data(vfs, n);
        outcome = d == NULL ? 0 : memcmp(d, "hello hello hello", vfs_file_size(vfs, n)) ? 2 : 1;
        if (vfs_file_data(vfs, n) != d) outcome = -2; /* the answer must be remembered */
    }
    vfs_close(vfs);
    free(img.p);
    return outcome;
}

typedef struct {
    const eryx_vfs *vfs;
    vfs_node node;
    const uint8_t *seen;
} reader;

static void *read_deflated(void *arg) {
    reader *rd = arg;
    rd->seen = vfs_file_data(rd->vfs, rd->node);
    return NULL;
}

static void test_deflated(results *r) {
    char big[20000];
    for (size_t i = 0; i < sizeof big - 1; i++)
        big[i] = (char)('a' + (i * i) % 26);
    big[sizeof big - 1] = '\0';
    spec s[] = {{3, "lib/python3.11/os.py", big}, {1, "lib/python3.11/x.pyc", "PYC"}};
    image img = make_image(s, 2);
    char err[200];
    eryx_vfs *vfs = vfs_open(img.p, img.len, err, sizeof err);
    vfs_node os, pyc;
    CHECK(r, vfs && resolve(vfs, VFS_ROOT, "/lib/python3.11/os.py", &os) == VFS_OK);
    CHECK(r, vfs && resolve(vfs, VFS_ROOT, "/lib/python3.11/x.pyc", &pyc) == VFS_OK);
    if (vfs) {
        CHECK(r, vfs_node_kind(vfs, os) == VFS_FILE && vfs_file_size(vfs, os) == strlen(big));
        /* threads racing on the first read all get the same, whole copy */
        enum { T = 8 };
        pthread_t t[T];
        reader rd[T];
        for (int i = 0; i < T; i++) {
            rd[i] = (reader){vfs, os, NULL};
            pthread_create(&t[i], NULL, read_deflated, &rd[i]);
        }
        for (int i = 0; i < T; i++)
            pthread_join(t[i], NULL);
        const uint8_t *d = vfs_file_data(vfs, os);
        int same = 0;
        for (int i = 0; i < T; i++)
            same += rd[i].seen == d;
        CHECK(r, d && same == T && memcmp(d, big, strlen(big)) == 0);
        /* a copy, not the blob; stored files still point into the blob */
        CHECK(r, d < img.p || d >= img.p + img.len);
        CHECK(r, vfs_file_data(vfs, pyc) > img.p && vfs_file_data(vfs, pyc) < img.p + img.len);
    }
    vfs_close(vfs); /* frees the copy: ASan reports a leak otherwise */
    free(img.p);

    const size_t size = 16, stored = 12;
    CHECK(r, deflated_patched(0, 0, 0) == 1);               /* intact */
    CHECK(r, deflated_patched(size, 0, 18) == 0);           /* claims one byte more */
    CHECK(r, deflated_patched(size, 0, 16) == 0);           /* one byte less */
    CHECK(r, deflated_patched(stored, 0, 1) == 0);          /* stream cut short */
    CHECK(r, deflated_patched(size, 0, 0) == -1);           /* size 0 */
    CHECK(r, deflated_patched(size, 0, 0xffffffffu) == -1); /* past deflate's ratio */
    CHECK(r, deflated_patched(0, 0, 0x20) == 0);            /* zlib header bit */
    CHECK(r, deflated_patched(0, 8, 0x01) == 0);            /* adler-32 / data */
    /* every single-bit flip of the stream is caught or harmless (padding bits) */
    spec one[] = {{3, "a", "hello hello hello"}};
    image ref = make_image(one, 1);
    size_t slen = ref.len - (VFS_HEADER_SIZE + VFS_ENTRY_SIZE + 1);
    free(ref.p);
    int wrong = 0;
    for (size_t at = 0; at < slen; at++) {
        for (int bit = 0; bit < 8; bit++) {
            int outcome = deflated_patched(0, at, 1u << bit);
            wrong += outcome != 0 && outcome != 1;
        }
    }
    CHECK(r, wrong == 0);
}

/* A large flat directory: lookups by binary search find every child. */
static void test_many(results *r) {
    enum { N = 2000 };
    spec *s = calloc(N, sizeof *s);
    char(*names)[32] = calloc(N, sizeof *names);
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "d%d/f%05d", i % 7, (i * 7919) % N);
        s[i] = (spec){1, names[i], "z"};
    }
    image img = make_image(s, N);
    char err[200];
    eryx_vfs *vfs = vfs_open(img.p, img.len, err, sizeof err);
    CHECK(r, vfs != NULL);
    int missing = 0;
    for (int i = 0; vfs && i < N; i++) {
        vfs_node n;
        missing += resolve(vfs, VFS_ROOT, names[i], &n) != VFS_OK;
    }
    CHECK(r, missing == 0);
    vfs_close(vfs);
    free(img.p);
    free(names);
    free(s);
}

/* Checks a real stdlib image made by tools/pack_stdlib.py. */
static void test_real_image(results *r, const char *path) {
    FILE *f = fopen(path, "rb");
    CHECK(r, f != NULL);
    if (!f) return;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *blob = malloc((size_t)len);
    CHECK(r, fread(blob, 1, (size_t)len, f) == (size_t)len);
    fclose(f);
    char err[200];
    eryx_vfs *vfs = vfs_open(blob, (size_t)len, err, sizeof err);
    CHECK(r, vfs != NULL);
    if (vfs) {
        vfs_node n;
        CHECK(r, vfs_child_count(vfs, VFS_ROOT) == 2);       /* lib, usr */
        CHECK(r, vfs_mtime(vfs) > 946684800LL * 1000000000); /* the build's, after 2000 */
        CHECK(r, resolve(vfs, VFS_ROOT, "/lib/python3.11/__pycache__/os.cpython-311.pyc", &n) ==
                     VFS_OK);
        /* 3.11's bytecode magic, then flags 1: hash-based, unchecked */
        CHECK(r,
              vfs_file_size(vfs, n) > 16 && memcmp(vfs_file_data(vfs, n), "\xa7\x0d\r\n", 4) == 0);
        CHECK(r, vfs_file_data(vfs, n)[4] == 1);
        CHECK(r, resolve(vfs, VFS_ROOT, "lib/python3.11/encodings/utf_8.py", &n) == VFS_OK);
        const char *src = (const char *)vfs_file_data(vfs, n); /* a deflated source */
        CHECK(r, src && strstr(src, "Python 'utf-8' Codec") != NULL);
        CHECK(r, resolve(vfs, VFS_ROOT, "lib/python3.11/lib-dynload", &n) == VFS_OK);
        CHECK(r, resolve(vfs, VFS_ROOT, "lib/python3.11/os.pyc", &n) == VFS_MISSING);
        CHECK(r, resolve(vfs, VFS_ROOT, "lib/python3.11/test", &n) == VFS_MISSING);
        CHECK(r, resolve(vfs, VFS_ROOT, "usr/share/zoneinfo/Europe/Paris", &n) == VFS_OK);
        CHECK(r, vfs_file_data(vfs, n) && memcmp(vfs_file_data(vfs, n), "TZif", 4) == 0);
    } else {
        fprintf(stderr, "%s: %s\n", path, err);
    }
    vfs_close(vfs);
    free(blob);
}

int main(int argc, char **argv) {
    results r = {0, 0};
    test_valid_images(&r);
    test_bad_paths(&r);
    test_corrupt(&r);
    test_deflated(&r);
    test_many(&r);
    if (argc > 1) test_real_image(&r, argv[1]);
    printf("%d passed, %d failed\n", r.passed, r.failed);
    return r.failed ? 1 : 0;
}
