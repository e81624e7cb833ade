// Each HPCC kernel against HPC Challenge 1.5 at a small size: the problem sizes HPCC
// derives from the memory, update counts, passes, accesses in proportion to the flops,
// distinct pages. RandomAccess's known answers come from a C transcription of HPCC's
// generator (HPCC_starts and RandomAccessUpdate's loop), compiled and run outside this
// project; the sizes from hpcc 1.5 (Debian) run with hpccmemf.txt "Process=M".
import { describe, expect, it } from "vitest";
import { REC_CODE, REC_WRITE } from "../../src/core/abi.js";
import { FN, hpccN } from "../../src/workloads/hpcc/common.js";
import { BLAS_FN, GEMM } from "../../src/workloads/hpcc/blas.js";
import { dgemmN } from "../../src/workloads/hpcc/dgemm.js";
import { fft235Radices, fftN, sixStep } from "../../src/workloads/hpcc/fft.js";
import { hplLd } from "../../src/workloads/hpcc/hpl.js";
import { ptransN } from "../../src/workloads/hpcc/ptrans.js";
import { hpccStarts, hpccStep, randomAccessLogTable } from "../../src/workloads/hpcc/randomaccess.js";
import { streamElements } from "../../src/workloads/hpcc/stream.js";
import { workloads } from "../../src/workloads/registry.js";
import type { Region, Workload, WorkloadOptions } from "../../src/workloads/types.js";
import { readAll, type Trace } from "./helpers.js";

const MiB = 2 ** 20;
const make = (name: string, o: Partial<WorkloadOptions>): Workload =>
  workloads[name].create({ memoryBytes: 8 * MiB, pageSize: 4096, seed: 1, workingSet: 1, ...o });
const region = (w: Workload, name: string): Region => w.regions.find((r) => r.name === name)!;
const inside = (r: Region, p: number) => p >= r.start && p < r.start + r.pages;
const codePage = (w: Workload, offset: number) => w.regions[0].start + offset;

/** records [from, to) of the timed section */
function timed(w: Workload, t: Trace): { from: number; to: number } {
  expect(w.timed).toBeDefined();
  return w.timed!;
}
function count(t: Trace, from: number, to: number, pred: (p: number, i: number) => boolean): number {
  let n = 0;
  for (let i = from; i < to; i++) if (pred(t.pages[i], i)) n++;
  return n;
}
function accesses(t: Trace, from: number, to: number): number {
  let a = 0;
  for (let i = from; i < to; i++) a += t.gaps[i];
  return a;
}

describe("HPCC's problem sizes from the memory (as hpcc 1.5 chose them with Process=M)", () => {
  it("HPL's N, and every test's size derived from it", () => {
    // hpcc 1.5 with hpccmemf.txt Process=64 / 128 / 256 printed these
    const seen = [
      { mib: 64, N: 2560, dgemm: 1477, ptrans: 1280, table: 4194304, stream: 2184533, fft: 1048576 },
      { mib: 128, N: 3520, dgemm: 2031, ptrans: 1760, table: 8388608, stream: 4130133, fft: 2097152 },
      { mib: 256, N: 5120, dgemm: 2955, ptrans: 2560, table: 16777216, stream: 8738133, fft: 4194304 },
    ];
    for (const s of seen) {
      const m = s.mib * MiB;
      expect(hpccN(m), `N at ${s.mib} MiB`).toBe(s.N);
      expect(dgemmN(m)).toBe(s.dgemm);
      expect(ptransN(m)).toBe(s.ptrans);
      expect(2 ** randomAccessLogTable(m)).toBe(s.table);
      expect(streamElements(m)).toBe(s.stream);
      expect(fftN(m)).toBe(s.fft);
    }
  });
});

