// Both cores agree on every mechanism, push order and push policy: the same scenario
// on the WebAssembly core and on the TypeScript reference gives the same metrics,
// byte for byte (apart from the core's name).
import { describe, expect, it } from "vitest";
import { mechanisms } from "../../src/migration/registry.js";
import { pushOrders } from "../../src/migration/push-orders/index.js";
import { simulate } from "../../src/sim/simulate.js";
import { simulateCluster } from "../../src/sim/cluster-scenario.js";
import type { RunOptions } from "../../src/sim/options.js";
import { balancerBesideMigrant } from "../network/scenarios.js";
import { withoutCore } from "../core/without-core.js";

async function bothCores(o: RunOptions): Promise<void> {
  const wasm = await simulate({ ...o, core: "wasm" });
  const reference = await simulate({ ...o, core: "reference" });
  expect(withoutCore(reference)).toBe(withoutCore(wasm));
}

describe("wasm and reference cores agree", () => {
  for (const mechanism of Object.keys(mechanisms)) {
    for (const workload of ["sequential", "random"]) {
      it(`${mechanism} on ${workload}, with baselines`, async () => {
        // slow compute so pre-copy's live rounds finish before the process does
        await bothCores({ workload, memory: "1MiB", mechanism, cpuNsPerAccess: mechanism === "pre-copy" ? 300 : 1 });
      });
    }
  }
  for (const pushOrder of Object.keys(pushOrders)) {
    it(`post-copy with push order ${pushOrder}, busy network`, async () => {
      await bothCores({ workload: "random", memory: "1MiB", mechanism: "post-copy", pushOrder, background: 0.5, baselines: false });
    });
  }
  for (const policy of ["bubbling", "oracle"]) {
    it(`lightweight + ${policy}`, async () => {
      await bothCores({ workload: "sequential", memory: "1MiB", policy, baselines: false, network: "rdma-100g" });
    });
  }
  it("a multi-node scenario with a balancer, flows and every mechanism", async () => {
    const scenario = (core: "wasm" | "reference") => ({
      core,
      nodes: 3,
      processes: Object.keys(mechanisms).map((mechanism, i) => ({
        name: `p${i}`,
        node: 0,
        workload: i % 2 ? "random" : "sequential",
        memory: "512KiB",
        mechanism,
        cpuNsPerAccess: 200,
      })),
      triggers: [{ kind: "balancer" as const, interval: "2ms" }],
      flows: [{ from: 1, to: 2, bytes: "1MiB" }],
    });
    const wasm = await simulateCluster(scenario("wasm"));
    const reference = await simulateCluster(scenario("reference"));
    expect(wasm.migrations.length).toBeGreaterThan(0);
    expect(withoutCore(reference)).toBe(withoutCore(wasm));
  });

  it("a balancer that reads each process's waits for pages, with migrants paging on demand", async () => {
    // the cores count the waits (C_WAITED_NS) the balancer's load leaves out, and the
    // pages touched at home (C_RESIDENT) by which pick smallest chooses (a's processes
    // sized 4, 2 and 1 MiB, it moves x2 where listed moves x0): a difference moves a
    // share or a choice, and with it a decision's time, process or destination
    for (const [cpus, pick] of [[1, "listed"], [2, "listed"], [1, "smallest"]] as const) {
      const scenario = (core: "wasm" | "reference") => ({
        ...balancerBesideMigrant,
        core,
        nodes: ["a", "c", "b"].map((name) => ({ name, cpus })),
        processes: balancerBesideMigrant.processes.map((p, i) => (pick === "smallest" && i < 3 ? { ...p, memory: ["4MiB", "2MiB", "1MiB"][i] } : p)),
        triggers: balancerBesideMigrant.triggers!.map((t) => (t.kind === "balancer" ? { ...t, pick } : t)),
      });
      const wasm = await simulateCluster(scenario("wasm"));
      const reference = await simulateCluster(scenario("reference"));
      const moved = wasm.migrations.filter((m) => m.trigger === "balancer");
      expect(moved[0].process).toBe(pick === "smallest" ? "x2" : "x0");
      expect(withoutCore(reference)).toBe(withoutCore(wasm));
    }
  });
});
