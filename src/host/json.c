/*
 * json.c - the strict JSON reader and string-literal writer of json.h.
 *
 * One recursive-descent parser serves both json_parse and json_valid: with
 * `build` off it checks the same grammar without allocating anything, so the
 * two can never disagree about what is valid. Recursion is bounded by
 * JSON_MAX_DEPTH, so hostile input cannot exhaust the stack.
 */
#include "json.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One member of an object. */
typedef struct json_member {
    char *key;
    size_t key_len;
    json_value *value;
} json_member;

struct json_value {
    json_type type;
    size_t src_off, src_len; /* where it came from in the input */
    union {
        bool boolean;
        struct {
            char *text;
            size_t len;
            double value;
        } number;
        struct {
            char *data;
            size_t len;
        } string;
        struct {
            json_value **items;
            size_t len;
        } array;
        struct {
            json_member *members;
            size_t len;
        } object;
    } u;
};

/* The state of one parse. The first error wins: it is the one nearest the
 * start of the input, which is where the text first stopped being JSON. */
typedef struct parser {
    const unsigned char *text;
    size_t len, pos;
    bool build; /* false: validate only, allocate nothing */
    int depth;
    const char *error; /* NULL while all is well */
    size_t error_pos;
} parser;

/* Records an error at `pos` and returns false, so callers can `return
 * fail(...)`. */
static bool fail_at(parser *ps, size_t pos, const char *what) {
    if (ps->error == NULL) {
        ps->error = what;
        ps->error_pos = pos;
    }
    return false;
}

/* Records an error at the current position. */
static bool fail(parser *ps, const char *what) {
    return fail_at(ps, ps->pos, what);
}

/* Skips the four whitespace characters of RFC 8259 (and nothing else). */
static void skip_ws(parser *ps) {
    while (ps->pos < ps->len) {
        unsigned char c = ps->text[ps->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        ps->pos++;
    }
}

/* Length of the valid UTF-8 sequence at s (1 to 4), storing its code point
 * in *cp; 0 when the bytes there are not one (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF, no truncation). */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp) {
    if (len == 0) return 0;
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0; /* overlong below */
        if (c == 0xED) hi = 0x9F; /* surrogates above */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90; /* overlong below */
        if (c == 0xF4) hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (len < n || s[1] < lo || s[1] > hi) return 0;
    uint32_t v = c & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return n;
}

/* Writes code point cp (at most U+10FFFF, not a surrogate) as UTF-8 to out;
 * returns the number of bytes. */
static size_t utf8_encode(uint32_t cp, char *out) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Allocates a zeroed node of `type` starting at `start`; NULL when
 * validating only or out of memory (the latter recorded as an error). */
static json_value *new_node(parser *ps, json_type type, size_t start) {
    if (!ps->build) return NULL;
    json_value *v = calloc(1, sizeof *v);
    if (v == NULL) {
        fail_at(ps, start, "out of memory");
        return NULL;
    }
    v->type = type;
    v->src_off = start;
    return v;
}

/* Reads the 4 hex digits of a \u escape at ps->pos; -1 if they are not. */
static long read_hex4(parser *ps) {
    if (ps->len - ps->pos < 4) return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = ps->text[ps->pos + (size_t)i];
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    ps->pos += 4;
    return v;
}

/* Decodes the rest of a \u escape (ps->pos is just after "\u") into a code
 * point: a surrogate pair is combined; a lone surrogate becomes U+FFFD (see
 * json.h). Returns -1 after recording an error. */
static long read_unicode_escape(parser *ps) {
    size_t start = ps->pos - 2;
    long cp = read_hex4(ps);
    if (cp < 0) {
        fail_at(ps, start, "invalid \\u escape (expected 4 hex digits)");
        return -1;
    }
    if (cp >= 0xDC00 && cp <= 0xDFFF) return 0xFFFD; /* low surrogate alone */
    if (cp < 0xD800 || cp > 0xDBFF) return cp;
    /* A high surrogate: combine it with an escaped low one if one follows;
     * otherwise leave what follows for the caller to read normally. */
    if (ps->len - ps->pos >= 6 && ps->text[ps->pos] == '\\' && ps->text[ps->pos + 1] == 'u') {
        size_t save = ps->pos;
        ps->pos += 2;
        long low = read_hex4(ps);
        if (low >= 0xDC00 && low <= 0xDFFF) return 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        ps->pos = save;
    }
    return 0xFFFD;
}

