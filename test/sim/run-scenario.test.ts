// runScenario() on a workload other than the scenario's own: a caller's Workload may
// stand in for it (docs/library.md), and the metrics say which ran.
import { describe, expect, it } from "vitest";
import { resolveOptions } from "../../src/sim/options.js";
import { runScenario, scenarioWorkload } from "../../src/sim/simulate.js";

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
});
