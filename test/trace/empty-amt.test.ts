// An amt trace with no records (a header and a trailer, well formed) ran and printed a
// result with nothing migrated, and trace info, export and import took it, where a text
// trace with no records is refused. Every reader now refuses it in the same words.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { AMT_END, TRAILER_BYTES, encodeHeader, openAmt, writeWorkloadAmt, type AmtVersion } from "../../src/trace/amt.js";
import { reencodeAmt } from "../../src/trace/import.js";
import { checkTraceOpens } from "../../src/trace/open.js";
import { arrayWorkload } from "../core/helpers.js";
import { ampom, filesIn, hasStack, scratchDir } from "../sweep/cli-helpers.js";

/** An amt of `version` with no records: no regions and no pages, or one region of 4. */
function emptyAmt(version: AmtVersion, withRegion: boolean): Buffer {
  const h = {
    pageSize: 4096, blockRecords: 1 << 16, records: 0, pages: 0, accesses: 0, pageCount: withRegion ? 4 : 0,
    regions: withRegion ? [{ name: "heap", kind: "heap" as const, start: 0, pages: 4 }] : [], regionsFromTouches: true,
  };
  const H = encodeHeader(h, version).length;
  const trailer = Buffer.alloc(TRAILER_BYTES); // no blocks: count 0, checksums chained 0
  trailer.write(AMT_END, 0, "latin1");
  return Buffer.concat([encodeHeader(h, version, 0, H + TRAILER_BYTES), trailer]);
}

const cases = ([1, 2] as const).flatMap((version) => [false, true].map((withRegion) => ({ version, withRegion, name: `e${version}${withRegion ? "r" : ""}.amt` })));

describe("an amt trace with no records is refused as an empty trace", () => {
  for (const { version, withRegion, name } of cases) {
    it(`v${version}, ${withRegion ? "one region" : "no regions and no pages"}: open, the trace check, a re-encode`, () => {
      const dir = scratchDir("empty-amt");
      const file = join(dir, name);
      writeFileSync(file, emptyAmt(version, withRegion));
      writeFileSync(`${file}.gz`, gzipSync(emptyAmt(version, withRegion)));
      expect(() => openAmt(file)).toThrow(`${file}: no records (empty trace)`);
      expect(() => checkTraceOpens(file, 4096)).toThrow(`${file}: no records (empty trace)`);
      expect(() => checkTraceOpens(`${file}.gz`, 4096)).toThrow(`${file}.gz: no records (empty trace)`);
      expect(() => reencodeAmt(file, join(dir, "out.amt"))).toThrow(`${file}: no records (empty trace)`);
      expect(existsSync(join(dir, "out.amt"))).toBe(false);
    });
  }

  // the trace check of a gzip'd amt (a sweep's, before any run) took the count from a
  // header it had not checked: "zero.amt.gz: no records (empty trace)", where a run of
  // the same file says its header is corrupt (and a v1 one, another length)
  for (const version of [1, 2] as const) {
    it(`v${version}: a damaged header saying 0 records is corrupt to the trace check of a gzip'd amt, as to a run`, () => {
      const dir = scratchDir("empty-amt");
      const file = join(dir, "zero.amt");
      writeWorkloadAmt(arrayWorkload([4], [{ page: 1, gap: 1 }, { page: 2, gap: 1 }]), file, { version });
      const damaged = readFileSync(file);
      damaged.writeBigUInt64LE(0n, 24);
      writeFileSync(file, damaged);
      writeFileSync(`${file}.gz`, gzipSync(damaged));
      const corrupt = `corrupt amt header: checksum mismatch (bytes 0..${damaged.readUInt32LE(52)})`;
      expect(() => openAmt(file)).toThrow(`${file}: ${corrupt}`);
      expect(() => checkTraceOpens(`${file}.gz`, 4096)).toThrow(`${file}.gz: ${corrupt}`);
      writeFileSync(join(dir, "sweep.json"), JSON.stringify({ base: { baselines: false }, grid: { workload: ["zero.amt.gz"] } }));
      const r = ampom(["sweep", "sweep.json", "--dry-run"], {}, dir);
      expect(r.stderr).toBe(`ampom: sweep.json: grid.workload[0]: zero.amt.gz: ${corrupt}\n`);
    });
  }

  it("the writer cannot make one either", () => {
    const dir = scratchDir("empty-amt");
    for (const version of [1, 2] as const) {
      expect(() => writeWorkloadAmt(arrayWorkload([4], []), join(dir, `w${version}.amt`), { version })).toThrow("an amt trace with no records");
    }
  });

  const commands: Array<[string, (f: string) => string[]]> = [
    ["run (wasm core)", (f) => ["run", "-w", f, "--core", "wasm", "--no-baselines"]],
    ["run (reference core)", (f) => ["run", "-w", f, "--core", "reference", "--no-baselines"]],
    ["trace info", (f) => ["trace", "info", f]],
    ["trace export", (f) => ["trace", "export", f, "-o", "out.txt"]],
    ["trace import (a re-encode)", (f) => ["trace", "import", f, "-o", "out.amt"]],
    ["sweep --dry-run", (f) => ["sweep", "sweep.json", "--dry-run"]],
  ];
  for (const [what, args] of commands) {
    for (const file of ["e1.amt", "e2r.amt.gz"]) {
      it(`${what} of ${file}: one line naming the file, exit 1, nothing written`, () => {
        const dir = scratchDir("empty-amt-cli");
        const amt = emptyAmt(file.startsWith("e1") ? 1 : 2, file.includes("r"));
        writeFileSync(join(dir, file), file.endsWith(".gz") ? gzipSync(amt) : amt);
        writeFileSync(join(dir, "sweep.json"), JSON.stringify({ base: { baselines: false }, grid: { workload: ["random", file] } }));
        const before = filesIn(dir);
        const r = ampom(args(file), {}, dir);
        expect(r.stderr).toContain(`${file}: no records (empty trace)`);
        expect(r.code).toBe(1);
        expect(hasStack(r.stderr)).toBe(false);
        expect(r.stdout).toBe("");
        expect(filesIn(dir)).toEqual(before);
      });
    }
  }
});