describe("stream", () => {
  it("NTIMES = 10 passes of Copy, Scale, Add, Triad, each a sweep over its arrays, 100 words moved per element", () => {
    const w = make("stream", { memoryBytes: MiB });
    const t = readAll(w);
    const { from, to } = timed(w, t);
    const [a, b, c] = ["a", "b", "c"].map((n) => region(w, n));
    // sweeps of page 0 of each array in the timed section: a by Copy, Add, Triad; b by
    // Scale, Add, Triad; c by all four
    expect(count(t, from, to, (p) => p === a.start)).toBe(30);
    expect(count(t, from, to, (p) => p === b.start)).toBe(30);
    expect(count(t, from, to, (p) => p === c.start)).toBe(40);
    for (const r of [a, b, c]) for (let p = r.start; p < r.start + r.pages; p++) expect(count(t, from, to, (q) => q === p)).toBe(count(t, from, to, (q) => q === r.start));
    // each operation writes its destination: a by Triad, b by Scale, c by Copy and Add
    expect(count(t, from, to, (p, i) => p === a.start && (t.flags[i] & REC_WRITE) !== 0)).toBe(10);
    expect(count(t, from, to, (p, i) => p === b.start && (t.flags[i] & REC_WRITE) !== 0)).toBe(10);
    expect(count(t, from, to, (p, i) => p === c.start && (t.flags[i] & REC_WRITE) !== 0)).toBe(20);
    const n = streamElements(MiB);
    expect(accesses(t, from, to) / (100 * n)).toBeGreaterThan(0.99);
    expect(accesses(t, from, to) / (100 * n)).toBeLessThan(1.02);
    // order within a pass: Copy (a, c), Scale (c, b), Add (a, b, c), Triad (b, c, a) at page 0
    const firstOps: number[] = [];
    for (let i = from; i < to && firstOps.length < 10; i++) if ([a.start, b.start, c.start].includes(t.pages[i])) firstOps.push(t.pages[i]);
    expect(firstOps).toEqual([a.start, c.start, c.start, b.start, a.start, b.start, c.start, b.start, c.start, a.start]);
  });

  it("--iterations replaces NTIMES", () => {
    const w = make("stream", { memoryBytes: MiB, iterations: 3 });
    const t = readAll(w);
    const { from, to } = timed(w, t);
    expect(count(t, from, to, (p) => p === region(w, "c").start)).toBe(12);
  });
});

