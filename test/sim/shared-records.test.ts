// One record stream for many scenarios (shared-records.ts): the scenarios of one
// workload read and decode (or generate) it once, run side by side, and get exactly the
// metrics each gets alone, on both cores, from generated workloads, amt v1 and v2
// traces, with a user's policy module, and whatever their chunk sizes and migration
// points.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { compare } from "../../src/sim/compare.js";
import { resolveOptions, type RunOptions } from "../../src/sim/options.js";
import { recordSharing, runScenario, runScenarios, scenarioWorkload, simulate, simulateMany } from "../../src/sim/simulate.js";
import { reproduce } from "../../src/report/reproduce.js";
import { writeWorkloadAmt } from "../../src/trace/amt.js";
import type { Workload } from "../../src/workloads/types.js";
import { ProcessRun } from "../../src/sim/process.js";

const dir = mkdtempSync(join(tmpdir(), "ampom-shared-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lackeyV1 = fileURLToPath(new URL("../fixtures/sort-lackey.amt", import.meta.url));
const swapPolicy = fileURLToPath(new URL("../../examples/swap-readahead-policy.ts", import.meta.url));

/** `w`'s records as amt v2 in blocks of `blockRecords` (many blocks, a short last one). */
function writeV2(w: Workload, blockRecords: number): string {
  const file = join(dir, `${w.name}-${blockRecords}.amt`);
  writeWorkloadAmt(w, file, { blockRecords, version: 2 });
  return file;
}

/** `work` with record sharing on and off: both results. */
async function bothWays<T>(work: () => Promise<T>): Promise<[shared: T, alone: T]> {
  recordSharing.on = true;
  const shared = await work();
  recordSharing.on = false;
  try {
    return [shared, await work()];
  } finally {
    recordSharing.on = true;
  }
}

describe("shared record streams give the metrics of each scenario alone", () => {
  const cases: Array<[string, () => Promise<RunOptions>]> = [
    ["hpl (generated)", async () => ({ workload: "hpl", memory: "2MiB" })],
    ["fft, priority link, busy, small chunks", async () => ({ workload: "fft", memory: "2MiB", link: "priority", background: 0.5, chunkRecords: 1000, migrateAt: 0.3 })],
    ["sort-lackey.amt (amt v1)", async () => ({ workload: lackeyV1 })],
    [
      "randomaccess as amt v2, 7000-record blocks, pieces of 999",
      async () => {
        const s = resolveOptions({ workload: "randomaccess", memory: "512KiB", baselines: false });
        return { workload: writeV2(await scenarioWorkload(s), 7000), chunkRecords: 999, migrateAt: 0.61 };
      },
    ],
    ["stream, time trigger", async () => ({ workload: "stream", memory: "2MiB", migrateAtTime: "3ms" })],
    // slow enough for pre-copy's rounds to meet pages written since they were sent
    ["stream, slow CPU", async () => ({ workload: "stream", memory: "2MiB", cpuNsPerAccess: 50 })],
  ];
  for (const core of ["wasm", "reference"] as const) {
    it.each(cases)(`compare() on ${core}: %s`, async (_, options) => {
      // the reference core is slow: its comparisons leave out a few policies
      const o = { ...(await options()), core, ...(core === "reference" ? { policies: ["none", "ampom", "bubbling", "oracle", "ampom-plus"] } : {}) };
      const [shared, alone] = await bothWays(() => compare(o));
      expect(shared.length).toBeGreaterThan(core === "reference" ? 8 : 14);
      expect(JSON.stringify(shared)).toBe(JSON.stringify(alone));
    });
  }

  it("a run's own chunk size and migration point, and a user's policy module, side by side", async () => {
    const base = resolveOptions({ workload: "dgemm", memory: "2MiB", baselines: false });
    const w = await scenarioWorkload(base);
    const scenarios = [
      base,
      { ...base, chunkRecords: 4097, migrateAt: 0.2, policy: "ampom" },
      { ...base, chunkRecords: 100, mechanism: "post-copy", policy: "leap" },
      resolveOptions({ workload: "dgemm", memory: "2MiB", policy: swapPolicy, migrateAt: 0.8, baselines: false }),
      { ...base, core: "reference" as const, policy: "oracle", migrateAt: 0.9 },
    ];
    const together = await runScenarios(w, scenarios.map((scenario) => ({ scenario })));
    const alone = [];
    for (const s of scenarios) alone.push(await runScenario(s, w));
    expect(together).toEqual(alone);
  });

  it("reproduce() gives the same results", async () => {
    const o = { memory: "1MiB", kernels: ["stream", "fft"] };
    const [shared, alone] = await bothWays(() => reproduce(o));
    expect(JSON.stringify(shared)).toBe(JSON.stringify(alone));
  });

  it("simulateMany() gives what simulate() gives for each, an error in its place", async () => {
    const list: RunOptions[] = [
      { workload: "ptrans", memory: "2MiB", policy: "ampom" },
      { workload: "ptrans", memory: "2MiB", policy: "leap", migrateAt: 0.3 },
      { workload: "ptrans", memory: "2MiB", policy: "clairvoyant" },
      { workload: "beff", memory: "2MiB", mechanism: "pre-copy", policy: "none", baselines: false },
      { workload: "ptrans", memory: "2MiB", policy: "none", pushOrder: "forward", mechanism: "post-copy" },
    ];
    const many = await simulateMany(list);
    for (const [i, o] of list.entries()) {
      if (i === 2) {
        expect(many[i]).toBeInstanceOf(Error);
        await expect(simulate(o)).rejects.toThrow((many[i] as Error).message);
      } else {
        expect(many[i]).toEqual(await simulate(o));
      }
    }
  });
});

describe("one home phase for many scenarios", () => {
  it("scenarios that differ only after the migration decision replay the home phase once, with the metrics of each alone", async () => {
    const adopt = vi.spyOn(ProcessRun.prototype, "adoptHomePhase");
    try {
      for (const core of ["wasm", "reference"] as const) {
        const s = resolveOptions({ workload: "dgemm", memory: "2MiB", core, policy: "ampom", baselines: false, migrateAt: 0.4 });
        const w = await scenarioWorkload(s);
        // every mechanism and a pull and a push policy, a user's module, another network;
        // then two that differ before the decision: another migration point, another CPU
        const same = [
          s,
          { ...s, policy: "none" },
          { ...s, policy: "oracle" },
          { ...s, policy: "ampom-plus" },
          { ...s, mechanism: "full-copy", policy: "none" },
          { ...s, mechanism: "pre-copy", policy: "none" },
          { ...s, mechanism: "post-copy", policy: "leap", link: "priority" as const },
          resolveOptions({ workload: "dgemm", memory: "2MiB", core, policy: swapPolicy, network: "rdma-100g", migrateAt: 0.4, baselines: false }),
        ];
        const other = [{ ...s, migrateAt: 0.7 }, { ...s, cpuNsPerAccess: s.cpuNsPerAccess * 2 }];
        const scenarios = [...same, ...other];
        adopt.mockClear();
        const together = await runScenarios(w, scenarios.map((scenario) => ({ scenario })));
        expect(adopt).toHaveBeenCalledTimes(same.length - 1);
        const alone = [];
        for (const x of scenarios) alone.push(await runScenario(x, w));
        expect(JSON.stringify(together)).toBe(JSON.stringify(alone));
      }
    } finally {
      adopt.mockRestore();
    }
  });
});

describe("one read for many scenarios", () => {
  it("opens the workload once and makes each record once for all the scenarios", async () => {
    const s = resolveOptions({ workload: "hpl", memory: "2MiB", baselines: false });
    const inner = await scenarioWorkload(s);
    let opened = 0;
    let made = 0;
    const counting: Workload = {
      ...inner,
      open() {
        opened++;
        const stream = inner.open();
        return {
          fill(p, g, f, max) {
            const n = stream.fill(p, g, f, max);
            made += n;
            return n;
          },
        };
      },
    };
    const policies = ["none", "ampom", "leap", "linux-vma", "linux-cluster", "ampom-plus"];
    const m = await runScenarios(counting, policies.map((policy) => ({ scenario: { ...s, policy } })));
    expect(m.map((x) => x.records)).toEqual(policies.map(() => inner.records));
    expect(opened).toBe(1);
    expect(made).toBe(inner.records);
  });
});
