// Importing text traces into amt: round trips, every lackey access kind, gzip,
// standard input, malformed lines, and counts checked against an independent count.
import fc from "fast-check";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { constants as zlibConstants, gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { REC_CODE, REC_WRITE } from "../../src/core/abi.js";
import { importTrace, REGION_GAP_PAGES } from "../../src/trace/import.js";
import { openWorkload } from "../../src/workloads/index.js";
import { readAll, fingerprint } from "../workloads/helpers.js";
import { merged, readVirtual, tempDir, type VRecord } from "./helpers.js";
import { ampom } from "../cli/capture.js";

const KIND = { [REC_CODE]: "I", 0: "R", [REC_WRITE]: "W" } as Record<number, string>;
const pageText = (rs: VRecord[]) => rs.map((r) => `${KIND[r.flags]} ${r.vpn.toString(16)} ${r.gap}`).join("\n") + "\n";

const recordArb = fc.record({
  base: fc.constantFrom(0x400, 0x601, 0x55d4c000, 0x7ffd12340, 0xfffffffff000),
  offset: fc.integer({ min: 0, max: 300 }),
  flags: fc.constantFrom(0, REC_WRITE, REC_CODE),
  gap: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
}).map(({ base, offset, flags, gap }) => ({ vpn: base + offset, flags, gap }));

describe("page-level text", () => {
  it("round trips through amt: the same pages, gaps and kinds, runs merged", async () => {
    const dir = tempDir();
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { minLength: 1, maxLength: 300 }), async (rs) => {
        const src = join(dir, "t.txt");
        const out = join(dir, "t.amt");
        writeFileSync(src, "# a comment\n\n" + pageText(rs).replace(/\n/, "\r\n"));
        const r = await importTrace(src, out);
        const expected = merged(rs);
        const back = readVirtual(out);
        expect(back.records).toEqual(expected);
        expect(r.records).toBe(expected.length);
        expect(back.header.records).toBe(expected.length);
        expect(back.header.pages).toBe(new Set(rs.map((x) => x.vpn)).size);
        expect(back.header.accesses).toBe(rs.reduce((s, x) => s + x.gap, 0));
      }),
      { numRuns: 60 },
    );
  });

  it("splits a run of one page whose gaps overflow 32 bits, keeping every access", async () => {
    const dir = tempDir();
    const rs: VRecord[] = [
      { vpn: 0x400, flags: 0, gap: 3_000_000_000 },
      { vpn: 0x400, flags: REC_WRITE, gap: 1_500_000_000 },
      { vpn: 0x400, flags: 0, gap: 7 },
      { vpn: 0x401, flags: 0, gap: 1 },
    ];
    writeFileSync(join(dir, "o.txt"), pageText(rs));
    await importTrace(join(dir, "o.txt"), join(dir, "o.amt"));
    const back = readVirtual(join(dir, "o.amt"));
    expect(back.records).toEqual([
      { vpn: 0x400, flags: 0, gap: 3_000_000_000 },
      { vpn: 0x400, flags: REC_WRITE, gap: 1_500_000_007 },
      { vpn: 0x401, flags: 0, gap: 1 },
    ]);
    expect(back.header.accesses).toBe(4_500_000_008);
  });

  it("round trips a trace of several blocks", async () => {
    const dir = tempDir();
    const rs: VRecord[] = [];
    for (let i = 0; i < 200_000; i++) rs.push({ vpn: 0x1000 + ((i * 7919) % 5000) + (i % 3 === 0 ? 0x100000 : 0), gap: i % 97, flags: i % 5 === 0 ? REC_WRITE : 0 });
    writeFileSync(join(dir, "big.txt"), pageText(rs));
    await importTrace(join(dir, "big.txt"), join(dir, "big.amt"));
    const back = readVirtual(join(dir, "big.amt"));
    expect(back.records).toEqual(merged(rs));
  });

  it("says how many regions a trace has in words that fit one ('1 region')", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "one.txt"), "R 400 1\nW 401 2\n");
    const imported = await ampom("trace", "import", join(dir, "one.txt"), "-o", join(dir, "one.amt"));
    expect(imported.stderr).toMatch(/: 2 records, 2 distinct pages, 3 accesses, 1 region \(from page text, amt v2\)\n$/);
    expect((await ampom("trace", "info", join(dir, "one.amt"))).stdout).toMatch(/ 3 accesses, 1 region over 2 dense pages\n/);
  });

  it("groups pages into regions split at gaps above the threshold", async () => {
    const dir = tempDir();
    const G = REGION_GAP_PAGES;
    // 0x101 -> 0x101 + G: exactly G apart, one region; then G + 1 apart: a new region
    const vpns = [0x101, 0x100, 0x101 + G, 0x101 + 2 * G + 1, 0x101 + 2 * G + 2];
    writeFileSync(join(dir, "r.txt"), vpns.map((v) => `R ${v.toString(16)} 1`).join("\n"));
    const r = await importTrace(join(dir, "r.txt"), join(dir, "r.amt"));
    expect(r.regions.map((g) => [Number(g.vpnBase), g.pages])).toEqual([
      [0x100, G + 2],
      [0x101 + 2 * G + 1, 2],
    ]);
    expect(readVirtual(join(dir, "r.amt")).records.map((x) => x.vpn)).toEqual(vpns);
  });

  it("keeps at most 1024 regions, splitting at the largest gaps", async () => {
    const dir = tempDir();
    const lines: string[] = [];
    for (let i = 0; i < 1500; i++) lines.push(`W ${(i * 1000 + (i === 700 ? 5000 : 0)).toString(16)} 1`);
    writeFileSync(join(dir, "m.txt"), lines.join("\n"));
    const r = await importTrace(join(dir, "m.txt"), join(dir, "m.amt"));
    expect(r.regions.length).toBe(1024);
    // the one gap larger than the rest is a split
    expect(r.regions.some((g) => Number(g.vpnBase) === 700 * 1000 + 5000)).toBe(true);
    expect(readVirtual(join(dir, "m.amt")).records.map((x) => x.vpn)).toEqual(lines.map((l) => parseInt(l.split(" ")[1], 16)));
  });
});

