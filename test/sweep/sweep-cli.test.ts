// `ampom sweep` end to end: determinism across worker counts and shards, a SIGKILL
// mid-way then a resume, torn lines, failed runs and --retry-failed, and sweep-merge's
// checks. The CLI runs as a child process, from the sources.
import { readFileSync, writeFileSync, existsSync, appendFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ampom, ampomAsync, filesIn, scratchDir } from "./cli-helpers.js";

const dir = scratchDir("sweep");
const config = join(dir, "sweep.json");
// 24 small runs: three policies, two migration points, four seeds
writeFileSync(
  config,
  JSON.stringify({
    base: { workload: "random", memory: "3MiB", baselines: false },
    grid: { policy: ["none", "ampom", "leap"], migrateAt: [0.3, 0.7], seed: [1, 2, 3, 4] },
  }),
);
const TOTAL = 24;
const lines = (f: string) => readFileSync(f, "utf8").split("\n").filter((l) => l !== "");
const keysOf = (f: string) => lines(f).map((l) => JSON.parse(l).key as string);

let reference = "";

beforeAll(() => {
  const out = join(dir, "one-worker.jsonl");
  const r = ampom(["sweep", config, "--out", out, "--workers", "1"]);
  expect(r.stderr).toContain(`sweep: ${TOTAL} runs`);
  expect(r.code).toBe(0);
  reference = readFileSync(out, "utf8");
});