describe("randomaccess", () => {
  // HPCC_starts(n) by the C transcription of HPCC's algorithm
  const STARTS: Array<[bigint, bigint]> = [
    [1n, 0x2n], [2n, 0x4n], [63n, 0x8000000000000000n], [64n, 0x7n], [65n, 0xen], [1000n, 0xb6b6db0000000103n],
    [2048n, 0x100000006n], [123456789n, 0xe89ce9ab13521a2bn], [262144n, 0x117n],
  ];
  // TableSize = 2^16 (1 MiB: N = 320): the indices of the first 256 updates, streams
  // 0..127 of round 1 then of round 2, from the C transcription
  const FIRST = [
  2, 12, 38, 212, 522, 3132, 9918, 55172, 34, 204, 582, 3476, 8874, 53244, 19806, 44996,
  514, 3074, 9766, 54310, 2058, 15882, 39102, 41662, 8738, 52258, 17478, 38470, 34986, 56996, 4958, 35244,
  12, 40, 212, 760, 3132, 10376, 55172, 61720, 204, 678, 3476, 11658, 53244, 44606, 44996, 4524,
  3084, 10252, 54484, 63700, 12348, 33842, 21380, 53110, 52418, 42726, 39270, 34116, 15818, 56244, 39664, 55175,
  40, 254, 760, 3810, 10376, 64774, 61720, 55146, 680, 3870, 11640, 57538, 40968, 11622, 57496, 41412,
  10278, 65026, 64010, 57894, 44734, 1034, 6178, 19646, 43590, 7714, 23210, 49224, 17744, 17494, 39678, 35208,
  240, 516, 3600, 9804, 62256, 3604, 9808, 62322, 4094, 8888, 61410, 19528, 52742, 4182, 45668, 13740,
  61652, 1036, 7228, 19674, 59274, 6336, 20528, 42322, 62274, 47812, 8680, 25402, 31886, 38595, 19807, 55121,
  4, 24, 76, 424, 1044, 6264, 19836, 44808, 68, 408, 1164, 6952, 17748, 40952, 39612, 24456,
  1028, 6148, 19532, 43084, 4116, 31764, 12668, 17788, 17476, 38980, 34956, 11404, 4436, 48456, 9916, 4952,
  24, 80, 424, 1520, 6264, 20752, 44808, 57904, 408, 1356, 6952, 23316, 40952, 23676, 24456, 9055,
  6168, 20504, 43432, 61864, 24696, 2148, 42760, 40684, 39300, 19916, 13004, 2703, 31636, 46952, 13799, 44814,
  80, 508, 1520, 7620, 20752, 64012, 57904, 44756, 1360, 7740, 23280, 49540, 16400, 23244, 49456, 17288,
  20556, 64516, 62484, 50252, 23932, 2068, 12356, 39292, 21644, 15428, 46420, 32912, 35488, 34988, 13820, 4880,
  480, 1032, 7200, 19608, 58976, 7208, 19616, 59108, 8188, 17776, 57284, 39056, 39948, 8363, 25807, 27487,
  57768, 2072, 14456, 39348, 53012, 12672, 41056, 19108, 59012, 30095, 17367, 50803, 63771, 11649, 39609, 44706
  ];

  it("HPCC_starts gives HPCC's values", () => {
    for (const [n, v] of STARTS) expect(hpccStarts(n), `HPCC_starts(${n})`).toBe(v);
    let x = 1n;
    for (let i = 0; i < 64; i++) x = hpccStep(x);
    expect(x).toBe(0x7n);
  });

  it("4 x TableSize updates in HPCC's order: the first ones are HPCC's", () => {
    const w = make("randomaccess", { memoryBytes: MiB });
    expect(2 ** randomAccessLogTable(MiB)).toBe(65536);
    const t = readAll(w);
    const { from, to } = timed(w, t);
    const table = region(w, "table");
    const updates: number[] = [];
    for (let i = from; i < to; i++) if (inside(table, t.pages[i])) updates.push(t.pages[i] - table.start);
    expect(updates.length).toBe(4 * 65536);
    // the table's data starts 16 bytes into its first page (glibc's mmap chunk header)
    expect(updates.slice(0, FIRST.length)).toEqual(FIRST.map((i) => Math.floor((16 + 8 * i) / 4096)));
    // every update: the loop's code, the table word; 8 accesses
    expect(accesses(t, from, to)).toBeGreaterThanOrEqual(8 * 4 * 65536);
    expect(accesses(t, from, to)).toBeLessThan(8 * 4 * 65536 + 100);
    expect(new Set(updates).size).toBe(table.pages);
  });

  it("--seed s starts the streams (s - 1) NUPDATE steps later; --iterations continues them", () => {
    const two = readAll(make("randomaccess", { memoryBytes: MiB, seed: 2 }));
    const w = make("randomaccess", { memoryBytes: MiB, seed: 2 });
    const table = region(w, "table");
    const first = two.pages.slice(w.timed!.from).find((p) => inside(table, p))! - table.start;
    const x = hpccStep(hpccStarts(4n * 65536n));
    expect(first).toBe(Math.floor((16 + 8 * Number(x & 0xffffn)) / 4096));
    const twice = make("randomaccess", { memoryBytes: MiB, iterations: 2 });
    const t2 = readAll(twice);
    expect(count(t2, twice.timed!.from, twice.timed!.to, (p) => inside(region(twice, "table"), p))).toBe(8 * 65536);
  });

  it("with working set w, updates only the first w of the table", () => {
    const w = make("randomaccess", { memoryBytes: 4 * MiB, workingSet: 0.25 });
    const t = readAll(w);
    const table = region(w, "table");
    const { from, to } = timed(w, t);
    const pages = new Set<number>();
    for (let i = from; i < to; i++) if (inside(table, t.pages[i])) pages.add(t.pages[i] - table.start);
    expect(Math.max(...pages)).toBeLessThan(table.pages / 4 + 1);
    expect(pages.size).toBeGreaterThan(table.pages / 4 - 2);
  });
});

describe("ptrans", () => {
  it("five repetitions; the timed one is C(j, i) += A(i, j) unblocked: A down its columns, C across a row, a page per element", () => {
    const w = make("ptrans", { memoryBytes: 16 * MiB });
    const n = ptransN(16 * MiB); // 640: a column of C spans 5120 bytes, so every row element is its own page
    expect(n).toBe(640);
    const t = readAll(w);
    const { from, to } = timed(w, t);
    const mem = region(w, "mem");
    const aStart = 16 + 8 * n * n; // A follows C in the one allocation
    const isA = (p: number) => inside(mem, p) && (p - mem.start + 1) * 4096 > aStart && (p - mem.start) * 4096 < aStart + 8 * n * n;
    const isC = (p: number) => inside(mem, p) && (p - mem.start) * 4096 < 16 + 8 * n * n;
    // C: n^2 element records, all written; A: every page read, in ascending order
    expect(count(t, from, to, (p, i) => isC(p) && !isA(p) && (t.flags[i] & REC_WRITE) !== 0)).toBeGreaterThanOrEqual(n * n - n);
    const aPages: number[] = [];
    for (let i = from; i < to; i++) if (isA(t.pages[i]) && !(t.flags[i] & REC_WRITE)) aPages.push(t.pages[i]);
    for (let i = 1; i < aPages.length; i++) expect(aPages[i]).toBeGreaterThanOrEqual(aPages[i - 1]);
    // the transposition's tiles: one per column of A, in each of the five repetitions
    expect(count(t, 0, t.length, (p) => p === codePage(w, FN.kernel))).toBe(5 * n + 5);
    // the timed section touches C row j's page for every element (a page apart)
    const firstTile: number[] = [];
    for (let i = from; i < to && firstTile.length < 12; i++) if (isC(t.pages[i]) && !isA(t.pages[i])) firstTile.push(t.pages[i] - mem.start);
    expect(firstTile.slice(0, 4)).toEqual([0, 1, 2, 3].map((r) => Math.floor((16 + 8 * r * n) / 4096)));
  });
});

