// What a sweep's plan costs as its grid grows: the peak resident memory and the time of
// `ampom sweep --dry-run`, and of resuming a finished sweep (every run already in the
// results file: the plan, the file's record places, and the file rewritten in grid
// order), each in its own process of the built command (npm run build first).
//
//   npx tsx bench/sweep/plan-memory.ts [RUNS ...]     (default: 1000 200000)
//
// The grid: 4 policies x 5 migration points x RUNS/20 seeds of a 1 MiB sequential
// workload; the finished file is written from the plan with made-up metrics (the runs
// are not simulated), and must come back byte for byte.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { planSweep } from "../../src/sweep/config.js";
import { scriptArgs, scriptFail } from "../../src/util/script-args.js";
import { table } from "../report.js";
import { writeFinished } from "./finished.js";

const bin = fileURLToPath(new URL("../../bin/ampom.js", import.meta.url));
// the child's peak resident memory, said on its standard error as it exits
const maxRss = `data:text/javascript,process.on("exit",()=>process.stderr.write("maxRSS "+process.resourceUsage().maxRSS+"\\n"))`;

function measure(args: string[]): { mib: number; seconds: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--import", maxRss, bin, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  const kb = /maxRSS (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !kb) throw new Error(`ampom ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return { mib: Number(kb[1]) / 1024, seconds, stdout: r.stdout };
}

const usage = "usage: npx tsx bench/sweep/plan-memory.ts [RUNS ...] (each a multiple of 20, at most 1000000)";
const sizes = scriptArgs("plan-memory", { allowPositionals: true, options: {} }, usage).positionals.map(Number);
for (const runs of sizes) if (!Number.isSafeInteger(runs / 20) || runs < 20 || runs > 1_000_000) scriptFail("plan-memory", `runs: a multiple of 20 from 20 to 1000000, got ${runs}\n${usage}`);
const rows: string[][] = [];
for (const runs of sizes.length > 0 ? sizes : [1000, 200_000]) {
  const dir = mkdtempSync(join(tmpdir(), "ampom-plan-memory-"));
  try {
    const config = {
      base: { workload: "sequential", memory: "1MiB", baselines: false },
      grid: { policy: ["none", "ampom", "leap", "linux-vma"], migrateAt: [0.2, 0.35, 0.5, 0.65, 0.8], seed: Array.from({ length: runs / 20 }, (_, i) => i + 1) },
    };
    const cfg = join(dir, "sweep.json");
    writeFileSync(cfg, JSON.stringify(config));
    const out = join(dir, "results.jsonl");
    writeFinished(planSweep(config, cfg), out);
    const before = readFileSync(out);
    const dry = measure(["sweep", cfg, "--dry-run"]);
    const resume = measure(["sweep", cfg, "--out", out, "--workers", "1", "--quiet"]);
    if (!readFileSync(out).equals(before)) throw new Error(`resuming ${runs} runs changed the results file`);
    rows.push([String(runs), (statSync(out).size / 2 ** 20).toFixed(0), dry.mib.toFixed(0), dry.seconds.toFixed(1), resume.mib.toFixed(0), resume.seconds.toFixed(1)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(table(["runs", "file MiB", "dry run max RSS MiB", "dry run s", "resume max RSS MiB", "resume s"], rows));