const LACKEY = `==12345== Lackey, an example Valgrind tool
==12345== Command: ./a.out
==12345== 
I  04016a0,3
I  04016a3,4
 S 1ffefff9c8,8
 L 1ffefff9c0,8
 M 0601040,4
I  0401ffe,4
 L 0601ffc,8
--12345-- a valgrind debug line
==12345== 
==12345== Counted 1 call to main()
`;

describe("lackey text", () => {
  it("reads every access kind; an access across a page boundary touches both pages", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "l.txt"), LACKEY);
    const r = await importTrace(join(dir, "l.txt"), join(dir, "l.amt"));
    expect(r.format).toBe("lackey");
    expect(readVirtual(join(dir, "l.amt")).records).toEqual([
      { vpn: 0x401, gap: 2, flags: REC_CODE },
      { vpn: 0x1ffefff, gap: 2, flags: REC_WRITE }, // S then L: one record, written
      { vpn: 0x601, gap: 1, flags: REC_WRITE }, // M reads and writes
      { vpn: 0x401, gap: 1, flags: REC_CODE }, // 0x401ffe + 4 crosses into 0x402
      { vpn: 0x402, gap: 0, flags: REC_CODE },
      { vpn: 0x601, gap: 1, flags: 0 },
      { vpn: 0x602, gap: 0, flags: 0 },
    ]);
    expect([r.records, r.pages, r.accesses]).toEqual([7, 5, 7]);
  });

  it("distinct pages and accesses equal an independent count", async () => {
    const dir = tempDir();
    const line = fc.record({
      kind: fc.constantFrom("I  ", " L ", " S ", " M "),
      addr: fc.oneof(fc.integer({ min: 0x400000, max: 0x480000 }), fc.integer({ min: 0x1ffeff0000, max: 0x1fff000000 }), fc.constant(0x4fffff)),
      size: fc.integer({ min: 1, max: 64 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 400 }), fc.integer({ min: 0, max: 5 }), async (ls, pageShift) => {
        const pageSize = 4096 << pageShift;
        const text = ls.map((l) => `${l.kind}${l.addr.toString(16)},${l.size}`).join("\n");
        writeFileSync(join(dir, "x.txt"), "==1== header\n" + text + "\n==1== footer\n");
        const pages = new Set<number>();
        for (const l of ls) for (let p = Math.floor(l.addr / pageSize); p <= Math.floor((l.addr + l.size - 1) / pageSize); p++) pages.add(p);
        const r = await importTrace(join(dir, "x.txt"), join(dir, "x.amt"), { pageSize });
        expect(r.pages).toBe(pages.size);
        expect(r.accesses).toBe(ls.length);
        const back = readVirtual(join(dir, "x.amt"));
        expect(back.header.pages).toBe(pages.size);
        expect(back.header.accesses).toBe(ls.length);
        expect(new Set(back.records.map((x) => x.vpn))).toEqual(pages);
      }),
      { numRuns: 40 },
    );
  });
});

