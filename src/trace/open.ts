// A trace file given as --workload: amt is read in place; a text trace (lackey or
// page-level, plain or gzip) is first imported into a temporary amt under os.tmpdir(),
// which is unlinked at once and read through its open descriptor, so nothing is left
// behind; a gzip'd amt (how the trace corpus is stored) is unpacked the same way.
// Imports are cached per process by the file (its resolved path, size, times and inode)
// and the page size.
import { closeSync, createReadStream, createWriteStream, fstatSync, openSync, readFileSync, readSync, rmSync, statSync, type Stats } from "node:fs";
import { join, resolve } from "node:path";
import { scratchFolder } from "../util/atomic-file.js";
import { fileStamp } from "../util/digest.js";
import { pipeline } from "node:stream/promises";
import { constants as zlibConstants, createGunzip, gunzipSync } from "node:zlib";
import type { Workload } from "../workloads/types.js";
import { AMT_MAGIC, HEADER_FIXED, HEADER_FIXED_V2, amtFileBytes, checkHeaderSum, emptyTraceMessage, headerBytes, headerPageSize, openAmt, shortHeaderError } from "./amt.js";
import { importTrace, noRecordsMessage } from "./import.js";
import { TraceTextParser } from "./text.js";
import { gunzipFault, gunzipStreamFault } from "./gzip-fault.js";

const cache = new Map<string, Workload>();

