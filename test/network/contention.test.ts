// Sharing the network: two migrants on one link each see their pages later than
// alone; background load slows remote faults.
import { describe, expect, it } from "vitest";
import { simulateCluster, type ClusterScenario } from "../../src/sim/cluster-scenario.js";
import { simulate } from "../../src/sim/simulate.js";

function migrants(count: number, mechanism: string, workload = "random", policy = "none"): ClusterScenario {
  return {
    // two CPUs on the source, so two processes there run at full speed as alone
    nodes: [{ name: "a", cpus: 2 }, { name: "b", cpus: 2 }],
    processes: Array.from({ length: count }, (_, i) => ({
      name: `p${i}`,
      node: "a",
      workload,
      memory: "2MiB",
      seed: 7,
      mechanism,
      policy,
    })),
    triggers: Array.from({ length: count }, (_, i) => ({ kind: "fraction" as const, process: `p${i}`, to: "b", at: 0.5 })),
  };
}

describe("two migrants on one link", () => {
  it("each gets its pages later than alone (post-copy: both push over the source's uplink)", async () => {
    const one = await simulateCluster(migrants(1, "post-copy"));
    const two = await simulateCluster(migrants(2, "post-copy"));
    const alone = one.processes[0];
    const both = two.processes;
    // the same decision time in both runs (two CPUs at the source)
    for (const m of two.migrations) expect(m.decisionAt).toBe(one.migrations[0].decisionAt);
    for (const p of both) {
      expect(p.mechanismStats!.pushDoneNs).toBeGreaterThan(alone.mechanismStats!.pushDoneNs);
      expect(p.stallNs).toBeGreaterThan(alone.stallNs);
      expect(p.runtimeNs).toBeGreaterThan(alone.runtimeNs);
    }
  });

  it("each gets its pages later than alone (lightweight + ampom: prefetch batches share the link)", async () => {
    const alone = (await simulateCluster(migrants(1, "lightweight", "stream", "ampom"))).processes[0];
    const both = (await simulateCluster(migrants(2, "lightweight", "stream", "ampom"))).processes;
    for (const p of both) {
      expect(p.stallNs).toBeGreaterThan(alone.stallNs);
      expect(p.runtimeNs).toBeGreaterThan(alone.runtimeNs);
    }
  });

  it("demand paging: faults of two migrants never come back sooner than alone, and together they wait longer", async () => {
    const alone = (await simulateCluster(migrants(1, "lightweight"))).processes[0];
    const both = (await simulateCluster(migrants(2, "lightweight"))).processes;
    for (const p of both) {
      expect(p.remoteFaults).toBe(alone.remoteFaults);
      expect(p.faultStallNs).toBeGreaterThanOrEqual(alone.faultStallNs);
    }
    expect(both[0].faultStallNs + both[1].faultStallNs).toBeGreaterThan(2 * alone.faultStallNs);
  });

  it("each full copy takes longer than alone: the copies share the link burst by burst", async () => {
    const alone = (await simulateCluster(migrants(1, "full-copy"))).processes[0];
    const both = (await simulateCluster(migrants(2, "full-copy"))).processes;
    for (const p of both) expect(p.freezeNs).toBeGreaterThan(alone.freezeNs * 1.5);
  });

  it("the links carry both migrants' bytes", async () => {
    const r = await simulateCluster(migrants(2, "full-copy"));
    const a = r.links.find((l) => l.node === "a")!;
    expect(a.upBytes).toBe(r.processes[0].bytesMoved.total + r.processes[1].bytesMoved.total);
  });
});

describe("background load", () => {
  it("slows every remote fault", async () => {
    const o = { workload: "random", memory: "2MiB", policy: "none", baselines: false } as const;
    const quiet = await simulate(o);
    const busy = await simulate({ ...o, background: 0.6 });
    expect(busy.remoteFaults).toBe(quiet.remoteFaults);
    expect(busy.faultStallNs / busy.remoteFaults).toBeGreaterThan((quiet.faultStallNs / quiet.remoteFaults) * 1.2);
  });

  it("an explicit flow on the migrant's path slows its faults too", async () => {
    const base = migrants(1, "lightweight");
    const quiet = (await simulateCluster(base)).processes[0];
    const busy = (
      await simulateCluster({ ...base, flows: [{ from: "a", to: "b", start: 0, rate: "500Mbps", duration: "10s" }] })
    ).processes[0];
    expect(busy.faultStallNs).toBeGreaterThan(quiet.faultStallNs);
  });
});
