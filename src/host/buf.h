/*
 * buf.h - a growable byte buffer, and JSON text written into one.
 */
#ifndef ERYX_BUF_H
#define ERYX_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Zero-initialized is empty. Once an allocation fails, `failed` stays set
 * and further appends do nothing, so a caller checks once at the end. */
typedef struct {
    char *data; /* NUL-terminated when not NULL */
    size_t len, cap;
    bool failed;
} eryx_buf;

/* Appends len bytes. False when out of memory. */
bool buf_append(eryx_buf *b, const void *data, size_t len);

/* Room for n more bytes and a NUL: where to write them (then add n to
 * len and write the NUL), or NULL when out of memory. */
char *buf_room(eryx_buf *b, size_t n);

/* Appends a NUL-terminated string. */
bool buf_puts(eryx_buf *b, const char *s);

/* Appends printf-formatted text. */
bool buf_printf(eryx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends `len` bytes of s as a JSON string literal (quotes included).
 * Invalid UTF-8 becomes U+FFFD, so the output is always valid JSON. NULL
 * appends `null`. */
bool buf_json_string(eryx_buf *b, const char *s, size_t len);

/* Appends `len` bytes of JSON text that came from the guest, checked by
 * json_valid (json.h) and laid out as Python's json.dumps does by default:
 * ", " after each comma, ": " after each colon, no other whitespace outside
 * strings, so always one line. Strings and numbers are kept as written
 * (valid JSON strings are valid UTF-8 without raw control characters).
 * Returns NULL, or why the text was refused, with nothing appended ("is
 * not valid JSON", "nests deeper than 256 levels"). */
const char *buf_guest_json(eryx_buf *b, const char *text, size_t len);

/* Gives the data to the caller (never NULL unless failed: then NULL and
 * the buffer is freed) and leaves the buffer empty. */
char *buf_take(eryx_buf *b);

/* Frees the data. */
void buf_free(eryx_buf *b);

/* A NUL-terminated copy of s[0, len) in which every invalid UTF-8 byte is
 * replaced by U+FFFD; *out_len gets its length. NULL when out of memory. */
char *utf8_sanitized(const char *s, size_t len, size_t *out_len);

/* Length of the next valid UTF-8 sequence at s (1 to 4), or 0 if invalid
 * or truncated. */
size_t utf8_sequence(const unsigned char *s, size_t len);

#endif