describe("dgemm", () => {
  it("n^3 multiply-adds through a packed, blocked dgemm: micro-kernel tiles of 4 x 4, 256-deep slices, 512-row blocks", () => {
    const w = make("dgemm", { memoryBytes: 16 * MiB });
    const n = dgemmN(16 * MiB);
    expect(n).toBe(738);
    const t = readAll(w);
    const { from, to } = timed(w, t);
    const tiles = Math.ceil(n / GEMM.MR) * Math.ceil(n / GEMM.NR) * Math.ceil(n / GEMM.KC);
    expect(count(t, from, to, (p) => p === codePage(w, BLAS_FN.micro))).toBe(tiles);
    // A packed once per (slice, row block) in MR-row panels, B once per slice in NR columns
    expect(count(t, from, to, (p) => p === codePage(w, BLAS_FN.packA))).toBe(Math.ceil(n / GEMM.KC) * Math.ceil(n / GEMM.MR));
    expect(count(t, from, to, (p) => p === codePage(w, BLAS_FN.packB))).toBe(Math.ceil(n / GEMM.KC) * Math.ceil(n / GEMM.NR));
    // accesses: one per multiply-add, plus the packing and the beta sweep (O(n^2))
    const acc = accesses(t, from, to);
    expect(acc / n ** 3).toBeGreaterThan(0.99);
    expect(acc / n ** 3).toBeLessThan(1.02);
    // every page of C is written in the product
    const c = region(w, "c");
    const written = new Set<number>();
    for (let i = from; i < to; i++) if (inside(c, t.pages[i]) && t.flags[i] & REC_WRITE) written.add(t.pages[i]);
    expect(written.size).toBe(c.pages);
  });

  it("accesses grow as the flops: n^3", () => {
    const small = make("dgemm", { memoryBytes: 4 * MiB });
    const big = make("dgemm", { memoryBytes: 16 * MiB });
    const ratio = (w: Workload) => {
      const t = readAll(w);
      return accesses(t, w.timed!.from, w.timed!.to) / dgemmN(w === small ? 4 * MiB : 16 * MiB) ** 3;
    };
    expect(ratio(small) / ratio(big)).toBeCloseTo(1, 1);
  });
});

