/*
 * test_files.c - the guest's files through the C API: the in-memory tree
 * and its quotas, stateless isolation, sessions, the host's file functions,
 * snapshots with files (also in another process, with build/tests/
 * snapshot_child), authenticated snapshots, snapshots as templates, host
 * volumes attacked as an attacker would, and packages from Debian.
 *
 * usage: test_files [FILTER]   runs the tests whose name contains FILTER
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "eryx.h"

#define DIST "/usr/lib/python3/dist-packages"

/* ---- helpers ---- */

static eryx_sandbox *create(const eryx_config *c, bool session) {
    eryx_sandbox *s = NULL;
    char err[512] = "";
    eryx_status st = session ? eryx_session_new(c, &s, err, sizeof err)
                             : eryx_sandbox_new(c, &s, err, sizeof err);
    if (st != ERYX_OK) fprintf(stderr, "    create: %s: %s\n", eryx_status_string(st), err);
    return s;
}

/* Runs code; returns its stdout (static buffer) or "<error: ...>". */
static const char *run(eryx_sandbox *s, const char *code) {
    static char out[8192];
    eryx_result *r = NULL;
    if (!s || eryx_execute(s, code, strlen(code), &r) != ERYX_OK) return "<execute failed>";
    if (eryx_result_error_kind(r) != ERYX_ERROR_NONE) {
        const char *tb = eryx_result_error_traceback(r), *msg = eryx_result_error_message(r);
        snprintf(out, sizeof out, "<error: %s>", tb ? tb : msg ? msg : "?");
    } else {
        snprintf(out, sizeof out, "%s", eryx_result_stdout(r, NULL));
    }
    eryx_result_free(r);
    return out;
}

#define EXPECT(s, code, expected) CHECK_STR(run((s), (code)), (expected))

/* A scratch directory on the host, removed by rm_tree. */
static char scratch[256];
static const char *make_scratch(void) {
    snprintf(scratch, sizeof scratch, "/tmp/eryx-test-files-XXXXXX");
    return mkdtemp(scratch);
}

static void rm_tree(const char *path) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0) fprintf(stderr, "    cannot remove %s\n", path);
}

static void write_host(const char *dir, const char *name, const char *text) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* ---- the in-memory tree ---- */

static void test_tmp_and_data(void) {
    eryx_sandbox *s = create(NULL, false);
    EXPECT(s,
           "import os, tempfile\nprint(os.getcwd(), tempfile.gettempdir())\n"
           "open('a', 'w').write('x')\nprint(sorted(os.listdir('/')), os.path.exists('/data/a'))",
           "/data /tmp\n['data', 'lib', 'tmp'] True\n");
    CHECK_CONTAINS(run(s, "open('/lib/new', 'w')"), "Read-only file system: '/lib/new'");
    eryx_sandbox_free(s);
}

static void test_quota_bytes_and_recovery(void) {
    eryx_config *c = eryx_config_new();
    CHECK(eryx_config_set_fs_limits(c, 1 << 20, 100, 64) == ERYX_OK);
    eryx_sandbox *s = create(c, true);
    EXPECT(s,
           "import errno\ntry:\n    open('big', 'wb').write(b'x' * (2 << 20))\n"
           "except OSError as e:\n    print(errno.errorcode[e.errno])\n",
           "ENOSPC\n");
    EXPECT(s,
           "import os\nos.unlink('big')\nopen('ok', 'wb').write(b'y' * 500000)\n"
           "print(os.path.getsize('ok'))",
           "500000\n");
    /* Sparse: a byte at 2**40 costs one small chunk; a big write there fails. */
    EXPECT(s,
           "import os\nwith open('sparse', 'wb') as f:\n    f.seek(2**40)\n    f.write(b'!')\n"
           "print(os.path.getsize('sparse'))\nos.truncate('ok', 2**41)\n"
           "print(os.path.getsize('ok'))\ntry:\n    with open('s2', 'wb') as f:\n"
           "        f.seek(2**40)\n        f.write(b'z' * (1 << 20))\n"
           "except OSError as e:\n    print(e.strerror)\n",
           "1099511627777\n2199023255552\nNo space left on device\n");
    EXPECT(s,
           "import os\nfor n in os.listdir('.'): os.unlink(n)\n"
           "open('again', 'wb').write(b'z' * 900000)\nprint('recovered')",
           "recovered\n");
    eryx_sandbox_free(s);
    eryx_config_free(c);
}

