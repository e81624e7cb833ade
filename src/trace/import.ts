// Importing a text trace (lackey or page-level, plain or gzip, a file or standard
// input) into amt, in two passes over a spooled temporary file:
//  1. parse, merging runs into page records; give each distinct virtual page a
//     first-seen id and spool the records as (id, gap, flags) in blocks;
//  2. group the distinct pages into regions, map ids to dense page ids, and write the
//     amt file (temp file + rename) from the spool.
// Memory is proportional to the distinct pages (a map and three arrays), never to the
// records. Regions: the sorted distinct pages are split wherever two touched pages are
// more than REGION_GAP_PAGES apart; if that gives more regions than the core holds
// (REGION_CAP), only the largest gaps split. A region spans from its first to its last
// touched page, so the holes under the threshold become pages that were never touched.
// A region's kind is code when most of its pages were fetched from; else the highest
// region is the stack (stacks sit at the top of the user address space, under valgrind
// too), and the others are data.
import { closeSync, createReadStream, openSync, readSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { createGunzip, createGzip } from "node:zlib";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { REC_CODE, REGION_CAP } from "../core/abi.js";
import type { Region, RegionKind } from "../workloads/types.js";
import { AMT_MAGIC, AMT_VERSION, AmtWriter, DEFAULT_BLOCK_RECORDS, emptyTraceMessage, isPageSize, MAX_PAGE_SIZE, MIN_PAGE_SIZE, openAmt, type AmtHeaderInput, type AmtVersion } from "./amt.js";
import { MAX_BLOCK_RECORDS_V2 } from "./amt-codec.js";
import { amtOwnPageSize, refuseDirectory, sniffTrace, unpackedAmt } from "./open.js";
import { TraceTextParser, type PageSink, type TextFormat } from "./text.js";
import { gunzipStreamFault } from "./gzip-fault.js";
import { wholeProblem } from "../util/params.js";
import { aboutTarget, checkOutputWritable, holdTemporary, releaseTemporary, scratchFolder, tempPathFor, writeAtomicStream, writeAtomicWith } from "../util/atomic-file.js";

export const REGION_GAP_PAGES = 64;
// spool blocks are amt blocks: pass 2 turns one into the other
const SPOOL_BLOCK = DEFAULT_BLOCK_RECORDS;
const CACHE = 1 << 12;
const READ_CHUNK = 1 << 20;

export interface ImportResult {
  output: string;
  /** what was read: a text format, or amt (re-encoded) */
  format: TextFormat | "amt";
  records: number;
  pages: number;
  accesses: number;
  regions: Region[];
  pageCount: number;
}

export interface ImportOptions {
  pageSize?: number;
  /** the input's name in messages (default: the path, or <stdin>) */
  displayName?: string;
  /** amt version to write (default 2) */
  version?: AmtVersion;
  /** called now and then with the input bytes read so far */
  onProgress?: (bytesIn: number, records: number) => void;
  /** records (after runs are merged) dropped from the start: a program's start-up */
  skipRecords?: number;
  /** records kept at most; the import stops reading once it has them */
  maxRecords?: number;
}

/** Distinct virtual page numbers to first-seen ids: open addressing over typed arrays
 * (a Map with non-small-integer keys was the import's bottleneck). */
class VpnTable {
  // slot i: [2i] the vpn, [2i + 1] its id or -1 (empty); one cache line per probe
  private t = new Float64Array(2 << 16).fill(-1);
  private mask = (1 << 16) - 1;
  size = 0;

  private slot(vpn: number): number {
    const lo = vpn >>> 0;
    const hi = (vpn / 4294967296) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    return h & this.mask;
  }

  /** The id of `vpn`, or -1. */
  get(vpn: number): number {
    const t = this.t;
    let i = this.slot(vpn);
    for (;;) {
      const v = t[2 * i + 1];
      if (v < 0 || t[2 * i] === vpn) return v;
      i = (i + 1) & this.mask;
    }
  }

  /** Adds a vpn known to be absent, with the next id. */
  add(vpn: number): number {
    if (4 * (this.size + 1) > this.t.length) this.grow();
    let i = this.slot(vpn);
    while (this.t[2 * i + 1] >= 0) i = (i + 1) & this.mask;
    this.t[2 * i] = vpn;
    this.t[2 * i + 1] = this.size;
    return this.size++;
  }

  private grow(): void {
    const old = this.t;
    this.t = new Float64Array(old.length * 2).fill(-1);
    this.mask = this.t.length / 2 - 1;
    for (let j = 0; j < old.length; j += 2) {
      if (old[j + 1] < 0) continue;
      let i = this.slot(old[j]);
      while (this.t[2 * i + 1] >= 0) i = (i + 1) & this.mask;
      this.t[2 * i] = old[j];
      this.t[2 * i + 1] = old[j + 1];
    }
  }

  clear(): void {
    this.t = new Float64Array(0);
  }
}

/** Pass 1: the page sink that spools records and collects the distinct pages. */
class Spooler implements PageSink {
  records = 0;
  accesses = 0;
  private ids = new VpnTable();
  // a direct-mapped cache of recent pages in front of the table: traces keep coming
  // back to a few code, stack and data pages, and the table's probes miss the caches
  private readonly cacheVpn = new Float64Array(CACHE).fill(-1);
  private readonly cacheId = new Int32Array(CACHE);
  vpns = new Float64Array(1 << 16);
  kinds = new Uint8Array(1 << 16);
  private readonly bId = new Uint32Array(SPOOL_BLOCK);
  private readonly bGap = new Uint32Array(SPOOL_BLOCK);
  private readonly bFlags = new Uint8Array(SPOOL_BLOCK);
  private n = 0;
  readonly fd: number;

  constructor(readonly spoolPath: string) {
    this.fd = openSync(spoolPath, "w+");
  }

  private kept = -1;

  get distinct(): number {
    return this.kept >= 0 ? this.kept : this.ids.size;
  }

  add(vpn: number, gap: number, flags: number): void {
    const c = (vpn >>> 0) & (CACHE - 1);
    let id: number;
    if (this.cacheVpn[c] === vpn) id = this.cacheId[c];
    else {
      id = this.ids.get(vpn);
      if (id < 0) id = this.newPage(vpn);
      this.cacheVpn[c] = vpn;
      this.cacheId[c] = id;
    }
    this.kinds[id] |= flags;
    this.records++;
    this.accesses += gap;
    const i = this.n++;
    this.bId[i] = id;
    this.bGap[i] = gap;
    this.bFlags[i] = flags;
    if (this.n === SPOOL_BLOCK) this.flushBlock();
  }

  private newPage(vpn: number): number {
    const id = this.ids.add(vpn);
    if (id === this.vpns.length) {
      const v = new Float64Array(id * 2);
      v.set(this.vpns);
      this.vpns = v;
      const k = new Uint8Array(id * 2);
      k.set(this.kinds);
      this.kinds = k;
    }
    this.vpns[id] = vpn;
    return id;
  }

  flushBlock(): void {
    if (this.n === 0) return;
    writeSync(this.fd, new Uint8Array(this.bId.buffer, 0, 4 * this.n));
    writeSync(this.fd, new Uint8Array(this.bGap.buffer, 0, 4 * this.n));
    writeSync(this.fd, this.bFlags, 0, this.n);
    this.n = 0;
  }

  /** The ids' map is not needed after pass 1. */
  dropMap(): void {
    this.kept = this.ids.size;
    this.ids.clear();
  }
}

/** Groups the distinct pages into regions; returns them with each id's dense page id.
 * `input` names the trace in messages. */
export function denseRegions(vpns: Float64Array, kinds: Uint8Array, count: number, pageSize: number, input: string): { regions: Region[]; dense: Uint32Array; pageCount: number } {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => vpns[a] - vpns[b]);
  // split points: gaps above the threshold, at most REGION_CAP - 1 of them (the largest)
  const gaps: number[] = [];
  for (let i = 1; i < count; i++) {
    if (vpns[order[i]] - vpns[order[i - 1]] > REGION_GAP_PAGES) gaps.push(i);
  }
  let splits = gaps;
  // the widest gap a region was joined across, in pages
  let joined = REGION_GAP_PAGES - 1;
  if (gaps.length > REGION_CAP - 1) {
    const size = (i: number) => vpns[order[i]] - vpns[order[i - 1]];
    const widest = [...gaps].sort((a, b) => size(b) - size(a) || a - b);
    splits = widest.slice(0, REGION_CAP - 1).sort((a, b) => a - b);
    joined = size(widest[REGION_CAP - 1]) - 1;
  }
  const bounds = [0, ...splits, count];
  const regions: Region[] = [];
  const dense = new Uint32Array(count);
  let next = 0;
  for (let r = 0; r + 1 < bounds.length; r++) {
    const lo = bounds[r];
    const hi = bounds[r + 1];
    const base = vpns[order[lo]];
    const pages = vpns[order[hi - 1]] - base + 1;
    if (next + pages > 0xffffffff) {
      throw new Error(`${input}: its regions span more than 2^32 pages (${REGION_CAP} regions at most, so joined across gaps of up to ${joined} untouched pages): addresses too scattered for an amt trace`);
    }
    let codePages = 0;
    for (let i = lo; i < hi; i++) {
      const id = order[i];
      dense[id] = next + (vpns[id] - base);
      if (kinds[id] & REC_CODE) codePages++;
    }
    // a code region when most of its touched pages held instructions
    const code = 2 * codePages > hi - lo;
    const last = r + 2 === bounds.length;
    const kind: RegionKind = code ? "code" : last ? "stack" : "data";
    regions.push({ name: `${kind}${r}`, kind, start: next, pages, vpnBase: BigInt(base) });
    next += pages;
  }
  return { regions, dense, pageCount: next };
}

