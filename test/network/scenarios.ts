// Multi-node scenarios that tests of the network and docs/model.md's figures share
// (test/docs/prose-figures.test.ts checks the prose against them).
import type { ClusterScenario } from "../../src/sim/cluster-scenario.js";

/** The same `random` process (seed 5, 20 ns an access, policy `policy`) on each node of
 * `from`, moved to node c at half its records: 2 MiB, or 1 MiB for a full copy. */
export function intoOneNode(mechanism: string, { from = ["a", "b"], policy = "none", cpusOnC = 2 }: { from?: string[]; policy?: string; cpusOnC?: number } = {}): ClusterScenario {
  return {
    nodes: [{ name: "a" }, { name: "b" }, { name: "c", cpus: cpusOnC }],
    processes: from.map((node) => ({ name: node, node, workload: "random", memory: mechanism === "full-copy" ? "1MiB" : "2MiB", seed: 5, cpuNsPerAccess: 20, mechanism, policy })),
    triggers: from.map((node) => ({ kind: "fraction" as const, process: node, to: "c", at: 0.5 })),
  };
}

/** A full copy from `copyFrom` into node c at 2 ms, while a process moved from b to c at
 * 1 ms prefetches with `ampom`. */
export function copyBesidePull(copyFrom = "a"): ClusterScenario {
  return {
    nodes: [{ name: "a" }, { name: "b" }, { name: "c", cpus: 2 }],
    processes: [
      { name: "copy", node: copyFrom, workload: "sequential", memory: "2MiB", cpuNsPerAccess: 10, mechanism: "full-copy" },
      { name: "pull", node: "b", workload: "random", memory: "4MiB", cpuNsPerAccess: 20, policy: "ampom", seed: 3 },
    ],
    triggers: [{ kind: "time", process: "copy", to: "c", at: "2ms" }, { kind: "time", process: "pull", to: "c", at: "1ms" }],
  };
}

/** A process moved from node 0 to node 1 at 0.3 pages from there, while node 1 sends a
 * 500 Mbps flow of 4 KiB segments on the uplink its fault requests take. */
export const requestsBesideFlow: ClusterScenario = {
  nodes: 3,
  processes: [{ name: "x", node: 0, workload: "random", memory: "2MiB", cpuNsPerAccess: 20, seed: 5, policy: "none" }],
  triggers: [{ kind: "fraction", process: "x", to: 1, at: 0.3 }],
  flows: [{ name: "f", from: 1, to: 2, rate: "500Mbps", duration: "20ms", segment: "4KiB" }],
};

/** A `sequential` process computing on node b's one CPU (2 MiB, 20 ns an access), and,
 * with `withMigrant`, a `random` process (seed 5, policy none) moved from a to b at half
 * its records, which then pages on demand: mostly waiting for the network. */
export function besideLocal(withMigrant: boolean): ClusterScenario {
  return {
    nodes: [{ name: "a" }, { name: "b", cpus: 1 }],
    processes: [
      { name: "local", node: "b", workload: "sequential", memory: "2MiB", cpuNsPerAccess: 20 },
      ...(withMigrant ? [{ name: "migrant", node: "a", workload: "random", memory: "2MiB", seed: 5, cpuNsPerAccess: 20, policy: "none" }] : []),
    ],
    triggers: withMigrant ? [{ kind: "fraction" as const, process: "migrant", to: "b", at: 0.5 }] : [],
  };
}

/** Three processes on node a and one on c (`random`, 1 MiB, 400 ns an access), and a
 * fourth moved from c to b at 3 ms that pages on demand there (`lightweight`, `none`,
 * 16 MiB, 40 ns an access), with a balancer every 5 ms: b and c each hold one process,
 * but b's waits for the network most of the time. */
export const balancerBesideMigrant: ClusterScenario = {
  nodes: [{ name: "a" }, { name: "c" }, { name: "b" }],
  processes: [
    ...["x0", "x1", "x2"].map((name, i) => ({ name, node: "a", workload: "random", memory: "1MiB", seed: i + 1, cpuNsPerAccess: 400 })),
    { name: "y", node: "c", workload: "random", memory: "1MiB", seed: 4, cpuNsPerAccess: 400 },
    { name: "m", node: "c", workload: "random", memory: "16MiB", seed: 5, cpuNsPerAccess: 40, mechanism: "lightweight", policy: "none" },
  ],
  triggers: [{ kind: "time", process: "m", to: "b", at: "3ms" }, { kind: "balancer", interval: "5ms", threshold: 0.5 }],
};