static void test_quota_entries_and_fds(void) {
    eryx_config *c = eryx_config_new();
    CHECK(eryx_config_set_fs_limits(c, 0, 50, 20) == ERYX_OK);
    CHECK(eryx_config_set_fs_limits(c, 0, 50, 0) == ERYX_EINVAL);
    CHECK(eryx_config_set_fs_limits(c, 0, 50, 1025) == ERYX_EINVAL);
    CHECK(eryx_config_set_fs_limits(NULL, 0, 50, 20) == ERYX_EINVAL);
    eryx_sandbox *s = create(c, true);
    EXPECT(s,
           "import errno\nmade = 0\ntry:\n    for i in range(100):\n"
           "        open('f%d' % i, 'w').close()\n        made += 1\n"
           "except OSError as e:\n    print(errno.errorcode[e.errno], 40 < made < 50)\n",
           "ENOSPC True\n");
    EXPECT(s,
           "import os, errno\nfor i in range(10): os.unlink('f%d' % i)\n"
           "open('new', 'w').close()\nfiles = []\ntry:\n    for i in range(100):\n"
           "        files.append(open('new'))\nexcept OSError as e:\n"
           "    print(errno.errorcode[e.errno], len(files) < 20)\n"
           "for f in files: f.close()\nprint(open('new').read() == '')",
           "EMFILE True\nTrue\n");
    eryx_sandbox_free(s);
    eryx_config_free(c);
}

static void test_stateless_isolation(void) {
    eryx_sandbox *s = create(NULL, false);
    EXPECT(s,
           "import os\nopen('/tmp/a', 'w').write('1')\nos.mkdir('d')\n"
           "os.symlink('/tmp/a', 'l')\nf = open('kept', 'w')\nprint(len(os.listdir('.')))",
           "3\n");
    EXPECT(s, "import os\nprint(os.listdir('/tmp'), os.listdir('.'), os.getcwd())",
           "[] [] /data\n");
    EXPECT(s, "import os\nos.chdir('/tmp')\nopen('x', 'w')", "");
    EXPECT(s, "import os\nprint(os.getcwd(), os.listdir('/tmp'))", "/data []\n");
    eryx_sandbox_free(s);
}

static void test_session_keeps_files(void) {
    eryx_sandbox *s = create(NULL, true);
    EXPECT(s, "f = open('log.txt', 'w')\nf.write('one\\n')\nf.flush()", "");
    EXPECT(s, "f.write('two\\n')\nf.close()\nprint(open('log.txt').read(), end='')", "one\ntwo\n");
    CHECK(eryx_sandbox_reset(s) == ERYX_OK);
    EXPECT(s, "import os\nprint(os.listdir('.'))", "[]\n");
    eryx_sandbox_free(s);
}

/* ---- the host's file functions ---- */

