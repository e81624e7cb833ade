// HPCC PTRANS: A = A^T + B on two n x n column-major matrices of doubles, n =
// floor(sqrt(memory / 16)). As in HPCC's pdtrans (C = beta C + A^T), the sum is written
// into the second matrix, B <- A^T + B, so A is read across its columns (by rows) while
// B is read and written down its columns.
// Blocked on a grid of at most 8 x 8 blocks (block edge a whole number of page rows):
// a tile is one block of B with the transposed block of A, loops over block columns J
// of B, then block rows I. Initialisation writes both matrices whole; the transposition
// then works on the leading nw x nw submatrix, nw = round(n sqrt(workingSet)), which is
// the workingSet share of the elements. `iterations` transpositions (default 2).
import type { Workload, WorkloadOptions } from "../types.js";
import {
  CODE, FN, Matrix, READ, WRITE, blockEdge, call, initArray, kernelWorkload, matrixBlock, processSpace, share,
  startup, tileGap, type KernelBody, type KernelStream,
} from "./common.js";

export function ptransWorkload(o: WorkloadOptions): Workload {
  const n = Math.max(1, Math.floor(Math.sqrt(o.memoryBytes / 16)));
  const m = new Matrix(n, o.pageSize);
  const sp = processSpace(o.pageSize, [{ name: "A", pages: m.pages }, { name: "B", pages: m.pages }]);
  const [A, B] = sp.arrays;
  const nw = share(n, Math.sqrt(o.workingSet));
  const edge = blockEdge(nw, m.perPage, 8);
  const code = sp.text.start + FN.kernel;

  const makeBody = (iterations: number): KernelBody => function* body(k: KernelStream) {
    startup(k, sp);
    call(k, sp, FN.init);
    yield* initArray(k, sp, A, 2 * m.perPage);
    yield* initArray(k, sp, B, 2 * m.perPage);
    for (let it = 0; it < iterations; it++) {
      call(k, sp, FN.kernel);
      for (let j0 = 0; j0 < nw; j0 += edge) {
        const j1 = Math.min(nw, j0 + edge);
        for (let i0 = 0; i0 < nw; i0 += edge) {
          const i1 = Math.min(nw, i0 + edge);
          // B[i0:i1, j0:j1] += A[j0:j1, i0:i1]^T: 3 accesses + 1 instruction per element
          const recs = 1 + m.blockPages(j0, j1, i0, i1) + m.blockPages(i0, i1, j0, j1);
          const gap = tileGap(4 * (i1 - i0) * (j1 - j0), recs);
          k.emit(code, gap, CODE);
          yield* matrixBlock(k, m, A.start, j0, j1, i0, i1, gap, READ);
          yield* matrixBlock(k, m, B.start, i0, i1, j0, j1, gap, WRITE);
          if (k.full) yield;
        }
      }
    }
    call(k, sp, FN.timer);
  };
  return kernelWorkload("ptrans", o, sp, makeBody, 2);
}
