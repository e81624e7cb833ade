// The project's binary trace format, amt: a header with the region table, the records
// in fixed-size checksummed blocks, and a trailer. All integers little-endian.
//
//   header   0  8  magic "AMPOMTRC"
//            8  4  version (1)
//           12  4  page size, bytes
//           16  4  region count R
//           20  4  records per block B (every block but the last holds exactly B)
//           24  8  records
//           32  8  distinct pages
//           40  8  accesses (sum of the gaps)
//           48  4  page count (one past the last dense page id)
//           52  4  header bytes H = 64 + 32 R
//           56  4  reserved, 0
//           60  4  CRC-32 of the H header bytes with this field zero
//           64 32R region table: start u32, pages u32, vpn base u64, kind u8,
//                  name (15 bytes, NUL-padded)
//   block    0  4  records c in the block
//            4  4  CRC-32 of the payload
//            8 9c  payload: c page ids (u32), c gaps (u32), c flags (u8)
//   trailer  0  8  magic "AMPOMEND"
//            8  4  block count
//           12  4  CRC-32 over the blocks' CRCs (each as 4 little-endian bytes)
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { crc32 } from "node:zlib";
import type { RecordStream, Region, RegionKind, Workload } from "../workloads/types.js";

export const AMT_MAGIC = "AMPOMTRC";
export const AMT_END = "AMPOMEND";
export const AMT_VERSION = 1;
export const HEADER_FIXED = 64;
export const REGION_BYTES = 32;
export const BLOCK_HEAD = 8;
export const TRAILER_BYTES = 16;
export const DEFAULT_BLOCK_RECORDS = 1 << 16;
const KINDS: RegionKind[] = ["code", "data", "heap", "stack", "mmap"];

export interface AmtHeader {
  pageSize: number;
  blockRecords: number;
  records: number;
  pages: number;
  accesses: number;
  pageCount: number;
  regions: Region[];
  headerBytes: number;
}

export function encodeHeader(h: Omit<AmtHeader, "headerBytes">): Buffer {
  const H = HEADER_FIXED + REGION_BYTES * h.regions.length;
  const b = Buffer.alloc(H);
  b.write(AMT_MAGIC, 0, "latin1");
  b.writeUInt32LE(AMT_VERSION, 8);
  b.writeUInt32LE(h.pageSize, 12);
  b.writeUInt32LE(h.regions.length, 16);
  b.writeUInt32LE(h.blockRecords, 20);
  b.writeBigUInt64LE(BigInt(h.records), 24);
  b.writeBigUInt64LE(BigInt(h.pages), 32);
  b.writeBigUInt64LE(BigInt(h.accesses), 40);
  b.writeUInt32LE(h.pageCount, 48);
  b.writeUInt32LE(H, 52);
  h.regions.forEach((r, i) => {
    const o = HEADER_FIXED + REGION_BYTES * i;
    b.writeUInt32LE(r.start, o);
    b.writeUInt32LE(r.pages, o + 4);
    b.writeBigUInt64LE(r.vpnBase ?? 0n, o + 8);
    b.writeUInt8(Math.max(0, KINDS.indexOf(r.kind)), o + 16);
    b.write(r.name.slice(0, 15), o + 17, "latin1");
  });
  b.writeUInt32LE(crc32(b), 60);
  return b;
}

/** Bytes of a file holding `records` records in blocks of `blockRecords`. */
export function amtFileBytes(headerBytes: number, records: number, blockRecords: number): number {
  const blocks = Math.ceil(records / blockRecords);
  return headerBytes + blocks * BLOCK_HEAD + 9 * records + TRAILER_BYTES;
}

function readAt(fd: number, file: string, bytes: number, position: number, what: string): Buffer {
  const b = Buffer.alloc(bytes);
  let got = 0;
  while (got < bytes) {
    const n = readSync(fd, b, got, bytes - got, position + got);
    if (n === 0) throw new Error(`${file}: truncated amt trace: ${what} at byte ${position} ends at byte ${position + got}`);
    got += n;
  }
  return b;
}

