/*
 * unit_json.c - tests of src/host/json.c alone: the grammar (valid and
 * invalid texts, json_parse and json_valid agreeing on each), error offsets,
 * escapes and UTF-8 edge cases, deep nesting, numbers of any size, the
 * accessors, json_quote and json_write, and the memory a tree takes.
 *
 * Usage: unit_json [FILTER]
 * Prints one line per test and "N passed, N failed"; exits 1 on any failure.
 */
#include <float.h>
#include <locale.h>
#include <malloc.h>
#include <sanitizer/allocator_interface.h>
#include <math.h>
#include <stdlib.h>

#ifndef __has_feature
#define __has_feature(x) 0
#endif

#include "check.h"
#include "json.h"

/* A text with its length, so that cases can hold NUL bytes. */
typedef struct {
    const char *text;
    size_t len;
} text;

#define T(s) {s, sizeof(s) - 1}

/* Parses `t`, checks that json_valid agrees, returns the tree (NULL when
 * invalid) and the error message in err. */
static json_value *parse(text t, char *err, size_t errlen) {
    err[0] = '\0';
    json_value *v = json_parse(t.text, t.len, err, errlen);
    bool valid = json_valid(t.text, t.len);
    if (valid != (v != NULL)) {
        fprintf(stderr, "    json_valid and json_parse disagree on \"%.*s\"\n", (int)t.len, t.text);
        check_failures++;
    }
    return v;
}

/* Checks that every text in `cases` parses (valid) or fails (!valid). */
static void check_cases(const text *cases, size_t n, bool valid) {
    for (size_t i = 0; i < n; i++) {
        char err[256];
        json_value *v = parse(cases[i], err, sizeof err);
        if ((v != NULL) != valid) {
            fprintf(stderr, "    case %zu \"%.*s\": expected %s, got %s\n", i, (int)cases[i].len,
                    cases[i].text, valid ? "valid" : "invalid", v ? "valid" : err);
            check_failures++;
        }
        if (!valid && v == NULL && strstr(err, " at byte ") == NULL) {
            fprintf(stderr, "    case %zu: error without offset: %s\n", i, err);
            check_failures++;
        }
        json_free(v);
    }
}

/* Texts that are JSON: scalars at the top, nesting, escapes, UTF-8, big numbers. */
static void test_valid_texts(void) {
    static const text cases[] = {
        T("null"),
        T("true"),
        T("false"),
        T("0"),
        T("-0"),
        T("1"),
        T("-1"),
        T("0.5"),
        T("-12.5e+3"),
        T("1E2"),
        T("1e-2"),
        T("\"\""),
        T("\"abc\""),
        T("[]"),
        T("{}"),
        T(" \t\r\n[ 1 , 2 ]\n "),
        T("{\"a\":{\"b\":[null,true,false,{}]}}"),
        T("[\"\\u0000\"]"),
        T("{\"\":0}"),
        T("[[[]]]"),
        T("\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\""),
        T("\"\xEF\xBF\xBF\xF4\x8F\xBF\xBF\""),
        T("\"\\uD800\""),
        T("\"\\uDC00\\uD800\""),
        T("{\"a\":1,\"a\":2}"),
        T("123456789012345678901234567890"),
        T("1e400"),
        T("\"\x7F\""),
        T("\"/\\/\""),
    };
    check_cases(cases, sizeof cases / sizeof cases[0], true);
}

/* Texts that are not: extensions, bad numbers, bad escapes and UTF-8, BOM,
 * NUL bytes, truncation, trailing garbage, empty input. */
