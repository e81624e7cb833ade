// The library's sweep(), mergeSweep() and planSweep(): in-process use with a config
// object, progress callbacks, shards, and the grid's order and keys.
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSweepConfig, mergeSweep, planSweep, runKey, simulate, sweep } from "../../src/index.js";
import { resolveOptions, runOptionsSchema } from "../../src/sim/options.js";
import { runPool, type PoolResult } from "../../src/sweep/pool.js";
import { SweepConfigError } from "../../src/sweep/config.js";
import { aheadPolicy, scratchDir } from "./cli-helpers.js";

const config = {
  base: { workload: "sequential", memory: "1MiB", baselines: false },
  grid: { policy: ["none", "ampom"], migrateAt: [0.2, 0.5, 0.8] },
};

describe("library sweep()", () => {
  it("runs every combination on worker threads, reporting progress, with the metrics simulate() gives", async () => {
    const dir = scratchDir("lib");
    const out = join(dir, "r.jsonl");
    const seen: number[] = [];
    const summary = await sweep({ config, out, workers: 2, onProgress: (p) => seen.push(p.finished) });
    expect(summary).toMatchObject({ total: 6, skipped: 0, ran: 6, failed: 0 });
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const recs = readFileSync(out, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
    const direct = await simulate({ ...config.base, policy: "ampom", migrateAt: 0.5 });
    expect(recs[4].options).toEqual({ baselines: false, memory: "1MiB", migrateAt: 0.5, policy: "ampom", workload: "sequential" });
    expect(recs[4].metrics).toEqual(JSON.parse(JSON.stringify(direct)));

    const again = await sweep({ config, out, workers: 2 });
    expect(again).toMatchObject({ total: 6, skipped: 6, ran: 0 });
  });

  it("a policy module that ends its thread fails its own runs only, the same with 1, 2 or 3 workers", async () => {
    const dir = scratchDir("lib-exit");
    // ends the worker thread at its first fault past page 100: every run of it does
    const quits = join(dir, "quits.mjs");
    writeFileSync(
      quits,
      ["reset", "onUse", "onArrival", "onServed"].map((h) => `export function ${h}() {}`).join("\n") + "\nexport function onFault(ctx, page) { if (page > 100) process.exit(3); }\n",
    );
    const cfg = { base: { workload: "stream", memory: "1MiB", baselines: false }, grid: { policy: ["none", quits, "ampom"], seed: [1, 2] } };
    const files = [];
    for (const workers of [1, 2, 3]) {
      const out = join(dir, `r${workers}.jsonl`);
      // the runs of one workload go to a worker together, as many as the worker count allows
      expect(await sweep({ config: cfg, out, workers })).toMatchObject({ total: 6, ran: 6, failed: 2 });
      const recs = readFileSync(out, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
      for (const r of recs) {
        if (r.options.policy === quits) expect(r.error).toBe(`worker thread died: exited with code 3 (policy module ${quits})`);
        else expect(r.metrics.policy).toBe(r.options.policy);
      }
      files.push(readFileSync(out, "utf8").replace(/"provenance":\{[^}]*\}/g, ""));
    }
    expect(files[1]).toBe(files[0]);
    expect(files[2]).toBe(files[0]);
  });

  it("runs a background load given as a percent as the fraction it is", async () => {
    const dir = scratchDir("lib-percent");
    const out = join(dir, "r.jsonl");
    const base = { workload: "sequential", memory: "1MiB", baselines: false };
    expect(await sweep({ config: { base: { ...base, background: "80%" } }, out, workers: 1 })).toMatchObject({ total: 1, ran: 1, failed: 0 });
    const rec = JSON.parse(readFileSync(out, "utf8"));
    expect(rec.options.background).toBe("80%"); // as the config gives it
    expect(rec.metrics).toEqual(JSON.parse(JSON.stringify(await simulate({ ...base, background: 0.8 }))));
  });

  // before: the callback's "boom" came out as if the sweep itself had failed
  it("labels what an onProgress callback throws as the callback's, and keeps the runs done and no lock", async () => {
    const dir = scratchDir("lib-progress-throws");
    const out = join(dir, "r.jsonl");
    let calls = 0;
    const onProgress = () => {
      // the call after the second run
      if (calls++ === 2) throw new Error("boom");
    };
    const err: Error = await sweep({ config, out, workers: 1, onProgress }).then(() => expect.unreachable(), (e) => e);
    expect(err.message).toBe("sweep: onProgress threw: boom");
    expect((err.cause as Error).message).toBe("boom");
    expect(readdirSync(dir)).toEqual(["r.jsonl"]);
    expect(readFileSync(out, "utf8").trimEnd().split("\n")).toHaveLength(2);
    expect(await sweep({ config, out, workers: 1 })).toMatchObject({ total: 6, skipped: 2, ran: 4 });
  });

  it("stops at its signal's abort: the runs finished are kept, the lock goes, and the same call resumes to the bytes of a sweep never stopped", async () => {
    const dir = scratchDir("lib-abort");
    const whole = join(dir, "whole.jsonl");
    await sweep({ config, out: whole, workers: 1 });
    const out = join(dir, "r.jsonl");
    const stop = new AbortController();
    // aborted once two runs have finished, with runs still to go
    const onProgress = (p: { finished: number }) => {
      if (p.finished === 2) stop.abort(new Error("time limit"));
    };
    const err: Error = await sweep({ config, out, workers: 2, onProgress, signal: stop.signal }).then(() => expect.unreachable(), (e) => e);
    expect(err.name).toBe("AbortError");
    expect(err.message).toMatch(new RegExp(`^sweep: aborted; \\d runs are in ${out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(\\d of them run now\\); the same call resumes$`));
    expect((err.cause as Error).message).toBe("time limit");
    expect(readdirSync(dir).sort()).toEqual(["r.jsonl", "whole.jsonl"]);
    const kept = readFileSync(out, "utf8").trimEnd().split("\n").length;
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(6);
    expect(await sweep({ config, out, workers: 2 })).toMatchObject({ total: 6, skipped: kept, ran: 6 - kept });
    expect(readFileSync(out, "utf8")).toBe(readFileSync(whole, "utf8"));
    // aborted before it starts: nothing made; and a signal must be one
    const none = join(dir, "none.jsonl");
    await expect(sweep({ config, out: none, signal: AbortSignal.abort() })).rejects.toThrow(`sweep: aborted; no run had finished, so ${none} holds none`);
    expect(readdirSync(dir).sort()).toEqual(["r.jsonl", "whole.jsonl"]);
    await expect(sweep({ config, out: none, signal: { aborted: false } as AbortSignal })).rejects.toThrow("option signal: expected an AbortSignal (new AbortController().signal), got an object");
  });

  it("needs a results file, and says so by the option's name", async () => {
    await expect(sweep({ config: { base: { workload: "random", memory: "1MiB" } } } as unknown as Parameters<typeof sweep>[0])).rejects.toThrow(
      "option out: the results file to write (a path) is required, got undefined",
    );
  });

  it("shards in-process merge into the one-process bytes", async () => {
    const dir = scratchDir("lib-shards");
    const whole = join(dir, "whole.jsonl");
    await sweep({ config, out: whole, workers: 1 });
    const parts = [0, 1, 2, 3].map((i) => join(dir, `p${i}.jsonl`));
    for (const [i, p] of parts.entries()) await sweep({ config, out: p, workers: 1, shard: { index: i, count: 4 } });
    expect(mergeSweep(config, parts, join(dir, "merged.jsonl"))).toEqual({ out: join(dir, "merged.jsonl"), runs: 6, failed: 0 });
    expect(readFileSync(join(dir, "merged.jsonl"), "utf8")).toBe(readFileSync(whole, "utf8"));
  });
});

describe("growing a grid", () => {
  it("adding values and a key reuses the finished runs and ends with the bytes of a fresh sweep", async () => {
    const dir = scratchDir("lib-grow");
    const out = join(dir, "grown.jsonl");
    const small = { base: { ...config.base, policy: "none" }, grid: { migrateAt: [0.2, 0.8] } };
    // the small grid's runs are part of the grown one, spelled differently (memory in bytes)
    const grown = { base: { ...config.base, memory: 1048576 }, grid: { policy: ["none", "leap"], migrateAt: [0.2, 0.5, 0.8] } };
    expect(await sweep({ config: small, out, workers: 2 })).toMatchObject({ total: 2, ran: 2 });
    expect(await sweep({ config: grown, out, workers: 2 })).toMatchObject({ total: 6, skipped: 2, ran: 4 });
    const fresh = join(dir, "fresh.jsonl");
    await sweep({ config: grown, out: fresh, workers: 1 });
    expect(readFileSync(out, "utf8")).toBe(readFileSync(fresh, "utf8"));
    await expect(sweep({ config: small, out, workers: 1 })).rejects.toThrow(/grown\.jsonl:\d+: run \w{16} is not part of sweep config/);
  });
});

/** The message planSweep() refuses `config` with (as the file sweep.json). */
function refused(config: unknown): string {
  try {
    planSweep(config, "sweep.json");
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(config)}`);
}

describe("planSweep()", () => {
  it("keys are the hash of the resolved options: equal spellings are one run", () => {
    const a = planSweep({ base: { memory: "64MiB" } }).runs[0];
    const b = planSweep({ base: { memory: 67108864, network: "gige-2008" } }).runs[0];
    expect(a.key).toBe(b.key);
    expect(a.key).toBe(runKey(resolveOptions({})));
    expect(a.key).toMatch(/^[0-9a-f]{16}$/);
    expect(planSweep({ base: { memory: "32MiB" } }).runs[0].key).not.toBe(a.key);
  });

  it("a parameter given at its default is the same run as one left out", () => {
    const key = (base: Record<string, unknown>) => planSweep({ base }).runs[0].key;
    expect(key({ policy: "ampom", policyParams: { zoneRadius: 16 } })).toBe(key({ policy: "ampom" }));
    expect(key({ policy: "ampom", policyParams: { zoneRadius: 8 } })).not.toBe(key({ policy: "ampom" }));
    expect(key({ mechanism: "pre-copy", mechanismParams: { maxRounds: 29 } })).toBe(key({ mechanism: "pre-copy" }));
    expect(() => planSweep({ grid: { policy: ["ampom"], policyParams: [{ zoneRadius: 16 }, {}] } })).toThrow('grid.policyParams[1]: {} gives the same runs as grid.policyParams[0] ({"zoneRadius":16}); list each value once');
  });

  it("names a value listed twice as the field to mend, whatever the other keys", () => {
    // before: 'sweep.json: grid: combinations 0 (seed=1) and 4 (seed=1) are the same run'
    expect(() => planSweep({ grid: { policy: ["none", "ampom"], seed: [1, 2, 1] } }, "sweep.json")).toThrow(
      "sweep.json: grid.seed[2]: 1 gives the same runs as grid.seed[0]; list each value once",
    );
    expect(() => planSweep({ grid: { policy: ["ampom", "leap", "ampom"], seed: [1, 2] } }, "sweep.json")).toThrow(
      'sweep.json: grid.policy[2]: "ampom" gives the same runs as grid.policy[0]; list each value once',
    );
  });

  it("reads a config file that begins with a byte-order mark, and still places a mistake by line and column", () => {
    const dir = scratchDir("bom");
    const file = join(dir, "sweep.json");
    // before: 'sweep.json:1:1: not valid JSON (expected a value)'
    writeFileSync(file, '\uFEFF{"base": {"workload": "random", "memory": "1MiB"}, "grid": {"seed": [1, 2]}}');
    expect(loadSweepConfig(file).runs).toHaveLength(2);
    writeFileSync(file, '\uFEFF{"grid": {"seed": [1,]}}');
    expect(() => loadSweepConfig(file)).toThrow(`${file}:1:22: not valid JSON (expected a value)`);
  });

  it("keys of runs without a policy module are the ones earlier versions wrote", () => {
    // results files written before keys covered module files must still match (the
    // default kernel's key moved once since, with its calibrated time per access, which
    // the key holds: results of the old constant are not this run's)
    expect(planSweep({}).runs[0].key).toBe("658ac3c4259f373b");
    expect(planSweep({ base: { workload: "sequential", memory: "1MiB", policy: "leap", policyParams: { maxWindow: 4 } } }).runs[0].key).toBe("76507278348c456a");
    // options added since keep those keys at their defaults, and make another run when set
    const key = (base: Record<string, unknown>) => planSweep({ base }).runs[0].key;
    expect(key({ faultTrapCpu: 0, firstUseCpu: "0us" })).toBe("658ac3c4259f373b");
    expect(key({ faultTrapCpu: "1us" })).not.toBe("658ac3c4259f373b");
    expect(key({ firstUse: "5us", firstUseCpu: "1us" })).not.toBe(key({ firstUse: "5us" }));
  });

  it("an empty config is one run of the defaults; the grid's values go with the base's, and an option in both is refused", () => {
    expect(planSweep({}).runs).toHaveLength(1);
    const p = planSweep({ base: { seed: 3 }, grid: { policy: ["none", "ampom"] } });
    expect(p.runs.map((r) => [r.options.policy, r.options.seed])).toEqual([["none", 3], ["ampom", 3]]);
    // the grid's value would replace the base's whole: maxWindow would never run, nor be checked
    expect(() => planSweep({ base: { policy: "ampom", policyParams: { maxWindow: 7 } }, grid: { policyParams: [{ zoneRadius: 3 }, { zoneRadius: 4 }] } }, "sweep.json")).toThrow(
      "sweep.json: base.policyParams: also in grid, whose values replace it whole; give policyParams in one place (in each grid value, for parameters held with others that vary)",
    );
  });

  it("names the grid values that clash, as fields of the file, where no one of them fails alone", () => {
    const dir = scratchDir("clash");
    const trace = join(dir, "t.txt");
    writeFileSync(trace, "R 1 1\nR 2 1\nR 3 1\n");
    // before: 'sweep.json: grid combination 3 (mechanism="full-copy", policy="ampom"): ...'
    expect(refused({ base: { workload: "random", memory: "1MiB" }, grid: { mechanism: ["lightweight", "full-copy"], policy: ["none", "ampom"] } })).toMatch(
      /^sweep\.json: grid\.mechanism\[1\] "full-copy" with grid\.policy\[1\] "ampom": mechanism full-copy takes policy none only: /,
    );
    // a generator option with a trace, beside a key that plays no part (policy), not named
    expect(refused({ base: { memory: "1MiB" }, grid: { policy: ["none", "ampom"], workload: ["random", trace], workingSet: [1, 0.5] } })).toBe(
      `sweep.json: grid.workload[1] ${JSON.stringify(trace)} with grid.workingSet[0] 1: options memory, workingSet: apply to generated workloads only; ` +
        `workload ${trace} is a trace, whose records and footprint are its own (leave them out)`,
    );
    // a value valid at one page size, not at another
    expect(refused({ base: { workload: "random" }, grid: { memory: ["1MiB", "64KiB"], pageSize: [4096, 131072] } })).toBe(
      'sweep.json: grid.memory[1] "64KiB" with grid.pageSize[1] 131072: option memory: must be at least one page (131072 bytes), got "64KiB" (65536 bytes)',
    );
  });

  it("says what a refused field takes and what it was given, for every option and the config's own fields", () => {
    expect(refused({ base: { memory: true } })).toBe('sweep.json: base.memory: expected a size such as "64MiB" or a number of bytes, got true');
    expect(refused({ grid: { seed: [1, 1.5] } })).toBe("sweep.json: grid.seed[1]: expected a whole number from 0 to 4294967295, got 1.5");
    expect(refused({ base: { link: "lifo" } })).toBe('sweep.json: base.link: expected "fifo" or "priority", got "lifo"');
    expect(refused({ base: { eagerPages: 64 } })).toBe("sweep.json: base.eagerPages: expected a whole number from 0 to 8, got 64");
    expect(refused({ base: { baselines: "no" } })).toBe('sweep.json: base.baselines: expected true or false, got "no"');
    expect(refused({ grid: { latency: ["50us", {}] } })).toBe('sweep.json: grid.latency[1]: expected a duration such as "50us" or a number of nanoseconds, got an object');
    expect(refused({ base: { policyParams: { zoneRadius: "8" } } })).toBe('sweep.json: base.policyParams.zoneRadius: expected a number, got "8"');
    // a library caller's NaN is named as such, not as JSON's null
    expect(refused({ base: { policyParams: { zoneRadius: NaN } } })).toBe("sweep.json: base.policyParams.zoneRadius: expected a number, got NaN");
    expect(refused({ base: [] })).toBe('sweep.json: base: expected an object of run options, such as {"memory": "64MiB"}, got an empty list');
    expect(refused({ grid: { seed: 3 } })).toBe("sweep.json: grid.seed: expected a list of the option's values, such as [1, 2, 3], got 3");
    // a value of a type no option takes: each says what it takes in words, never zod's
    // "Invalid input" or "Too small: expected number to be >=0"
    for (const name of Object.keys(runOptionsSchema.shape)) {
      const message = refused({ base: { [name]: [] } });
      expect(message).toMatch(new RegExp(`^sweep\\.json: base\\.${name}: (expected|must be) `));
      expect(message).not.toMatch(/Invalid|Too (small|big)|received/);
    }
  });

  it("takes a background load as a percent, as the command line does: \"80%\" is 0.8, with the same range", () => {
    const at80 = planSweep({ base: { background: "80%" } }).runs[0];
    expect(at80.scenario.background).toBe(0.8);
    expect(at80.key).toBe(planSweep({ base: { background: 0.8 } }).runs[0].key);
    expect(() => planSweep({ grid: { background: [0.8, "80%"] } })).toThrow('grid.background[1]: "80%" gives the same runs as grid.background[0] (0.8); list each value once');
    expect(planSweep({ grid: { background: ["0%", "12.5%", "99%"] } }).runs.map((r) => r.scenario.background)).toEqual([0, 0.125, 0.99]);
    const takes = 'expected a fraction of at least 0 and below 1, such as 0.8 or "80%"';
    for (const bad of ["120%", "100%", "-5%", "abc%", "%", "80%%"]) {
      expect(() => planSweep({ grid: { background: [0.5, bad] } }, "sweep.json")).toThrow(`sweep.json: grid.background[1]: ${takes}, got ${JSON.stringify(bad)}`);
    }
    expect(() => planSweep({ base: { background: 1 } }, "sweep.json")).toThrow(`sweep.json: base.background: ${takes}, got 1`);
  });

  it("takes a migration point and a working set as percents too, each with its own range", () => {
    const run = planSweep({ base: { migrateAt: "25%", workingSet: "50%" } }).runs[0];
    expect([run.scenario.migrateAt, run.scenario.workingSet]).toEqual([0.25, 0.5]);
    expect(run.key).toBe(planSweep({ base: { migrateAt: 0.25, workingSet: 0.5 } }).runs[0].key);
    expect(() => planSweep({ grid: { migrateAt: ["50%", 0.5] } })).toThrow('grid.migrateAt[1]: 0.5 gives the same runs as grid.migrateAt[0] ("50%"); list each value once');
    expect(() => planSweep({ grid: { workingSet: [0.25, "25%"] } })).toThrow('grid.workingSet[1]: "25%" gives the same runs as grid.workingSet[0] (0.25); list each value once');
    expect(planSweep({ grid: { workingSet: ["100%", "0.5%"] } }).runs.map((r) => r.scenario.workingSet)).toEqual([1, 0.005]);
    const migrateAt = 'expected a fraction of at least 0 and below 1, such as 0.5 or "50%"';
    // 100% keeps the message of its own check (the process would have finished)
    expect(() => planSweep({ grid: { migrateAt: [0.5, "100%"] } }, "sweep.json")).toThrow(
      'sweep.json: grid.migrateAt[1]: must be below 1 (at 1 the process has finished, and nothing would migrate), got "100%"',
    );
    for (const bad of ["-5%", "abc%", "50"]) {
      const message = bad === "50" ? "must be below 1 (at 1 the process has finished, and nothing would migrate)" : migrateAt;
      expect(() => planSweep({ grid: { migrateAt: [0.5, bad] } }, "sweep.json")).toThrow(`sweep.json: grid.migrateAt[1]: ${message}, got ${JSON.stringify(bad)}`);
    }
    const workingSet = 'expected a fraction above 0 and at most 1, such as 0.25 or "25%"';
    for (const bad of ["0%", "101%", "%", true]) {
      expect(() => planSweep({ grid: { workingSet: [1, bad] } }, "sweep.json")).toThrow(`sweep.json: grid.workingSet[1]: ${workingSet}, got ${JSON.stringify(bad)}`);
    }
  });

  // the refused value was part of the error's detail (", got 1.5"), which a caller naming
  // the value its own way (evaluate(), by the point as given) had to cut off; and the
  // flags taken out of the detail were taken out of the value too ("50% (--x)" was shown
  // as "50%")
  it("keeps a refused value apart from the wording of what is wrong, and shows it whole", () => {
    const below1 = "must be below 1 (at 1 the process has finished, and nothing would migrate)";
    const fraction = 'expected a fraction of at least 0 and below 1, such as 0.5 or "50%"';
    const refusal = (value: unknown) => {
      try {
        planSweep({ base: { workload: "sequential" }, grid: { migrateAt: [0.5, value] } }, "sweep.json");
      } catch (err) {
        return err as SweepConfigError;
      }
      throw new Error("not refused");
    };
    for (const [value, detail] of [[1.5, below1], ["100%", below1], ["50% (--x)", fraction], [null, fraction]] as const) {
      const err = refusal(value);
      expect(err).toBeInstanceOf(SweepConfigError);
      expect([err.where, err.detail, err.value]).toEqual(["grid.migrateAt[1]", detail, value]);
      expect(err.message).toBe(`sweep.json: grid.migrateAt[1]: ${detail}, got ${JSON.stringify(value)}`);
    }
    // a message that names no value has none apart
    const unknown = (() => {
      try {
        planSweep({ grid: { migrate: [1] } }, "sweep.json");
      } catch (err) {
        return err as SweepConfigError;
      }
    })();
    expect([unknown?.where, unknown?.value]).toEqual(["grid.migrate", undefined]);
  });

  it("refuses a policy module object, which worker threads cannot receive, naming where it is", () => {
    const module = { name: "mine", reset() {}, onFault() {}, onUse() {}, onArrival() {}, onServed() {} };
    const why = "must be a built-in policy's name or a policy module file's path (a module object cannot go to a sweep's worker threads)";
    expect(() => planSweep({ base: { policy: module } })).toThrow(`sweep config: base.policy: ${why}`);
    expect(() => planSweep({ grid: { policy: ["none", module] } })).toThrow(`sweep config: grid.policy[1]: ${why}`);
  });
});

describe("a sweep of a policy module", () => {
  it("runs again what an edited module changes, and skips it while the module stays as it is", async () => {
    const dir = scratchDir("lib-module");
    const mod = join(dir, "ahead.mjs");
    const out = join(dir, "r.jsonl");
    const cfg = { base: { workload: "sequential", memory: "1MiB", baselines: false }, grid: { policy: ["none", mod] } };
    writeFileSync(mod, aheadPolicy(0));
    expect(await sweep({ config: cfg, out, workers: 1 })).toMatchObject({ total: 2, ran: 2, moduleEdited: 0 });
    const before = readFileSync(out, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));

    writeFileSync(mod, aheadPolicy(8));
    expect(await sweep({ config: cfg, out, workers: 1 })).toMatchObject({ total: 2, skipped: 1, ran: 1, moduleEdited: 1 });
    const after = readFileSync(out, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(after).toHaveLength(2); // the old module's result is gone
    expect(after[0]).toEqual(before[0]); // the built-in policy's run is kept as it was
    expect(after[1].key).not.toBe(before[1].key);
    const direct = await simulate({ ...cfg.base, policy: mod });
    expect(after[1].metrics).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(after[1].metrics.remoteFaults).toBeLessThan(before[1].metrics.remoteFaults);

    expect(await sweep({ config: cfg, out, workers: 1 })).toMatchObject({ total: 2, skipped: 2, ran: 0 });
  });
});

describe("a results file keyed by an earlier version", () => {
  it("keeps a run whose options give this version's key of a planned run, with the config's spelling", async () => {
    const dir = scratchDir("lib-rekey");
    const out = join(dir, "r.jsonl");
    const cfg = { base: { workload: "sequential", memory: "1MiB", baselines: false, policy: "ampom" }, grid: { migrateAt: [0.2, 0.8] } };
    await sweep({ config: cfg, out, workers: 1 });
    const fresh = readFileSync(out, "utf8");
    // as a version that kept a parameter given at its default in the key wrote it
    const old = fresh.trimEnd().split("\n").map((l) => JSON.parse(l));
    old[1] = { ...old[1], key: "0123456789abcdef", options: { ...old[1].options, policyParams: { zoneRadius: 16 } } };
    writeFileSync(out, old.map((r) => JSON.stringify(r)).join("\n") + "\n");
    expect(await sweep({ config: cfg, out, workers: 1 })).toMatchObject({ total: 2, skipped: 2, ran: 0 });
    expect(readFileSync(out, "utf8")).toBe(fresh);
  });
});

describe("a module edited while its sweep runs", () => {
  it("fails the runs planned with the old contents instead of filing the new module's results under their keys", async () => {
    const dir = scratchDir("lib-module-mid");
    const mod = join(dir, "ahead.mjs");
    writeFileSync(mod, aheadPolicy(0));
    const plan = planSweep({ base: { workload: "sequential", memory: "1MiB", baselines: false, policy: mod }, grid: { migrateAt: [0.2, 0.8] } });
    const [first, second] = plan.runs.map(({ index, key, options }) => ({ index, key, options }));
    const results: PoolResult[] = [];
    await runPool([first], 1, (r) => results.push(r));
    expect(results[0].error).toBeUndefined();
    writeFileSync(mod, aheadPolicy(8)); // the sweep's runs were planned with the first contents
    await runPool([second], 1, (r) => results.push(r));
    expect(results[1].metrics).toBeUndefined();
    expect(results[1].error).toBe(`${mod} changed after the sweep was planned (the run's key names the contents it was planned with); run the sweep again for the new contents`);
  });
});

