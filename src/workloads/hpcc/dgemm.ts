// HPCC DGEMM (DGEMM/tstdgemm.c, HPCC_TestDGEMM: the StarDGEMM and SingleDGEMM tests)
// as one process runs it.
//
// Sizes: n = floor(sqrt(HPLMaxProcMem / 8 / 3 + 1/4) - 1/2) (HPCC's rule: three n x n
// matrices in HPL's memory; 2955 at 256 MiB). a, b, c are n x n with leading dimension
// n (no padding), each its own malloc; x, y, z are vectors of n.
//
// What the process does, in order:
//   1. dmatgen a, b, c, x: written column by column;
//   2. timed: HPL_dgemm(NoTrans, NoTrans, n, n, n, alpha, a, b, beta, c): the BLAS
//      scales C by beta (a sweep over C), then C += alpha A B, blocked and packed as
//      blas.ts describes (GotoBLAS's order, OpenBLAS's Penryn blocking);
//   3. the check: the inf-norm of c, y = c x, z = b x, y = alpha a z - y, dmatgen c
//      again, y = beta c x + y: sweeps over c, b, a, c, c.
// Page-level pattern: the product's micro-kernel tiles (see blas.ts) dominate: for
// each 256-deep slice of the inner dimension and each 512-row block of A, a sweep of C
// four columns at a time, each step touching the packed A and B panels and four pages
// of C; the packing steps read A across 256 columns and B down four.
// Accesses: one per multiply-add in the product (n^3), 1 per element in the sweeps.
// Options: --iterations r runs the product r times; --working-set w multiplies the
// leading n sqrt(w) x n sqrt(w) submatrices (all three are still generated whole).
// Simplifications, with reasons and effects:
// - one time per access for the whole kernel (cpu.ts), calibrated on the timed
//   product: the set-up and the check (memory-bound sweeps, dmatgen's random numbers)
//   are charged at the product's time per access, about 0.04 ns at `--cpu host`, so
//   they take far less simulated time than real (HPCC's DGEMM section took about 2 s
//   at 256 MiB, the product 1.0 s of it, the simulated process 1.0 s). Effect: the
//   simulated process is the product with a short prologue; the migration point (a
//   fraction of the records) falls inside the product either way;
// - the dgemv and norm loops are column sweeps (their order in the BLAS).
import type { Workload, WorkloadOptions } from "../types.js";
import {
  Dense, FN, MALLOC_HEADER, READ, TIMED_END, TIMED_START, WRITE, call, columnSweep, hplMaxProcMem, kernelWorkload, mallocPages, processSpace, share, startup,
} from "./common.js";
import { gemm, packBufferDoubles } from "./blas.js";


export function dgemmN(memoryBytes: number): number {
  return Math.max(1, Math.floor(Math.sqrt(hplMaxProcMem(memoryBytes) / 8 / 3 + 0.25) - 0.5));
}

export function dgemmWorkload(o: WorkloadOptions): Workload {
  const n = dgemmN(o.memoryBytes);
  const ps = o.pageSize;
  const matPages = mallocPages(8 * n * n, ps);
  const vecPages = mallocPages(8 * n, ps);
  const sp = processSpace(ps, [
    { name: "a", pages: matPages }, { name: "b", pages: matPages }, { name: "c", pages: matPages },
    { name: "x", pages: vecPages }, { name: "y", pages: vecPages }, { name: "z", pages: vecPages },
    { name: "blasbuf", pages: Math.ceil((8 * packBufferDoubles(n)) / ps) },
  ]);
  const [ra, rb, rc, , , , buf] = sp.arrays;
  const a = new Dense(ra.start, MALLOC_HEADER, n, ps);
  const b = new Dense(rb.start, MALLOC_HEADER, n, ps);
  const c = new Dense(rc.start, MALLOC_HEADER, n, ps);
  const x = new Dense(sp.arrays[3].start, MALLOC_HEADER, n, ps);
  const nw = share(n, Math.sqrt(o.workingSet));
  const products = o.iterations ?? 1;
  const { codePage } = sp;
  const gen = codePage(FN.kernel2);
  const sweep = codePage(FN.kernel3);

  return kernelWorkload("dgemm", o, sp, function* body(k) {
    startup(k, sp);
    call(k, sp, FN.init);
    for (const m of [a, b, c]) yield* columnSweep(k, gen, m, 0, n, 0, n, 1, WRITE);
    yield* columnSweep(k, gen, x, 0, n, 0, 1, 1, WRITE);
    k.mark(TIMED_START);
    for (let r = 0; r < products; r++) {
      call(k, sp, FN.kernel);
      yield* columnSweep(k, sweep, c, 0, nw, 0, nw, 2, WRITE); // C = beta C
      yield* gemm(k, codePage, nw, nw, nw, a, b, c, { base: buf.start, pageSize: ps });
    }
    call(k, sp, FN.timer);
    k.mark(TIMED_END);
    // the check
    call(k, sp, FN.kernel4);
    yield* columnSweep(k, sweep, c, 0, nw, 0, nw, 1, READ);
    yield* columnSweep(k, sweep, c, 0, nw, 0, nw, 1, READ);
    yield* columnSweep(k, sweep, b, 0, nw, 0, nw, 1, READ);
    yield* columnSweep(k, sweep, a, 0, nw, 0, nw, 1, READ);
    yield* columnSweep(k, gen, c, 0, n, 0, n, 1, WRITE);
    yield* columnSweep(k, sweep, c, 0, nw, 0, nw, 1, READ);
    call(k, sp, FN.timer);
  });
}
