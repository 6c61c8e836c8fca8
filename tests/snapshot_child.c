/*
 * snapshot_child.c - the other process of test_sessions' cross-process
 * snapshot test: restores a snapshot file into a new session and runs code.
 *
 * usage: snapshot_child SNAPSHOT_FILE CODE
 *
 * Writes the execution's stdout to stdout and its stderr to stderr. Exit
 * status: 0 the code ran, 1 it failed (the error on stderr), 2 the snapshot
 * could not be read or restored ("restore failed: MESSAGE" on stderr),
 * 3 usage or sandbox errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eryx.h"

static void *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, used = 0;
    char *data = malloc(cap);
    size_t n;
    while (data && (n = fread(data + used, 1, cap - used, f)) > 0) {
        used += n;
        if (used == cap) {
            char *bigger = realloc(data, cap *= 2);
            if (!bigger) free(data);
            data = bigger;
        }
    }
    fclose(f);
    *len = used;
    return data;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: snapshot_child SNAPSHOT_FILE CODE\n");
        return 3;
    }
    size_t len = 0;
    void *blob = read_file(argv[1], &len);
    if (!blob) {
        fprintf(stderr, "restore failed: cannot read %s\n", argv[1]);
        return 2;
    }
    eryx_sandbox *s = NULL;
    char err[512] = "";
    if (eryx_session_new(NULL, &s, err, sizeof err) != ERYX_OK) {
        fprintf(stderr, "session: %s\n", err);
        free(blob);
        return 3;
    }
    eryx_status st = eryx_sandbox_restore(s, blob, len, err, sizeof err);
    free(blob);
    if (st != ERYX_OK) {
        fprintf(stderr, "restore failed: %s (%s)\n", err, eryx_status_string(st));
        eryx_sandbox_free(s);
        return 2;
    }
    eryx_result *r = NULL;
    if (eryx_execute(s, argv[2], strlen(argv[2]), &r) != ERYX_OK) {
        fprintf(stderr, "execute failed\n");
        eryx_sandbox_free(s);
        return 3;
    }
    size_t out_len, err_len;
    const char *out = eryx_result_stdout(r, &out_len), *errs = eryx_result_stderr(r, &err_len);
    fwrite(out, 1, out_len, stdout);
    fwrite(errs, 1, err_len, stderr);
    int status = 0;
    if (eryx_result_error_kind(r) != ERYX_ERROR_NONE) {
        const char *msg = eryx_result_error_message(r), *tb = eryx_result_error_traceback(r);
        fprintf(stderr, "error: %s: %s\n%s", eryx_error_kind_name(eryx_result_error_kind(r)),
                msg ? msg : "", tb ? tb : "");
        status = 1;
    }
    eryx_result_free(r);
    eryx_sandbox_free(s);
    return status;
}
