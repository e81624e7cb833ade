// Properties every HPCC kernel generator must have: exact record counts, pages inside
// the regions, no repeated page in consecutive records, determinism by seed, exact
// region sizes, and the working-set option.
import { describe, expect, it } from "vitest";
import { workloads } from "../../src/workloads/registry.js";
import type { Workload, WorkloadOptions } from "../../src/workloads/types.js";
import { REC_CODE } from "../../src/core/abi.js";
import { fingerprint, readAll } from "./helpers.js";
import { hpccN } from "../../src/workloads/hpcc/common.js";
import { hplLd } from "../../src/workloads/hpcc/hpl.js";

const KERNELS = ["stream", "randomaccess", "ptrans", "dgemm", "hpl", "fft", "beff"];
const MiB = 2 ** 20;

function make(name: string, o: Partial<WorkloadOptions> = {}): Workload {
  return workloads[name].create({ memoryBytes: 8 * MiB, pageSize: 4096, seed: 1, workingSet: 1, ...o });
}

/** Data pages each kernel allocates, as documented in its file: HPCC's sizes, each
 * large array an mmap'd malloc chunk (data 16 bytes into its first page). */
function expectedArrays(name: string, mem: number, ps: number): Record<string, number> {
  const chunk = (bytes: number) => Math.ceil((16 + bytes) / ps);
  const N = hpccN(mem);
  switch (name) {
    case "stream": {
      const p = chunk(8 * Math.floor((N * N) / 3));
      return { a: p, b: p, c: p };
    }
    case "randomaccess": {
      let words = 1;
      while (words * 2 <= N * N) words *= 2;
      return { table: chunk(8 * words) };
    }
    case "ptrans": {
      const n = N / 2;
      return { mem: chunk(8 * (4 * n * n + 1)) };
    }
    case "dgemm": {
      const n = Math.floor(Math.sqrt((N * N) / 3 + 0.25) - 0.5);
      return { a: chunk(8 * n * n), b: chunk(8 * n * n), c: chunk(8 * n * n), x: chunk(8 * n) };
    }
    case "hpl":
      return { A: Math.ceil((16 + 8 * (8 + (hplLd(N) + 1) * (N + 1))) / ps) };
    case "fft": {
      let n = 1;
      while (n * 2 <= (N * N) / 4) n *= 2;
      return { in: chunk(16 * n), out: chunk(16 * n) };
    }
    case "beff": {
      const p = chunk(2_000_000);
      return { sndbuf: p, rcvbuf: p, sndbuf_left: p, rcvbuf_right: p };
    }
  }
  throw new Error(name);
}

