// HPCC RandomAccess (RandomAccess/core_single_cpu.c and single_cpu.c: the
// SingleRandomAccess and StarRandomAccess tests) as one process runs it.
//
// Sizes: the table has TableSize = the largest power of two <= HPLMaxProcMem / 8 64-bit
// words (HPCC's own rule; 2^24 words, 128 MiB, at 256 MiB), one malloc (an mmap area,
// data 16 bytes into its first page). NUPDATE = 4 TableSize updates.
//
// What the process does, in order:
//   1. Table[i] = i for every word (a sweep);
//   2. timed: RandomAccessUpdate: ran[j] = HPCC_starts(NUPDATE / 128 * j) for the 128
//      streams (ran[] is a local array: the stack), then NUPDATE / 128 rounds of: for
//      each stream j, ran[j] = (ran[j] << 1) ^ (ran[j] < 0 ? POLY : 0), POLY = 7, and
//      Table[ran[j] & (TableSize - 1)] ^= ran[j]. Every update, in HPCC's order;
//   3. the verification: the NUPDATE updates again from one scalar stream (temp = 1,
//      the same recurrence), then a sweep counting the words that differ from their
//      index. On the calibration machine at 256 MiB it took 1.04 s against the timed
//      section's 0.91 s, about the same per update, so it is charged like the timed
//      updates (the simulated check takes 0.94 s there).
// Page-level pattern: each update is a tile: the loop's code page, then the table page
// of the word it updates (read and written). Accesses: 8 per update (ran[j] and the
// table word, each loaded and stored, and 4 instruction fetches), 7 charged on the code
// record and 1 on the table record: the core rounds each record's work to whole
// nanoseconds, and an uneven split lets the calibrated time per update be resolved to
// 1 ns (with an even one the attainable times per update jump by 2 ns and more).
// Options: --seed s starts every stream (s - 1) NUPDATE steps later (seed 1 is HPCC's
// own sequence); --iterations r runs r NUPDATE updates (the streams continue);
// --working-set w maps the index onto the first w of the table (floor(index w)).
// Simplifications, with reasons and effects:
// - ran[] is a local array: every update also loads and stores ran[j] on the stack
//   page, which the call before the loop touches; it is charged on the code record,
//   not given a record of its own per update. Effect: the stack page is not among
//   the most recently used pages at a migration in the loop, so lightweight migration
//   does not send it eagerly and it faults once (at the loop's end) after migration;
//   and a third fewer records to generate and replay.
// - 64-bit values are kept as two 32-bit halves; the sequence is bit-exact
//   (known-answer tests against a transcription of HPCC's generator).
import type { Workload, WorkloadOptions } from "../types.js";
import {
  CODE as CODE_FLAG, FN, MALLOC_HEADER as MALLOC_HEADER_FLAG, READ as READ_FLAG, TIMED_END, TIMED_START, WRITE as WRITE_FLAG, call, initArray, kernelWorkload, localVectorSize, mallocPages, processSpace, startup, tileGap,
} from "./common.js";

// flags as module locals: hot loops read them on every record (an imported binding
// is a getter under the TypeScript loaders the tests and bench run on)
const CODE = CODE_FLAG;
const MALLOC_HEADER = MALLOC_HEADER_FLAG;
const READ = READ_FLAG;
const WRITE = WRITE_FLAG;

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

/** log2 of HPCC's table size at this memory (TableSize = 2^k words). */
export function randomAccessLogTable(memoryBytes: number): number {
  const words = localVectorSize(memoryBytes, 1, 8, true);
  return Math.round(Math.log2(words));
}

