// The WebAssembly core and the TypeScript reference must agree exactly: every metric
// of every run, on random traces, regions, link settings, mechanisms, policies and local
// fault costs (a first use of a prefetched page free or not), and on every built-in
// workload.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REC_CODE, REC_WRITE } from "../../src/core/abi.js";
import { mechanisms } from "../../src/migration/registry.js";
import { policies } from "../../src/policies/registry.js";
import { optionsAccepted, resolveOptions, type RunOptions } from "../../src/sim/options.js";
import { runScenario, simulate } from "../../src/sim/simulate.js";
import { simulateCluster, type ClusterResult } from "../../src/sim/cluster-scenario.js";
import { workloads } from "../../src/workloads/registry.js";
import { arrayWorkload, bothCores, type TraceRecord } from "./helpers.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { openAmt, writeWorkloadAmt } from "../../src/trace/amt.js";
import { reencodeAmt } from "../../src/trace/import.js";
import type { Workload } from "../../src/workloads/types.js";

const dir = mkdtempSync(join(tmpdir(), "ampom-differential-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `w`'s records written as an amt v2 file in blocks of `blockRecords`, opened. */
function asAmtV2(w: Workload, blockRecords: number, file: string): Workload {
  writeWorkloadAmt(w, file, { blockRecords });
  return openAmt(file);
}

/** Runs one scenario on both cores; returns the two metric objects minus the core label. */
const traceArb = fc
  .array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 })
  .chain((regionPages) => {
    const pageCount = regionPages.reduce((a, b) => a + b, 0);
    // mostly local runs of pages with jumps, like a real process
    const record = fc.record({
      jump: fc.boolean(),
      page: fc.integer({ min: 0, max: pageCount - 1 }),
      step: fc.integer({ min: -3, max: 3 }),
      gap: fc.integer({ min: 0, max: 5000 }),
      flags: fc.constantFrom(0, REC_WRITE, REC_CODE),
    });
    return fc.tuple(fc.constant(regionPages), fc.array(record, { minLength: 1, maxLength: 300 })).map(([rp, raw]) => {
      let page = 0;
      const records: TraceRecord[] = raw.map((r) => {
        page = r.jump ? r.page : Math.min(pageCount - 1, Math.max(0, page + r.step));
        return { page, gap: r.gap, flags: r.flags };
      });
      return { regionPages: rp, records };
    });
  });

const optionsArb = fc.record({
  mechanism: fc.constantFrom(...Object.keys(mechanisms)),
  policy: fc.constantFrom(...Object.keys(policies)),
  bandwidth: fc.constantFrom("100Mbps", "1Gbps", "10Gbps", "100Gbps"),
  latency: fc.constantFrom("0us", "1us", "25us", "200us"),
  background: fc.constantFrom(0, 0.3, 0.8),
  link: fc.constantFrom("fifo", "priority"),
  scanInterval: fc.constantFrom("1us", "50us", "10ms"),
  migrateAt: fc.double({ min: 0, max: 1, noNaN: true }),
  cpuNsPerAccess: fc.constantFrom(0.3, 1, 2.5),
  eagerPages: fc.integer({ min: 0, max: 8 }),
  historyLength: fc.integer({ min: 1, max: 64 }),
  chunkRecords: fc.integer({ min: 1, max: 64 }),
  network: fc.constantFrom("gige-2008", "rdma-100g"),
  // a prefetched page's first use: free (the presets) or a local fault's cost
  firstUse: fc.constantFrom(undefined, "1us", "30us"),
  // the parts of the trap and of a first use on the process's CPU clock (ampom's
  // execution time): none (the presets) or some (a first use's share needs a first use)
  faultTrapCpu: fc.constantFrom(undefined, "400ns", "1us"),
  firstUseCpu: fc.constantFrom(undefined, "700ns"),
});