static void test_host_file_api(void) {
    eryx_config *c = eryx_config_new();
    char err[256];
    CHECK(eryx_config_add_file(c, "/data/in.csv", "a,b\n1,2\n", 8, err, sizeof err) == ERYX_OK);
    CHECK(eryx_config_add_file(c, "/data/deep/er/x.txt", "x", 1, err, sizeof err) == ERYX_OK);
    CHECK(eryx_config_add_file(c, "relative.txt", "x", 1, err, sizeof err) == ERYX_EINVAL);
    CHECK_CONTAINS(err, "absolute");
    CHECK(eryx_config_add_file(c, "/lib/python3.11/os.py", "x", 1, err, sizeof err) == ERYX_EINVAL);
    CHECK(eryx_config_add_file(c, "/data/../x", "x", 1, err, sizeof err) == ERYX_EINVAL);
    CHECK(eryx_config_add_file(c, NULL, "x", 1, err, sizeof err) == ERYX_EINVAL);
    CHECK(eryx_config_add_file(c, "/data/in.csv/x", "x", 1, err, sizeof err) == ERYX_EINVAL);
    CHECK(eryx_config_add_file(NULL, "/x", "x", 1, err, sizeof err) == ERYX_EINVAL);
    eryx_sandbox *s = create(c, false);
    EXPECT(s,
           "import csv\nrows = list(csv.reader(open('in.csv')))\n"
           "open('out.txt', 'w').write('rows=%d' % len(rows))\nprint(rows)",
           "[['a', 'b'], ['1', '2']]\n");
    void *data;
    size_t len;
    CHECK(eryx_sandbox_read_file(s, "/data/out.txt", &data, &len) == ERYX_OK);
    CHECK(len == 6 && !memcmp(data, "rows=2", 6));
    eryx_free(data);
    CHECK(eryx_sandbox_read_file(s, "/data/missing", &data, &len) == ERYX_ENOENT);
    CHECK(eryx_sandbox_read_file(s, "/data", &data, &len) == ERYX_EINVAL);
    CHECK(eryx_sandbox_read_file(s, "data/out.txt", &data, &len) == ERYX_EINVAL);
    CHECK(eryx_sandbox_read_file(s, "/lib/python3.11/os.pyc", &data, &len) == ERYX_EINVAL);
    CHECK(eryx_sandbox_read_file(NULL, "/data/out.txt", &data, &len) == ERYX_EINVAL);
    char *json;
    CHECK(eryx_sandbox_list_dir(s, "/data", &json) == ERYX_OK);
    CHECK_STR(json, "[{\"name\": \"deep\", \"type\": \"dir\", \"size\": 4096}, {\"name\": "
                    "\"in.csv\", \"type\": \"file\", \"size\": 8}, {\"name\": \"out.txt\", "
                    "\"type\": \"file\", \"size\": 6}]");
    eryx_free(json);
    CHECK(eryx_sandbox_list_dir(s, "/", &json) == ERYX_OK);
    CHECK_STR(json, "[{\"name\": \"data\", \"type\": \"dir\", \"size\": 4096}, {\"name\": "
                    "\"lib\", \"type\": \"dir\", \"size\": 4096}, {\"name\": \"tmp\", "
                    "\"type\": \"dir\", \"size\": 4096}]");
    eryx_free(json);
    CHECK(eryx_sandbox_list_dir(s, "/nope", &json) == ERYX_ENOENT);
    /* A stateless sandbox: a written file is there for every later run. */
    CHECK(eryx_sandbox_write_file(s, "/data/new/given.txt", "given", 5) == ERYX_OK);
    EXPECT(s, "print(open('new/given.txt').read())", "given\n");
    EXPECT(s, "print(open('/data/new/given.txt').read())", "given\n");
    CHECK(eryx_sandbox_remove_file(s, "/data/in.csv") == ERYX_OK);
    CHECK(eryx_sandbox_remove_file(s, "/data/in.csv") == ERYX_ENOENT);
    CHECK(eryx_sandbox_remove_file(s, "/data/deep") == ERYX_EINVAL); /* not empty */
    EXPECT(s, "import os\nprint(os.path.exists('in.csv'))", "False\n");
    eryx_sandbox_free(s);
    eryx_config_free(c);
}

/* ---- snapshots ---- */

static void *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *data = malloc((size_t)n + 1);
    *len = data ? fread(data, 1, (size_t)n, f) : 0;
    fclose(f);
    return data;
}