static void test_invalid_texts(void) {
    static const text cases[] = {
        T(""),
        T(" "),
        T("\n\t"),
        T("01"),
        T("-01"),
        T("1."),
        T(".5"),
        T("+1"),
        T("-"),
        T("1e"),
        T("1e+"),
        T("0x10"),
        T("NaN"),
        T("Infinity"),
        T("-Infinity"),
        T("[1,]"),
        T("[,1]"),
        T("{\"a\":1,}"),
        T("{'a':1}"),
        T("[1 2]"),
        T("tru"),
        T("nul"),
        T("True"),
        T("nulll"),
        T("\"abc"),
        T("\"\\x\""),
        T("\"\\u12G4\""),
        T("\"\\u12\""),
        T("\"\t\""),
        T("\"\n\""),
        T("\xEF\xBB\xBF{}"),
        T("[1]x"),
        T("1 2"),
        T("{\"a\" 1}"),
        T("{1:2}"),
        T("// c\n1"),
        T("/* c */ 1"),
        T("[1,\0]"),
        T("\"a\0b\""),
        T("\"\xC0\xAF\""),
        T("\"\xE0\x80\xAF\""),
        T("\"\xED\xA0\x80\""),
        T("\"\xF4\x90\x80\x80\""),
        T("\"\xE2\x82\""),
        T("\"\x80\""),
        T("\"\xFF\""),
        T("\"\xF8\x88\x80\x80\x80\""),
        T("\"\\"),
        T("\"\\u"),
        T("["),
        T("{"),
        T("{\"a\""),
        T("{\"a\":"),
        T("[1"),
        T("\xC3\xA9"),
        T("\f1"),
        T("\v1"),
        T("\"\\U0041\""),
        T("1.5e3.2"),
        T("- 1"),
        T("{\"a\":1 \"b\":2}"),
        T("]"),
        T("}"),
        T(":"),
        T(","),
    };
    check_cases(cases, sizeof cases / sizeof cases[0], false);
}