/** Reads and checks the header (and that the file has the length it implies). */
export function readAmtHeader(fd: number, file: string): AmtHeader {
  const size = fstatSync(fd).size;
  if (size < HEADER_FIXED) throw new Error(`${file}: not an amt trace (only ${size} bytes)`);
  const fixed = readAt(fd, file, HEADER_FIXED, 0, "the header");
  if (fixed.toString("latin1", 0, 8) !== AMT_MAGIC) throw new Error(`${file}: not an amt trace (bad magic at byte 0)`);
  const version = fixed.readUInt32LE(8);
  if (version !== AMT_VERSION) throw new Error(`${file}: amt version ${version} at byte 8; this build reads version ${AMT_VERSION}`);
  const count = fixed.readUInt32LE(16);
  const H = fixed.readUInt32LE(52);
  if (H !== HEADER_FIXED + REGION_BYTES * count) throw new Error(`${file}: corrupt amt header: header size ${H} at byte 52 does not match ${count} regions`);
  const b = readAt(fd, file, H, 0, "the header");
  const stored = b.readUInt32LE(60);
  b.writeUInt32LE(0, 60);
  if (crc32(b) !== stored) throw new Error(`${file}: corrupt amt header: checksum mismatch (bytes 0..${H})`);
  const regions: Region[] = [];
  for (let i = 0; i < count; i++) {
    const o = HEADER_FIXED + REGION_BYTES * i;
    const nameEnd = b.indexOf(0, o + 17);
    regions.push({
      name: b.toString("latin1", o + 17, nameEnd < 0 || nameEnd > o + 32 ? o + 32 : nameEnd),
      kind: KINDS[b.readUInt8(o + 16)] ?? "data",
      start: b.readUInt32LE(o),
      pages: b.readUInt32LE(o + 4),
      vpnBase: b.readBigUInt64LE(o + 8),
    });
  }
  const h: AmtHeader = {
    pageSize: b.readUInt32LE(12),
    blockRecords: b.readUInt32LE(20),
    records: Number(b.readBigUInt64LE(24)),
    pages: Number(b.readBigUInt64LE(32)),
    accesses: Number(b.readBigUInt64LE(40)),
    pageCount: b.readUInt32LE(48),
    regions,
    headerBytes: H,
  };
  if (h.blockRecords < 1) throw new Error(`${file}: corrupt amt header: records per block is 0 (byte 20)`);
  let next = 0;
  for (const r of regions) {
    if (r.start < next || r.start + r.pages > h.pageCount) throw new Error(`${file}: corrupt amt header: region ${r.name} overlaps or lies outside the ${h.pageCount} pages`);
    next = r.start + r.pages;
  }
  const expected = amtFileBytes(H, h.records, h.blockRecords);
  if (size !== expected) {
    throw new Error(
      size < expected
        ? `${file}: truncated amt trace: ${size} bytes, the header (${h.records} records) implies ${expected}`
        : `${file}: corrupt amt trace: ${size} bytes, the header (${h.records} records) implies ${expected}`,
    );
  }
  const t = readAt(fd, file, TRAILER_BYTES, size - TRAILER_BYTES, "the trailer");
  if (t.toString("latin1", 0, 8) !== AMT_END) throw new Error(`${file}: corrupt amt trace: bad trailer magic at byte ${size - TRAILER_BYTES}`);
  return h;
}

/** Streams the records of an amt file block by block, checking every checksum. */
export class AmtStream implements RecordStream {
  private buf: Uint8Array;
  private pos = 0;
  private len = 0;
  private block = 0;
  private offset: number;
  private chain = 0;
  private readonly blocks: number;
  private view: { pages: Uint32Array; gaps: Uint32Array; flags: Uint8Array } | null = null;

