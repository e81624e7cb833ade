// The corpus's programs, how their inputs are made and how they are run: shared by
// capture.mjs (the traces) and slowdown.mjs (lackey's slowdown).
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const here = dirname(fileURLToPath(import.meta.url));

// Every program of the corpus. Commands run in a scratch folder holding in/ (the
// generated inputs), programs/ (this folder's programs and scripts) and bin/ (the C
// programs compiled); `half` is fixed here: tuning or test, split across the kinds.
export const PROGRAMS = [
  { name: "cc1", kind: "compiler", half: "tuning", package: "gcc-12", what: "GCC's compiler proper at -O1 on graph.c (preprocessed beforehand)", command: ["CC1", "-quiet", "-fpreprocessed", "-O1", "bin/graph.i", "-o", "bin/graph.s"] },
  { name: "tcc", kind: "compiler", half: "test", package: "tcc", what: "the Tiny C Compiler compiling cnn.c to an object file", command: ["tcc", "-c", "programs/cnn.c", "-o", "bin/cnn.o"] },
  { name: "lua", kind: "interpreter", half: "tuning", package: "lua5.4", what: "Lua 5.4 running tables.lua (particles hashed into grid buckets, a sort)", command: ["lua5.4", "programs/tables.lua", "3000", "10"] },
  { name: "tclsh", kind: "interpreter", half: "tuning", package: "tcl8.6", what: "Tcl 8.6 running strings.tcl (lists, dicts, string map, lsort)", command: ["tclsh8.6", "programs/strings.tcl", "20000"] },
  { name: "perl", kind: "interpreter", half: "test", package: "perl", what: "Perl running textstats.pl (regular expressions and hashes over text.txt), start-up skipped", command: ["perl", "programs/textstats.pl", "in/text.txt"], skip: 1_000_000 },
  { name: "awk", kind: "interpreter", half: "test", package: "mawk", what: "mawk running wordfreq.awk (word counts of text.txt, an insertion sort)", command: ["mawk", "-f", "programs/wordfreq.awk", "in/text.txt"] },
  { name: "lmdb", kind: "database", half: "tuning", package: "lmdb-utils", what: "LMDB's mdb_load inserting 6,000 key/value pairs into a B+tree", command: ["mdb_load", "-T", "-n", "-f", "in/kv.txt", "bin/kv.mdb"] },
  { name: "kyotocabinet", kind: "database", half: "test", package: "kyotocabinet-utils", what: "Kyoto Cabinet's kctreemgr importing 20,000 records into a B+tree file", command: ["kctreemgr", "import", "bin/kv.kct", "in/kv.tsv"] },
  { name: "bzip2", kind: "compressor", half: "tuning", package: "bzip2", what: "bzip2 -9 of text.txt (400 KB of generated prose)", command: ["bzip2", "-9", "-c", "in/text.txt"] },
  { name: "gzip", kind: "compressor", half: "tuning", package: "gzip", what: "gzip -6 of text.txt", command: ["gzip", "-6", "-c", "in/text.txt"] },
  { name: "zstd", kind: "compressor", half: "test", package: "zstd", what: "zstd -9 of text.txt", command: ["zstd", "-q", "-9", "-c", "in/text.txt"] },
  { name: "sort", kind: "text", half: "tuning", package: "coreutils", what: "sort of 20,000 tab-separated records by a text then a numeric field", command: ["sort", "-t", "\t", "-k2,2", "-k3,3n", "in/records.tsv"] },
  { name: "grep", kind: "text", half: "test", package: "grep", what: "grep -E counting lines that match an alternation with word boundaries", command: ["grep", "-E", "-c", "\\b(mi|ne|sa)[a-z]*(ing|ed|or)\\b", "in/text.txt"] },
  { name: "graph", kind: "graph", half: "tuning", package: "gcc-12", what: "graph.c: BFS, Dijkstra (binary heap) and PageRank on a 20,000-node CSR graph", command: ["bin/graph", "20000", "6", "5"] },
  { name: "dot", kind: "graph", half: "test", package: "graphviz", what: "Graphviz dot laying out a 160-node digraph as SVG", command: ["dot", "-Tsvg", "in/graph.dot", "-o", "bin/graph.svg"] },
  { name: "glpsol", kind: "scientific", half: "tuning", package: "glpk-utils", what: "GLPK's simplex on a 30 x 40 transportation LP", command: ["glpsol", "--lp", "in/transport.lp", "-o", "bin/transport.sol"] },
  { name: "bc", kind: "scientific", half: "test", package: "bc", what: "bc -l computing pi, e and square roots to 300 digits", command: ["bc", "-lq", "programs/series.bc"] },
  { name: "cnn", kind: "ml-inference", half: "test", package: "gcc-12", what: "cnn.c: a LeNet-like CNN's forward pass (2 conv, 2 pool, 2 dense layers) on 2 images", command: ["bin/cnn", "2"] },
];

export const ENV = { PATH: "/usr/bin:/bin", LC_ALL: "C", TZ: "UTC" };

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 26, ...opts });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.error?.message ?? `exit ${r.status}`}\n${r.stderr ?? ""}`);
  return r.stdout;
}

/** Fills `work` with in/ (generated inputs), programs/ (this folder's programs) and bin/
 * (the C programs compiled, graph.c preprocessed for cc1); returns cc1's path. */
export function prepare(work) {
  run(process.execPath, [join(here, "inputs.mjs"), join(work, "in")]);
  run("cp", ["-r", join(here, "programs"), join(work, "programs")]);
  mkdirSync(join(work, "bin"));
  run("gcc", ["-O2", "-o", "bin/graph", "programs/graph.c"], { cwd: work, env: ENV });
  run("gcc", ["-O2", "-o", "bin/cnn", "programs/cnn.c", "-lm"], { cwd: work, env: ENV });
  run("gcc", ["-E", "-P", "programs/graph.c", "-o", "bin/graph.i"], { cwd: work, env: ENV });
  return run("gcc", ["-print-prog-name=cc1"]).trim();
}

/** The program's command with cc1's path filled in. */
export const commandOf = (p, cc1) => p.command.map((a) => (a === "CC1" ? cc1 : a));

/** Removes what a run leaves that would change the next (the databases' files). */
export function reset(work) {
  for (const f of ["bin/kv.mdb", "bin/kv.kct"]) spawnSync("rm", ["-f", join(work, f)]);
}

/** Best wall-clock seconds of `repeats` runs of argv (in `work`, stdout discarded). */
export function best(work, repeats, argv) {
  let t = Infinity;
  for (let i = 0; i < repeats; i++) {
    reset(work);
    const start = performance.now();
    const r = spawnSync(argv[0], argv.slice(1), { cwd: work, env: ENV, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const s = (performance.now() - start) / 1000;
    if (r.status !== 0) throw new Error(`${argv.join(" ")}: exit ${r.status}\n${r.stderr}`);
    t = Math.min(t, s);
  }
  return t;
}

const NATIVE_RUNS = 40;

/** Mean wall-clock seconds of a native run, NATIVE_RUNS of them in one shell loop
 * (starting a process from Node takes milliseconds, as long as some programs run). */
export function native(work, argv) {
  const loop = `i=0; while [ $i -lt ${NATIVE_RUNS} ]; do rm -f bin/kv.mdb bin/kv.kct; "$@" >/dev/null || exit 1; i=$((i+1)); done`;
  return best(work, 1, ["sh", "-c", loop, "sh", ...argv]) / NATIVE_RUNS;
}

