// `eryx mcp` driven by the official MCP TypeScript SDK client, as an agent's
// host would drive it: initialize, tools, code, state across calls, errors,
// a timeout, cancellation, reset, host callbacks.
//
// usage: node tests/mcp/client_test.mjs [FILTER]
// The SDK comes from build/mcp-client (scripts/setup-node.sh installs it
// there, from tests/mcp/package.json). Ends with "N passed, N failed".
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const ERYX = process.env.ERYX ?? path.join(ROOT, "build", "bin", "eryx");
const require = createRequire(path.join(ROOT, "build", "mcp-client", "package.json"));
const { Client } = require("@modelcontextprotocol/sdk/client/index.js");
const { StdioClientTransport } = require("@modelcontextprotocol/sdk/client/stdio.js");

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

/* A client connected to a new `eryx mcp ARGS`; closed after fn. */
async function withServer(args, fn) {
  const transport = new StdioClientTransport({ command: ERYX, args: ["mcp", ...args],
                                               stderr: "pipe" });
  const client = new Client({ name: "eryx-tests", version: "1.0.0" });
  await client.connect(transport);
  try {
    return await fn(client, transport);
  } finally {
    await client.close();
  }
}

const run = (client, code, extra = {}, options) =>
  client.callTool({ name: "run_python", arguments: { code, ...extra } }, undefined, options);
const text = (result) => result.content.map((c) => c.text).join("");

test("initialize: the SDK accepts the revision, server info, capabilities", () =>
  withServer([], async (client) => {
    assert.equal(client.getServerVersion().name, "eryx");
    assert.ok(client.getServerCapabilities().tools);
    assert.match(client.getInstructions(), /run_python/);
    await client.ping();
  }));

test("tools/list: run_python, reset_session and the file tools with schemas", () =>
  withServer([], async (client) => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name),
                     ["run_python", "reset_session", "list_files", "read_file", "write_file"]);
    assert.deepEqual(tools[4].inputSchema.required, ["path", "content"]);
    assert.equal(tools[3].annotations.readOnlyHint, true);
    const runPython = tools[0];
    assert.deepEqual(runPython.inputSchema.required, ["code"]);
    assert.equal(runPython.outputSchema.type, "object");
    assert.match(runPython.description, /persist/);
    assert.equal(tools[1].annotations.destructiveHint, true);
  }));

test("run code: output, result, structured content", () =>
  withServer([], async (client) => {
    const r = await run(client, "print('hello')\nresult = {'answer': 6 * 7}");
    assert.equal(r.isError, false);
    assert.match(text(r), /hello/);
    assert.match(text(r), /"answer": 42/);
    assert.equal(r.structuredContent.stdout, "hello\n");
    assert.deepEqual(r.structuredContent.result, { answer: 42 });
    assert.equal(r.structuredContent.error, null);
  }));

test("state is kept across calls", () =>
  withServer([], async (client) => {
    await run(client, "import math\ndef area(r):\n    return math.pi * r * r\ncount = 1");
    await run(client, "count += 1");
    const r = await run(client, "result = [count, round(area(2), 3)]");
    assert.deepEqual(r.structuredContent.result, [2, 12.566]);
  }));

test("an exception is an error result with the traceback", () =>
  withServer([], async (client) => {
    const r = await run(client, "x = 1\ndef f():\n    return 1 / 0\nf()");
    assert.equal(r.isError, true);
    assert.match(text(r), /ZeroDivisionError: division by zero/);
    assert.equal(r.structuredContent.error.type, "ZeroDivisionError");
    assert.equal(r.structuredContent.error.lineno, 3);
    // The state stays as the exception left it.
    assert.deepEqual((await run(client, "result = x")).structuredContent.result, 1);
  }));

test("a timeout is an error result and renews the session", () =>
  withServer(["--timeout", "5"], async (client) => {
    await run(client, "kept = 'no'");
    const r = await run(client, "while True: pass", { timeout_seconds: 0.3 });
    assert.equal(r.isError, true);
    assert.equal(r.structuredContent.error.kind, "timeout");
    assert.equal(r.structuredContent.session_reset, true);
    assert.match(text(r), /timed out after 0.3 s/);
    const after = await run(client, "result = 'kept' in globals()");
    assert.equal(after.structuredContent.result, false);
  }));

test("a memory blow-up is an error result and the server goes on", () =>
  withServer(["--memory", "64"], async (client) => {
    const r = await run(client, "x = []\nwhile True:\n    x.append(' ' * 100000)");
    assert.equal(r.isError, true);
    assert.ok(["memory", "exception"].includes(r.structuredContent.error.kind));
    assert.deepEqual((await run(client, "result = 1 + 1")).structuredContent.result, 2);
  }));