describe("inputs", () => {
  it("reads gzip by its magic bytes, to the same amt as plain text", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "l.txt"), LACKEY);
    writeFileSync(join(dir, "l.txt.gz"), gzipSync(LACKEY));
    writeFileSync(join(dir, "l.data"), gzipSync(LACKEY)); // no .gz suffix: the magic decides
    await importTrace(join(dir, "l.txt"), join(dir, "a.amt"));
    await importTrace(join(dir, "l.txt.gz"), join(dir, "b.amt"));
    await importTrace(join(dir, "l.data"), join(dir, "c.amt"));
    expect(readFileSync(join(dir, "b.amt"))).toEqual(readFileSync(join(dir, "a.amt")));
    expect(readFileSync(join(dir, "c.amt"))).toEqual(readFileSync(join(dir, "a.amt")));
  });

  // before: refused, its first line shown as "ï»¿R 1000 5"
  it("reads a text trace that starts with a UTF-8 byte-order mark as the same trace without it", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "l.txt"), LACKEY);
    writeFileSync(join(dir, "bom.txt"), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(LACKEY)]));
    writeFileSync(join(dir, "p.txt"), "R 1000 5\nW 1001 2\n");
    writeFileSync(join(dir, "pbom.txt"), "\ufeffR 1000 5\nW 1001 2\n");
    await importTrace(join(dir, "l.txt"), join(dir, "a.amt"));
    await importTrace(join(dir, "bom.txt"), join(dir, "b.amt"));
    await importTrace(join(dir, "p.txt"), join(dir, "c.amt"));
    await importTrace(join(dir, "pbom.txt"), join(dir, "d.amt"));
    expect(readFileSync(join(dir, "b.amt"))).toEqual(readFileSync(join(dir, "a.amt")));
    expect(readFileSync(join(dir, "d.amt"))).toEqual(readFileSync(join(dir, "c.amt")));
  });

  it("reads standard input (\"-\"), plain and gzip, through the command line", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "l.txt"), LACKEY);
    await importTrace(join(dir, "l.txt"), join(dir, "ref.amt"));
    for (const [name, input] of [["plain", Buffer.from(LACKEY)], ["gzip", gzipSync(LACKEY)]] as const) {
      const out = join(dir, `${name}.amt`);
      const r = spawnSync("npx", ["tsx", "src/cli/main.ts", "trace", "import", "-", "-o", out, "--quiet"], { input, encoding: "utf8" });
      expect(r.stderr.replace(/npm warn.*\n/g, "")).toBe("");
      expect(r.status).toBe(0);
      expect(readFileSync(out)).toEqual(readFileSync(join(dir, "ref.amt")));
    }
    // an amt trace on standard input is named as such, not parsed as text
    for (const input of [readFileSync(join(dir, "ref.amt")), gzipSync(readFileSync(join(dir, "ref.amt")))]) {
      const r = spawnSync("npx", ["tsx", "src/cli/main.ts", "trace", "import", "-", "-o", join(dir, "amt-in.amt")], { input, encoding: "utf8" });
      expect(r.status).toBe(1);
      expect(r.stderr.replace(/npm warn.*\n/g, "").trim()).toBe("ampom: <stdin>:1: an amt trace, not text: give import its file to re-encode it (standard input takes text traces)");
    }
  });

  it("opens text and gzip traces as workloads (imported to a temporary amt), equal to the amt", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "l.txt"), LACKEY);
    writeFileSync(join(dir, "l.gz"), gzipSync(LACKEY));
    await importTrace(join(dir, "l.txt"), join(dir, "l.amt"));
    const o = { memoryBytes: 4096, pageSize: 4096, seed: 1, workingSet: 1 };
    const prints: number[] = [];
    for (const f of ["l.amt", "l.txt", "l.gz"]) {
      const w = await openWorkload(join(dir, f), o);
      expect(w.records).toBe(7);
      prints.push(fingerprint(readAll(w)));
    }
    expect(new Set(prints).size).toBe(1);
    await expect(openWorkload(join(dir, "l.amt"), { ...o, pageSize: 8192 })).rejects.toThrow(/4096-byte pages/);
  });
});