static int run_child(const char *snapshot, const char *code, char *out, size_t outlen) {
    int fds[2];
    if (pipe(fds) != 0) return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    char *argv[] = {"build/tests/snapshot_child", (char *)snapshot, (char *)code, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, NULL);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    size_t used = 0;
    ssize_t n;
    while (rc == 0 && (n = read(fds[0], out + used, outlen - 1 - used)) > 0)
        used += (size_t)n;
    out[used] = 0;
    close(fds[0]);
    int status = -1;
    if (rc == 0) waitpid(pid, &status, 0);
    return rc == 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_snapshot_files(void) {
    eryx_sandbox *s = create(NULL, true);
    EXPECT(s,
           "import os\nos.makedirs('/tmp/t/u')\nopen('/tmp/t/u/f', 'w').write('deep')\n"
           "os.link('/tmp/t/u/f', 'hard')\nos.symlink('/tmp/t', 'link')\n"
           "with open('sparse', 'wb') as g:\n    g.seek(100000)\n    g.write(b'end')\n"
           "log = open('log', 'w')\nlog.write('before\\n')\nlog.flush()\n"
           "ghost = open('ghost', 'w+')\nghost.write('still here')\nghost.flush()\n"
           "os.unlink('ghost')\nino = os.stat('hard').st_ino",
           "");
    void *blob;
    size_t len;
    CHECK(eryx_sandbox_snapshot(s, &blob, &len) == ERYX_OK);
    eryx_sandbox *t = create(NULL, true);
    char err[256] = "";
    CHECK(eryx_sandbox_restore(t, blob, len, err, sizeof err) == ERYX_OK);
    const char *check =
        "import os\nlog.write('after\\n')\nlog.close()\nghost.seek(0)\n"
        "print(open('link/u/f').read(), open('hard').read(), os.stat('hard').st_nlink,\n"
        "      os.readlink('link'), os.path.getsize('sparse'), open('log').read().split(),\n"
        "      ghost.read(), sorted(os.listdir('.')), os.stat('hard').st_ino == ino)";
    const char *expected = "deep deep 2 /tmp/t 100003 ['before', 'after'] still here "
                           "['hard', 'link', 'log', 'sparse'] True\n";
    EXPECT(t, check, expected);
    /* In another process. */
    char path[] = "/tmp/eryx-snapshot-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, blob, len) == (ssize_t)len);
    close(fd);
    char out[4096];
    CHECK(run_child(path, check, out, sizeof out) == 0);
    CHECK_STR(out, expected);
    unlink(path);
    eryx_free(blob);
    eryx_sandbox_free(t);
    eryx_sandbox_free(s);
}

static void test_snapshot_quota_and_mac(void) {
    eryx_sandbox *s = create(NULL, true);
    EXPECT(s, "open('big', 'wb').write(b'q' * (3 << 20))", "");
    void *plain;
    size_t plain_len;
    CHECK(eryx_sandbox_snapshot(s, &plain, &plain_len) == ERYX_OK);
    eryx_sandbox_free(s);
    /* Files beyond the restoring session's quota: refused, session intact. */
    eryx_config *small = eryx_config_new();
    eryx_config_set_fs_limits(small, 1 << 20, 0, 64);
    eryx_sandbox *t = create(small, true);
    EXPECT(t, "x = 1", "");
    char err[256] = "";
    CHECK(eryx_sandbox_restore(t, plain, plain_len, err, sizeof err) == ERYX_EINVAL);
    CHECK_CONTAINS(err, "quota");
    EXPECT(t, "print(x)", "1\n");
    eryx_sandbox_free(t);
    eryx_config_free(small);
    /* Keys: signed blobs restore under the key, unsigned or wrong-key ones not. */
    eryx_config *keyed = eryx_config_new(), *other = eryx_config_new();
    CHECK(eryx_config_set_snapshot_key(keyed, "secret key", 10) == ERYX_OK);
    CHECK(eryx_config_set_snapshot_key(other, "another key", 11) == ERYX_OK);
    uint8_t long_key[65] = {0};
    CHECK(eryx_config_set_snapshot_key(other, long_key, sizeof long_key) == ERYX_EINVAL);
    s = create(keyed, true);
    EXPECT(s, "signed = 'yes'", "");
    void *signed_blob;
    size_t signed_len;
    CHECK(eryx_sandbox_snapshot(s, &signed_blob, &signed_len) == ERYX_OK);
    eryx_sandbox_free(s);
    t = create(keyed, true);
    CHECK(eryx_sandbox_restore(t, signed_blob, signed_len, err, sizeof err) == ERYX_OK);
    EXPECT(t, "print(signed)", "yes\n");
    CHECK(eryx_sandbox_restore(t, plain, plain_len, err, sizeof err) == ERYX_EINVAL);
    CHECK_CONTAINS(err, "authenticated");
    eryx_sandbox_free(t);
    t = create(other, true);
    CHECK(eryx_sandbox_restore(t, signed_blob, signed_len, err, sizeof err) == ERYX_EINVAL);
    CHECK_CONTAINS(err, "authenticated");
    eryx_sandbox_free(t);
    eryx_free(signed_blob);
    eryx_free(plain);
    eryx_config_free(keyed);
    eryx_config_free(other);
}

/* True when v lies in a mapping of this process (/proc/self/maps). */
static bool is_host_address(uint64_t v) {
    FILE *f = fopen("/proc/self/maps", "r");
    unsigned long lo, hi;
    bool found = false;
    char line[512];
    while (f && !found && fgets(line, sizeof line, f))
        if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && v >= lo && v < hi)
            /* Huge reservations (guest memory, a sanitizer's shadow) count
             * by their base only: any number falls inside them. */
            found = hi - lo < (1ul << 30) || v == lo;
    if (f) fclose(f);
    return found;
}

/* The state a snapshot holds besides guest memory pages (the payload up to
 * the page list: stack pointer, fd table, files) names nothing of the host:
 * no 8 bytes of it, at any offset, are an address mapped in this process. */
