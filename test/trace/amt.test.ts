// The amt reader: streaming with every checksum checked, and clear errors naming the
// file and the byte offset or block when a file is truncated or corrupted.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { AMT_VERSION, HEADER_FIXED, HEADER_FIXED_V2, REGION_BYTES, openAmt, writeWorkloadAmt, type AmtVersion } from "../../src/trace/amt.js";
import { importTrace, reencodeAmt } from "../../src/trace/import.js";
import { arrayWorkload } from "../core/helpers.js";
import { readAll } from "../workloads/helpers.js";
import { tempDir } from "./helpers.js";
import { amtPageSize } from "../../src/trace/open.js";
import { ampom } from "../cli/capture.js";

/** An amt with 3 blocks (150k records) and 2 regions. */
async function sample(dir: string, version: AmtVersion = AMT_VERSION): Promise<string> {
  const lines: string[] = [];
  for (let i = 0; i < 150_000; i++) lines.push(`${i % 2 ? "R" : "W"} ${(i % 2 ? 0x7fff0000 + ((i >> 1) % 100) : 0x400 + ((i >> 1) % 50)).toString(16)} ${i % 9}`);
  writeFileSync(join(dir, "s.txt"), lines.join("\n"));
  await importTrace(join(dir, "s.txt"), join(dir, "s.amt"), { version });
  return join(dir, "s.amt");
}

/** Byte offset of block `k`'s head. */
function blockAt(b: Buffer, k: number): number {
  const H = b.readUInt32LE(52);
  if (b.readUInt32LE(8) === 1) return H + k * (8 + 9 * 65536);
  let at = H;
  for (let i = 0; i < k; i++) at += 12 + b.readUInt32LE(at + 4);
  return at;
}

/** Flips the bits `mask` of payload byte `offset` of block `k` of the amt `file`, on disk;
 * the block's head offset, and the file's bytes as written. */
function flipPayloadByte(file: string, k: number, offset: number, mask: number): { block: number; b: Buffer } {
  const b = readFileSync(file);
  const block = blockAt(b, k);
  b[block + 12 + offset] ^= mask;
  writeFileSync(file, b);
  return { block, b };
}

