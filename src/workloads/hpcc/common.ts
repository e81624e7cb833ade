// What the HPCC kernel generators share: the address space of a small HPC process,
// HPCC's problem sizes, column-major matrices at byte offsets, and KernelStream, which
// runs a kernel written as a generator function and hands its records out in chunks.
//
// Page-level model. A kernel is a sequence of tiles, a tile being one trip of a loop's
// innermost level (one page index of a sweep, one GUPS update, one dgemm micro-kernel
// call, one 16-column step of an FFT copy...). Inside a tile the real loop alternates
// between its code page and a few data pages at every access; the generator emits each
// page of the tile once, in the order the loop first touches it, code first, and
// spreads the tile's memory accesses (the 8-byte words it loads and stores) evenly
// over the tile's records as their gaps. Two consecutive records never name the same
// page: emit() merges such a pair into one record (gaps added, write flag kept).
// Simplification: the alternation inside a tile is not replayed (a page touched again
// within its tile is one record). Effect: fewer records than an access trace; the
// pages each tile touches and the order of first touches are kept.
// Speed: the loops that write records are plain functions and methods called from the
// generators (V8 optimises a long loop inside a generator poorly).
import { REC_CODE, REC_WRITE } from "../../core/abi.js";
import type { RecordStream, Region, Workload, WorkloadOptions } from "../types.js";

export const READ = 0;
export const WRITE = REC_WRITE;
export const CODE = REC_CODE;

const KiB = 1024;
const TEXT_BYTES = 512 * KiB; // hpcc's text with libc and libm pulled in
const DATA_BYTES = 16 * KiB; // .data + .bss: parameters, timers, result records
const HEAP_BYTES = 64 * KiB; // brk heap: small mallocs (file names, parameter tables)
const STACK_BYTES = 128 * KiB;
const GUARD_PAGES = 1n;
/** glibc's header before the data of a chunk it maps with mmap (every large array) */
export const MALLOC_HEADER = 16;

/** Pages of an mmap'd malloc chunk of `bytes` data bytes (data at MALLOC_HEADER). */
export function mallocPages(bytes: number, pageSize: number, header = MALLOC_HEADER): number {
  return Math.max(1, Math.ceil((header + bytes) / pageSize));
}

/** Where each function a kernel calls lies in the text, in 4 KiB pages from its start
 * (ProcessSpace.codePage gives its page at the run's page size). */
export const FN = {
  startup: 0, main: 1, init: 2, timer: 3, libc: 4, kernel: 8, kernel2: 9, kernel3: 10, kernel4: 11, kernel5: 12,
} as const;

export interface ArraySpec {
  name: string;
  pages: number;
}

/** The text page holding the function `fn` (an offset of FN or BLAS_FN). */
export type CodePage = (fn: number) => number;

export interface ProcessSpace {
  regions: Region[];
  pageCount: number;
  text: Region;
  data: Region;
  heap: Region;
  stack: Region;
  /** the data arrays in allocation order (region start = dense id of element 0's page) */
  arrays: Region[];
  /** dense id of the page holding the innermost frames */
  stackTop: number;
  codePage: CodePage;
}

/** The address space of a non-PIE x86-64 Linux process: text at 4 MiB, data after it,
 * the brk heap after a gap, every large array a separate mmap area below the mmap base
 * (the first allocated highest, as glibc's top-down mmap places them), and the stack
 * at the top. Dense ids follow virtual addresses upwards. */