static void test_snapshot_holds_no_host_address(void) {
    eryx_sandbox *s = create(NULL, true);
    EXPECT(s, "import os\nos.mkdir('d')\nf = open('d/x', 'w')\nf.write('x')\nf.flush()", "");
    void *blob;
    size_t len;
    CHECK(eryx_sandbox_snapshot(s, &blob, &len) == ERYX_OK);
    const size_t header = 136; /* snapshot_header in src/host/snapshot.c */
    uint64_t raw_len;
    memcpy(&raw_len, (uint8_t *)blob + 88, 8);
    uint8_t *raw = malloc(raw_len);
    uLongf got = raw_len;
    CHECK(raw && uncompress(raw, &got, (uint8_t *)blob + header, len - header) == Z_OK);
    /* The pages come last: count, indices, 4 KiB each; find where they start. */
    size_t prefix = 0;
    for (size_t at = 0; at + 4 <= got; at++) {
        uint32_t count;
        memcpy(&count, raw + at, 4);
        if ((uint64_t)at + 4 + (uint64_t)count * 4100 == got) {
            prefix = at;
            break;
        }
    }
    CHECK(prefix > 0);
    int leaks = 0;
    for (size_t at = 0; at + 8 <= prefix; at++) {
        uint64_t v;
        memcpy(&v, raw + at, 8);
        if (v > 0xffffffffull && is_host_address(v)) leaks++;
    }
    CHECK(leaks == 0);
    free(raw);
    eryx_free(blob);
    eryx_sandbox_free(s);
}

static void test_snapshot_as_template(void) {
    eryx_sandbox *s = create(NULL, true);
    EXPECT(s,
           "import json\nsetup = {'n': 0}\nopen('/data/seed.txt', 'w').write('seed')\n"
           "def bump():\n    setup['n'] += 1\n    return setup['n']",
           "");
    void *blob;
    size_t len;
    CHECK(eryx_sandbox_snapshot(s, &blob, &len) == ERYX_OK);
    eryx_sandbox_free(s);
    eryx_config *c = eryx_config_new();
    char err[256] = "";
    CHECK(eryx_config_set_snapshot(c, "garbage", 7, err, sizeof err) == ERYX_EINVAL);
    CHECK(eryx_config_set_snapshot(c, blob, len, err, sizeof err) == ERYX_OK);
    eryx_free(blob);
    CHECK(eryx_config_add_file(c, "/data/extra.txt", "extra", 5, err, sizeof err) == ERYX_OK);
    for (int i = 0; i < 3; i++) { /* every sandbox and every run starts from the snapshot */
        eryx_sandbox *t = create(c, false);
        for (int k = 0; k < 2; k++)
            EXPECT(t,
                   "import os\nprint(bump(), open('seed.txt').read(), sorted(os.listdir()))\n"
                   "open('mine', 'w')",
                   "1 seed ['extra.txt', 'seed.txt']\n");
        eryx_sandbox_free(t);
    }
    eryx_sandbox *session = create(c, true);
    EXPECT(session, "print(bump())", "1\n");
    EXPECT(session, "print(bump())", "2\n");
    CHECK(eryx_sandbox_reset(session) == ERYX_OK);
    EXPECT(session, "print(bump())", "1\n");
    eryx_sandbox_free(session);
    CHECK(eryx_config_set_snapshot(c, NULL, 0, err, sizeof err) == ERYX_OK);
    eryx_sandbox *plain = create(c, false);
    EXPECT(plain, "print('bump' in dir())", "False\n");
    eryx_sandbox_free(plain);
    eryx_config_free(c);
}

/* ---- volumes ---- */

static void test_volume_config_errors(void) {
    eryx_config *c = eryx_config_new();
    char err[512];
    const char *dir = make_scratch();
    CHECK(dir != NULL);
    CHECK(eryx_config_add_volume(c, "/nonexistent/dir", "/mnt", 0, err, sizeof err) == ERYX_EINVAL);
    CHECK_CONTAINS(err, "/nonexistent/dir");
    CHECK(eryx_config_add_volume(c, dir, "mnt", 0, err, sizeof err) == ERYX_EINVAL);
    CHECK(eryx_config_add_volume(c, dir, "/lib", 0, err, sizeof err) == ERYX_EINVAL);
    CHECK(eryx_config_add_volume(c, dir, "/lib/x", 0, err, sizeof err) == ERYX_EINVAL);
    CHECK(eryx_config_add_volume(c, dir, "/", 0, err, sizeof err) == ERYX_EINVAL);
    CHECK(eryx_config_add_volume(c, dir, "/packages/0", 0, err, sizeof err) == ERYX_EINVAL);
    CHECK(eryx_config_add_volume(c, NULL, "/mnt", 0, err, sizeof err) == ERYX_EINVAL);
    CHECK(eryx_config_add_volume(c, dir, NULL, 0, err, sizeof err) == ERYX_EINVAL);
    CHECK(eryx_config_add_volume(c, dir, "/mnt/a", 0, err, sizeof err) == ERYX_OK);
    CHECK(eryx_config_add_volume(c, dir, "/mnt/a/", 1, err, sizeof err) == ERYX_EINVAL);
    CHECK_CONTAINS(err, "already mounted");
    CHECK(eryx_config_add_volume(c, dir, "/mnt/a/b", 1, err, sizeof err) == ERYX_EINVAL);
    CHECK(eryx_config_add_volume(c, dir, "/mnt", 1, err, sizeof err) == ERYX_EINVAL);
    write_host(dir, "file", "x");
    char file[300];
    snprintf(file, sizeof file, "%s/file", dir);
    CHECK(eryx_config_add_volume(c, file, "/mnt/f", 1, err, sizeof err) == ERYX_EINVAL);
    eryx_config_free(c);
    rm_tree(dir);
}

