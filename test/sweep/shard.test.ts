// Shards: --shard i/n, and --shard slurm from a job array's environment (contiguous,
// counted from 1, stepped; lists that are not one range refused).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inShard, parseShard } from "../../src/sweep/shard.js";
import { sweep } from "../../src/sweep/index.js";
import { scratchDir } from "./cli-helpers.js";

const slurm = (id: number, min: number, max: number, step: number | undefined, count: number) =>
  parseShard("slurm", {
    SLURM_ARRAY_TASK_ID: String(id),
    SLURM_ARRAY_TASK_MIN: String(min),
    SLURM_ARRAY_TASK_MAX: String(max),
    SLURM_ARRAY_TASK_COUNT: String(count),
    ...(step === undefined ? {} : { SLURM_ARRAY_TASK_STEP: String(step) }),
  });

describe("shards", () => {
  it("n shards cover every run exactly once", () => {
    for (const n of [1, 2, 3, 7]) {
      const owners = Array.from({ length: 50 }, (_, g) => [...Array(n).keys()].filter((i) => inShard(g, { index: i, count: n })));
      expect(owners.every((o) => o.length === 1)).toBe(true);
    }
  });

  // the whole message: a library caller passed a value, so it must not speak of --shard
  const refusal = (spec: string) => {
    try {
      parseShard(spec, {});
    } catch (err) {
      return (err as Error).message;
    }
    return "accepted";
  };

  it("parses i/n and refuses what is not a shard, naming the value the library caller passed", () => {
    expect(parseShard("2/5", {})).toEqual({ index: 2, count: 5 });
    expect(parseShard(" 0 / 1 ", {})).toEqual({ index: 0, count: 1 });
    expect(refusal("5/5")).toBe("shard: the shard index: expected a whole number from 0 to 4, got 5");
    expect(refusal("0/0")).toBe("shard: the shard count: expected a whole number of at least 1, got 0");
    expect(refusal("1of3")).toBe('shard: expected i/n (e.g. 0/4) or "slurm", got "1of3"');
    expect(refusal("a")).toBe('shard: expected i/n (e.g. 0/4) or "slurm", got "a"');
    expect(refusal("slurm")).toBe("shard slurm: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT are not set (submit with sbatch --array)");
  });

  it("the library's sweep() refuses an impossible shard before it writes anything", async () => {
    const dir = scratchDir("shard");
    const out = join(dir, "runs.jsonl");
    const config = { base: { workload: "sequential", memory: "1MiB", baselines: false } };
    for (const [shard, message] of [
      [{ index: 3, count: 2 }, "option shard: the shard index: expected a whole number from 0 to 1, got 3"],
      [{ index: 0, count: 0 }, "option shard: the shard count: expected a whole number of at least 1, got 0"],
      [{ index: 0.5, count: 2 }, "option shard: the shard index: expected a whole number from 0 to 1, got 0.5"],
    ] as const) {
      await expect(sweep({ config, out, shard, workers: 1 })).rejects.toThrow(message);
    }
    await expect(sweep({ config, out, shard: "1/2" as never, workers: 1 })).rejects.toThrow('option shard: expected { index, count } (parseShard("1/2") makes one), got "1/2"');
    expect(readdirSync(dir)).toEqual([]);
  });

  it("numbers Slurm array tasks 0..n-1 whatever the range's start and step", () => {
    expect([0, 1, 2, 3].map((id) => slurm(id, 0, 3, 1, 4).index)).toEqual([0, 1, 2, 3]);
    expect([1, 2, 3, 4].map((id) => slurm(id, 1, 4, undefined, 4).index)).toEqual([0, 1, 2, 3]);
    expect([0, 2, 4, 6].map((id) => slurm(id, 0, 6, 2, 4))).toEqual([0, 1, 2, 3].map((index) => ({ index, count: 4 })));
    expect(() => slurm(5, 1, 9, undefined, 3)).toThrow(/the array is not one evenly spaced range/);
    expect(() => parseShard("slurm", {})).toThrow("SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT are not set");
  });
});
