// What the HPCC kernel generators share: the address space of a small HPC process,
// and KernelStream, which runs a kernel written as a generator function and hands
// its records out in chunks.
//
// Page-level model. A kernel is a sequence of tiles (a page of a sweep, a block of a
// blocked matrix kernel, a page pair of an FFT pass, one GUPS update). Inside a tile the
// real loop alternates between its code page and a few data pages at every access;
// the generator emits each page of the tile once, in the order the loop first touches
// it, code first, and spreads the tile's memory accesses (data accesses plus one
// instruction fetch per element) evenly over the tile's records as their gaps. Two
// consecutive records never name the same page: emit() merges such a pair into one
// record (gaps added, write flag kept).
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

/** Code page offsets inside the text region, one per function a kernel calls. */
export const FN = {
  startup: 0, main: 1, init: 2, timer: 3, libc: 4, kernel: 8, kernel2: 9, kernel3: 10, kernel4: 11, kernel5: 12,
} as const;

export interface ArraySpec {
  name: string;
  pages: number;
}

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
  return {
    regions,
    pageCount: next,
    text: byName("text"),
    data: byName("data"),
    heap: byName("heap"),
    stack: stackRegion,
    arrays: arrays.map((a) => byName(a.name)),
    stackTop: stackRegion.start + stackRegion.pages - 1,
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

/** Runs a kernel body; either streams its records or only counts them. The body
 * yields when `full` is set; records are never all held at once. */
export class KernelStream implements RecordStream {
  private pages = new Uint32Array(HIGH + 1024);
  private gaps = new Uint32Array(HIGH + 1024);
  private flags = new Uint8Array(HIGH + 1024);
  /** records held */
  len = 0;
  private pos = 0;
  private done = false;
  /** page of the last record emitted, -1 before the first */
  private last = -1;
  /** records counted (count mode) */
  count = 0;
  private readonly it: Generator<void, void, void>;

  constructor(body: KernelBody, readonly countOnly = false) {
    this.it = body(this);
  }

  get full(): boolean {
    return this.len >= HIGH;
  }

  /** One record; merged into the previous one when it names the same page. */
  emit(page: number, gap: number, flags: number): void {
    if (page === this.last) {
      if (this.countOnly) return;
      const i = this.len - 1;
      this.gaps[i] = Math.min(MAX_GAP, this.gaps[i] + gap);
      this.flags[i] |= flags;
      return;
    }
    this.last = page;
    if (this.countOnly) {
      this.count++;
      return;
    }
    if (this.len === this.pages.length) this.grow();
    const i = this.len++;
    this.pages[i] = page;
    this.gaps[i] = gap;
    this.flags[i] = flags;
  }

  /** Three records on three different pages (a tile of three), in one step. */
  emit3(p0: number, g0: number, f0: number, p1: number, g1: number, f1: number, p2: number, g2: number, f2: number): void {
    if (this.countOnly || p0 === this.last || this.len + 3 > this.pages.length) {
      this.emit(p0, g0, f0);
      this.emit(p1, g1, f1);
      this.emit(p2, g2, f2);
      return;
    }
    const i = this.len;
    const pages = this.pages, gaps = this.gaps, flags = this.flags;
    pages[i] = p0; gaps[i] = g0; flags[i] = f0;
    pages[i + 1] = p1; gaps[i + 1] = g1; flags[i + 1] = f1;
    pages[i + 2] = p2; gaps[i + 2] = g2; flags[i + 2] = f2;
    this.len = i + 3;
    this.last = p2;
  }

  /** Count mode: `n` records whose count is known in closed form, the last on `lastPage`. */
  skip(n: number, lastPage: number): void {
    this.count += n;
    this.last = lastPage;
  }

  /** Pages first .. first+n-1 ascending, each preceded by `code` when code >= 0.
   * A generator: use with yield*, it yields whenever the buffer is full. */
  *run(first: number, n: number, gap: number, flags: number, code = -1): Generator<void, void, void> {
    if (n <= 0) return;
    if (this.countOnly) {
      const head = code >= 0 ? code : first;
      this.count += (code >= 0 ? 2 * n : n) - (head === this.last ? 1 : 0);
      this.last = first + n - 1;
      return;
    }
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
    if (this.countOnly) {
      this.count += (to - from) * (m + 1) - (code === this.last ? 1 : 0);
      this.last = bases[m - 1] + to - 1;
      return;
    }
    // the first tile through emit(), which merges with a preceding record on the same page
    this.emit(code, gap, CODE);
    for (let a = 0; a < m; a++) this.emit(bases[a] + from, gap, flags[a]);
    const b0 = bases[0], f0 = flags[0];
    const b1 = m > 1 ? bases[1] : -1, f1 = m > 1 ? flags[1] : 0;
    const b2 = m > 2 ? bases[2] : -1, f2 = m > 2 ? flags[2] : 0;
    for (let j = from + 1; j < to; ) {
      // room for whole tiles in the buffer, then one batch without per-record checks
      if (this.len + 4 * 4096 > this.pages.length) this.grow();
      const end = Math.min(to, j + 4096);
      const pages = this.pages, gaps = this.gaps, fl = this.flags;
      let i = this.len;
      for (; j < end; j++) {
        pages[i] = code; gaps[i] = gap; fl[i] = CODE; i++;
        pages[i] = b0 + j; gaps[i] = gap; fl[i] = f0; i++;
        if (m > 1) { pages[i] = b1 + j; gaps[i] = gap; fl[i] = f1; i++; }
        if (m > 2) { pages[i] = b2 + j; gaps[i] = gap; fl[i] = f2; i++; }
      }
      this.len = i;
      this.last = pages[i - 1];
      if (this.len >= HIGH) yield;
    }
  }

  /** Pages of a column-major matrix block: columns c0..c1-1, page rows r0..r1-1 of each
   * column, `colPages` pages a column, column by column. A generator, as run(). */
  *block(base: number, colPages: number, c0: number, c1: number, r0: number, r1: number, gap: number, flags: number): Generator<void, void, void> {
    if (c1 <= c0 || r1 <= r0) return;
    if (this.countOnly) {
      const first = base + c0 * colPages + r0;
      this.count += (c1 - c0) * (r1 - r0) - (first === this.last ? 1 : 0);
      this.last = base + (c1 - 1) * colPages + r1 - 1;
      return;
    }
    for (let c = c0; c < c1; c++) {
      const col = base + c * colPages;
      for (let r = r0; r < r1; r++) this.emit(col + r, gap, flags);
      if (this.len >= HIGH) yield;
    }
  }

  private grow(): void {
    const n = this.pages.length * 2;
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

  /** Runs the body to its end and returns the number of records it emits. */
  countAll(): number {
    while (!this.it.next().done);
    return this.count;
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

  private refill(): void {
    if (this.len > 0) {
      // keep the held-back record at the front
      const i = this.len - 1;
      this.pages[0] = this.pages[i];
      this.gaps[0] = this.gaps[i];
      this.flags[0] = this.flags[i];
      this.len = 1;
    }
    this.pos = 0;
    this.done = this.it.next().done === true;
  }
}

/** Startup of the process before the kernel: loader and libc code, the first stack
 * frames, the data segment and the first small mallocs. */
export function startup(k: KernelStream, sp: ProcessSpace): void {
  const t = sp.text.start;
  k.emit(t + FN.startup, 64, CODE);
  k.emit(sp.stackTop, 16, WRITE);
  k.emit(t + FN.libc, 200, CODE);
  k.emit(sp.data.start, 32, WRITE);
  k.emit(t + FN.main, 100, CODE);
  k.emit(sp.heap.start, 64, WRITE);
  k.emit(sp.stackTop, 16, WRITE);
}

/** A call of the function at text offset `fn`: its code page and a new stack frame. */
export function call(k: KernelStream, sp: ProcessSpace, fn: number): void {
  k.emit(sp.text.start + fn, 20, CODE);
  k.emit(sp.stackTop, 4, WRITE);
}

/** Writes every page of an array once (initialisation), code and data interleaved. */
export function initArray(k: KernelStream, sp: ProcessSpace, array: Region, accessesPerPage: number): Generator<void, void, void> {
  return k.sweep(sp.text.start + FN.init, [array.start], [WRITE], 0, array.pages, tileGap(accessesPerPage, 2));
}

/** Elements of `bytes`-byte size that fit a page (at least 1). */
export function perPage(pageSize: number, bytes: number): number {
  return Math.max(1, Math.floor(pageSize / bytes));
}

/** The larger of 1 and the working-set share of `n`, rounded. */
export function share(n: number, w: number): number {
  return Math.max(1, Math.min(n, Math.round(n * w)));
}

/** Block edge for a G x G blocking of an n-element dimension: a whole number of
 * page rows once the dimension spans more than one page, so blocks of column-major
 * matrices never share pages. */
export function blockEdge(n: number, perPageRow: number, grid: number): number {
  let b = Math.ceil(n / grid);
  if (n > perPageRow) b = Math.ceil(b / perPageRow) * perPageRow;
  return Math.max(1, b);
}

/** Builds the Workload of a kernel from its body for a number of iterations. Records
 * are counted by one pass of the body in count mode (bulk runs and blocks are counted
 * without being produced). Without --iterations, the kernel runs its default number of
 * iterations, or more when initialisation would otherwise exceed a third of the trace:
 * the working-set option only shows after initialisation, and the default migration
 * point (--migrate-at 0.5) must fall in the kernel proper. */
export function kernelWorkload(name: string, o: WorkloadOptions, sp: ProcessSpace, makeBody: (iterations: number) => KernelBody, defaultIterations: number): Workload {
  const count = (iterations: number) => new KernelStream(makeBody(iterations), true).countAll();
  let iterations = o.iterations ?? defaultIterations;
  if (o.iterations === undefined) {
    const one = count(1);
    const perIteration = count(2) - one;
    const fixed = one - perIteration;
    if (perIteration > 0) iterations = Math.max(defaultIterations, Math.ceil((2 * fixed) / perIteration));
  }
  const body = makeBody(iterations);
  const records = new KernelStream(body, true).countAll();
  return {
    name,
    pageSize: o.pageSize,
    regions: sp.regions,
    pageCount: sp.pageCount,
    records,
    open: () => new KernelStream(body),
  };
}

/** An n x n column-major matrix of doubles, each column padded to whole pages (as a
 * leading dimension rounded up to the page keeps columns page-aligned). */
export class Matrix {
  readonly perPage: number;
  readonly colPages: number;
  constructor(readonly n: number, pageSize: number) {
    this.perPage = perPage(pageSize, 8);
    this.colPages = Math.ceil(n / this.perPage);
  }
  get pages(): number {
    return this.n * this.colPages;
  }
  /** First page row holding element row e0. */
  row0(e0: number): number {
    return Math.floor(e0 / this.perPage);
  }
  /** One past the page row holding element row e1 - 1. */
  row1(e1: number): number {
    return Math.floor((e1 - 1) / this.perPage) + 1;
  }
  /** Pages of the block rows [e0, e1) x columns [c0, c1). */
  blockPages(e0: number, e1: number, c0: number, c1: number): number {
    return e1 <= e0 || c1 <= c0 ? 0 : (c1 - c0) * (this.row1(e1) - this.row0(e0));
  }
}

/** Emits the pages of rows [e0, e1) x columns [c0, c1) of a matrix at `base`. */
export function matrixBlock(k: KernelStream, m: Matrix, base: number, e0: number, e1: number, c0: number, c1: number, gap: number, flags: number): Generator<void, void, void> {
  return k.block(base, m.colPages, c0, c1, e1 <= e0 ? 0 : m.row0(e0), e1 <= e0 ? 0 : m.row1(e1), gap, flags);
}
