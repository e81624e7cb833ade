// A workload made in code is checked as a trace file is: its stream must yield exactly
// the records it declares (Workload.records, from which the migration point is
// reckoned: a shorter stream with the point past its end ran and never migrated), and
// its records' flags must be write and code only (a v1 file's reader refuses others;
// from a library they were masked).
import { describe, expect, it } from "vitest";
import { P_PAGES } from "../../src/core/abi.js";
import { createCore } from "../../src/core/index.js";
import { resolveOptions } from "../../src/sim/options.js";
import { runScenario, runScenarios } from "../../src/sim/simulate.js";
import type { Workload } from "../../src/workloads/types.js";
import { arrayWorkload } from "./helpers.js";

/** `yielded` records over 64 pages (a write every third), declared as `declared`. */
function counted(yielded: number, declared: number, name = "counted"): Workload {
  const w = arrayWorkload([64], Array.from({ length: yielded }, (_, i) => ({ page: i % 64, gap: 10, flags: i % 3 === 0 ? 1 : 0 })), name);
  return { ...w, records: declared };
}

/** 200 records over 64 pages; record `bad` has flags `flags`. */
function flagged(bad: number, flags: number): Workload {
  return arrayWorkload([64], Array.from({ length: 200 }, (_, i) => ({ page: i % 64, gap: 10, flags: i === bad ? flags : i % 4 })), "flagged");
}

describe("a library stream yielding other than the records it declares", () => {
  for (const core of ["wasm", "reference"] as const) {
    const s = resolveOptions({ workload: "counted", core, baselines: false, chunkRecords: 16, migrateAt: 0.9 });
    it(`${core}: a shorter stream, the migration point past its end, is refused naming both counts`, async () => {
      await expect(runScenario(s, counted(150, 200))).rejects.toThrow(
        "workload counted: its stream yields 150 records, but it declares 200 (Workload.records: the migration point is reckoned from it)",
      );
    });
    it(`${core}: a shorter stream, the migration point inside it, is refused too`, async () => {
      await expect(runScenario({ ...s, migrateAt: 0.25 }, counted(150, 200))).rejects.toThrow("workload counted: its stream yields 150 records, but it declares 200");
    });
    it(`${core}: a longer stream is refused once it passes the count`, async () => {
      // chunks of 16: the seventh ends at record 112, past the 100 declared
      await expect(runScenario(s, counted(200, 100))).rejects.toThrow("workload counted: its stream yields at least 112 records, but it declares 100");
    });
    it(`${core}: several scenarios over one stream refuse it too`, async () => {
      const runs = ["none", "ampom"].map((policy) => ({ scenario: { ...s, policy } }));
      await expect(runScenarios(counted(150, 200), runs)).rejects.toThrow("workload counted: its stream yields 150 records, but it declares 200");
    });
    it(`${core}: a stream of exactly its count runs`, async () => {
      await expect(runScenario(s, counted(200, 200))).resolves.toMatchObject({ records: 200 });
    });
  }
});

describe("a library stream's flags above write and code", () => {
  for (const kind of ["wasm", "reference"] as const) {
    it(`${kind}: firstBadRecord finds bad flags wherever they lie, and none in good ones`, async () => {
      const core = await createCore(kind);
      const v = core.init(1000, 100);
      v.params[P_PAGES] = 1000;
      for (const n of [0, 1, 15, 16, 17, 63, 64, 65, 100]) {
        for (let i = 0; i < n; i++) {
          v.chunkPages[i] = (i * 37) % 1000;
          v.chunkFlags[i] = i % 4;
        }
        expect(core.firstBadRecord(n)).toBe(n);
        for (const at of [0, 3, 15, 16, 17, 31, 32, 47, 48, 63, 64, 99].filter((x) => x < n)) {
          for (const bad of [4, 0x84, 0xff]) {
            v.chunkFlags[at] = bad;
            expect(core.firstBadRecord(n)).toBe(at);
            v.chunkFlags[at] = at % 4;
          }
        }
      }
    });
  }
  for (const core of ["wasm", "reference"] as const) {
    // record 37 and 170 lie in whole chunks of 16, 197 in the last, short one
    for (const [where, bad, flags] of [["before migration", 37, 0x84], ["after migration", 170, 4], ["in the last, short chunk", 197, 0xff]] as const) {
      it(`${core}: flags ${flags} ${where} are refused, naming the workload and record`, async () => {
        const s = resolveOptions({ workload: "flagged", core, baselines: false, chunkRecords: 16, migrateAt: 0.5 });
        await expect(runScenario(s, flagged(bad, flags))).rejects.toThrow(`workload flagged: record ${bad} has flags ${flags}, not 0 to 3 (1 write, 2 code)`);
      });
    }
  }
});
