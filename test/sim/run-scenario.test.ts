// runScenario() on a workload other than the scenario's own: a caller's Workload may
// stand in for it (docs/library.md), and the metrics say which ran.
import { describe, expect, it } from "vitest";
import { resolveOptions } from "../../src/sim/options.js";
import { runScenario, runScenarios, scenarioWorkload } from "../../src/sim/simulate.js";

describe("runScenario", () => {
  it("names the workload that ran, with its footprint, not the scenario's", async () => {
    const s = resolveOptions({ workload: "hpl", memory: "1MiB", baselines: false });
    const random = await scenarioWorkload(resolveOptions({ workload: "random", memory: "1MiB" }));
    // it said "hpl", 1 MiB, with random's 264 pages and 512 records
    expect(await runScenario(s, random)).toMatchObject({
      workload: "random",
      memoryBytes: random.pageCount * random.pageSize,
      pages: random.pageCount,
      records: random.records,
    });
    // the scenario's own workload: its name and memory, as before
    const hpl = await scenarioWorkload(s);
    expect(await runScenario(s, hpl)).toMatchObject({ workload: "hpl", memoryBytes: 1 << 20, pages: hpl.pageCount, records: hpl.records });
  });

  // it ran, each 4 KiB page moved and timed as a 64 KiB one (10.6 MB moved for a 1 MiB
  // workload, 0.69 MB at its own size), where simulate() refuses a trace whose pages
  // are not the run's
  it("refuses a workload whose page size is not the scenario's, as simulate() refuses a trace's", async () => {
    const s4k = resolveOptions({ workload: "random", memory: "1MiB", baselines: false });
    const s64k = resolveOptions({ workload: "random", memory: "1MiB", pageSize: "64KiB", baselines: false });
    const w4k = await scenarioWorkload(s4k);
    await expect(runScenario(s64k, w4k)).rejects.toThrow("workload random: has 4096-byte pages but the run uses 65536 (set pageSize (--page-size) to 4096)");
    // before any of them runs
    await expect(runScenarios(w4k, [{ scenario: s4k }, { scenario: s64k }])).rejects.toThrow("but the run uses 65536");
    await expect(runScenario(s64k, await scenarioWorkload(s64k))).resolves.toMatchObject({ pages: 24 });
  });
});
