// HPCC STREAM (STREAM/stream.c, HPCC_Stream) as one process runs it.
//
// Sizes: three arrays a, b, c of HPCC_LocalVectorSize(3 vectors, 8 bytes) doubles,
// that is floor(N^2 / 3) with N the HPL size HPCC derives from the memory (common.ts):
// at 256 MiB, N = 5120 and 8,738,133 doubles (66.7 MiB) per array. Each is its own
// malloc, so its own mmap area (data 16 bytes into its first page).
//
// What the process does, in order:
//   1. set-up: a[j] = 1, b[j] = 2, c[j] = 0 in one loop;
//   2. the timer-granularity estimate: a[j] = 2 a[j];
//   3. timed: NTIMES = 10 times Copy (c = a), Scale (b = s c), Add (c = a + b),
//      Triad (a = b + s c), each a loop over all elements;
//   4. checkSTREAMresults: one loop reading a, b and c.
// Page-level pattern: every loop is a sweep; a tile is one page index j: the loop's
// code page, then page j of each array it touches in source order (a, c for Copy).
// Accesses are the 8-byte words loaded and stored: 2 per element for Copy and Scale,
// 3 for Add and Triad, 100 per element over the ten passes.
// Options: --iterations replaces NTIMES; --working-set w sweeps only the first w of each
// array's pages in steps 2-4 (set-up always writes them all).
// Simplification: the MPI barriers and timer calls between operations touch a few
// pages of MPI's and libc's code and data; they are one call (code page and stack) per
// operation here. Effect: none on which data pages are touched or when.
import type { Workload, WorkloadOptions } from "../types.js";
import {
  FN, READ, TIMED_END, TIMED_START, WRITE, call, kernelWorkload, localVectorSize, mallocPages, processSpace, share, startup, tileGap, type KernelStream,
} from "./common.js";


/** STREAM's NTIMES in HPCC 1.5 */
export const STREAM_NTIMES = 10;

export function streamElements(memoryBytes: number): number {
  return Math.max(1, localVectorSize(memoryBytes, 3, 8, false));
}

export function streamWorkload(o: WorkloadOptions): Workload {
  const elems = streamElements(o.memoryBytes);
  const pages = mallocPages(8 * elems, o.pageSize);
  const sp = processSpace(o.pageSize, ["a", "b", "c"].map((name) => ({ name, pages })));
  const [a, b, c] = sp.arrays.map((r) => r.start);
  const active = share(pages, o.workingSet);
  const { codePage } = sp;
  const ntimes = o.iterations ?? STREAM_NTIMES;
  // elements a page holds on average: a page larger than an array holds all of it, not
  // a page's worth
  const perPage = elems / pages;
  /** a sweep of `arrays` (base, flags) with `words` words moved per element */
  const sweep = (k: KernelStream, fn: number, arrays: Array<[number, number]>, count: number) =>
    k.sweep(codePage(fn), arrays.map(([base]) => base), arrays.map(([, f]) => f), 0, count, tileGap(arrays.length * perPage, arrays.length + 1));
  const ops: Array<[number, Array<[number, number]>]> = [
    [FN.kernel, [[a, READ], [c, WRITE]]], // Copy
    [FN.kernel2, [[c, READ], [b, WRITE]]], // Scale
    [FN.kernel3, [[a, READ], [b, READ], [c, WRITE]]], // Add
    [FN.kernel4, [[b, READ], [c, READ], [a, WRITE]]], // Triad
  ];
  return kernelWorkload("stream", o, sp, function* body(k) {
    startup(k, sp);
    call(k, sp, FN.init);
    yield* sweep(k, FN.init, [[a, WRITE], [b, WRITE], [c, WRITE]], pages);
    yield* sweep(k, FN.init, [[a, WRITE]], active);
    k.mark(TIMED_START);
    for (let t = 0; t < ntimes; t++) {
      for (const [fn, arrays] of ops) {
        call(k, sp, FN.timer);
        yield* sweep(k, fn, arrays, active);
      }
    }
    call(k, sp, FN.timer);
    k.mark(TIMED_END);
    yield* sweep(k, FN.kernel5, [[a, READ], [b, READ], [c, READ]], active);
    call(k, sp, FN.timer);
  });
}
