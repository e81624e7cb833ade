// A results file holds the runs of one build of ampom unless told otherwise: a sweep
// resumed after an update, or shards run from two checkouts, would otherwise put two
// versions' figures in one file without a word. And a run has one result: two that
// differ mean the file was edited.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { mergeSweep, sweep } from "../../src/index.js";
import { ampom, scratchDir } from "./cli-helpers.js";

const config = {
  base: { workload: "sequential", memory: "1MiB", baselines: false },
  grid: { policy: ["none", "ampom"], seed: [1, 2, 3] },
};
const dir = scratchDir("builds");
const configFile = join(dir, "sweep.json");
writeFileSync(configFile, JSON.stringify(config));
/** the finished file of the whole sweep, by the build under test */
let reference: string[] = [];
/** the same lines as another commit's build made them */
const another = (line: string) => line.replace(/"commit":"[0-9a-f]{40}"|"commit":null/, `"commit":"${"0".repeat(40)}"`);

beforeAll(async () => {
  const out = join(dir, "reference.jsonl");
  await sweep({ config, out, workers: 1 });
  reference = readFileSync(out, "utf8").trimEnd().split("\n");
  // (another() must change them: the test is void otherwise)
  expect(another(reference[0])).not.toBe(reference[0]);
});

const file = (name: string, lines: string[]) => {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => l + "\n").join(""));
  return path;
};

describe("a sweep resumed on runs another build made", () => {
  it("is refused, naming both builds and where the other's runs begin, and leaves the file as it was", async () => {
    const out = file("resumed.jsonl", reference.slice(0, 4).map(another));
    const before = readFileSync(out, "utf8");
    await expect(sweep({ config, out, workers: 1 })).rejects.toThrow(
      new RegExp(`results file .*resumed\\.jsonl would hold runs of 2 builds of ampom: 4 runs by ampom \\S+ \\(commit 000000000000[^)]*\\), the first at .*resumed\\.jsonl:1; 2 to run now by this one, ampom \\S+ \\(commit (?!000000000000)`),
    );
    expect(readFileSync(out, "utf8")).toBe(before);
  });

  it("keeps them beside this build's with mixedBuilds, each line naming its own", async () => {
    const out = file("kept.jsonl", reference.slice(0, 4).map(another));
    expect(await sweep({ config, out, workers: 1, mixedBuilds: true })).toMatchObject({ skipped: 4, ran: 2 });
    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    expect(lines).toEqual([...reference.slice(0, 4).map(another), ...reference.slice(4)]);
  });

  it("is not refused when nothing is to run (the file already holds one build's runs), nor when that build's failed runs all run again", async () => {
    const whole = file("whole.jsonl", reference.map(another));
    expect(await sweep({ config, out: whole, workers: 1 })).toMatchObject({ skipped: 6, ran: 0 });
    // runs 0 and 1 failed under the other build; --retry-failed replaces them
    const failed = reference.slice(0, 2).map((l) => {
      const r = JSON.parse(another(l));
      return JSON.stringify({ index: r.index, key: r.key, options: r.options, error: "worker thread died", provenance: r.provenance });
    });
    const retried = file("retried.jsonl", [...failed, ...reference.slice(2)]);
    expect(await sweep({ config, out: retried, workers: 1, retryFailed: true })).toMatchObject({ skipped: 4, ran: 2, failed: 0 });
    expect(readFileSync(retried, "utf8")).toBe(reference.map((l) => l + "\n").join(""));
    // without --retry-failed the failed records stay, and with them their build
    const kept = file("failed-kept.jsonl", [...failed, ...reference.slice(2, 5)]);
    await expect(sweep({ config, out: kept, workers: 1 })).rejects.toThrow(/would hold runs of 2 builds of ampom: 2 runs by .*failed-kept\.jsonl:1; 3 runs by .*, this one, the first at .*failed-kept\.jsonl:3; 1 to run now by this one; each line is true to its build/);
  });

  it("on the command line: exit 1, one line naming the way out, no stack", () => {
    const out = file("cli.jsonl", reference.slice(0, 4).map(another));
    const r = ampom(["sweep", configFile, "--out", out, "-q"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ampom: results file .* would hold runs of 2 builds of ampom: .*Give another --out file, or --mixed-builds \(sweep\(\): mixedBuilds: true\) to keep them together\n$/);
    const kept = ampom(["sweep", configFile, "--out", out, "-q", "--mixed-builds"]);
    expect(kept.code).toBe(0);
    expect(readFileSync(out, "utf8").trimEnd().split("\n")).toHaveLength(6);
  });
});

describe("two results of one run", () => {
  it("are refused when their figures differ, naming both lines", async () => {
    const edited = reference[2].replace(/"remoteFaults":(\d+)/, (_, n) => `"remoteFaults":${Number(n) + 1}`);
    expect(edited).not.toBe(reference[2]);
    const out = file("edited.jsonl", [...reference.slice(0, 4), edited]);
    await expect(sweep({ config, out, workers: 1 })).rejects.toThrow(/edited\.jsonl:5: run \w{16} has a result at line 3 too, with other figures; .*keep one of the two lines/);
  });

  it("are one result when they are the same line twice (a file joined to itself)", async () => {
    const out = file("twice.jsonl", [...reference, ...reference]);
    expect(await sweep({ config, out, workers: 1 })).toMatchObject({ skipped: 6, ran: 0 });
    expect(readFileSync(out, "utf8")).toBe(reference.map((l) => l + "\n").join(""));
  });
});

describe("a merge of shards two builds ran", () => {
  it("is refused, naming both builds, and writes nothing; with mixedBuilds it merges", () => {
    const a = file("shard-a.jsonl", reference.filter((_, i) => i % 2 === 0).map(another));
    const b = file("shard-b.jsonl", reference.filter((_, i) => i % 2 === 1));
    const out = join(dir, "merged.jsonl");
    expect(() => mergeSweep(config, [a, b], out)).toThrow(
      /^sweep-merge: the inputs hold runs of 2 builds of ampom: 3 runs by ampom \S+ \(commit 000000000000.*shard-a\.jsonl:1; 3 runs by .*, this one, the first at .*shard-b\.jsonl:1; merged, the file would mix their figures/,
    );
    expect(() => readFileSync(out)).toThrow(/ENOENT/);
    expect(mergeSweep(config, [a, b], out, { mixedBuilds: true })).toEqual({ out, runs: 6, failed: 0 });
    expect(readFileSync(out, "utf8").trimEnd().split("\n")).toEqual(reference.map((l, i) => (i % 2 === 0 ? another(l) : l)));
    // its options are checked as sweep()'s are
    expect(() => mergeSweep(config, [a, b], out, { mixedBuild: true } as never)).toThrow(/sweep-merge: unknown option "mixedBuild"/);
    // and on the command line
    const r = ampom(["sweep-merge", configFile, "--out", join(dir, "merged-cli.jsonl"), a, b]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ampom: sweep-merge: the inputs hold runs of 2 builds of ampom: .* give --mixed-builds .* to merge them as they are\n$/);
  });
});
