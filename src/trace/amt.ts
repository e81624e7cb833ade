// The project's binary trace format, amt: a header with the region table, the records
// in checksummed blocks, and a trailer. All integers little-endian. Version 2 (written
// by default) codes each block compactly (amt-codec.ts) and is decoded inside the core;
// version 1 stores 9 bytes a record and is still read.
//
//   header   0  8  magic "AMPOMTRC"
//            8  4  version (1 or 2)
//           12  4  page size, bytes
//           16  4  region count R
//           20  4  records per block B (every block but the last holds exactly B;
//                  v2: B <= 65536)
//           24  8  records
//           32  8  distinct pages
//           40  8  accesses (sum of the gaps)
//           48  4  page count (one past the last dense page id)
//           52  4  header bytes H = F + 32 R (F = 64 in v1, 72 in v2)
//           56  4  v1: reserved, 0; v2: the largest block payload, bytes
//           60  4  CRC-32 of the H header bytes with this field zero
//           64  8  v2 only: file bytes
//            F 32R region table: start u32, pages u32, vpn base u64, kind u8 (bit 7:
//                  mapped whole from the start, set on every region of a generated
//                  workload; clear: drawn round the pages a captured trace touches),
//                  name (15 bytes, NUL-padded)
//   block v1 0  4  records c in the block
//            4  4  CRC-32 of the payload
//            8 9c  payload: c page ids (u32), c gaps (u32), c flags (u8)
//   block v2 0  4  records c in the block
//            4  4  payload bytes L (a multiple of 16)
//            8  4  checksum of the payload (amt-codec.ts hash32)
//           12  L  payload (amt-codec.ts)
//   trailer  0  8  magic "AMPOMEND"
//            8  4  block count
//           12  4  v1: CRC-32 over the blocks' CRCs (each as 4 little-endian bytes);
//                  v2: the blocks' checksums chained (amt-codec.ts chainHash)
import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { crc32 } from "node:zlib";
import { C_CHUNK_LEN, C_CURSOR, REC_CODE, REC_WRITE } from "../core/abi.js";
import type { CoreViews, SimCore } from "../core/types.js";
import { firstBadRegion, firstInNoRegion, flagsProblem, type RecordStream, type Region, type RegionKind, type Workload } from "../workloads/types.js";
import {
  BLOCK_HEAD_V2, DECODE_CHECKSUM, DECODE_OK, MAX_BLOCK_RECORDS_V2, chainHash, decodeBlock, encodeBlock, hash32,
  maxPayloadBytes,
} from "./amt-codec.js";
import { writeAtomicWith } from "../util/atomic-file.js";

export const AMT_MAGIC = "AMPOMTRC";
export const AMT_END = "AMPOMEND";
/** The version written unless asked otherwise. */
export const AMT_VERSION = 2;
export type AmtVersion = 1 | 2;
export const HEADER_FIXED = 64;
export const HEADER_FIXED_V2 = 72;
export const REGION_BYTES = 32;
export const BLOCK_HEAD = 8;
export const TRAILER_BYTES = 16;
export const DEFAULT_BLOCK_RECORDS = 1 << 16;
/** The page sizes a run takes (--page-size, run options' pageSize): a header's outside
 * them is damage, not a trace to run at a page size no option can name. */
export const MIN_PAGE_SIZE = 512;
export const MAX_PAGE_SIZE = 1 << 21;

/** Whether a run takes this page size: a power of two from MIN_PAGE_SIZE to MAX_PAGE_SIZE. */
export function isPageSize(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_PAGE_SIZE && n <= MAX_PAGE_SIZE && (n & (n - 1)) === 0;
}

/** A header's page size (byte 12), refused unless a power of two a run takes: 0 or 3000
 * passed every check ("every block checked"), and a run then advised --page-size 0. */
export function headerPageSize(file: string, pageSize: number): number {
  if (!isPageSize(pageSize)) {
    throw new Error(`${file}: corrupt amt header: page size ${pageSize} (byte 12) is not a power of two from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE} bytes`);
  }
  return pageSize;
}

const KINDS: RegionKind[] = ["code", "data", "heap", "stack", "mmap"];
/** a region's kind byte, bit 7: mapped whole from the start (Workload.regionsFromTouches) */
const MAPPED_FROM_START = 0x80;

