/*
 * fuzz_session.c - the request handling of `eryx session`
 * (src/cli/session_request.c) on a real session, one input being a series
 * of request lines.
 *
 * Properties checked for every line:
 *  - the answer is one line: one JSON object, valid UTF-8 without raw
 *    control characters, whose first member is "id";
 *  - its id is json_write of the request's "id" when the line is a JSON
 *    object, else null;
 *  - "ok" is false exactly when there is an "error", a string.
 * The session keeps its state from line to line and from input to input;
 * limits are small (0.2 s, 64 MiB, 64 KiB of output) so that hostile code
 * ends soon. Snapshot and restore paths are kept inside a scratch directory,
 * the working directory while an input runs: a line whose path holds a '/'
 * or is "." or ".." is left out, so that the target never writes outside
 * it, and the directory is emptied after each input.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/cli/session_request.h"
#include "eryx.h"
#include "json.h"

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_session: %s:%d: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static eryx_config *config; /* kept: the session was made from it */
static eryx_sandbox *session;
static char scratch[] = "/tmp/eryx-fuzz-session-XXXXXX";

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    config = eryx_config_new();
    REQUIRE(config != NULL);
    REQUIRE(eryx_config_set_timeout(config, 0.2) == ERYX_OK);
    REQUIRE(eryx_config_set_memory_limit(config, 64u << 20) == ERYX_OK);
    REQUIRE(eryx_config_set_output_limit(config, 64u << 10) == ERYX_OK);
    char err[256] = "";
    if (eryx_session_new(config, &session, err, sizeof err) != ERYX_OK) {
        fprintf(stderr, "fuzz_session: cannot start a session: %s\n", err);
        abort();
    }
    REQUIRE(mkdtemp(scratch) != NULL);
    return 0;
}

/* Whether a request may run here: its "path", if any, names a file of the
 * scratch directory. */
static int path_is_local(const json_value *request) {
    size_t len;
    const char *path = json_string(json_object_get(request, "path"), &len);
    if (path == NULL) return 1;
    return memchr(path, '/', len) == NULL && strcmp(path, ".") != 0 && strcmp(path, "..") != 0;
}

/* Empties the scratch directory (the working directory meanwhile). */
static void clear_scratch(void) {
    DIR *d = opendir(".");
    REQUIRE(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) unlink(e->d_name);
    closedir(d);
}

/* Answers one line and checks the answer. */
static void answer_line(const char *line, size_t len) {
    json_value *request = json_parse(line, len, NULL, 0);
    if (!path_is_local(request)) {
        json_free(request);
        return;
    }
    struct buffer out = {0};
    int sig = -1;
    REQUIRE(session_answer(session, NULL, NULL, line, len, &out, &sig));
    REQUIRE(sig == 0);
    REQUIRE(out.data != NULL && strlen(out.data) == out.len);
    for (size_t i = 0; i < out.len; i++)
        REQUIRE((unsigned char)out.data[i] >= 0x20);
    json_value *answer = json_parse(out.data, out.len, NULL, 0);
    REQUIRE(json_typeof(answer) == JSON_OBJECT);
    size_t key_len;
    const char *first = json_object_key(answer, 0, &key_len);
    REQUIRE(first != NULL && key_len == 2 && memcmp(first, "id", 2) == 0);

    /* The id: the request's written anew, or null. */
    const json_value *id =
        json_typeof(request) == JSON_OBJECT ? json_object_get(request, "id") : NULL;
    char *expected = id != NULL ? json_write(id, NULL) : NULL;
    char *got = json_write(json_object_value(answer, 0), NULL);
    REQUIRE(got != NULL && strcmp(got, expected != NULL ? expected : "null") == 0);
    free(expected);
    free(got);

    const json_value *ok = json_object_get(answer, "ok");
    const json_value *error = json_object_get(answer, "error");
    if (ok != NULL) {
        REQUIRE(json_typeof(ok) == JSON_BOOL);
        REQUIRE(json_bool(ok) == (error == NULL));
        REQUIRE(error == NULL || json_string(error, NULL) != NULL);
    } else {
        /* A code request: the members of `eryx run --json`. */
        REQUIRE(json_object_get(answer, "stdout") != NULL);
        REQUIRE(json_object_get(answer, "stats") != NULL);
    }
    json_free(answer);
    json_free(request);
    free(out.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* The scratch directory is the working directory only meanwhile:
     * libFuzzer's own paths are relative to the one it started in. */
    int home = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(home >= 0 && chdir(scratch) == 0);
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        answer_line(p, len);
        p += len + (nl != NULL);
    }
    clear_scratch();
    REQUIRE(fchdir(home) == 0);
    close(home);
    return 0;
}