/** What an output's name asks for: NAME.amt, or NAME.amt.gz (gzip'd). The writer
 * writes amt and nothing else, so another name (NAME.txt: a text trace?) is refused
 * rather than given amt under it. */
export function amtOutputKind(output: string): "amt" | "amt-gzip" {
  if (/\.amt$/i.test(output)) return "amt";
  if (/\.amt\.gz$/i.test(output)) return "amt-gzip";
  throw new Error(`${output}: the output is an amt trace: name it NAME.amt, or NAME.amt.gz to have it gzip'd`);
}

/** Refuses, before any work, an output that could not be written or that names
 * another format. */
export function checkAmtOutput(output: string): void {
  checkOutputWritable(output);
  amtOutputKind(output);
}

/** Writes `output` with `write`, which writes an amt file (atomically) at the path it
 * is given: `output` itself, or for NAME.amt.gz a plain amt beside it (the writer goes
 * back to the header at the end, so it cannot write into the compressor), then gzip'd
 * into `output` (atomically too). The plain amt is one of `output`'s temporaries: gone
 * when the command ends, or after a kill at the next write of `output`. `signal` stops
 * the compression (no output then). */
async function writeAmtOutput(output: string, write: (amt: string) => ImportResult, signal?: AbortSignal): Promise<ImportResult> {
  if (amtOutputKind(output) === "amt") return write(output);
  const amt = `${tempPathFor(output)}-1`;
  holdTemporary(amt);
  try {
    const r = write(amt);
    await writeAtomicStream(output, (out) => pipeline(createReadStream(amt), createGzip(), out, { signal }));
    return { ...r, output };
  } catch (err) {
    throw aboutTarget(err, amt, output);
  } finally {
    rmSync(amt, { force: true });
    releaseTemporary(amt);
  }
}

