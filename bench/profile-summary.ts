// Where a run's time goes: reads a V8 CPU profile (`node --cpu-prof`) and prints the
// self time of the heaviest functions and of a few groups (WebAssembly core, trace
// reading and checking, host JavaScript, start-up, garbage collection), as shares of
// the sampled time.
//
//   node --cpu-prof --cpu-prof-dir=prof bin/ampom.js run --workload T.amt --policy none --no-baselines
//   npx tsx bench/profile-summary.ts prof/*.cpuprofile [--top 15] [--wat build/release.wat]
//
// The release WebAssembly has no name section, so V8 calls its functions
// wasm-function[N]; with --wat (the text of the same build: npx asc assembly/index.ts
// --target release --textFile build/release.wat) they get their names back.
import { readFileSync } from "node:fs";
import { scriptArgs, scriptFail } from "../src/util/script-args.js";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = scriptArgs("profile-summary", { allowPositionals: true, options: { top: { type: "string", default: "15" }, wat: { type: "string" } } });
// function index -> name, from the order of (func ...) in the text (after any imports)
const wasmNames: string[] = [];
if (values.wat) {
  for (const m of readFileSync(values.wat, "utf8").matchAll(/^ \((?:import "[^"]*" "[^"]*" \(func|func) \$(\S+)/gm)) wasmNames.push(m[1]);
}
function wasmName(f: Node["callFrame"]): string {
  const m = /^wasm-function\[(\d+)\]/.exec(f.functionName);
  return m && wasmNames[Number(m[1])] ? wasmNames[Number(m[1])] : f.functionName;
}
if (positionals.length === 0) {
  scriptFail("profile-summary", "usage: npx tsx bench/profile-summary.ts FILE.cpuprofile [--top N]");
}

/** The group a function's self time counts in. */
function group(f: Node["callFrame"]): string {
  const name = wasmName(f);
  const url = f.url;
  if (url.includes(".wasm") || url.startsWith("wasm://")) {
    if (/decodeBlock|hashBlock/.test(name)) return "wasm: trace decoding and checksum";
    if (/firstBadRecord/.test(name)) return "wasm: page range check";
    return "wasm: replay (run loops, policies)";
  }
  if (name === "(garbage collector)") return "garbage collection";
  if (name === "(program)" || name === "(idle)") return "V8 and start-up (program, idle)";
  if (name === "readSync" || name === "read" || /fs/.test(url) && /read/i.test(name)) return "file reads";
  if (name === "crc32") return "CRC-32 (amt v1 blocks)";
  if (url.includes("/src/trace/")) return "trace reading in JavaScript";
  if (url.includes("/src/") || url.includes("/dist/")) return "host JavaScript (src/)";
  if (url.startsWith("node:") || url === "") return "Node internals, module loading";
  return "other JavaScript (packages)";
}

for (const file of positionals) {
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const byFunction = new Map<string, number>();
  const byGroup = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    const key = `${wasmName(f) || "(anonymous)"} ${f.url.replace(/^.*\/(src|assembly|build|dist|node_modules)\//, "$1/")}${f.lineNumber >= 0 ? `:${f.lineNumber + 1}` : ""}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    byGroup.set(group(f), (byGroup.get(group(f)) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
  console.log("\nby group (self time):");
  for (const [g, us] of [...byGroup].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(us)}  ${g}`);
  console.log(`\nheaviest functions (self time, top ${values.top}):`);
  for (const [k, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`  ${pct(us)}  ${k}`);
  console.log();
}
