// The captured trace as the simulator sees it beside a real migration: records of pages
// outside the migrated ranges dropped with their gaps carried to the next kept record,
// the migration at the marker, time counted from it to the end marker only.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importTrace } from "../../src/trace/import.js";
import { validationTrace } from "../../src/validate/trace-view.js";
import type { LibraryReport } from "../../src/validate/runner.js";
import { readAll } from "../workloads/helpers.js";
import { tempDir } from "../trace/helpers.js";

const MARK = 0x5a5a00000; // marker page numbers: MARK .. MARK + 3
const HEAP = 0x1000; // migrated: pages 0x1000 .. 0x1010
const MMAP = 0x9000; // migrated: 0x9000 .. 0x9004
const CODE = 0x400; // not migrated (code)
const STACK = 0x7fff0; // not migrated (stack)

function capture(): LibraryReport {
  const hex = (vpn: number) => "0x" + (vpn * 4096).toString(16);
  return {
    mode: "capture",
    error: null,
    window: { wallNs: 0, cpuNs: 0 },
    scheduling: { cpu: -1, cpusAllowed: 2 },
    threadsStarted: 0, forksAfterPoint: 0,
    calls: {},
    marker: hex(MARK),
    ranges: [
      [hex(MMAP), hex(MMAP + 4)],
      [hex(HEAP), hex(HEAP + 16)],
    ],
  };
}

async function view(lines: string[]) {
  const dir = tempDir();
  const text = join(dir, "t.txt");
  writeFileSync(text, lines.join("\n") + "\n");
  const amt = join(dir, "t.amt");
  await importTrace(text, amt);
  return validationTrace(amt, capture(), "test");
}

describe("the validation view of a captured trace", () => {
  it("keeps migrated pages only, migrates at the marker, and counts time after it to the end marker", async () => {
    const v = await view([
      `I ${CODE.toString(16)} 7`, // before the start: dropped
      `W ${(HEAP + 1).toString(16)} 3`, // before the start: kept, no time
      `W ${MARK.toString(16)} 1`, // start
      `R ${(HEAP + 2).toString(16)} 5`, // at home: kept, no time
      `R ${STACK.toString(16)} 4`, // dropped
      `W ${(MARK + 1).toString(16)} 2`, // harness begins
      `R 700 9`, // harness work (not migrated): no time
      `W ${(MARK + 2).toString(16)} 1`, // the migration point
      `I ${CODE.toString(16)} 10`, // dropped: its 10 accesses go to the next kept record
      `R ${STACK.toString(16)} 20`, // dropped: 20 more
      `R ${(HEAP + 1).toString(16)} 6`, // kept: gap 10 + 20 + 6
      `W ${(MMAP + 3).toString(16)} 2`, // kept: gap 2 (a write)
      `R ${STACK.toString(16)} 8`, // dropped: 8 go to the last kept record at the end
      `W ${(MARK + 3).toString(16)} 3`, // end: its own 3 count too
      `R ${(HEAP + 5).toString(16)} 50`, // after the end: dropped
    ]);
    expect(v.migrateAtRecord).toBe(2);
    expect(v.postAccesses).toBe(10 + 20 + 6 + 2 + 8 + 3);
    expect(v.homePages).toBe(2);
    expect(v.pagesAfter).toBe(2);
    // regions in address order, whatever order the library reported them in
    expect(v.workload.regions.map((r) => [Number(r.vpnBase), r.pages])).toEqual([
      [HEAP, 16],
      [MMAP, 4],
    ]);
    const t = readAll(v.workload);
    expect(Array.from(t.pages)).toEqual([1, 2, 1, 16 + 3]);
    expect(Array.from(t.gaps)).toEqual([0, 0, 36, 2 + 8 + 3]);
    expect(t.flags[3] & 1).toBe(1);
    expect(v.workload.records).toBe(4);
  });

  it("refuses a trace whose markers are out of order or missing", async () => {
    await expect(
      view([`W ${(MARK + 2).toString(16)} 1`, `R ${HEAP.toString(16)} 1`]),
    ).rejects.toThrow(/touches marker 2 before the start/);
    await expect(
      view([`W ${MARK.toString(16)} 1`, `R ${HEAP.toString(16)} 1`, `W ${(MARK + 1).toString(16)} 1`]),
    ).rejects.toThrow(/the trace ends in the harness: the marker pages/);
  });
});