/** Writes an amt file atomically (temp file + rename): `write` adds the blocks. */
function writeAtomically(output: string, h: AmtHeaderInput, version: AmtVersion, write: (w: AmtWriter) => void): void {
  writeAtomicWith(output, (fd) => {
    const w = new AmtWriter(fd, h, version);
    write(w);
    w.finish();
  });
}

/** Pass 2: writes the amt file atomically from the spool; `input` names the trace in
 * messages. */
function writeAmt(sp: Spooler, output: string, pageSize: number, version: AmtVersion, input: string): { regions: Region[]; pageCount: number } {
  sp.flushBlock();
  const count = sp.distinct;
  sp.dropMap();
  const { regions, dense, pageCount } = denseRegions(sp.vpns, sp.kinds, count, pageSize, input);
  const B = DEFAULT_BLOCK_RECORDS;
  // the importer groups the touched pages into regions
  const h = { pageSize, blockRecords: B, records: sp.records, pages: count, accesses: sp.accesses, pageCount, regions, regionsFromTouches: true };
  writeAtomically(output, h, version, (w) => {
    const ids = new Uint32Array(B);
    const pages = new Uint32Array(B);
    const gaps = new Uint32Array(B);
    const flags = new Uint8Array(B);
    let pos = 0;
    let left = sp.records;
    while (left > 0) {
      // the spool holds blocks of SPOOL_BLOCK (= B) records: ids, gaps, flags
      const c = Math.min(B, left);
      readFull(sp.fd, new Uint8Array(ids.buffer, 0, 4 * c), pos);
      for (let i = 0; i < c; i++) pages[i] = dense[ids[i]];
      readFull(sp.fd, new Uint8Array(gaps.buffer, 0, 4 * c), pos + 4 * c);
      readFull(sp.fd, flags.subarray(0, c), pos + 8 * c);
      w.addBlock(pages, gaps, flags, c);
      pos += 9 * c;
      left -= c;
    }
  });
  return { regions, pageCount };
}

