// The committed real trace (test/fixtures/sort-lackey.amt, `sort -n` of 300 numbers
// captured by scripts/capture-trace.sh) drives the simulator.
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/sim/simulate.js";
import { policies } from "../../src/policies/registry.js";
import { openAmt } from "../../src/trace/amt.js";

const FIXTURE = "test/fixtures/sort-lackey.amt";

describe("the captured fixture", () => {
  const h = openAmt(FIXTURE).header;

  it("holds the capture's records, pages and accesses", () => {
    expect([h.records, h.pages, h.accesses]).toEqual([538810, 210, 991833]);
    expect(h.regions.map((r) => r.kind)).toEqual(["code", "code", "code", "data", "stack"]);
  });

  it("runs under full-copy: every page copied in the freeze, no remote faults", async () => {
    const m = await simulate({ workload: FIXTURE, mechanism: "full-copy", policy: "none", baselines: false });
    expect([m.records, m.pages, m.accesses]).toEqual([h.records, h.pageCount, h.accesses]);
    expect(m.remoteFaults).toBe(0);
    expect(m.freezeNs).toBeGreaterThan(0);
  });

  it("runs under lightweight: a short freeze, then remote faults on the pages used after migration", async () => {
    const full = await simulate({ workload: FIXTURE, mechanism: "full-copy", policy: "none", baselines: false });
    const m = await simulate({ workload: FIXTURE, mechanism: "lightweight", policy: "none", baselines: false });
    expect(m.records).toBe(h.records);
    expect(m.accesses).toBe(h.accesses);
    expect(m.remoteFaults).toBeGreaterThan(0);
    expect(m.remoteFaults).toBeLessThanOrEqual(h.pages);
    expect(m.freezeNs).toBeLessThan(full.freezeNs / 10);
  });

  it.each(Object.keys(policies))("runs with the %s policy", async (policy) => {
    const m = await simulate({ workload: FIXTURE, mechanism: "lightweight", policy, baselines: false });
    expect(m.records).toBe(h.records);
    expect(m.runtimeNs).toBeGreaterThan(0);
  });
});