/* Parses a string starting at its opening quote. In build mode stores the
 * unescaped value (NUL-terminated) in *data and its length in *out_len.
 * The decoded form is never longer than the source (an escape of 6 or 12
 * bytes yields at most 3 or 4), so one buffer of the source length is
 * enough and the string is read once. */
static bool parse_string_raw(parser *ps, char **data, size_t *out_len) {
    size_t start = ps->pos;
    ps->pos++; /* the opening quote */
    /* Find the closing quote first to size the buffer. A backslash always
     * escapes the next byte, so this scan cannot stop inside an escape. */
    size_t end = ps->pos;
    while (end < ps->len && ps->text[end] != '"')
        end += ps->text[end] == '\\' ? 2 : 1;
    char *out = NULL;
    if (ps->build) {
        size_t cap = (end < ps->len ? end : ps->len) - ps->pos + 1;
        out = malloc(cap);
        if (out == NULL) return fail_at(ps, start, "out of memory");
    }
    size_t n = 0;
    for (;;) {
        if (ps->pos >= ps->len) {
            free(out);
            return fail_at(ps, start, "unterminated string");
        }
        unsigned char c = ps->text[ps->pos];
        if (c == '"') break;
        if (c < 0x20) {
            free(out);
            return fail(ps, "control character in string (must be escaped)");
        }
        if (c != '\\') {
            uint32_t cp;
            size_t k = utf8_decode(ps->text + ps->pos, ps->len - ps->pos, &cp);
            if (k == 0) {
                free(out);
                return fail(ps, "invalid UTF-8 in string");
            }
            if (out != NULL) memcpy(out + n, ps->text + ps->pos, k);
            n += k;
            ps->pos += k;
            continue;
        }
        if (ps->pos + 1 >= ps->len) {
            free(out);
            return fail_at(ps, start, "unterminated string");
        }
        unsigned char e = ps->text[ps->pos + 1];
        ps->pos += 2;
        char simple = 0;
        switch (e) {
        case '"':
            simple = '"';
            break;
        case '\\':
            simple = '\\';
            break;
        case '/':
            simple = '/';
            break;
        case 'b':
            simple = '\b';
            break;
        case 'f':
            simple = '\f';
            break;
        case 'n':
            simple = '\n';
            break;
        case 'r':
            simple = '\r';
            break;
        case 't':
            simple = '\t';
            break;
        case 'u': {
            long cp = read_unicode_escape(ps);
            if (cp < 0) {
                free(out);
                return false;
            }
            char tmp[4];
            size_t k = utf8_encode((uint32_t)cp, tmp);
            if (out != NULL) memcpy(out + n, tmp, k);
            n += k;
            continue;
        }
        default:
            free(out);
            return fail_at(ps, ps->pos - 2, "invalid escape in string");
        }
        if (out != NULL) out[n] = simple;
        n++;
    }
    ps->pos++; /* the closing quote */
    if (out != NULL) {
        out[n] = '\0';
        *data = out;
        *out_len = n;
    }
    return true;
}

/* Parses a run of digits ([0-9]+); false (no error recorded) if there is
 * none. */
static bool skip_digits(parser *ps) {
    size_t start = ps->pos;
    while (ps->pos < ps->len && ps->text[ps->pos] >= '0' && ps->text[ps->pos] <= '9')
        ps->pos++;
    return ps->pos > start;
}

/* The value of a number text already checked against the grammar, correctly
 * rounded and independent of the C locale: strtod would take the decimal
 * point from the locale, so the text is rewritten without one ("-12.5e3"
 * becomes "-125e2") before strtod reads it. Sets *ok false when out of
 * memory. */
static double number_value(const char *s, size_t len, bool *ok) {
    char small[128];
    size_t cap = len + 32; /* digits, sign, 'e', a 64-bit exponent, NUL */
    char *buf = cap <= sizeof small ? small : malloc(cap);
    if (buf == NULL) {
        *ok = false;
        return 0;
    }
    size_t n = 0, i = 0, frac_digits = 0;
    if (s[i] == '-') buf[n++] = s[i++];
    while (i < len && s[i] >= '0' && s[i] <= '9')
        buf[n++] = s[i++];
    if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, frac_digits++)
            buf[n++] = s[i];
    }
    /* The exponent saturates far beyond any double; frac_digits is at most
     * the input length, so the difference cannot overflow. */
    long long exp = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool negative = s[i] == '-';
        if (s[i] == '-' || s[i] == '+') i++;
        for (; i < len; i++) {
            if (exp < 1000000000000000LL) exp = exp * 10 + (s[i] - '0');
        }
        if (negative) exp = -exp;
    }
    exp -= (long long)frac_digits;
    snprintf(buf + n, cap - n, "e%lld", exp);
    double v = strtod(buf, NULL); /* ERANGE: ±HUGE_VAL or 0/subnormal, as documented */
    if (buf != small) free(buf);
    return v;
}

