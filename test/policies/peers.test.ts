// The peers, checked against hand-worked cases from their sources (DESIGN 3b): the
// Linux swap-readahead window function, the page-cluster block and the VMA window's
// direction, and Leap's majority-trend detection and window.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { instantiate } from "../../build/release.js";
import { linuxReadaheadWindow } from "../../src/core/reference-policies/linux-cluster.js";
import { boyerMooreMajority, leapAround, leapTrend, leapWindow } from "../../src/core/reference-policies/leap.js";
import { drive } from "./harness.js";

const wasm = await instantiate(new WebAssembly.Module(readFileSync(new URL("../../build/release.wasm", import.meta.url))), {
  env: { abort: () => { throw new Error("abort"); } },
} as never);
const cores = ["wasm", "reference"] as const;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("Linux swap readahead window (hits + 2, power of two, page-cluster cap)", () => {
  // hits 0..15 with page-cluster 3 (8 pages) and no previous window; worked by hand:
  // 0 hits -> 2 pages, or 1 when the fault is not next to the previous one;
  // 1-2 hits -> 3-4 -> 4; 3+ hits -> 5.. -> rounded to 8 or more -> capped at 8
  const adjacent = [2, 4, 4, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8];
  const apart = [1, 4, 4, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8];
  it.each(range(0, 16))("hits %i", (hits) => {
    expect(linuxReadaheadWindow(100, 101, hits, 8, 0)).toBe(adjacent[hits]);
    expect(linuxReadaheadWindow(100, 99, hits, 8, 0)).toBe(adjacent[hits]);
    expect(linuxReadaheadWindow(100, 250, hits, 8, 0)).toBe(apart[hits]);
    expect(wasm.linuxReadaheadWindow(100, 101, hits, 8, 0)).toBe(adjacent[hits]);
    expect(wasm.linuxReadaheadWindow(100, 250, hits, 8, 0)).toBe(apart[hits]);
  });
  it("rounds up to the next power of two under a larger cap, and shrinks at most by half", () => {
    expect(linuxReadaheadWindow(0, 50, 7, 32, 0)).toBe(16); // 9 -> 16
    expect(linuxReadaheadWindow(0, 50, 15, 32, 0)).toBe(32); // 17 -> 32
    expect(linuxReadaheadWindow(0, 50, 0, 8, 8)).toBe(4); // 1, but never below 8 / 2
    expect(linuxReadaheadWindow(0, 50, 0, 8, 5)).toBe(2); // half of 5, rounded down
  });
  it("is the same function in both cores", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: -3, max: 3 }), fc.nat(100), fc.constantFrom(1, 2, 8, 32), fc.nat(64), (prev, d, hits, max, last) => {
        expect(wasm.linuxReadaheadWindow(prev, prev + d, hits, max, last)).toBe(linuxReadaheadWindow(prev, prev + d, hits, max, last));
      }),
      { numRuns: 1000, seed: 31 },
    );
  });
});

