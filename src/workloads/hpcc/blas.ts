// The page-level order of the BLAS routines HPCC's DGEMM and HPL call: a blocked,
// packing dgemm as GotoBLAS does it (Goto and van de Geijn, "Anatomy of
// high-performance matrix multiplication", ACM TOMS 34(3), 2008), which OpenBLAS
// inherits, with the blocking OpenBLAS uses on the Core 2 (Penryn) of 2008; HPL's row
// interchanges (HPL_dlaswp00N); and a blocked triangular solve.
//
// gemm: C(m x n) += A(m x k) B(k x n), all column-major in their own storage.
//   for pc in k, KC at a time:
//     pack B(pc.., all n columns) into the packed buffer Bc, NR columns at a time
//     for ic in m, MC at a time:
//       pack A(ic.., pc..) into Ac, MR rows at a time (each row panel across its kc columns)
//       for jr in n, NR at a time: for ir in the block, MR at a time:
//         micro-kernel: Ac's MR x kc panel, Bc's kc x NR panel, C's MR x NR tile
// NC (the column panel of B) is larger than any n here (OpenBLAS sizes it from a
// 128 MiB buffer), so there is one column panel. Each packing step and each
// micro-kernel call is a tile: its code page, then each page it touches once, in the
// order it first touches them. A micro-kernel call is about one access per
// multiply-add (the register-blocked loop keeps C in registers, streams Ac and Bc);
// a packing step two per element (load and store).
// Simplification: OpenBLAS packs B in slices interleaved with the first row block's
// micro-kernels (the same pages, a little earlier); here all of Bc is packed first, as
// in Goto's description. The effect is an order of first touches within one block
// step, not which pages a step touches.
import {
  CODE as CODE_FLAG, FN, READ as READ_FLAG, WRITE as WRITE_FLAG, tileGap, type CodePage, type Dense, type KernelStream,
} from "./common.js";

// flags as module locals: hot loops read them on every record (an imported binding
// is a getter under the TypeScript loaders the tests and bench run on)
const CODE = CODE_FLAG;
const READ = READ_FLAG;
const WRITE = WRITE_FLAG;

/** OpenBLAS's dgemm blocking for the Penryn Core 2 (param.h): register tile MR x NR,
 * kc = DGEMM_DEFAULT_Q, mc = DGEMM_DEFAULT_P. */
export const GEMM = { MR: 4, NR: 4, KC: 256, MC: 512 } as const;

/** Doubles of the packed buffers one gemm of inner dimension <= KC and n columns needs:
 * Ac (MC x KC) first, then Bc (KC x n), as OpenBLAS lays out its buffer (sa, then sb). */
export function packBufferDoubles(n: number): number {
  return GEMM.MC * GEMM.KC + GEMM.KC * n;
}

/** Where the packed buffers are: the region's first dense page, and its page size. */
export interface PackBuffer {
  base: number;
  pageSize: number;
}

/** Where the BLAS routines lie in the text (FN's units). */
export const BLAS_FN = { micro: FN.kernel + 16, packA: FN.kernel + 17, packB: FN.kernel + 18, trsm: FN.kernel + 19, laswp: FN.kernel + 20 } as const;

/** Emits pages p0..p1 (ascending), merging with the previous record on a repeat. */
function emitRange(k: KernelStream, p0: number, p1: number, gap: number, flags: number): void {
  for (let p = p0; p <= p1; p++) k.emit(p, gap, flags);
}

/**
 * C += A B (transB: B is given as its transpose, B(p, j) = Bt(j, p)). `codePage` places
 * the routines' code.
 */