/** True when `path` names an existing file other than a folder. */
export function isTraceFile(path: string): boolean {
  try {
    // a pipe or a device too: named as a trace, it is refused as one (head)
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export type TraceKind = "amt" | "amt-gzip" | "gzip" | "text";

/** The first bytes of a file, decompressed when it is gzip (as far as they go); `whole`
 * when they are all of it; `broken` says why a gzip stream could not be read, or why
 * one read whole did not unpack whole (`bytes` then hold what did), and where. */
function head(path: string): { bytes: Buffer; gzip: boolean; whole: boolean; broken?: string } {
  const st = statSync(path);
  refuseDirectory(path, st);
  // a trace is read at offsets, which a pipe refuses (ESPIPE, the file unnamed), and a
  // FIFO's open waits for a writer, for ever if none comes: refused before it is opened
  if (!st.isFile()) throw new Error(`${path}: is ${otherKind(st)}, not a regular file: a trace must be a regular file`);
  const fd = openSync(path, "r");
  try {
    const b = Buffer.alloc(4096);
    const n = readSync(fd, b, 0, b.length, 0);
    const raw = b.subarray(0, n);
    const whole = n < b.length;
    if (n < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return { bytes: raw, gzip: false, whole };
    let broken: string | undefined;
    if (whole) {
      // all of the file, so it must unpack whole: unpacked only as far as it goes (below),
      // a file cut short passes, as nothing at all when cut inside its first deflate block
      try {
        return { bytes: gunzipSync(raw), gzip: true, whole };
      } catch (err) {
        broken = gunzipFault(err as Error, raw);
      }
    }
    try {
      // the bytes before the fault still tell an amt (the message names it)
      return { bytes: gunzipSync(raw, { finishFlush: zlibConstants.Z_SYNC_FLUSH }), gzip: true, whole, broken };
    } catch (err) {
      // broken within these first bytes
      return { bytes: Buffer.alloc(0), gzip: true, whole, broken: gunzipFault(err as Error, raw) };
    }
  } finally {
    closeSync(fd);
  }
}

/** A folder given as a trace (its open succeeds; only its read fails, as EISDIR). */
export function refuseDirectory(path: string, st = statSync(path, { throwIfNoEntry: false })): void {
  if (st?.isDirectory()) throw new Error(`${path}: is a directory, not a trace file`);
}

function otherKind(st: Stats): string {
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  return "something other than a file";
}

const isAmt = (bytes: Buffer) => bytes.length >= 8 && bytes.toString("latin1", 0, 8) === AMT_MAGIC;

/** A gzip stream that does not unpack (`broken`), refused in the words a run uses: its
 * unpack's for an amt, the text import's otherwise (also when cut before the magic). */
function unpackError(path: string, bytes: Buffer, broken: string): Error {
  return new Error(isAmt(bytes) ? `${path}: cannot unpack the gzip'd amt trace: ${broken}` : `${path}: cannot read trace: ${broken}`);
}

/** Compressions a trace may come in that are not read, by their magic bytes: named, so
 * that the message does not call the file junk. */
const OTHER_COMPRESSIONS: Array<[string, Buffer]> = [
  ["xz", Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])],
  ["zstd", Buffer.from([0x28, 0xb5, 0x2f, 0xfd])],
  ["bzip2", Buffer.from("BZh")],
  ["lz4", Buffer.from([0x04, 0x22, 0x4d, 0x18])],
];

/** Refuses what the text import would read as lines of junk, quoting binary back: a file
 * named as an amt without the amt magic (damaged at its start, or not an amt), one packed
 * by a compression not read (named), and binary bytes (a NUL in the first 4 KiB) that are
 * not an amt. */
function refuseMisread(path: string, bytes: Buffer): void {
  if (isAmt(bytes)) return;
  if (/\.amt(\.gz)?$/i.test(path)) {
    throw new Error(`${path}: not an amt trace: it does not begin with the magic "${AMT_MAGIC}" (damaged at its start, or not an amt)`);
  }
  const packed = OTHER_COMPRESSIONS.find(([, magic]) => bytes.subarray(0, magic.length).equals(magic));
  if (packed !== undefined) throw new Error(`${path}: compressed with ${packed[0]}: a trace is read plain or gzip'd only (unpack it first, or gzip it)`);
  if (bytes.subarray(0, 4096).includes(0)) throw new Error(`${path}: not a trace: binary data without the amt magic "${AMT_MAGIC}", and no text`);
}

export function sniffTrace(path: string): TraceKind {
  const { bytes, gzip, broken } = head(path);
  // a gzip stream that breaks is reported as such where it is read
  if (broken === undefined) refuseMisread(path, bytes);
  const amt = isAmt(bytes);
  if (gzip) return amt ? "amt-gzip" : "gzip";
  return amt ? "amt" : "text";
}

/** The page size an amt file (plain or gzip'd) was written with, from its header. */
export function amtPageSize(path: string): number {
  const { bytes, broken } = head(path);
  if (bytes.length < 16) {
    if (broken !== undefined) throw unpackError(path, bytes, broken);
    throw isAmt(bytes) ? shortHeaderError(path, bytes.length) : new Error(`${path}: not an amt trace`);
  }
  return headerPageSize(path, bytes.readUInt32LE(12));
}

/** The page size of an amt file, its own: a page size the user gave (`asked`) that
 * differs is refused rather than ignored, as it applies to text traces only. */
export function amtOwnPageSize(path: string, asked: number | undefined): number {
  const pageSize = amtPageSize(path);
  if (asked !== undefined && asked !== pageSize) {
    throw new Error(`${path}: the amt trace has ${pageSize}-byte pages, its own: pageSize (--page-size) ${asked} applies to text traces`);
  }
  return pageSize;
}

/** Refuses a workload whose pages are not the run's. `where` names it (a trace's path,
 * or "workload NAME" with `has` "has" for one built in code); `fix`: what to do about a
 * mismatch (a command without --page-size says its own); by default both names of the
 * option, as a run's options, a sweep config and a scenario file call it `pageSize`, the
 * command line --page-size. */
export function checkPageSize(
  where: string,
  w: Pick<Workload, "pageSize">,
  pageSize: number,
  fix = `set pageSize (--page-size) to ${w.pageSize}`,
  has = "the trace has",
): void {
  if (w.pageSize !== pageSize) {
    throw new Error(`${where}: ${has} ${w.pageSize}-byte pages but the run uses ${pageSize} (${fix})`);
  }
}

/** Checks, cheaply, that a trace file opens as a run opens it, so that a list of traces
 * can be refused before any run: an amt's header and trailer (and page size), a gzip'd
 * amt's magic, page size and length (checkGzipLength), a text trace's first lines (all
 * of them when it is that short). A fault further in still fails the run that reads it. */
export function checkTraceOpens(path: string, pageSize: number, pageSizeFix?: string): void {
  const { bytes, gzip, whole, broken } = head(path);
  if (broken !== undefined) throw unpackError(path, bytes, broken);
  refuseMisread(path, bytes);
  if (isAmt(bytes)) {
    const own = bytes.length >= 16 ? headerPageSize(path, bytes.readUInt32LE(12)) : undefined;
    if (own !== undefined) checkPageSize(path, { pageSize: own }, pageSize, pageSizeFix);
    if (!gzip) openAmtWorkload(path, pageSize);
    else if (own === undefined) throw new Error(`${path}: not an amt trace (its gzip'd header is cut short)`);
    else {
      // the header's own checks first, as a run makes them (readAmtHeader): a damaged
      // header is corrupt, not of another length nor empty; one past the bytes unpacked
      // here is left to the run
      const version = bytes.length >= HEADER_FIXED ? bytes.readUInt32LE(8) : 0;
      const H = version === 1 || version === 2 ? headerBytes(path, bytes, version) : Infinity;
      if (H <= bytes.length) checkHeaderSum(path, bytes.subarray(0, H));
      checkGzipLength(path, bytes);
      // the record count (byte 24), refused when 0 as readAmtHeader refuses it
      if (H <= bytes.length && bytes.readBigUInt64LE(24) === 0n) throw new Error(emptyTraceMessage(path));
    }
    return;
  }
  let records = 0;
  const parser = new TraceTextParser(path, pageSize, { add: () => void records++ });
  parser.feed(bytes); // complete lines only: the last may go on past these bytes
  if (whole) {
    parser.end();
    if (records === 0) throw new Error(noRecordsMessage(parser));
  }
}

/** The bytes of the amt whose header `head` begins with: the header's own count (v2),
 * or what its record count implies (v1); NaN when the header does not say. */
function amtBytesOf(head: Buffer): number {
  const version = head.readUInt32LE(8);
  if (version === 2 && head.length >= HEADER_FIXED_V2) return Number(head.readBigUInt64LE(64));
  if (version === 1 && head.length >= HEADER_FIXED) return amtFileBytes(head.readUInt32LE(52), Number(head.readBigUInt64LE(24)), head.readUInt32LE(20));
  return NaN;
}

/** A gzip'd amt cut short (a copy or a download that stopped) begins as a whole one:
 * the unpacked size its gzip trailer gives (its last 4 bytes, mod 2^32) is checked
 * against its amt header's, which finds the cut without unpacking the file. Only when
 * they differ is it unpacked, to tell a cut from gzip members joined (whose trailer
 * gives the last member's size) and to say what is wrong as a run would. */
function checkGzipLength(path: string, head: Buffer): void {
  const amtBytes = amtBytesOf(head);
  // a header the run refuses anyway (a version this build does not read)
  if (!Number.isSafeInteger(amtBytes)) return;
  const fd = openSync(path, "r");
  const tail = Buffer.alloc(4);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return; // a pipe cannot be read twice
    if (st.size >= 18 && readSync(fd, tail, 0, 4, st.size - 4) === 4 && tail.readUInt32LE(0) === amtBytes % 2 ** 32) return;
  } finally {
    closeSync(fd);
  }
  let unpacked: number;
  const gz = readFileSync(path);
  try {
    unpacked = gunzipSync(gz).length;
  } catch (err) {
    throw unpackError(path, head, gunzipFault(err as Error, gz, { expected: amtBytes }));
  }
  if (unpacked !== amtBytes) {
    throw new Error(`${path}: ${unpacked < amtBytes ? "truncated" : "corrupt"} amt trace: ${unpacked} bytes unpacked, the header gives ${amtBytes}`);
  }
}

