// Pyodide, the peer: runs the benchmark suite's programs (bench/suite.py
// writes them with their harness) in one Pyodide, each as a fresh __main__
// module (so that pickle finds its classes).
// usage: node bench.mjs SCRIPT...   (node_modules next to this file or NODE_PATH)
// Prints "startup SECONDS", then per script that ran "NAME SECONDS DIGEST"
// from the harness's last two lines; a script that fails is reported on
// stderr and left out.
import { loadPyodide } from "pyodide";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const start = performance.now();
const pyodide = await loadPyodide();
console.log(`startup ${(performance.now() - start) / 1000}`);
const freshMain = pyodide.runPython(`
import sys, types
def fresh_main():
    sys.modules["__main__"] = module = types.ModuleType("__main__")
    return module.__dict__
fresh_main`);

for (const path of process.argv.slice(2)) {
  const name = path.split("/").pop();
  let printed = "";
  pyodide.setStdout({ batched: (line) => { printed += line + "\n"; } });
  const globals = freshMain();
  try {
    pyodide.runPython(readFileSync(path, "utf8"), { globals });
    const lines = printed.trim().split("\n");
    const digest = lines[lines.length - 2].split(" ")[1];
    console.log(`${name} ${parseFloat(lines[lines.length - 1])} ${digest}`);
  } catch (err) {
    console.error(`${name}: ${String(err).split("\n").slice(-2).join(" ")}`);
  } finally {
    globals.destroy();
  }
}