describe("hpl", () => {
  it("64-byte aligned A with HPL's leading dimension; NB = 80 panels; N^3 / 3 multiply-adds", () => {
    expect(hplLd(1280)).toBe(1280);
    expect(hplLd(1024)).toBe(1032); // a power of two is moved on by ALIGN
    const w = make("hpl", { memoryBytes: 16 * MiB });
    const N = hpccN(16 * MiB);
    expect(N).toBe(1280);
    const t = readAll(w);
    const { from, to } = timed(w, t);
    const acc = accesses(t, from, to);
    // the trailing updates alone do sum_j (N - j - 80)(N + 1 - j - 80) 80 multiply-adds
    let gemm = 0;
    for (let j = 0; j < N; j += 80) gemm += (N - j - 80) * (N + 1 - j - 80) * 80;
    expect(acc).toBeGreaterThan(gemm);
    expect(acc / (N ** 3 / 3)).toBeGreaterThan(0.95);
    expect(acc / (N ** 3 / 3)).toBeLessThan(1.15);
  });

  it("row interchanges: per panel, for each of its 80 pivots, 32 columns at a time across the trailing columns", () => {
    const w = make("hpl", { memoryBytes: 4 * MiB });
    const N = hpccN(4 * MiB); // 640: 8 panels
    const t = readAll(w);
    const { from, to } = timed(w, t);
    const swaps = count(t, from, to, (p) => p === codePage(w, BLAS_FN.laswp));
    // interchanges with a drawn pivot row equal to the row itself are skipped
    let most = 0;
    for (let j = 0; j < N; j += 80) most += 80 * Math.ceil((N + 1 - j - 80) / 32);
    expect(swaps).toBeLessThanOrEqual(most);
    expect(swaps).toBeGreaterThan(0.95 * most);
    // the trailing dgemm's micro-kernel tiles: 4 x 4 over every trailing block
    let tiles = 0;
    for (let j = 0; j + 80 < N; j += 80) tiles += Math.ceil((N - j - 80) / 4) * Math.ceil((N + 1 - j - 80) / 4);
    const micro = count(t, from, to, (p) => p === codePage(w, BLAS_FN.micro));
    // plus the panel recursion's dgemms (HPL_pdrpancrT, NDIV 2, NBMIN 4): each part
    // after the first is updated from the parts left of it, from its diagonal row down
    let recursion = 0;
    const rec = (j: number, c0: number, n: number): void => {
      if (n <= 4) return;
      const step = Math.ceil(Math.ceil(n / 4) / 2) * 4;
      for (let jj = 0; jj < n; jj += step) {
        const width = Math.min(step, n - jj);
        if (jj > 0) recursion += Math.ceil((N - (j + c0 + jj)) / 4) * Math.ceil(width / 4);
        rec(j, c0 + jj, width);
      }
    };
    for (let j = 0; j < N; j += 80) rec(j, 0, Math.min(80, N - j));
    expect(micro).toBe(tiles + recursion);
  });

  it("pivots come from the seed: other seeds swap other rows, the same seed the same", () => {
    const a = readAll(make("hpl", { memoryBytes: MiB, seed: 1 }));
    const b = readAll(make("hpl", { memoryBytes: MiB, seed: 2 }));
    const c = readAll(make("hpl", { memoryBytes: MiB, seed: 1 }));
    expect(Array.from(a.pages)).toEqual(Array.from(c.pages));
    expect(Array.from(a.pages)).not.toEqual(Array.from(b.pages));
  });
});

describe("fft", () => {
  it("FFTE's radix plan and six-step split", () => {
    expect(fft235Radices(2048)).toEqual([8, 8, 8, 4]);
    expect(fft235Radices(512)).toEqual([8, 8, 8]);
    expect(fft235Radices(1024)).toEqual([8, 8, 4, 4]);
    for (let p = 1; p <= 22; p++) expect(fft235Radices(2 ** p).reduce((x, y) => x * y, 1)).toBe(2 ** p);
    expect(sixStep(2 ** 22)).toMatchObject({ n1: 2048, n2: 2048, m1: 32, m2: 32 });
    expect(sixStep(2 ** 18)).toMatchObject({ n1: 512, n2: 512, m1: 16, m2: 16 });
  });

  it("the timed zfft1d: copies, column FFTs, twiddles and transposes in NBLK = 16 blocks", () => {
    const w = make("fft", { memoryBytes: 16 * MiB });
    const n = fftN(16 * MiB);
    expect(n).toBe(2 ** 18);
    const t = readAll(w);
    const { from, to } = timed(w, t);
    const { n1, n2 } = sixStep(n);
    expect(count(t, from, to, (p) => p === codePage(w, FN.kernel))).toBe(n1 * (n2 / 16) + 1); // copies (+ the call)
    expect(count(t, from, to, (p) => p === codePage(w, FN.kernel3))).toBe((n1 / 16) * n2); // twiddles
    expect(count(t, from, to, (p) => p === codePage(w, FN.kernel4))).toBe((n2 / 16) * n1); // transposes
    expect(count(t, from, to, (p) => p === codePage(w, FN.kernel2))).toBe(3 * (n1 + n2)); // radix-8 passes
    // a copy tile reads 16 columns of `in` (n1 x n2, 8 KiB a column): 16 distinct pages
    const inR = region(w, "in");
    const copy = codePage(w, FN.kernel);
    const i = t.pages.indexOf(copy, from + 2);
    const tile = Array.from(t.pages.slice(i + 1, i + 17));
    expect(tile.every((p) => inside(inR, p))).toBe(true);
    expect(new Set(tile).size).toBe(16);
    // the radix passes' accesses: 2 log2(radix) per point per pass, 2 n log2 n in all
    let pass = 0;
    for (let r = from; r < to; r++) {
      if (t.pages[r] !== codePage(w, FN.kernel2)) continue;
      let e = r;
      while (e + 1 < to && !(t.flags[e + 1] & REC_CODE)) e++;
      pass += accesses(t, r, e + 1);
    }
    expect(pass / (2 * n * Math.log2(n))).toBeCloseTo(1, 1);
  });

  it("small vectors (n <= 21845) are one fft235 over the whole vector", () => {
    const w = make("fft", { memoryBytes: MiB });
    expect(fftN(MiB)).toBe(16384);
    const t = readAll(w);
    const { from, to } = timed(w, t);
    expect(count(t, from, to, (p) => p === codePage(w, FN.kernel2))).toBe(fft235Radices(16384).length);
    expect(count(t, from, to, (p) => p === codePage(w, FN.kernel3))).toBe(0);
  });
});

