/*
 * profile_report.c - the profile as one self-contained HTML page.
 *
 * The page is src/cli/profile/report.html with its style sheet and script
 * (report.css, report.js) put in where it says <!--eryx:style--> and
 * <!--eryx:script-->: the build embeds the three files (profile_assets.S).
 * The data goes in at <!--eryx:data--> as one JSON object, which the
 * script turns into the page: aggregates only (lines, tree nodes,
 * invocations), so that its size does not grow with the number of events.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

extern const char profile_report_html[], profile_report_css[], profile_report_js[];

/* Output and source beyond this are left out of the page. */
#define MAX_TEXT (1024 * 1024)

/* Length of the valid UTF-8 sequence at s (1 to 4), 0 if there is none. */
static size_t utf8_sequence(const unsigned char *s, size_t len) {
    unsigned char c = s[0];
    size_t n = c < 0x80                 ? 1
               : c >= 0xC2 && c <= 0xDF ? 2
               : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
    if (n == 0 || n > len) return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    /* Overlong forms, surrogates and values past U+10FFFF. */
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) || (c == 0xF0 && s[1] < 0x90) ||
        (c == 0xF4 && s[1] > 0x8F))
        return 0;
    return n;
}

/* s[0..len) as a JSON string that is safe inside <script>: '<', '>', '&'
 * and the line separators escaped, invalid UTF-8 as U+FFFD. */
static void put_string(FILE *f, const char *s, size_t len) {
    if (s == NULL) {
        fputs("null", f);
        return;
    }
    const unsigned char *u = (const unsigned char *)s;
    fputc('"', f);
    for (size_t i = 0; i < len;) {
        unsigned char c = u[i];
        if (c >= 0x80) {
            size_t n = utf8_sequence(u + i, len - i);
            if (n == 0) {
                fputs("\\ufffd", f);
                i++;
            } else if (n == 3 && c == 0xE2 && u[i + 1] == 0x80 && (u[i + 2] & 0xFE) == 0xA8) {
                fprintf(f, "\\u%04x", 0x2028 + (u[i + 2] & 1));
                i += 3;
            } else {
                fwrite(s + i, 1, n, f);
                i += n;
            }
            continue;
        }
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7F)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
        i++;
    }
    fputc('"', f);
}

static void put_cstring(FILE *f, const char *s) {
    put_string(f, s, s != NULL ? strlen(s) : 0);
}

/* At most MAX_TEXT bytes of a text, and whether it was cut. */
static void put_text(FILE *f, const char *key, const char *s, size_t len) {
    size_t keep = len > MAX_TEXT ? MAX_TEXT : len;
    fprintf(f, ",\"%s\":", key);
    put_string(f, s != NULL ? s : "", keep);
    fprintf(f, ",\"%s_cut\":%s", key, keep < len ? "true" : "false");
}

static double us(uint64_t ns) {
    return (double)ns / 1e3;
}

static const char *name_of(const struct profile *p, uint32_t i) {
    return i < p->nfunctions ? p->functions[i].name : "?";
}

static void put_status(FILE *f, const eryx_result *r) {
    fputs(",\"error\":", f);
    eryx_error_kind kind = eryx_result_error_kind(r);
    if (r == NULL || kind == ERYX_ERROR_NONE) {
        fputs("null", f);
    } else {
        fputs("{\"kind\":", f);
        put_cstring(f, eryx_error_kind_name(kind));
        fputs(",\"type\":", f);
        put_cstring(f, eryx_result_error_type(r));
        fputs(",\"message\":", f);
        put_cstring(f, eryx_result_error_message(r));
        fputs(",\"traceback\":", f);
        put_cstring(f, eryx_result_error_traceback(r));
        fprintf(f, ",\"lineno\":%d,\"exit_code\":%d}", eryx_result_error_lineno(r),
                eryx_result_exit_code(r));
    }
    size_t out_len = 0, err_len = 0;
    const char *out = r != NULL ? eryx_result_stdout(r, &out_len) : "";
    const char *err = r != NULL ? eryx_result_stderr(r, &err_len) : "";
    put_text(f, "stdout", out, out_len);
    put_text(f, "stderr", err, err_len);
    fprintf(f, ",\"duration_ms\":%.3f,\"peak_memory\":%llu", eryx_result_duration_ms(r),
            (unsigned long long)eryx_result_peak_memory(r));
}

