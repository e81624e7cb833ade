// A plan keeps its runs' keys, not their options: each run is made from its grid index
// when it is needed. These tests hold it to the list a plan used to build of every
// combination (made here the plain way, by nested loops over the grid's keys), and show
// that sweeps, shards, resume and merge read it as they read that list.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeSweep, planSweep, sweep } from "../../src/index.js";
import { canonicalJson, runKey } from "../../src/sweep/key.js";
import { inputDigests } from "../../src/sim/inputs.js";
import { resolveOptions, type RunOptions } from "../../src/sim/options.js";
import { batchRuns, SWEEP_BATCH } from "../../src/sweep/sweep.js";
import { runsOf, type PoolRun, type PoolTask } from "../../src/sweep/pool.js";
import { workloadKey } from "../../src/sim/simulate.js";
import { writeFinished } from "../../bench/sweep/finished.js";
import { ampom, scratchDir } from "./cli-helpers.js";

/** Every combination, the last key varying fastest, made by nested loops. */
function eager(base: Record<string, unknown>, grid: Record<string, unknown[]>) {
  let combos: Array<Record<string, unknown>> = [{ ...base }];
  for (const [k, values] of Object.entries(grid)) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
  return combos.map((given, index) => {
    const options = JSON.parse(canonicalJson(given)) as RunOptions;
    const scenario = resolveOptions(options);
    return { index, key: runKey(scenario), options, scenario, inputs: inputDigests(scenario) };
  });
}

const base = { memory: "1MiB", baselines: false };
// four keys of 2, 3, 2 and 3 values: 36 runs, radices that differ
const grid = { workload: ["sequential", "random"], policy: ["none", "ampom", "leap"], migrateAt: ["25%", 0.5], seed: [7, 1, 4] };

describe("a plan's runs", () => {
  it("are the combinations in grid order, made from their index when asked", () => {
    const plan = planSweep({ base, grid }, "cfg");
    const expected = eager(base, grid);
    expect(plan.size).toBe(36);
    for (const e of expected) {
      expect(plan.run(e.index)).toEqual(e);
      expect(plan.spelling(e.index)).toEqual({ index: e.index, key: e.key, options: e.options });
      expect(plan.indexOf(e.key)).toBe(e.index);
    }
    expect(plan.runs).toEqual(expected);
    // made once and kept: a loop over plan.runs[i] does not remake the list each step
    expect(plan.runs).toBe(plan.runs);
    // a key no run has, spelt as a key or not
    expect(plan.indexOf("0123456789abcdef")).toBeUndefined();
    expect(plan.indexOf("not a key")).toBeUndefined();
  });

  it("names the first repeated run as listing them in turn did, before a later run's mistake", () => {
    // run 4 (seed 1 again) repeats run 3; run 9 (policy "nope") is refused, but later
    const g = { policy: ["none", "ampom", "nope"], seed: [1, 2, 3, 1] };
    expect(() => planSweep({ base, grid: g }, "cfg")).toThrow("cfg: grid.seed[3]: 1 gives the same runs as grid.seed[0]; list each value once");
    // the mistake first: runs 0-2 are fine, run 3 refused, and the repeat comes later
    const h = { seed: [1, 2, 3], policy: ["none", "nope", "none"] };
    expect(() => planSweep({ base, grid: h }, "cfg")).toThrow('cfg: grid.policy[1]: unknown policy "nope"');
  });
});

describe("sweeps read the plan as they read the list of runs", () => {
  const small = { base, grid: { policy: ["none", "ampom"], migrateAt: [0.25, 0.5, 0.75], seed: [1, 2] } };
  const runs = eager(small.base, small.grid);

  it("a resumed shard skips the runs its file holds and writes the shard's runs in grid order", async () => {
    const dir = scratchDir("lazy-shard");
    const whole = join(dir, "whole.jsonl");
    await sweep({ config: small, out: whole, workers: 1 });
    const lines = readFileSync(whole, "utf8").trimEnd().split("\n");
    expect(lines.map((l) => JSON.parse(l)).map((r) => [r.index, r.key, r.options])).toEqual(runs.map((r) => [r.index, r.key, r.options]));
    const shards = [0, 1, 2].map((i) => join(dir, `shard-${i}.jsonl`));
    for (const [i, out] of shards.entries()) {
      const mine = lines.filter((_, g) => g % 3 === i);
      // the file holds the shard's last run and its first but one, written out of order
      writeFileSync(out, [mine[mine.length - 1], mine[1]].map((l) => l + "\n").join(""));
      const s = await sweep({ config: small, out, workers: 1, shard: { index: i, count: 3 } });
      expect(s).toMatchObject({ total: 4, skipped: 2, ran: 2, failed: 0 });
      expect(readFileSync(out, "utf8")).toBe(mine.map((l) => l + "\n").join(""));
    }
    const merged = join(dir, "merged.jsonl");
    expect(mergeSweep(small, shards, merged)).toEqual({ out: merged, runs: 12, failed: 0 });
    expect(readFileSync(merged, "utf8")).toBe(readFileSync(whole, "utf8"));
    // a shard's file holding a run of another shard is refused, naming it
    writeFileSync(shards[1], lines[0] + "\n");
    await expect(sweep({ config: small, out: shards[1], workers: 1, shard: { index: 1, count: 3 } })).rejects.toThrow(
      `${shards[1]}:1: run ${runs[0].key} is not part of sweep config (shard 1/3)`,
    );
  });

  it("--dry-run counts a shard's share of a grid that does not divide evenly", () => {
    const dir = scratchDir("lazy-dry");
    const cfg = join(dir, "sweep.json");
    writeFileSync(cfg, JSON.stringify(small));
    const counts = [0, 1, 2, 3, 4].map((i) => JSON.parse(ampom(["sweep", cfg, "--dry-run", "--json", "--shard", `${i}/5`]).stdout).shardRuns);
    expect(counts).toEqual([0, 1, 2, 3, 4].map((i) => runs.filter((r) => r.index % 5 === i).length));
    // more shards than runs: the last ones have none
    expect(ampom(["sweep", cfg, "--dry-run", "--shard", "13/14"]).stdout).toBe(`${cfg}: 12 runs; shard 13/14 has 0\n`);
  });
});

