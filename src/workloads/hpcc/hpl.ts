// HPCC HPL: right-looking blocked LU factorisation with partial pivoting of an n x n
// column-major matrix of doubles, n = floor(sqrt(memory / 8)). For each panel of nb
// columns (at most 8 panels; nb a whole number of page rows):
//  1. panel factorisation, recursive as in HPL: the panel is worked in 8 sub-panels,
//     each a tile touching the panel's remaining columns from its diagonal down;
//  2. row swaps (dlaswp) on every trailing block column: column by column, the page
//     rows of the panel's rows and of their pivot rows, in pivot order; the pivot of
//     row j is a seeded uniform row in [j, n), as for HPL's random matrix;
//  3. U12 = L11^-1 A12 (dtrsm) per trailing block column;
//  4. A22 -= L21 U12 (dgemm) per trailing block (column J, row block I).
// Initialisation writes the whole matrix; the factorisation runs on the leading
// nw x nw submatrix, nw = round(n sqrt(w)). `iterations` factorisations (default 1).
import type { Workload, WorkloadOptions } from "../types.js";
import { Random } from "../../util/random.js";
import {
  CODE, FN, Matrix, READ, WRITE, blockEdge, call, initArray, kernelWorkload, matrixBlock, processSpace, share,
  startup, tileGap, type KernelBody, type KernelStream,
} from "./common.js";

export function hplWorkload(o: WorkloadOptions): Workload {
  const n = Math.max(1, Math.floor(Math.sqrt(o.memoryBytes / 8)));
  const m = new Matrix(n, o.pageSize);
  const sp = processSpace(o.pageSize, [{ name: "A", pages: m.pages }]);
  const A = sp.arrays[0].start;
  const nw = share(n, Math.sqrt(o.workingSet));
  const nb = blockEdge(nw, m.perPage, 8);
  const text = sp.text.start;

  const makeBody = (iterations: number): KernelBody => function* body(k: KernelStream) {
    startup(k, sp);
    call(k, sp, FN.init);
    yield* initArray(k, sp, sp.arrays[0], 2 * m.perPage);
    const rng = new Random(o.seed);
    const seen = new Int32Array(m.colPages).fill(-1);
    const swapRows = new Int32Array(m.colPages);
    let mark = 0;
    for (let it = 0; it < iterations; it++) {
      call(k, sp, FN.kernel);
      for (let p0 = 0; p0 < nw; p0 += nb) {
        const p1 = Math.min(nw, p0 + nb);
        // 1. panel factorisation
        const sub = Math.max(1, Math.ceil((p1 - p0) / 8));
        for (let s0 = p0; s0 < p1; s0 += sub) {
          const recs = 1 + m.blockPages(s0, nw, s0, p1);
          // pivot search, swap and rank-1 update of the rest of the panel
          const gap = tileGap(2 * (nw - s0) * (p1 - s0) * Math.min(sub, p1 - s0), recs);
          k.emit(text + FN.kernel, gap, CODE);
          yield* matrixBlock(k, m, A, s0, nw, s0, p1, gap, WRITE);
          if (k.full) yield;
        }
        // pivots, and the page rows the swaps touch in first-touch order
        mark++;
        let rows = 0;
        for (let j = p0; j < p1; j++) {
          const piv = j + rng.below(nw - j);
          for (const r of [m.row0(j), m.row0(piv)]) {
            if (seen[r] !== mark) {
              seen[r] = mark;
              swapRows[rows++] = r;
            }
          }
        }
        for (let c0 = p1; c0 < nw; c0 += nb) {
          const c1 = Math.min(nw, c0 + nb);
          // 2. row swaps, column by column
          const swapGap = tileGap(2 * (p1 - p0) * (c1 - c0), 1 + rows * (c1 - c0));
          k.emit(text + FN.kernel2, swapGap, CODE);
          if (k.countOnly) {
            // distinct pages in every column, after a code page: no merges
            k.skip(rows * (c1 - c0), A + (c1 - 1) * m.colPages + swapRows[rows - 1]);
          } else {
            for (let c = c0; c < c1; c++) {
              const col = A + c * m.colPages;
              for (let i = 0; i < rows; i++) k.emit(col + swapRows[i], swapGap, WRITE);
              if (k.full) yield;
            }
          }
          // 3. triangular solve of the U12 block
          const trsmRecs = 1 + m.blockPages(p0, p1, c0, c1);
          const trsmGap = tileGap((p1 - p0) * (p1 - p0) * (c1 - c0), trsmRecs);
          k.emit(text + FN.kernel3, trsmGap, CODE);
          yield* matrixBlock(k, m, A, p0, p1, c0, c1, trsmGap, WRITE);
          // 4. trailing update, block by block down the column
          for (let r0 = p1; r0 < nw; r0 += nb) {
            const r1 = Math.min(nw, r0 + nb);
            const recs = 1 + m.blockPages(r0, r1, p0, p1) + m.blockPages(p0, p1, c0, c1) + m.blockPages(r0, r1, c0, c1);
            const gap = tileGap((r1 - r0) * (c1 - c0) * (p1 - p0), recs);
            k.emit(text + FN.kernel4, gap, CODE);
            yield* matrixBlock(k, m, A, r0, r1, p0, p1, gap, READ);
            yield* matrixBlock(k, m, A, p0, p1, c0, c1, gap, READ);
            yield* matrixBlock(k, m, A, r0, r1, c0, c1, gap, WRITE);
            if (k.full) yield;
          }
        }
      }
    }
    call(k, sp, FN.timer);
  };
  return kernelWorkload("hpl", o, sp, makeBody, 1);
}