  constructor(
    private readonly fd: number,
    private readonly file: string,
    private readonly h: AmtHeader,
    private readonly ownsFd: boolean,
  ) {
    this.buf = new Uint8Array(BLOCK_HEAD + 9 * h.blockRecords);
    this.offset = h.headerBytes;
    this.blocks = Math.ceil(h.records / h.blockRecords);
  }

  private loadBlock(): boolean {
    if (this.block === this.blocks) {
      this.finish();
      return false;
    }
    const c = this.block === this.blocks - 1 ? this.h.records - this.block * this.h.blockRecords : this.h.blockRecords;
    const bytes = BLOCK_HEAD + 9 * c;
    let got = 0;
    while (got < bytes) {
      const n = readSync(this.fd, this.buf, got, bytes - got, this.offset + got);
      if (n === 0) throw new Error(`${this.file}: truncated amt trace: block ${this.block} at byte ${this.offset} ends at byte ${this.offset + got}`);
      got += n;
    }
    const head = new DataView(this.buf.buffer, 0, BLOCK_HEAD);
    const count = head.getUint32(0, true);
    const sum = head.getUint32(4, true);
    const payload = this.buf.subarray(BLOCK_HEAD, bytes);
    if (count !== c || crc32(payload) !== sum) {
      throw new Error(`${this.file}: corrupt amt trace: checksum mismatch in block ${this.block} at byte ${this.offset}`);
    }
    const cs = Buffer.alloc(4);
    cs.writeUInt32LE(sum);
    this.chain = crc32(cs, this.chain);
    this.view = {
      pages: new Uint32Array(this.buf.buffer, BLOCK_HEAD, c),
      gaps: new Uint32Array(this.buf.buffer, BLOCK_HEAD + 4 * c, c),
      flags: new Uint8Array(this.buf.buffer, BLOCK_HEAD + 8 * c, c),
    };
    this.offset += bytes;
    this.block++;
    this.pos = 0;
    this.len = c;
    return true;
  }

  private finish(): void {
    const t = readAt(this.fd, this.file, TRAILER_BYTES, this.offset, "the trailer");
    if (t.toString("latin1", 0, 8) !== AMT_END || t.readUInt32LE(8) !== this.blocks || t.readUInt32LE(12) !== this.chain >>> 0) {
      throw new Error(`${this.file}: corrupt amt trace: trailer at byte ${this.offset} does not match the blocks`);
    }
  }

  fill(pages: Uint32Array, gaps: Uint32Array, flags: Uint8Array, max: number): number {
    let n = 0;
    while (n < max) {
      if (this.pos === this.len) {
        if (!this.loadBlock()) break;
      }
      const v = this.view!;
      const take = Math.min(max - n, this.len - this.pos);
      pages.set(v.pages.subarray(this.pos, this.pos + take), n);
      gaps.set(v.gaps.subarray(this.pos, this.pos + take), n);
      flags.set(v.flags.subarray(this.pos, this.pos + take), n);
      this.pos += take;
      n += take;
    }
    return n;
  }

  close(): void {
    if (this.ownsFd) closeSync(this.fd);
  }
}

/** An amt file as a Workload. With `fd` (an already open, possibly unlinked file) the
 * streams share it; otherwise each stream opens the file itself. */
export function openAmt(file: string, fd?: number): Workload & { header: AmtHeader } {
  const own = fd === undefined;
  const hfd = fd ?? openFile(file);
  let h: AmtHeader;
  try {
    h = readAmtHeader(hfd, file);
  } finally {
    if (own) closeSync(hfd);
  }
  return {
    name: file,
    pageSize: h.pageSize,
    regions: h.regions,
    pageCount: h.pageCount,
    records: h.records,
    header: h,
    open: () => (own ? new AmtStream(openFile(file), file, h, true) : new AmtStream(fd, file, h, false)),
  };
}

function openFile(file: string): number {
  try {
    return openSync(file, "r");
  } catch (err) {
    throw new Error(`${file}: cannot open trace: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
