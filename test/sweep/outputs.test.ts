// A sweep's results file must never replace what the sweep reads (its config, a trace,
// a policy module), nor a file that is not a sweep's results: its torn-line recovery
// cuts off only what can be the start of a result line. Nor may sweep-merge's replace
// the config or a file it merges.
import { copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ampom } from "../cli/capture.js";
import { scratchDir } from "./cli-helpers.js";
import { sweep } from "../../src/sweep/index.js";
import { lockFor } from "../../src/util/atomic-file.js";

const dir = scratchDir("sweep-outputs");
const config = join(dir, "one.json");
// no final newline, as printf writes it
const CONFIG = '{"base": {"memory": "1MiB", "workload": "sequential"}, "grid": {"policy": ["none", "ampom"]}}';
writeFileSync(config, CONFIG);
const trace = join(dir, "tiny.txt");
copyFileSync("examples/tiny-trace.txt", trace);
const module = join(dir, "mine.ts");
copyFileSync("examples/swap-readahead-policy.ts", module);

describe("sweep's results file", () => {
  it("is refused when it is the config, a trace or a policy module the runs read, which stay as they were", async () => {
    const other = join(dir, "reads.json");
    writeFileSync(other, JSON.stringify({ base: { workload: trace }, grid: { policy: ["none", module] } }));
    const linked = join(dir, "linked.json");
    linkSync(config, linked);
    const cases: Array<[string, string, string]> = [
      [config, config, "the sweep config"],
      [config, join(dir, ".", "one.json"), "the sweep config"],
      [config, linked, "the sweep config"],
      [other, trace, "the workload's trace"],
      [other, module, "the policy module"],
    ];
    for (const [cfg, out, what] of cases) {
      const r = await ampom("sweep", cfg, "--out", out, "-q", "-j", "1");
      expect(r.code, out).toBe(1);
      expect(r.stderr).toBe(`ampom: results file ${out}: is ${what}, which the results would overwrite; give another file\n`);
    }
    expect(readFileSync(config, "utf8")).toBe(CONFIG);
    expect(readFileSync(trace, "utf8")).toBe(readFileSync("examples/tiny-trace.txt", "utf8"));
    expect(readFileSync(module, "utf8")).toBe(readFileSync("examples/swap-readahead-policy.ts", "utf8"));
  });

  it("is refused, unchanged, when its last line has no newline and cannot be a result line cut short", async () => {
    const notes = join(dir, "notes.txt");
    writeFileSync(notes, "my notes, no newline");
    const r = await ampom("sweep", config, "--out", notes, "-q", "-j", "1");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ampom: ${notes}:1: not a sweep result line (the last line has no newline, and does not begin as a result line does, with {"index":)\n`);
    expect(readFileSync(notes, "utf8")).toBe("my notes, no newline");
  });

  it("cuts off a result line cut short anywhere, even in its first bytes, and ends with a fresh sweep's bytes", async () => {
    const fresh = join(dir, "fresh.jsonl");
    expect((await ampom("sweep", config, "--out", fresh, "-q", "-j", "1")).code).toBe(0);
    const [first] = readFileSync(fresh, "utf8").split("\n");
    for (const cut of [3, 40]) {
      const out = join(dir, `cut-${cut}.jsonl`);
      writeFileSync(out, `${first}\n${first.slice(0, cut)}`);
      const r = await ampom("sweep", config, "--out", out, "-q", "-j", "1");
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(out, "utf8")).toBe(readFileSync(fresh, "utf8"));
    }
  });

  it("sweep-merge refuses a merged file that is the config or one of the files it merges, which stay as they were", async () => {
    const shards = [0, 1].map((i) => join(dir, `shard-${i}.jsonl`));
    for (const [i, s] of shards.entries()) expect((await ampom("sweep", config, "--out", s, "--shard", `${i}/2`, "-q", "-j", "1")).code).toBe(0);
    const before = shards.map((s) => readFileSync(s, "utf8"));
    const cases: Array<[string, string]> = [
      [config, "the sweep config"],
      [join(dir, ".", "shard-1.jsonl"), "a results file to merge"],
    ];
    for (const [out, what] of cases) {
      const r = await ampom("sweep-merge", config, "--out", out, ...shards);
      expect(r.code, out).toBe(1);
      expect(r.stderr).toBe(`ampom: results file ${out}: is ${what}, which the merged results would overwrite; give another file\n`);
    }
    expect(readFileSync(config, "utf8")).toBe(CONFIG);
    expect(shards.map((s) => readFileSync(s, "utf8"))).toEqual(before);
  });
});
describe("two sweeps on one results file", () => {
  it("the second is refused while the first writes it, and the first keeps every run", async () => {
    const out = join(dir, "shared.jsonl");
    const [first, second] = await Promise.all([
      sweep({ config: JSON.parse(CONFIG), out, workers: 1, shard: { index: 0, count: 2 } }).then(
        (s) => s,
        (e: Error) => e,
      ),
      sweep({ config: JSON.parse(CONFIG), out, workers: 1, shard: { index: 1, count: 2 } }).then(
        (s) => s,
        (e: Error) => e,
      ),
    ]);
    const [done, refused] = first instanceof Error ? [second, first] : [first, second];
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toBe(
      `results file ${out}: another command is writing it (process ${process.pid} on ${hostname()}, lock file ${out}.lock); give each sweep or shard a file of its own, or remove the lock file if that command has ended`,
    );
    expect(done).toMatchObject({ total: 1, ran: 1, failed: 0 });
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(1);
    expect(existsSync(`${out}.lock`)).toBe(false);
  });

  it("through a link too: the lock is the file's, and the link stays a link", async () => {
    const out = join(dir, "linked-target.jsonl");
    const link = join(dir, "linked.jsonl");
    symlinkSync("linked-target.jsonl", link);
    const [a, b] = await Promise.all(
      [link, out].map((o, i) =>
        sweep({ config: JSON.parse(CONFIG), out: o, workers: 1, shard: { index: i, count: 2 } }).then(
          (s) => s,
          (e: Error) => e,
        ),
      ),
    );
    // before, each took a lock of its own name, both ran, and the link became a file
    expect([a, b].filter((r) => r instanceof Error).map((r) => (r as Error).message)).toEqual([expect.stringContaining("another command is writing it")]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(1);
  });

  it("takes over the lock of a sweep that was killed, refuses one held elsewhere, and leaves no folder made for the lock alone", async () => {
    const out = join(dir, "stale.jsonl");
    // a process id this host does not run (above the kernel's pid_max)
    writeFileSync(`${out}.lock`, `${hostname()} 4194999\n`);
    expect(await sweep({ config: JSON.parse(CONFIG), out, workers: 1 })).toMatchObject({ total: 2, ran: 2 });
    expect(existsSync(`${out}.lock`)).toBe(false);
    const held = join(dir, "held.jsonl");
    writeFileSync(`${held}.lock`, `elsewhere 1\n`);
    await expect(sweep({ config: JSON.parse(CONFIG), out: held, workers: 1 })).rejects.toThrow("another command is writing it (process 1 on elsewhere");
    // a lock in folders made for it: they go with it unless something was written there
    const nested = join(dir, "new", "deeper", "r.jsonl");
    lockFor(nested, "results file")();
    expect(existsSync(join(dir, "new"))).toBe(false);
    const release = lockFor(nested, "results file");
    writeFileSync(nested, "");
    release();
    expect([existsSync(nested), existsSync(`${nested}.lock`)]).toEqual([true, false]);
  });

  it("settles the lock a command killed while taking it over had moved aside (FILE.lock.PID)", async () => {
    const sub = join(dir, "aside");
    mkdirSync(sub);
    const out = join(sub, "r.jsonl");
    // the stale lock it was taking over: removed, not left beside the results for good
    writeFileSync(`${out}.lock.4194998`, `${hostname()} 4194999\n`);
    expect(await sweep({ config: JSON.parse(CONFIG), out, workers: 1 })).toMatchObject({ total: 2, ran: 2 });
    expect(readdirSync(sub)).toEqual(["r.jsonl"]);
    // the lock of a command still writing the file (it took the lock over between the
    // killed one's read and its move): put back, so that the file stays that command's
    const mine = `${hostname()} ${process.pid}\n`;
    writeFileSync(`${out}.lock.4194998`, mine);
    expect(() => lockFor(out, "results file")).toThrow(`another command is writing it (process ${process.pid} on ${hostname()}`);
    expect(readdirSync(sub).sort()).toEqual(["r.jsonl", "r.jsonl.lock"]);
    expect(readFileSync(`${out}.lock`, "utf8")).toBe(mine);
  });
});