/* Parses a number at ps->pos (grammar of RFC 8259 section 6). */
static bool parse_number(parser *ps, json_value **out) {
    size_t start = ps->pos;
    if (ps->text[ps->pos] == '-') ps->pos++;
    if (ps->pos < ps->len && ps->text[ps->pos] == '0') {
        ps->pos++; /* no leading zeros: "01" stops here and fails as trailing text */
    } else if (!skip_digits(ps)) {
        return fail(ps, "expected a digit in number");
    }
    if (ps->pos < ps->len && ps->text[ps->pos] == '.') {
        ps->pos++;
        if (!skip_digits(ps)) return fail(ps, "expected a digit after '.' in number");
    }
    if (ps->pos < ps->len && (ps->text[ps->pos] == 'e' || ps->text[ps->pos] == 'E')) {
        ps->pos++;
        if (ps->pos < ps->len && (ps->text[ps->pos] == '+' || ps->text[ps->pos] == '-')) ps->pos++;
        if (!skip_digits(ps)) return fail(ps, "expected a digit in the exponent of number");
    }
    if (!ps->build) return true;
    json_value *v = new_node(ps, JSON_NUMBER, start);
    if (v == NULL) return false;
    size_t len = ps->pos - start;
    v->u.number.text = malloc(len + 1);
    bool ok = v->u.number.text != NULL;
    if (ok) {
        memcpy(v->u.number.text, ps->text + start, len);
        v->u.number.text[len] = '\0';
        v->u.number.len = len;
        v->u.number.value = number_value(v->u.number.text, len, &ok);
    }
    *out = v;
    return ok ? true : fail_at(ps, start, "out of memory");
}

static bool parse_value(parser *ps, json_value **out);

/* Appends `item` to an array node, growing it by doubling. */
static bool array_push(parser *ps, json_value *arr, json_value *item, size_t *cap) {
    if (arr->u.array.len == *cap) {
        size_t ncap = *cap == 0 ? 4 : *cap * 2;
        json_value **items = ncap > SIZE_MAX / sizeof *items
                                 ? NULL
                                 : realloc(arr->u.array.items, ncap * sizeof *items);
        if (items == NULL) return fail(ps, "out of memory");
        arr->u.array.items = items;
        *cap = ncap;
    }
    arr->u.array.items[arr->u.array.len++] = item;
    return true;
}

/* Parses an array at its '['. */
static bool parse_array(parser *ps, json_value **out) {
    size_t start = ps->pos++;
    json_value *arr = new_node(ps, JSON_ARRAY, start);
    if (ps->build && arr == NULL) return false;
    *out = arr; /* attached at once, so that json_free cleans up after an error */
    size_t cap = 0;
    skip_ws(ps);
    if (ps->pos < ps->len && ps->text[ps->pos] == ']') {
        ps->pos++;
        return true;
    }
    for (;;) {
        json_value *item = NULL;
        bool ok = parse_value(ps, &item);
        if (arr != NULL && item != NULL && !array_push(ps, arr, item, &cap)) {
            json_free(item);
            return false;
        }
        if (!ok) return false;
        skip_ws(ps);
        if (ps->pos >= ps->len) return fail(ps, "unexpected end of input in array");
        unsigned char c = ps->text[ps->pos++];
        if (c == ']') return true;
        if (c != ',') return fail_at(ps, ps->pos - 1, "expected ',' or ']' in array");
    }
}

/* Appends a member to an object node, growing it by doubling. Takes
 * ownership of key and value even on failure. */
static bool object_push(parser *ps, json_value *obj, char *key, size_t key_len, json_value *value,
                        size_t *cap) {
    if (obj->u.object.len == *cap) {
        size_t ncap = *cap == 0 ? 4 : *cap * 2;
        json_member *m =
            ncap > SIZE_MAX / sizeof *m ? NULL : realloc(obj->u.object.members, ncap * sizeof *m);
        if (m == NULL) {
            free(key);
            json_free(value);
            return fail(ps, "out of memory");
        }
        obj->u.object.members = m;
        *cap = ncap;
    }
    obj->u.object.members[obj->u.object.len++] = (json_member){key, key_len, value};
    return true;
}