export function randomAccessWorkload(o: WorkloadOptions): Workload {
  const logWords = randomAccessLogTable(o.memoryBytes);
  const words = 2 ** logWords;
  const tablePages = mallocPages(8 * words, o.pageSize);
  const sp = processSpace(o.pageSize, [{ name: "table", pages: tablePages }]);
  const table = sp.arrays[0];
  // words a page holds on average (a page larger than the table holds all of it)
  const wordsPerPage = words / tablePages;
  const nupdate = 4 * words;
  const rounds = (nupdate / STREAMS) * (o.iterations ?? 1);
  const w = Math.min(1, o.workingSet);
  const hiMask = logWords > 32 ? 2 ** (logWords - 32) - 1 : 0;
  const loMask = logWords >= 32 ? -1 : words - 1;
  const code = sp.codePage(FN.kernel);
  const verifyCode = sp.codePage(FN.kernel2);
  const seedOffset = BigInt(Math.max(0, o.seed - 1)) * BigInt(nupdate);
  const ps = o.pageSize;
  const base = table.start;

  return kernelWorkload("randomaccess", o, sp, function* body(k) {
    startup(k, sp);
    call(k, sp, FN.init);
    yield* initArray(k, sp, table, 2 * wordsPerPage); // Table[i] = i
    k.mark(TIMED_START);
    call(k, sp, FN.kernel);
    // ran[j] = HPCC_starts(NUPDATE / 128 * j), from the seed's offset
    const hi = new Uint32Array(STREAMS);
    const lo = new Uint32Array(STREAMS);
    const streamGap = hpccStarts(BigInt(nupdate / STREAMS));
    let x = hpccStarts(seedOffset);
    for (let j = 0; j < STREAMS; j++) {
      hi[j] = Number(x >> 32n);
      lo[j] = Number(x & 0xffffffffn);
      x = mulmod(x, streamGap);
    }
    const round = (): void => {
      k.reserve(2 * STREAMS + 1);
      const pages = k.pages, gaps = k.gaps, flags = k.flags;
      const fCode = CODE, fWrite = WRITE, header = MALLOC_HEADER;
      let i = k.len;
      for (let j = 0; j < STREAMS; j++) {
        const h = hi[j];
        const l = lo[j];
        const nh = ((h << 1) | (l >>> 31)) >>> 0;
        const nl = ((l << 1) ^ (h >>> 31 ? 7 : 0)) >>> 0;
        hi[j] = nh;
        lo[j] = nl;
        let idx = (nh & hiMask) * 4294967296 + ((nl & loMask) >>> 0);
        if (w < 1) idx = Math.floor(idx * w);
        // the loop's code (with ran[j]), then the table word read and written
        pages[i] = code; gaps[i] = 7; flags[i] = fCode; i++;
        pages[i] = base + Math.floor((header + 8 * idx) / ps); gaps[i] = 1; flags[i] = fWrite; i++;
      }
      k.len = i;
      k.last = pages[i - 1];
    };
    for (let r = 0; r < rounds; r++) {
      round();
      if (k.full) yield;
    }
    k.mark(TIMED_END);
    call(k, sp, FN.timer);
    // the verification: one scalar stream from the seed's start, then the table scan
    const t = hpccStarts(seedOffset);
    const temp = new Uint32Array([Number(t >> 32n), Number(t & 0xffffffffn)]); // HPCC's temp
    const verify = (count: number): void => {
      k.reserve(2 * count + 1);
      const pages = k.pages, gaps = k.gaps, flags = k.flags;
      const fCode = CODE, fWrite = WRITE, header = MALLOC_HEADER;
      let th = temp[0], tl = temp[1];
      let i = k.len;
      for (let u = 0; u < count; u++) {
        const nh = ((th << 1) | (tl >>> 31)) >>> 0;
        tl = ((tl << 1) ^ (th >>> 31 ? 7 : 0)) >>> 0;
        th = nh;
        let idx = (th & hiMask) * 4294967296 + ((tl & loMask) >>> 0);
        if (w < 1) idx = Math.floor(idx * w);
        pages[i] = verifyCode; gaps[i] = 7; flags[i] = fCode; i++;
        pages[i] = base + Math.floor((header + 8 * idx) / ps); gaps[i] = 1; flags[i] = fWrite; i++;
      }
      temp[0] = th;
      temp[1] = tl;
      k.len = i;
      k.last = pages[i - 1];
    };
    call(k, sp, FN.kernel2);
    for (let done = 0; done < rounds * STREAMS; done += 1024) {
      verify(Math.min(1024, rounds * STREAMS - done));
      if (k.full) yield;
    }
    yield* k.sweep(sp.codePage(FN.kernel3), [table.start], [READ], 0, table.pages, tileGap(wordsPerPage, 2));
    call(k, sp, FN.timer);
  });
}