describe("beff", () => {
  it("one process's ping-pongs and rings: 8-byte and 2,000,000-byte messages, whatever the memory", () => {
    const w = make("beff", { memoryBytes: 64 * MiB });
    const small = make("beff", { memoryBytes: MiB });
    expect(w.records).toBe(small.records);
    const t = readAll(w);
    const messages = count(t, 0, t.length, (p) => p === codePage(w, FN.kernel) || p === codePage(w, FN.kernel2));
    // ping-pong: 5 x (9 + 9) x 2 and 2 x (2 + 2) x 2; rings: 5 x 31 x 2 x 9 x 4 and 2 x 11 x 2 x 4 x 4
    expect(messages).toBe(180 + 16 + 11160 + 704);
    const snd = region(w, "sndbuf");
    const bwPages = Math.ceil((16 + 2_000_000) / 4096);
    const touched = new Set<number>();
    for (let i = 0; i < t.length; i++) if (inside(snd, t.pages[i])) touched.add(t.pages[i] - snd.start);
    expect(touched.size).toBe(bwPages);
  });
});

describe("randomaccess's verification", () => {
  it("replays the NUPDATE updates from one scalar stream after the timed section, then scans the table", () => {
    const w = make("randomaccess", { memoryBytes: MiB });
    const t = readAll(w);
    const table = region(w, "table");
    const after: number[] = [];
    for (let i = w.timed!.to; i < t.length; i++) if (inside(table, t.pages[i]) && t.flags[i] & REC_WRITE) after.push(t.pages[i] - table.start);
    expect(after.length).toBe(4 * 65536);
    // HPCC's check: temp = 1, temp = (temp << 1) ^ (temp < 0 ? POLY : 0), Table[temp & mask] ^= temp
    let x = 1n;
    const first: number[] = [];
    for (let u = 0; u < 64; u++) {
      x = hpccStep(x);
      first.push(Math.floor((16 + 8 * Number(x & 0xffffn)) / 4096));
    }
    expect(after.slice(0, 64)).toEqual(first);
  });
});

describe("the kernels at every page size", () => {
  // the work is the program's, not the page's: only its page-level pattern may change
  // (a page holding several columns of a matrix, or all of a small array)
  it.each(["stream", "randomaccess", "ptrans", "dgemm", "hpl", "fft", "beff"])(
    "%s: every record in the address space, the same accesses within 2% from 4 KiB to 2 MiB pages",
    (name) => {
      let base = 0;
      for (const pageSize of [4096, 64 * 1024, 2 * MiB]) {
        const w = make(name, { pageSize });
        const t = readAll(w);
        expect(t.length, `${name} at ${pageSize}`).toBe(w.records);
        for (let i = 0; i < t.length; i++) if (t.pages[i] >= w.pageCount) expect.fail(`${name} at ${pageSize}: record ${i} names page ${t.pages[i]} of ${w.pageCount}`);
        // the code stays in the text
        expect(count(t, 0, t.length, (p, i) => (t.flags[i] & REC_CODE) !== 0 && !inside(region(w, "text"), p)), `${name} at ${pageSize}`).toBe(0);
        const a = accesses(t, 0, t.length);
        if (pageSize === 4096) base = a;
        else expect(Math.abs(a / base - 1), `${name} at ${pageSize}: ${a} accesses against ${base}`).toBeLessThan(0.02);
      }
    },
    60_000,
  );
});