/* Parses an object at its '{'. */
static bool parse_object(parser *ps, json_value **out) {
    size_t start = ps->pos++;
    json_value *obj = new_node(ps, JSON_OBJECT, start);
    if (ps->build && obj == NULL) return false;
    *out = obj;
    size_t cap = 0;
    skip_ws(ps);
    if (ps->pos < ps->len && ps->text[ps->pos] == '}') {
        ps->pos++;
        return true;
    }
    for (;;) {
        skip_ws(ps);
        if (ps->pos >= ps->len) return fail(ps, "unexpected end of input in object");
        if (ps->text[ps->pos] != '"') return fail(ps, "expected a string key in object");
        char *key = NULL;
        size_t key_len = 0;
        if (!parse_string_raw(ps, &key, &key_len)) return false;
        skip_ws(ps);
        if (ps->pos >= ps->len || ps->text[ps->pos] != ':') {
            free(key);
            return fail(ps, "expected ':' after an object key");
        }
        ps->pos++;
        json_value *value = NULL;
        bool ok = parse_value(ps, &value);
        if (obj != NULL && !object_push(ps, obj, key, key_len, value, &cap)) return false;
        if (!ok) return false;
        skip_ws(ps);
        if (ps->pos >= ps->len) return fail(ps, "unexpected end of input in object");
        unsigned char c = ps->text[ps->pos++];
        if (c == '}') return true;
        if (c != ',') return fail_at(ps, ps->pos - 1, "expected ',' or '}' in object");
    }
}

/* Parses one of the literals true, false, null. */
static bool parse_literal(parser *ps, json_value **out) {
    static const struct {
        const char *word;
        json_type type;
        bool value;
    } literals[] = {{"true", JSON_BOOL, true}, {"false", JSON_BOOL, false}, {"null", JSON_NULL, 0}};
    for (size_t i = 0; i < sizeof literals / sizeof literals[0]; i++) {
        size_t n = strlen(literals[i].word);
        if (ps->len - ps->pos < n || memcmp(ps->text + ps->pos, literals[i].word, n) != 0) continue;
        json_value *v = new_node(ps, literals[i].type, ps->pos);
        if (ps->build && v == NULL) return false;
        if (v != NULL) v->u.boolean = literals[i].value;
        ps->pos += n;
        *out = v;
        return true;
    }
    return fail(ps, "expected a value");
}

/* Parses any value after optional whitespace. In build mode *out gets the
 * node (possibly partial after an error, for json_free to reclaim); its
 * source span is set here for every type. */
static bool parse_value(parser *ps, json_value **out) {
    skip_ws(ps);
    if (ps->pos >= ps->len) return fail(ps, "unexpected end of input (expected a value)");
    size_t start = ps->pos;
    unsigned char c = ps->text[ps->pos];
    bool ok;
    if (c == '[' || c == '{') {
        if (ps->depth >= JSON_MAX_DEPTH) return fail(ps, "nesting deeper than 256 levels");
        ps->depth++;
        ok = c == '[' ? parse_array(ps, out) : parse_object(ps, out);
        ps->depth--;
    } else if (c == '"') {
        char *data = NULL;
        size_t len = 0;
        ok = parse_string_raw(ps, &data, &len);
        if (ok && ps->build) {
            json_value *v = new_node(ps, JSON_STRING, start);
            if (v == NULL) {
                free(data);
                return false;
            }
            v->u.string.data = data;
            v->u.string.len = len;
            *out = v;
        }
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        ok = parse_number(ps, out);
    } else {
        ok = parse_literal(ps, out);
    }
    if (*out != NULL) (*out)->src_len = ps->pos - start;
    return ok;
}

/* Parses a whole text: one value, whitespace around it, nothing else. */
static bool parse_text(parser *ps, json_value **out) {
    skip_ws(ps);
    if (ps->pos >= ps->len) return fail(ps, "empty input (expected a JSON value)");
    if (!parse_value(ps, out)) return false;
    skip_ws(ps);
    if (ps->pos < ps->len) return fail(ps, "unexpected characters after the JSON value");
    return true;
}

json_value *json_parse(const char *text, size_t len, char *err, size_t errlen) {
    parser ps = {.text = (const unsigned char *)text, .len = text != NULL ? len : 0, .build = true};
    json_value *root = NULL;
    if (parse_text(&ps, &root)) return root;
    json_free(root);
    if (err != NULL && errlen > 0) snprintf(err, errlen, "%s at byte %zu", ps.error, ps.error_pos);
    return NULL;
}

bool json_valid(const char *text, size_t len) {
    parser ps = {.text = (const unsigned char *)text, .len = text != NULL ? len : 0};
    json_value *unused = NULL;
    return parse_text(&ps, &unused);
}