/* The error names the byte where the text stopped being JSON. */
static void test_error_offsets(void) {
    static const struct {
        text t;
        const char *needle;
    } cases[] = {
        {T("[1,]"), "at byte 3"},        {T("{\"a\" 1}"), "at byte 5"},
        {T("[1]x"), "at byte 3"},        {T(""), "at byte 0"},
        {T("  "), "at byte 2"},          {T("\"ab"), "at byte 0"},
        {T("[\"a\x80\"]"), "at byte 3"}, {T("{\"k\":tx}"), "at byte 5"},
        {T("[1, 2"), "at byte 5"},       {T("\"\\q\""), "at byte 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[128];
        json_value *v = parse(cases[i].t, err, sizeof err);
        CHECK(v == NULL);
        CHECK_CONTAINS(err, cases[i].needle);
        json_free(v);
    }
    char err[128];
    json_value *v = parse((text)T("[1,]"), err, sizeof err);
    CHECK_STR(err, "expected a value at byte 3");
    json_free(v);
    /* A short or missing buffer is not overrun. */
    char tiny[8];
    memset(tiny, 'x', sizeof tiny);
    CHECK(json_parse("[", 1, tiny, 5) == NULL);
    CHECK(strlen(tiny) == 4 && tiny[5] == 'x');
    CHECK(json_parse("[", 1, NULL, 0) == NULL);
    CHECK(json_parse(NULL, 0, tiny, sizeof tiny) == NULL);
    CHECK(!json_valid(NULL, 0));
}

/* Expects `src` to parse to a string of exactly `len` bytes `expected`. */
static void check_string(text src, const char *expected, size_t len) {
    char err[128];
    json_value *v = parse(src, err, sizeof err);
    size_t got_len = 0;
    const char *got = json_string(v, &got_len);
    if (got == NULL || got_len != len || memcmp(got, expected, len) != 0 || got[len] != '\0') {
        fprintf(stderr, "    string \"%.*s\" decoded wrongly (%s)\n", (int)src.len, src.text,
                got ? "value differs" : err);
        check_failures++;
    }
    json_free(v);
}

#define CHECK_STRING(src, expected) check_string((text)T(src), expected, sizeof(expected) - 1)

/* Escapes and UTF-8 decode to the right bytes; lone surrogates to U+FFFD. */
static void test_escapes(void) {
    CHECK_STRING("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t");
    CHECK_STRING("\"\\u0041\\u00e9\\u00E9\\u20ac\"", "A\xC3\xA9\xC3\xA9\xE2\x82\xAC");
    CHECK_STRING("\"\\u0000\"", "\0");
    CHECK_STRING("\"a\\u0000b\"", "a\0b");
    CHECK_STRING("\"\\uD83D\\uDE00\"", "\xF0\x9F\x98\x80");
    CHECK_STRING("\"\\udbff\\udfff\"", "\xF4\x8F\xBF\xBF");
    /* Lone surrogates decode to U+FFFD (documented choice). */
    CHECK_STRING("\"\\uD800\"", "\xEF\xBF\xBD");
    CHECK_STRING("\"\\uDC00\"", "\xEF\xBF\xBD");
    CHECK_STRING("\"\\uD800x\"", "\xEF\xBF\xBDx");
    CHECK_STRING("\"\\uD800\\u0041\"", "\xEF\xBF\xBD"
                                       "A");
    CHECK_STRING("\"\\uD800\\uD800\\uDC00\"", "\xEF\xBF\xBD\xF0\x90\x80\x80");
    CHECK_STRING("\"\\uDC00\\uD800\"", "\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK_STRING("\"\\uD800\\n\"", "\xEF\xBF\xBD\n");
    /* Raw UTF-8 at the edges of each sequence length. */
    CHECK_STRING("\"\xC2\x80\xDF\xBF\"", "\xC2\x80\xDF\xBF");
    CHECK_STRING("\"\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\"",
                 "\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80");
    CHECK_STRING("\"\xF0\x90\x80\x80\xF4\x8F\xBF\xBF\"", "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
}

/* Parses `src` as a number and returns its value (NAN if not a number). */
static double number_of(const char *src) {
    char err[128];
    json_value *v = parse((text){src, strlen(src)}, err, sizeof err);
    double d = json_typeof(v) == JSON_NUMBER ? json_number(v) : NAN;
    if (v != NULL) {
        size_t len;
        const char *t = json_number_text(v, &len);
        CHECK(t != NULL && len == strlen(src) && strcmp(t, src) == 0);
    }
    json_free(v);
    return d;
}

/* Numbers: exact text, correctly rounded doubles, overflow and underflow,
 * thousands of digits, independence from the C locale. */
static void test_numbers(void) {
    CHECK(number_of("0") == 0 && !signbit(number_of("0")));
    CHECK(number_of("-0") == 0 && signbit(number_of("-0")));
    CHECK(number_of("0.1") == 0.1);
    CHECK(number_of("-12.5e+3") == -12500.0);
    CHECK(number_of("1E2") == 100.0);
    CHECK(number_of("25e-1") == 2.5);
    CHECK(number_of("1.7976931348623157e308") == DBL_MAX);
    CHECK(number_of("2.2250738585072014e-308") == DBL_MIN);
    CHECK(number_of("4.9406564584124654e-324") == 4.9406564584124654e-324);
    CHECK(number_of("9007199254740993") == 9007199254740992.0); /* rounds to even */
    CHECK(number_of("123456789012345678901234567890") == 123456789012345678901234567890.0);
    CHECK(number_of("1e400") == HUGE_VAL);
    CHECK(number_of("-1e400") == -HUGE_VAL);
    CHECK(number_of("1e-400") == 0);
    CHECK(number_of("1e99999999999999999999999999") == HUGE_VAL);
    CHECK(number_of("1e-99999999999999999999999999") == 0);
    CHECK(number_of("0e99999999999999999999999999") == 0);
    CHECK(number_of("0.000000000000000000000000000000000000000001e42") == 1.0);

    /* Thousands of digits: the text is kept whole. */
    size_t n = 5000;
    char *big = malloc(n + 8);
    memset(big, '9', n);
    big[n] = '\0';
    CHECK(number_of(big) == HUGE_VAL);
    memcpy(big, "0.", 2);
    CHECK(number_of(big) == 1.0);
    big[n - 1] = '\0';
    memcpy(big + n - 5, "e-1", 4);
    CHECK(number_of(big) == 0.1); /* 0.0999... with 4993 nines rounds to 0.1 */
    /* Halfway between two doubles, then a nonzero digit 1000 places later:
     * the digits beyond those kept still decide the rounding. */
    memcpy(big, "9007199254740993", 16);
    memset(big + 16, '0', 1000);
    strcpy(big + 1016, "e-1000");
    CHECK(number_of(big) == 9007199254740992.0); /* exactly halfway: to even */
    strcpy(big + 1016, "1e-1001");
    CHECK(number_of(big) == 9007199254740994.0); /* just above halfway: up */
    strcpy(big, "0.");
    memset(big + 2, '0', 2000);
    strcpy(big + 2002, "15e2001");
    CHECK(number_of(big) == 1.5); /* leading zeros of the fraction */
    free(big);

    /* The C locale's decimal point does not matter. */
    static const char *const locales[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "de_DE", "fr_FR"};
    for (size_t i = 0; i < sizeof locales / sizeof locales[0]; i++) {
        if (setlocale(LC_NUMERIC, locales[i]) != NULL) {
            CHECK(number_of("1.5") == 1.5);
            CHECK(number_of("-0.25e1") == -2.5);
            setlocale(LC_NUMERIC, "C");
            break;
        }
    }
}

/* A text of `depth` nested arrays (or objects {"a": ...}) around 0. */
static text nested(size_t depth, bool objects) {
    const char *open = objects ? "{\"a\":" : "[";
    size_t olen = strlen(open), len = depth * (olen + 1) + 1;
    char *s = malloc(len + 1), *p = s;
    for (size_t i = 0; i < depth; i++, p += olen)
        memcpy(p, open, olen);
    *p++ = '0';
    for (size_t i = 0; i < depth; i++)
        *p++ = objects ? '}' : ']';
    *p = '\0';
    return (text){s, len};
}

/* JSON_MAX_DEPTH levels parse; one more fails; far more fail without
 * exhausting the stack. */
static void test_deep_nesting(void) {
    for (int objects = 0; objects <= 1; objects++) {
        char err[128];
        text ok = nested(JSON_MAX_DEPTH, objects);
        json_value *v = parse(ok, err, sizeof err);
        CHECK(v != NULL);
        const json_value *inner = v;
        for (int i = 0; i < JSON_MAX_DEPTH; i++)
            inner = objects ? json_object_get(inner, "a") : json_array_get(inner, 0);
        CHECK(json_typeof(inner) == JSON_NUMBER);
        json_free(v);
        free((char *)ok.text);

        text deep = nested(JSON_MAX_DEPTH + 1, objects);
        CHECK(parse(deep, err, sizeof err) == NULL);
        CHECK_CONTAINS(err, "nesting deeper than 256");
        free((char *)deep.text);

        /* Far deeper: rejected at the limit, no stack overflow. */
        text huge = nested(1000000, objects);
        CHECK(parse(huge, err, sizeof err) == NULL);
        free((char *)huge.text);
    }
    /* Unclosed brackets only. */
    size_t n = 100000;
    char *s = malloc(n);
    memset(s, '[', n);
    CHECK(!json_valid(s, n));
    free(s);
}

/* Accessors: order, duplicates, keys with NUL, wrong types. */
static void test_accessors(void) {
    const char *src = "{\"b\": [1, \"two\", null, true, false], \"a\": {\"x\": -1.50}, "
                      "\"k\\u0000ey\": 7, \"dup\": 1, \"dup\": 2}";
    char err[128];
    json_value *v = parse((text){src, strlen(src)}, err, sizeof err);
    CHECK(json_typeof(v) == JSON_OBJECT);
    CHECK(json_length(v) == 5);
    size_t len;
    CHECK_STR(json_object_key(v, 0, &len), "b");
    CHECK(len == 1);
    CHECK_STR(json_object_key(v, 1, NULL), "a");
    CHECK(json_object_key(v, 2, &len) != NULL && len == 4);
    CHECK(json_object_key(v, 5, &len) == NULL && len == 0);
    CHECK(json_object_value(v, 5) == NULL);
    CHECK(json_number(json_object_getn(v, "k\0ey", 4)) == 7);
    CHECK(json_object_get(v, "k") == NULL);
    CHECK(json_number(json_object_get(v, "dup")) == 2); /* the last one */
    CHECK(json_number(json_object_value(v, 3)) == 1);
    CHECK(json_object_get(v, "missing") == NULL);
    CHECK(json_typeof(json_object_get(v, "missing")) == JSON_NONE);

    const json_value *b = json_object_get(v, "b");
    CHECK(json_typeof(b) == JSON_ARRAY && json_length(b) == 5);
    CHECK(json_number(json_array_get(b, 0)) == 1);
    CHECK_STR(json_string(json_array_get(b, 1), &len), "two");
    CHECK(len == 3);
    CHECK(json_typeof(json_array_get(b, 2)) == JSON_NULL);
    CHECK(json_bool(json_array_get(b, 3)) && !json_bool(json_array_get(b, 4)));
    CHECK(json_typeof(json_array_get(b, 4)) == JSON_BOOL);
    CHECK(json_array_get(b, 5) == NULL);

    /* Wrong types and NULL give the neutral values. */
    CHECK(json_string(b, &len) == NULL && len == 0);
    CHECK(json_number_text(b, &len) == NULL && len == 0);
    CHECK(json_number(b) == 0 && !json_bool(b));
    CHECK(json_object_get(b, "x") == NULL && json_array_get(v, 0) == NULL);
    CHECK(json_length(json_array_get(b, 1)) == 0);
    CHECK(json_typeof(NULL) == JSON_NONE && json_length(NULL) == 0);
    CHECK(json_string(NULL, NULL) == NULL && json_object_get(NULL, "a") == NULL);
    json_free(v);
    json_free(NULL);
}

/* A wide array: growth of the element list. */
static void test_large_array(void) {
    size_t n = 200000;
    char *s = malloc(n * 2 + 2), *p = s;
    *p++ = '[';
    for (size_t i = 0; i < n; i++) {
        *p++ = (char)('0' + i % 10);
        *p++ = i + 1 < n ? ',' : ']';
    }
    char err[128];
    json_value *v = parse((text){s, (size_t)(p - s)}, err, sizeof err);
    CHECK(json_length(v) == n);
    CHECK(json_number(json_array_get(v, n - 1)) == (double)((n - 1) % 10));
    json_free(v);
    free(s);
}

/* json_quote(s) must parse back to exactly s when s is valid UTF-8. */
static void check_round_trip(const char *s, size_t len) {
    size_t qlen;
    char *q = json_quote(s, len, &qlen);
    CHECK(q != NULL && strlen(q) == qlen);
    char err[128];
    json_value *v = parse((text){q, qlen}, err, sizeof err);
    size_t back_len;
    const char *back = json_string(v, &back_len);
    CHECK(back != NULL && back_len == len && memcmp(back, s, len) == 0);
    json_free(v);
    free(q);
}

/* json_quote: escapes, U+FFFD for invalid UTF-8, round trips. */
static void test_quote(void) {
    size_t len;
    char *q = json_quote("a\"b\\c\n\t\x01\x1f\x7f", 10, &len);
    CHECK_STR(q, "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\x7f\"");
    CHECK(len == strlen(q));
    free(q);
    q = json_quote(NULL, 0, &len);
    CHECK_STR(q, "\"\"");
    free(q);
    /* Invalid UTF-8: each bad byte becomes U+FFFD; NUL is escaped. */
    q = json_quote("x\xff\xC3y\0z", 6, NULL);
    CHECK_STR(q, "\"x\xEF\xBF\xBD\xEF\xBF\xBDy\\u0000z\"");
    CHECK(q != NULL && json_valid(q, strlen(q)));
    free(q);
    check_round_trip("", 0);
    check_round_trip("plain", 5);
    check_round_trip("\0\x01\x02\b\f\n\r\t\"\\/", 12);
    check_round_trip("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF", 13);
    /* Every byte value, then every 2-byte sequence's lead byte. */
    unsigned char all[256];
    for (int i = 0; i < 128; i++)
        all[i] = (unsigned char)i;
    check_round_trip((const char *)all, 128);
    for (int i = 0; i < 256; i++) {
        all[0] = (unsigned char)i;
        q = json_quote((const char *)all, 1, &len);
        CHECK(q != NULL && json_valid(q, len));
        free(q);
    }
}

/* Parses `src`, writes it back and compares with `expected`; the written
 * text parses to the same text again. */
static void check_write(const char *src, const char *expected) {
    char err[128];
    json_value *v = parse((text){src, strlen(src)}, err, sizeof err);
    size_t len = 0;
    char *out = json_write(v, &len);
    CHECK(out != NULL && strlen(out) == len);
    if (out == NULL || strcmp(out, expected) != 0) {
        fprintf(stderr, "    json_write(%s) is %s, expected %s\n", src, out ? out : err, expected);
        check_failures++;
    }
    json_value *again = out != NULL ? parse((text){out, len}, err, sizeof err) : NULL;
    char *out2 = json_write(again, NULL);
    CHECK(out2 != NULL && out != NULL && strcmp(out, out2) == 0);
    free(out);
    free(out2);
    json_free(again);
    json_free(v);
}

/* json_write: the canonical text, whatever the spacing and escapes of the
 * source; numbers as written; raw control characters never come out. */
static void test_write(void) {
    check_write("null", "null");
    check_write(" true ", "true");
    check_write("false", "false");
    check_write("-1.50e+3", "-1.50e+3");
    check_write("123456789012345678901234567890", "123456789012345678901234567890");
    check_write("\"\\u0041b\"", "\"Ab\"");
    check_write("\"a\\r\\nb\\u0000\\u001f\\/\"", "\"a\\r\\nb\\u0000\\u001f/\"");
    check_write("\"\\uD83D\\uDE00\\uD800\"", "\"\xF0\x9F\x98\x80\xEF\xBF\xBD\"");
    check_write("[]", "[]");
    check_write("{}", "{}");
    check_write("[ 1 ,2,\t[ ] , { } ]", "[1, 2, [], {}]");
    check_write("{\"b\":1,\"a\":{\"x\":[null]},\"b\":2}",
                "{\"b\": 1, \"a\": {\"x\": [null]}, \"b\": 2}");
    check_write("{\"k\\u0000\":\"\\u2028\"}", "{\"k\\u0000\": \"\xE2\x80\xA8\"}");
    CHECK(json_write(NULL, NULL) == NULL);
    /* The deepest tree the parser accepts is written and read back. */
    for (int objects = 0; objects <= 1; objects++) {
        text deep = nested(JSON_MAX_DEPTH, objects);
        char err[128];
        json_value *v = parse(deep, err, sizeof err);
        size_t len;
        char *out = json_write(v, &len);
        CHECK(out != NULL && json_valid(out, len));
        free(out);
        json_free(v);
        free((char *)deep.text);
    }
}

/* Bytes allocated now, from the allocator's own counters (ASan's when it
 * replaces malloc). */
static size_t heap_in_use(void) {
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
    return __sanitizer_get_current_allocated_bytes();
#else
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
#endif
}

/* `n` copies of `item` joined by commas inside "[...]". */
static text array_of(const char *item, size_t n) {
    size_t ilen = strlen(item), len = n * (ilen + 1) + 1;
    char *s = malloc(len + 1), *p = s;
    *p++ = '[';
    for (size_t i = 0; i < n; i++, p += ilen + 1) {
        memcpy(p, item, ilen);
        p[ilen] = i + 1 < n ? ',' : ']';
    }
    *p = '\0';
    return (text){s, len};
}

/* The tree's memory stays within the documented factor of the input
 * length. */
static void test_memory(void) {
    static const struct {
        const char *item;
        double max_factor;
    } cases[] = {{"0", 9.1}, {"[0]", 10.6}, {"[]", 8.1}, {"\"\"", 6.1}, {"{\"\":0}", 8.6}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        text t = array_of(cases[i].item, 1000000);
        size_t before = heap_in_use();
        json_value *v = json_parse(t.text, t.len, NULL, 0);
        size_t held = heap_in_use() - before;
        CHECK(v != NULL && json_length(v) == 1000000);
        if ((double)held > cases[i].max_factor * (double)t.len) {
            fprintf(stderr, "    [%s, ...]: %zu bytes for %zu of input\n", cases[i].item, held,
                    t.len);
            check_failures++;
        }
        json_free(v);
        free((char *)t.text);
    }
    /* A long string takes about its own length. */
    size_t n = 10 << 20;
    char *s = malloc(n + 2);
    memset(s + 1, 'x', n);
    s[0] = s[n + 1] = '"';
    size_t before = heap_in_use();
    json_value *v = json_parse(s, n + 2, NULL, 0);
    size_t held = heap_in_use() - before;
    CHECK(json_string(v, NULL) != NULL);
    CHECK(held < n + 4096);
    json_free(v);
    free(s);
}

/* Runs the tests whose name contains argv[1] (all without it). */
int main(int argc, char **argv) {
    static const test_case tests[] = {
        {"valid_texts", test_valid_texts},
        {"invalid_texts", test_invalid_texts},
        {"error_offsets", test_error_offsets},
        {"escapes", test_escapes},
        {"numbers", test_numbers},
        {"deep_nesting", test_deep_nesting},
        {"accessors", test_accessors},
        {"large_array", test_large_array},
        {"quote", test_quote},
        {"write", test_write},
        {"memory", test_memory},
    };
    return run_tests(tests, sizeof tests / sizeof tests[0], argc > 1 ? argv[1] : NULL);
}