describe("differential: WebAssembly core vs TypeScript reference", () => {
  it("agree on every metric for random traces, regions, links, mechanisms and policies", async () => {
    await fc.assert(
      fc.asyncProperty(traceArb, optionsArb, async ({ regionPages, records }, options) => {
        fc.pre(optionsAccepted(options));
        const r = await bothCores({ ...options, baselines: false }, regionPages, records);
        expect(r.wasm).toEqual(r.reference);
      }),
      { numRuns: 2000, seed: 20081 },
    );
  });

  it("agree, decoding amt v2 blocks inside the core, with each other and with the records handed over by fill()", async () => {
    await fc.assert(
      fc.asyncProperty(traceArb, optionsArb, fc.integer({ min: 1, max: 100 }), async ({ regionPages, records }, options, blockRecords) => {
        fc.pre(optionsAccepted(options));
        const w = arrayWorkload(regionPages, records);
        const file = asAmtV2(w, blockRecords, join(dir, "random.amt"));
        const run = async (core: "wasm" | "reference", workload: Workload) => {
          const { core: _, workload: __, ...m } = await runScenario(resolveOptions({ ...options, baselines: false, core }), workload);
          return m;
        };
        const plain = await run("wasm", w);
        expect(await run("wasm", file)).toEqual(plain);
        expect(await run("reference", file)).toEqual(plain);
      }),
      { numRuns: 300, seed: 20141 },
    );
  });

  it("agree on the committed real trace under every mechanism and policy, as amt v1 and re-encoded as v2", async () => {
    const v1 = "test/fixtures/sort-lackey.amt";
    const v2 = join(dir, "sort-lackey.v2.amt");
    reencodeAmt(v1, v2);
    expect(openAmt(v2).header.version).toBe(2);
    let pairs = 0;
    for (const mechanism of Object.keys(mechanisms)) {
      for (const policy of Object.keys(policies)) {
        const opts: RunOptions = { workload: v1, mechanism, policy, baselines: false };
        if (!optionsAccepted(opts)) continue;
        const a = await simulate({ ...opts, core: "wasm" });
        const b = await simulate({ ...opts, core: "reference" });
        expect({ ...a, core: "-" }, `${mechanism} ${policy}`).toEqual({ ...b, core: "-" });
        expect(a.records).toBe(538_810);
        for (const core of ["wasm", "reference"] as const) {
          const c = await simulate({ ...opts, workload: v2, core });
          expect({ ...c, core: "-", workload: v1 }, `${mechanism} ${policy} v2 ${core}`).toEqual({ ...a, core: "-" });
        }
        pairs++;
      }
    }
    expect(pairs).toBeGreaterThanOrEqual(Object.keys(policies).length * 2);
  });

  it("agree on every built-in workload under every mechanism and policy, on both link disciplines, with first uses free and not, and faults on the execution clock or not", async () => {
    for (const workload of Object.keys(workloads)) {
      for (const mechanism of Object.keys(mechanisms)) {
        for (const policy of Object.keys(policies)) {
          const link = (workload.length + policy.length) % 2 ? "priority" : "fifo";
          const firstUse = workload.length % 2 ? "20us" : undefined;
          const onClock = (workload.length + mechanism.length) % 2 ? { faultTrapCpu: "1us", ...(firstUse && { firstUseCpu: "12us" }) } : {};
          const opts: RunOptions = { workload, mechanism, policy, link, firstUse, ...onClock, memory: "2MiB", baselines: false };
          if (!optionsAccepted(opts)) continue;
          const a = await simulate({ ...opts, core: "wasm" });
          const b = await simulate({ ...opts, core: "reference" });
          expect({ ...a, core: "-" }, `${workload} ${mechanism} ${policy}`).toEqual({ ...b, core: "-" });
          expect(a.records).toBeGreaterThan(0);
        }
      }
    }
  });
});

/** A cluster's result without the core label of each process, the one figure the two
 * cores may differ in. */
function withoutCore(r: ClusterResult) {
  return { ...r, processes: r.processes.map(({ core: _core, ...m }) => m) };
}