describe.each(cores)("Linux readahead policies on the %s core", (core) => {
  it("linux-cluster reads the aligned 8-page block around the first fault (hits start at 4)", async () => {
    const r = await drive({ core, policy: "linux-cluster", regionPages: [1024], before: range(0, 1024), after: [37] });
    expect(r.decisions[0].asked).toEqual([32, 33, 34, 35, 36, 38, 39]);
    expect(r.decisions[0].window).toBe(8);
  });
  it("linux-vma reads 8 pages around a fresh region's first fault (hits start at 4), then halves with no hits", async () => {
    // mm/swap_state.c reads a VMA's swap_readahead_info of 0 as 4 hits: 100, the first
    // fault, opens 4 + 2 = 6 -> 8 pages, centred (3 before, 4 after). The fault stores
    // its window with 0 hits, so 300, 600 and 900 (far apart, no hits) read 0 hits: 1
    // page, but never below half the last window: 4, 2, then 1. 1050 opens the second
    // region afresh: 8 pages again, clamped at the region's start (1024)
    const r = await drive({ core, policy: "linux-vma", regionPages: [1024, 64], before: range(0, 1088), after: [100, 300, 600, 900, 1050, 1030] });
    const faults = r.decisions.filter((d) => d.kind === "fault");
    expect(faults.map((d) => d.page)).toEqual([100, 300, 600, 900, 1050, 1030]);
    expect(faults.map((d) => d.window)).toEqual([8, 4, 2, 1, 8, 4]);
    expect(faults.map((d) => d.asked)).toEqual([
      [97, 98, 99, 101, 102, 103, 104],
      [299, 301, 302],
      [601],
      [],
      [1047, 1048, 1049, 1051, 1052, 1053, 1054],
      [1029, 1031, 1032],
    ]);
  });
  it("linux-vma opens a window forward when faults ascend, clamped to the region", async () => {
    // 100: a fresh region, 8 pages centred; the uses of 101-104 are 4 hits and move the
    // VMA's address to 104; 105 next to it with 4 hits: 8 pages forward. 1015 is far
    // from 105 with no hits: 1 page, but never below half of 8: 4, centred; the uses of
    // 1016-1017 are 2 hits; 1018 next to 1017: 4 forward; 3 more hits (1019-1021); 1022
    // next to 1021: 8 forward, clamped at the region's end (1024); 1024 opens the next
    // region afresh: 8 centred, clamped at its start
    const after = [100, 101, 102, 103, 104, 105, ...range(1015, 1025)];
    const r = await drive({ core, policy: "linux-vma", regionPages: [1024, 64], before: range(0, 1088), after });
    const faults = r.decisions.filter((d) => d.kind === "fault");
    expect(faults.map((d) => d.page)).toEqual([100, 105, 1015, 1018, 1022, 1024]);
    expect(faults.map((d) => d.window)).toEqual([8, 8, 4, 4, 8, 8]);
    expect(faults.map((d) => d.asked)).toEqual([
      [97, 98, 99, 101, 102, 103, 104],
      range(106, 113),
      [1014, 1016, 1017],
      [1019, 1020, 1021],
      [1023],
      [1025, 1026, 1027, 1028],
    ]);
  });
  it("linux-vma centres the window when the fault is not next to the last one", async () => {
    // 2 hits (101, 102, inside the first fault's 8 pages): 4 pages, as is half of 8;
    // centred: 1 page before, 2 after
    const r = await drive({ core, policy: "linux-vma", regionPages: [1024], before: range(0, 1024), after: [100, 101, 102, 500] });
    expect(r.decisions.at(-1)!.page).toBe(500);
    expect(r.decisions.at(-1)!.asked).toEqual([499, 501, 502]);
  });
});

describe("Leap's majority trend", () => {
  it("finds a majority in the newest 8 deltas", () => {
    expect(boyerMooreMajority([3, 3, 3, 3, 3, 3, 3, 3])).toBe(3);
    expect(boyerMooreMajority([1, 5, 1, -2, 1, 7, 1, 1])).toBe(1); // 5 of 8
    expect(boyerMooreMajority([1, 5, 1, -2, 1, 7, 1, 9])).toBe(0); // 4 of 8 is not more than half
  });
  it("widens to 16, then 32 deltas when the newest 8 have no majority", () => {
    const noisy8 = [4, -9, 4, 13, 4, 2, 6, 4]; // 4 of 8: no majority
    expect(leapTrend(noisy8)).toBe(0);
    expect(leapTrend([...noisy8, 4, 4, 4, 4, 4, 4, 1, 1])).toBe(4); // 10 of 16
    const noisy16 = [...noisy8, 7, 4, 8, 9, 7, 7, 1, 2]; // 5 of 16
    expect(leapTrend(noisy16)).toBe(0);
    expect(leapTrend([...noisy16, ...Array(16).fill(7)])).toBe(7); // 20 of 32
    expect(leapTrend([...noisy16, ...Array(16).fill(5)])).toBe(0); // 16 of 32 is not a majority
  });
  it("takes whatever history there is when it is shorter than 8", () => {
    expect(leapTrend([])).toBe(0);
    expect(leapTrend([2])).toBe(2);
    expect(leapTrend([2, -1, 2])).toBe(2);
    expect(leapTrend([2, -1])).toBe(0);
  });
});

