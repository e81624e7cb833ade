// One decode for many scenarios (issue 14, item 2): what `compare` gains from running
// its scenarios side by side over one record stream (runScenarios, shared-records.ts)
// rather than each reading and decoding the trace alone. On an amt v2 trace, timed side
// by side in one process: one scenario alone, then the K scenarios of
// `compare --mechanisms lightweight` (its rows and the baselines they need) with the
// stream shared, then the same K with sharing off (recordSharing.on = false, what
// AMPOM_SHARE_RECORDS=0 does). The target: K shared ≤ (1 + 0.4·K) × one run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { planCompare } from "../src/sim/compare.js";
import type { Metrics } from "../src/sim/metrics.js";
import { recordSharing, runScenario, runScenarios, scenarioWorkload, type ScenarioRun } from "../src/sim/simulate.js";
import type { Workload } from "../src/workloads/types.js";
import { median, settle } from "./e2e.js";
import { GENERATED_LABEL, generatedWorkload, writeAmtV2 } from "./native.js";
import type { BenchSizes, SharedRow } from "./types.js";

export interface SharedRequest {
  sizes: BenchSizes;
  /** trace files to measure besides the generated one */
  traces: string[];
  log: (line: string) => void;
}

/** Wall-clock seconds of `f` (the brief's measure: what a user waits for `compare`). */
async function seconds<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const out = await f();
  return [(performance.now() - t0) / 1000, out];
}

async function runsAlone(w: Workload, runs: ScenarioRun[]): Promise<Metrics[]> {
  recordSharing.on = false;
  try {
    return await runScenarios(w, runs);
  } finally {
    recordSharing.on = true;
  }
}

async function measure(label: string, file: string, sizes: BenchSizes): Promise<SharedRow> {
  // each timed call gets the trace opened afresh, as a command does: what one call reads
  // ahead for the oracle (kept per workload object) must not help the next
  const plan = await planCompare({ workload: file, mechanisms: ["lightweight"] });
  const w = plan.workload;
  const runs = plan.runs;
  const first = runs[0].scenario;
  const fresh = () => scenarioWorkload(first);
  const t: Record<"one" | "shared" | "alone", number[]> = { one: [], shared: [], alone: [] };
  let identical = true;
  // warm-up: compilation and first touches, off the clock
  if (sizes.repeats > 1) await runScenario(first, w);
  for (let r = 0; r < sizes.repeats; r++) {
    await settle();
    const w1 = await fresh();
    const [one, m1] = await seconds(() => runScenario(first, w1));
    await settle();
    const wk = await fresh();
    const [shared, ms] = await seconds(() => runScenarios(wk, runs));
    await settle();
    const wa = await fresh();
    const [alone, ma] = await seconds(() => runsAlone(wa, runs));
    t.one.push(one);
    t.shared.push(shared);
    t.alone.push(alone);
    // sharing must change nothing: every scenario's metrics as when it runs alone
    identical &&= JSON.stringify(ms) === JSON.stringify(ma) && JSON.stringify(m1) === JSON.stringify(ms[0]);
  }
  const K = runs.length;
  const [one, shared, alone] = [median(t.one), median(t.shared), median(t.alone)];
  return {
    workload: label,
    records: w.records,
    K,
    one,
    shared,
    alone,
    sharedOfOne: shared / one,
    target: 1 + 0.4 * K,
    aloneOfShared: alone / shared,
    identical,
  };
}

export async function runShared(req: SharedRequest): Promise<SharedRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "ampom-shared-"));
  const rows: SharedRow[] = [];
  try {
    // the native anchor's generated trace (the stream kernel), as amt v2
    const generated = join(dir, "generated.amt");
    const gen = await generatedWorkload(req.sizes.nativeRecords);
    writeAmtV2(gen, generated, Math.min(gen.records, req.sizes.nativeRecords));
    const sources = [{ label: GENERATED_LABEL, file: generated }, ...req.traces.map((t) => ({ label: basename(t), file: t }))];
    for (const src of sources) {
      const row = await measure(src.label, src.file, req.sizes);
      rows.push(row);
      req.log(`shared: ${src.label} done (K = ${row.K}, ${row.records} records)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
