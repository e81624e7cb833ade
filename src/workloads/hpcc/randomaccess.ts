// HPCC RandomAccess (GUPS): Table[ran & (TableSize-1)] ^= ran over a table of 2^k
// 64-bit words, the largest power of two that fits the memory, with the benchmark's
// own sequence: ran <- (ran << 1) ^ (ran < 0 ? POLY : 0), POLY = 7, run as 128
// interleaved streams started at HPCC_starts(j * NUPDATE/128) (ran[] lives on the
// stack, as in the benchmark's local array).
// Page-level scaling: HPCC makes 4 updates per table word; at page level that is
// thousands of touches of every page, so the generator makes `iterations` (default 4)
// updates per table page, which keeps the trace proportional to the memory. Seed s
// starts the streams (s - 1) * NUPDATE steps into the sequence (seed 1: HPCC's own).
// Each update is a tile: code page, the stack page holding ran[], the table page.
// Working set w: the index is scaled onto the first w of the table.
import type { Workload, WorkloadOptions } from "../types.js";
import { CODE, FN, WRITE, call, initArray, kernelWorkload, perPage, processSpace, startup, type KernelStream } from "./common.js";

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

export function randomAccessWorkload(o: WorkloadOptions): Workload {
  let logWords = 0;
  while (2 ** (logWords + 1) * 8 <= o.memoryBytes) logWords++;
  const words = 2 ** logWords;
  const wpp = perPage(o.pageSize, 8);
  const tablePages = Math.ceil(words / wpp);
  const sp = processSpace(o.pageSize, [{ name: "table", pages: tablePages }]);
  const table = sp.arrays[0];
  const perStream = Math.ceil(((o.iterations ?? 4) * tablePages) / STREAMS);
  const updates = perStream * STREAMS;
  // page of index i: floor(i * w / wpp); the table base is added in the loop
  const scale = Math.min(1, o.workingSet) / wpp;
  const hiMask = logWords > 32 ? 2 ** (logWords - 32) - 1 : 0;
  const loMask = logWords >= 32 ? -1 : words - 1;
  const code = sp.text.start + FN.kernel;
  const stack = sp.stackTop;
  const seedOffset = BigInt(Math.max(0, o.seed - 1)) * BigInt(updates);

  function* body(k: KernelStream) {
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
    const stride = hpccStarts(BigInt(perStream));
    let x = hpccStarts(seedOffset);
    for (let j = 0; j < STREAMS; j++) {
      hi[j] = Number(x >> 32n);
      lo[j] = Number(x & 0xffffffffn);
      x = mulmod(x, stride);
    }
    const base = table.start;
    for (let i = 0; i < perStream; i++) {
      for (let j = 0; j < STREAMS; j++) {
        const h = hi[j];
        const l = lo[j];
        const nh = ((h << 1) | (l >>> 31)) >>> 0;
        const nl = ((l << 1) ^ (h >>> 31 ? 7 : 0)) >>> 0;
        hi[j] = nh;
        lo[j] = nl;
        const idx = (nh & hiMask) * 4294967296 + ((nl & loMask) >>> 0);
        // loop code, ran[j] updated on the stack, the table word read and written
        k.emit(code, 4, CODE);
        k.emit(stack, 2, WRITE);
        k.emit(base + Math.floor(idx * scale), 2, WRITE);
      }
      if (k.full) yield;
    }
  }
  return kernelWorkload("randomaccess", o, sp, body);
}