/* The host side of the swap race: `race` flips between a file inside and a
 * link to a file outside until told to stop. */
typedef struct {
    char dir[256];
    atomic_bool stop;
} race_job;

static void *swapper(void *arg) {
    race_job *job = arg;
    char inside[300], link[300], tmp[300];
    snprintf(inside, sizeof inside, "%s/vol/race", job->dir);
    snprintf(tmp, sizeof tmp, "%s/vol/race.tmp", job->dir);
    snprintf(link, sizeof link, "%s/outside.txt", job->dir);
    while (!atomic_load(&job->stop)) {
        unlink(tmp);
        if (symlink(link, tmp) == 0) rename(tmp, inside);
        write_host(job->dir, "vol/race.tmp", "inside");
        rename(tmp, inside);
    }
    return NULL;
}

static void test_volume_attacks(void) {
    const char *dir = make_scratch();
    char path[512], cmd[1200];
    snprintf(
        cmd, sizeof cmd,
        "cd '%s' && mkdir -p vol/sub && echo SECRET > outside.txt && echo inside > vol/f && "
        "ln -s /etc/passwd vol/abs && ln -s ../outside.txt vol/rel && "
        "ln -s sub/../../outside.txt vol/rel2 && ln -s /proc/self/root vol/proc && "
        "ln -s f vol/ok_link && mkfifo vol/fifo && ln outside.txt vol/hard_by_host 2>/dev/null;"
        " true",
        dir);
    CHECK(system(cmd) == 0);
    snprintf(path, sizeof path, "%s/vol/sock", dir);
    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
    CHECK(bind(sock, (struct sockaddr *)&addr, sizeof addr) == 0);
    eryx_config *c = eryx_config_new();
    char err[512];
    snprintf(path, sizeof path, "%s/vol", dir);
    CHECK(eryx_config_add_volume(c, path, "/mnt/vol", 0, err, sizeof err) == ERYX_OK);
    eryx_config_set_timeout(c, 20);
    eryx_sandbox *s = create(c, false);
    const char *probe =
        "import os\n"
        "def tryit(fn, *a):\n"
        "    try:\n        r = fn(*a)\n        return r if isinstance(r, str) else 'ok'\n"
        "    except OSError as e:\n        return type(e).__name__\n"
        "def rd(p):\n    with open(p) as f:\n        return f.read().strip()\n"
        "for p in ['f', 'ok_link', 'abs', 'rel', 'rel2', 'proc', 'proc/etc/passwd', 'fifo',\n"
        "          'sock', '../../../etc/passwd', 'sub/../../../outside.txt', '/etc/passwd']:\n"
        "    print(p, tryit(rd, os.path.join('/mnt/vol', p)))\n";
    CHECK_STR(run(s, probe), "f inside\nok_link inside\nabs PermissionError\nrel PermissionError\n"
                             "rel2 PermissionError\nproc PermissionError\n"
                             "proc/etc/passwd PermissionError\nfifo PermissionError\n"
                             "sock PermissionError\n../../../etc/passwd FileNotFoundError\n"
                             "sub/../../../outside.txt FileNotFoundError\n"
                             "/etc/passwd FileNotFoundError\n");
    /* What the guest tries to create: links out, hard links to outside files. */
    EXPECT(
        s,
        "import os\n"
        "def tryit(fn, *a):\n"
        "    try:\n        fn(*a)\n        return 'ok'\n"
        "    except OSError as e:\n        return type(e).__name__\n"
        "print(tryit(os.symlink, '/etc/passwd', '/mnt/vol/mine'))\n"
        "print(tryit(os.symlink, '../outside.txt', '/mnt/vol/mine2'))\n"
        "print(tryit(os.link, '/mnt/vol/rel', '/mnt/vol/hl'))\n"
        "print(tryit(os.link, '/data', '/mnt/vol/x'), tryit(os.rename, '/mnt/vol/f', '/tmp/f'))\n"
        "print(tryit(os.link, '/mnt/vol/f', '/mnt/vol/f2'), open('/mnt/vol/f2').read().strip())\n"
        "print(tryit(open, '/mnt/vol/hl'))\n"
        "open('/mnt/vol/sub/w', 'w').write('w')\n"
        "print(os.path.realpath('/mnt/vol/sub/w'), tryit(os.readlink, '/mnt/vol/abs'))\n"
        "print(sorted(os.listdir('/mnt/vol/sub')))",
        "PermissionError\nPermissionError\nok\nOSError OSError\nok inside\nPermissionError\n"
        "/mnt/vol/sub/w PermissionError\n['w']\n");
    /* The rename went out of the volume? It must not have (EXDEV, copied by no one). */
    snprintf(path, sizeof path, "%s/vol/f", dir);
    CHECK(access(path, F_OK) == 0);
    /* The guest never learns the host path, not even from error messages. */
    const char *leak = run(s, "import os, traceback\n"
                              "for p in ['/mnt/vol/abs', '/mnt/vol/nope', '/mnt/vol/fifo']:\n"
                              "    try: open(p)\n"
                              "    except OSError as e: print(e)\n"
                              "print(os.stat('/mnt/vol').st_dev, os.getcwd())");
    CHECK(strstr(leak, dir) == NULL);
    CHECK(strstr(leak, "/tmp/eryx-test") == NULL);
    /* A link swapped in between any check and the open. */
    race_job job = {.stop = false};
    snprintf(job.dir, sizeof job.dir, "%s", dir);
    snprintf(path, sizeof path, "%s/outside.txt", dir);
    pthread_t th;
    pthread_create(&th, NULL, swapper, &job);
    EXPECT(s,
           "seen = set()\nfor i in range(3000):\n    try:\n"
           "        seen.add(open('/mnt/vol/race').read())\n    except OSError as e:\n"
           "        seen.add(type(e).__name__)\nprint('SECRET' in ''.join(seen))",
           "False\n");
    atomic_store(&job.stop, true);
    pthread_join(th, NULL);
    eryx_sandbox_free(s);
    eryx_config_free(c);
    close(sock);
    rm_tree(dir);
}

