// HPCC HPL (hpl/: HPL_pdtest, HPL_pdgesv0, HPL_pdrpancrT, HPL_pdpanrlT,
// HPL_pdupdateTT, HPL_dlaswp00N, HPL_pdtrsv) as one process runs it with the
// parameters HPCC sets when given only its memory (HPCC_Defaults).
//
// Sizes: N = sqrt(0.8 M / 8) rounded down to a multiple of 2 NB, NB = 80 (5120 and 64
// panels at 256 MiB). The matrix is N x (N + 1) (b is its last column) with HPL's
// leading dimension (N rounded up to a multiple of ALIGN = 8 doubles, moved on while it
// is a power of two), 64-byte aligned inside one malloc.
// Defaults that fix the algorithm: PFACT right-looking, RFACT Crout (recursive),
// NBMIN 4, NDIV 2, DEPTH 1, SWAP mix with threshold 64, L1 and U transposed. On one
// process (a 1 x 1 grid) HPL_pdgesv takes HPL_pdgesv0 (no look-ahead), the broadcasts
// and pivot exchanges are local, and the row swaps are HPL_dlaswp00N.
//
// What the process does, in order:
//   1. HPL_pdmatgen: A and b written column by column;
//   2. timed: HPL_pdgesv: for each panel of 80 columns (right-looking):
//      a. panel factorisation (HPL_pdrpancrT): the panel is split in two halves
//         (NDIV 2) recursively down to 4 columns (NBMIN); each level updates its right
//         part from its left part with a dgemm (Crout) and recurses; a 4-column leaf
//         (HPL_pdpanrlT) does, per column: the pivot search down the column, the copy
//         and swap of the pivot row and the current row across the panel's 80 columns,
//         the scaling of the column and the rank-1 update of the leaf's other columns.
//         The pivot row of column j is drawn uniformly from [j, N) with the seed (on
//         HPL's random matrix partial pivoting picks rows that way);
//      b. the update of the trailing columns (HPL_pdupdateTT): the panel's row
//         interchanges (HPL_dlaswp00N: 32 columns at a time, row i and its pivot row),
//         the triangular solve of the 80 U rows, and A22 -= L21 U12 as one dgemm
//         (blas.ts: packed, blocked, micro-kernel tiles down each 512-row block);
//   3. timed: HPL_pdtrsv: the back substitution, block column by block column from
//      the last, reading each block column above the diagonal;
//   4. the check: HPL_pdmatgen again, the norms of A (two sweeps), A x (a sweep).
// Page-level pattern: per panel, the trailing matrix is swept by the row swaps (two
// scattered rows, a page in every column) and then by the dgemm, which walks C in
// 512-row blocks, four columns and four rows at a time (blas.ts); the trailing part
// shrinks by 80 rows and columns per panel.
// Accesses: one per multiply-add in every dgemm and solve; 4 per element swapped; 1
// per element swept in the leaves' column passes and in the set-up and check.
// Options: --iterations r factorises r times (each after regenerating A);
// --working-set w factorises the leading N sqrt(w) submatrix (A is generated whole).
// Simplifications, with reasons and effects:
// - pivot rows are drawn, not computed from matrix values (the generator holds no
//   matrix): which rows are swapped is HPL's distribution, not its exact sequence;
// - the small dgemm and dtrsm on the 80 x 80 L1 block inside the recursion, and the
//   copies between L1 and A, are left out: they touch the panel's L1 work buffer
//   (13 pages, always present) and the panel's top 80 rows, which the leaves touch
//   anyway; effect: under 0.1% of the accesses;
// - one time per access for the whole kernel (cpu.ts), calibrated on the timed
//   factorisation: HPL_pdmatgen's sweeps and the check are charged at the dgemm's
//   time per access (its random numbers not at all), far below their real cost; the
//   simulated process is the factorisation with a short prologue and epilogue.
import type { Workload, WorkloadOptions } from "../types.js";
import { Random } from "../../util/random.js";
import {
  CODE as CODE_FLAG, Dense, FN, HPCC_NB, READ as READ_FLAG, TIMED_END, TIMED_START, WRITE as WRITE_FLAG, call, columnSweep, emitColumn, hpccN, kernelWorkload, processSpace, share, startup, tileGap, type KernelStream,
} from "./common.js";
import { gemm, laswp, packBufferDoubles, trsmLeft } from "./blas.js";

// flags as module locals: hot loops read them on every record (an imported binding
// is a getter under the TypeScript loaders the tests and bench run on)
const CODE = CODE_FLAG;
const READ = READ_FLAG;
const WRITE = WRITE_FLAG;

const ALIGN = 8;
const NBMIN = 4;
const NDIV = 2;

/** HPL's leading dimension for an N-row local matrix (HPL_pdtest). */
export function hplLd(n: number): number {
  let ld = Math.floor((Math.max(1, n) - 1) / ALIGN) * ALIGN;
  for (;;) {
    ld += ALIGN;
    let ip2 = 1;
    let ii = ld;
    while (ii > 1) { ii >>= 1; ip2 <<= 1; }
    if (ld !== ip2) return ld;
  }
}

export function hplN(memoryBytes: number): number {
  return hpccN(memoryBytes);
}