/** The file (resolved: the same path after a chdir is another file) as it is now. */
function cacheKey(path: string, pageSize: number): string {
  statSync(path); // a missing file fails here, naming it
  return `${resolve(path)}\0${fileStamp(path)}\0${pageSize}`;
}

/** An amt trace as a workload, its header and trailer checked; synchronous, so cheap
 * checks (preflight, `trace info`) can use it. */
export function openAmtWorkload(path: string, pageSize: number): Workload {
  const key = cacheKey(path, pageSize);
  const hit = cache.get(key);
  if (hit) return hit;
  const w = openAmt(path);
  checkPageSize(path, w, pageSize);
  cache.set(key, w);
  return w;
}

/** A descriptor of an amt file `make` writes in a temporary folder, which is gone when
 * this returns: the file lives as long as the descriptor. */
async function temporaryAmt(make: (amt: string) => Promise<unknown>): Promise<number> {
  const dir = scratchFolder("trace");
  try {
    const amt = join(dir, "trace.amt");
    await make(amt);
    return openSync(amt, "r");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The gzip'd amt trace `path`, unpacked: a descriptor of the plain amt (temporaryAmt). */
export function unpackedAmt(path: string): Promise<number> {
  return temporaryAmt(async (amt) => {
    const input = createReadStream(path);
    let unpacked = 0;
    const counted = async function* (source: AsyncIterable<Buffer>) {
      for await (const b of source) {
        unpacked += b.length;
        yield b;
      }
    };
    try {
      await pipeline(input, createGunzip(), counted, createWriteStream(amt));
    } catch (err) {
      const place = gunzipStreamFault(err as Error, input.bytesRead, unpacked) ?? (err as Error).message;
      throw new Error(`${path}: cannot unpack the gzip'd amt trace: ${place}`);
    }
  });
}

/** Any trace file as a workload: amt in place, gzip'd amt unpacked, text (plain or
 * gzip) imported first. */
export async function openTraceWorkload(path: string, pageSize: number): Promise<Workload> {
  const kind = sniffTrace(path);
  if (kind === "amt") return openAmtWorkload(path, pageSize);
  const key = cacheKey(path, pageSize);
  const hit = cache.get(key);
  if (hit) return hit;
  let w: Workload;
  if (kind === "amt-gzip") {
    w = openAmt(path, await unpackedAmt(path));
    checkPageSize(path, w, pageSize);
  } else {
    w = openAmt(path, await temporaryAmt((amt) => importTrace(path, amt, { pageSize, displayName: path })));
  }
  cache.set(key, w);
  return w;
}

export interface TraceCheck {
  records: number;
  /** blocks read and checked (amt); 0 for a trace that had no amt blocks to read */
  blocks: number;
}

/** One chunk of checkedRecords: records [first, first + n) in the columns (reused: read
 * them before asking for the next). */
export interface RecordChunk {
  pages: Uint32Array;
  gaps: Uint32Array;
  flags: Uint8Array;
  n: number;
  first: number;
}

/** Reads every record of a trace workload, chunk by chunk, and at the end checks that
 * the header's record count is right. The amt stream checks the rest as it reads each
 * block: its head and checksum, its decoding, its records (badRecord: each page in one
 * of its regions, flags write and code only), the trailer. The first fault found is
 * the error, naming the file and the block. */
export function* checkedRecords(w: Workload): Generator<RecordChunk> {
  const chunk = 1 << 16;
  const pages = new Uint32Array(chunk);
  const gaps = new Uint32Array(chunk);
  const flags = new Uint8Array(chunk);
  const stream = w.open();
  let records = 0;
  try {
    for (;;) {
      const n = stream.fill(pages, gaps, flags, chunk);
      if (n === 0) break;
      yield { pages, gaps, flags, n, first: records };
      records += n;
    }
  } finally {
    stream.close?.();
  }
  if (records !== w.records) throw new Error(`${w.name}: corrupt amt trace: ${records} records, the header says ${w.records}`);
}

/** Checks every record of a trace workload (checkedRecords). */
export function verifyTrace(w: Workload & { header?: { blockRecords: number } }): TraceCheck {
  let records = 0;
  for (const c of checkedRecords(w)) records += c.n;
  return { records, blocks: Math.ceil(records / (w.header?.blockRecords ?? 1 << 16)) };
}
