/*
 * json.c - the strict JSON reader and the writers of json.h.
 *
 * One recursive-descent parser does everything, in one of three modes, so
 * that validation, counting and building can never disagree about what is
 * valid. json_valid runs it once and allocates nothing. json_parse runs it
 * twice: the first pass checks the text and counts the values, the bytes of
 * strings and numbers and the size of each container; then the whole tree
 * is allocated as one block (values first, 16 bytes each, then the
 * characters) and the second pass fills it. The elements of a container are
 * contiguous in the block, so access by index is direct and the memory is
 * at most 16 bytes per value plus the characters, whatever the input.
 * Recursion is bounded by JSON_MAX_DEPTH, so hostile input cannot exhaust
 * the stack.
 */
#include "json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One value of a tree (16 bytes on 64-bit hosts). Inputs are below 4 GiB,
 * so 32 bits hold any length or count. */
struct json_value {
    uint8_t type; /* a json_type */
    bool boolean;
    uint32_t len; /* bytes of a string or number text; elements of an array;
                   * members of an object */
    union {
        const char *chars; /* string value or number text, NUL-terminated */
        json_value *items; /* array: len values; object: 2 * len (key, value) */
    } u;
};

/* What a pass of the parser does. */
typedef enum parse_mode {
    VALIDATE, /* check the grammar only */
    COUNT,    /* check, and record the size of every container */
    BUILD,    /* fill the tree allocated after a COUNT pass */
} parse_mode;

/* The state of one pass. The first error wins: it is the one nearest the
 * start of the input, which is where the text first stopped being JSON. */