export function processSpace(pageSize: number, arrays: ArraySpec[]): ProcessSpace {
  const ps = BigInt(pageSize);
  const pagesOf = (bytes: number) => Math.max(1, Math.ceil(bytes / pageSize));
  const text = { name: "text", kind: "code" as const, pages: pagesOf(TEXT_BYTES), vpnBase: 0x400000n / ps };
  const data = { name: "data", kind: "data" as const, pages: pagesOf(DATA_BYTES), vpnBase: text.vpnBase + BigInt(text.pages) + 0x200000n / ps };
  const heap = { name: "heap", kind: "heap" as const, pages: pagesOf(HEAP_BYTES), vpnBase: data.vpnBase + BigInt(data.pages) + 0x1000000n / ps };
  let mmapTop = 0x7ffff7a00000n / ps;
  const mapped = arrays.map((a) => {
    mmapTop -= BigInt(a.pages);
    const r = { name: a.name, kind: "mmap" as const, pages: a.pages, vpnBase: mmapTop };
    mmapTop -= GUARD_PAGES;
    return r;
  });
  const stackPages = pagesOf(STACK_BYTES);
  const stack = { name: "stack", kind: "stack" as const, pages: stackPages, vpnBase: 0x7ffffffff000n / ps - BigInt(stackPages) };
  const ordered = [text, data, heap, ...[...mapped].reverse(), stack];
  let next = 0;
  const regions: Region[] = ordered.map((r) => {
    const region: Region = { ...r, start: next };
    next += r.pages;
    return region;
  });
  const byName = (n: string) => regions.find((r) => r.name === n)!;
  const stackRegion = byName("stack");
  const textRegion = byName("text");
  return {
    regions,
    pageCount: next,
    text: textRegion,
    data: byName("data"),
    heap: byName("heap"),
    stack: stackRegion,
    arrays: arrays.map((a) => byName(a.name)),
    stackTop: stackRegion.start + stackRegion.pages - 1,
    // functions 4 KiB apart share a page when pages are larger
    codePage: (fn) => textRegion.start + Math.floor((fn * 4 * KiB) / pageSize),
  };
}

export type KernelBody = (k: KernelStream) => Generator<void, void, void>;

const HIGH = 1 << 16;
const MAX_GAP = 0xffffffff;

/** Gap of each record of a tile with `accesses` memory accesses over `records` records. */
export function tileGap(accesses: number, records: number): number {
  const g = Math.round(accesses / Math.max(1, records));
  return g < 1 ? 1 : g > MAX_GAP ? MAX_GAP : g;
}

/** Runs a kernel body and hands its records out in chunks. The body yields when
 * `full` is set; records are never all held at once. Counting (countAll) runs the very
 * same body and code paths, so the count is exact by construction. */
export class KernelStream implements RecordStream {
  pages = new Uint32Array(HIGH + 4096);
  gaps = new Uint32Array(HIGH + 4096);
  flags = new Uint8Array(HIGH + 4096);
  /** records held */
  len = 0;
  private pos = 0;
  private done = false;
  /** page of the last record emitted, -1 before the first */
  last = -1;
  /** records handed on (or counted) before the buffer's first record */
  private flushed = 0;
  /** record index of each mark(), as the body passed it */
  readonly marks: Record<string, number> = {};
  private readonly it: Generator<void, void, void>;

  constructor(body: KernelBody) {
    this.it = body(this);
  }

  get full(): boolean {
    return this.len >= HIGH;
  }

  /** Notes the index of the next record under `name` (the start of a phase). */
  mark(name: string): void {
    this.marks[name] = this.flushed + this.len;
  }

  /** One record; merged into the previous one when it names the same page. */
  emit(page: number, gap: number, flags: number): void {
    if (page === this.last) {
      const i = this.len - 1;
      this.gaps[i] = Math.min(MAX_GAP, this.gaps[i] + gap);
      this.flags[i] |= flags;
      return;
    }
    this.last = page;
    if (this.len === this.pages.length) this.grow(this.len + 1);
    const i = this.len++;
    this.pages[i] = page;
    this.gaps[i] = gap;
    this.flags[i] = flags;
  }

  /** Room for `n` more records without checks (fast paths write the arrays directly,
   * then set len and last). */
  reserve(n: number): void {
    if (this.len + n > this.pages.length) this.grow(this.len + n);
  }

  /** Pages first .. first+n-1 ascending, each preceded by `code` when code >= 0.
   * A generator: use with yield*, it yields whenever the buffer is full. */
  *run(first: number, n: number, gap: number, flags: number, code = -1): Generator<void, void, void> {
    for (let p = first; p < first + n; p++) {
      if (code >= 0) this.emit(code, gap, CODE);
      this.emit(p, gap, flags);
      if (this.len >= HIGH) yield;
    }
  }

