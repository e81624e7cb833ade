// runScenario hands its WebAssembly instance back for reuse; a reused instance must
// give exactly what a fresh one gives, whatever ran on it before.
import { describe, expect, it } from "vitest";
import { createCore, releaseCore } from "../../src/core/index.js";
import { simulate } from "../../src/sim/simulate.js";

describe("WebAssembly core reuse", () => {
  it("a released instance is reused and yields the same metrics as a fresh run", async () => {
    const a = await createCore("wasm");
    releaseCore(a);
    expect(await createCore("wasm")).toBe(a);

    const first = await simulate({ workload: "stream", memory: "16MiB", policy: "ampom", baselines: false });
    // other policies, mechanisms and sizes leave their state in the instances
    await simulate({ workload: "random", memory: "32MiB", policy: "leap", baselines: false });
    await simulate({ workload: "ptrans", memory: "8MiB", policy: "linux-vma", mechanism: "post-copy", baselines: false });
    await simulate({ workload: "ptrans", memory: "8MiB", mechanism: "full-copy", baselines: false });
    await simulate({ workload: "fft", memory: "16MiB", policy: "ampom-plus", baselines: false });
    const again = await simulate({ workload: "stream", memory: "16MiB", policy: "ampom", baselines: false });
    expect(again).toEqual(first);
    const reference = await simulate({ workload: "stream", memory: "16MiB", policy: "ampom", baselines: false, core: "reference" });
    expect({ ...again, core: "" }).toEqual({ ...reference, core: "" });
  });
});
