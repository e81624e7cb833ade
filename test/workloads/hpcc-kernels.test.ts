// Page-level properties that characterise each HPCC kernel's access order.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REC_WRITE } from "../../src/core/abi.js";
import { FN } from "../../src/workloads/hpcc/common.js";
import { hpccStarts, hpccStep } from "../../src/workloads/hpcc/randomaccess.js";
import { workloads } from "../../src/workloads/registry.js";
import type { Region, Workload, WorkloadOptions } from "../../src/workloads/types.js";
import { fingerprint, readAll, type Trace } from "./helpers.js";

const MiB = 2 ** 20;
const make = (name: string, o: Partial<WorkloadOptions>): Workload =>
  workloads[name].create({ memoryBytes: 8 * MiB, pageSize: 4096, seed: 1, workingSet: 1, ...o });
const region = (w: Workload, name: string): Region => w.regions.find((r) => r.name === name)!;
const inside = (r: Region, p: number) => p >= r.start && p < r.start + r.pages;

/** Index of the first record after initialisation. */
function kernelStart(w: Workload, t: Trace): number {
  const init = w.regions[0].start + FN.init;
  let start = 0;
  // each init tile is the init code page, then the page it writes
  for (let i = 0; i < t.length; i++) if (t.pages[i] === init) start = i + 2;
  return start;
}

/** Region-relative pages of `r` in trace order, from record `from`. */
function touches(t: Trace, r: Region, from = 0, flag?: number): number[] {
  const out: number[] = [];
  for (let i = from; i < t.length; i++) {
    if (inside(r, t.pages[i]) && (flag === undefined || (t.flags[i] & flag) === flag)) out.push(t.pages[i] - r.start);
  }
  return out;
}

/** Splits a sequence into maximal ascending-by-one runs. */
function sweeps(seq: number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const p of seq) {
    const last = runs[runs.length - 1];
    if (last && p === last[1] + 1) last[1] = p;
    else runs.push([p, p]);
  }
  return runs;
}

describe("stream", () => {
  it("touches each array page once per sweep, ascending: Copy, Scale, Add, Triad", () => {
    const w = make("stream", { memoryBytes: 4 * MiB, iterations: 3 });
    const t = readAll(w);
    const P = region(w, "a").pages;
    // sweeps per array: initialisation + per iteration the operations that use it
    const expected = { a: 1 + 3 * 3, b: 1 + 3 * 3, c: 1 + 4 * 3 };
    for (const [name, n] of Object.entries(expected)) {
      const runs = sweeps(touches(t, region(w, name)));
      expect(runs.length, name).toBe(n);
      for (const r of runs) expect(r).toEqual([0, P - 1]);
    }
    // Triad writes a, Copy and Add write c, Scale writes b: a is written in init + 3 Triads
    expect(sweeps(touches(t, region(w, "a"), 0, REC_WRITE)).length).toBe(1 + 3);
    expect(sweeps(touches(t, region(w, "b"), 0, REC_WRITE)).length).toBe(1 + 3);
    expect(sweeps(touches(t, region(w, "c"), 0, REC_WRITE)).length).toBe(1 + 2 * 3);
  });

  it("interleaves the arrays page by page within an operation (a, c for Copy)", () => {
    const w = make("stream", { memoryBytes: 4 * MiB, iterations: 1 });
    const t = readAll(w);
    const copy = w.regions[0].start + FN.kernel;
    const i = t.pages.indexOf(copy);
    const [a, c] = [region(w, "a"), region(w, "c")];
    expect([t.pages[i + 1] - a.start, t.pages[i + 2] - c.start, t.pages[i + 3], t.pages[i + 4] - a.start]).toEqual([0, 0, copy, 1]);
  });
});