describe("ampom sweep", () => {
  it("writes one complete JSON line per run, in grid order, with its key, options and metrics", () => {
    const recs = reference.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(recs).toHaveLength(TOTAL);
    expect(recs.map((r) => r.index)).toEqual([...Array(TOTAL).keys()]);
    expect(new Set(recs.map((r) => r.key)).size).toBe(TOTAL);
    // the last grid key varies fastest
    expect(recs.slice(0, 5).map((r) => [r.options.policy, r.options.migrateAt, r.options.seed])).toEqual([
      ["none", 0.3, 1], ["none", 0.3, 2], ["none", 0.3, 3], ["none", 0.3, 4], ["none", 0.7, 1],
    ]);
    for (const r of recs) {
      expect(r.metrics.policy).toBe(r.options.policy);
      expect(r.metrics.seed).toBe(r.options.seed);
      expect(r.metrics.remoteFaults).toBeGreaterThan(0);
    }
  });

  it("gives the same bytes with 1 worker, 2 workers, and 3 shards merged", () => {
    const two = join(dir, "two-workers.jsonl");
    expect(ampom(["sweep", config, "--out", two, "--workers", "2"]).code).toBe(0);
    expect(readFileSync(two, "utf8")).toBe(reference);

    const shards = [0, 1, 2].map((i) => join(dir, `shard-${i}.jsonl`));
    shards.forEach((s, i) => expect(ampom(["sweep", config, "--out", s, "--shard", `${i}/3`, "--workers", "2"]).code).toBe(0));
    // interleaved shards: run g belongs to shard g mod 3
    shards.forEach((s, i) => expect(lines(s).map((l) => JSON.parse(l).index % 3)).toEqual(Array(TOTAL / 3).fill(i)));
    const merged = join(dir, "merged.jsonl");
    const m = ampom(["sweep-merge", config, "--out", merged, ...shards]);
    expect(m.code).toBe(0);
    expect(readFileSync(merged, "utf8")).toBe(reference);
  });

  it("takes the shard from a Slurm job array's environment with --shard slurm", () => {
    const out = join(dir, "slurm-2.jsonl");
    const env = { SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_COUNT: "4" };
    expect(ampom(["sweep", config, "--out", out, "--shard", "slurm", "--workers", "1"], env).code).toBe(0);
    expect(lines(out).map((l) => JSON.parse(l).index)).toEqual([2, 6, 10, 14, 18, 22]);
    const missing = ampom(["sweep", config, "--out", join(dir, "never.jsonl"), "--shard", "slurm"], { SLURM_ARRAY_TASK_ID: "", SLURM_ARRAY_TASK_COUNT: "" });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("ampom: option --shard slurm: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT are not set");
    expect(existsSync(join(dir, "never.jsonl"))).toBe(false);
  });

  it("Ctrl-C while a policy's hook never returns: it ends, and says truly that no run was saved", async () => {
    const marker = join(dir, "looping");
    const module = join(dir, "loops.mjs");
    writeFileSync(
      module,
      ["reset", "onUse", "onArrival", "onServed"].map((h) => `export function ${h}() {}`).join("\n") +
        `\nimport { writeFileSync } from "node:fs";\nexport function onFault() { writeFileSync(${JSON.stringify(marker)}, ""); for (;;) {} }\n`,
    );
    const hung = join(dir, "hung.json");
    writeFileSync(hung, JSON.stringify({ base: { workload: "stream", memory: "1MiB" }, grid: { policy: [module] } }));
    // in a folder made for it, which goes with the lock (before, it stayed, empty)
    const out = join(dir, "made", "hung.jsonl");
    const child = ampomAsync(["sweep", hung, "--out", out, "--workers", "1"]);
    let stderr = "";
    child.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    while (!existsSync(marker)) {
      if (child.exitCode !== null) throw new Error(`the sweep ended before its policy looped: ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toBe(`ampom: interrupted; no run had finished, so ${out} was not made; run the same command to resume\n`);
    expect(existsSync(join(dir, "made"))).toBe(false);
  });

  it("resumes after SIGKILL with identical results and no run computed twice", async () => {
    const out = join(dir, "killed.jsonl");
    const log1 = join(dir, "runs-1.log");
    const child = ampomAsync(["sweep", config, "--out", out, "--workers", "2"], { AMPOM_SWEEP_RUN_LOG: log1 });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    // kill it as soon as a few runs are on disk
    while (!(existsSync(out) && lines(out).length >= 4)) {
      if (child.exitCode !== null) throw new Error(`the sweep ended before it could be killed: ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    const done = keysOf(out);
    expect(done.length).toBeGreaterThanOrEqual(4);
    expect(done.length).toBeLessThan(TOTAL);
    expect(readFileSync(out, "utf8").endsWith("\n")).toBe(true);

    const log2 = join(dir, "runs-2.log");
    const r = ampom(["sweep", config, "--out", out, "--workers", "2"], { AMPOM_SWEEP_RUN_LOG: log2 });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${TOTAL - done.length} run now, ${done.length} already done`);
    const rerun = lines(log2);
    expect(new Set(rerun).size).toBe(rerun.length); // none twice in the resume
    expect(rerun.filter((k) => done.includes(k))).toEqual([]); // no finished run again
    expect(new Set([...done, ...rerun]).size).toBe(TOTAL); // together: every run
    expect(readFileSync(out, "utf8")).toBe(reference);

    // a third time: nothing to do, nothing computed, the same bytes
    const log3 = join(dir, "runs-3.log");
    expect(ampom(["sweep", config, "--out", out], { AMPOM_SWEEP_RUN_LOG: log3 }).code).toBe(0);
    expect(existsSync(log3)).toBe(false);
    expect(readFileSync(out, "utf8")).toBe(reference);
  });

  it("a kill it can catch (a batch system's at the time limit, a hang-up) or Ctrl-C releases the lock, so another host can resume it", async () => {
    // eight seeds: a worker posts a batch's results together, six runs of a seed
    const eight = join(dir, "eight-seeds.json");
    writeFileSync(eight, JSON.stringify({ ...JSON.parse(readFileSync(config, "utf8")), grid: { policy: ["none", "ampom", "leap"], migrateAt: [0.3, 0.7], seed: [1, 2, 3, 4, 5, 6, 7, 8] } }));
    const out = join(dir, "signalled.jsonl");
    for (const [signal, code] of [["SIGTERM", 143], ["SIGHUP", 129], ["SIGINT", 130]] as const) {
      const child = ampomAsync(["sweep", eight, "--out", out, "--workers", "1"]);
      const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
      const before = existsSync(out) ? lines(out).length : 0;
      while (!(existsSync(out) && lines(out).length >= before + 2)) {
        if (child.exitCode !== null) throw new Error(`the sweep ended before it could be killed: ${child.exitCode}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      child.kill(signal);
      expect(await exited).toBe(code);
      // before, the lock stayed, naming this host: a job array task run again on another
      // node was refused until someone removed it by hand
      expect(existsSync(`${out}.lock`)).toBe(false);
    }
    expect(ampom(["sweep", eight, "--out", out, "--workers", "2"]).code).toBe(0);
    const whole = join(dir, "eight-whole.jsonl");
    expect(ampom(["sweep", eight, "--out", whole, "--workers", "2"]).code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(readFileSync(whole, "utf8"));
  });

  it("cuts a torn last line off and recomputes only that run", () => {
    const out = join(dir, "torn.jsonl");
    const keep = reference.split("\n").slice(0, 10);
    const torn = reference.split("\n")[10].slice(0, 57);
    writeFileSync(out, keep.join("\n") + "\n" + torn);
    // and the temporary of a rewrite that was killed half-way
    const stale = join(dir, ".torn.jsonl.tmp-99999");
    writeFileSync(stale, keep[0]);
    const log = join(dir, "runs-torn.log");
    const r = ampom(["sweep", config, "--out", out, "--workers", "2"], { AMPOM_SWEEP_RUN_LOG: log });
    expect(r.code).toBe(0);
    expect(lines(log)).toHaveLength(TOTAL - 10);
    expect(readFileSync(out, "utf8")).toBe(reference);
    expect(existsSync(stale)).toBe(false);
  });

  it("refuses a results file from another sweep, naming the file and line", () => {
    const out = join(dir, "foreign.jsonl");
    const other = JSON.parse(reference.split("\n")[0]);
    // a run of another grid: other options, another key
    other.key = "0123456789abcdef";
    other.options = { ...other.options, seed: 999 };
    writeFileSync(out, JSON.stringify(other) + "\n");
    const r = ampom(["sweep", config, "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ampom: ${out}:1: run 0123456789abcdef is not part of ${config}`);
    expect(readFileSync(out, "utf8")).toBe(JSON.stringify(other) + "\n"); // untouched
  });

  it("records a failed run with its error, and runs it again only with --retry-failed", () => {
    const sub = scratchDir("sweep-fail");
    // a text trace whose first lines are records (all the check before the runs reads)
    // and whose last line is not one: its run fails
    const bogus = join(sub, "bogus.trace");
    writeFileSync(bogus, "R 1 1\n".repeat(1000) + "this is not a record\n");
    const cfg = join(sub, "sweep.json");
    // no memory in the base: a trace takes none (the check refuses it before any run)
    writeFileSync(cfg, JSON.stringify({ base: { baselines: false }, grid: { workload: ["random", bogus] } }));
    const out = join(sub, "out.jsonl");
    const log = join(sub, "runs.log");
    const first = ampom(["sweep", cfg, "--out", out, "--workers", "2"], { AMPOM_SWEEP_RUN_LOG: log });
    expect(first.code).toBe(1);
    expect(first.stderr).toContain(`ampom: 1 of 2 runs failed (their errors are recorded in ${out})`);
    const recs = lines(out).map((l) => JSON.parse(l));
    expect(recs[0].metrics.workload).toBe("random");
    expect(recs[1].error).toContain(bogus);
    expect(lines(log)).toHaveLength(2);

    const second = ampom(["sweep", cfg, "--out", out], { AMPOM_SWEEP_RUN_LOG: log });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain("rerun with --retry-failed");
    expect(lines(log)).toHaveLength(2); // nothing recomputed

    const third = ampom(["sweep", cfg, "--out", out, "--retry-failed"], { AMPOM_SWEEP_RUN_LOG: log });
    expect(third.code).toBe(1);
    // the first two in whichever order the two workers started them; then only the failed one again
    expect(lines(log).slice(0, 2).sort()).toEqual([recs[0].key, recs[1].key].sort());
    expect(lines(log).slice(2)).toEqual([recs[1].key]);
    expect(lines(out)).toHaveLength(2);
  });

  it("--dry-run counts the runs and the shard's share without running or writing", () => {
    const out = join(dir, "dry.jsonl");
    const r = ampom(["sweep", config, "--out", out, "--shard", "1/5", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${config}: ${TOTAL} runs; shard 1/5 has 5\n`);
    expect(existsSync(out)).toBe(false);
    // it writes nothing, so it needs no --out; a real sweep does
    expect(ampom(["sweep", config, "--dry-run"])).toMatchObject({ code: 0, stdout: `${config}: ${TOTAL} runs\n` });
    const one = join(dir, "one.json");
    writeFileSync(one, JSON.stringify({ base: { workload: "sequential", memory: "1MiB" } }));
    expect(ampom(["sweep", one, "--dry-run"])).toMatchObject({ code: 0, stdout: `${one}: 1 run\n` });
    const bare = ampom(["sweep", config]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^ampom: required option '-o, --out <file>' not specified/);
  });
});

describe("ampom sweep-merge", () => {
  const shards = [0, 1, 2].map((i) => join(dir, `m-shard-${i}.jsonl`));
  beforeAll(() => {
    // shards cut from the reference: run g in shard g mod 3
    const ls = reference.trimEnd().split("\n");
    shards.forEach((s, i) => writeFileSync(s, ls.filter((_, g) => g % 3 === i).map((l) => l + "\n").join("")));
  });

  it("joins shards into the one-machine bytes", () => {
    const out = join(dir, "m-ok.jsonl");
    expect(ampom(["sweep-merge", config, "--out", out, shards[2], shards[0], shards[1]]).code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(reference);
  });

  it("counts its inputs in words that fit one (it said 'from 1 files')", () => {
    const whole = join(dir, "m-whole.jsonl"), out = join(dir, "m-one.jsonl");
    writeFileSync(whole, reference);
    const r = ampom(["sweep-merge", config, "--out", out, whole]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`sweep-merge: ${TOTAL} runs from 1 file (0 failed) -> ${out}`);
  });

  it("names the missing runs when a shard is left out, and writes nothing", () => {
    const out = join(dir, "m-missing.jsonl");
    const r = ampom(["sweep-merge", config, "--out", out, shards[0], shards[1]]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ampom: 8 of ${TOTAL} runs of ${config} are in none of the inputs (grid indices 2, 5, 8, 11, 14, and 3 more)`);
    expect(existsSync(out)).toBe(false);
  });

  it("says a shard whose file holds a run twice (a --retry-failed resume stopped before its end) was interrupted, and writes nothing", () => {
    const out = join(dir, "m-twice.jsonl");
    const resumed = join(dir, "m-resumed.jsonl");
    const first = JSON.parse(readFileSync(shards[0], "utf8").split("\n")[0]);
    const failed = JSON.stringify({ index: first.index, key: first.key, options: first.options, error: "worker thread died: exited with code 3" });
    writeFileSync(resumed, `${failed}\n${readFileSync(shards[0], "utf8")}`);
    const r = ampom(["sweep-merge", config, "--out", out, resumed, shards[1], shards[2]]);
    expect(r.code).toBe(1);
    // before: '... is also in m-resumed.jsonl:1; each run must be in exactly one input'
    expect(r.stderr).toBe(`ampom: ${resumed}:2: run 0 (${first.key}) is in this file twice (line 1 too): its sweep was interrupted; rerun that shard to finish it\n`);
    expect(existsSync(out)).toBe(false);
  });

  it("names both places of a duplicated run, and writes nothing", () => {
    const out = join(dir, "m-dup.jsonl");
    const extra = join(dir, "m-extra.jsonl");
    writeFileSync(extra, reference.split("\n")[4] + "\n");
    const r = ampom(["sweep-merge", config, "--out", out, ...shards, extra]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`ampom: ${extra}:1: run 4 \\(\\w{16}\\) is also in ${shards[1]}:2`));
    expect(existsSync(out)).toBe(false);
  });

  it("says so when one file is given twice, and writes nothing", () => {
    const out = join(dir, "m-twice.jsonl");
    const r = ampom(["sweep-merge", config, "--out", out, ...shards, shards[1]]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ampom: sweep-merge: ${shards[1]} is given twice; give each shard's file once`);
    expect(existsSync(out)).toBe(false);
  });

  it("says how to settle a shard holding a run of the config under another key (an earlier version's), and writes nothing", () => {
    const out = join(dir, "m-rekeyed.jsonl");
    const old = join(dir, "m-old-key.jsonl");
    const [first, ...rest] = lines(shards[1]);
    const rec = JSON.parse(first);
    const key = rec.key;
    rec.key = "0123456789abcdef";
    writeFileSync(old, [JSON.stringify(rec), ...rest].map((l) => l + "\n").join(""));
    const r = ampom(["sweep-merge", config, "--out", out, shards[0], old, shards[2]]);
    expect(r.code).toBe(1);
    // before: '... run 0123456789abcdef is not part of sweep.json', which said neither
    // that it was (run 1) nor what to do
    expect(r.stderr).toBe(
      `ampom: ${old}:1: run 0123456789abcdef is run 1 of ${config} under another key (${key} now): it was keyed by an earlier version of ampom; ` +
        `run that shard's sweep again with --out ${old}, which keeps it under its key now, then merge\n`,
    );
    expect(existsSync(out)).toBe(false);
    // as it says: the shard's sweep keeps the run (running nothing), and the merge is whole
    const log = join(dir, "m-rekeyed.log");
    expect(ampom(["sweep", config, "--out", old, "--shard", "1/3", "-q"], { AMPOM_SWEEP_RUN_LOG: log }).code).toBe(0);
    expect(existsSync(log)).toBe(false);
    expect(ampom(["sweep-merge", config, "--out", out, shards[0], old, shards[2]]).code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(reference);
  });

  it("refuses an interrupted shard (torn last line)", () => {
    const out = join(dir, "m-torn.jsonl");
    const torn = join(dir, "m-torn-in.jsonl");
    writeFileSync(torn, readFileSync(shards[2], "utf8"));
    appendFileSync(torn, '{"index":2');
    const r = ampom(["sweep-merge", config, "--out", out, shards[0], shards[1], torn]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ampom: ${torn}: the last line is incomplete`);
    expect(filesIn(dir).filter((f) => f.startsWith("m-torn.") || f.startsWith(".m-torn."))).toEqual([]);
  });
});
