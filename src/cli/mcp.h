/*
 * mcp.h - what the tools of `eryx mcp` share (mcp.c runs the server and
 * the Python tools; mcp_files.c has the file tools).
 */
#ifndef ERYX_CLI_MCP_H
#define ERYX_CLI_MCP_H

#include <stdbool.h>

#include "eryx.h"
#include "io.h"
#include "json.h"

/* What a tool call answers: a text for the model, structured content (a
 * JSON object; empty for none) and whether it is an error. */
struct tool_reply {
    struct buffer text;
    struct buffer structured;
    bool is_error;
};

/* Makes `reply` a tool error with `message` (the model reads it and may
 * correct the call). False when out of memory. */
bool reply_error(struct tool_reply *reply, const char *message);

/* Largest file read_file returns and write_file takes, in bytes of the
 * file: well inside one JSON-RPC message (RPC_MAX_MESSAGE) even as base64
 * in both the text and the structured content. */
#define MCP_FILE_MAX ((size_t)8 << 20)

/* The file tools over the session's in-memory tree (eryx_sandbox_list_dir,
 * _read_file, _write_file). A relative path is taken from the guest's
 * working directory, /data. Each returns false only when out of memory;
 * anything the client got wrong is a tool error. */
bool mcp_list_files(eryx_sandbox *session, const json_value *arguments, struct tool_reply *reply);
bool mcp_read_file(eryx_sandbox *session, const json_value *arguments, struct tool_reply *reply);
bool mcp_write_file(eryx_sandbox *session, const json_value *arguments, struct tool_reply *reply);

/* Their descriptions, schemas and argument names, for tools/list. */
extern const char mcp_list_files_description[], mcp_list_files_input_schema[],
    mcp_list_files_output_schema[];
extern const char mcp_read_file_description[], mcp_read_file_input_schema[],
    mcp_read_file_output_schema[];
extern const char mcp_write_file_description[], mcp_write_file_input_schema[],
    mcp_write_file_output_schema[];
extern const char *const mcp_list_files_arguments[], *const mcp_read_file_arguments[],
                                                         *const mcp_write_file_arguments[];

#endif