/** Re-encodes an amt file (v1 or v2) as `version`, every checksum of the input checked;
 * the header's figures and regions carry over. */
export function reencodeAmt(input: string, output: string, version: AmtVersion = AMT_VERSION, fd?: number): ImportResult {
  const src = openAmt(input, fd);
  const h = src.header;
  const B = Math.min(h.blockRecords, version === 2 ? MAX_BLOCK_RECORDS_V2 : h.blockRecords);
  writeAtomically(output, { ...h, blockRecords: B }, version, (w) => {
    const pages = new Uint32Array(B);
    const gaps = new Uint32Array(B);
    const flags = new Uint8Array(B);
    const s = src.open();
    try {
      // the stream refuses a bad record (badRecord), naming the input, before the writer
      for (let n; (n = s.fill(pages, gaps, flags, B)) > 0; ) w.addBlock(pages, gaps, flags, n);
    } finally {
      s.close?.();
    }
  });
  return { output, format: "amt", records: h.records, pages: h.pages, accesses: h.accesses, regions: h.regions, pageCount: h.pageCount };
}

/** An amt file (plain or gzip'd) re-encoded whole: the cut and the page size of a text
 * import do not apply to it, and are refused rather than ignored. */
async function reencodeAmtFile(input: string, output: string, gzipped: boolean, o: ImportOptions): Promise<ImportResult> {
  const cut = [(o.skipRecords ?? 0) > 0 && "skipRecords (--skip)", o.maxRecords !== undefined && "maxRecords (--max-records)"].filter((c) => c);
  if (cut.length) throw new Error(`${input}: an amt trace is re-encoded whole: ${cut.join(" and ")} apply to text traces`);
  amtOwnPageSize(input, o.pageSize);
  if (!gzipped) return writeAmtOutput(output, (amt) => reencodeAmt(input, amt, o.version));
  const fd = await unpackedAmt(input);
  try {
    return await writeAmtOutput(output, (amt) => reencodeAmt(input, amt, o.version, fd));
  } finally {
    closeSync(fd);
  }
}