  /** Parallel sweeps: for j in [from, to), the code page, then page j of each array
   * (bases[i] + j, flags[i]). A generator, as run(). */
  *sweep(code: number, bases: number[], flags: number[], from: number, to: number, gap: number): Generator<void, void, void> {
    if (to <= from) return;
    const m = bases.length;
    // the first tile through emit(), which merges with a preceding record on the same page
    this.emit(code, gap, CODE);
    for (let a = 0; a < m; a++) this.emit(bases[a] + from, gap, flags[a]);
    for (let j = from + 1; j < to; ) {
      j = this.sweepBatch(code, bases, flags, j, Math.min(to, j + 4096), gap);
      if (this.len >= HIGH) yield;
    }
  }

  /** Tiles j in [from, end) of sweep() without per-record checks; returns end. (Hot
   * loops live in plain methods: V8 optimises a long loop inside a generator poorly.) */
  private sweepBatch(code: number, bases: number[], flags: number[], from: number, end: number, gap: number): number {
    const m = bases.length;
    const b0 = bases[0], f0 = flags[0];
    const b1 = m > 1 ? bases[1] : -1, f1 = m > 1 ? flags[1] : 0;
    const b2 = m > 2 ? bases[2] : -1, f2 = m > 2 ? flags[2] : 0;
    this.reserve(4 * (end - from));
    const pages = this.pages, gaps = this.gaps, fl = this.flags;
    const fc = CODE;
    let i = this.len;
    for (let j = from; j < end; j++) {
      pages[i] = code; gaps[i] = gap; fl[i] = fc; i++;
      pages[i] = b0 + j; gaps[i] = gap; fl[i] = f0; i++;
      if (m > 1) { pages[i] = b1 + j; gaps[i] = gap; fl[i] = f1; i++; }
      if (m > 2) { pages[i] = b2 + j; gaps[i] = gap; fl[i] = f2; i++; }
    }
    this.len = i;
    this.last = pages[i - 1];
    return end;
  }

  private grow(need: number): void {
    let n = this.pages.length * 2;
    while (n < need) n *= 2;
    const p = new Uint32Array(n);
    p.set(this.pages);
    const g = new Uint32Array(n);
    g.set(this.gaps);
    const f = new Uint8Array(n);
    f.set(this.flags);
    this.pages = p;
    this.gaps = g;
    this.flags = f;
  }

  /** Runs the body to its end and returns the number of records it emits (the same
   * records fill() would hand out, the last one held back until the body moves on). */
  countAll(): number {
    for (;;) {
      const done = this.it.next().done === true;
      if (done) return this.flushed + this.len;
      this.keepLast();
    }
  }

  fill(pages: Uint32Array, gaps: Uint32Array, flags: Uint8Array, max: number): number {
    let n = 0;
    while (n < max) {
      // the newest record stays back until the body moves on: a merge may still change it
      const avail = (this.done ? this.len : this.len - 1) - this.pos;
      if (avail <= 0) {
        if (this.done) break;
        this.refill();
        continue;
      }
      const take = Math.min(max - n, avail);
      pages.set(this.pages.subarray(this.pos, this.pos + take), n);
      gaps.set(this.gaps.subarray(this.pos, this.pos + take), n);
      flags.set(this.flags.subarray(this.pos, this.pos + take), n);
      this.pos += take;
      n += take;
    }
    return n;
  }

  /** Keeps only the newest record, at the front of the buffer. */
  private keepLast(): void {
    if (this.len > 0) {
      const i = this.len - 1;
      this.pages[0] = this.pages[i];
      this.gaps[0] = this.gaps[i];
      this.flags[0] = this.flags[i];
      this.flushed += i;
      this.len = 1;
    }
  }

  private refill(): void {
    this.keepLast();
    this.pos = 0;
    this.done = this.it.next().done === true;
  }
}