function headerFixed(version: AmtVersion): number {
  return version === 1 ? HEADER_FIXED : HEADER_FIXED_V2;
}

export interface AmtHeader {
  version: AmtVersion;
  pageSize: number;
  blockRecords: number;
  records: number;
  pages: number;
  accesses: number;
  pageCount: number;
  regions: Region[];
  /** the regions are drawn round the pages the trace touches (a captured trace), not
   * mapped whole from the start (a generated workload written as a trace) */
  regionsFromTouches: boolean;
  headerBytes: number;
  /** v2: the largest block payload in bytes (0 in v1) */
  maxBlockBytes: number;
  /** bytes of the whole file */
  fileBytes: number;
}

/** What a writer knows before the records: the header less the sizes it learns. */
export type AmtHeaderInput = Omit<AmtHeader, "headerBytes" | "version" | "maxBlockBytes" | "fileBytes">;

export function encodeHeader(h: AmtHeaderInput, version: AmtVersion = AMT_VERSION, maxBlockBytes = 0, fileBytes = 0): Buffer {
  const F = headerFixed(version);
  const H = F + REGION_BYTES * h.regions.length;
  const b = Buffer.alloc(H);
  b.write(AMT_MAGIC, 0, "latin1");
  b.writeUInt32LE(version, 8);
  b.writeUInt32LE(h.pageSize, 12);
  b.writeUInt32LE(h.regions.length, 16);
  b.writeUInt32LE(h.blockRecords, 20);
  b.writeBigUInt64LE(BigInt(h.records), 24);
  b.writeBigUInt64LE(BigInt(h.pages), 32);
  b.writeBigUInt64LE(BigInt(h.accesses), 40);
  b.writeUInt32LE(h.pageCount, 48);
  b.writeUInt32LE(H, 52);
  if (version === 2) {
    b.writeUInt32LE(maxBlockBytes, 56);
    b.writeBigUInt64LE(BigInt(fileBytes), 64);
  }
  h.regions.forEach((r, i) => {
    const o = F + REGION_BYTES * i;
    b.writeUInt32LE(r.start, o);
    b.writeUInt32LE(r.pages, o + 4);
    b.writeBigUInt64LE(r.vpnBase ?? 0n, o + 8);
    b.writeUInt8(Math.max(0, KINDS.indexOf(r.kind)) | (h.regionsFromTouches ? 0 : MAPPED_FROM_START), o + 16);
    b.write(r.name.slice(0, 15), o + 17, "latin1");
  });
  b.writeUInt32LE(crc32(b), 60);
  return b;
}

/** Bytes of a v1 file holding `records` records in blocks of `blockRecords`. */
export function amtFileBytes(headerBytes: number, records: number, blockRecords: number): number {
  const blocks = Math.ceil(records / blockRecords);
  return headerBytes + blocks * BLOCK_HEAD + 9 * records + TRAILER_BYTES;
}

function readAt(fd: number, file: string, bytes: number, position: number, what: string): Buffer {
  const b = Buffer.alloc(bytes);
  readInto(fd, file, b, bytes, position, what);
  return b;
}

function readInto(fd: number, file: string, into: Uint8Array, bytes: number, position: number, what: string): void {
  let got = 0;
  while (got < bytes) {
    const n = readSync(fd, into, got, bytes - got, position + got);
    if (n === 0) throw new Error(`${file}: truncated amt trace: ${what} at byte ${position} ends at byte ${position + got}`);
    got += n;
  }
}

/** An amt (its magic read) of `bytes` bytes, cut before its header's fixed part ends. */
export function shortHeaderError(file: string, bytes: number): Error {
  return new Error(`${file}: truncated amt trace: ${bytes} bytes, less than the ${HEADER_FIXED} of a header's fixed part`);
}

/** Why a trace with no records is refused, in every reader's words (a text trace's
 * import, an amt's header): a run of it would print a result with nothing migrated. */
export function emptyTraceMessage(file: string): string {
  return `${file}: no records (empty trace)`;
}

/** The size of the header whose fixed part `fixed` is (byte 52), checked against its
 * count of regions. */
export function headerBytes(file: string, fixed: Buffer, version: AmtVersion): number {
  const count = fixed.readUInt32LE(16);
  const H = fixed.readUInt32LE(52);
  if (H !== headerFixed(version) + REGION_BYTES * count) throw new Error(`${file}: corrupt amt header: header size ${H} at byte 52 does not match ${count} regions`);
  return H;
}