describe("a sweep of a trace file", () => {
  it("runs again when the trace is captured again (same path, new contents), and skips it while it stays", async () => {
    const dir = scratchDir("lib-trace");
    const trace = join(dir, "t.amt.gz");
    const out = join(dir, "r.jsonl");
    const cfg = { base: { workload: trace, baselines: false }, grid: { policy: ["none", "ampom"] } };
    copyFileSync("corpus/traces/grep.amt.gz", trace);
    expect(await sweep({ config: cfg, out, workers: 1 })).toMatchObject({ total: 2, ran: 2, moduleEdited: 0 });
    const before = readFileSync(out, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));

    copyFileSync("corpus/traces/zstd.amt.gz", trace);
    expect(await sweep({ config: cfg, out, workers: 1 })).toMatchObject({ total: 2, skipped: 0, ran: 2, moduleEdited: 2 });
    const after = readFileSync(out, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(after).toHaveLength(2); // the old trace's results are gone
    expect(after.map((r) => r.key)).not.toEqual(before.map((r) => r.key));
    const direct = await simulate({ ...cfg.base, policy: "none" });
    expect(after[0].metrics).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(after[0].metrics.records).not.toBe(before[0].metrics.records);

    expect(await sweep({ config: cfg, out, workers: 1 })).toMatchObject({ total: 2, skipped: 2, ran: 0 });
  });
});
