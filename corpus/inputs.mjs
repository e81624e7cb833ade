// Writes every input of the trace corpus into the folder given (node corpus/inputs.mjs
// DIR), from one seeded generator: the same bytes on every machine and every Node.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const USAGE = "usage: node corpus/inputs.mjs DIR (the folder to write the inputs into)";
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "-h" || args[0] === "--help")) {
  console.log(USAGE);
  process.exit(0);
}
function refuse(why) {
  console.error(`corpus/inputs.mjs: ${why}\n${USAGE}`);
  process.exit(2);
}
if (args.length !== 1) refuse(`expected one folder, got ${args.length} arguments`);
// an option is never taken for a folder to write into
if (args[0].startsWith("-")) refuse(`unknown option ${args[0]}`);
const dir = args[0];
mkdirSync(dir, { recursive: true });

// a 64-bit linear congruential generator (Knuth's MMIX constants), top bits out
let state = 0x853c49e6748fea9bn;
function random(n) {
  state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
  return Number(state >> 33n) % n;
}

// words built from syllables, drawn with a skewed (Zipf-like) frequency, as in prose
const syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "den", "mar", "pol", "str", "an", "el", "or", "qu", "ish", "ing", "ed", "th"];
const vocabulary = Array.from({ length: 3000 }, () => {
  let w = "";
  for (let k = 1 + random(4); k > 0; k--) w += syllables[random(syllables.length)];
  return w;
});
const word = () => vocabulary[Math.floor(vocabulary.length * (random(1 << 20) / (1 << 20)) ** 3)];

function prose(bytes) {
  const lines = [];
  let size = 0;
  while (size < bytes) {
    const n = 6 + random(10);
    const ws = Array.from({ length: n }, word);
    ws[0] = ws[0][0].toUpperCase() + ws[0].slice(1);
    const line = ws.join(" ") + (random(5) === 0 ? ", " + random(100000) : "") + ".";
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n") + "\n";
}

const files = {
  // compressors, grep, awk, perl
  "text.txt": prose(400_000),
  // sort: tab-separated records, sorted by the second field then numerically by the third
  "records.tsv": Array.from({ length: 20_000 }, (_, i) => `${i}\t${word()}\t${random(1_000_000)}\t${word()}`).join("\n") + "\n",
  // lmdb (mdb_load -T): key and value on alternating lines (6,000 fit mdb_load's 1 MB map)
  "kv.txt": Array.from({ length: 6_000 }, (_, i) => `key${String(random(10_000_000)).padStart(8, "0")}-${i}\n${word()} ${word()} ${random(1_000_000)}`).join("\n") + "\n",
  // kyotocabinet (kctreemgr import): key TAB value
  "kv.tsv": Array.from({ length: 20_000 }, (_, i) => `user${String(random(10_000_000)).padStart(8, "0")}-${i}\t${word()} ${word()} ${random(1_000_000)}`).join("\n") + "\n",
  // graphviz dot: a layered graph with cross edges
  "graph.dot": (() => {
    const n = 160;
    const edges = [];
    for (let v = 1; v < n; v++) {
      edges.push(`  n${random(v)} -> n${v};`);
      if (random(3) === 0) edges.push(`  n${v} -> n${random(n)} [color=gray];`);
    }
    return `digraph corpus {\n  node [shape=box];\n${edges.join("\n")}\n}\n`;
  })(),
  // glpsol (CPLEX LP format): a transportation problem, 30 sources x 40 sinks
  "transport.lp": (() => {
    const S = 30, D = 40;
    const supply = Array.from({ length: S }, () => 100 + random(200));
    const total = supply.reduce((a, b) => a + b, 0);
    const demand = Array.from({ length: D }, () => Math.floor((total * 0.9) / D));
    const terms = [];
    for (let s = 0; s < S; s++) for (let d = 0; d < D; d++) terms.push(`${1 + random(50)} x_${s}_${d}`);
    const rows = [];
    for (let s = 0; s < S; s++) rows.push(` sup${s}: ${Array.from({ length: D }, (_, d) => `x_${s}_${d}`).join(" + ")} <= ${supply[s]}`);
    for (let d = 0; d < D; d++) rows.push(` dem${d}: ${Array.from({ length: S }, (_, s) => `x_${s}_${d}`).join(" + ")} >= ${demand[d]}`);
    return `Minimize\n cost: ${terms.join(" + ")}\nSubject To\n${rows.join("\n")}\nEnd\n`;
  })(),
};
// slowdown.mjs: 300 numbers in a fixed shuffle, as test/fixtures/sort-lackey.amt was captured from
files["numbers.txt"] = (() => {
  const xs = Array.from({ length: 300 }, (_, i) => i + 1);
  for (let i = xs.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs.join("\n") + "\n";
})();
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
