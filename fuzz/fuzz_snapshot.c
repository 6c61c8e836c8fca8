/*
 * fuzz_snapshot.c - snapshot restore (snapshot.c, memfs.c restore, the fd
 * table check) fed crafted blobs that pass the outer checks: the input is
 * the inflated payload, which this target deflates and wraps in a header
 * with the right magic, build identity and CRC, as an attacker who knows
 * the format would. Restoring it into a session, and making it a config's
 * template, must either be refused with a message or give a sandbox that at
 * worst misbehaves inside itself: a short execution then runs in it.
 *
 * Input: one byte of memory size (pages above the image), then the payload.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sandbox.h"

#define HEADER_SIZE 136 /* snapshot_header in snapshot.c */

static eryx_sandbox *session;
static eryx_config *config;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    char err[256];
    config = eryx_config_new();
    eryx_config_set_timeout(config, 0.2);
    eryx_config_set_memory_limit(config, 64u << 20);
    eryx_config_set_fs_limits(config, 8u << 20, 1000, 64);
    if (eryx_session_new(config, &session, err, sizeof err) != ERYX_OK) abort();
    return 0;
}

/* A blob around `payload` that passes the magic, identity, size and CRC checks. */
static uint8_t *wrap(const uint8_t *payload, size_t len, uint32_t pages, size_t *blob_len) {
    uLongf packed = compressBound(len);
    uint8_t *blob = calloc(1, HEADER_SIZE + packed);
    if (!blob || compress2(blob + HEADER_SIZE, &packed, payload, len, 1) != Z_OK) abort();
    uint64_t raw_len = len, packed_len = packed;
    memcpy(blob, "ERYXSNP2", 8);
    memcpy(blob + 8, build_identity, 64);
    memcpy(blob + 72, &pages, 4);
    memcpy(blob + 88, &raw_len, 8);
    memcpy(blob + 96, &packed_len, 8);
    uint32_t crc = (uint32_t)crc32(0, blob, (uInt)(HEADER_SIZE + packed));
    memcpy(blob + 80, &crc, 4);
    *blob_len = HEADER_SIZE + packed;
    return blob;
}

static void run_briefly(eryx_sandbox *s) {
    eryx_result *r = NULL;
    const char *code = "import os\nprint(os.listdir('.'))";
    if (eryx_execute(s, code, strlen(code), &r) == ERYX_OK) eryx_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    uint32_t pages = (uint32_t)(vm_image_bytes() / VM_PAGE_SIZE) + data[0] % 8;
    size_t len;
    uint8_t *blob = wrap(data + 1, size - 1, pages, &len);
    char err[256] = "";
    if (eryx_sandbox_restore(session, blob, len, err, sizeof err) == ERYX_OK) {
        run_briefly(session);
        if (eryx_sandbox_reset(session) != ERYX_OK) abort();
    } else if (!err[0]) {
        abort(); /* a refusal always says why */
    }
    if (eryx_config_set_snapshot(config, blob, len, err, sizeof err) == ERYX_OK) {
        eryx_sandbox *s = NULL;
        if (eryx_sandbox_new(config, &s, err, sizeof err) == ERYX_OK) {
            run_briefly(s);
            run_briefly(s);
        }
        eryx_sandbox_free(s);
        eryx_config_set_snapshot(config, NULL, 0, NULL, 0);
    }
    free(blob);
    return 0;
}