typedef struct parser {
    const unsigned char *text;
    size_t len, pos;
    parse_mode mode;
    int depth;
    const char *error; /* NULL while all is well */
    size_t error_pos;
    size_t values;   /* values seen, object keys included */
    size_t chars;    /* bytes of string values and number texts, a NUL each */
    uint32_t *sizes; /* elements of each container, in the order they open */
    size_t nsizes, sizes_cap, next_size;
    json_value *free_value; /* BUILD: the next unused value of the block */
    char *free_char;        /* BUILD: the next unused character */
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

/* The character that backslash-`e` stands for; -1 when it is not one of
 * the one-letter escapes. */
static int simple_escape(unsigned char e) {
    switch (e) {
    case '"':
    case '\\':
    case '/':
        return e;
    case 'b':
        return '\b';
    case 'f':
        return '\f';
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 't':
        return '\t';
    default:
        return -1;
    }
}

/* Parses a string starting at its opening quote. In BUILD mode the
 * unescaped value goes to the next characters of the block (the first pass
 * counted exactly as many) and `slot` gets it; the other modes only count. */
static bool parse_string(parser *ps, json_value *slot) {
    size_t start = ps->pos;
    ps->pos++; /* the opening quote */
    char *out = ps->mode == BUILD ? ps->free_char : NULL;
    size_t n = 0;
    for (;;) {
        if (ps->pos >= ps->len) return fail_at(ps, start, "unterminated string");
        unsigned char c = ps->text[ps->pos];
        if (c == '"') break;
        if (c < 0x20) return fail(ps, "control character in string (must be escaped)");
        if (c != '\\') {
            uint32_t cp;
            size_t k = utf8_decode(ps->text + ps->pos, ps->len - ps->pos, &cp);
            if (k == 0) return fail(ps, "invalid UTF-8 in string");
            if (out != NULL) memcpy(out + n, ps->text + ps->pos, k);
            n += k;
            ps->pos += k;
            continue;
        }
        if (ps->pos + 1 >= ps->len) return fail_at(ps, start, "unterminated string");
        unsigned char e = ps->text[ps->pos + 1];
        ps->pos += 2;
        int simple = simple_escape(e);
        if (simple >= 0) {
            if (out != NULL) out[n] = (char)simple;
            n++;
        } else if (e == 'u') {
            long cp = read_unicode_escape(ps);
            if (cp < 0) return false;
            char utf8[4];
            size_t k = utf8_encode((uint32_t)cp, utf8);
            if (out != NULL) memcpy(out + n, utf8, k);
            n += k;
        } else {
            return fail_at(ps, ps->pos - 2, "invalid escape in string");
        }
    }
    ps->pos++; /* the closing quote */
    ps->chars += n + 1;
    if (out != NULL) {
        out[n] = '\0';
        *slot = (json_value){.type = JSON_STRING, .len = (uint32_t)n, .u.chars = out};
        ps->free_char += n + 1;
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

/* Significant digits kept to convert a number: a halfway point between two
 * doubles has at most 768, so the value lies on the same side of every
 * rounding boundary as the kept digits followed by a nonzero digit when any
 * digit beyond them is nonzero. */
#define NUMBER_DIGITS 800

/* The value of a number text already checked against the grammar, correctly
 * rounded, independent of the C locale and without allocating: the digits
 * are rewritten as an integer with an exponent and no decimal point
 * ("-12.5e3" becomes "-125e2"), which strtod reads the same in any locale,
 * keeping NUMBER_DIGITS significant digits and a sticky one. */
static double number_value(const char *s, size_t len) {
    char buf[NUMBER_DIGITS + 32]; /* sign, digits, sticky digit, 'e', exponent, NUL */
    size_t n = 0, i = 0, kept = 0;
    if (s[i] == '-') buf[n++] = s[i++];
    long long scale = 0; /* the value is the kept digits times 10^scale */
    bool fraction = false, dropped = false;
    for (; i < len && s[i] != 'e' && s[i] != 'E'; i++) {
        if (s[i] == '.') {
            fraction = true;
        } else if (kept == 0 && s[i] == '0') {
            scale -= fraction; /* a leading zero */
        } else if (kept < NUMBER_DIGITS) {
            buf[n++] = s[i];
            kept++;
            scale -= fraction;
        } else {
            dropped |= s[i] != '0';
            scale += !fraction;
        }
    }
    if (kept == 0) {
        buf[n++] = '0';
    } else if (dropped) {
        buf[n++] = '1';
        scale--;
    }
    /* The exponent saturates far beyond any double; scale is at most the
     * input length, so the sum cannot overflow. */
    long long exp = 0;
    if (i < len) {
        i++;
        bool negative = s[i] == '-';
        if (s[i] == '-' || s[i] == '+') i++;
        for (; i < len; i++) {
            if (exp < 1000000000000000LL) exp = exp * 10 + (s[i] - '0');
        }
        if (negative) exp = -exp;
    }
    snprintf(buf + n, sizeof buf - n, "e%lld", exp + scale);
    return strtod(buf, NULL); /* ERANGE: ±HUGE_VAL or 0/subnormal, as documented */
}

/* Parses a number at ps->pos (grammar of RFC 8259 section 6); in BUILD mode
 * its text goes to the next characters of the block. */
static bool parse_number(parser *ps, json_value *slot) {
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
    size_t len = ps->pos - start;
    ps->chars += len + 1;
    if (ps->mode == BUILD) {
        char *text = ps->free_char;
        memcpy(text, ps->text + start, len);
        text[len] = '\0';
        *slot = (json_value){.type = JSON_NUMBER, .len = (uint32_t)len, .u.chars = text};
        ps->free_char += len + 1;
    }
    return true;
}

static bool parse_value(parser *ps, json_value *slot);

/* COUNT: appends a size of 0 for a container that opens, its index in *at. */
static bool push_size(parser *ps, size_t *at) {
    if (ps->nsizes == ps->sizes_cap) {
        size_t cap = ps->sizes_cap == 0 ? 16 : ps->sizes_cap * 2;
        uint32_t *sizes =
            cap > SIZE_MAX / sizeof *sizes ? NULL : realloc(ps->sizes, cap * sizeof *sizes);
        if (sizes == NULL) return fail(ps, "out of memory");
        ps->sizes = sizes;
        ps->sizes_cap = cap;
    }
    *at = ps->nsizes;
    ps->sizes[ps->nsizes++] = 0;
    return true;
}

/* Parses an array or an object at its '[' or '{'. In BUILD mode its
 * elements (for an object: key, value, key, value...) take the next values
 * of the block, as many as the first pass counted, and are filled in place. */
static bool parse_container(parser *ps, json_value *slot, bool object) {
    unsigned char close = object ? '}' : ']';
    ps->pos++;
    size_t size_at = 0;
    uint32_t size = 0;
    json_value *items = NULL;
    if (ps->mode == COUNT && !push_size(ps, &size_at)) return false;
    if (ps->mode == BUILD) {
        size = ps->sizes[ps->next_size++];
        items = ps->free_value;
        ps->free_value += object ? 2 * (size_t)size : size;
        *slot =
            (json_value){.type = object ? JSON_OBJECT : JSON_ARRAY, .len = size, .u.items = items};
    }
    uint32_t n = 0;
    skip_ws(ps);
    bool more = !(ps->pos < ps->len && ps->text[ps->pos] == close);
    if (!more) ps->pos++;
    while (more) {
        /* The passes read the same text the same way; this only keeps the
         * writes inside the block should they ever disagree. */
        if (ps->mode == BUILD && n >= size) return fail(ps, "internal error: the passes disagree");
        json_value *value = items == NULL ? NULL : object ? &items[2 * (size_t)n] : &items[n];
        if (object) {
            skip_ws(ps);
            if (ps->pos >= ps->len) return fail(ps, "unexpected end of input in object");
            if (ps->text[ps->pos] != '"') return fail(ps, "expected a string key in object");
            ps->values++;
            if (!parse_string(ps, value)) return false;
            skip_ws(ps);
            if (ps->pos >= ps->len || ps->text[ps->pos] != ':')
                return fail(ps, "expected ':' after an object key");
            ps->pos++;
            if (value != NULL) value++;
        }
        if (!parse_value(ps, value)) return false;
        n++;
        skip_ws(ps);
        if (ps->pos >= ps->len) {
            return fail(ps, object ? "unexpected end of input in object"
                                   : "unexpected end of input in array");
        }
        unsigned char c = ps->text[ps->pos++];
        if (c == close) break;
        if (c != ',') {
            return fail_at(ps, ps->pos - 1,
                           object ? "expected ',' or '}' in object"
                                  : "expected ',' or ']' in array");
        }
    }
    if (ps->mode == COUNT) ps->sizes[size_at] = n;
    if (ps->mode == BUILD && n != size) return fail(ps, "internal error: the passes disagree");
    return true;
}

/* Parses one of the literals true, false, null. */
static bool parse_literal(parser *ps, json_value *slot) {
    static const struct {
        const char *word;
        json_type type;
        bool value;
    } literals[] = {{"true", JSON_BOOL, true}, {"false", JSON_BOOL, false}, {"null", JSON_NULL, 0}};
    for (size_t i = 0; i < sizeof literals / sizeof literals[0]; i++) {
        size_t n = strlen(literals[i].word);
        if (ps->len - ps->pos < n || memcmp(ps->text + ps->pos, literals[i].word, n) != 0) continue;
        if (slot != NULL)
            *slot = (json_value){.type = (uint8_t)literals[i].type, .boolean = literals[i].value};
        ps->pos += n;
        return true;
    }
    return fail(ps, "expected a value");
}

/* Parses any value after optional whitespace into `slot` (BUILD mode; NULL
 * otherwise). */
static bool parse_value(parser *ps, json_value *slot) {
    skip_ws(ps);
    if (ps->pos >= ps->len) return fail(ps, "unexpected end of input (expected a value)");
    ps->values++;
    unsigned char c = ps->text[ps->pos];
    if (c == '[' || c == '{') {
        if (ps->depth >= JSON_MAX_DEPTH) return fail(ps, "nesting deeper than 256 levels");
        ps->depth++;
        bool ok = parse_container(ps, slot, c == '{');
        ps->depth--;
        return ok;
    }
    if (c == '"') return parse_string(ps, slot);
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number(ps, slot);
    return parse_literal(ps, slot);
}

/* Parses a whole text: one value, whitespace around it, nothing else. */
static bool parse_text(parser *ps, json_value *slot) {
    if (ps->len > UINT32_MAX) return fail(ps, "input too large (4 GiB or more)");
    skip_ws(ps);
    if (ps->pos >= ps->len) return fail(ps, "empty input (expected a JSON value)");
    if (!parse_value(ps, slot)) return false;
    skip_ws(ps);
    if (ps->pos < ps->len) return fail(ps, "unexpected characters after the JSON value");
    return true;
}

json_value *json_parse(const char *text, size_t len, char *err, size_t errlen) {
    const unsigned char *t = (const unsigned char *)text;
    parser count = {.text = t, .len = text != NULL ? len : 0, .mode = COUNT};
    json_value *root = NULL;
    const parser *outcome = &count;
    parser build;
    if (parse_text(&count, NULL)) {
        /* values <= len < 4 GiB, so the sizes cannot overflow. */
        size_t value_bytes = count.values * sizeof(json_value);
        root = malloc(value_bytes + count.chars);
        if (root == NULL) {
            fail_at(&count, 0, "out of memory");
        } else {
            build = (parser){.text = t,
                             .len = count.len,
                             .mode = BUILD,
                             .sizes = count.sizes,
                             .free_value = root + 1,
                             .free_char = (char *)root + value_bytes};
            if (!parse_text(&build, root)) {
                free(root);
                root = NULL;
                outcome = &build;
            }
        }
    }
    free(count.sizes);
    if (root == NULL && err != NULL && errlen > 0)
        snprintf(err, errlen, "%s at byte %zu", outcome->error, outcome->error_pos);
    return root;
}

bool json_valid(const char *text, size_t len) {
    parser ps = {.text = (const unsigned char *)text, .len = text != NULL ? len : 0};
    return parse_text(&ps, NULL);
}

void json_free(json_value *v) {
    free(v);
}

json_type json_typeof(const json_value *v) {
    return v != NULL ? (json_type)v->type : JSON_NONE;
}

bool json_bool(const json_value *v) {
    return v != NULL && v->type == JSON_BOOL && v->boolean;
}

double json_number(const json_value *v) {
    return v != NULL && v->type == JSON_NUMBER ? number_value(v->u.chars, v->len) : 0;
}

/* The characters and length of a string or a number; NULL and 0 for
 * anything else. */
static const char *chars_of(const json_value *v, json_type type, size_t *len) {
    bool ok = v != NULL && v->type == type;
    if (len != NULL) *len = ok ? v->len : 0;
    return ok ? v->u.chars : NULL;
}

const char *json_number_text(const json_value *v, size_t *len) {
    return chars_of(v, JSON_NUMBER, len);
}

const char *json_string(const json_value *v, size_t *len) {
    return chars_of(v, JSON_STRING, len);
}

size_t json_length(const json_value *v) {
    return v != NULL && (v->type == JSON_ARRAY || v->type == JSON_OBJECT) ? v->len : 0;
}

const json_value *json_array_get(const json_value *v, size_t i) {
    return v != NULL && v->type == JSON_ARRAY && i < v->len ? &v->u.items[i] : NULL;
}

/* Member i of an object: its key value, followed by its value. */
static const json_value *member(const json_value *v, size_t i) {
    return v != NULL && v->type == JSON_OBJECT && i < v->len ? &v->u.items[2 * i] : NULL;
}

const char *json_object_key(const json_value *v, size_t i, size_t *len) {
    return json_string(member(v, i), len);
}

const json_value *json_object_value(const json_value *v, size_t i) {
    const json_value *m = member(v, i);
    return m != NULL ? m + 1 : NULL;
}

const json_value *json_object_getn(const json_value *v, const char *key, size_t keylen) {
    if (key == NULL || json_typeof(v) != JSON_OBJECT) return NULL;
    /* From the end: with duplicate keys the last one wins. */
    for (size_t i = v->len; i-- > 0;) {
        const json_value *k = &v->u.items[2 * i];
        if (k->len == keylen && memcmp(k->u.chars, key, keylen) == 0) return k + 1;
    }
    return NULL;
}

const json_value *json_object_get(const json_value *v, const char *key) {
    return key != NULL ? json_object_getn(v, key, strlen(key)) : NULL;
}

/* ======================================================================
 * Writers. Each writes to `out` when it is not NULL and returns the number
 * of bytes, so that one function both measures and writes: the result is
 * allocated exactly, never for the worst case.
 * ====================================================================== */

/* Copies n bytes of s to out (if not NULL); returns n. */
static size_t put(char *out, const char *s, size_t n) {
    if (out != NULL) memcpy(out, s, n);
    return n;
}

/* Where the next byte goes after n bytes of out (NULL stays NULL). */
static char *after(char *out, size_t n) {
    return out != NULL ? out + n : NULL;
}

/* `len` bytes of s as a JSON string literal (see json_quote). */
static size_t write_quoted(const unsigned char *s, size_t len, char *out) {
    static const char hex[] = "0123456789abcdef";
    size_t n = put(out, "\"", 1);
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
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
            n += put(after(out, n), esc, 2);
            i++;
        } else if (c < 0x20) {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            n += put(after(out, n), u, 6);
            i++;
        } else {
            uint32_t cp;
            size_t k = utf8_decode(s + i, len - i, &cp);
            if (k == 0) {
                n += put(after(out, n), "\xEF\xBF\xBD", 3); /* U+FFFD */
                i++;
            } else {
                n += put(after(out, n), (const char *)s + i, k);
                i += k;
            }
        }
    }
    return n + put(after(out, n), "\"", 1);
}

char *json_quote(const char *s, size_t len, size_t *out_len) {
    const unsigned char *p = (const unsigned char *)s;
    size_t n = write_quoted(p, len, NULL);
    char *out = n < SIZE_MAX ? malloc(n + 1) : NULL;
    if (out == NULL) return NULL;
    write_quoted(p, len, out);
    out[n] = '\0';
    if (out_len != NULL) *out_len = n;
    return out;
}

/* The canonical text of v (see json_write). Recursion is bounded by the
 * depth of the tree, at most JSON_MAX_DEPTH. */
static size_t write_value(const json_value *v, char *out) {
    switch ((json_type)v->type) {
    case JSON_NULL:
        return put(out, "null", 4);
    case JSON_BOOL:
        return v->boolean ? put(out, "true", 4) : put(out, "false", 5);
    case JSON_NUMBER:
        return put(out, v->u.chars, v->len);
    case JSON_STRING:
        return write_quoted((const unsigned char *)v->u.chars, v->len, out);
    case JSON_ARRAY:
    case JSON_OBJECT:
        break;
    case JSON_NONE:
        return 0;
    }
    bool object = v->type == JSON_OBJECT;
    size_t n = put(out, object ? "{" : "[", 1);
    for (size_t i = 0; i < v->len; i++) {
        if (i > 0) n += put(after(out, n), ", ", 2);
        if (object) {
            n += write_value(&v->u.items[2 * i], after(out, n));
            n += put(after(out, n), ": ", 2);
            n += write_value(&v->u.items[2 * i + 1], after(out, n));
        } else {
            n += write_value(&v->u.items[i], after(out, n));
        }
    }
    return n + put(after(out, n), object ? "}" : "]", 1);
}

char *json_write(const json_value *v, size_t *out_len) {
    if (v == NULL) return NULL;
    size_t n = write_value(v, NULL);
    char *out = malloc(n + 1);
    if (out == NULL) return NULL;
    write_value(v, out);
    out[n] = '\0';
    if (out_len != NULL) *out_len = n;
    return out;
}
