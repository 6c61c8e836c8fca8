/*
 * fuzz_json.c - the JSON reader and writers of src/host/json.c.
 *
 * Properties checked on every input (any bytes):
 *  - json_valid and json_parse agree; a refusal comes with a message naming
 *    a byte offset inside the input;
 *  - the tree takes at most 9 bytes per byte of input plus 9 (json.h);
 *  - json_write of a tree is valid JSON without raw control characters,
 *    parses back, and writing that again gives the same text (canonical);
 *  - every number's double is exactly strtod of its text (the C locale);
 *  - every string is valid UTF-8, and json_quote of it parses back to it;
 *  - json_quote of the raw input is valid JSON whose value is the input
 *    when the input is valid UTF-8.
 * A violated property aborts, which libFuzzer reports with the input.
 */
#include <math.h>
#include <sanitizer/allocator_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* Stops the run with a message: libFuzzer keeps the input. */
#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_json: %s:%d: %s\n", __FILE__, __LINE__, #cond);                  \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Whether len bytes of s hold no raw control character (below 0x20). */
static int no_controls(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20) return 0;
    return 1;
}

/* json_quote(s) is JSON without raw control characters whose value is s
 * exactly (s being valid UTF-8, as every string of a tree is). */
static void check_quote_round_trip(const char *s, size_t len) {
    size_t qlen;
    char *q = json_quote(s, len, &qlen);
    REQUIRE(q != NULL && strlen(q) == qlen && no_controls(q, qlen));
    json_value *v = json_parse(q, qlen, NULL, 0);
    size_t back_len;
    const char *back = json_string(v, &back_len);
    REQUIRE(back != NULL && back_len == len && memcmp(back, s, len) == 0);
    json_free(v);
    free(q);
}

/* Walks a tree: numbers against strtod, strings (and keys) through
 * json_quote, containers through every accessor. */
static void check_values(const json_value *v) {
    size_t len;
    switch (json_typeof(v)) {
    case JSON_NUMBER: {
        const char *text = json_number_text(v, &len);
        REQUIRE(text != NULL && strlen(text) == len);
        double expected = strtod(text, NULL), got = json_number(v);
        REQUIRE(memcmp(&expected, &got, sizeof got) == 0);
        break;
    }
    case JSON_STRING: {
        const char *s = json_string(v, &len);
        REQUIRE(s != NULL && s[len] == '\0');
        check_quote_round_trip(s, len);
        break;
    }
    case JSON_ARRAY:
        for (size_t i = 0; i < json_length(v); i++)
            check_values(json_array_get(v, i));
        REQUIRE(json_array_get(v, json_length(v)) == NULL);
        break;
    case JSON_OBJECT:
        for (size_t i = 0; i < json_length(v); i++) {
            const char *key = json_object_key(v, i, &len);
            REQUIRE(key != NULL);
            check_quote_round_trip(key, len);
            /* Lookup finds this member or a later one of the same key. */
            const json_value *found = json_object_getn(v, key, len);
            REQUIRE(found != NULL);
            check_values(json_object_value(v, i));
        }
        REQUIRE(json_object_key(v, json_length(v), NULL) == NULL);
        break;
    case JSON_NULL:
    case JSON_BOOL:
        break;
    case JSON_NONE:
        REQUIRE(0);
    }
}

/* Whether len bytes of s are valid UTF-8 (RFC 3629), checked here by
 * code points rather than json.c's byte ranges, as an oracle. */
static int is_utf8(const unsigned char *s, size_t len) {
    for (size_t i = 0; i < len;) {
        size_t n = s[i] < 0x80       ? 1
                   : s[i] >> 5 == 6  ? 2
                   : s[i] >> 4 == 14 ? 3
                   : s[i] >> 3 == 30 ? 4
                                     : 0;
        if (n == 0 || len - i < n) return 0;
        uint32_t cp = n == 1 ? s[i] : s[i] & (0x7F >> n);
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        i += n;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *text = (const char *)data;
    char err[256];
    size_t before = __sanitizer_get_current_allocated_bytes();
    json_value *v = json_parse(text, size, err, sizeof err);
    size_t tree = __sanitizer_get_current_allocated_bytes() - before;
    REQUIRE(json_valid(text, size) == (v != NULL));
    if (v == NULL) {
        const char *at = strstr(err, " at byte ");
        REQUIRE(at != NULL && strtoull(at + 9, NULL, 10) <= size);
    } else {
        REQUIRE(tree <= 9 * size + 9);
        check_values(v);
        size_t len;
        char *out = json_write(v, &len);
        REQUIRE(out != NULL && strlen(out) == len && no_controls(out, len));
        json_value *again = json_parse(out, len, NULL, 0);
        REQUIRE(again != NULL);
        size_t len2;
        char *out2 = json_write(again, &len2);
        REQUIRE(out2 != NULL && len2 == len && memcmp(out, out2, len) == 0);
        free(out2);
        json_free(again);
        free(out);
        json_free(v);
    }
    /* The raw input as a string literal: always JSON, its value the input
     * when that is valid UTF-8, and quoting the value again gives the same
     * literal (invalid bytes became U+FFFD once and for all). */
    size_t qlen;
    char *q = json_quote(text, size, &qlen);
    REQUIRE(q != NULL && no_controls(q, qlen));
    json_value *s = json_parse(q, qlen, NULL, 0);
    size_t slen;
    const char *value = json_string(s, &slen);
    REQUIRE(value != NULL);
    REQUIRE(!is_utf8(data, size) || (slen == size && memcmp(value, text, size) == 0));
    size_t q2len;
    char *q2 = json_quote(value, slen, &q2len);
    REQUIRE(q2 != NULL && q2len == qlen && memcmp(q, q2, qlen) == 0);
    free(q2);
    json_free(s);
    free(q);
    return 0;
}
