// init() zeroes only memory that existed before it (freshly grown WebAssembly memory
// is zero already): a core initialised again, larger or smaller, must still start
// with every table zero.
import { describe, expect, it, vi } from "vitest";
import { ReferenceCore } from "../../src/core/reference-core.js";
import { CapacityError, type CoreViews, type SimCore } from "../../src/core/types.js";
import { WasmCore } from "../../src/core/wasm-core.js";
import { C_CHUNK_LEN, C_NOW, L_SLOTS, P_CPU_NS, P_PAGES, ST_LOCAL, ST_MASK, STOP_CHUNK_END } from "../../src/core/abi.js";

function dirty(v: ReturnType<WasmCore["init"]>): void {
  v.states.fill(0xff);
  v.counters.fill(7);
  v.params.fill(3);
  v.chunkPages.fill(0xdeadbeef);
  v.chunkGaps.fill(9);
  v.chunkFlags.fill(1);
  v.requests.fill(5);
  v.deliverTimes.fill(1.5);
  v.mru.fill(4);
}

function allZero(v: ReturnType<WasmCore["init"]>): boolean {
  const arrays = [v.states, v.counters, v.params, v.chunkPages, v.chunkGaps, v.chunkFlags, v.requests, v.deliverTimes, v.mru, v.regions];
  return arrays.every((a) => a.every((x: number) => x === 0));
}

describe("arena re-initialisation", () => {
  it("every table is zero after init, whether memory grew, shrank its use, or stayed", async () => {
    const core = await WasmCore.create();
    let v = core.init(1000, 64);
    expect(allZero(v)).toBe(true);
    for (const [pages, chunk] of [[1000, 64], [300_000, 4096], [10, 8], [300_000, 4096], [2_000_000, 1 << 16]]) {
      dirty(v);
      v = core.init(pages, chunk);
      expect(v.states.length).toBe(pages);
      expect(allZero(v)).toBe(true);
    }
  });
});

/** A 1000-page core, laid out before a refused init, still runs on that layout's views:
 * one record on its last page, 10 accesses, ends its chunk with the page local. */
function expectRunsOnViews(core: SimCore, v: CoreViews): void {
    v.params[P_PAGES] = 1000;
    v.params[P_CPU_NS] = 1;
    core.reset();
    v.chunkPages[0] = 999;
    v.chunkGaps[0] = 10;
    v.counters[C_CHUNK_LEN] = 1;
    expect(core.run(Infinity)).toBe(STOP_CHUNK_END);
    expect(v.states[999] & ST_MASK).toBe(ST_LOCAL);
    expect(v.counters[C_NOW]).toBe(10);
}

describe("a refused init", () => {
  it("leaves the earlier layout in place, and the core runs on its views as before", async () => {
    const core = await WasmCore.create();
    const ex = (core as unknown as { ex: { init(pages: number, chunk: number): number; layoutOffset(slot: number): number } }).ex;
    const layout = () => Array.from({ length: L_SLOTS }, (_, slot) => ex.layoutOffset(slot));
    const v = core.init(1000, 64);
    const before = layout();
    // past 4 GiB, refused as a failed memory.grow is (the host's own check refuses this
    // one first, not one that fits the budget but finds no memory to grow into); it
    // had moved every table to where the refused layout would have put them, so a
    // later reset() wrote zeros wherever those addresses wrapped to
    expect(ex.init(500_000_000, 1 << 16)).toBe(-1);
    expect(layout()).toEqual(before);
    expectRunsOnViews(core, v);
  });
});

describe("a refused init of the reference core", () => {
  it("an allocation the host refuses leaves every earlier table in place: a CapacityError, and the core runs on its views as before", () => {
    const core = new ReferenceCore();
    const v = core.init(1000, 64);
    const input = core.traceInput();
    // the host out of memory at the last table (the scan masks): the only way to have
    // an allocation fail that passes the capacity check without taking the memory
    const Real = Uint16Array;
    vi.stubGlobal("Uint16Array", class extends Real {
      constructor(...args: unknown[]) {
        if (args[0] === 5000) throw new RangeError("Array buffer allocation failed");
        super(...(args as [number]));
      }
    });
    try {
      expect(() => core.init(5000, 64)).toThrow(CapacityError);
    } finally {
      vi.unstubAllGlobals();
    }
    expectRunsOnViews(core, v);
    expect(core.traceInput()).toBe(input);
  });
});