const ZERO_SUM = Buffer.alloc(4);

/** Checks the whole header `b` against its checksum (byte 60, taken as 0 in the sum). */
export function checkHeaderSum(file: string, b: Buffer): void {
  const sum = crc32(b.subarray(64), crc32(ZERO_SUM, crc32(b.subarray(0, 60))));
  if (sum !== b.readUInt32LE(60)) throw new Error(`${file}: corrupt amt header: checksum mismatch (bytes 0..${b.length})`);
}

/** Reads and checks the header (and that the file has the length it implies). */
export function readAmtHeader(fd: number, file: string): AmtHeader {
  const size = fstatSync(fd).size;
  if (size < HEADER_FIXED) {
    const magic = size >= AMT_MAGIC.length && readAt(fd, file, AMT_MAGIC.length, 0, "the magic").toString("latin1") === AMT_MAGIC;
    throw magic ? shortHeaderError(file, size) : new Error(`${file}: not an amt trace (only ${size} bytes)`);
  }
  const fixed = readAt(fd, file, HEADER_FIXED, 0, "the header");
  if (fixed.toString("latin1", 0, 8) !== AMT_MAGIC) throw new Error(`${file}: not an amt trace (bad magic at byte 0)`);
  const v = fixed.readUInt32LE(8);
  if (v !== 1 && v !== 2) throw new Error(`${file}: amt version ${v} at byte 8; this build reads versions 1 and 2`);
  const version = v as AmtVersion;
  const F = headerFixed(version);
  const count = fixed.readUInt32LE(16);
  const H = headerBytes(file, fixed, version);
  if (H > size) throw new Error(`${file}: truncated amt trace: ${size} bytes, less than its ${H}-byte header`);
  const b = readAt(fd, file, H, 0, "the header");
  checkHeaderSum(file, b);
  const regions: Region[] = [];
  let wholeFromStart = count > 0;
  for (let i = 0; i < count; i++) {
    const o = F + REGION_BYTES * i;
    if (!(b.readUInt8(o + 16) & MAPPED_FROM_START)) wholeFromStart = false;
    const nameEnd = b.indexOf(0, o + 17);
    regions.push({
      name: b.toString("latin1", o + 17, nameEnd < 0 || nameEnd > o + 32 ? o + 32 : nameEnd),
      kind: KINDS[b.readUInt8(o + 16) & ~MAPPED_FROM_START] ?? "data",
      start: b.readUInt32LE(o),
      pages: b.readUInt32LE(o + 4),
      vpnBase: b.readBigUInt64LE(o + 8),
    });
  }
  const h: AmtHeader = {
    version,
    pageSize: headerPageSize(file, b.readUInt32LE(12)),
    blockRecords: b.readUInt32LE(20),
    records: Number(b.readBigUInt64LE(24)),
    pages: Number(b.readBigUInt64LE(32)),
    accesses: Number(b.readBigUInt64LE(40)),
    pageCount: b.readUInt32LE(48),
    regions,
    regionsFromTouches: !wholeFromStart,
    headerBytes: H,
    maxBlockBytes: version === 2 ? b.readUInt32LE(56) : 0,
    fileBytes: 0,
  };
  if (h.blockRecords < 1) throw new Error(`${file}: corrupt amt header: records per block is 0 (byte 20)`);
  if (version === 2) {
    if (h.blockRecords > MAX_BLOCK_RECORDS_V2) throw new Error(`${file}: corrupt amt header: ${h.blockRecords} records per block (byte 20), more than ${MAX_BLOCK_RECORDS_V2}`);
    if (h.maxBlockBytes % 16 !== 0 || h.maxBlockBytes > maxPayloadBytes(h.blockRecords)) {
      throw new Error(`${file}: corrupt amt header: largest block ${h.maxBlockBytes} bytes (byte 56) is impossible for ${h.blockRecords} records`);
    }
  }
  const badRegion = firstBadRegion(regions, h.pageCount);
  if (badRegion >= 0) throw new Error(`${file}: corrupt amt header: region ${regions[badRegion].name} overlaps or lies outside the ${h.pageCount} pages`);
  const expected = version === 1 ? amtFileBytes(H, h.records, h.blockRecords) : Number(b.readBigUInt64LE(64));
  if (size !== expected) {
    const what = version === 1 ? `the header (${h.records} records) implies ${expected}` : `the header says ${expected} (byte 64)`;
    throw new Error(size < expected ? `${file}: truncated amt trace: ${size} bytes, ${what}` : `${file}: corrupt amt trace: ${size} bytes, ${what}`);
  }
  h.fileBytes = size;
  const t = readAt(fd, file, TRAILER_BYTES, size - TRAILER_BYTES, "the trailer");
  if (t.toString("latin1", 0, 8) !== AMT_END) throw new Error(`${file}: corrupt amt trace: bad trailer magic at byte ${size - TRAILER_BYTES}`);
  // after the checks above: a damaged file is reported as damaged, not as empty
  if (h.records === 0) throw new Error(emptyTraceMessage(file));
  return h;
}