static void test_volume_read_only_and_budget(void) {
    const char *dir = make_scratch();
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/ro", dir);
    mkdir(path, 0755);
    write_host(path, "f", "data");
    snprintf(path, sizeof path, "%s/rw", dir);
    mkdir(path, 0755);
    eryx_config *c = eryx_config_new();
    snprintf(path, sizeof path, "%s/ro", dir);
    CHECK(eryx_config_add_volume(c, path, "/in", 1, err, sizeof err) == ERYX_OK);
    snprintf(path, sizeof path, "%s/rw", dir);
    CHECK(eryx_config_add_volume(c, path, "/out", 0, err, sizeof err) == ERYX_OK);
    CHECK(eryx_config_set_volume_write_budget(c, 10000) == ERYX_OK);
    eryx_sandbox *s = create(c, false);
    EXPECT(s,
           "import os, errno\n"
           "def tryit(fn, *a):\n"
           "    try:\n        fn(*a)\n        return 'ok'\n"
           "    except OSError as e:\n        return errno.errorcode[e.errno]\n"
           "print(open('/in/f').read(), tryit(open, '/in/f', 'w'), tryit(open, '/in/g', 'w'),\n"
           "      tryit(os.unlink, '/in/f'), tryit(os.rename, '/in/f', '/in/g'),\n"
           "      tryit(os.mkdir, '/in/d'), tryit(os.utime, '/in/f', (1, 1)),\n"
           "      tryit(open, '/in/f', 'a'), tryit(os.rmdir, '/in'))\n"
           "with open('/out/report.txt', 'w') as f:\n    f.write('r' * 5000)\n"
           "try:\n    with open('/out/big', 'wb') as f:\n        f.write(b'b' * 20000)\n"
           "except OSError as e:\n    print(errno.errorcode[e.errno])\n",
           "data EROFS EROFS EROFS EROFS EROFS EROFS EROFS EBUSY\nEDQUOT\n");
    EXPECT(s, "open('/out/again', 'w').write('a' * 8000)\nprint('budget is per execution')",
           "budget is per execution\n");
    snprintf(path, sizeof path, "%s/rw/report.txt", dir);
    size_t len = 0;
    char *text = read_all(path, &len);
    CHECK(text && len == 5000);
    free(text);
    snprintf(path, sizeof path, "%s/ro/f", dir);
    text = read_all(path, &len);
    CHECK(text && len == 4 && !memcmp(text, "data", 4));
    free(text);
    eryx_sandbox_free(s);
    eryx_config_free(c);
    rm_tree(dir);
}

