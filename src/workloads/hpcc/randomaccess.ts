// HPCC RandomAccess (GUPS): Table[ran & (TableSize-1)] ^= ran over a table of 2^k
// 64-bit words, the largest power of two that fits the memory, with the benchmark's
// own sequence: ran <- (ran << 1) ^ (ran < 0 ? POLY : 0), POLY = 7, run as 128
// interleaved streams, stream j starting at HPCC_starts(j * NUPDATE / 128) with
// NUPDATE = 4 * TableSize, as in the benchmark (ran[] lives on the stack, as its local
// array does).
// Page-level scaling: HPCC makes 4 updates per table word, thousands of touches of
// every page; the generator makes `iterations` (default 4) updates per table page and
// takes them as an evenly spaced sample of the benchmark's own updates: every
// stride-th value of each stream, stride = NUPDATE / updates (a jump of stride steps is
// one multiplication by x^stride in GF(2)[x] / (x^64 + x^2 + x + 1), done with byte
// tables in 32-bit arithmetic). A prefix of the streams instead would only see their
// first values, which are sparse polynomials and hit few pages.
// Seed s starts the streams (s - 1) * NUPDATE steps later (seed 1: HPCC's own).
// Each update is a tile: code page, the stack page holding ran[], the table page.
// Working set w: the index is scaled onto the first w of the table.
import type { Workload, WorkloadOptions } from "../types.js";
import { CODE, FN, WRITE, call, initArray, kernelWorkload, perPage, processSpace, startup, type KernelBody, type KernelStream } from "./common.js";

export const POLY = 7n;
const MASK64 = (1n << 64n) - 1n;
const STREAMS = 128;

/** One step of the HPCC sequence. */
export function hpccStep(x: bigint): bigint {
  return ((x << 1n) & MASK64) ^ (x >> 63n ? POLY : 0n);
}

/** a * b in GF(2)[x] / (x^64 + x^2 + x + 1): the sequence's step is multiplication by x. */
function mulmod(a: bigint, b: bigint): bigint {
  let r = 0n;
  for (let i = 63n; i >= 0n; i--) {
    r = hpccStep(r);
    if ((b >> i) & 1n) r ^= a;
  }
  return r;
}

/** HPCC_starts(n): the value after n steps from 1, i.e. x^n, by square and multiply. */
export function hpccStarts(n: bigint): bigint {
  let result = 1n;
  let base = 2n; // x
  while (n > 0n) {
    if (n & 1n) result = mulmod(result, base);
    base = mulmod(base, base);
    n >>= 1n;
  }
  return result;
}

/** Byte tables for multiplying by the fixed element c: table[(b * 256 + v) * 2 + 0/1]
 * holds (v x^(8b)) * c as (high, low) 32-bit halves. */
export function multiplyTables(c: bigint): Uint32Array {
  const basis: bigint[] = [];
  let e = c;
  for (let k = 0; k < 64; k++) {
    basis.push(e); // x^k * c
    e = hpccStep(e);
  }
  const t = new Uint32Array(8 * 256 * 2);
  for (let b = 0; b < 8; b++) {
    for (let v = 1; v < 256; v++) {
      const low = v & -v;
      const bit = 31 - Math.clz32(low);
      const prev = (b * 256 + (v ^ low)) * 2;
      const be = basis[8 * b + bit];
      const i = (b * 256 + v) * 2;
      t[i] = t[prev] ^ Number(be >> 32n);
      t[i + 1] = t[prev + 1] ^ Number(be & 0xffffffffn);
    }
  }
  return t;
}

export function randomAccessWorkload(o: WorkloadOptions): Workload {
  let logWords = 0;
  while (2 ** (logWords + 1) * 8 <= o.memoryBytes) logWords++;
  const words = 2 ** logWords;
  const wpp = perPage(o.pageSize, 8);
  const tablePages = Math.ceil(words / wpp);
  const sp = processSpace(o.pageSize, [{ name: "table", pages: tablePages }]);
  const table = sp.arrays[0];
  const nupdate = 4 * words;
  // page of index i: floor(i * w / wpp); the table base is added in the loop
  const scale = Math.min(1, o.workingSet) / wpp;
  const hiMask = logWords > 32 ? 2 ** (logWords - 32) - 1 : 0;
  const loMask = logWords >= 32 ? -1 : words - 1;
  const code = sp.text.start + FN.kernel;
  const stack = sp.stackTop;
  const seedOffset = BigInt(Math.max(0, o.seed - 1)) * BigInt(nupdate);
  const jumps = new Map<number, Uint32Array>();

  const makeBody = (iterations: number): KernelBody => function* body(k: KernelStream) {
    const perStream = Math.ceil((iterations * tablePages) / STREAMS);
    const updates = perStream * STREAMS;
    const stride = Math.max(1, Math.floor(nupdate / updates));
    startup(k, sp);
    call(k, sp, FN.init);
    yield* initArray(k, sp, table, 2 * wpp); // Table[i] = i
    call(k, sp, FN.kernel);
    if (k.countOnly) {
      k.count += 3 * updates; // code, stack, table: never equal neighbours
      return;
    }
    const hi = new Uint32Array(STREAMS);
    const lo = new Uint32Array(STREAMS);
    const streamGap = hpccStarts(BigInt(nupdate / STREAMS));
    let x = hpccStarts(seedOffset);
    for (let j = 0; j < STREAMS; j++) {
      hi[j] = Number(x >> 32n);
      lo[j] = Number(x & 0xffffffffn);
      x = mulmod(x, streamGap);
    }
    let t = jumps.get(stride);
    if (!t) jumps.set(stride, (t = multiplyTables(hpccStarts(BigInt(stride)))));
    const base = table.start;
    for (let i = 0; i < perStream; i++) {
      for (let j = 0; j < STREAMS; j++) {
        // ran[j] <- ran[j] * x^stride: one table entry per byte of ran[j]
        const h = hi[j];
        const l = lo[j];
        const i0 = (l & 255) << 1, i1 = (256 + ((l >>> 8) & 255)) << 1, i2 = (512 + ((l >>> 16) & 255)) << 1, i3 = (768 + (l >>> 24)) << 1;
        const i4 = (1024 + (h & 255)) << 1, i5 = (1280 + ((h >>> 8) & 255)) << 1, i6 = (1536 + ((h >>> 16) & 255)) << 1, i7 = (1792 + (h >>> 24)) << 1;
        const nh = (t[i0] ^ t[i1] ^ t[i2] ^ t[i3] ^ t[i4] ^ t[i5] ^ t[i6] ^ t[i7]) >>> 0;
        const nl = (t[i0 + 1] ^ t[i1 + 1] ^ t[i2 + 1] ^ t[i3 + 1] ^ t[i4 + 1] ^ t[i5 + 1] ^ t[i6 + 1] ^ t[i7 + 1]) >>> 0;
        hi[j] = nh;
        lo[j] = nl;
        const idx = (nh & hiMask) * 4294967296 + ((nl & loMask) >>> 0);
        // loop code, ran[j] updated on the stack, the table word read and written
        k.emit3(code, 4, CODE, stack, 2, WRITE, base + Math.floor(idx * scale), 2, WRITE);
      }
      if (k.full) yield;
    }
  };
  return kernelWorkload("randomaccess", o, sp, makeBody, 4);
}
