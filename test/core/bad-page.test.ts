// A record naming a page outside the address space is refused before the page
// indexes any table: the core finds the first such record of each chunk
// (firstBadRecord, one SIMD pass in the WebAssembly core) and the host names the
// workload, the record and the page.
import { describe, expect, it } from "vitest";
import { P_PAGES } from "../../src/core/abi.js";
import { createCore } from "../../src/core/index.js";
import { resolveOptions } from "../../src/sim/options.js";
import { runScenario } from "../../src/sim/simulate.js";
import type { Workload } from "../../src/workloads/types.js";
import { arrayWorkload } from "./helpers.js";

/** `records` records over 64 pages; record `bad` names page `badPage`. */
function faulty(records: number, bad: number, badPage: number): Workload {
  return arrayWorkload([64], Array.from({ length: records }, (_, i) => ({ page: i === bad ? badPage : i % 64, gap: 10 })), "faulty");
}

describe("page-range check in the cores", () => {
  for (const kind of ["wasm", "reference"] as const) {
    it(`${kind}: firstBadRecord finds the first bad record wherever it lies`, async () => {
      const core = await createCore(kind);
      const v = core.init(1000, 100);
      v.params[P_PAGES] = 1000;
      for (const n of [0, 1, 15, 16, 17, 63, 64, 65, 100]) {
        for (let i = 0; i < n; i++) v.chunkPages[i] = (i * 37) % 1000;
        expect(core.firstBadRecord(n)).toBe(n);
        for (const at of [0, 3, 15, 16, 17, 31, 32, 47, 48, 63, 64, 99].filter((x) => x < n)) {
          for (const bad of [1000, 1001, 2 ** 31, 2 ** 32 - 1]) {
            v.chunkPages[at] = bad;
            if (at + 5 < n) v.chunkPages[at + 5] = 5000; // a later bad one does not count
            expect(core.firstBadRecord(n)).toBe(at);
            v.chunkPages[at] = 999;
            if (at + 5 < n) v.chunkPages[at + 5] = (at + 5) % 1000;
          }
        }
      }
    });
  }
  for (const core of ["wasm", "reference"] as const) {
    for (const [phase, bad] of [["before", 37], ["after", 170]] as const) {
      it(`${core}: a bad page ${phase} migration names record and page`, async () => {
        const s = resolveOptions({ workload: "faulty", core, baselines: false, chunkRecords: 16, migrateAt: 0.5 });
        await expect(runScenario(s, faulty(200, bad, 64))).rejects.toThrow(
          `workload faulty: record ${bad} names page 64, outside its 64 pages`,
        );
      });
    }
    it(`${core}: the largest page id is refused too`, async () => {
      const s = resolveOptions({ workload: "faulty", core, baselines: false, chunkRecords: 16 });
      await expect(runScenario(s, faulty(50, 3, 2 ** 32 - 1))).rejects.toThrow("record 3 names page 4294967295");
    });
  }
});

// A workload made through the library may leave pages between its regions, or after
// the last, inside its page count: a record on one names no page of the address space
// (Workload.regions), as a trace file's reader refuses it. It was run silently (the
// policies' regionOf answers -1 for it); now refused, naming the workload and record.
describe("a library workload's record in none of its regions", () => {
  /** 200 records over pages [0, 8) in regions `regions` ([start, pages]); record `bad`
   * (if any) names `badPage`. */
  function holed(regions: [number, number][], bad = -1, badPage = 3): Workload {
    const inside = [0, 1, 4, 5];
    const w = arrayWorkload([8], Array.from({ length: 200 }, (_, i) => ({ page: i === bad ? badPage : inside[i % 4], gap: 10 })), "holed");
    w.regions = regions.map(([start, pages], k) => ({ name: `r${k}`, kind: "heap", start, pages }));
    return w;
  }
  for (const core of ["wasm", "reference"] as const) {
    for (const [phase, bad] of [["before", 37], ["after", 170]] as const) {
      it(`${core}: a page between regions ${phase} migration is refused, naming the workload, record and page`, async () => {
        const s = resolveOptions({ workload: "holed", core, baselines: false, chunkRecords: 16, migrateAt: 0.5 });
        await expect(runScenario(s, holed([[0, 2], [4, 4]], bad))).rejects.toThrow(`workload holed: record ${bad} names page 3, in none of its regions`);
      });
    }
    it(`${core}: a page after the last region, inside the page count, is refused too`, async () => {
      const s = resolveOptions({ workload: "holed", core, baselines: false, chunkRecords: 16 });
      await expect(runScenario(s, holed([[0, 6]], 50, 7))).rejects.toThrow("workload holed: record 50 names page 7, in none of its regions");
    });
    it(`${core}: the gap itself is no fault: records that avoid it run`, async () => {
      const s = resolveOptions({ workload: "holed", core, baselines: false, chunkRecords: 16 });
      await expect(runScenario(s, holed([[0, 2], [4, 4]]))).resolves.toBeDefined();
    });
  }
});

// The regions of a workload made in code were taken as given: overlapping ones ran, and
// the two cores' regionOf (a binary search, the WebAssembly core's with a cache of the
// last region found) answered differently, so the cores' results differed. Refused now,
// as a trace's header is.
describe("a library workload's regions not sorted, disjoint and inside the page count", () => {
  const cases: Array<[string, [number, number][], string]> = [
    ["overlapping", [[0, 40], [20, 44]], "region r1 (start 20, 44 pages) overlaps or comes before the region before it"],
    ["out of order", [[32, 32], [0, 32]], "region r1 (start 0, 32 pages) overlaps or comes before the region before it"],
    ["past the page count", [[0, 16], [16, 4096]], "region r1 (start 16, 4096 pages) overlaps or comes before the region before it, or lies outside its 64 pages"],
  ];
  for (const core of ["wasm", "reference"] as const) {
    for (const [what, regions, message] of cases) {
      it(`${core}: regions ${what} are refused, naming the workload and region`, async () => {
        const w = arrayWorkload([64], Array.from({ length: 400 }, (_, i) => ({ page: (i * 5) % 64, gap: 50 })), "regions");
        w.regions = regions.map(([start, pages], k) => ({ name: `r${k}`, kind: "heap", start, pages }));
        await expect(runScenario(resolveOptions({ workload: "regions", core, baselines: false }), w)).rejects.toThrow(`workload regions: ${message}`);
      });
    }
  }
});