describe("malformed input", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["page kind", "R 400 1\nW 401 2\nX 402 3\n", /bad\.txt:3: expected a record `K PAGE GAP`/],
    ["page number", "# c\nR zz 1\n", /bad\.txt:2: expected a hexadecimal page number/],
    ["missing gap", "R 400 1\nR 401\n", /bad\.txt:2: expected a gap after the page number \(a page-level record is `K PAGE GAP`; a lackey line is `I {2}ADDR,SIZE` or ` L ADDR,SIZE`\)/],
    // a lackey log whose first line lacks its size reads as page-level text: said so
    ["a lackey fetch without its size", "I  04000a00\n", /bad\.txt:1: expected a gap after the page number \(.*a lackey line is `I {2}ADDR,SIZE`/],
    ["something else after the page number", "R 400x 1\n", /bad\.txt:1: expected a space after the page number/],
    ["trailing text", "R 400 1 extra\n", /bad\.txt:1: unexpected text after the gap/],
    ["gap that is no number", "R 400 1\nR 401 x\n", /bad\.txt:2: expected a decimal gap/],
    ["gap past 32 bits", "R 400 4294967296\n", /bad\.txt:1: gap does not fit in 32 bits/],
    ["lackey size that is no number", "I  04016a0,3\n L 1ffefff9c8,x\n", /bad\.txt:2: expected a decimal access size/],
    ["lackey text after the size", "I  04016a0,3 z\n", /bad\.txt:1: unexpected text after the access size/],
    ["lackey address", "==1== x\nI  04016a0,3\n L zz,8\n", /bad\.txt:3: expected a hexadecimal address/],
    ["lackey size", "I  04016a0,3\n S 1ffefff9c8\n", /bad\.txt:2: expected `,size` after the address/],
    ["lackey kind", "I  04016a0,3\n Q 1ffefff9c8,8\n", /bad\.txt:2: expected a lackey access/],
    ["lackey without sizes from the first line", " L 1ffefff9c8\n S 1ffefff9d0\n", /bad\.txt:1: a lackey access needs its size/],
  ];
  it.each(cases)("%s: names the file and line, leaves no output", async (_, text, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, "bad.txt"), text);
    await expect(importTrace(join(dir, "bad.txt"), join(dir, "out.amt"))).rejects.toThrow(message);
    writeFileSync(join(dir, "bad.gz"), gzipSync(text));
    await expect(importTrace(join(dir, "bad.gz"), join(dir, "out.amt"))).rejects.toThrow(new RegExp(message.source.replace("bad\\.txt", "bad\\.gz")));
    expect(existsSync(join(dir, "out.amt"))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(["bad.gz", "bad.txt"]);
  });

  it("refuses a lackey address whose page number is not exact in 53 bits, or an access past 2^64, where it had hung", async () => {
    const dir = tempDir();
    const at = (text: string, pageSize: number) => {
      writeFileSync(join(dir, "high.txt"), text);
      return importTrace(join(dir, "high.txt"), join(dir, "o.amt"), { pageSize });
    };
    await expect(at(" L fffffffffffff000,8\n", 1024)).rejects.toThrow(/high\.txt:1: page number does not fit in 53 bits at 1024-byte pages/);
    await expect(at(" L fffffffffffff000,8\n", 4096)).resolves.toMatchObject({ records: 1 });
    await expect(at(" L ffffffffffffffff,8\n", 4096)).rejects.toThrow(/high\.txt:1: the access runs past the top of the 64-bit address space/);
    expect(existsSync(join(dir, "o.amt"))).toBe(true);
  });

  it("a lackey access too large says so, not that its size is missing", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "big.txt"), "I  0400d7d4,8\n L 1000,2000000\n");
    await expect(importTrace(join(dir, "big.txt"), join(dir, "o.amt"))).rejects.toThrow(
      `big.txt:2: access size 2000000 is more than the 1048576 bytes an access may be (line: " L 1000,2000000")`,
    );
    expect(existsSync(join(dir, "o.amt"))).toBe(false);
  });

  it("names the trace whose pages are too scattered for 2^32 dense pages", async () => {
    const dir = tempDir();
    // 1,100 pages 2^33 apart: more than the 1,024 regions an amt holds, so some join
    // across gaps of 2^33 pages
    writeFileSync(join(dir, "far.txt"), Array.from({ length: 1100 }, (_, i) => `R ${(BigInt(i) << 33n).toString(16)} 1\n`).join(""));
    // the widest gap joined, not the threshold under which gaps always join (before: "of up to 64 pages")
    await expect(importTrace(join(dir, "far.txt"), join(dir, "o.amt"))).rejects.toThrow(
      `far.txt: its regions span more than 2^32 pages (1024 regions at most, so joined across gaps of up to ${2 ** 33 - 1} untouched pages): addresses too scattered for an amt trace`,
    );
  });

  it("reports a truncated gzip stream", async () => {
    const dir = tempDir();
    const gz = gzipSync(LACKEY.repeat(50));
    writeFileSync(join(dir, "cut.gz"), gz.subarray(0, gz.length - 40));
    // the place named: the byte the stream stops at, what it unpacked, the line reached
    const unpacked = gunzipSync(gz.subarray(0, gz.length - 40), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    const line = unpacked.toString("latin1").split("\n").length;
    await expect(importTrace(join(dir, "cut.gz"), join(dir, "o.amt"))).rejects.toThrow(
      `cut.gz: cannot read trace: unexpected end of file: the gzip stream is cut short at byte ${gz.length - 40} (the end of the file), after ${unpacked.length} bytes unpacked, reading line ${line}`,
    );
    expect(existsSync(join(dir, "o.amt"))).toBe(false);
  });

  it("reports a missing file and an empty trace", async () => {
    const dir = tempDir();
    await expect(importTrace(join(dir, "none.txt"), join(dir, "o.amt"))).rejects.toThrow(/none\.txt: cannot open trace: ENOENT/);
    // a folder: in trace info's and a run's words, not EISDIR
    await expect(importTrace(dir, join(dir, "o.amt"))).rejects.toThrow(`${dir}: is a directory, not a trace file`);
    writeFileSync(join(dir, "empty.txt"), "# nothing\n");
    await expect(importTrace(join(dir, "empty.txt"), join(dir, "o.amt"))).rejects.toThrow(/empty\.txt: no records/);
  });

  // before: "not a trace: binary data without the amt magic, and no text"
  it("names a compression it does not read (xz, zstd, bzip2, lz4), by the command line too, and writes nothing", async () => {
    const dir = tempDir();
    const trace = Buffer.from("R 1000 5\n".repeat(100));
    const packed: Record<string, Buffer> = {
      xz: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04]),
      zstd: Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00]),
      bzip2: Buffer.from("BZh91AY&SY"),
      lz4: Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x64, 0x40]),
    };
    for (const [name, magic] of Object.entries(packed)) {
      const file = join(dir, `t.${name}`);
      writeFileSync(file, Buffer.concat([magic, trace]));
      const said = `${file}: compressed with ${name}: a trace is read plain or gzip'd only (unpack it first, or gzip it)`;
      await expect(importTrace(file, join(dir, "o.amt"))).rejects.toThrow(said);
      const r = await ampom("run", "-w", file, "-q", "--no-baselines");
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`ampom: ${said}\n`);
    }
    expect(readdirSync(dir).filter((f) => !f.startsWith("t."))).toEqual([]);
  });

  it("says a lackey log with only valgrind's own lines was made without --trace-mem=yes", async () => {
    const dir = tempDir();
    const log = ["==8025== Lackey, an example Valgrind tool", "==8025== Command: true", "==8025== ", "==8025== Counted 1 call to main()"].join("\n") + "\n";
    writeFileSync(join(dir, "nomem.txt"), log);
    await expect(importTrace(join(dir, "nomem.txt"), join(dir, "o.amt"))).rejects.toThrow(
      `${join(dir, "nomem.txt")}: no records (only valgrind's own lines, no memory accesses): lackey writes them only when run with --trace-mem=yes`,
    );
    expect(existsSync(join(dir, "o.amt"))).toBe(false);
  });
});

