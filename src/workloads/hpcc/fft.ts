// HPCC FFT (FFT/tstfft.c, wrapfftw.c, zfft1d.c, fft235.c: FFTE 4, the SingleFFT and
// StarFFT tests) as one process runs it.
//
// Sizes: n = the largest power of two <= HPLMaxProcMem / 16 / 2 complex doubles (HPCC
// without HPCC_FFT_235: two vectors; 2^22 at 256 MiB). Vectors `in` and `out` of n
// points (16 bytes each), then the plan's arrays as wrapfftw.c allocates them: w1, w2
// (radix tables), ww1-ww4 (six-step twiddles), c (the blocked work array) and d, each
// its own malloc, their sizes FFTE's fixed minimums or multiples of sqrt(n).
//
// What the process does, in order:
//   1. HPCC_bcnrand fills `in` (a sweep);
//   2. the plan: zfft1d with iopt 0 writes the radix tables and the twiddle tables;
//   3. timed: zfft1d(in, out, forward), then out[i] = in[i]. For n > 21845 (FFTE's
//      L2 rule) zfft1d is the six-step transform, n = n1 n2, n1 = n2 = sqrt(n)
//      (2048 x 2048 at 2^22), blocked by NBLK = 16:
//        for each block of 16 rows ii of `in` seen as n1 x n2:
//          copy the 16 x n2 block into c (16 columns of `in` a tile, a page each),
//          16 column FFTs of n2 points in c (fft235: radix-8 and radix-4 passes
//          between c and d),
//          twiddle multiply, writing rows ii of `out` as n1 x n2: a page per column;
//        for each block of 16 columns jj of `out`:
//          16 column FFTs of n1 points in `out` (fft235, with c as its work),
//          transpose into `in` (n2 x n1): 16 columns of `out` read, a page of `in` per row.
//      For smaller n it is one fft235 over the whole vector;
//   4. the inverse: a new plan (the same tables again), then zfft1d(out, in,
//      backward) with its conjugation and scaling sweeps, then in[i] = out[i];
//   5. HPCC_bcnrand refills `out`; in and out are compared (a sweep of both).
// Page-level pattern: the copy and the transposes walk 16 columns of a 32 KiB-column
// matrix at a time, so a tile (one trip of the innermost loop) touches 16 pages of one
// vector and one page of the other; the twiddle step walks `out` a page per column;
// each radix pass of a column FFT is one tile over its source, destination and table
// pages. Accesses: 2 log2(radix) per point per radix pass (so a transform's passes sum
// to 2 n log2 n, proportional to its 5 n log2 n flops); 4 per point copied or
// transposed; 8 per point twiddled; 2 per point written and 4 per point copied in the
// sweeps (a point is two doubles).
// Options: --iterations r runs the timed transform r times; --working-set w transforms
// the first 2^floor(log2(w n)) points (the plan and vectors keep their full size).
// Simplifications, with reasons and effects:
// - a radix pass of a column FFT is one tile: its butterflies cycle over every page of
//   the column at every step (points 1/8 of the column apart), so the tile keeps the
//   pages and their first-touch order, not the cycling; the column (32 KiB) stays in
//   place for its passes, so a migration sees the same pages either way;
// - the plan's tables are written table by table (settbls interleaves ww1 with ww3 and
//   ww2 with ww4 loop by loop): the same pages, set up once before the timed section;
// - bcnrand's and the tables' arithmetic (random numbers, sines and cosines) is not
//   charged beyond their stores, at the kernel's one calibrated time per access.
import type { Workload, WorkloadOptions } from "../types.js";
import {
  CODE as CODE_FLAG, FN, MALLOC_HEADER as MALLOC_HEADER_FLAG, READ as READ_FLAG, TIMED_END, TIMED_START, WRITE as WRITE_FLAG, call, kernelWorkload, localVectorSize, mallocPages, processSpace, startup, tileGap, type KernelStream,
} from "./common.js";

// flags as module locals: hot loops read them on every record (an imported binding
// is a getter under the TypeScript loaders the tests and bench run on)
const CODE = CODE_FLAG;
const MALLOC_HEADER = MALLOC_HEADER_FLAG;
const READ = READ_FLAG;
const WRITE = WRITE_FLAG;