/* ---- packages ---- */

static void test_packages_from_debian(void) {
    eryx_config *c = eryx_config_new();
    char err[512];
    static const char *const pkgs[] = {DIST "/jinja2", DIST "/markupsafe", DIST "/yaml",
                                       DIST "/dateutil", DIST "/six.py"};
    for (size_t i = 0; i < sizeof pkgs / sizeof pkgs[0]; i++)
        CHECK(eryx_config_add_package(c, pkgs[i], err, sizeof err) == ERYX_OK);
    CHECK(eryx_config_add_package(c, "/nonexistent.whl", err, sizeof err) == ERYX_EINVAL);
    CHECK(eryx_config_add_package(c, NULL, err, sizeof err) == ERYX_EINVAL);
    eryx_sandbox *s = create(c, false);
    EXPECT(s,
           "import jinja2, markupsafe, yaml, datetime\nfrom dateutil import parser, relativedelta\n"
           "t = jinja2.Environment(autoescape=True).from_string('{% for x in xs %}{{ x }};"
           "{% endfor %}')\nprint(t.render(xs=['<a>', 2]))\n"
           "print(markupsafe.escape('&'), yaml.safe_load('k: [1, 2]'))\n"
           "print(parser.parse('2024-01-31') + relativedelta.relativedelta(months=1))\n"
           "try:\n    import markupsafe._speedups\nexcept ImportError as e:\n"
           "    print('native extension' in str(e), '_speedups' in str(e))\n",
           "&lt;a&gt;;2;\n&amp; {'k': [1, 2]}\n2024-02-29 00:00:00\nTrue True\n");
    CHECK_CONTAINS(run(s, "open('/packages/0/jinja2/x', 'w')"),
                   "Read-only file system: '/packages/0/jinja2/x'");
    eryx_sandbox_free(s);
    eryx_config_free(c);
}

static void test_package_wheel(void) {
    const char *dir = make_scratch();
    char cmd[1024], whl[400], err[512];
    snprintf(whl, sizeof whl, "%s/PyYAML-6.0-py3-none-any.whl", dir);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3.11 -c \"import zipfile, os, sys\n"
             "d = '" DIST "'\n"
             "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_STORED) as z:\n"
             "    for r, _, fs in os.walk(d + '/yaml'):\n"
             "        for f in fs:\n"
             "            if f.endswith('.py'): z.write(os.path.join(r, f), "
             "os.path.relpath(os.path.join(r, f), d))\n\" '%s'",
             whl);
    CHECK(system(cmd) == 0);
    eryx_config *c = eryx_config_new();
    CHECK(eryx_config_add_package(c, whl, err, sizeof err) == ERYX_OK);
    write_host(dir, "bad.whl", "not a zip at all");
    snprintf(whl, sizeof whl, "%s/bad.whl", dir);
    CHECK(eryx_config_add_package(c, whl, err, sizeof err) == ERYX_EINVAL);
    CHECK_CONTAINS(err, "zip");
    eryx_sandbox *s = create(c, false);
    EXPECT(s, "import yaml\nprint(yaml.__file__, yaml.safe_dump({'a': [1]}), end='')",
           "/packages/0/yaml/__init__.py a:\n- 1\n");
    eryx_sandbox_free(s);
    eryx_config_free(c);
    rm_tree(dir);
}

static const test_case tests[] = {
    {"tmp_and_data", test_tmp_and_data},
    {"quota_bytes_and_recovery", test_quota_bytes_and_recovery},
    {"quota_entries_and_fds", test_quota_entries_and_fds},
    {"stateless_isolation", test_stateless_isolation},
    {"session_keeps_files", test_session_keeps_files},
    {"host_file_api", test_host_file_api},
    {"snapshot_files", test_snapshot_files},
    {"snapshot_quota_and_mac", test_snapshot_quota_and_mac},
    {"snapshot_holds_no_host_address", test_snapshot_holds_no_host_address},
    {"snapshot_as_template", test_snapshot_as_template},
    {"volume_config_errors", test_volume_config_errors},
    {"volume_attacks", test_volume_attacks},
    {"volume_read_only_and_budget", test_volume_read_only_and_budget},
    {"packages_from_debian", test_packages_from_debian},
    {"package_wheel", test_package_wheel},
};

int main(int argc, char **argv) {
    return run_tests(tests, sizeof tests / sizeof tests[0], argc > 1 ? argv[1] : NULL);
}
