// A process's CPU time is its accesses times the time per access, to the nanosecond,
// however short its records: the cores round the running total of work, not each
// record. Rounded record by record, a trace of one- and two-access records at 0.5 ns an
// access ran 42% more work than that, and at 0.49 ns 41% less.
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/sim/simulate.js";
import { withoutCore } from "../core/without-core.js";

const TRACE = "test/fixtures/sort-lackey.amt";

describe("CPU time of a run", () => {
  for (const core of ["wasm", "reference"] as const) {
    it(`is accesses x the time per access within 1 ns, at fractional times per access (${core} core)`, async () => {
      let previous = 0;
      for (const ns of [0.1, 0.49, 0.5, 0.51, 1.37, 2.5]) {
        const m = await simulate({ workload: TRACE, policy: "none", cpuNsPerAccess: ns, zeroFill: "1us", core, baselines: false });
        const work = m.runtimeNs - m.stallNs - m.freezeNs - m.zeroFills * 1000;
        expect(Math.abs(work - m.accesses * ns), `${ns} ns an access: ${work} ns for ${m.accesses} accesses`).toBeLessThanOrEqual(1);
        expect(work).toBeGreaterThan(previous);
        previous = work;
      }
    });
  }

  it("is the same on both cores at a fractional time per access, with a policy", async () => {
    const o = { workload: TRACE, policy: "ampom", cpuNsPerAccess: 0.37, baselines: false } as const;
    expect(withoutCore(await simulate({ ...o, core: "reference" }))).toBe(withoutCore(await simulate({ ...o, core: "wasm" })));
  });
});