/** Startup of the process before the kernel: loader and libc code, the first stack
 * frames, the data segment and the first small mallocs. */
export function startup(k: KernelStream, sp: ProcessSpace): void {
  k.emit(sp.codePage(FN.startup), 64, CODE);
  k.emit(sp.stackTop, 16, WRITE);
  k.emit(sp.codePage(FN.libc), 200, CODE);
  k.emit(sp.data.start, 32, WRITE);
  k.emit(sp.codePage(FN.main), 100, CODE);
  k.emit(sp.heap.start, 64, WRITE);
  k.emit(sp.stackTop, 16, WRITE);
}

/** A call of the function `fn` (an FN offset): its code page and a new stack frame. */
export function call(k: KernelStream, sp: ProcessSpace, fn: number): void {
  k.emit(sp.codePage(fn), 20, CODE);
  k.emit(sp.stackTop, 4, WRITE);
}

/** Writes every page of an array once (initialisation), code and data interleaved. */
export function initArray(k: KernelStream, sp: ProcessSpace, array: Region, accessesPerPage: number): Generator<void, void, void> {
  return k.sweep(sp.codePage(FN.init), [array.start], [WRITE], 0, array.pages, tileGap(accessesPerPage, 2));
}

/** Elements of `bytes`-byte size that fit a page (at least 1). */
export function perPage(pageSize: number, bytes: number): number {
  return Math.max(1, Math.floor(pageSize / bytes));
}

/** The larger of 1 and the working-set share of `n`, rounded. */
export function share(n: number, w: number): number {
  return Math.max(1, Math.min(n, Math.round(n * w)));
}

/** Names of the marks a kernel sets around HPCC's timed section. */
export const TIMED_START = "timed";
export const TIMED_END = "timed-end";

/** Builds the Workload of a kernel from its body. The record count and where HPCC's
 * timed section lies come from one counting run of the body, made the first time
 * either is read (an O(N^3) kernel at tens of GiB has more records than can be counted
 * in reasonable time, but its address space and first records are there at once). */
export function kernelWorkload(name: string, o: WorkloadOptions, sp: Pick<ProcessSpace, "regions" | "pageCount">, body: KernelBody): Workload {
  let counted: { records: number; timed?: { from: number; to: number } } | undefined;
  const count = () => {
    if (!counted) {
      const counter = new KernelStream(body);
      const records = counter.countAll();
      const from = counter.marks[TIMED_START];
      const to = counter.marks[TIMED_END];
      counted = { records, timed: from !== undefined && to !== undefined ? { from, to } : undefined };
    }
    return counted;
  };
  return {
    name,
    pageSize: o.pageSize,
    regions: sp.regions,
    pageCount: sp.pageCount,
    get records() {
      return count().records;
    },
    get timed() {
      return count().timed;
    },
    open: () => new KernelStream(body),
  };
}

// ---- HPCC's problem sizes --------------------------------------------------------

/** HPL's N as HPCC sets it when given only the memory per process (HPCC_Defaults with
 * hpccmemf.txt "Process=M"): N = sqrt(0.8 M / 8) rounded down to a multiple of 2 NB,
 * NB = 80, so that both HPL and PTRANS (N / 2) see a multiple of NB. */
export const HPCC_NB = 80;
export function hpccN(memoryBytes: number): number {
  const n = Math.floor(Math.floor(Math.sqrt((0.8 * memoryBytes) / 8)) / (2 * HPCC_NB)) * 2 * HPCC_NB;
  return Math.max(2 * HPCC_NB, n);
}

/** HPLMaxProcMem: the bytes of HPL's matrix, N^2 doubles; every other test sizes its
 * data from it. */
export function hplMaxProcMem(memoryBytes: number): number {
  const n = hpccN(memoryBytes);
  return n * n * 8;
}

/** HPCC_LocalVectorSize: the largest power of two <= HPLMaxProcMem / size / count
 * (pow2), or the quotient itself. */