/** The first of `n` records (numbered from `first`) that no amt holds: a page outside
 * the address space or between its regions, or flags other than write and code (v1
 * stores a byte). Every stream checks each block it reads with it (the v2 core feed,
 * whose core finds the pages outside, with pageError), so that every reader (trace info,
 * a re-encode, an export, a run) refuses such a record once, in the same words. */
export function badRecord(
  file: string, h: Pick<AmtHeader, "blockRecords" | "pageCount" | "regions">, pages: Uint32Array, flags: Uint8Array, n: number, first: number,
): Error | undefined {
  let i = 0;
  while (i < n && pages[i] < h.pageCount && flags[i] <= (REC_WRITE | REC_CODE)) i++;
  const k = firstInNoRegion(h.regions, h.pageCount, pages, i);
  if (k < i) return pageError(file, h, first + k, pages[k]);
  if (i === n) return undefined;
  if (pages[i] >= h.pageCount) return pageError(file, h, first + i, pages[i]);
  return recordError(file, h.blockRecords, first + i, flagsProblem(flags[i]));
}

function recordError(file: string, blockRecords: number, at: number, what: string): Error {
  return new Error(`${file}: corrupt amt trace: block ${Math.floor(at / blockRecords)} (record ${at}) ${what}`);
}

/** Record `at` names `page`, which is no page of the address space: past its page
 * count, or inside it but in none of its regions (Workload.regions: such pages never
 * appear). */
function pageError(file: string, h: Pick<AmtHeader, "blockRecords" | "pageCount">, at: number, page: number): Error {
  const what = page >= h.pageCount ? `outside its ${h.pageCount} pages` : "in none of its regions";
  return recordError(file, h.blockRecords, at, `names page ${page}, ${what}`);
}

function blockCount(h: AmtHeader): number {
  return Math.ceil(h.records / h.blockRecords);
}

function trailerError(file: string, at: number): Error {
  return new Error(`${file}: corrupt amt trace: trailer at byte ${at} does not match the blocks`);
}

interface Columns {
  pages: Uint32Array;
  gaps: Uint32Array;
  flags: Uint8Array;
}

/** What the block-by-block streams share: where they are in the file, and fill(),
 * which copies from the current decoded block and loads the next one (nextBlock) when
 * it is used up. */
abstract class BlockStream {
  /** the decoded block, and the read position in it */
  protected current: Columns | null = null;
  protected pos = 0;
  protected len = 0;
  protected block = 0;
  /** file offset of the current block's head */
  protected offset: number;
  /** the blocks' checksums chained, for the trailer */
  protected chain = 0;
  protected readonly blocks: number;
  /** each block's records are checked as it is read (badRecord, pageError) */
  readonly checksRecords = true;

  constructor(
    protected readonly fd: number,
    protected readonly file: string,
    protected readonly h: AmtHeader,
    private readonly ownsFd: boolean,
  ) {
    this.offset = h.headerBytes;
    this.blocks = blockCount(h);
  }

  close(): void {
    if (this.ownsFd) closeSync(this.fd);
  }

  /** Loads and decodes the next block (sets len); null after the last. */
  protected abstract nextBlock(): Columns | null;