describe("randomaccess", () => {
  it("HPCC_starts(n) is n steps of the sequence from 1", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), (n) => {
        let x = 1n;
        for (let i = 0; i < n; i++) x = hpccStep(x);
        return hpccStarts(BigInt(n)) === x;
      }),
      { numRuns: 40 },
    );
  });

  it("updates the table pages the benchmark's 128 streams name, sampled evenly, in order", () => {
    const w = make("randomaccess", { memoryBytes: 4 * MiB, iterations: 2 });
    const t = readAll(w);
    const table = region(w, "table");
    const stack = w.regions[w.regions.length - 1];
    const updates: number[] = [];
    for (let i = 1; i < t.length; i++) if (inside(table, t.pages[i]) && inside(stack, t.pages[i - 1])) updates.push(t.pages[i] - table.start);
    const words = 2 ** 19;
    const perStream = Math.ceil((2 * table.pages) / 128);
    expect(updates.length).toBe(perStream * 128);
    // HPCC: NUPDATE = 4 words, stream j starts at HPCC_starts(j NUPDATE / 128); the
    // generator takes every stride-th update of each stream
    const stride = Math.floor((4 * words) / (perStream * 128));
    const ran = Array.from({ length: 128 }, (_, j) => hpccStarts(BigInt((j * 4 * words) / 128)));
    const expected: number[] = [];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 128; j++) {
        for (let s = 0; s < stride; s++) ran[j] = hpccStep(ran[j]);
        expected.push(Number(ran[j] & BigInt(words - 1)) >> 9);
      }
    }
    expect(updates.slice(0, expected.length)).toEqual(expected);
  });

  it("touches the table pages near-uniformly", () => {
    const w = make("randomaccess", { memoryBytes: 16 * MiB, iterations: 16 });
    const t = readAll(w);
    const table = region(w, "table");
    const count = new Float64Array(table.pages);
    const from = kernelStart(w, t);
    for (let i = from; i < t.length; i++) if (inside(table, t.pages[i])) count[t.pages[i] - table.start]++;
    const mean = count.reduce((a, b) => a + b, 0) / table.pages;
    expect(mean).toBeCloseTo(16, 0);
    // chi-square over the pages: about its degrees of freedom for a uniform spread
    // (HPCC's sequence is not perfectly uniform over a sample this short)
    let chi = 0;
    for (const c of count) chi += ((c - mean) * (c - mean)) / mean;
    expect(chi / (table.pages - 1)).toBeLessThan(2);
    expect(Math.min(...count)).toBeGreaterThan(0);
    expect(Math.max(...count)).toBeLessThan(4 * mean);
  });

  it("with working set w, updates only the first w of the table", () => {
    const w = make("randomaccess", { memoryBytes: 16 * MiB, workingSet: 0.25 });
    const t = readAll(w);
    const table = region(w, "table");
    const pages = touches(t, table, kernelStart(w, t));
    expect(Math.max(...pages)).toBeLessThan(table.pages / 4);
    expect(new Set(pages).size).toBeGreaterThan(table.pages / 4 - 60);
  });
});

describe("ptrans", () => {
  it("walks B down its columns and A across its columns (by rows), each page once per transpose", () => {
    const w = make("ptrans", { memoryBytes: 64 * MiB, iterations: 1 });
    const t = readAll(w);
    const [A, B] = [region(w, "A"), region(w, "B")];
    const colPages = 4; // n = 2048 doubles: 4 pages a column
    const from = kernelStart(w, t);
    const a = touches(t, A, from);
    const b = touches(t, B, from);
    expect(new Set(a).size).toBe(a.length);
    expect(a.length).toBe(A.pages);
    expect(b.length).toBe(B.pages);
    // B: block columns of 512 columns in order; A: page rows (= block rows of 512) in order
    const bBlockCol = b.map((p) => Math.floor(Math.floor(p / colPages) / 512));
    const aPageRow = a.map((p) => p % colPages);
    for (let i = 1; i < b.length; i++) expect(bBlockCol[i]).toBeGreaterThanOrEqual(bBlockCol[i - 1]);
    for (let i = 1; i < a.length; i++) expect(aPageRow[i]).toBeGreaterThanOrEqual(aPageRow[i - 1]);
    // A's column index starts over once per block row: 4 sweeps across the columns
    const aCols = a.map((p) => Math.floor(p / colPages));
    let restarts = 0;
    for (let i = 1; i < aCols.length; i++) if (aCols[i] < aCols[i - 1]) restarts++;
    expect(restarts).toBe(3);
    // B is written, A only read
    for (let i = from; i < t.length; i++) {
      if (inside(A, t.pages[i])) expect(t.flags[i] & REC_WRITE).toBe(0);
      if (inside(B, t.pages[i])) expect(t.flags[i] & REC_WRITE).toBe(REC_WRITE);
    }
  });
});

