// The set oracle: ampom-plus with its push told which pages the process will use. It
// must push nothing else, and be a reference the evaluation never ranks. It is not a
// bound (knowing the set changes the order's choices), so its runtime is held against
// ampom-plus's only on runs where it is checked to be no later.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allConfigs } from "../../src/evaluate/index.js";
import { simulate } from "../../src/sim/simulate.js";

const CC1 = join(import.meta.dirname, "..", "..", "corpus", "traces", "cc1.amt.gz");

describe("set-oracle", () => {
  it.each([
    ["random", "1MiB"],
    ["fft", "1MiB"],
    ["hpl", "2MiB"],
  ])("pushes only pages the process uses afterwards, and finishes no later than ampom-plus (%s %s)", async (workload, memory) => {
    const run = (policy: string) => simulate({ workload, memory, policy, baselines: false });
    const [bound, ours] = await Promise.all([run("set-oracle"), run("ampom-plus")]);
    expect(bound.pushedPages).toBeGreaterThan(0);
    expect(bound.usefulPushes).toBe(bound.pushedPages);
    expect(bound.runtimeNs).toBeLessThanOrEqual(ours.runtimeNs);
  });

  it("on a compiler's trace it recovers what ampom-plus loses to pages never used", async () => {
    const run = (policy: string) => simulate({ workload: CC1, policy, migrateAt: 0.5, baselines: false });
    const [bound, ours, oracle] = await Promise.all([run("set-oracle"), run("ampom-plus"), run("oracle")]);
    // ampom-plus pushes pages the compiler never touches again; the bound pushes none
    expect(ours.pushedPages - ours.usefulPushes).toBeGreaterThan(100);
    expect(bound.usefulPushes).toBe(bound.pushedPages);
    expect(bound.runtimeNs).toBeLessThan(ours.runtimeNs);
    expect(bound.runtimeNs).toBeGreaterThanOrEqual(oracle.runtimeNs);
  });

  it("with post-copy sends the pages nobody uses after the ones they use", async () => {
    const m = await simulate({ workload: "random", memory: "1MiB", mechanism: "post-copy", policy: "none", pushOrder: "set-oracle", baselines: false });
    const light = await simulate({ workload: "random", memory: "1MiB", policy: "set-oracle", baselines: false });
    expect(m.pushedPages).toBeGreaterThan(m.usefulPushes);
    expect(m.usefulPushes).toBeGreaterThan(0);
    expect(light.pushedPages).toBeLessThan(m.pushedPages);
  });

  it("is clairvoyant in the evaluation, with lightweight and with post-copy", () => {
    const byId = new Map(allConfigs().map((c) => [c.id, c]));
    expect(byId.get("set-oracle")?.clairvoyant).toBe(true);
    expect(byId.get("post-copy/set-oracle")?.clairvoyant).toBe(true);
    expect(byId.get("ampom-plus")?.clairvoyant).toBe(false);
  });
});