  fill(pages: Uint32Array, gaps: Uint32Array, flags: Uint8Array, max: number): number {
    let n = 0;
    while (n < max) {
      if (this.pos === this.len) {
        this.current = this.nextBlock();
        if (!this.current) break;
        this.pos = 0;
      }
      const v = this.current!;
      const at = this.pos;
      const take = Math.min(max - n, this.len - at);
      pages.set(v.pages.subarray(at, at + take), n);
      gaps.set(v.gaps.subarray(at, at + take), n);
      flags.set(v.flags.subarray(at, at + take), n);
      this.pos += take;
      n += take;
    }
    return n;
  }
}

/** Streams the records of a v1 amt file block by block, checking every checksum. */
export class AmtStream extends BlockStream implements RecordStream {
  private buf: Uint8Array;

  constructor(fd: number, file: string, h: AmtHeader, ownsFd: boolean) {
    super(fd, file, h, ownsFd);
    this.buf = new Uint8Array(BLOCK_HEAD + 9 * h.blockRecords);
  }

  protected nextBlock(): Columns | null {
    if (this.block === this.blocks) {
      this.finish();
      return null;
    }
    const c = this.block === this.blocks - 1 ? this.h.records - this.block * this.h.blockRecords : this.h.blockRecords;
    const bytes = BLOCK_HEAD + 9 * c;
    readInto(this.fd, this.file, this.buf, bytes, this.offset, `block ${this.block}`);
    const head = new DataView(this.buf.buffer, 0, BLOCK_HEAD);
    const count = head.getUint32(0, true);
    const sum = head.getUint32(4, true);
    const payload = this.buf.subarray(BLOCK_HEAD, bytes);
    if (count !== c || crc32(payload) !== sum) {
      throw new Error(`${this.file}: corrupt amt trace: checksum mismatch in block ${this.block} at byte ${this.offset}`);
    }
    const cols = {
      pages: new Uint32Array(this.buf.buffer, BLOCK_HEAD, c),
      gaps: new Uint32Array(this.buf.buffer, BLOCK_HEAD + 4 * c, c),
      flags: new Uint8Array(this.buf.buffer, BLOCK_HEAD + 8 * c, c),
    };
    // v1 stores a whole flags byte under a good checksum (a run masked the extra bits)
    const bad = badRecord(this.file, this.h, cols.pages, cols.flags, c, this.block * this.h.blockRecords);
    if (bad) throw bad;
    const cs = Buffer.alloc(4);
    cs.writeUInt32LE(sum);
    this.chain = crc32(cs, this.chain);
    this.offset += bytes;
    this.block++;
    this.len = c;
    return cols;
  }

  private finish(): void {
    const t = readAt(this.fd, this.file, TRAILER_BYTES, this.offset, "the trailer");
    if (t.toString("latin1", 0, 8) !== AMT_END || t.readUInt32LE(8) !== this.blocks || t.readUInt32LE(12) !== this.chain >>> 0) {
      throw trailerError(this.file, this.offset);
    }
  }
}

/** Streams a v2 file. Through fill() the blocks are decoded here in TypeScript; through
 * feedCore() a core reads each block into its trace input area and decodes it into
 * its own chunk (no per-record JavaScript). One stream uses one of the two. */
export class AmtV2Stream extends BlockStream implements RecordStream {
  readonly blockRecords: number;
  // the next block's head, read with the previous block's payload
  private headRecords = 0;
  private headBytes = 0;
  private headSum = 0;
  private headRead = false;
  // fill(): the input and decoded block
  private own: (Columns & { input: Uint8Array }) | null = null;
  // feedCore(): decoded records [at, at + avail) of the core's chunk not yet handed out
  private at = 0;
  private avail = 0;
  /** index of the first record of the block last decoded */
  private firstRecord = 0;

  constructor(fd: number, file: string, h: AmtHeader, ownsFd: boolean) {
    super(fd, file, h, ownsFd);
    this.blockRecords = h.blockRecords;
  }

  /** Reads the next block's payload (and the head after it) into `input`; returns its
   * records, or -1 after the last block (the trailer checked). */
  private readBlock(input: Uint8Array): number {
    if (this.block === this.blocks) {
      this.finish();
      return -1;
    }
    const c = this.readHead(input.length);
    // the payload, then the next block's head (or the trailer's first bytes)
    readInto(this.fd, this.file, input, this.headBytes + BLOCK_HEAD_V2, this.offset + BLOCK_HEAD_V2, `block ${this.block}`);
    return c;
  }