describe.each([1, 2] as const)("amt v%i", (version) => {
  it("says whether its regions are drawn round touched pages or mapped whole from the start", async () => {
    const dir = tempDir();
    // an import draws them round the touched pages: bit 7 of every kind byte clear
    const imported = await sample(dir, version);
    expect(openAmt(imported).regionsFromTouches).toBe(true);
    const b = readFileSync(imported);
    const F = version === 1 ? HEADER_FIXED : HEADER_FIXED_V2;
    expect([0, 1].map((i) => b.readUInt8(F + REGION_BYTES * i + 16) & 0x80)).toEqual([0, 0]);
    // a generated workload written as a trace keeps its whole mappings, and its kinds
    const generated = arrayWorkload([4, 6], [{ page: 0, gap: 1, flags: 0 }, { page: 9, gap: 1, flags: 0 }]);
    const file = join(dir, "g.amt");
    writeWorkloadAmt(generated, file, { version });
    const back = openAmt(file);
    expect(back.regionsFromTouches).toBe(false);
    expect(back.regions.map((r) => [r.kind, r.start, r.pages])).toEqual(generated.regions.map((r) => [r.kind, r.start, r.pages]));
    // re-encoding keeps the mark
    const again = join(dir, "g2.amt");
    reencodeAmt(file, again, version);
    expect(openAmt(again).regionsFromTouches).toBe(false);
  });

  it("has the documented header and reads back in any chunk size", async () => {
    const dir = tempDir();
    const file = await sample(dir, version);
    const b = readFileSync(file);
    expect(b.toString("latin1", 0, 8)).toBe("AMPOMTRC");
    expect(b.readUInt32LE(8)).toBe(version);
    expect(b.readUInt32LE(12)).toBe(4096);
    expect(b.readUInt32LE(16)).toBe(2);
    expect(Number(b.readBigUInt64LE(24))).toBe(150_000);
    expect(Number(b.readBigUInt64LE(32))).toBe(150);
    expect(b.readUInt32LE(52)).toBe((version === 1 ? HEADER_FIXED : HEADER_FIXED_V2) + 2 * REGION_BYTES);
    if (version === 2) {
      expect(Number(b.readBigUInt64LE(64))).toBe(b.length);
      // block heads: records, payload bytes (a multiple of 16), the largest in the header
      const sizes = [0, 1, 2].map((k) => b.readUInt32LE(blockAt(b, k) + 4));
      expect([0, 1, 2].map((k) => b.readUInt32LE(blockAt(b, k)))).toEqual([65536, 65536, 150_000 - 2 * 65536]);
      for (const L of sizes) expect(L % 16).toBe(0);
      expect(b.readUInt32LE(56)).toBe(Math.max(...sizes));
      expect(blockAt(b, 3) + 16).toBe(b.length);
    }
    expect(b.toString("latin1", b.length - 16, b.length - 8)).toBe("AMPOMEND");
    expect(b.readUInt32LE(b.length - 8)).toBe(3);
    const w = openAmt(file);
    const a = readAll(w, 65536);
    const c = readAll(w, 777);
    expect(a.length).toBe(150_000);
    expect(Array.from(c.pages)).toEqual(Array.from(a.pages));
    expect(Array.from(c.gaps)).toEqual(Array.from(a.gaps));
  });

  it("detects a flipped byte in a block by its checksum, naming the block and offset", async () => {
    const dir = tempDir();
    const file = await sample(dir, version);
    const { block: block1 } = flipPayloadByte(file, 1, 1000, 0x40);
    const w = openAmt(file); // the header is fine
    expect(() => readAll(w)).toThrow(new RegExp(`s\\.amt: corrupt amt trace: checksum mismatch in block 1 at byte ${block1}`));
  });

  it("`ampom trace info` reads every block: a damaged one exits 1 naming it; --no-verify reads only the header", async () => {
    const dir = tempDir();
    const file = await sample(dir, version);
    const { block: block2 } = flipPayloadByte(file, 2, 100, 0x01);
    const bad = await ampom("trace", "info", file);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toBe(`ampom: ${file}: corrupt amt trace: checksum mismatch in block 2 at byte ${block2}\n`);
    const quick = await ampom("trace", "info", file, "--no-verify", "--json");
    expect(quick.code).toBe(0);
    expect(JSON.parse(quick.stdout)).toMatchObject({ records: 150_000, verified: false });
    const good = await sample(tempDir(), version);
    const ok = await ampom("trace", "info", good, "--json");
    expect(JSON.parse(ok.stdout)).toMatchObject({ records: 150_000, verified: true });
  });

  it("detects a truncated file before reading records", async () => {
    const dir = tempDir();
    const file = await sample(dir, version);
    truncateSync(file, readFileSync(file).length - 100);
    expect(() => openAmt(file)).toThrow(
      version === 1 ? /s\.amt: truncated amt trace: \d+ bytes, the header \(150000 records\) implies \d+/ : /s\.amt: truncated amt trace: \d+ bytes, the header says \d+ \(byte 64\)/,
    );
  });

  it("detects a corrupted header, a corrupted trailer and a file that is not amt", async () => {
    const dir = tempDir();
    const file = await sample(dir, version);
    const good = readFileSync(file);
    const bad = Buffer.from(good);
    bad[(version === 1 ? HEADER_FIXED : HEADER_FIXED_V2) + 9] ^= 1; // a region's vpn base
    writeFileSync(file, bad);
    expect(() => openAmt(file)).toThrow(/corrupt amt header: checksum mismatch/);
    const t = Buffer.from(good);
    t[t.length - 1] ^= 1; // the chained block checksum
    writeFileSync(file, t);
    expect(() => readAll(openAmt(file))).toThrow(/s\.amt: corrupt amt trace: trailer at byte \d+ does not match the blocks/);
    writeFileSync(file, "R 400 1\n");
    expect(() => openAmt(file)).toThrow(/not an amt trace/);
  });

  it("an amt cut inside its header's fixed part is truncated, with its size, not 'not an amt trace'", () => {
    const dir = tempDir();
    writeWorkloadAmt(arrayWorkload([8], [{ page: 1, gap: 1, flags: 0 }]), join(dir, "whole.amt"), { version });
    const whole = readFileSync(join(dir, "whole.amt"));
    for (const n of [10, 20, HEADER_FIXED - 1]) {
      const file = join(dir, "cut.amt");
      writeFileSync(file, whole.subarray(0, n));
      const message = `${file}: truncated amt trace: ${n} bytes, less than the ${HEADER_FIXED} of a header's fixed part`;
      expect(() => openAmt(file)).toThrow(message);
      // trace info reads the page size (byte 12) first: cut before it, on the plain
      // file and gzip'd, it says the same
      if (n < 16) {
        expect(() => amtPageSize(file)).toThrow(message);
        writeFileSync(`${file}.gz`, gzipSync(whole.subarray(0, n)));
        expect(() => amtPageSize(`${file}.gz`)).toThrow(message.replace(file, `${file}.gz`));
      }
    }
  });

  // v1 took a library stream's flags above 3 as they came, in a file every reader then
  // refused ("corrupt amt trace: block 0 (record 1) has flags 5, ..."); v2 refused them
  // in words of its own, after writing the header (a 104-byte file left behind)
  it("writeWorkloadAmt refuses a record's flags above 3, in the words a run of the workload uses, and leaves no file", () => {
    const dir = tempDir();
    const file = join(dir, "flags.amt");
    const w = arrayWorkload([8], [{ page: 1, gap: 1, flags: 0 }, { page: 2, gap: 1, flags: 5 }], "mine");
    expect(() => writeWorkloadAmt(w, file, { version })).toThrow(/^workload mine: record 1 has flags 5, not 0 to 3 \(1 write, 2 code\)$/);
    expect(existsSync(file)).toBe(false);
  });

  it("`ampom trace info --json` reports records, distinct pages, accesses and regions", async () => {
    const dir = tempDir();
    const file = await sample(dir, version);
    const r = spawnSync("npx", ["tsx", "src/cli/main.ts", "trace", "info", file, "--json"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout);
    let accesses = 0;
    for (let i = 0; i < 150_000; i++) accesses += i % 9;
    expect(info).toMatchObject({ format: "amt", records: 150_000, pages: 150, accesses, pageSize: 4096 });
    expect(info.regions.map((g: { vpnBase: string; pages: number }) => [g.vpnBase, g.pages])).toEqual([["0x400", 50], ["0x7fff0000", 100]]);
    const bad = spawnSync("npx", ["tsx", "src/cli/main.ts", "trace", "info", join(dir, "missing.amt")], { encoding: "utf8" });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/ampom: .*missing\.amt/);
  });
});

