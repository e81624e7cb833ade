// The targets on the HPCC kernels (256 MiB, gige-2008, migration at mid-run):
// ampom-plus is never slower than ampom, leap, linux-cluster or linux-vma and closes at
// least 90% of the runtime gap between demand paging and the oracle on average; ampom
// asks for more pages per fault when the network is busy. And ampom-plus does not sink a
// workload it cannot help.
import { describe, expect, it } from "vitest";
import { resolveOptions } from "../../src/sim/options.js";
import { runScenario, simulate } from "../../src/sim/simulate.js";
import { MIN_ORACLE_GAP } from "../../src/sim/compare.js";
import { arrayWorkload } from "../core/helpers.js";

const kernels = ["stream", "randomaccess", "ptrans", "dgemm", "hpl", "fft", "beff"];
const runtime = async (workload: string, policy: string) =>
  (await simulate({ workload, policy, memory: "256MiB", baselines: false })).runtimeNs;

describe("ampom-plus on the HPCC kernels at 256 MiB", () => {
  const closed: number[] = [];
  it.each(kernels)("%s: no peer is faster, and it closes most of the gap to the oracle", async (w) => {
    const plus = await runtime(w, "ampom-plus");
    for (const peer of ["ampom", "leap", "linux-cluster", "linux-vma"]) {
      expect(plus, `${w}: ampom-plus vs ${peer}`).toBeLessThanOrEqual(await runtime(w, peer));
    }
    const demand = await runtime(w, "none");
    const oracle = await runtime(w, "oracle");
    expect(oracle).toBeLessThan(demand);
    // a gap under MIN_ORACLE_GAP of demand's runtime has no meaningful share (the metric
    // leaves it out too): b_eff's few faults
    if (demand - oracle >= MIN_ORACLE_GAP * demand) closed.push((demand - plus) / (demand - oracle));
  });
  it("closes at least 90% of the gap between demand paging and the oracle on average", () => {
    expect(closed.length).toBeGreaterThanOrEqual(kernels.length - 1);
    expect(closed.reduce((a, b) => a + b, 0) / closed.length).toBeGreaterThanOrEqual(0.9);
  });
});

describe("ampom and network load", () => {
  it("asks for more pages per fault when the link is busy (dgemm, background 0.8)", async () => {
    const run = (background: number) => simulate({ workload: "dgemm", policy: "ampom", memory: "256MiB", background, baselines: false });
    const quiet = await run(0);
    const busy = await run(0.8);
    expect(busy.prefetchPerFault).toBeGreaterThan(quiet.prefetchPerFault);
    expect(busy.prefetchedPages / busy.remoteFaults).toBeGreaterThan(quiet.prefetchedPages / quiet.remoteFaults);
  });
});

describe("ampom-plus where prefetching cannot pay", () => {
  it("stays within 10% of demand paging on a one-off sparse random scan of a region", async () => {
    const pages = 16384;
    const records = Array.from({ length: pages }, (_, p) => ({ page: p, gap: 64 }));
    let x = 7;
    for (let i = 0; i < 2000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      records.push({ page: x % pages, gap: 1000 });
    }
    const w = arrayWorkload([pages], records);
    const run = async (policy: string) =>
      (await runScenario(resolveOptions({ policy, migrateAt: pages / records.length, baselines: false }), w)).runtimeNs;
    expect(await run("ampom-plus")).toBeLessThanOrEqual(1.1 * (await run("none")));
  });
});