export function localVectorSize(memoryBytes: number, count: number, size: number, pow2: boolean): number {
  const q = Math.floor(hplMaxProcMem(memoryBytes) / size / count);
  if (!pow2) return q;
  let v = 1;
  while (v * 2 <= q) v *= 2;
  return v;
}

// ---- column-major matrices of doubles at byte offsets ------------------------------

/** A column-major matrix of doubles in a region: element (i, j) at byte
 * off + 8 (i + j ld) from the region's first page. */
export class Dense {
  constructor(
    readonly base: number,
    readonly off: number,
    readonly ld: number,
    readonly pageSize: number,
  ) {}
  /** dense page id of element (i, j) */
  page(i: number, j: number): number {
    return this.base + Math.floor((this.off + 8 * (i + j * this.ld)) / this.pageSize);
  }
  /** the same storage seen from element (i, j) */
  at(i: number, j: number): Dense {
    return new Dense(this.base, this.off + 8 * (i + j * this.ld), this.ld, this.pageSize);
  }
}

/** Pages of rows [i0, i1) of one column j, ascending, each after `code` if given. */
export function emitColumn(k: KernelStream, m: Dense, i0: number, i1: number, j: number, gap: number, flags: number): void {
  if (i1 <= i0) return;
  const p0 = m.page(i0, j);
  const p1 = m.page(i1 - 1, j);
  for (let p = p0; p <= p1; p++) k.emit(p, gap, flags);
}

/** Column by column over rows [i0, i1) x columns [j0, j1): a tile per column (its code
 * page, then its pages), `perElement` accesses per element. */
export function* columnSweep(k: KernelStream, code: number, m: Dense, i0: number, i1: number, j0: number, j1: number, perElement: number, flags: number): Generator<void, void, void> {
  if (i1 <= i0) return;
  for (let j = j0; j < j1; j++) {
    emitColumnTile(k, code, m, i0, i1, j, perElement, flags);
    if (k.full) yield;
  }
}

/** One column of columnSweep. */
function emitColumnTile(k: KernelStream, code: number, m: Dense, i0: number, i1: number, j: number, perElement: number, flags: number): void {
  const p0 = m.page(i0, j);
  const p1 = m.page(i1 - 1, j);
  const gap = tileGap(perElement * (i1 - i0), p1 - p0 + 2);
  k.emit(code, gap, CODE);
  for (let p = p0; p <= p1; p++) k.emit(p, gap, flags);
}

/** Row by row over rows [i0, i1) x columns [j0, j1) (a row-wise walk of a column-major
 * matrix, as a transposed generator or copy does): a tile per row, its code page then
 * the page of each element in column order, `perElement` accesses per element. */
export function* rowSweep(k: KernelStream, code: number, m: Dense, i0: number, i1: number, j0: number, j1: number, perElement: number, flags: number): Generator<void, void, void> {
  if (j1 <= j0) return;
  for (let i = i0; i < i1; i++) {
    emitRow(k, code, m, i, j0, j1, perElement, flags);
    if (k.full) yield;
  }
}

/** One row of rowSweep. */
function emitRow(k: KernelStream, code: number, m: Dense, i: number, j0: number, j1: number, perElement: number, flags: number): void {
  const ps = m.pageSize;
  const cols = j1 - j0;
  const colBytes = 8 * m.ld;
  let addr = m.off + 8 * (i + j0 * m.ld);
  // a gap for every element: one whose page is the last record's adds its gap there
  const gap = tileGap(perElement * cols, cols + 1);
  k.emit(code, gap, CODE);
  k.reserve(cols + 1);
  const pages = k.pages, gaps = k.gaps, fl = k.flags;
  const base = m.base;
  let n = k.len;
  let last = k.last;
  for (let j = 0; j < cols; j++, addr += colBytes) {
    const p = base + Math.floor(addr / ps);
    if (p === last) {
      gaps[n - 1] += gap;
      fl[n - 1] |= flags;
      continue;
    }
    pages[n] = p; gaps[n] = gap; fl[n] = flags; n++;
    last = p;
  }
  k.len = n;
  k.last = last;
}