describe("Leap's window", () => {
  it("matches hand-worked values", () => {
    expect(leapWindow(0, true, 8, 0)).toBe(1); // the fault follows the trend
    expect(leapWindow(0, false, 8, 0)).toBe(0);
    expect(leapWindow(1, false, 8, 0)).toBe(2);
    expect(leapWindow(2, true, 8, 0)).toBe(4); // 3 -> 4
    expect(leapWindow(3, true, 8, 0)).toBe(4);
    expect(leapWindow(4, true, 8, 0)).toBe(8); // 5 -> 8
    expect(leapWindow(40, true, 8, 0)).toBe(8);
    expect(leapWindow(1, true, 8, 8)).toBe(4); // 2, but never below 8 / 2
    // after a prefetch with no hits too: 1 (a trend) or 0, but never below 8 / 2
    expect(leapWindow(0, true, 8, 8)).toBe(4);
    expect(leapWindow(0, false, 8, 8)).toBe(4);
    expect(leapWindow(0, false, 8, 1)).toBe(0);
  });
  it("is the same function in both cores", () => {
    fc.assert(
      fc.property(fc.nat(100), fc.boolean(), fc.constantFrom(1, 8, 64), fc.nat(64), (hits, trend, cap, prev) => {
        expect(wasm.leapWindow(hits, trend, cap, prev)).toBe(leapWindow(hits, trend, cap, prev));
      }),
      { numRuns: 1000, seed: 32 },
    );
  });
});

describe.each(cores)("leap on the %s core", (core) => {
  it("prefetches along the majority delta, the window growing with prefetch hits", async () => {
    const r = await drive({ core, policy: "leap", regionPages: [1024], before: range(0, 1024), after: [10, 13, 16, 19, 22, 25, 28] });
    const faults = r.decisions.filter((d) => d.kind === "fault");
    expect(faults.map((d) => [d.page, d.asked])).toEqual([
      [10, []], // no delta yet: no trend, no hits
      [13, [16]], // trend +3, no hits: 1 page
      [19, [22, 25]], // 1 hit: 2 pages
      [28, [31, 34, 37, 40]], // 2 hits: 3 -> 4 pages
    ]);
  });
  it("with no hits, asks for a page only when the fault follows the trend", async () => {
    // as above to 28 (window 4), none of its pages used; then faults that leave the
    // trend of +3, which still holds the newest deltas' majority: 500 gets half the
    // previous window (2) along the trend, 700 half of that (1), and 900, with no hits
    // and a window of 2 before, nothing: it does not follow the trend
    const r = await drive({ core, policy: "leap", regionPages: [1024], before: range(0, 1024), after: [10, 13, 16, 19, 22, 25, 28, 500, 700, 900] });
    const faults = r.decisions.filter((d) => d.kind === "fault");
    expect(faults.slice(4).map((d) => [d.page, d.asked, d.window])).toEqual([
      [500, [503, 506], 2],
      [700, [703], 1],
      [900, [], 0],
    ]);
  });
  it("with no trend, asks for the window around the fault, nearest first", async () => {
    // two deltas kept: 103 and 109 make +3 a trend (1 page, then 1 hit: 2 pages); 112 and
    // 115 are used; at 500 the deltas +385 and +3 have no majority, and 2 hits give 4
    // pages, two after the fault and two before; at 900 no hits and half of 4
    const r = await drive({ core, policy: "leap", params: { deltaHistory: 2 }, regionPages: [1024], before: range(0, 1024), after: [100, 103, 106, 109, 112, 115, 500, 900] });
    const faults = r.decisions.filter((d) => d.kind === "fault");
    expect(faults.map((d) => [d.page, d.asked])).toEqual([
      [100, []],
      [103, [106]],
      [109, [112, 115]],
      [500, [501, 499, 502, 498]],
      [900, [901, 899]],
    ]);
  });
  it("keeps the window around the fault within the pages that exist", async () => {
    const r = await drive({ core, policy: "leap", params: { deltaHistory: 2 }, regionPages: [1024], before: range(0, 1024), after: [100, 103, 106, 109, 112, 115, 1, 1022] });
    const faults = r.decisions.filter((d) => d.kind === "fault");
    expect(faults.slice(3).map((d) => [d.page, d.asked])).toEqual([
      [1, [2, 0, 3]],
      [1022, [1023, 1021]],
    ]);
  });
});

describe("leap's window around a fault", () => {
  it("alternates after and before, nearest first", () => {
    expect(Array.from({ length: 6 }, (_, i) => leapAround(50, i))).toEqual([51, 49, 52, 48, 53, 47]);
  });
});
