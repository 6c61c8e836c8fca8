/*
 * hmac.h - HMAC-SHA-256 (RFC 2104 over FIPS 180-4 SHA-256), for
 * authenticated snapshots. Small and self-contained: no crypto library is
 * linked.
 */
#ifndef ERYX_HMAC_H
#define ERYX_HMAC_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_SIZE 32

typedef struct {
    uint32_t h[8];
    uint64_t bytes;
    uint8_t block[64];
    size_t used;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
void sha256_final(sha256_ctx *c, uint8_t out[SHA256_SIZE]);

/* HMAC-SHA-256 of the concatenation of `parts` (n pieces) under `key`. */
typedef struct {
    const void *data;
    size_t len;
} hmac_part;
void hmac_sha256(const uint8_t *key, size_t key_len, const hmac_part *parts, size_t n,
                 uint8_t out[SHA256_SIZE]);

/* Compares two MACs in time independent of where they differ: 0 if equal. */
int hmac_differs(const uint8_t *a, const uint8_t *b, size_t len);

#endif