describe("the output's name", () => {
  const text = pageText([{ vpn: 0x400, flags: REC_CODE, gap: 3 }, { vpn: 0x601, flags: REC_WRITE, gap: 2 }, { vpn: 0x400, flags: 0, gap: 1 }]);

  it("NAME.amt.gz is written gzip'd: the same amt as NAME.amt, and read as any trace", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "t.txt"), text);
    await importTrace(join(dir, "t.txt"), join(dir, "t.amt"));
    const r = await importTrace(join(dir, "t.txt"), join(dir, "t.amt.gz"));
    expect(r.output).toBe(join(dir, "t.amt.gz"));
    const gz = readFileSync(join(dir, "t.amt.gz"));
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(gz)).toEqual(readFileSync(join(dir, "t.amt")));
    // an amt re-encoded to NAME.amt.gz too, and nothing left beside it
    await importTrace(join(dir, "t.amt"), join(dir, "again.amt.gz"));
    expect(gunzipSync(readFileSync(join(dir, "again.amt.gz")))).toEqual(readFileSync(join(dir, "t.amt")));
    expect(readdirSync(dir).sort()).toEqual(["again.amt.gz", "t.amt", "t.amt.gz", "t.txt"]);
    const o = { memoryBytes: 4096, pageSize: 4096, seed: 1, workingSet: 1 };
    expect(fingerprint(readAll(await openWorkload(join(dir, "t.amt.gz"), o)))).toBe(fingerprint(readAll(await openWorkload(join(dir, "t.amt"), o))));
  });

  it("refuses a name it would write amt under without saying so, before reading the input", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "t.txt"), text);
    for (const name of ["out.txt", "out.gz", "out.txt.gz", "out"]) {
      await expect(importTrace(join(dir, "t.txt"), join(dir, name))).rejects.toThrow(
        `${join(dir, name)}: the output is an amt trace: name it NAME.amt, or NAME.amt.gz to have it gzip'd`,
      );
      await expect(importTrace(join(dir, "missing.txt"), join(dir, name))).rejects.toThrow(/the output is an amt trace/);
    }
    expect(readdirSync(dir)).toEqual(["t.txt"]);
  });
});