  /** Reads the current block's head unless the previous read brought it, and checks it
   * (`room`: the most bytes the payload may take); returns the block's records. */
  private readHead(room: number): number {
    if (!this.headRead) {
      const head = Buffer.alloc(BLOCK_HEAD_V2);
      readInto(this.fd, this.file, head, BLOCK_HEAD_V2, this.offset, `block ${this.block}`);
      this.takeHead(head, 0);
    }
    const c = this.block === this.blocks - 1 ? this.h.records - this.block * this.h.blockRecords : this.h.blockRecords;
    const L = this.headBytes;
    if (this.headRecords !== c || L % 16 !== 0 || L > this.h.maxBlockBytes || L + BLOCK_HEAD_V2 > room) {
      throw new Error(`${this.file}: corrupt amt trace: bad head of block ${this.block} at byte ${this.offset} (${this.headRecords} records, ${L} bytes)`);
    }
    if (this.offset + BLOCK_HEAD_V2 + L + TRAILER_BYTES > this.h.fileBytes) {
      throw new Error(`${this.file}: corrupt amt trace: block ${this.block} at byte ${this.offset} runs past the end of the file`);
    }
    return c;
  }

  /** Before the first record is read: passes over the whole blocks that end at or
   * before record `records`, reading only their heads (their checksums still chained
   * for the trailer, their payloads neither read nor checked: for a reader that comes
   * after another has read them, the oracle's look ahead from the migration point).
   * Returns the records passed over. */
  skip(records: number): number {
    if (this.block !== 0 || this.avail !== 0 || this.len !== 0) throw new Error("internal: skip() after records were read");
    let passed = 0;
    while (this.block < this.blocks) {
      const c = this.readHead(Infinity);
      if (passed + c > records) break;
      this.chain = chainHash(this.chain, this.headSum);
      this.offset += BLOCK_HEAD_V2 + this.headBytes;
      this.block++;
      this.headRead = false;
      passed += c;
    }
    return passed;
  }

  private takeHead(b: Uint8Array, at: number): void {
    const d = new DataView(b.buffer, b.byteOffset + at, BLOCK_HEAD_V2);
    this.headRecords = d.getUint32(0, true);
    this.headBytes = d.getUint32(4, true);
    this.headSum = d.getUint32(8, true);
    this.headRead = true;
  }

  /** After a block's payload checked and decoded: chain its checksum, keep the next
   * head (read after the payload), move on. */
  private doneBlock(input: Uint8Array, c: number): void {
    const L = this.headBytes;
    this.chain = chainHash(this.chain, this.headSum);
    this.firstRecord = this.block * this.h.blockRecords;
    this.offset += BLOCK_HEAD_V2 + L;
    this.block++;
    this.takeHead(input, L);
    void c;
  }

  private decodeError(status: number): Error {
    return status === DECODE_CHECKSUM
      ? new Error(`${this.file}: corrupt amt trace: checksum mismatch in block ${this.block} at byte ${this.offset}`)
      : new Error(`${this.file}: corrupt amt trace: block ${this.block} at byte ${this.offset} does not decode (its value lengths do not add up to its ${this.headBytes} bytes)`);
  }

  private finish(): void {
    const t = readAt(this.fd, this.file, TRAILER_BYTES, this.offset, "the trailer");
    if (
      this.offset + TRAILER_BYTES !== this.h.fileBytes || t.toString("latin1", 0, 8) !== AMT_END ||
      t.readUInt32LE(8) !== this.blocks || t.readUInt32LE(12) !== this.chain
    ) {
      throw trailerError(this.file, this.offset);
    }
  }

  // ---- fill(): decoded in TypeScript ----
  protected nextBlock(): Columns | null {
    const B = this.h.blockRecords;
    this.own ??= {
      input: new Uint8Array(this.h.maxBlockBytes + BLOCK_HEAD_V2),
      pages: new Uint32Array(B),
      gaps: new Uint32Array(B),
      flags: new Uint8Array(B),
    };
    const o = this.own;
    const c = this.readBlock(o.input);
    if (c < 0) return null;
    const payload = o.input.subarray(0, this.headBytes);
    if (hash32(payload, c) !== this.headSum) throw this.decodeError(DECODE_CHECKSUM);
    if (!decodeBlock(payload, c, o.pages, o.gaps, o.flags)) throw this.decodeError(-1);
    this.doneBlock(o.input, c);
    const bad = badRecord(this.file, this.h, o.pages, o.flags, c, this.firstRecord);
    if (bad) throw bad;
    this.len = c;
    return o;
  }