void json_free(json_value *v) {
    if (v == NULL) return;
    switch (v->type) {
    case JSON_NUMBER:
        free(v->u.number.text);
        break;
    case JSON_STRING:
        free(v->u.string.data);
        break;
    case JSON_ARRAY:
        for (size_t i = 0; i < v->u.array.len; i++)
            json_free(v->u.array.items[i]);
        free(v->u.array.items);
        break;
    case JSON_OBJECT:
        for (size_t i = 0; i < v->u.object.len; i++) {
            free(v->u.object.members[i].key);
            json_free(v->u.object.members[i].value);
        }
        free(v->u.object.members);
        break;
    case JSON_NONE:
    case JSON_NULL:
    case JSON_BOOL:
        break;
    }
    free(v);
}

json_type json_typeof(const json_value *v) {
    return v != NULL ? v->type : JSON_NONE;
}

bool json_bool(const json_value *v) {
    return v != NULL && v->type == JSON_BOOL && v->u.boolean;
}

double json_number(const json_value *v) {
    return v != NULL && v->type == JSON_NUMBER ? v->u.number.value : 0;
}

const char *json_number_text(const json_value *v, size_t *len) {
    bool ok = v != NULL && v->type == JSON_NUMBER;
    if (len != NULL) *len = ok ? v->u.number.len : 0;
    return ok ? v->u.number.text : NULL;
}

const char *json_string(const json_value *v, size_t *len) {
    bool ok = v != NULL && v->type == JSON_STRING;
    if (len != NULL) *len = ok ? v->u.string.len : 0;
    return ok ? v->u.string.data : NULL;
}

size_t json_length(const json_value *v) {
    if (v == NULL) return 0;
    if (v->type == JSON_ARRAY) return v->u.array.len;
    if (v->type == JSON_OBJECT) return v->u.object.len;
    return 0;
}

const json_value *json_array_get(const json_value *v, size_t i) {
    return v != NULL && v->type == JSON_ARRAY && i < v->u.array.len ? v->u.array.items[i] : NULL;
}

const char *json_object_key(const json_value *v, size_t i, size_t *len) {
    bool ok = v != NULL && v->type == JSON_OBJECT && i < v->u.object.len;
    if (len != NULL) *len = ok ? v->u.object.members[i].key_len : 0;
    return ok ? v->u.object.members[i].key : NULL;
}

const json_value *json_object_value(const json_value *v, size_t i) {
    return v != NULL && v->type == JSON_OBJECT && i < v->u.object.len ? v->u.object.members[i].value
                                                                      : NULL;
}

const json_value *json_object_getn(const json_value *v, const char *key, size_t keylen) {
    if (v == NULL || v->type != JSON_OBJECT || key == NULL) return NULL;
    /* From the end: with duplicate keys the last one wins. */
    for (size_t i = v->u.object.len; i-- > 0;) {
        const json_member *m = &v->u.object.members[i];
        if (m->key_len == keylen && memcmp(m->key, key, keylen) == 0) return m->value;
    }
    return NULL;
}

const json_value *json_object_get(const json_value *v, const char *key) {
    return key != NULL ? json_object_getn(v, key, strlen(key)) : NULL;
}

size_t json_source_offset(const json_value *v) {
    return v != NULL ? v->src_off : 0;
}

size_t json_source_length(const json_value *v) {
    return v != NULL ? v->src_len : 0;
}

char *json_quote(const char *s, size_t len, size_t *out_len) {
    /* Worst case: every byte a control character written as \u00XX. */
    if (len > (SIZE_MAX - 3) / 6) return NULL;
    char *out = malloc(len * 6 + 3);
    if (out == NULL) return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    out[n++] = '"';
    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        const char *esc = NULL;
        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            break;
        }
        if (esc != NULL) {
            out[n++] = esc[0];
            out[n++] = esc[1];
            i++;
        } else if (c < 0x20) {
            n += (size_t)snprintf(out + n, 7, "\\u%04x", c);
            i++;
        } else {
            uint32_t cp;
            size_t k = utf8_decode(p + i, len - i, &cp);
            if (k == 0) {
                /* U+FFFD is 3 bytes, no more than the 6 reserved per byte. */
                memcpy(out + n, "\xEF\xBF\xBD", 3);
                n += 3;
                i++;
            } else {
                memcpy(out + n, p + i, k);
                n += k;
                i += k;
            }
        }
    }
    out[n++] = '"';
    out[n] = '\0';
    if (out_len != NULL) *out_len = n;
    return out;
}
