// Picking the migration point from the native run's call log.
import { describe, expect, it } from "vitest";
import { chooseMigrationCall } from "../../src/validate/validate.js";
import type { LibraryReport } from "../../src/validate/runner.js";

function report(logs: Record<string, Array<[number, number]>>): LibraryReport {
  const calls: Record<string, number> = {};
  for (const [f, l] of Object.entries(logs)) calls[f] = l.length ? l[l.length - 1][0] : 0;
  return { mode: "native", error: null, window: { wallNs: 1000, cpuNs: 1000 }, scheduling: { cpu: 1, cpusAllowed: 1 }, threadsStarted: 0, forksAfterPoint: 0, calls, logs };
}

describe("the automatic migration point", () => {
  it("is the logged call nearest the aimed share of the run", () => {
    const r = report({ malloc: [[1, 10], [2, 300], [3, 620]], clock_gettime: [[1, 5], [2, 480], [3, 990]] });
    expect(chooseMigrationCall(r, 0.5)).toEqual({ call: "clock_gettime", index: 2, atNs: 480 });
    expect(chooseMigrationCall(r, 0.65)).toEqual({ call: "malloc", index: 3, atNs: 620 });
  });

  it("leaves out calls in the first and last 5% of the run, and says so when none is left", () => {
    const r = report({ free: [[1, 20], [2, 970]], write: [[1, 40]] });
    expect(() => chooseMigrationCall(r, 0.5)).toThrow(/no counted call between 5% and 95% of its run \(calls: free 2, write 1\); give --migrate-call/);
  });
});