export function* gemm(
  k: KernelStream, codePage: CodePage, m: number, n: number, kk: number,
  A: Dense, B: Dense, C: Dense, buf: PackBuffer, transB = false,
): Generator<void, void, void> {
  if (m <= 0 || n <= 0 || kk <= 0) return;
  const { MR, NR, KC, MC } = GEMM;
  const ps = buf.pageSize;
  const acBase = buf.base;
  const bcByte = MC * KC * 8;
  const microCode = codePage(BLAS_FN.micro);
  const packACode = codePage(BLAS_FN.packA);
  const packBCode = codePage(BLAS_FN.packB);
  const nGroups = Math.ceil(n / NR);
  const bcFirst = new Float64Array(nGroups);
  const bcLast = new Float64Array(nGroups);
  const acFirst = new Float64Array(Math.ceil(MC / MR));
  const acLast = new Float64Array(Math.ceil(MC / MR));
  const cColByte = new Float64Array(NR);
  for (let pc = 0; pc < kk; pc += KC) {
    const kc = Math.min(KC, kk - pc);
    // pack B: NR columns at a time, each column's kc rows, then their packed pages
    for (let g = 0; g < nGroups; g++) {
      const j0 = g * NR;
      const nr = Math.min(NR, n - j0);
      const b0 = bcByte + j0 * kc * 8;
      bcFirst[g] = acBase + Math.floor(b0 / ps);
      bcLast[g] = acBase + Math.floor((b0 + nr * kc * 8 - 1) / ps);
      const gap = tileGap(2 * nr * kc, 1 + nr * Math.ceil((kc * 8) / ps + 1) + (bcLast[g] - bcFirst[g] + 1));
      k.emit(packBCode, gap, CODE);
      for (let j = j0; j < j0 + nr; j++) {
        if (transB) for (let p = pc; p < pc + kc; p++) k.emit(B.page(j, p), gap, READ);
        else emitRange(k, B.page(pc, j), B.page(pc + kc - 1, j), gap, READ);
      }
      emitRange(k, bcFirst[g], bcLast[g], gap, WRITE);
      if (k.full) yield;
    }
    for (let ic = 0; ic < m; ic += MC) {
      const mc = Math.min(MC, m - ic);
      const panels = Math.ceil(mc / MR);
      // pack A: MR rows at a time across the kc columns
      const packGap = tileGap(2 * MR * kc, kc + 3);
      for (let r = 0; r < panels; r++) {
        const i0 = ic + r * MR;
        const mr = Math.min(MR, m - i0);
        const a0 = r * MR * kc * 8;
        acFirst[r] = acBase + Math.floor(a0 / ps);
        acLast[r] = acBase + Math.floor((a0 + mr * kc * 8 - 1) / ps);
        packPanel(k, packACode, A, i0, mr, pc, kc, acFirst[r], acLast[r], packGap);
        if (k.full) yield;
      }
      // the macro-kernel, NR columns of C at a time
      for (let g = 0; g < nGroups; g++) {
        microTiles(k, microCode, ic, m, n, g, kc, panels, acFirst, acLast, bcFirst[g], bcLast[g], C, cColByte, ps);
        if (k.full) yield;
      }
    }
  }
}

/** One MR-row panel of A packed: its rows across kc columns read, its Ac pages written. */
function packPanel(k: KernelStream, code: number, A: Dense, i0: number, mr: number, pc: number, kc: number, af: number, al: number, gap: number): void {
  k.emit(code, gap, CODE);
  const ps = A.pageSize;
  const colBytes = 8 * A.ld;
  let a0 = A.off + 8 * (i0 + pc * A.ld);
  const span = 8 * (mr - 1);
  for (let p = 0; p < kc; p++, a0 += colBytes) {
    const q0 = A.base + Math.floor(a0 / ps);
    const q1 = A.base + Math.floor((a0 + span) / ps);
    k.emit(q0, gap, READ);
    if (q1 !== q0) k.emit(q1, gap, READ);
  }
  emitRange(k, af, al, gap, WRITE);
}

/** The micro-kernel calls of one NR-column group of the macro-kernel: for each MR-row
 * panel, the code page, Ac's panel pages, Bc's panel pages, C's pages. */
function microTiles(
  k: KernelStream, microCode: number, ic: number, m: number, n: number, g: number, kc: number, panels: number,
  acFirst: Float64Array, acLast: Float64Array, bf: number, bl: number, C: Dense, cColByte: Float64Array, ps: number,
): void {
  const { MR, NR } = GEMM;
  const fCode = CODE, fRead = READ, fWrite = WRITE;
  const j0 = g * NR;
  const nr = Math.min(NR, n - j0);
  for (let c = 0; c < nr; c++) cColByte[c] = C.off + 8 * (j0 + c) * C.ld;
  const cBase = C.base;
  const inv = 1 / ps; // page sizes are powers of two: x * inv is exact
  k.reserve(panels * (4 + (bl - bf) + 2 * (acLast[0] - acFirst[0] + 1) + 2 * nr));
  const pages = k.pages, gaps = k.gaps, fl = k.flags;
  let i = k.len;
  let last = k.last;
  for (let r = 0; r < panels; r++) {
    const i0 = ic + r * MR;
    const mr = Math.min(MR, m - i0);
    const rowByte = 8 * i0;
    const rowEnd = 8 * (i0 + mr - 1);
    // code, Ac's pages, Bc's pages (distinct regions, never equal neighbours), C's pages;
    // the tile's accesses are spread over its records once they are known
    const start = i;
    pages[i] = microCode; fl[i] = fCode; i++;
    for (let p = acFirst[r], al = acLast[r]; p <= al; p++) { pages[i] = p; fl[i] = fRead; i++; }
    for (let p = bf; p <= bl; p++) { pages[i] = p; fl[i] = fRead; i++; }
    last = bl;
    for (let c = 0; c < nr; c++) {
      const q0 = cBase + Math.floor((cColByte[c] + rowByte) * inv);
      const q1 = cBase + Math.floor((cColByte[c] + rowEnd) * inv);
      for (let p = q0; p <= q1; p++) {
        if (p === last) { fl[i - 1] |= fWrite; continue; }
        pages[i] = p; fl[i] = fWrite; i++; last = p;
      }
    }
    let gap = Math.round((mr * nr * kc) / (i - start));
    if (gap < 1) gap = 1;
    gaps.fill(gap, start, i);
  }
  k.len = i;
  k.last = last;
}