describe("the per-process cache of opened traces", () => {
  it("opens a trace file again once another has replaced it, even of the same size and modification time (cp -p)", async () => {
    const dir = tempDir();
    const o = { memoryBytes: 4096, pageSize: 4096, seed: 1, workingSet: 1 };
    const lines = (step: number) => Array.from({ length: 200 }, (_, i) => `R ${(0x1000 + ((i * step) % 90)).toString(16)} 100`).join("\n") + "\n";
    const cur = join(dir, "cur.txt");
    const other = join(dir, "other.txt");
    writeFileSync(cur, lines(1));
    writeFileSync(other, lines(7));
    const before = readAll(await openWorkload(cur, o));
    // the replacement takes the first file's times, then is copied over it keeping them
    const mtime = statSync(cur, { bigint: true }).mtimeNs;
    expect(spawnSync("touch", ["-r", cur, other]).status).toBe(0);
    expect(spawnSync("cp", ["-p", other, cur]).status).toBe(0);
    expect(statSync(cur, { bigint: true }).mtimeNs).toBe(mtime);
    const after = readAll(await openWorkload(cur, o));
    expect(fingerprint(after)).not.toBe(fingerprint(before));
    expect(fingerprint(after)).toBe(fingerprint(readAll(await openWorkload(other, o))));
  });
});