const NBLK = 16;
const NP = 8;
const NDA2 = 65536;
const NDA4 = 256;
const L2SIZE = 1048576;

export function fftN(memoryBytes: number): number {
  return Math.max(2, localVectorSize(memoryBytes, 2, 16, true));
}

/** FFTE's pass plan for n = 2^p (HPCC_fft235 with ip = [p, 0, 0]): radix of each pass. */
export function fft235Radices(n: number): number[] {
  const p = Math.round(Math.log2(n));
  const radices: number[] = [];
  if (p === 1) return [2];
  const kp4 = 2 - ((p + 2) % 3);
  const kp8 = Math.floor((p - kp4) / 3);
  for (let i = 0; i < kp8; i++) radices.push(8);
  for (let i = 0; i < kp4; i++) radices.push(4);
  return radices;
}

/** The plan's array sizes in complex points (wrapfftw.c). */
function planSizes(n: number) {
  const s = Math.sqrt(n);
  return {
    w1: Math.max(NDA2 / 2 + NP, Math.floor(1.1 * s)),
    w2: Math.max(NDA2 / 2 + NP, Math.floor(0.375 * s)),
    ww1: Math.max(NDA2 + NDA4 * NP + NP, Math.floor(s)),
    ww2: Math.max(NDA2 + NDA4 * NP + NP, Math.floor(3.9 * s)),
    ww3: Math.max(NDA2 + NDA4 * NP + NP, Math.floor(5.4773 * s)),
    ww4: Math.max(NDA2 + (1 << 13), Math.floor(n / 256)),
    c: Math.max((NDA2 + NP) * NBLK + NP, Math.floor(16.75 * s)),
    d: Math.max(NDA2 + NP, Math.floor(s)),
  };
}

/** The six-step split of zfft1d for n = 2^p: n1, n2, m1, m2 (both halves >= NBLK here). */
export function sixStep(n: number) {
  const p = Math.round(Math.log2(n));
  const p1 = Math.floor((p + 1) / 2);
  const p2 = p - p1;
  const n1 = 2 ** p1;
  const n2 = 2 ** p2;
  const small = n1 < NBLK || n2 < NBLK;
  let m1 = small ? 2 ** Math.floor(p1 / 2) : Math.max(NBLK, 2 ** Math.floor(p1 / 2));
  let m2 = small ? 2 ** Math.floor(p2 / 2) : Math.max(NBLK, 2 ** Math.floor(p2 / 2));
  m1 = Math.min(m1, n1);
  m2 = Math.min(m2, n2);
  return { n1, n2, m1, m2, small };
}

