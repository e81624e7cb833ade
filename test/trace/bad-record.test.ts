// A v1 amt stores each record's page and flags whole, so a record no amt may hold (a
// page outside the address space, flags other than write and code) can sit in a block
// whose checksum is right. Reading the trace whole must refuse it, naming the file and
// the record, whether to check it (trace info), to re-encode it (trace import) or to
// run it (the v1 stream checks each block: a run used to mask the extra flag bits).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openAmt, writeWorkloadAmt } from "../../src/trace/amt.js";
import { reencodeAmt } from "../../src/trace/import.js";
import { verifyTrace } from "../../src/trace/open.js";
import { simulate } from "../../src/sim/simulate.js";
import { arrayWorkload } from "../core/helpers.js";
import { setPageCount, tempDir, V1_BLOCK, v1With } from "./helpers.js";

const B = V1_BLOCK;

describe("a v1 amt record no amt may hold", () => {
  it("a page outside the address space: refused by a re-encode, naming the file, block and record; no output", () => {
    const dir = tempDir();
    const file = join(dir, "outside.amt");
    v1With(file, B + 3, (b, page) => b.writeUInt32LE(openAmt(file).pageCount + 5, page));
    const pageCount = openAmt(file).pageCount;
    const message = `${file}: corrupt amt trace: block 1 (record ${B + 3}) names page ${pageCount + 5}, outside its ${pageCount} pages`;
    expect(() => verifyTrace(openAmt(file))).toThrow(message);
    expect(() => reencodeAmt(file, join(dir, "out.amt"))).toThrow(message);
    expect(existsSync(join(dir, "out.amt"))).toBe(false);
  });

  it("flags other than write and code: refused by trace info's check and by a re-encode, naming the file, block and record", () => {
    const dir = tempDir();
    const file = join(dir, "flags.amt");
    v1With(file, 2 * B + 7, (b, _page, flag) => (b[flag] = 0x84));
    const message = `${file}: corrupt amt trace: block 2 (record ${2 * B + 7}) has flags 132, not 0 to 3 (1 write, 2 code)`;
    expect(() => verifyTrace(openAmt(file))).toThrow(message);
    expect(() => reencodeAmt(file, join(dir, "out.amt"))).toThrow(message);
    expect(existsSync(join(dir, "out.amt"))).toBe(false);
    // v1 to v1 too: the writer would have copied the byte
    expect(() => reencodeAmt(file, join(dir, "out1.amt"), 1)).toThrow(message);
  });

  it("flags other than write and code: refused by a run too, in the same words", async () => {
    const dir = tempDir();
    const file = join(dir, "flags.amt");
    v1With(file, 2 * B + 7, (b, _page, flag) => (b[flag] = 0x84));
    const message = `${file}: corrupt amt trace: block 2 (record ${2 * B + 7}) has flags 132, not 0 to 3 (1 write, 2 code)`;
    await expect(simulate({ workload: file, policy: "ampom", baselines: false })).rejects.toThrow(message);
    await expect(simulate({ workload: file, policy: "ampom" })).rejects.toThrow(message);
  });
});

/** A v2 amt of 40 records in blocks of 16 over regions `regions` ([start, pages]) of 10
 * pages, its header then saying 8: record r names page `pages[r]` where given. */
function v2PastCount(file: string, regions: [number, number][], pages: Record<number, number>): string {
  const w = arrayWorkload([10], Array.from({ length: 40 }, (_, i) => ({ page: pages[i] ?? [0, 1, 4, 5, 6, 7][i % 6], gap: 1 + (i % 3) })));
  w.regions = regions.map(([start, n], k) => ({ name: `r${k}`, kind: "heap", start, pages: n, vpnBase: BigInt(0x100 * (k + 1)) }));
  writeWorkloadAmt(w, file, { blockRecords: 16, version: 2 });
  setPageCount(file, 8);
  return file;
}

describe("a v2 amt record past the header's page count", () => {
  it("refused by a run (both cores) in the words trace info and a re-encode use, naming the block", async () => {
    const dir = tempDir();
    const file = v2PastCount(join(dir, "outside.amt"), [[0, 8]], { 21: 9 });
    const message = `${file}: corrupt amt trace: block 1 (record 21) names page 9, outside its 8 pages`;
    expect(() => verifyTrace(openAmt(file))).toThrow(message);
    expect(() => reencodeAmt(file, join(dir, "out.amt"))).toThrow(message);
    for (const core of ["wasm", "reference"] as const) {
      await expect(simulate({ workload: file, policy: "ampom", core, baselines: false })).rejects.toThrow(message);
    }
  });

  it("the first bad record counts in a run too: a page between regions is named before a later page past the count in its block", async () => {
    const file = v2PastCount(join(tempDir(), "both.amt"), [[0, 2], [4, 4]], { 18: 3, 21: 9 });
    const message = `${file}: corrupt amt trace: block 1 (record 18) names page 3, in none of its regions`;
    expect(() => verifyTrace(openAmt(file))).toThrow(message);
    for (const core of ["wasm", "reference"] as const) {
      await expect(simulate({ workload: file, policy: "ampom", core, baselines: false })).rejects.toThrow(message);
    }
  });
});

describe("every amt stream checks its own records", () => {
  /** All records of `file` through its stream's fill() alone, as a reader that does not
   * check them itself (trace info, export and a re-encode rely on the stream). */
  const fillAll = (file: string) => {
    const s = openAmt(file).open();
    const pages = new Uint32Array(7), gaps = new Uint32Array(7), flags = new Uint8Array(7);
    try {
      while (s.fill(pages, gaps, flags, 7) > 0);
    } finally {
      s.close?.();
    }
  };
  for (const version of [1, 2] as const) {
    it(`amt v${version}: fill() refuses a page past the page count and a page between regions, naming the file, block and record`, () => {
      const dir = tempDir();
      const outside = join(dir, `outside${version}.amt`);
      const between = join(dir, `between${version}.amt`);
      const w = arrayWorkload([10], Array.from({ length: 40 }, (_, i) => ({ page: i === 21 ? 9 : i === 37 ? 3 : [0, 1, 4, 5, 6, 7][i % 6], gap: 1 })));
      w.regions = [{ ...w.regions[0], pages: 8 }];
      writeWorkloadAmt(w, outside, { blockRecords: 16, version });
      setPageCount(outside, 8);
      expect(() => fillAll(outside)).toThrow(`${outside}: corrupt amt trace: block 1 (record 21) names page 9, outside its 8 pages`);
      w.regions = [{ ...w.regions[0], pages: 3 }, { ...w.regions[0], start: 4, pages: 6 }];
      w.open = arrayWorkload([10], Array.from({ length: 40 }, (_, i) => ({ page: i === 37 ? 3 : i % 3, gap: 1 }))).open;
      writeWorkloadAmt(w, between, { blockRecords: 16, version });
      expect(() => fillAll(between)).toThrow(`${between}: corrupt amt trace: block 2 (record 37) names page 3, in none of its regions`);
    });
  }
});
