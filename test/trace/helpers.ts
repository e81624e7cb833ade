// Shared by the trace tests: temp dirs, reading an amt back as virtual page records.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import { afterAll } from "vitest";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openAmt, writeWorkloadAmt } from "../../src/trace/amt.js";
import { arrayWorkload } from "../core/helpers.js";
import { readAll } from "../workloads/helpers.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "ampom-trace-test-"));
  dirs.push(d);
  return d;
}

export interface VRecord {
  vpn: number;
  gap: number;
  flags: number;
}

/** The records of an amt file with dense ids mapped back to virtual page numbers. */
export function readVirtual(file: string): { records: VRecord[]; header: ReturnType<typeof openAmt>["header"] } {
  const w = openAmt(file);
  const t = readAll(w);
  const vpnOf = new Float64Array(w.pageCount);
  for (const r of w.regions) for (let i = 0; i < r.pages; i++) vpnOf[r.start + i] = Number(r.vpnBase!) + i;
  const records: VRecord[] = [];
  for (let i = 0; i < t.length; i++) records.push({ vpn: vpnOf[t.pages[i]], gap: t.gaps[i], flags: t.flags[i] });
  return { records, header: w.header };
}

/** Consecutive records on one page merged, as the importer must, while the merged gap
 * fits in 32 bits (past that the run goes on in a new record). */
export function merged(records: VRecord[]): VRecord[] {
  const out: VRecord[] = [];
  for (const r of records) {
    const last = out[out.length - 1];
    if (last && last.vpn === r.vpn && last.gap + r.gap <= 0xffffffff) {
      last.gap += r.gap;
      last.flags |= r.flags;
    } else out.push({ ...r });
  }
  return out;
}

/** Records per block of v1With's trace. */
export const V1_BLOCK = 64;

/** A v1 amt of 4 blocks of V1_BLOCK records over 100 pages, record `at` changed by
 * `damage` (given the byte offsets of its page and its flags), every checksum (the
 * block's, the trailer's chain) made good again: damage only a record check finds. */
export function v1With(file: string, at: number, damage: (b: Buffer, page: number, flag: number) => void): void {
  const B = V1_BLOCK;
  const records = Array.from({ length: 4 * B }, (_, i) => ({ page: (i * 7) % 100, gap: 1 + (i % 3), flags: i % 4 }));
  writeWorkloadAmt(arrayWorkload([100], records), file, { blockRecords: B, version: 1 });
  const b = readFileSync(file);
  let off = b.readUInt32LE(52);
  let chain = 0;
  for (let first = 0; first < records.length; first += B) {
    const c = Math.min(B, records.length - first);
    if (at >= first && at < first + c) damage(b, off + 8 + 4 * (at - first), off + 8 + 8 * c + (at - first));
    const sum = crc32(b.subarray(off + 8, off + 8 + 9 * c));
    b.writeUInt32LE(sum, off + 4);
    const s = Buffer.alloc(4);
    s.writeUInt32LE(sum);
    chain = crc32(s, chain);
    off += 8 + 9 * c;
  }
  b.writeUInt32LE(chain >>> 0, off + 12);
  writeFileSync(file, b);
}

/** Sets an amt header's page count (byte 48), its checksum made good again: records
 * written past the new count become records outside the address space. */
export function setPageCount(file: string, pageCount: number): void {
  const b = readFileSync(file);
  const H = b.readUInt32LE(52);
  b.writeUInt32LE(pageCount, 48);
  b.writeUInt32LE(0, 60);
  b.writeUInt32LE(crc32(b.subarray(0, H)), 60);
  writeFileSync(file, b);
}
