// The arena: laid out for the page count, grown when needed, views re-created after
// growth, and an address space too large for the 4 GiB WebAssembly memory refused
// before anything runs.
import { describe, expect, it } from "vitest";
import { C_CHUNK_LEN, C_NOW, COUNTERS, P_CPU_NS, P_PAGES, ST_LOCAL, ST_MASK, STOP_CHUNK_END } from "../../src/core/abi.js";
import { CapacityError, createCore } from "../../src/core/index.js";
import { WasmCore } from "../../src/core/wasm-core.js";
import { simulate } from "../../src/sim/simulate.js";
import { maxCorePages } from "../../src/sim/preflight.js";

describe("arena", () => {
  it("lays out every table at a distinct, aligned place and grows memory for more pages", async () => {
    const core = await WasmCore.create();
    const small = core.init(16, 8);
    const tables = Object.entries(small);
    for (const [name, view] of tables) expect(view.byteOffset % 8, name).toBe(0);
    const spans = tables
      .map(([name, v]) => ({ name, start: v.byteOffset, end: v.byteOffset + v.byteLength }))
      .sort((a, b) => a.start - b.start);
    for (let i = 1; i < spans.length; i++) expect(spans[i].start, spans[i].name).toBeGreaterThanOrEqual(spans[i - 1].end);
    const smallBuffer = small.states.buffer.byteLength;

    // 8M pages need more than 64 MiB of arrivals alone: memory must grow
    const big = core.init(8 << 20, 1 << 16);
    expect(big.states.length).toBe(8 << 20);
    expect(big.states.buffer.byteLength).toBeGreaterThan(smallBuffer);
    expect(big.states.buffer.byteLength).toBeGreaterThanOrEqual(9 * (8 << 20));
    expect(big.counters.length).toBe(COUNTERS);

    // the new views work: run one record against the last page
    big.params[P_PAGES] = 8 << 20;
    core.reset();
    big.chunkPages[0] = (8 << 20) - 1;
    big.chunkGaps[0] = 10;
    big.params[P_CPU_NS] = 1;
    big.counters[C_CHUNK_LEN] = 1;
    expect(core.run(Infinity)).toBe(STOP_CHUNK_END);
    expect(big.states[(8 << 20) - 1] & ST_MASK).toBe(ST_LOCAL);
    expect(big.counters[C_NOW]).toBe(10);
  });

  it("re-init zeroes the tables", async () => {
    for (const kind of ["wasm", "reference"] as const) {
      const core = await createCore(kind);
      const v = core.init(100, 4);
      v.states.fill(3);
      v.counters.fill(7);
      const w = core.init(100, 4);
      expect(Array.from(w.states).every((s) => s === 0)).toBe(true);
      expect(Array.from(w.counters).every((c) => c === 0)).toBe(true);
    }
  });

  it("refuses an address space that cannot fit in 4 GiB, on both cores", async () => {
    for (const kind of ["wasm", "reference"] as const) {
      const core = await createCore(kind);
      expect(() => core.init(500_000_000, 1 << 16)).toThrow(CapacityError);
      expect(() => core.init(500_000_000, 1 << 16)).toThrow(/do not fit in the 4 GiB WebAssembly memory/);
    }
  });

  it("both cores refuse from the same page count on: one page past preflight's most", async () => {
    // the WebAssembly arena alone would take a few thousand pages more; accepted there,
    // refused by the reference core, a scenario at the limit ran on one core only
    const over = maxCorePages(1) + 1;
    for (const kind of ["wasm", "reference"] as const) {
      const core = await createCore(kind);
      expect(() => core.init(over, 1), kind).toThrow(CapacityError);
    }
  });

  it("simulate() refuses a workload too large for the WebAssembly memory before running it", async () => {
    await expect(simulate({ workload: "sequential", memory: "2TiB", baselines: false })).rejects.toThrow(
      /^option memory \(--memory\): 2TiB is 536870912 pages of 4096 bytes, more than the 4 GiB WebAssembly memory can hold/,
    );
  });
});
