// The bench harness in smoke mode (tiny sizes, one iteration): it must still run on
// the current core interface and produce a report of the documented shape. No timing
// is asserted; benchmarks are never tests.
import { describe, expect, it } from "vitest";
import { runBench } from "../../bench/harness.js";
import { formatComparison, formatReport } from "../../bench/report.js";
import { endToEndWorkloads } from "../../bench/e2e.js";

describe("bench harness (smoke)", () => {
  it("runs every part and reports rates for both cores", async () => {
    const r = await runBench({ mode: "smoke" });
    expect(r.schema).toBe("ampom-bench/1");
    expect(r.mode).toBe("smoke");
    expect(r.micro.length).toBeGreaterThanOrEqual(3);
    for (const m of r.micro) {
      expect(m.name).toMatch(/\S/);
      for (const x of [m.wasm, m.reference, m.ratio]) expect(Number.isFinite(x) && x > 0).toBe(true);
      expect(m.ratio).toBeCloseTo(m.wasm / m.reference, 9);
    }
    expect(r.endToEnd.map((e) => e.workload).length).toBe(endToEndWorkloads().length);
    for (const e of r.endToEnd) {
      expect(e.records).toBeGreaterThan(0);
      for (const x of [e.wasm, e.reference, e.floor, e.ratio, e.wasmOfFloor, e.referenceOfFloor]) {
        expect(Number.isFinite(x) && x > 0).toBe(true);
      }
      // the end-to-end bench doubles as a differential check of the two cores
      expect(e.identical).toBe(true);
    }
    // the native anchor: its generated trace, every rate of the simulator, the same faults
    expect(r.native?.length).toBe(1);
    for (const n of r.native!) {
      expect(n.records).toBeGreaterThan(0);
      for (const x of [n.wasm, n.wasmV1, n.reference, n.bytesPerRecordV1, n.bytesPerRecordV2]) expect(x! > 0).toBe(true);
      if (!r.nativeNote) expect(n.native! > 0).toBe(true);
      expect(n.sameFaults).toBe(true);
    }
    // a policy module costs something, and gives exactly the built-in's metrics
    expect(r.policyModule!.length).toBeGreaterThanOrEqual(2);
    for (const p of r.policyModule!) {
      expect(p.faults).toBeGreaterThan(0);
      for (const x of [p.builtIn, p.module, p.ratio]) expect(Number.isFinite(x) && x > 0).toBe(true);
      expect(p.identical).toBe(true);
    }
    expect(formatReport(r)).toContain("module/built-in");
    const json = JSON.parse(JSON.stringify(r));
    expect(json).toEqual(r);
    const text = formatReport(r);
    for (const m of r.micro) expect(text).toContain(m.name);
    expect(formatComparison(r, r)).toContain("+0.0%");
  });
});
