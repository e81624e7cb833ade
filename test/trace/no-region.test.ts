// A page id below an amt's page count but between two of its regions names no page of
// the address space (Workload.regions: such pages never appear). The header allows the
// gap (an untouched range); a record on it is damage, refused as trace export refused
// it, naming the file, block and record: by trace info, a re-encode and a run, in v1
// (the stream checks each block) and v2 (decoded inside the core), in both cores.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { badRecord, openAmt, writeWorkloadAmt, type AmtVersion } from "../../src/trace/amt.js";
import { reencodeAmt } from "../../src/trace/import.js";
import { verifyTrace } from "../../src/trace/open.js";
import { simulate } from "../../src/sim/simulate.js";
import { ampom } from "../cli/capture.js";
import { arrayWorkload } from "../core/helpers.js";
import { tempDir } from "./helpers.js";

const B = 16;

/** 40 records in blocks of 16 over regions [0, 2) and [4, 8) of 8 pages; record `bad`
 * (if any) names page 3, between them. */
function holed(file: string, version: AmtVersion, bad = -1): string {
  const records = Array.from({ length: 40 }, (_, i) => ({ page: i === bad ? 3 : [0, 1, 4, 5, 6, 7][i % 6], gap: 1 + (i % 3), flags: i % 2 }));
  const w = arrayWorkload([4, 4], records);
  w.regions = [{ ...w.regions[0], pages: 2, vpnBase: 0x10n }, { ...w.regions[1], vpnBase: 0x100n }];
  writeWorkloadAmt(w, file, { blockRecords: B, version });
  return file;
}

describe("a record on a page between regions", () => {
  for (const version of [1, 2] as const) {
    it(`amt v${version}: refused by trace info, a re-encode and a run (both cores), naming the file, block and record`, async () => {
      const dir = tempDir();
      const file = holed(join(dir, "hole.amt"), version, 21);
      const message = `${file}: corrupt amt trace: block 1 (record 21) names page 3, in none of its regions`;
      expect(() => verifyTrace(openAmt(file))).toThrow(message);
      expect(() => reencodeAmt(file, join(dir, "out.amt"))).toThrow(message);
      expect(existsSync(join(dir, "out.amt"))).toBe(false);
      for (const core of ["wasm", "reference"] as const) {
        await expect(simulate({ workload: file, policy: "ampom", core, baselines: false })).rejects.toThrow(message);
        await expect(simulate({ workload: file, policy: "ampom", core })).rejects.toThrow(message);
      }
      const r = await ampom("trace", "info", file);
      expect([r.code, r.stdout, r.stderr]).toEqual([1, "", `ampom: ${message}\n`]);
    });

    it(`amt v${version}: the gap itself is no fault: a trace whose records avoid it reads and runs`, async () => {
      const file = holed(join(tempDir(), "ok.amt"), version);
      expect(verifyTrace(openAmt(file)).records).toBe(40);
      for (const core of ["wasm", "reference"] as const) {
        await expect(simulate({ workload: file, policy: "ampom", core })).resolves.toBeDefined();
      }
    });
  }

  it("the first bad record counts, whichever its fault: a later page outside the address space does not hide an earlier one between regions, nor the reverse", () => {
    const dir = tempDir();
    const file = holed(join(dir, "hole.amt"), 1, 5);
    const w = openAmt(file);
    const pages = new Uint32Array([0, 3, 9]);
    const flags = new Uint8Array(3);
    expect(badRecord(file, w.header, pages, flags, 3, 0)?.message).toBe(`${file}: corrupt amt trace: block 0 (record 1) names page 3, in none of its regions`);
    pages[1] = 1;
    expect(badRecord(file, w.header, pages, flags, 3, 0)?.message).toBe(`${file}: corrupt amt trace: block 0 (record 2) names page 9, outside its 8 pages`);
    pages[0] = 9;
    pages[2] = 2;
    expect(badRecord(file, w.header, pages, flags, 3, 0)?.message).toBe(`${file}: corrupt amt trace: block 0 (record 0) names page 9, outside its 8 pages`);
  });
});
