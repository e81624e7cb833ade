// A WebAssembly trap inside a run is reported with the scenario that caused it, and a
// memory size beyond the 4 GiB WebAssembly memory is refused by simulate() before any
// core is created. The trap comes from a real (tiny) WebAssembly module whose only
// function executes `unreachable`, put in place of the core's run().
import { describe, expect, it, vi } from "vitest";

const trap = vi.hoisted(() => ({ on: false, coresCreated: 0 }));

vi.mock("../../src/core/index.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/core/index.js")>();
  // (module (func (export "boom") unreachable))
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
    0x07, 0x08, 0x01, 0x04, 0x62, 0x6f, 0x6f, 0x6d, 0x00, 0x00, 0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b,
  ]);
  const boom = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.boom as () => void;
  return {
    ...real,
    createCore: async (kind: "wasm" | "reference") => {
      trap.coresCreated++;
      const core = await real.createCore(kind);
      if (trap.on) core.run = () => (boom(), 0);
      return core;
    },
  };
});

const { simulate } = await import("../../src/sim/simulate.js");

describe("core failures", () => {
  it("reports a WebAssembly trap with the scenario, not a bare RuntimeError", async () => {
    trap.on = true;
    try {
      const err = await simulate({ workload: "random", memory: "1MiB", policy: "ampom", seed: 7, migrateAt: 0.25, baselines: false }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err!.message).toMatch(/^the simulation core failed \(unreachable\) in scenario workload=random memory=1MiB mechanism=lightweight policy=ampom network=gige-2008 migrateAt=0\.25 seed=7 core=wasm;/);
      expect((err!.cause as Error).constructor.name).toBe("RuntimeError");
    } finally {
      trap.on = false;
    }
  });

  it("refuses memory beyond the 4 GiB WebAssembly memory before creating a core", async () => {
    const before = trap.coresCreated;
    await expect(simulate({ workload: "sequential", memory: "2TiB" })).rejects.toThrow(
      /^option memory \(--memory\): 2TiB is 536870912 pages of 4096 bytes, more than the 4 GiB WebAssembly memory can hold \(at most 225879306 pages, 861\.7GiB at this page size\)$/,
    );
    expect(trap.coresCreated).toBe(before);
  });

  it("refuses a built-in whose data fits but whose code and stack pages do not, before a core, alike on both cores", async () => {
    // 861.7GiB of data is exactly the most pages a core holds; random's code and stack
    // take 8 more. The data-only check let it through, and each core refused it at init
    // only after generating its 450M records (13 s)
    const memory = 225879306 * 4096;
    const before = trap.coresCreated;
    for (const core of ["wasm", "reference"] as const) {
      await expect(simulate({ workload: "random", memory, core, baselines: false })).rejects.toThrow(
        /^option memory \(--memory\): 861\.7GiB of workload random takes 225879314 pages of 4096 bytes, more than the 4 GiB WebAssembly memory can hold \(at most 225879306 pages, 861\.7GiB at this page size\)$/,
      );
    }
    expect(trap.coresCreated).toBe(before);
  });

  it("says the host refused the memory, not the 4 GiB limit, when the WebAssembly memory cannot grow", async () => {
    // a memory.grow that fails (ulimit -v, node --wasm-max-mem-pages) makes the arena's
    // init refuse 1M pages that the budget allows; it was reported as more than the 4 GiB
    // memory can hold (at most 225879306 pages)
    const { WasmCore } = await import("../../src/core/wasm-core.js");
    const { guardCore } = await import("../../src/sim/preflight.js");
    const { resolveOptions } = await import("../../src/sim/options.js");
    const core = await WasmCore.create();
    const raw = core as unknown as { ex: Record<string, unknown> };
    raw.ex = { ...raw.ex, init: () => -1 };
    const s = resolveOptions({ workload: "random", memory: "4GiB" });
    expect(() => guardCore(s, { pageCount: 1048584 }, () => core.init(1048584, 1 << 16))).toThrow(
      /^option memory \(--memory\): 4GiB of workload random: the WebAssembly core could not grow its memory to 22\.1MiB for 1048584 pages: the host refused it \(short of memory, or a limit such as ulimit -v\)$/,
    );
  });

  it("names the trace and the limit when a core refuses a workload's size at init", async () => {
    const { CapacityError } = await import("../../src/core/types.js");
    const { guardCore } = await import("../../src/sim/preflight.js");
    const { resolveOptions } = await import("../../src/sim/options.js");
    const s = { ...resolveOptions({}), workload: "big.amt" };
    expect(() =>
      guardCore(s, { pageCount: 5e8 }, () => {
        throw new CapacityError("does not fit");
      }),
    ).toThrow(/^workload big\.amt: the trace has 500000000 pages of 4096 bytes, more than the 4 GiB WebAssembly memory can hold/);
  });
});
