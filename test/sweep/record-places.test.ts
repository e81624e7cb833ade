// A sweep keeps where each run's record lies in its results file, not the record: the
// finished file is written by copying those lines (or, for a run the config spells
// otherwise now, reading one and writing it as the config spells it), with the bytes
// that rewriting every record from memory gave.
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeSweep, planSweep, sweep } from "../../src/index.js";
import { ampom, CLI, scratchDir } from "./cli-helpers.js";

const config = {
  base: { workload: "sequential", memory: "1MiB", baselines: false },
  grid: { policy: ["none", "ampom"], seed: [1, 2, 3] },
};

describe("the finished file", () => {
  const runs = planSweep(config, "config").runs;
  const provenance = { tool: "ampom", version: "0.0.0", core: "js" };
  // (a line with this provenance and one without are two builds' runs: these tests, of
  // the bytes, keep them together with mixedBuilds)
  // each run's record as the finished file must hold it: grid index, key and options as
  // the config spells the run, then metrics or error, then provenance (when it has one)
  const finished = [
    { index: 0, key: runs[0].key, options: runs[0].options, metrics: { runtimeNs: 10 }, provenance },
    { index: 1, key: runs[1].key, options: runs[1].options, metrics: { runtimeNs: 11 }, provenance },
    { index: 2, key: runs[2].key, options: runs[2].options, metrics: { runtimeNs: 12 }, provenance },
    { index: 3, key: runs[3].key, options: runs[3].options, metrics: { runtimeNs: 13 } },
    { index: 4, key: runs[4].key, options: runs[4].options, metrics: { runtimeNs: 14, label: "é ✓ \u2028" }, provenance },
    { index: 5, key: runs[5].key, options: runs[5].options, error: "boom: é", provenance },
  ];
  const expected = finished.map((r) => JSON.stringify(r) + "\n").join("");
  // the lines a file holds for them: as written, or spelled otherwise
  const written = [
    JSON.stringify(finished[0]),
    // options spelled another way (the same run: its key)
    JSON.stringify({ ...finished[1], options: { ...runs[1].options, memory: 1048576 } }),
    // another grid index, members in another order
    JSON.stringify({ provenance, metrics: finished[2].metrics, options: runs[2].options, key: runs[2].key, index: 9 }),
    // spaced out, and a member no record has
    JSON.stringify({ ...finished[3], note: "added by hand" }, null, 1).replace(/\n/g, ""),
    JSON.stringify(finished[4]),
    JSON.stringify(finished[5]),
  ];
  // completion order, a run's earlier failure superseded by its result, a blank line
  const earlier = JSON.stringify({ ...finished[4], metrics: undefined, error: "an earlier failure" });
  const file = [earlier, written[3], written[5], "", written[0], written[4], written[2], written[1]].map((l) => l + "\n").join("");

  it("has the bytes of every run's latest record, as the config spells the run, in grid order", async () => {
    const dir = scratchDir("places");
    const out = join(dir, "r.jsonl");
    // and a line torn by a crash, cut off
    writeFileSync(out, file + written[1].slice(0, 30));
    expect(await sweep({ config, out, workers: 1, mixedBuilds: true })).toMatchObject({ total: 6, skipped: 6, ran: 0, failed: 1, failedKept: 1 });
    expect(readFileSync(out, "utf8")).toBe(expected);
  });

  it("has a run's record of this sweep in its place, after a torn line was cut (--retry-failed)", async () => {
    const dir = scratchDir("places-retry");
    const out = join(dir, "r.jsonl");
    writeFileSync(out, file + written[1].slice(0, 30));
    expect(await sweep({ config, out, workers: 1, retryFailed: true, mixedBuilds: true })).toMatchObject({ total: 6, skipped: 5, ran: 1, failed: 0 });
    const lines = readFileSync(out, "utf8").split("\n");
    expect(lines.slice(0, 5).map((l) => l + "\n").join("")).toBe(expected.split("\n").slice(0, 5).map((l) => l + "\n").join(""));
    expect(JSON.parse(lines[5])).toMatchObject({ index: 5, key: runs[5].key, options: runs[5].options, metrics: { policy: "ampom", seed: 3 } });
    expect(lines.slice(6)).toEqual([""]);
  });

  it("sweep-merge writes the same bytes from shards spelled otherwise", () => {
    const dir = scratchDir("places-merge");
    const a = join(dir, "a.jsonl");
    const b = join(dir, "b.jsonl");
    writeFileSync(a, [written[4], written[0], "", written[2]].map((l) => l + "\n").join(""));
    writeFileSync(b, [written[5], written[1], written[3]].map((l) => l + "\n").join(""));
    const out = join(dir, "merged.jsonl");
    expect(mergeSweep(config, [a, b], out, { mixedBuilds: true })).toEqual({ out, runs: 6, failed: 1 });
    expect(readFileSync(out, "utf8")).toBe(expected);
  });

  it("sweep-merge reads a shard given as a pipe (a shell's <(...)), which can be read only once", () => {
    const dir = scratchDir("places-pipe");
    const cfg = join(dir, "sweep.json");
    writeFileSync(cfg, JSON.stringify(config));
    const a = join(dir, "a.jsonl");
    writeFileSync(a, file);
    const out = join(dir, "merged.jsonl");
    // a merge reads its inputs twice: a pipe is copied first (read twice: "ESPIPE: invalid seek, read")
    const quoted = [process.execPath, ...CLI, "sweep-merge", cfg, "--out", out, "--mixed-builds"].map((w) => `'${w}'`).join(" ");
    const r = spawnSync("bash", ["-c", `${quoted} <(tail -n +2 '${a}')`], { encoding: "utf8" });
    expect(r.stderr).toContain("sweep-merge: 6 runs from 1 file (1 failed)");
    expect(r.status).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(expected);
  });
});

it("resumes a results file much larger than the heap it is given", () => {
  const dir = scratchDir("places-heap");
  const cfg = join(dir, "sweep.json");
  const big = { base: config.base, grid: { seed: Array.from({ length: 400 }, (_, i) => i + 1) } };
  writeFileSync(cfg, JSON.stringify(big));
  // 400 records of 256 KiB: a file of 100 MiB, in grid order
  const out = join(dir, "r.jsonl");
  const fd = openSync(out, "w");
  const blob = "x".repeat(1 << 18);
  for (const r of planSweep(big, cfg).runs) writeSync(fd, JSON.stringify({ index: r.index, key: r.key, options: r.options, metrics: { blob } }) + "\n");
  closeSync(fd);
  const before = readFileSync(out);
  // before, every record was held until the end: out of memory (the process aborted)
  const r = ampom(["sweep", cfg, "--out", out, "--quiet"], { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --max-old-space-size=64` });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(readFileSync(out).equals(before)).toBe(true);
}, 120_000);
