/*
 * buf.c - growable buffers and JSON text.
 */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static bool reserve(eryx_buf *b, size_t extra) {
    if (b->failed) return false;
    if (extra > SIZE_MAX - b->len - 1) goto fail;
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *data = realloc(b->data, cap);
    if (!data) goto fail;
    b->data = data;
    b->cap = cap;
    return true;
fail:
    b->failed = true;
    return false;
}

bool buf_append(eryx_buf *b, const void *data, size_t len) {
    if (!reserve(b, len)) return false;
    if (len) memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return true;
}

char *buf_room(eryx_buf *b, size_t n) {
    return reserve(b, n) ? b->data + b->len : NULL;
}

bool buf_puts(eryx_buf *b, const char *s) {
    return buf_append(b, s, strlen(s));
}

bool buf_printf(eryx_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) b->failed = true; /* over INT_MAX bytes: never silently short */
    if (n < 0 || !reserve(b, (size_t)n)) return false;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return true;
}

size_t utf8_sequence(const unsigned char *s, size_t len) {
    unsigned char c = s[0];
    size_t n;
    uint32_t cp;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if (len < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return n;
}

char *utf8_sanitized(const char *s, size_t len, size_t *out_len) {
    eryx_buf b = {0};
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_sequence(u + i, len - i);
        if (n) {
            i += n;
            continue;
        }
        buf_append(&b, s + run, i - run);
        buf_puts(&b, "\xEF\xBF\xBD");
        run = ++i;
    }
    buf_append(&b, s + run, len - run);
    *out_len = b.len;
    return buf_take(&b);
}

bool buf_json_string(eryx_buf *b, const char *s, size_t len) {
    if (!s) return buf_puts(b, "null");
    const unsigned char *u = (const unsigned char *)s;
    buf_append(b, "\"", 1);
    size_t run = 0; /* start of bytes copied as they are */
    for (size_t i = 0; i < len;) {
        unsigned char c = u[i];
        const char *esc = NULL;
        char hex[8];
        size_t n = 1;
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\r')
            esc = "\\r";
        else if (c == '\t')
            esc = "\\t";
        else if (c < 0x20 || c == 0x7F) {
            snprintf(hex, sizeof hex, "\\u%04x", c);
            esc = hex;
        } else if (c >= 0x80) {
            n = utf8_sequence(u + i, len - i);
            if (!n) {
                esc = "\xEF\xBF\xBD"; /* U+FFFD for one invalid byte */
                n = 1;
            }
        }
        if (esc) {
            buf_append(b, s + run, i - run);
            buf_puts(b, esc);
            run = i + n;
        }
        i += n;
    }
    buf_append(b, s + run, len - run);
    return buf_append(b, "\"", 1);
}

/* Index just past the JSON string whose opening quote is text[i]. */
static size_t string_end(const char *text, size_t len, size_t i) {
    for (i++; i < len; i++) {
        if (text[i] == '\\')
            i++;
        else if (text[i] == '"')
            return i + 1;
    }
    return len;
}

/* Deepest nesting of brackets in `text` outside strings (for text that
 * json_valid refused, to say why). */
static size_t nesting(const char *text, size_t len) {
    size_t depth = 0, deepest = 0;
    for (size_t i = 0; i < len;) {
        char c = text[i];
        if (c == '"') {
            i = string_end(text, len, i);
            continue;
        }
        if (c == '[' || c == '{') {
            if (++depth > deepest) deepest = depth;
        } else if ((c == ']' || c == '}') && depth) {
            depth--;
        }
        i++;
    }
    return deepest;
}

const char *buf_guest_json(eryx_buf *b, const char *text, size_t len) {
    if (!json_valid(text, len)) {
        return nesting(text, len) > JSON_MAX_DEPTH ? "nests deeper than 256 levels"
                                                   : "is not valid JSON";
    }
    /* Valid, so a quote outside a string opens one, and a comma or colon
     * outside strings is a separator. */
    size_t run = 0; /* start of the bytes to copy as they are */
    for (size_t i = 0; i < len;) {
        char c = text[i];
        if (c == '"') {
            i = string_end(text, len, i);
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            buf_append(b, text + run, i - run);
            run = i + 1;
        } else if (c == ',' || c == ':') {
            buf_append(b, text + run, i + 1 - run);
            buf_append(b, " ", 1);
            run = i + 1;
        }
        i++;
    }
    buf_append(b, text + run, len - run);
    return NULL;
}

char *buf_take(eryx_buf *b) {
    char *data = b->failed ? NULL : b->data;
    if (b->failed)
        free(b->data);
    else if (!data)
        data = calloc(1, 1);
    *b = (eryx_buf){0};
    return data;
}

void buf_free(eryx_buf *b) {
    free(b->data);
    *b = (eryx_buf){0};
}