  // ---- feedCore(): decoded by the core into its chunk ----
  /** Makes up to `max` next records ready in the core's chunk and points the core's
   * cursor and chunk length at them; returns how many (0 at the end). The core's chunk
   * must hold blockRecords records. A block is decoded whole into chunk [0, c) and
   * then handed out in pieces of at most `max`.
   * For several scenarios on one trace (issue 14, item 2) the plan is to read, check
   * and decode each block once, in one core, and copy the decoded block into the other
   * cores' chunks with three TypedArray.set calls (9 bytes a record, a memcpy, cheaper
   * than decoding again and it reads the file once); each scenario then keeps its own
   * window [at, at + avail) over its copy, as here. Blocks decode independently. */
  feedCore(core: SimCore, views: CoreViews, max: number): number {
    if (this.avail === 0) {
      const input = core.traceInput();
      const c = this.readBlock(input);
      if (c < 0) return 0;
      const status = core.decodeBlock(c, this.headBytes, this.headSum);
      if (status !== DECODE_OK) throw this.decodeError(status);
      this.doneBlock(input, c);
      // every page id must lie inside the address space (the cores index tables with
      // it) and in a region: badRecord's check, the pages outside found by the core
      const bad = core.firstBadRecord(c);
      const first = firstInNoRegion(this.h.regions, this.h.pageCount, views.chunkPages, bad);
      if (first < c) throw pageError(this.file, this.h, this.firstRecord + first, views.chunkPages[first]);
      this.at = 0;
      this.avail = c;
    }
    const n = Math.min(max, this.avail);
    views.counters[C_CURSOR] = this.at;
    views.counters[C_CHUNK_LEN] = this.at + n;
    this.at += n;
    this.avail -= n;
    return n;
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
  const Stream = h.version === 1 ? AmtStream : AmtV2Stream;
  return {
    name: file,
    pageSize: h.pageSize,
    regions: h.regions,
    regionsFromTouches: h.regionsFromTouches,
    pageCount: h.pageCount,
    records: h.records,
    header: h,
    open: () => (own ? new Stream(openFile(file), file, h, true) : new Stream(fd, file, h, false)),
  };
}

function openFile(file: string): number {
  try {
    return openSync(file, "r");
  } catch (err) {
    throw new Error(`${file}: cannot open trace: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Writes an amt file's blocks to an open descriptor: the header, blocks of
 * `blockRecords`, the trailer, and the header again at the end with what only the
 * records tell: their count, distinct pages and accesses (counted here, whatever the
 * caller said), and in v2 the sizes. */
/** The first `records` records of workload `w` written to `file` as an amt file in
 * blocks of `blockRecords` (tests, benchmarks: a generated workload as a trace). */
export function writeWorkloadAmt(
  w: Workload,
  file: string,
  { records = w.records, blockRecords = 1 << 16, version = AMT_VERSION }: { records?: number; blockRecords?: number; version?: AmtVersion } = {},
): void {
  const header: AmtHeaderInput = {
    pageSize: w.pageSize,
    blockRecords,
    records,
    pages: 0,
    accesses: 0,
    pageCount: w.pageCount,
    regions: w.regions,
    regionsFromTouches: w.regionsFromTouches === true,
  };
  // a record the writer refuses leaves no file behind, nor half of one
  writeAtomicWith(file, (fd) => {
    const writer = new AmtWriter(fd, header, version, w.name);
    const pages = new Uint32Array(blockRecords), gaps = new Uint32Array(blockRecords), flags = new Uint8Array(blockRecords);
    const s = w.open();
    let left = records;
    for (let n; left > 0 && (n = s.fill(pages, gaps, flags, Math.min(blockRecords, left))) > 0; left -= n) writer.addBlock(pages, gaps, flags, n);
    s.close?.();
    writer.finish();
  });
}

export class AmtWriter {
  private blocks = 0;
  private records = 0;
  private accesses = 0;
  private distinct = 0;
  /** one bit a dense page: seen in a record */
  private readonly seen: Uint8Array;
  private chain = 0;
  private position: number;
  private maxBlockBytes = 0;
  private readonly out: Uint8Array;
  private readonly head = Buffer.alloc(12);

  /** `workload`: whose records these are, named in the refusal of one */
  constructor(
    private readonly fd: number,
    private readonly h: AmtHeaderInput,
    readonly version: AmtVersion = AMT_VERSION,
    private readonly workload?: string,
  ) {
    if (version === 2 && h.blockRecords > MAX_BLOCK_RECORDS_V2) throw new Error(`amt v2 holds at most ${MAX_BLOCK_RECORDS_V2} records a block`);
    const header = encodeHeader(h, version);
    writeSync(fd, header, 0, header.length, 0);
    this.position = header.length;
    this.seen = new Uint8Array(Math.ceil(h.pageCount / 8));
    this.out = new Uint8Array(version === 1 ? BLOCK_HEAD + 9 * h.blockRecords : maxPayloadBytes(h.blockRecords));
  }

  private recordError(record: number, problem: string): Error {
    return new Error(`${this.workload === undefined ? "" : `workload ${this.workload}: `}record ${record} ${problem}`);
  }

  /** One block of `c` records (c = blockRecords except for the last block). */
  addBlock(pages: Uint32Array, gaps: Uint32Array, flags: Uint8Array, c: number): void {
    const seen = this.seen;
    for (let i = 0; i < c; i++) {
      const p = pages[i];
      if (p >= this.h.pageCount) throw this.recordError(this.records + i, `names page ${p}, outside its ${this.h.pageCount} pages`);
      // every reader refuses other flags (v1 holds a byte, v2 two bits)
      if (flags[i] > 3) throw this.recordError(this.records + i, flagsProblem(flags[i]));
      const bit = 1 << (p & 7);
      if (!(seen[p >>> 3] & bit)) {
        seen[p >>> 3] |= bit;
        this.distinct++;
      }
      this.accesses += gaps[i];
    }
    this.records += c;
    if (this.version === 1) {
      const b = this.out;
      new Uint32Array(b.buffer, BLOCK_HEAD, c).set(pages.subarray(0, c));
      new Uint32Array(b.buffer, BLOCK_HEAD + 4 * c, c).set(gaps.subarray(0, c));
      b.set(flags.subarray(0, c), BLOCK_HEAD + 8 * c);
      const sum = crc32(b.subarray(BLOCK_HEAD, BLOCK_HEAD + 9 * c));
      const head = new DataView(b.buffer, 0, BLOCK_HEAD);
      head.setUint32(0, c, true);
      head.setUint32(4, sum, true);
      this.write(b.subarray(0, BLOCK_HEAD + 9 * c));
      const cs = Buffer.alloc(4);
      cs.writeUInt32LE(sum);
      this.chain = crc32(cs, this.chain);
    } else {
      this.out.fill(0);
      const L = encodeBlock(pages, gaps, flags, c, this.out);
      const payload = this.out.subarray(0, L);
      const sum = hash32(payload, c);
      this.head.writeUInt32LE(c, 0);
      this.head.writeUInt32LE(L, 4);
      this.head.writeUInt32LE(sum, 8);
      this.write(this.head);
      this.write(payload);
      this.chain = chainHash(this.chain, sum);
      this.maxBlockBytes = Math.max(this.maxBlockBytes, L);
    }
    this.blocks++;
  }

  private write(b: Uint8Array): void {
    let done = 0;
    while (done < b.length) done += writeSync(this.fd, b, done, b.length - done, this.position + done);
    this.position += b.length;
  }

  /** The trailer, and in v2 the header again with the sizes. Returns the file's bytes. */
  finish(): number {
    // no reader takes one (readAmtHeader); the importers refuse an empty input first
    if (this.records === 0) throw new Error("internal: an amt trace with no records");
    const t = Buffer.alloc(TRAILER_BYTES);
    t.write(AMT_END, 0, "latin1");
    t.writeUInt32LE(this.blocks, 8);
    t.writeUInt32LE(this.chain >>> 0, 12);
    this.write(t);
    const h = { ...this.h, records: this.records, pages: this.distinct, accesses: this.accesses };
    const header = encodeHeader(h, this.version, this.maxBlockBytes, this.position);
    writeSync(this.fd, header, 0, header.length, 0);
    return this.position;
  }
}