/** Doubles gemm's flop count stands for: accesses it charges (for tests and docs). */
export function gemmMultiplyAdds(m: number, n: number, kk: number): number {
  return m * n * kk;
}

/**
 * HPL_dlaswp00N: the row interchanges of a panel applied to columns [0, n) of A (rows
 * relative to A's origin): 32 columns at a time, for each pivot i of the panel (i !=
 * ipiv[i]) the two rows' elements in those columns, column by column. A tile per
 * interchange within a 32-column block.
 */
export function* laswp(k: KernelStream, codePage: CodePage, A: Dense, n: number, ipiv: Int32Array, jb: number): Generator<void, void, void> {
  const DEPTH = 32;
  const code = codePage(BLAS_FN.laswp);
  for (let j0 = 0; j0 < n; j0 += DEPTH) {
    swapBlock(k, code, A, j0, Math.min(DEPTH, n - j0), ipiv, jb);
    if (k.full) yield;
  }
}

/** The interchanges of one 32-column block: a tile per interchange, column by column
 * the element of row i and of its pivot row. */
function swapBlock(k: KernelStream, code: number, A: Dense, j0: number, cols: number, ipiv: Int32Array, jb: number): void {
  const gap = tileGap(4 * cols, 2 * cols + 1);
  const fWrite = WRITE, fCode = CODE;
  const inv = 1 / A.pageSize;
  const colBytes = 8 * A.ld;
  const base = A.base;
  for (let i = 0; i < jb; i++) {
    const ip = ipiv[i];
    if (ip === i) continue;
    k.emit(code, gap, fCode);
    k.reserve(2 * cols);
    const pages = k.pages, gaps = k.gaps, fl = k.flags;
    let n = k.len;
    let last = k.last;
    let a = A.off + 8 * (i + j0 * A.ld);
    let b = A.off + 8 * (ip + j0 * A.ld);
    for (let j = 0; j < cols; j++, a += colBytes, b += colBytes) {
      const pa = base + Math.floor(a * inv);
      if (pa === last) { gaps[n - 1] += gap; } else { pages[n] = pa; gaps[n] = gap; fl[n] = fWrite; n++; last = pa; }
      const pb = base + Math.floor(b * inv);
      if (pb === last) { gaps[n - 1] += gap; } else { pages[n] = pb; gaps[n] = gap; fl[n] = fWrite; n++; last = pb; }
    }
    k.len = n;
    k.last = last;
  }
}

/**
 * A triangular solve with a jb x jb triangle T on the left of a jb x n block X
 * (X <- T^-1 X): NR columns of X at a time, each with the triangle's pages. jb^2 / 2
 * multiply-adds per column.
 */
export function* trsmLeft(k: KernelStream, codePage: CodePage, T: Dense, X: Dense, jb: number, n: number): Generator<void, void, void> {
  const code = codePage(BLAS_FN.trsm);
  const tFirst = T.page(0, 0);
  const tLast = T.page(jb - 1, jb - 1);
  for (let j0 = 0; j0 < n; j0 += GEMM.NR) {
    const nr = Math.min(GEMM.NR, n - j0);
    let recs = 1 + (tLast - tFirst + 1);
    for (let j = j0; j < j0 + nr; j++) recs += X.page(jb - 1, j) - X.page(0, j) + 1;
    const gap = tileGap((nr * jb * jb) / 2, recs);
    k.emit(code, gap, CODE);
    emitRange(k, tFirst, tLast, gap, READ);
    for (let j = j0; j < j0 + nr; j++) emitRange(k, X.page(0, j), X.page(jb - 1, j), gap, WRITE);
    if (k.full) yield;
  }
}
