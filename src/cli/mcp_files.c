/*
 * mcp_files.c - the file tools of `eryx mcp`: list_files, read_file and
 * write_file over the session's in-memory files, so that an agent can hand
 * data in and take results out without printing them through run_python.
 *
 * They see what eryx_sandbox_list_dir and friends see: the in-memory tree
 * (/data, /tmp and what the code made), not /lib, volumes or packages.
 * Text is exchanged as UTF-8; a file that is not valid UTF-8 is read as
 * base64, and write_file takes base64 when asked to.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mcp.h"

/* The guest's working directory, which relative paths start from. */
#define WORK_DIR "/data"

/* Longest path accepted, as the library's (FS_PATH_MAX). */
#define PATH_MAX_LEN 4096

const char *const mcp_list_files_arguments[] = {"path", NULL};
const char *const mcp_read_file_arguments[] = {"path", NULL};
const char *const mcp_write_file_arguments[] = {"path", "content", "encoding", NULL};

const char mcp_list_files_description[] =
    "Lists a directory of the session's files (default /data, the working directory of "
    "run_python's code; /tmp is writable too): each entry's name, type (file, dir, symlink) "
    "and size in bytes. Files written by run_python's code show up here, and files written "
    "with write_file are there for the code to open.";
const char mcp_read_file_description[] =
    "Reads a file of the session (a path relative to /data, or absolute), for example a "
    "report the code wrote. UTF-8 text comes back as text; any other content as base64 "
    "(\"encoding\": \"base64\"). At most 8 MiB.";
const char mcp_write_file_description[] =
    "Writes a file into the session (a path relative to /data, or absolute; parent "
    "directories are made; an existing file is replaced), for run_python's code to read. "
    "\"content\" is the text, or base64 with \"encoding\": \"base64\" for binary data. At "
    "most 8 MiB; the session's file quota applies.";

#define PATH_PROPERTY                                                                              \
    "\"path\":{\"type\":\"string\",\"description\":\"a path in the sandbox, relative to /data "    \
    "or absolute\"}"
#define ENCODING_PROPERTY "\"encoding\":{\"enum\":[\"utf-8\",\"base64\"]}"

const char mcp_list_files_input_schema[] =
    "{\"type\":\"object\",\"properties\":{" PATH_PROPERTY "},\"additionalProperties\":false}";
const char mcp_read_file_input_schema[] =
    "{\"type\":\"object\",\"properties\":{" PATH_PROPERTY
    "},\"required\":[\"path\"],\"additionalProperties\":false}";
const char mcp_write_file_input_schema[] =
    "{\"type\":\"object\",\"properties\":{" PATH_PROPERTY
    ",\"content\":{\"type\":\"string\"}," ENCODING_PROPERTY
    "},\"required\":[\"path\",\"content\"],\"additionalProperties\":false}";

const char mcp_list_files_output_schema[] =
    "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},"
    "\"entries\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
    "\"name\":{\"type\":\"string\"},\"type\":{\"enum\":[\"file\",\"dir\",\"symlink\"]},"
    "\"size\":{\"type\":\"integer\"}},\"required\":[\"name\",\"type\",\"size\"]}}},"
    "\"required\":[\"path\",\"entries\"]}";
const char mcp_read_file_output_schema[] =
    "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},"
    "\"size\":{\"type\":\"integer\"}," ENCODING_PROPERTY ",\"content\":{\"type\":\"string\"}},"
    "\"required\":[\"path\",\"size\",\"encoding\",\"content\"]}";
const char mcp_write_file_output_schema[] =
    "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},"
    "\"size\":{\"type\":\"integer\"}},\"required\":[\"path\",\"size\"]}";

bool reply_error(struct tool_reply *reply, const char *message) {
    reply->is_error = true;
    reply->text.len = 0;
    return buffer_puts(&reply->text, message);
}

/* Writes the absolute path `in` to `out` (as large) with "." and ".."
 * resolved by name, as a shell user means them ("/.." is "/"), and no
 * repeated or trailing '/'. */
static void normalize(const char *in, char *out) {
    size_t len = 0;
    for (const char *p = in; *p != '\0';) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (len > 0 && out[--len] != '/') {
            }
        } else {
            out[len++] = '/';
            memcpy(out + len, p, n);
            len += n;
        }
        p += n;
    }
    if (len == 0) out[len++] = '/';
    out[len] = '\0';
}

/* The absolute guest path of the "path" argument in `path` (a relative one
 * under WORK_DIR); `fallback` when it is absent (NULL: required). NULL
 * after setting a tool error (or when out of memory, *oom set). */