export function hplWorkload(o: WorkloadOptions): Workload {
  const N = hplN(o.memoryBytes);
  const nb = HPCC_NB;
  const ps = o.pageSize;
  const ld = hplLd(N);
  const allocBytes = 8 * (ALIGN + (ld + 1) * (N + 1));
  const sp = processSpace(ps, [
    { name: "A", pages: Math.ceil((16 + allocBytes) / ps) },
    { name: "panel", pages: Math.ceil((8 * (ALIGN + nb * nb + nb + 1)) / ps) + 1 },
    { name: "blasbuf", pages: Math.ceil((8 * packBufferDoubles(N + 1)) / ps) },
  ]);
  const [ra, rpanel, rbuf] = sp.arrays;
  // malloc's data at 16 bytes, aligned up to ALIGN doubles (64 bytes) by HPL_PTR
  const A = new Dense(ra.start, 64, ld, ps);
  const L1 = new Dense(rpanel.start, 64, nb, ps);
  const buf = { base: rbuf.start, pageSize: ps };
  const nw = share(N, Math.sqrt(o.workingSet));
  const runs = o.iterations ?? 1;
  const { codePage } = sp;
  const genCode = codePage(FN.kernel2);
  const leafCode = codePage(FN.kernel);
  const swapCode = codePage(FN.kernel3);
  const trsvCode = codePage(FN.kernel4);

  /** HPL_pdpanrlT on columns [c0, c0 + n) of the panel (first column j0, width jb):
   * rows [c0, nw) of each column (the panel's row offset is its column offset); the
   * pivot rows go to `ipiv` (the stream's own: streams of one workload run side by side). */
  function* leaf(k: KernelStream, rng: Random, ipiv: Int32Array, j0: number, jb: number, c0: number, n: number) {
    for (let c = c0; c < c0 + n; c++) {
      const row = j0 + c; // the diagonal row of this column
      const col = j0 + c;
      const rows = nw - row;
      // pivot search down the column
      const g0 = tileGap(rows, A.page(nw - 1, col) - A.page(row, col) + 2);
      k.emit(leafCode, g0, CODE);
      emitColumn(k, A, row, nw, col, g0, READ);
      // the pivot row and the current row, copied and swapped across the panel
      const piv = row + rng.below(rows);
      ipiv[c] = piv - j0;
      const g1 = tileGap(4 * jb, 2 * jb + 2);
      k.emit(swapCode, g1, CODE);
      for (let j = j0; j < j0 + jb; j++) {
        k.emit(A.page(piv, j), g1, WRITE);
        k.emit(A.page(row, j), g1, WRITE);
      }
      k.emit(L1.page(0, c), g1, WRITE);
      // scale the column, rank-1 update of the leaf's later columns
      const later = c0 + n - c - 1;
      const g2 = tileGap(rows * (1 + 2 * later), (1 + later) * (A.page(nw - 1, col) - A.page(row, col) + 1) + 1);
      k.emit(leafCode, g2, CODE);
      for (let j = col; j < j0 + c0 + n; j++) emitColumn(k, A, row + 1, nw, j, g2, WRITE);
      if (k.full) yield;
    }
  }

  /** HPL_pdrpancrT on columns [c0, c0 + n) of the panel: Crout, NDIV halves down to NBMIN */
  function* rpancr(k: KernelStream, rng: Random, ipiv: Int32Array, j0: number, jb: number, c0: number, n: number): Generator<void, void, void> {
    if (n <= NBMIN) {
      yield* leaf(k, rng, ipiv, j0, jb, c0, n);
      return;
    }
    const step = Math.ceil(Math.ceil(n / NBMIN) / NDIV) * NBMIN;
    for (let jj = 0; jj < n; jj += step) {
      const w = Math.min(step, n - jj);
      const top = j0 + c0 + jj; // first row and column of this part
      if (jj > 0) {
        // A(top.., part) -= A(top.., left part) L1(part, left part)^T
        yield* gemm(k, codePage, nw - top, w, jj, A.at(top, j0 + c0), L1.at(c0 + jj, c0), A.at(top, top), buf, true);
      }
      yield* rpancr(k, rng, ipiv, j0, jb, c0 + jj, w);
    }
  }

  return kernelWorkload("hpl", o, sp, function* body(k) {
    startup(k, sp);
    const rng = new Random(o.seed);
    const ipiv = new Int32Array(nb);
    for (let run = 0; run < runs; run++) {
      call(k, sp, FN.init);
      yield* columnSweep(k, genCode, A, 0, N, 0, N + 1, 1, WRITE);
      if (run === 0) k.mark(TIMED_START);
      call(k, sp, FN.kernel);
      for (let j = 0; j < nw; j += nb) {
        const jb = Math.min(nb, nw - j);
        yield* rpancr(k, rng, ipiv, j, jb, 0, jb);
        // the update of the trailing columns (b included)
        const n = nw + 1 - j - jb;
        yield* laswp(k, codePage, A.at(j, j + jb), n, ipiv, jb);
        yield* trsmLeft(k, codePage, L1, A.at(j, j + jb), jb, n);
        yield* gemm(k, codePage, nw - j - jb, n, jb, A.at(j + jb, j), A.at(j, j + jb), A.at(j + jb, j + jb), buf);
      }
      // back substitution: block columns from the last, the part above the diagonal
      for (let j = Math.floor((nw - 1) / nb) * nb; j >= 0; j -= nb) {
        yield* columnSweep(k, trsvCode, A, 0, Math.min(nw, j + nb), j, Math.min(nw, j + nb), 1, READ);
      }
      yield* columnSweep(k, trsvCode, A, 0, nw, nw === N ? N : nw, (nw === N ? N : nw) + 1, 1, WRITE);
      call(k, sp, FN.timer);
      if (run === 0) k.mark(TIMED_END);
    }
    // the check: regenerate, two norms, A x
    call(k, sp, FN.kernel5);
    yield* columnSweep(k, genCode, A, 0, N, 0, N + 1, 1, WRITE);
    for (let s = 0; s < 3; s++) yield* columnSweep(k, trsvCode, A, 0, N, 0, N, 1, READ);
    call(k, sp, FN.timer);
  });
}