function readFull(fd: number, into: Uint8Array, position: number): void {
  let got = 0;
  while (got < into.length) {
    const n = readSync(fd, into, got, into.length - got, position + got);
    if (n === 0) throw new Error("internal: spool file ended early");
    got += n;
  }
}

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** A slice of a long trace: drops the first `skip` records, then keeps at most `max`
 * (the spooler behind it never sees the others). */
class BoundedSink implements PageSink {
  skipped = 0;
  full = false;

  constructor(
    private readonly inner: Spooler,
    readonly skip: number,
    private readonly max: number,
  ) {}

  add(vpn: number, gap: number, flags: number): void {
    if (this.skipped < this.skip) {
      this.skipped++;
      return;
    }
    if (this.full) return;
    this.inner.add(vpn, gap, flags);
    if (this.inner.records >= this.max) this.full = true;
  }
}

interface ImportRun {
  parser: TraceTextParser;
  sp: Spooler;
  bounds?: BoundedSink;
  dir: string;
  pageSize: number;
  version: AmtVersion;
}

function checkCount(what: string, n: number | undefined, min: number): void {
  const problem = n === undefined ? undefined : wholeProblem(n, min);
  if (problem !== undefined) throw new Error(`option ${what}: ${problem}, got ${n}`);
}

function beginImport(input: string, o: ImportOptions): ImportRun {
  const pageSize = o.pageSize ?? 4096;
  // a trace at a page size no run takes could be written, but not run
  if (!isPageSize(pageSize)) throw new Error(`option pageSize (--page-size): must be a power of two from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE} bytes, got ${pageSize}`);
  checkCount("skipRecords (--skip)", o.skipRecords, 0);
  checkCount("maxRecords (--max-records)", o.maxRecords, 1);
  // the first pass's spool: 9 bytes a record
  const dir = scratchFolder("import");
  const sp = new Spooler(join(dir, "spool"));
  const bounded = (o.skipRecords ?? 0) > 0 || o.maxRecords !== undefined;
  const bounds = bounded ? new BoundedSink(sp, o.skipRecords ?? 0, o.maxRecords ?? Infinity) : undefined;
  const name = o.displayName ?? (input === "-" ? "<stdin>" : input);
  return { parser: new TraceTextParser(name, pageSize, bounds ?? sp), sp, bounds, dir, pageSize, version: o.version ?? AMT_VERSION };
}

function cleanup(run: ImportRun): void {
  closeSync(run.sp.fd);
  rmSync(run.dir, { recursive: true, force: true });
}

/** Why a trace that parsed gave no records. A lackey log made without --trace-mem=yes
 * holds only valgrind's own lines: it says so. */
export function noRecordsMessage(parser: TraceTextParser, skipped = 0, skip = skipped): string {
  // the records the trace holds, set against the count asked to skip
  if (skipped > 0) return `${parser.file}: no records left: the trace holds ${skipped}, and skipRecords (--skip) drops the first ${skip}`;
  if (parser.format === "lackey") {
    return `${parser.file}: no records (only valgrind's own lines, no memory accesses): lackey writes them only when run with --trace-mem=yes`;
  }
  return emptyTraceMessage(parser.file);
}

/** After the input is fed: pass 2, then the spool is removed. */
async function finishImport(run: ImportRun, output: string, signal?: AbortSignal): Promise<ImportResult> {
  const { parser, sp } = run;
  try {
    parser.end(run.bounds?.full);
    if (sp.records === 0) throw new Error(noRecordsMessage(parser, run.bounds?.skipped, run.bounds?.skip));
    return await writeAmtOutput(output, (amt) => {
      const { regions, pageCount } = writeAmt(sp, amt, run.pageSize, run.version, parser.file);
      return { output: amt, format: parser.format ?? "page", records: sp.records, pages: sp.distinct, accesses: sp.accesses, regions, pageCount };
    }, signal);
  } finally {
    cleanup(run);
  }
}

/** Imports a text trace (plain or gzip; a file or "-" for standard input) into amt;
 * an amt file is re-encoded (to v2 unless told). */