describe("the pool's tasks", () => {
  /** The tasks as a list of them all: runs whose options fail first, alone, then each
   * workload's runs in batches, workloads in the order they first come. */
  function listed(runs: PoolRun[], workers: number): PoolTask[] {
    const tasks: PoolTask[] = [];
    const groups = new Map<string, PoolRun[]>();
    for (const r of runs) {
      let key: string;
      try {
        key = workloadKey(resolveOptions(r.options));
      } catch {
        tasks.push(r);
        continue;
      }
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const g of groups.values()) {
      const size = Math.max(1, Math.min(SWEEP_BATCH, Math.ceil(g.length / workers)));
      for (let i = 0; i < g.length; i += size) {
        const batch = g.slice(i, i + size);
        tasks.push(batch.length === 1 ? batch[0] : { batch });
      }
    }
    return tasks;
  }

  it("are made as the pool takes them, the batches a list of all of them gives", () => {
    // three workloads (seeds) of 14 runs, interleaved, and two runs whose options fail
    const plan = planSweep({ base, grid: { seed: [1, 2, 3], policy: ["none", "ampom"], migrateAt: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7] } }, "cfg");
    const runs: PoolRun[] = Array.from({ length: plan.size }, (_, i) => plan.spelling(i));
    runs.splice(5, 0, { index: 1000, key: "bad", options: { memory: "lots" } as RunOptions });
    runs.push({ index: 1001, key: "bad2", options: { workload: "nowhere" } });
    // a run left out is not in any task (its workload has 13, so 8 workers leave one alone)
    const include = (i: number) => i !== 7;
    for (const workers of [1, 2, 3, 8]) {
      const expected = listed(runs.filter((_, i) => include(i)), workers);
      const tasks = batchRuns(runs.length, (i) => runs[i], workers, include);
      expect([tasks.count, tasks.runs]).toEqual([expected.length, runs.length - 1]);
      const got: PoolTask[] = [];
      for (let t; (t = tasks.next()) !== undefined; ) got.push(t);
      expect(got).toEqual(expected);
      expect(got.flatMap(runsOf).length).toBe(runs.length - 1);
    }
  });
});

it("resumes a grid of 150,000 runs in a heap that the runs' options would not fit", () => {
  // before, a plan held each run's options, scenario and key, about a kilobyte a run
  // (some 140 MB here, past the 64 MB the process is given): out of memory, the process
  // aborted. Now it keeps 16 bytes a run for the keys, and the results file's places.
  const dir = scratchDir("lazy-heap");
  const cfg = join(dir, "sweep.json");
  const big = { base, grid: { policy: ["none", "ampom", "leap"], migrateAt: [0.25, 0.5, 0.75, 0.9, 0.1], seed: Array.from({ length: 10_000 }, (_, i) => i + 1) } };
  writeFileSync(cfg, JSON.stringify(big));
  const plan = planSweep(big, cfg);
  expect(plan.size).toBe(150_000);
  // the finished file, in grid order
  const out = join(dir, "r.jsonl");
  writeFinished(plan, out);
  const before = readFileSync(out);
  const r = ampom(["sweep", cfg, "--out", out, "--workers", "1"], { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --max-old-space-size=64` });
  expect(r.stderr).toBe(`sweep: 150000 runs (all runs): 0 run now, 150000 already done, 0 failed -> ${out}\n`);
  expect(r.code).toBe(0);
  expect(readFileSync(out).equals(before)).toBe(true);
}, 240_000);