describe("differential: both cores in a cluster, where arrivals are fixed at the switch", () => {
  // three migrants from three nodes into one, beside an overloaded flow into it: pages
  // wait on their home nodes' uplinks, and their arrivals are fixed only when they reach
  // the switch (pushed, eager, prefetched and fault pages alike)
  const scenario = (mechanism: string, policy: string, link: "fifo" | "priority", core: "wasm" | "reference") => ({
    core,
    link,
    nodes: [{ name: "a" }, { name: "b" }, { name: "c" }, { name: "d", cpus: 3 }],
    processes: ["a", "b", "c"].map((node, i) => ({
      name: node,
      node,
      workload: i === 1 ? "sequential" : "random",
      memory: "1MiB",
      seed: i + 1,
      cpuNsPerAccess: 20,
      mechanism,
      policy,
    })),
    triggers: ["a", "b", "c"].map((node, i) => ({ kind: "fraction" as const, process: node, to: "d", at: 0.3 + 0.1 * i })),
    flows: [{ name: "over", from: "a", to: "d", start: "0", rate: "1.5Gbps", duration: "3ms" }],
  });
  for (const link of ["fifo", "priority"] as const) {
    it(`agree on every metric under every mechanism and the policies it takes (${link})`, async () => {
      for (const mechanism of Object.keys(mechanisms)) {
        for (const policy of ["none", "ampom", "ampom-plus", "bubbling", "oracle"]) {
          const label = `${mechanism} / ${policy}`;
          let wasm;
          try {
            wasm = await simulateCluster(scenario(mechanism, policy, link, "wasm"));
          } catch (err) {
            // a push policy that the mechanism does not take is refused on both cores alike
            await expect(simulateCluster(scenario(mechanism, policy, link, "reference")), label).rejects.toThrow((err as Error).message);
            continue;
          }
          const ref = await simulateCluster(scenario(mechanism, policy, link, "reference"));
          expect(withoutCore(ref), label).toEqual(withoutCore(wasm));
        }
      }
    });
  }
});

describe("differential: both cores on random clusters", () => {
  // nodes with their own links and background, migrants with any mechanism and a policy
  // it takes, at any point (0 too: before any page exists), flows beside them; random
  // scenarios like these found a pre-copy decided at 0 resuming in the past
  const scenarioArb = fc
    .record({
      nodes: fc.array(fc.record({ cpus: fc.integer({ min: 1, max: 2 }), background: fc.constantFrom(0, 0.3, 0.8), bandwidth: fc.constantFrom("100Mbps", "1Gbps", "10Gbps") }), { minLength: 3, maxLength: 5 }),
      link: fc.constantFrom("fifo" as const, "priority" as const),
      processes: fc.array(
        fc.record({
          node: fc.nat(),
          to: fc.nat(),
          workload: fc.constantFrom("random", "sequential", "stream"),
          memory: fc.constantFrom("512KiB", "1MiB"),
          cpuNsPerAccess: fc.constantFrom(5, 20, 50),
          mechanism: fc.constantFrom("lightweight", "post-copy", "full-copy", "pre-copy"),
          policy: fc.constantFrom("none", "ampom", "ampom-plus", "bubbling", "oracle", "leap"),
          at: fc.constantFrom(0, 0.2, 0.5, 0.9),
        }),
        { minLength: 2, maxLength: 4 },
      ),
      flow: fc.option(fc.record({ from: fc.nat(), to: fc.nat(), rate: fc.constantFrom("300Mbps", "2Gbps") })),
    })
    .map(({ nodes, link, processes, flow }) => {
      const n = nodes.length;
      const name = (i: number) => `n${i % n}`;
      return {
        link,
        nodes: nodes.map((node, i) => ({ name: name(i), ...node })),
        processes: processes.map((p, i) => ({
          name: `p${i}`,
          node: name(p.node),
          workload: p.workload,
          memory: p.memory,
          seed: i + 1,
          cpuNsPerAccess: p.cpuNsPerAccess,
          mechanism: p.mechanism,
          // full copy and pre-copy take no policy
          policy: p.mechanism === "full-copy" || p.mechanism === "pre-copy" ? "none" : p.policy,
        })),
        triggers: processes.map((p, i) => ({ kind: "fraction" as const, process: `p${i}`, to: name(p.node + 1 + (p.to % (n - 1))), at: p.at })),
        flows: flow && flow.from % n !== flow.to % n ? [{ name: "f", from: name(flow.from), to: name(flow.to), start: "0", rate: flow.rate, duration: "3ms" }] : [],
      };
    });

  it("run without fault and agree on every figure", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (sc) => {
        const wasm = await simulateCluster({ ...sc, core: "wasm" });
        const ref = await simulateCluster({ ...sc, core: "reference" });
        expect(withoutCore(ref)).toEqual(withoutCore(wasm));
      }),
      { numRuns: 200, seed: 20261207 },
    );
  });
});
