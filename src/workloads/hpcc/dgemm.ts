// HPCC DGEMM: C = C + A B on three n x n column-major matrices of doubles, n =
// floor(sqrt(memory / 24)), blocked as GotoBLAS-style libraries do: for each block
// column J of C and each block K of the inner dimension, the block B(K, J) is read
// (packed), then for each block row I, A(I, K) is read and C(I, J) updated. The grid has
// at most 8 blocks a side (block edge a whole number of page rows): a real run's
// page-level trace is O(n^3 / nb) long, too long to replay at tens of GiB, and a coarse
// grid keeps the order of the block sweeps. Initialisation writes all three matrices;
// the product then runs on the leading nw x nw submatrices, nw = round(n sqrt(w)).
// `iterations` products (default 1).
import type { Workload, WorkloadOptions } from "../types.js";
import {
  CODE, FN, Matrix, READ, WRITE, blockEdge, call, initArray, kernelWorkload, matrixBlock, processSpace, share,
  startup, tileGap, type KernelBody, type KernelStream,
} from "./common.js";

export function dgemmWorkload(o: WorkloadOptions): Workload {
  const n = Math.max(1, Math.floor(Math.sqrt(o.memoryBytes / 24)));
  const m = new Matrix(n, o.pageSize);
  const sp = processSpace(o.pageSize, ["A", "B", "C"].map((name) => ({ name, pages: m.pages })));
  const [A, B, C] = sp.arrays;
  const nw = share(n, Math.sqrt(o.workingSet));
  const edge = blockEdge(nw, m.perPage, 8);
  const pack = sp.text.start + FN.kernel;
  const kernel = sp.text.start + FN.kernel2;

  const makeBody = (iterations: number): KernelBody => function* body(k: KernelStream) {
    startup(k, sp);
    call(k, sp, FN.init);
    for (const r of sp.arrays) yield* initArray(k, sp, r, 2 * m.perPage);
    for (let it = 0; it < iterations; it++) {
      call(k, sp, FN.kernel);
      for (let j0 = 0; j0 < nw; j0 += edge) {
        const j1 = Math.min(nw, j0 + edge);
        for (let k0 = 0; k0 < nw; k0 += edge) {
          const k1 = Math.min(nw, k0 + edge);
          const bRecs = 1 + m.blockPages(k0, k1, j0, j1);
          const bGap = tileGap(2 * (k1 - k0) * (j1 - j0), bRecs);
          k.emit(pack, bGap, CODE);
          yield* matrixBlock(k, m, B.start, k0, k1, j0, j1, bGap, READ);
          for (let i0 = 0; i0 < nw; i0 += edge) {
            const i1 = Math.min(nw, i0 + edge);
            // a multiply-add per (i, j, k): register-blocked 4 x 4, about one access each
            const recs = 1 + m.blockPages(i0, i1, k0, k1) + m.blockPages(i0, i1, j0, j1);
            const gap = tileGap((i1 - i0) * (j1 - j0) * (k1 - k0), recs);
            k.emit(kernel, gap, CODE);
            yield* matrixBlock(k, m, A.start, i0, i1, k0, k1, gap, READ);
            yield* matrixBlock(k, m, C.start, i0, i1, j0, j1, gap, WRITE);
            if (k.full) yield;
          }
        }
      }
    }
    call(k, sp, FN.timer);
  };
  return kernelWorkload("dgemm", o, sp, makeBody, 1);
}
