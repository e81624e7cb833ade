// HPCC FFT: a 1-D complex double FFT of n = 2^k points, radix 2, out of place: the
// input x is copied into y in bit-reversed order, then log2 n butterfly passes run in
// place on y, pass s pairing points h = 2^s apart with the twiddle factors of that pass,
// which are laid out pass by pass (h factors at offset h - 1) as FFT libraries store
// them, so a pass reads its factors in order. Memory: x, y and the twiddles, 16 bytes
// a point each: n is the largest power of two with 48 n <= memory.
// Pages hold e points, e the largest power of two <= pageSize / 16. The bit reversal
// is blocked as cache-aware implementations do: a tile is e source pages and the e
// destination pages their points go to. A butterfly tile is one page (h < e) or the
// page pair h apart (h >= e), with its twiddle page.
// Initialisation writes x and the twiddles whole; the transforms then run on the
// first nw points, nw the largest power of two <= max(2, w n). `iterations` transforms
// (default 2: forward and inverse).
import type { Workload, WorkloadOptions } from "../types.js";
import { CODE, FN, READ, WRITE, call, initArray, kernelWorkload, processSpace, startup, type KernelBody, type KernelStream } from "./common.js";

function log2Floor(x: number): number {
  let k = 0;
  while (2 ** (k + 1) <= x) k++;
  return k;
}

function reverseBits(v: number, bits: number): number {
  let r = 0;
  for (let i = 0; i < bits; i++) {
    r = r * 2 + (v & 1);
    v = Math.floor(v / 2);
  }
  return r;
}

export function fftWorkload(o: WorkloadOptions): Workload {
  const logN = Math.max(1, log2Floor(o.memoryBytes / 48));
  const n = 2 ** logN;
  const logE = log2Floor(Math.max(1, o.pageSize / 16));
  const e = 2 ** logE;
  const pages = Math.ceil(n / e);
  const sp = processSpace(o.pageSize, ["x", "y", "twiddle"].map((name) => ({ name, pages })));
  const [x, y, tw] = sp.arrays.map((r) => r.start);
  const logW = Math.min(logN, Math.max(1, log2Floor(Math.max(2, o.workingSet * n))));
  const nw = 2 ** logW;
  const wPages = Math.ceil(nw / e);
  const revCode = sp.text.start + FN.kernel;
  const bflyCode = sp.text.start + FN.kernel2;

  const revLo = new Uint32Array(e);
  for (let lo = 0; lo < e; lo++) revLo[lo] = reverseBits(lo, logE);

  /** Records of one transform, in closed form (no tile ever repeats its predecessor's page). */
  function transformRecords(): number {
    let r = logW >= 2 * logE ? 2 ** (logW - 2 * logE) * (2 * e + 1) : 2 * wPages + 1;
    for (let s = 0; s < logW; s++) r += 2 ** s < e ? 3 * wPages : 2 * wPages;
    return r;
  }

  function* bitReverse(k: KernelStream) {
    if (logW >= 2 * logE) {
      // index = [hi | mid | lo] (logE, m, logE bits): the source pages [hi | mid] and the
      // destination pages [rev(lo) | rev(mid)] of one mid value form a tile
      const m = logW - 2 * logE;
      const midCount = 2 ** m;
      const gap = Math.max(1, Math.round((3 * e * e) / (2 * e + 1)));
      for (let mid = 0; mid < midCount; mid++) {
        const rmid = reverseBits(mid, m);
        k.emit(revCode, gap, CODE);
        k.emit(x + mid, gap, READ); // hi = 0
        for (let lo = 0; lo < e; lo++) k.emit(y + revLo[lo] * midCount + rmid, gap, WRITE);
        for (let hi = 1; hi < e; hi++) k.emit(x + hi * midCount + mid, gap, READ);
        if (k.full) yield;
      }
    } else {
      // fewer than e * e points: one tile, destination pages in first-touch order
      const seen = new Uint8Array(wPages);
      const gap = Math.max(1, Math.round((3 * nw) / (2 * wPages + 1)));
      k.emit(revCode, gap, CODE);
      k.emit(x, gap, READ);
      for (let i = 0; i < nw; i++) {
        const p = Math.floor(reverseBits(i, logW) / e);
        if (!seen[p]) {
          seen[p] = 1;
          k.emit(y + p, gap, WRITE);
        }
      }
      yield* k.run(x + 1, wPages - 1, gap, READ);
    }
  }

  function* butterflies(k: KernelStream) {
    for (let s = 0; s < logW; s++) {
      const h = 2 ** s;
      if (h < e) {
        // both points of every pair in one page: pages in order, with the twiddle page
        const twPage = tw + Math.floor((h - 1) / e);
        const perPage = Math.min(e, nw);
        const gap = Math.max(1, Math.round((5 * perPage) / 3));
        for (let p = 0; p < wPages; p++) {
          k.emit(bflyCode, gap, CODE);
          k.emit(twPage, gap, READ);
          k.emit(y + p, gap, WRITE);
          if (k.full) yield;
        }
      } else {
        const hp = h / e;
        const gap = Math.max(1, Math.round((5 * e) / 4));
        for (let blk = 0; blk < wPages; blk += 2 * hp) {
          for (let j = 0; j < hp; j++) {
            k.emit(bflyCode, gap, CODE);
            k.emit(tw + Math.floor((h - 1 + j * e) / e), gap, READ);
            k.emit(y + blk + j, gap, WRITE);
            k.emit(y + blk + j + hp, gap, WRITE);
            if (k.full) yield;
          }
        }
      }
    }
  }

  const makeBody = (iterations: number): KernelBody => function* body(k: KernelStream) {
    startup(k, sp);
    call(k, sp, FN.init);
    yield* initArray(k, sp, sp.arrays[0], 2 * e);
    yield* initArray(k, sp, sp.arrays[2], 2 * e);
    for (let it = 0; it < iterations; it++) {
      call(k, sp, FN.kernel);
      if (k.countOnly) {
        k.skip(transformRecords(), -1);
        continue;
      }
      yield* bitReverse(k);
      yield* butterflies(k);
    }
    call(k, sp, FN.timer);
  };
  return kernelWorkload("fft", o, sp, makeBody, 2);
}