static const char *guest_path(const json_value *arguments, const char *fallback,
                              struct tool_reply *reply, char *path, bool *oom) {
    const json_value *arg = json_object_get(arguments, "path");
    size_t len = 0;
    const char *text = arg != NULL ? json_string(arg, &len) : fallback;
    if (arg == NULL && text != NULL) len = strlen(text);
    const char *problem = NULL;
    if (text == NULL)
        problem = arg == NULL ? "\"path\" is required: the file's path in the sandbox"
                              : "\"path\" must be a string";
    else if (len == 0)
        problem = "\"path\" is empty";
    else if (memchr(text, '\0', len) != NULL)
        problem = "\"path\" holds a NUL character";
    else if (len + sizeof WORK_DIR > PATH_MAX_LEN)
        problem = "\"path\" is longer than 4096 bytes";
    if (problem != NULL) {
        *oom = !reply_error(reply, problem);
        return NULL;
    }
    char joined[PATH_MAX_LEN + 1];
    snprintf(joined, sizeof joined, "%s%.*s", text[0] == '/' ? "" : WORK_DIR "/", (int)len, text);
    normalize(joined, path);
    return path;
}

/* A tool error for a failed file function on `path`. */
static bool status_error(struct tool_reply *reply, eryx_status status, const char *path) {
    char *quoted = json_quote(path, strlen(path), NULL);
    char message[PATH_MAX_LEN * 6 + 200];
    const char *what = "failed";
    switch (status) {
    case ERYX_ENOENT:
        what = "no such file or directory";
        break;
    case ERYX_EINVAL:
        what = "not possible there: a directory where a file was expected (or a file where a "
               "directory was), a non-empty directory, or outside the session's in-memory "
               "files (/, /lib, volumes and packages: reach those with run_python)";
        break;
    case ERYX_ENOSPC:
        what = "the session's file quota is full";
        break;
    case ERYX_ENOMEM:
        what = "out of memory";
        break;
    default:
        what = eryx_status_string(status);
        break;
    }
    snprintf(message, sizeof message, "%s: %s", quoted ? quoted : "?", what);
    free(quoted);
    return reply_error(reply, message);
}

static const char base64_digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Appends `len` bytes as base64 (with padding). */
static bool base64_append(struct buffer *out, const unsigned char *data, size_t len) {
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)data[i] << 16;
        if (i + 1 < len) v |= (unsigned)data[i + 1] << 8;
        if (i + 2 < len) v |= data[i + 2];
        char quad[4] = {base64_digits[v >> 18], base64_digits[(v >> 12) & 63],
                        i + 1 < len ? base64_digits[(v >> 6) & 63] : '=',
                        i + 2 < len ? base64_digits[v & 63] : '='};
        if (!buffer_append(out, quad, 4)) return false;
    }
    return true;
}

/* Decodes base64 (padding optional, whitespace ignored) into `out`.
 * Returns 0, -1 for text that is not base64, or ENOMEM. */
static int base64_decode(const char *text, size_t len, struct buffer *out) {
    unsigned v = 0, bits = 0;
    size_t padding = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        if (c == '=') {
            padding++;
            continue;
        }
        const char *digit = c != '\0' ? strchr(base64_digits, c) : NULL;
        if (digit == NULL || padding > 0) return -1;
        v = (v << 6) | (unsigned)(digit - base64_digits);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            unsigned char byte = (unsigned char)(v >> bits);
            if (!buffer_append(out, &byte, 1)) return ENOMEM;
        }
    }
    /* What is left over must be the zero bits of a short last group. */
    if (bits >= 6 || (v & ((1u << bits) - 1)) != 0 || padding > 2) return -1;
    return 0;
}

/* Whether s[0, len) is valid UTF-8 (what json_quote keeps unchanged). */
static bool valid_utf8(const char *text, size_t len) {
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0, n; i < len; i += n)
        if ((n = utf8_sequence(s + i, len - i)) == 0) return false;
    return true;
}

/* Appends {"path": PATH, then the rest of the structured content. */
static bool structured_begin(struct buffer *out, const char *path) {
    char *quoted = json_quote(path, strlen(path), NULL);
    bool ok = quoted != NULL && buffer_puts(out, "{\"path\": ") && buffer_puts(out, quoted);
    free(quoted);
    return ok;
}

bool mcp_list_files(eryx_sandbox *session, const json_value *arguments, struct tool_reply *reply) {
    char path[PATH_MAX_LEN + 1];
    bool oom = false;
    if (guest_path(arguments, WORK_DIR, reply, path, &oom) == NULL) return !oom;
    char *json = NULL;
    eryx_status st = eryx_sandbox_list_dir(session, path, &json);
    if (st != ERYX_OK) return st != ERYX_ENOMEM && status_error(reply, st, path);
    json_value *entries = json_parse(json, strlen(json), NULL, 0);
    bool ok = entries != NULL && structured_begin(&reply->structured, path) &&
              buffer_puts(&reply->structured, ", \"entries\": ") &&
              buffer_puts(&reply->structured, json) && buffer_puts(&reply->structured, "}");
    ok = ok && buffer_puts(&reply->text, path) && buffer_puts(&reply->text, ":\n");
    for (size_t i = 0; ok && i < json_length(entries); i++) {
        const json_value *e = json_array_get(entries, i);
        size_t name_len;
        const char *name = json_string(json_object_get(e, "name"), &name_len);
        const char *type = json_string(json_object_get(e, "type"), NULL);
        if (name == NULL || type == NULL) continue;
        char size[64] = "";
        if (strcmp(type, "file") == 0)
            snprintf(size, sizeof size, "  (%.0f bytes)", json_number(json_object_get(e, "size")));
        else if (strcmp(type, "symlink") == 0)
            snprintf(size, sizeof size, "  (symbolic link)");
        ok = buffer_puts(&reply->text, "  ") && buffer_append(&reply->text, name, name_len) &&
             buffer_puts(&reply->text, strcmp(type, "dir") == 0 ? "/" : "") &&
             buffer_puts(&reply->text, size) && buffer_puts(&reply->text, "\n");
    }
    if (ok && json_length(entries) == 0) ok = buffer_puts(&reply->text, "  (empty)\n");
    json_free(entries);
    eryx_free(json);
    return ok;
}

