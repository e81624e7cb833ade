// init() zeroes only memory that existed before it (freshly grown WebAssembly memory
// is zero already): a core initialised again, larger or smaller, must still start
// with every table zero.
import { describe, expect, it } from "vitest";
import { WasmCore } from "../../src/core/wasm-core.js";

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
