// Measures how much slower programs run under valgrind's lackey: `node
// corpus/slowdown.mjs`, on small whole runs of corpus programs (lackey takes seconds
// to minutes for what runs in milliseconds). For each: the native run, valgrind with no tool (its JIT alone),
// lackey writing its trace to /dev/null, and the whole `ampom trace capture`
// (lackey + the importer), wall clock, all under the CPU lock. The native time is the
// mean of NATIVE_RUNS runs in one shell loop (starting a process from Node takes
// milliseconds, as long as some of these programs run); the others, best of two.
// Prints a markdown table and replaces the one in README.md between its markers.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { best, commandOf, here, native, prepare, PROGRAMS } from "./programs.mjs";

const LOCK = "/tmp/ampom-cpu.lock";
const ampom = [process.execPath, join(here, "../bin/ampom.js")];

function measure(work, cc1, p) {
  const cmd = commandOf(p, cc1);
  const out = join(work, "slowdown.amt");
  const row = {
    name: p.name,
    native: native(work, cmd),
    none: best(work, 2, ["setarch", "-R", "valgrind", "--tool=none", ...cmd]),
    lackey: best(work, 2, ["setarch", "-R", "valgrind", "--tool=lackey", "--trace-mem=yes", "--log-file=/dev/null", ...cmd]),
    capture: best(work, 2, [...ampom, "trace", "capture", "-q", "-o", out, "--", ...cmd]),
  };
  const info = JSON.parse(spawnSync(ampom[0], [ampom[1], "trace", "info", "--json", out], { encoding: "utf8" }).stdout);
  return { ...row, accesses: info.accesses, records: info.records };
}

/** Whole runs, small enough to finish in under a minute under lackey. */
const RUNS = [
  { name: "grep (the corpus's)", command: PROGRAMS.find((p) => p.name === "grep").command },
  { name: "graph, 2,000 nodes", command: ["bin/graph", "2000", "6", "5"] },
  { name: "cnn, 1 image", command: ["bin/cnn", "1"] },
  { name: "bzip2 -9 of cnn.c", command: ["bzip2", "-9", "-c", "programs/cnn.c"] },
  { name: "sort -n of 300 numbers", command: ["sort", "-n", "in/numbers.txt"] },
];
if (process.env.AMPOM_SLOWDOWN_LOCKED !== "1") {
  // one lock for the whole measurement: the figures are side by side on a quiet machine
  const r = spawnSync("flock", [LOCK, process.execPath, process.argv[1]], { stdio: "inherit", env: { ...process.env, AMPOM_SLOWDOWN_LOCKED: "1" } });
  process.exit(r.status ?? 1);
}
const work = mkdtempSync(join(tmpdir(), "ampom-slowdown-"));
try {
  const cc1 = prepare(work);
  const rows = RUNS.map((p) => {
    console.error(`slowdown: ${p.name}`);
    return measure(work, cc1, p);
  });
  const f = (x) => (x < 0.1 ? x.toFixed(4) : x.toFixed(2));
  const x = (a, b) => `${Math.round(a / b)}x`;
  const lines = [
    "| program | accesses | native s | valgrind --tool=none s | lackey to /dev/null s | ampom trace capture s | none / native | lackey / native | capture / native | capture accesses/s |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map((r) =>
      `| ${r.name} | ${r.accesses.toLocaleString("en-US")} | ${f(r.native)} | ${f(r.none)} | ${f(r.lackey)} | ${f(r.capture)} | ${x(r.none, r.native)} | ${x(r.lackey, r.native)} | ${x(r.capture, r.native)} | ${Math.round(r.accesses / r.capture).toLocaleString("en-US")} |`,
    ),
  ];
  const table = lines.join("\n");
  console.log(table);
  const readme = join(here, "README.md");
  const text = readFileSync(readme, "utf8");
  const a = "<!-- slowdown table: corpus/slowdown.mjs writes it -->";
  const b = "<!-- end of slowdown table -->";
  if (text.includes(a) && text.includes(b)) {
    writeFileSync(readme, text.slice(0, text.indexOf(a) + a.length) + "\n" + table + "\n" + text.slice(text.indexOf(b)));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