bool mcp_read_file(eryx_sandbox *session, const json_value *arguments, struct tool_reply *reply) {
    char path[PATH_MAX_LEN + 1];
    bool oom = false;
    if (guest_path(arguments, NULL, reply, path, &oom) == NULL) return !oom;
    void *data = NULL;
    size_t len = 0;
    eryx_status st = eryx_sandbox_read_file(session, path, &data, &len);
    if (st != ERYX_OK) return st != ERYX_ENOMEM && status_error(reply, st, path);
    bool ok;
    if (len > MCP_FILE_MAX) {
        char message[200];
        snprintf(message, sizeof message,
                 "the file has %zu bytes, more than read_file returns (8 MiB): read parts of it "
                 "with run_python",
                 len);
        ok = reply_error(reply, message);
    } else {
        bool text = valid_utf8(data, len);
        struct buffer content = {0};
        char *quoted = NULL;
        ok = text ? buffer_append(&content, data, len) : base64_append(&content, data, len);
        ok = ok && (quoted = json_quote(content.data, content.len, NULL)) != NULL;
        char size[80];
        snprintf(size, sizeof size, ", \"size\": %zu, \"encoding\": \"%s\", \"content\": ", len,
                 text ? "utf-8" : "base64");
        ok = ok && structured_begin(&reply->structured, path) &&
             buffer_puts(&reply->structured, size) && buffer_puts(&reply->structured, quoted) &&
             buffer_puts(&reply->structured, "}");
        /* The text is the content itself, so that a model reads the file as
         * it is; binary content says so first. */
        if (ok && !text) {
            char note[120];
            snprintf(note, sizeof note, "(%zu bytes that are not UTF-8 text, as base64)\n", len);
            ok = buffer_puts(&reply->text, note);
        }
        ok = ok && buffer_append(&reply->text, content.data ? content.data : "", content.len);
        free(quoted);
        buffer_free(&content);
    }
    eryx_free(data);
    return ok;
}

bool mcp_write_file(eryx_sandbox *session, const json_value *arguments, struct tool_reply *reply) {
    char path[PATH_MAX_LEN + 1];
    bool oom = false;
    if (guest_path(arguments, NULL, reply, path, &oom) == NULL) return !oom;
    size_t len;
    const char *content = json_string(json_object_get(arguments, "content"), &len);
    if (content == NULL) return reply_error(reply, "\"content\" is required, a string");
    const json_value *encoding_arg = json_object_get(arguments, "encoding");
    const char *encoding = encoding_arg != NULL ? json_string(encoding_arg, NULL) : "utf-8";
    bool base64 = encoding != NULL && strcmp(encoding, "base64") == 0;
    if (encoding == NULL || (!base64 && strcmp(encoding, "utf-8") != 0))
        return reply_error(reply, "\"encoding\" must be \"utf-8\" or \"base64\"");
    struct buffer decoded = {0};
    if (base64) {
        /* Bounded by the message: at most RPC_MAX_MESSAGE * 3 / 4 bytes. */
        int err = base64_decode(content, len, &decoded);
        if (err == ENOMEM) return false;
        if (err != 0) return reply_error(reply, "\"content\" is not base64");
        content = decoded.data;
        len = decoded.len;
    }
    bool ok;
    if (len > MCP_FILE_MAX) {
        ok = reply_error(reply, "the content is larger than write_file takes (8 MiB): write it "
                                "in parts with run_python");
    } else {
        eryx_status st =
            eryx_sandbox_write_file(session, path, content != NULL ? content : "", len);
        if (st != ERYX_OK) {
            ok = st != ERYX_ENOMEM && status_error(reply, st, path);
        } else {
            char size[64];
            snprintf(size, sizeof size, ", \"size\": %zu}", len);
            char *quoted = json_quote(path, strlen(path), NULL);
            ok = quoted != NULL && structured_begin(&reply->structured, path) &&
                 buffer_puts(&reply->structured, size) && buffer_puts(&reply->text, "Wrote ");
            snprintf(size, sizeof size, "%zu bytes to ", len);
            ok = ok && buffer_puts(&reply->text, size) && buffer_puts(&reply->text, quoted) &&
                 buffer_puts(&reply->text, ".");
            free(quoted);
        }
    }
    buffer_free(&decoded);
    return ok;
}
