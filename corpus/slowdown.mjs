// Measures how much slower programs run under valgrind's lackey: `node
// corpus/slowdown.mjs NAME...` (corpus programs that run to completion within the
// capture bound). For each: the native run, valgrind with no tool (its JIT alone),
// lackey writing its trace to /dev/null, and the whole `ampom trace capture`
// (lackey + the importer), wall clock, best of `REPEATS`, all under the CPU lock.
// Prints a markdown table and replaces the one in README.md between its markers.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commandOf, ENV, here, prepare, PROGRAMS, reset } from "./programs.mjs";

const LOCK = "/tmp/ampom-cpu.lock";
const REPEATS = 3;
const ampom = [process.execPath, join(here, "../bin/ampom.js")];

/** Best wall-clock seconds of `REPEATS` runs of argv (in `work`, stdout discarded). */
function best(work, argv) {
  let t = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    reset(work);
    const start = performance.now();
    const r = spawnSync(argv[0], argv.slice(1), { cwd: work, env: ENV, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const s = (performance.now() - start) / 1000;
    if (r.status !== 0) throw new Error(`${argv.join(" ")}: exit ${r.status}\n${r.stderr}`);
    t = Math.min(t, s);
  }
  return t;
}

function measure(work, cc1, p) {
  const cmd = commandOf(p, cc1);
  const out = join(work, "slowdown.amt");
  const row = {
    name: p.name,
    native: best(work, cmd),
    none: best(work, ["setarch", "-R", "valgrind", "--tool=none", ...cmd]),
    lackey: best(work, ["setarch", "-R", "valgrind", "--tool=lackey", "--trace-mem=yes", "--log-file=/dev/null", ...cmd]),
    capture: best(work, [...ampom, "trace", "capture", "-q", "-o", out, "--", ...cmd]),
  };
  const info = JSON.parse(spawnSync(ampom[0], [ampom[1], "trace", "info", "--json", out], { encoding: "utf8" }).stdout);
  return { ...row, accesses: info.accesses, records: info.records };
}

const names = process.argv.slice(2);
if (process.env.AMPOM_SLOWDOWN_LOCKED !== "1") {
  // one lock for the whole measurement: the figures are side by side on a quiet machine
  const r = spawnSync("flock", [LOCK, process.execPath, process.argv[1], ...names], { stdio: "inherit", env: { ...process.env, AMPOM_SLOWDOWN_LOCKED: "1" } });
  process.exit(r.status ?? 1);
}
const work = mkdtempSync(join(tmpdir(), "ampom-slowdown-"));
try {
  const cc1 = prepare(work);
  const rows = names.map((n) => {
    const p = PROGRAMS.find((x) => x.name === n);
    if (!p) throw new Error(`unknown corpus program "${n}"`);
    console.error(`slowdown: ${n}`);
    return measure(work, cc1, p);
  });
  const f = (x) => x.toFixed(3);
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