test("cancellation stops a running call", () =>
  withServer([], async (client) => {
    const controller = new AbortController();
    const pending = run(client, "while True: pass", {}, { signal: controller.signal,
                                                         timeout: 60000 });
    setTimeout(() => controller.abort("changed my mind"), 300);
    await assert.rejects(pending);
    // The server has stopped it: the next call is answered (well before the
    // 30 s limit the busy loop would otherwise run into).
    const r = await run(client, "result = 'next'", {}, { timeout: 10000 });
    assert.equal(r.structuredContent.result, "next");
  }));

test("reset_session forgets everything", () =>
  withServer([], async (client) => {
    await run(client, "secret = 42");
    const reset = await client.callTool({ name: "reset_session", arguments: {} });
    assert.equal(reset.isError, false);
    const r = await run(client, "result = 'secret' in globals()");
    assert.equal(r.structuredContent.result, false);
  }));

test("bad arguments are tool errors the model can correct", () =>
  withServer([], async (client) => {
    const r = await client.callTool({ name: "run_python", arguments: { cod: "1" } });
    assert.equal(r.isError, true);
    assert.match(text(r), /cod/);
  }));

test("an unknown tool is a protocol error", () =>
  withServer([], async (client) => {
    await assert.rejects(client.callTool({ name: "rm_rf", arguments: {} }), /unknown tool/);
  }));

test("host callbacks given with --callback", () =>
  withServer(["--callback", "shout=tr a-z A-Z"], async (client) => {
    const { tools } = await client.listTools();
    assert.match(tools[0].description, /await shout/);
    const r = await run(client, "result = await shout(word='hi')");
    assert.deepEqual(r.structuredContent.result, { WORD: "HI" });
  }));

const file = (client, name, args) => client.callTool({ name, arguments: args });

test("files: a CSV handed in, a report taken out, listed between", () =>
  withServer([], async (client) => {
    let r = await file(client, "write_file", { path: "in/sales.csv",
                                               content: "region,amount\nnorth,3\nsouth,4\n" });
    assert.equal(r.isError, false, text(r));
    assert.deepEqual(r.structuredContent, { path: "/data/in/sales.csv", size: 30 });
    r = await run(client, [
      "import csv, os",
      "rows = list(csv.DictReader(open('in/sales.csv')))",
      "total = sum(int(r['amount']) for r in rows)",
      "open('report.txt', 'w').write(f'total: {total}\\n')",
      "open('/tmp/blob.bin', 'wb').write(bytes(range(256)))",
      "result = sorted(os.listdir('.'))",
    ].join("\n"));
    assert.deepEqual(r.structuredContent.result, ["in", "report.txt"], text(r));
    r = await file(client, "read_file", { path: "report.txt" });
    assert.equal(text(r), "total: 7\n");
    assert.equal(r.structuredContent.encoding, "utf-8");
    r = await file(client, "read_file", { path: "/tmp/blob.bin" });
    assert.equal(r.structuredContent.encoding, "base64");
    assert.deepEqual([...Buffer.from(r.structuredContent.content, "base64")],
                     [...Array(256).keys()]);
    r = await file(client, "list_files", {});
    assert.deepEqual(r.structuredContent.entries.map((e) => [e.name, e.type]),
                     [["in", "dir"], ["report.txt", "file"]]);
    assert.match(text(r), /report\.txt  \(9 bytes\)/);
    r = await file(client, "write_file", { path: "/data/b.bin", content: "AAEC/w==",
                                           encoding: "base64" });
    assert.equal(r.isError, false, text(r));
    r = await run(client, "result = list(open('b.bin', 'rb').read())");
    assert.deepEqual(r.structuredContent.result, [0, 1, 2, 255]);
  }));

test("files: errors are tool results the model can correct", () =>
  withServer([], async (client) => {
    for (const [name, args, pattern] of [
      ["read_file", { path: "missing.txt" }, /no such file/],
      ["read_file", {}, /path.*required/],
      ["read_file", { path: "/lib/python3.11/os.py" }, /not possible there/],
      ["list_files", { path: "/data/nope" }, /no such file/],
      ["write_file", { path: "x", content: "!!", encoding: "base64" }, /not base64/],
      ["write_file", { path: "x", content: "a", encoding: "latin-1" }, /encoding/],
      ["write_file", { path: "x" }, /content/],
    ]) {
      const r = await file(client, name, args);
      assert.equal(r.isError, true, name);
      assert.match(text(r), pattern, `${name} ${JSON.stringify(args)}: ${text(r)}`);
    }
    await client.ping();
  }));

test("concurrent calls are answered in order", () =>
  withServer([], async (client) => {
    const calls = [0, 1, 2, 3].map((i) => run(client, `n = ${i}\nresult = n`));
    const results = await Promise.all(calls);
    assert.deepEqual(results.map((r) => r.structuredContent.result), [0, 1, 2, 3]);
  }));

const filter = process.argv[2] ?? "";
let passed = 0;
let failed = 0;
for (const { name, fn } of tests) {
  if (!name.includes(filter)) continue;
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}\n    ${err && err.stack ? err.stack : err}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
