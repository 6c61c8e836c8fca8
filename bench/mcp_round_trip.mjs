// The round trip of one MCP tool call through the official TypeScript SDK
// client: run_python("pass") on `eryx mcp`, including the client's JSON-RPC
// and schema validation of the structured result. Prints
// "mcp_run_pass_us MEDIAN MIN" (and the same for ping, the protocol alone).
// The SDK comes from build/mcp-client (scripts/setup-node.sh).
//   node bench/mcp_round_trip.mjs [CALLS]
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(ROOT, "build", "mcp-client", "package.json"));
const { Client } = require("@modelcontextprotocol/sdk/client/index.js");
const { StdioClientTransport } = require("@modelcontextprotocol/sdk/client/stdio.js");

const calls = Number(process.argv[2] ?? 300);
const client = new Client({ name: "eryx-bench", version: "1.0.0" });
await client.connect(new StdioClientTransport({
  command: path.join(ROOT, "build", "bin", "eryx"), args: ["mcp"] }));
await client.listTools(); // the client caches the output schema to validate with

async function timed(name, fn) {
  for (let i = 0; i < 20; i++) await fn();
  const samples = [];
  for (let i = 0; i < calls; i++) {
    const t = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  samples.sort((a, b) => a - b);
  console.log(`${name} ${samples[samples.length >> 1].toFixed(1)} ${samples[0].toFixed(1)}`);
}

await timed("mcp_run_pass_us", () =>
  client.callTool({ name: "run_python", arguments: { code: "pass" } }));
await timed("mcp_ping_us", () => client.ping());
await client.close();