export async function importTrace(input: string, output: string, o: ImportOptions = {}): Promise<ImportResult> {
  checkAmtOutput(output); // before reading the input, not at the end
  if (input !== "-" && isFile(input)) {
    const kind = sniffTrace(input);
    if (kind === "amt" || kind === "amt-gzip") return reencodeAmtFile(input, output, kind === "amt-gzip", o);
  }
  const run = beginImport(input, o);
  const parser = run.parser;
  try {
    if (input !== "-") {
      refuseDirectory(input);
      closeSync(openInput(input)); // a clear error for a missing file
    }
    const source: Readable = input === "-" ? process.stdin : createReadStream(input, { highWaterMark: READ_CHUNK });
    let bytes = 0;
    let stream: AsyncIterable<Buffer> = source;
    const it = source[Symbol.asyncIterator]();
    let first: Buffer = Buffer.alloc(0);
    try {
      // enough bytes to tell gzip by its magic
      while (first.length < 2) {
        const r = await it.next();
        if (r.done) break;
        first = Buffer.concat([first, r.value as Buffer]);
      }
    } catch (err) {
      throw new Error(`${parser.file}: cannot read trace: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let read = first.length; // bytes of the input: a gzip stream cut short ends there
    const rest = Readable.from(
      (async function* () {
        yield first;
        for (;;) {
          const r = await it.next();
          if (r.done) return;
          read += (r.value as Buffer).length;
          yield r.value as Buffer;
        }
      })(),
    );
    const gzip = isGzip(first);
    stream = gzip ? rest.pipe(createGunzip()) : rest;
    try {
      for await (const chunk of stream) {
        if (bytes === 0 && chunk.toString("latin1", 0, AMT_MAGIC.length) === AMT_MAGIC) {
          throw new Error(`${parser.file}:1: an amt trace, not text: give import its file to re-encode it (standard input takes text traces)`);
        }
        bytes += chunk.length;
        parser.feed(chunk);
        o.onProgress?.(bytes, parser.line);
        if (run.bounds?.full) break; // --max-records: the rest is not read
      }
    } catch (err) {
      if (err instanceof Error && /^.+:\d+: /.test(err.message) && !("code" in err)) throw err;
      const place = gzip ? gunzipStreamFault(err as Error, read, bytes, parser.line + 1) : undefined;
      throw new Error(`${parser.file}: cannot read trace: ${place ?? (err as Error).message}`);
    }
  } catch (err) {
    cleanup(run);
    throw err;
  }
  return finishImport(run, output);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function openInput(file: string): number {
  try {
    return openSync(file, "r");
  } catch (err) {
    throw new Error(`${file}: cannot open trace: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** An import its caller feeds chunk by chunk (a capture reading lackey's pipe): text in,
 * an amt file out (written atomically by finish), or nothing at all after abort. */
export class StreamingImport {
  private readonly run: ImportRun;
  private closed = false;

  /** `name` names the input in messages. */
  constructor(name: string, o: Omit<ImportOptions, "displayName" | "onProgress"> = {}) {
    this.run = beginImport(name, { ...o, displayName: name });
  }

  /** Parses a chunk; a malformed line throws FILE:LINE: what was expected. */
  feed(chunk: Buffer): void {
    this.run.parser.feed(chunk);
  }

  /** True once maxRecords records are kept: the rest of the input can be dropped. */
  get full(): boolean {
    return this.run.bounds?.full ?? false;
  }

  /** Records kept so far. */
  get records(): number {
    return this.run.sp.records;
  }

  /** Ends the input and writes the amt (gzip'd for NAME.amt.gz, which `signal` can
   * stop); the spool is removed either way. */
  finish(output: string, signal?: AbortSignal): Promise<ImportResult> {
    this.closed = true;
    return finishImport(this.run, output, signal);
  }

  /** Drops everything: no output, the spool removed. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    cleanup(this.run);
  }
}
