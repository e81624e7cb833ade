// --skip and --max-records on `trace import`: the records kept are exactly that slice of
// the input's records (runs merged first), counted in records, not lines.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importTrace } from "../../src/trace/import.js";
import { ampom } from "../cli/capture.js";
import { readVirtual, tempDir } from "./helpers.js";

describe("bounded import", () => {
  it("keeps records skip .. skip + max, merged runs counting once", async () => {
    const dir = tempDir();
    const text = join(dir, "t.txt");
    // 300 lines; every third line repeats the previous page, so 200 records
    const lines: string[] = [];
    for (let i = 0; i < 100; i++) lines.push(`R ${(0x1000 + i * 7).toString(16)} 1`, `W ${(0x1000 + i * 7).toString(16)} 2`, `I ${(0x9000 + (i % 5)).toString(16)} 3`);
    writeFileSync(text, lines.join("\n") + "\n");
    await importTrace(text, join(dir, "all.amt"));
    const all = readVirtual(join(dir, "all.amt")).records;
    expect(all).toHaveLength(200);
    const r = await ampom("trace", "import", text, "-o", join(dir, "part.amt"), "--skip", "15", "--max-records", "50", "-q");
    expect(r.code, r.stderr).toBe(0);
    const part = readVirtual(join(dir, "part.amt"));
    expect(part.records).toEqual(all.slice(15, 65));
    expect(part.header.accesses).toBe(all.slice(15, 65).reduce((s, x) => s + x.gap, 0));
    await expect(importTrace(text, join(dir, "none.amt"), { skipRecords: 500 })).rejects.toThrow(`${text}: no records left: the trace holds 200, and skipRecords (--skip) drops the first 500`);
    await expect(importTrace(text, join(dir, "none.amt"), { maxRecords: 0 })).rejects.toThrow("option maxRecords (--max-records): expected a whole number of at least 1, got 0");
  });
  it("keeps the first records of an input longer than one read, the line cut at the read's end dropped", async () => {
    const dir = tempDir();
    const text = join(dir, "long.txt");
    // about 2 MB: the reading stops in the middle of the file, most likely inside a line
    const lines: string[] = [];
    for (let i = 0; i < 200_000; i++) lines.push(`R ${(0x100000 + (i % 4999)).toString(16)} 5`);
    writeFileSync(text, lines.join("\n") + "\n");
    const r = await importTrace(text, join(dir, "first.amt"), { maxRecords: 1000 });
    expect(r.records).toBe(1000);
    const first = readVirtual(join(dir, "first.amt")).records;
    expect(first.map((x) => x.vpn)).toEqual(Array.from({ length: 1000 }, (_, i) => 0x100000 + i));
    expect(first.every((x) => x.gap === 5)).toBe(true);
  });
});
