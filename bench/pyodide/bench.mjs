// Pyodide, the peer: the same measurements as bench/run.py takes of eryx.
// usage: node bench.mjs SCRIPT...   (node_modules next to this file or NODE_PATH)
// Prints one line per measurement: NAME SECONDS.
import { loadPyodide } from "pyodide";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const start = performance.now();
const pyodide = await loadPyodide();
console.log(`startup ${(performance.now() - start) / 1000}`);

for (const path of process.argv.slice(2)) {
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    let printed = "";
    pyodide.setStdout({ batched: (line) => { printed += line + "\n"; } });
    pyodide.runPython(readFileSync(path, "utf8"));
    const lines = printed.trim().split("\n");
    best = Math.min(best, parseFloat(lines[lines.length - 1]));
  }
  console.log(`${path.split("/").pop()} ${best}`);
}