static void put_data(FILE *f, const struct profile *p, const char *title, const eryx_result *r) {
    fputs("{\"title\":", f);
    put_cstring(f, title);
    fprintf(f, ",\"events\":%llu,\"traced_us\":%.3f,\"incomplete\":%s",
            (unsigned long long)p->events, us(p->last_ns), p->failed ? "true" : "false");
    put_text(f, "source", p->source, p->source_len);
    put_status(f, r);

    /* [lineno, count, self_us, total_us] of the lines that ran. */
    fputs(",\"lines\":[", f);
    const char *sep = "";
    for (size_t i = 1; i <= p->nlines; i++) {
        const struct profile_line *l = &p->lines[i];
        if (l->count == 0) continue;
        fprintf(f, "%s[%zu,%llu,%.3f,%.3f]", sep, i, (unsigned long long)l->count, us(l->self_ns),
                us(l->total_ns));
        sep = ",";
    }
    fprintf(f, "],\"other_lines\":%llu", (unsigned long long)p->lines[0].count);

    /* The call tree: [name, first line, parent, calls, total_us, self_us];
     * the root's total is the time in the user's code. */
    uint64_t in_code = 0;
    for (uint32_t c = p->nodes[0].first_child; c != UINT32_MAX; c = p->nodes[c].next_sibling)
        in_code += p->nodes[c].total_ns;
    fputs(",\"nodes\":[", f);
    for (size_t i = 0; i < p->nnodes; i++) {
        const struct profile_node *n = &p->nodes[i];
        if (i) fputc(',', f);
        fputc('[', f);
        put_cstring(f, i == 0 ? "(all)" : name_of(p, n->function));
        int line = n->function < p->nfunctions ? p->functions[n->function].lineno : 0;
        fprintf(f, ",%d,%d,%llu,%.3f,%.3f]", line, i == 0 ? -1 : (int)n->parent,
                (unsigned long long)n->count, us(i == 0 ? in_code : n->total_ns), us(n->self_ns));
    }
    fprintf(f, "],\"nodes_cut\":%s", p->nnodes >= PROFILE_MAX_NODES ? "true" : "false");

    /* [id, name, lineno, task, start_us, duration_ms or null, error, args] */
    fputs(",\"callbacks\":[", f);
    for (size_t i = 0; i < p->ncallbacks; i++) {
        const struct profile_callback *c = &p->callbacks[i];
        fprintf(f, "%s[%u,", i ? "," : "", c->id);
        put_cstring(f, name_of(p, c->function));
        fprintf(f, ",%d,%u,%.3f,", c->lineno, c->task, us(c->start_ns));
        if (c->done)
            fprintf(f, "%.3f,", c->duration_ms);
        else
            fputs("null,", f);
        put_cstring(f, c->error);
        fputc(',', f);
        put_cstring(f, c->args);
        fputc(']', f);
    }
    fprintf(f, "],\"callbacks_dropped\":%zu", p->callbacks_dropped);

    /* [lineno, type, first message, count] */
    fputs(",\"exceptions\":[", f);
    for (size_t i = 0; i < p->nexceptions; i++) {
        const struct profile_exception *x = &p->exceptions[i];
        fprintf(f, "%s[%d,", i ? "," : "", x->lineno);
        put_cstring(f, name_of(p, x->type));
        fputc(',', f);
        put_cstring(f, x->message);
        fprintf(f, ",%llu]", (unsigned long long)x->count);
    }
    fputs("]}", f);
}

/* The page: the template with its markers replaced. */
static void put_page(FILE *f, const struct profile *p, const char *title, const eryx_result *r) {
    const char *at = profile_report_html;
    for (;;) {
        const char *marker = strstr(at, "<!--eryx:");
        if (marker == NULL) break;
        fwrite(at, 1, (size_t)(marker - at), f);
        const char *name = marker + strlen("<!--eryx:");
        const char *end = strstr(name, "-->");
        if (end == NULL) break;
        size_t len = (size_t)(end - name);
        if (len == 5 && memcmp(name, "style", 5) == 0) {
            fprintf(f, "<style>\n%s</style>", profile_report_css);
        } else if (len == 6 && memcmp(name, "script", 6) == 0) {
            fprintf(f, "<script>\n%s</script>", profile_report_js);
        } else if (len == 4 && memcmp(name, "data", 4) == 0) {
            fputs("<script type=\"application/json\" id=\"profile-data\">", f);
            put_data(f, p, title, r);
            fputs("</script>", f);
        }
        at = end + 3;
    }
    fputs(at, f);
}

int profile_write_report(struct profile *p, FILE *f, const char *title, const eryx_result *result) {
    profile_finish(p);
    setvbuf(f, NULL, _IOFBF, 1 << 16);
    errno = 0;
    put_page(f, p, title, result);
    int err = ferror(f) ? (errno != 0 ? errno : EIO) : 0;
    if (fclose(f) != 0 && err == 0) err = errno != 0 ? errno : EIO;
    return err;
}
