// HPCC PTRANS (PTRANS/pdtransdriver.c, pdtrans.c, pdmatgen.c) as one process runs it:
// C = A^T + C on a 1 x 1 process grid.
//
// Sizes: n = N / 2 (HPCC halves HPL's N so the two matrices and PTRANS's work arrays
// take HPL's memory; 2560 at 256 MiB), NB = 80. One malloc of 4 n^2 + 1 doubles holds C
// (n x n, leading dimension n), then A, then the work area (2 n^2, which a 1 x 1 grid
// never uses after the initial zeroing).
//
// What the process does, in order:
//   1. mem[i] = 0 over the whole allocation (a sweep);
//   2. five times (HPCC's grid_cnt loop):
//      a. pdmatgen A ("N" form): A written column by column;
//      b. pdmatgen C ("T" form): C written row by row (the transposed generator loops
//         over rows outside, columns inside: one element per column, a page each);
//      c. timed: pdtrans. On one process the block-cyclic layout with NB = 80 is plain
//         column-major and pdtrans hands the whole matrix to one copy routine
//         (dtr2mx with one block of m x n), so there is no blocking: for each column j
//         of A, for each row i, C(j, i) += A(i, j): A read down its columns while C is
//         read and written across row j, a page per element;
//      d. pdmatgen A' ("T" form, overwrite) and pdmatgen A ("T" form, add): A written
//         row by row, twice;
//      e. pdmatcmp: A and C compared column by column.
// Page-level pattern: a tile is one column (column sweeps), one row (row sweeps), or
// one column j of the transposition: its code page, then A's pages of column j, each
// followed by the pages of C's row j for the rows that A page holds.
// Accesses: the 8-byte words loaded and stored: 3 per element in the transposition (A
// loaded, C loaded and stored), 1 per element pdmatgen writes (2 where it adds), 2 per
// element compared.
// Options: --iterations replaces the five repetitions; --working-set w runs steps 2a-2e
// on the leading n sqrt(w) x n sqrt(w) submatrices.
// Simplifications, with reasons and effects:
// - one time per access for the whole kernel (cpu.ts), calibrated on the timed
//   transposition: pdmatgen's random numbers are not charged beyond its stores. On the
//   calibration machine HPCC's PTRANS section (five repetitions, 1 s timestamps) took
//   about 2 s; the simulated process takes about as long at `--cpu host`;
// - the timer and BLACS calls between steps are one call each (a code page and the
//   stack). Neither changes which data pages are touched or in what order.
import type { Workload, WorkloadOptions } from "../types.js";
import {
  CODE, Dense, FN, MALLOC_HEADER, READ, TIMED_END, TIMED_START, WRITE, call, columnSweep, hpccN, kernelWorkload, mallocPages, processSpace, rowSweep, share, startup, tileGap, type KernelStream,
} from "./common.js";


/** PTRANS's repetitions (grid_cnt) in HPCC 1.5 */
export const PTRANS_REPS = 5;

export function ptransN(memoryBytes: number): number {
  return hpccN(memoryBytes) / 2;
}

export function ptransWorkload(o: WorkloadOptions): Workload {
  const n = ptransN(o.memoryBytes);
  const ps = o.pageSize;
  const doubles = 4 * n * n + 1;
  const sp = processSpace(ps, [{ name: "mem", pages: mallocPages(8 * doubles, ps) }]);
  const mem = sp.arrays[0];
  const C = new Dense(mem.start, MALLOC_HEADER, n, ps);
  const A = new Dense(mem.start, MALLOC_HEADER + 8 * n * n, n, ps);
  const nw = share(n, Math.sqrt(o.workingSet));
  const reps = o.iterations ?? PTRANS_REPS;
  const { codePage } = sp;
  const gen = codePage(FN.kernel2);
  const cmp = codePage(FN.kernel3);
  const trans = codePage(FN.kernel);

  /** pdtrans on one process: C(j, i) += A(i, j), column j of A at a time */
  function* transpose(k: KernelStream) {
    for (let j = 0; j < nw; j++) {
      transposeColumn(k, j);
      if (k.full) yield;
    }
  }

  /** column j of A against row j of C: A's page, then C's pages for the rows it holds */
  function transposeColumn(k: KernelStream, j: number): void {
    const colBytes = 8 * n;
    const fRead = READ, fWrite = WRITE;
    const records = (A.page(nw - 1, j) - A.page(0, j) + 1) + nw + 1;
    const gap = tileGap(3 * nw, records);
    k.emit(trans, gap, CODE);
    k.reserve(2 * nw + 8);
    const pages = k.pages, gaps = k.gaps, fl = k.flags;
    let i = k.len;
    let last = k.last;
    let aPage = -1;
    // C(j, r) lives at byte off + 8 (j + r n)
    let cAddr = C.off + 8 * j;
    let aAddr = A.off + 8 * j * n;
    for (let r = 0; r < nw; r++, cAddr += colBytes, aAddr += 8) {
      const ap = A.base + Math.floor(aAddr / ps);
      if (ap !== aPage) {
        aPage = ap;
        if (ap === last) { gaps[i - 1] += gap; } else { pages[i] = ap; gaps[i] = gap; fl[i] = fRead; i++; last = ap; }
      }
      const cp = C.base + Math.floor(cAddr / ps);
      if (cp === last) { gaps[i - 1] += gap; fl[i - 1] |= fWrite; continue; }
      pages[i] = cp; gaps[i] = gap; fl[i] = fWrite; i++; last = cp;
    }
    k.len = i;
    k.last = last;
  }

  /** pdmatcmp: A and C read column by column, side by side */
  function* compare(k: KernelStream) {
    for (let j = 0; j < nw; j++) {
      const a0 = A.page(0, j), a1 = A.page(nw - 1, j);
      const c0 = C.page(0, j), c1 = C.page(nw - 1, j);
      const gap = tileGap(2 * nw, a1 - a0 + c1 - c0 + 3);
      const read = READ;
      k.emit(cmp, gap, CODE);
      for (let p = a0; p <= a1; p++) k.emit(p, gap, read);
      for (let p = c0; p <= c1; p++) k.emit(p, gap, read);
      if (k.full) yield;
    }
  }

  return kernelWorkload("ptrans", o, sp, function* body(k) {
    startup(k, sp);
    call(k, sp, FN.init);
    yield* k.sweep(codePage(FN.init), [mem.start], [WRITE], 0, mem.pages, tileGap(doubles / mem.pages, 2));
    for (let rep = 0; rep < reps; rep++) {
      call(k, sp, FN.kernel2);
      yield* columnSweep(k, gen, A, 0, nw, 0, nw, 1, WRITE);
      yield* rowSweep(k, gen, C, 0, nw, 0, nw, 1, WRITE);
      if (rep === 0) k.mark(TIMED_START);
      call(k, sp, FN.kernel);
      yield* transpose(k);
      call(k, sp, FN.timer);
      if (rep === 0) k.mark(TIMED_END);
      yield* rowSweep(k, gen, A, 0, nw, 0, nw, 1, WRITE);
      yield* rowSweep(k, gen, A, 0, nw, 0, nw, 2, WRITE);
      call(k, sp, FN.kernel3);
      yield* compare(k);
    }
    call(k, sp, FN.timer);
  });
}