export function fftWorkload(o: WorkloadOptions): Workload {
  const n = fftN(o.memoryBytes);
  const ps = o.pageSize;
  const sizes = planSizes(n);
  const names = ["in", "out", "w1", "w2", "ww1", "ww2", "ww3", "ww4", "c", "d"] as const;
  const points: Record<(typeof names)[number], number> = { in: n, out: n, ...sizes };
  const sp = processSpace(ps, names.map((name) => ({ name, pages: mallocPages(16 * points[name], ps) })));
  const R = Object.fromEntries(names.map((name, i) => [name, sp.arrays[i].start])) as Record<(typeof names)[number], number>;
  const nw = Math.max(2, 2 ** Math.floor(Math.log2(Math.max(2, Math.min(1, o.workingSet) * n))));
  const transforms = o.iterations ?? 1;
  const { codePage } = sp;
  const code = { copy: codePage(FN.kernel), pass: codePage(FN.kernel2), twiddle: codePage(FN.kernel3), trans: codePage(FN.kernel4), sweep: codePage(FN.kernel5) };

  /** page of complex point e of the array at dense page `base` */
  const header = MALLOC_HEADER;
  const pg = (base: number, e: number) => base + Math.floor((header + 16 * e) / ps);

  /** one sweep over points [0, count) of the given arrays, side by side, a page at a time */
  function* sweep(k: KernelStream, fn: number, arrays: Array<[number, number]>, count: number, perPoint: number) {
    const last = pg(0, count - 1);
    // the points a page holds on average (a page larger than the array holds all of them)
    const gap = tileGap((perPoint * count) / (last + 1), arrays.length + 1);
    yield* k.sweep(fn, arrays.map(([b]) => b), arrays.map(([, f]) => f), 0, last + 1, gap);
  }

  /** HPCC_fft235 on `len` points at point offset `off` of array `a`, work array `b` at
   * offset `boff`, table `w` at offset `woff`: one tile per radix pass. */
  function fft235(k: KernelStream, a: number, off: number, b: number, boff: number, w: number, woff: number, len: number): void {
    const radices = fft235Radices(len);
    let src = a, so = off, dst = b, dof = boff;
    let l = len;
    let j = 0;
    for (let r = 0; r < radices.length; r++) {
      const radix = radices[r];
      l /= radix;
      // the last pass (l < 2) writes back into a
      const inPlace = l < 2;
      const to = inPlace ? a : dst, too = inPlace ? off : dof;
      const from = src, fro = so;
      const s0 = pg(from, fro), s1 = pg(from, fro + len - 1);
      const d0 = pg(to, too), d1 = pg(to, too + len - 1);
      const w0 = pg(w, woff + j), w1 = pg(w, woff + j + Math.max(1, l) - 1);
      const gap = tileGap(2 * Math.log2(radix) * len, s1 - s0 + d1 - d0 + w1 - w0 + 4);
      k.emit(code.pass, gap, CODE);
      for (let p = w0; p <= w1; p++) k.emit(p, gap, READ);
      for (let p = s0; p <= s1; p++) k.emit(p, gap, READ);
      for (let p = d0; p <= d1; p++) k.emit(p, gap, WRITE);
      if (!inPlace) {
        // ping-pong between a and b
        [src, so, dst, dof] = [to, too, from, fro];
      }
      j += l;
    }
  }

  /** the radix tables of settbl for `len` points into table `w` (one sweep of its entries) */
  function* settbl(k: KernelStream, w: number, len: number) {
    let entries = 0;
    let l = len;
    for (const radix of fft235Radices(len)) {
      l /= radix;
      entries += Math.max(1, l);
    }
    yield* sweep(k, code.sweep, [[w, WRITE]], entries, 2);
  }

  /** zfft1d with iopt 0: the plan's tables */
  function* plan(k: KernelStream) {
    call(k, sp, FN.init);
    if (nw <= L2SIZE / 16 / 3 && nw <= NDA2) {
      yield* settbl(k, R.w1, nw);
      return;
    }
    const { n1, n2, m1, m2 } = sixStep(nw);
    yield* settbl(k, R.w1, n1);
    yield* settbl(k, R.w2, n2);
    yield* sweep(k, code.sweep, [[R.ww1, WRITE]], m1 * m2, 2);
    yield* sweep(k, code.sweep, [[R.ww3, WRITE]], m2 * (n1 / m1), 2);
    yield* sweep(k, code.sweep, [[R.ww2, WRITE]], m1 * (n2 / m2), 2);
    yield* sweep(k, code.sweep, [[R.ww4, WRITE]], (n1 / m1) * (n2 / m2), 2);
  }

  /** zfft1d(a, b) for iopt != 0: the transform of a, b as work; result in a */
  function* zfft1d(k: KernelStream, a: number, b: number) {
    if (nw <= L2SIZE / 16 / 3 && nw <= NDA2) {
      fft235(k, a, 0, b, 0, R.w1, 0, nw);
      return;
    }
    const { n1, n2, m1, m2 } = sixStep(nw);
    const ldc = n2 + NP;
    for (let ii = 0; ii < n1; ii += NBLK) {
      const i1 = Math.min(n1, ii + NBLK);
      // copy rows ii..i1 of a (n1 x n2) into c, 16 columns at a time: a tile per row
      for (let jj = 0; jj < n2; jj += NBLK) {
        copyBlock(k, a, n1, ldc, ii, i1, jj, Math.min(n2, jj + NBLK));
        if (k.full) yield;
      }
      // column FFTs of n2 points in c, d as work
      for (let i = ii; i < i1; i++) fft235(k, R.c, (i - ii) * ldc, R.d, 0, R.w2, 0, n2);
      // twiddles: b(i, j) = c(j, i - ii) ww1 ww2 ww3 ww4, a tile per j
      for (let is = 0; is < n2 / m2; is++) {
        twiddles(k, b, n1, ldc, m1, m2, ii, i1, is);
        if (k.full) yield;
      }
    }
    for (let jj = 0; jj < n2; jj += NBLK) {
      const j1 = Math.min(n2, jj + NBLK);
      // column FFTs of n1 points in b, c as work
      for (let j = jj; j < j1; j++) fft235(k, b, j * n1, R.c, 0, R.w1, 0, n1);
      // transpose into a (n2 x n1): a tile per row i of b
      transposeBlock(k, a, b, n1, n2, jj, j1);
      if (k.full) yield;
    }
  }

  function copyBlock(k: KernelStream, a: number, n1: number, ldc: number, ii: number, i1: number, jj: number, j1: number): void {
    const gap = tileGap(4 * (j1 - jj), j1 - jj + 2);
    const fRead = READ, fWrite = WRITE;
    for (let i = ii; i < i1; i++) {
      k.emit(code.copy, gap, CODE);
      for (let j = jj; j < j1; j++) k.emit(pg(a, i + j * n1), gap, fRead);
      k.emit(pg(R.c, jj + (i - ii) * ldc), gap, fWrite);
      k.emit(pg(R.c, j1 - 1 + (i - ii) * ldc), gap, fWrite);
    }
  }

  function twiddles(k: KernelStream, b: number, n1: number, ldc: number, m1: number, m2: number, ii: number, i1: number, is: number): void {
    const gap = tileGap(8 * (i1 - ii), i1 - ii + 7);
    const fRead = READ, fWrite = WRITE;
    const ir = Math.floor(ii / m1);
    const ij0 = ii % m1;
    for (let ik = 0; ik < m2; ik++) {
      const j = ik + is * m2;
      k.emit(code.twiddle, gap, CODE);
      k.emit(pg(R.ww3, ik + ir * m2), gap, fRead);
      k.emit(pg(R.ww4, ir + is * (n1 / m1)), gap, fRead);
      k.emit(pg(R.ww1, ij0 + ik * m1), gap, fRead);
      k.emit(pg(R.ww2, ij0 + is * m1), gap, fRead);
      for (let i = ii; i < i1; i++) k.emit(pg(R.c, j + (i - ii) * ldc), gap, fRead);
      k.emit(pg(b, ii + j * n1), gap, fWrite);
    }
  }

  function transposeBlock(k: KernelStream, a: number, b: number, n1: number, n2: number, jj: number, j1: number): void {
    const gap = tileGap(4 * (j1 - jj), j1 - jj + 2);
    const fRead = READ, fWrite = WRITE;
    for (let i = 0; i < n1; i++) {
      k.emit(code.trans, gap, CODE);
      for (let j = jj; j < j1; j++) k.emit(pg(b, i + j * n1), gap, fRead);
      k.emit(pg(a, jj + i * n2), gap, fWrite);
    }
  }

  return kernelWorkload("fft", o, sp, function* body(k) {
    startup(k, sp);
    call(k, sp, FN.init);
    yield* sweep(k, code.sweep, [[R.in, WRITE]], n, 2); // bcnrand
    yield* plan(k);
    k.mark(TIMED_START);
    for (let t = 0; t < transforms; t++) {
      call(k, sp, FN.kernel);
      yield* zfft1d(k, R.in, R.out);
      yield* sweep(k, code.sweep, [[R.out, WRITE], [R.in, READ]], nw, 4);
    }
    call(k, sp, FN.timer);
    k.mark(TIMED_END);
    // the inverse: a new plan, conjugate, transform, scale, copy back
    yield* plan(k);
    call(k, sp, FN.kernel);
    yield* sweep(k, code.sweep, [[R.out, WRITE]], nw, 4);
    yield* zfft1d(k, R.out, R.in);
    yield* sweep(k, code.sweep, [[R.out, WRITE]], nw, 4);
    yield* sweep(k, code.sweep, [[R.in, WRITE], [R.out, READ]], nw, 4);
    // regenerate out, compare
    yield* sweep(k, code.sweep, [[R.out, WRITE]], n, 2);
    yield* sweep(k, code.sweep, [[R.in, READ], [R.out, READ]], nw, 4);
    call(k, sp, FN.timer);
  });
}
