/*
 * json.h - a small, strict JSON reader (RFC 8259) and writers (string
 * literals, canonical text of a value), with no dependency beyond the C
 * library. Used by the library and compiled into the command-line tool as
 * well.
 *
 * What the reader accepts, exactly:
 *  - One JSON value of any type (RFC 8259 allows scalars at the top level),
 *    with optional whitespace (space, tab, LF, CR) around it. Anything else
 *    after it is an error ("trailing characters"); so is an empty input.
 *  - No extensions: no comments, trailing commas, single quotes, NaN or
 *    Infinity, leading '+' or zeros, hexadecimal; no byte order mark.
 *  - Strings must be valid UTF-8 (no overlong forms, no encoded surrogates,
 *    nothing above U+10FFFF) without raw control characters (below 0x20).
 *    Escapes are unescaped to UTF-8, \u surrogate pairs combined. A \u
 *    escape of a lone surrogate (a high one not followed by an escaped low
 *    one, or a low one alone) is accepted, as the grammar of RFC 8259 allows
 *    it, and decodes to U+FFFD: string values are therefore always valid
 *    UTF-8. They may contain NUL (from \u0000); use the lengths.
 *  - Arrays and objects nest at most JSON_MAX_DEPTH levels deep.
 *  - Numbers of any size or precision: the text is kept exactly as written,
 *    the double is the correctly rounded value (±HUGE_VAL when it overflows,
 *    0 or a subnormal when it underflows). The conversion does not depend on
 *    the C locale.
 *  - Objects keep their members in order, duplicate keys included (RFC 8259
 *    leaves duplicates to the implementation); lookup by key finds the last
 *    one, as JavaScript and Python do.
 *  - Inputs of 4 GiB or more are refused ("input too large"). Memory is
 *    proportional to the input with a small factor: the tree is one block of
 *    16 bytes per value (object keys included) plus the bytes of its strings
 *    and number texts with a NUL each; while the parse runs, 4 to 8 bytes
 *    more per array or object. Measured worst cases: the tree takes 9
 *    bytes per byte of input (an array of one-digit numbers), the parse
 *    10.5 at its peak (an array of [0] arrays); a long string takes about
 *    its length. The tree does not refer to the input.
 *
 * Values returned by accessors belong to the tree and live until json_free.
 * Every accessor accepts NULL or a value of another type and then returns
 * the neutral value (JSON_NONE, 0, NULL, false), so lookups chain without
 * checks: json_string(json_object_get(v, "code"), &len). A number's double
 * is computed from its text by json_number, which allocates nothing.
 *
 * All functions are thread-safe (there is no global state).
 */
#ifndef ERYX_JSON_H
#define ERYX_JSON_H

#include <stdbool.h>
#include <stddef.h>

/* Deepest nesting of arrays and objects accepted; a top-level array is at
 * depth 1. */
#define JSON_MAX_DEPTH 256

typedef enum json_type {
    JSON_NONE = 0, /* not a value: what accessors report for NULL */
    JSON_NULL,
    JSON_BOOL,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
} json_type;

typedef struct json_value json_value;

/* Parses `len` bytes of `text` (need not be NUL-terminated; a NUL byte is
 * an error outside strings and in them). Returns the tree, freed with
 * json_free, or NULL on error: then, when err is not NULL, a one-line
 * message naming the problem and the byte offset where it was found
 * ("expected ':' after an object key at byte 12") is written there
 * (truncated to errlen bytes, NUL-terminated). Out of memory is reported
 * the same way ("out of memory at byte N"). */
json_value *json_parse(const char *text, size_t len, char *err, size_t errlen);

/* Whether `len` bytes of `text` are exactly one valid JSON text, by the
 * rules of json_parse. Allocates nothing. */
bool json_valid(const char *text, size_t len);

/* Frees a tree returned by json_parse (only the root: the tree is one
 * allocation). NULL does nothing. */
void json_free(json_value *value);

/* The type of a value; JSON_NONE for NULL. */
json_type json_typeof(const json_value *value);

/* A boolean's value; false for anything else. */
bool json_bool(const json_value *value);

/* A number's value as a double (see above for out-of-range numbers); 0 for
 * anything else. */
double json_number(const json_value *value);

/* A number's text exactly as it was written ("-1.50e+3"), NUL-terminated;
 * *len (if not NULL) gets its length. NULL (and *len 0) for anything else. */
const char *json_number_text(const json_value *value, size_t *len);

/* A string's unescaped UTF-8 value, NUL-terminated; *len (if not NULL) gets
 * its byte length, which matters when it holds NUL bytes. NULL (and *len 0)
 * for anything else. */
const char *json_string(const json_value *value, size_t *len);

/* Number of elements of an array or members of an object; 0 otherwise. */
size_t json_length(const json_value *value);

/* Element i of an array (0-based); NULL when out of range or not an array. */
const json_value *json_array_get(const json_value *value, size_t i);

/* Key of member i of an object (in input order), unescaped and
 * NUL-terminated, its length in *len (if not NULL); NULL when out of range
 * or not an object. */
const char *json_object_key(const json_value *value, size_t i, size_t *len);

/* Value of member i of an object; NULL when out of range or not an
 * object. */
const json_value *json_object_value(const json_value *value, size_t i);

/* The value of the member named `key` (NUL-terminated); with duplicate keys,
 * the last one. NULL when there is none or `value` is not an object. */
const json_value *json_object_get(const json_value *value, const char *key);

/* json_object_get for a key of `keylen` bytes, which may contain NUL. */
const json_value *json_object_getn(const json_value *value, const char *key, size_t keylen);

/* `len` bytes of `s` as a JSON string literal, quotes included, in newly
 * allocated memory (free with free()), NUL-terminated, its length in
 * *out_len (if not NULL). '"', '\\' and control characters are escaped
 * (\n, \t, ..., else \u00XX); other characters are copied as UTF-8. Each
 * byte that does not begin a valid UTF-8 sequence becomes U+FFFD, so the
 * result is always valid JSON and valid UTF-8. s may be NULL when len is 0.
 * NULL when out of memory. Allocates exactly the length of the result. */
char *json_quote(const char *s, size_t len, size_t *out_len);

/* The canonical text of a value, in newly allocated memory (free with
 * free()), NUL-terminated, its length in *out_len (if not NULL): no
 * whitespace but one space after each ',' and ':' ({"a": [1, true]}),
 * members in order (duplicates kept), strings written by the rules of
 * json_quote from their unescaped value ("\u0041" becomes "A"), numbers
 * with their text exactly as written (so that integers beyond a double's
 * precision survive). The result is valid JSON and valid UTF-8 with no raw
 * control character, and json_parse reads it back to an equal tree. NULL
 * for NULL or when out of memory. */
char *json_write(const json_value *value, size_t *out_len);

#endif