describe.each(KERNELS)("%s", (name) => {
  it("streams exactly `records` records, all inside regions, never the same page twice in a row", () => {
    for (const [mem, ps, ws] of [[4 * MiB, 4096, 1], [5 * MiB + 12345, 4096, 0.3], [2 * MiB, 8192, 1], [64 * 1024, 4096, 1]] as const) {
      const w = make(name, { memoryBytes: mem, pageSize: ps, workingSet: ws });
      const t = readAll(w);
      expect(t.length).toBe(w.records);
      const inRegion = new Uint8Array(w.pageCount);
      for (const r of w.regions) inRegion.fill(1, r.start, r.start + r.pages);
      for (let i = 0; i < t.length; i++) {
        if (!inRegion[t.pages[i]]) throw new Error(`record ${i}: page ${t.pages[i]} outside the regions`);
        if (i > 0 && t.pages[i] === t.pages[i - 1]) throw new Error(`records ${i - 1} and ${i} both name page ${t.pages[i]}`);
        if (t.gaps[i] < 1) throw new Error(`record ${i}: gap ${t.gaps[i]}`);
      }
    }
  });

  it("has a process address space: text, data, heap, the arrays, the stack, with exact sizes", () => {
    for (const [mem, ps] of [[8 * MiB, 4096], [3 * MiB + 7, 4096], [16 * MiB, 16384]] as const) {
      const w = make(name, { memoryBytes: mem, pageSize: ps });
      const names = w.regions.map((r) => r.name);
      expect(names[0]).toBe("text");
      expect(names.slice(1, 3)).toEqual(["data", "heap"]);
      expect(names[names.length - 1]).toBe("stack");
      const arrays = expectedArrays(name, mem, ps);
      for (const [array, pages] of Object.entries(arrays)) {
        expect(w.regions.find((r) => r.name === array)?.pages, `${array} at ${mem} bytes`).toBe(pages);
      }
      let next = 0;
      for (const r of w.regions) {
        expect(r.start).toBe(next);
        next += r.pages;
      }
      expect(w.pageCount).toBe(next);
      // virtual addresses ascend with the dense ids
      for (let i = 1; i < w.regions.length; i++) expect(w.regions[i].vpnBase! > w.regions[i - 1].vpnBase!).toBe(true);
      // code records only on the text region
      const t = readAll(w);
      const text = w.regions[0];
      for (let i = 0; i < t.length; i++) {
        const inText = t.pages[i] >= text.start && t.pages[i] < text.start + text.pages;
        if (((t.flags[i] & REC_CODE) !== 0) !== inText) throw new Error(`record ${i}: code flag and region disagree`);
      }
    }
  });

  it("is deterministic: the same stream on every open and for the same seed", () => {
    const a = make(name, { seed: 7 });
    const b = make(name, { seed: 7 });
    const fa = fingerprint(readAll(a));
    expect(fingerprint(readAll(a))).toBe(fa);
    expect(fingerprint(readAll(b))).toBe(fa);
    expect(b.records).toBe(a.records);
  });

  it("sizes up to 64 GiB: page ids fit, the address space is there and the stream starts at once", () => {
    const w = make(name, { memoryBytes: 64 * 2 ** 30 });
    if (name !== "beff") expect(w.pageCount).toBeGreaterThan(4 * 2 ** 20);
    expect(w.pageCount).toBeLessThan(2 ** 32);
    // the first chunk streams without materialising the trace (the record count is
    // counted only when read: an O(N^3) kernel at 64 GiB has about 10^12 records)
    const s = w.open();
    const n = s.fill(new Uint32Array(1000), new Uint32Array(1000), new Uint8Array(1000), 1000);
    expect(n).toBe(1000);
  });

  it("touches only the working-set share of its data in the timed section", () => {
    const full = make(name, { memoryBytes: 16 * MiB });
    const small = make(name, { memoryBytes: 16 * MiB, workingSet: 0.25 });
    const touched = (w: Workload) => {
      const t = readAll(w);
      const arrays = w.regions.filter((r) => r.kind === "mmap");
      const seen = new Set<number>();
      for (let i = w.timed!.from; i < w.timed!.to; i++) {
        if (arrays.some((r) => t.pages[i] >= r.start && t.pages[i] < r.start + r.pages)) seen.add(t.pages[i]);
      }
      return { pages: seen.size, total: arrays.reduce((s, r) => s + r.pages, 0) };
    };
    const a = touched(full);
    const b = touched(small);
    expect(b.total).toBe(a.total);
    expect(b.pages).toBeLessThan(a.pages);
    // about a quarter of what the full working set touches, page rounding aside: at
    // 16 MiB a column of PTRANS's and DGEMM's matrices spans 1-2 pages, so the leading
    // half of its rows still touches one
    expect(b.pages / a.pages).toBeGreaterThan(0.15);
    expect(b.pages / a.pages).toBeLessThan(0.55);
  });
});

describe.each(["sequential", "random"])("%s's working set", (name) => {
  it("the first pass covers the whole array, the later ones only its first w; w = 1 is the whole array throughout", () => {
    const array = (w: Workload) => w.regions.find((r) => r.name === "array")!;
    const passes = (ws: number) => {
      const w = make(name, { memoryBytes: 2 * MiB, workingSet: ws });
      const t = readAll(w);
      const a = array(w);
      const seen = [new Set<number>(), new Set<number>()];
      let inArray = 0;
      for (let i = 0; i < t.length; i++) {
        if (t.pages[i] < a.start || t.pages[i] >= a.start + a.pages) continue;
        // the first pass is the first a.pages array records (a touch, a record)
        seen[inArray++ < a.pages ? 0 : 1].add(t.pages[i] - a.start);
      }
      return { pages: a.pages, first: seen[0], later: seen[1] };
    };
    const full = passes(1);
    const quarter = passes(0.25);
    expect(quarter.first.size).toBe(full.first.size);
    expect(Math.max(...full.later)).toBeGreaterThan(full.pages * 0.9);
    expect(Math.max(...quarter.later)).toBeLessThan(Math.round(full.pages * 0.25));
    expect(quarter.later.size).toBeGreaterThan(full.pages * 0.2);
  });
});