describe("dgemm", () => {
  it("blocked C += A B: each C page updated once per inner block, A read once per block column, B once", () => {
    const w = make("dgemm", { memoryBytes: 48 * MiB, iterations: 1 });
    const t = readAll(w);
    const from = kernelStart(w, t);
    const blocks = 3; // n = 1448, blocks of 512 rows
    for (const [name, times] of [["C", blocks], ["A", blocks], ["B", 1]] as const) {
      const r = region(w, name);
      const count = new Map<number, number>();
      for (const p of touches(t, r, from)) count.set(p, (count.get(p) ?? 0) + 1);
      expect(count.size, name).toBe(r.pages);
      for (const c of count.values()) expect(c, name).toBe(times);
    }
  });
});

describe("hpl", () => {
  it("right-looking LU: trailing updates write only right of their panel, more often further right", () => {
    const w = make("hpl", { memoryBytes: 32 * MiB, iterations: 1 });
    const t = readAll(w);
    const A = region(w, "A");
    const n = Math.floor(Math.sqrt((32 * MiB) / 8)); // 2048: 4 pages a column, 4 panels of 512
    const colPages = Math.ceil(n / 512);
    const update = w.regions[0].start + FN.kernel4;
    const writes = new Float64Array(4);
    let inUpdate = false;
    let panelsSeen = 0;
    for (let i = kernelStart(w, t); i < t.length; i++) {
      const p = t.pages[i];
      if (p < A.start) {
        // a code (or stack) page starts a tile: is it a trailing-update tile?
        inUpdate = p === update;
        continue;
      }
      if (!inside(A, p) || !inUpdate || !(t.flags[i] & REC_WRITE)) continue;
      const block = Math.floor(Math.floor((p - A.start) / colPages) / 512);
      writes[block]++;
      panelsSeen = Math.max(panelsSeen, block);
    }
    // block column J is updated by the J panels to its left, each on the rows below it
    expect(Array.from(writes)).toEqual([0, 3 * 512, (3 + 2) * 512, (3 + 2 + 1) * 512]);
    expect(panelsSeen).toBe(3);
  });

  it("pivots come from the seed: other seeds swap other rows", () => {
    const a = readAll(make("hpl", { memoryBytes: 32 * MiB, seed: 1 }));
    const b = readAll(make("hpl", { memoryBytes: 32 * MiB, seed: 2 }));
    expect(fingerprint(a)).not.toBe(fingerprint(b));
  });
});

describe("fft", () => {
  it("bit reversal writes every y page once, then each of the log2 n passes writes every y page once", () => {
    const w = make("fft", { memoryBytes: 6 * MiB, iterations: 1 });
    const t = readAll(w);
    const [x, y] = [region(w, "x"), region(w, "y")];
    expect(y.pages).toBe(512); // n = 2^17 points, 256 a page
    const from = kernelStart(w, t);
    const ys = touches(t, y, from);
    expect(ys.length).toBe(512 * (1 + 17));
    const reversal = ys.slice(0, 512);
    expect(new Set(reversal).size).toBe(512);
    expect(reversal).not.toEqual([...reversal].sort((p, q) => p - q)); // scattered, not a sweep
    for (let pass = 1; pass <= 17; pass++) expect(new Set(ys.slice(512 * pass, 512 * (pass + 1))).size).toBe(512);
    // the last pass pairs pages 256 apart
    const last = ys.slice(512 * 17);
    expect(last.slice(0, 4)).toEqual([0, 256, 1, 257]);
    expect(touches(t, x, from).length).toBe(512);
  });
});

describe("beff", () => {
  it("ping-pongs messages between the two buffers and touches only up to L_max = memory/128", () => {
    const w = make("beff", { memoryBytes: 64 * MiB });
    const t = readAll(w);
    const [send, recv] = [region(w, "sendbuf"), region(w, "recvbuf")];
    const lmaxPages = (64 * MiB) / 128 / 4096;
    const s = touches(t, send);
    const r = touches(t, recv);
    expect(Math.max(...s)).toBe(lmaxPages - 1);
    expect(Math.max(...r)).toBe(lmaxPages - 1);
    expect(s.length).toBe(r.length);
    // a data record of one buffer is always followed by the other buffer's same page
    for (let i = 0; i + 1 < t.length; i++) {
      if (inside(send, t.pages[i]) && !(t.flags[i] & REC_WRITE)) expect(t.pages[i + 1] - recv.start).toBe(t.pages[i] - send.start);
    }
  });
});