describe("amt v2 skip()", () => {
  it("passes over whole blocks by their heads, then reads on with the trailer checked", async () => {
    const dir = tempDir();
    const file = await sample(dir, 2);
    const all = readAll(openAmt(file), 65536);
    for (const [ask, passed] of [[0, 0], [65535, 0], [65536, 65536], [140_000, 131_072], [150_000, 150_000]]) {
      const s = openAmt(file).open();
      expect(s.skip!(ask)).toBe(passed);
      const rest = new Uint32Array(150_000);
      let n = 0;
      for (let got; (got = s.fill(rest.subarray(n), new Uint32Array(150_000), new Uint8Array(150_000), 150_000 - n)) > 0; ) n += got;
      expect(n).toBe(150_000 - passed);
      expect(Array.from(rest.subarray(0, n))).toEqual(Array.from(all.pages.subarray(passed)));
      s.close?.();
    }
  });

  it("does not read a skipped block's payload, but still checks the heads and the trailer", async () => {
    const dir = tempDir();
    const file = await sample(dir, 2);
    const { block: block0, b } = flipPayloadByte(file, 0, 100, 0x01);
    const s = openAmt(file).open();
    expect(s.skip!(65536)).toBe(65536);
    const pages = new Uint32Array(150_000);
    expect(s.fill(pages, new Uint32Array(150_000), new Uint8Array(150_000), 150_000)).toBe(150_000 - 65536);
    b[block0 + 12 + 100] ^= 0x01;
    b.writeUInt32LE(b.readUInt32LE(block0 + 4) + 16, block0 + 4); // block 0's length, in its head
    writeFileSync(file, b);
    expect(() => openAmt(file).open().skip!(65536)).toThrow(/s\.amt: corrupt amt trace: (bad head of block 0|block 0 at byte \d+ runs past)/);
  });
});
