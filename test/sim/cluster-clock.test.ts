// A cluster process that runs past the simulator's exact clock (2^53 ns, about 104 days)
// is named by the scenario file, the process and the scenario's fields to check. The
// message was run's: "workload random ran 3877 days ...: check the link (--bandwidth,
// --latency, --background)", options `cluster` does not have, with neither the file nor
// the process nor the node whose 1bps link caused it.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { simulateCluster } from "../../src/sim/cluster-scenario.js";
import { simulate } from "../../src/sim/simulate.js";
import { ampom } from "../cli/capture.js";
import { scratchDir } from "../sweep/cli-helpers.js";

const RAN = /ran \d+ days of simulated time, past 2\^53 ns \(about 104 days\), beyond which the simulator's times are not exact: /;

const slowNode = {
  nodes: [{ name: "a", bandwidth: "1bps" }, { name: "b" }],
  processes: [{ name: "fast", node: "b", workload: "sequential", memory: "1MiB" }, { name: "p", node: "a", workload: "random" }],
  triggers: [{ kind: "time", process: "p", to: "b", at: "1ms" }],
};

describe("a cluster process past the exact clock", () => {
  it("names the process and the node's link fields it crossed", async () => {
    const err = (await simulateCluster(slowNode).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(RAN);
    expect(err.message).toMatch(/^scenario processes\[1\] \(p\): workload random ran /);
    expect(err.message).toContain(
      `check the links of nodes[0] (a) and nodes[1] (b), which its pages crossed (nodes[0].bandwidth is "1bps"; their other link fields are network "gige-2008"'s), any flows on them, and its time per access (processes[1].cpuNsPerAccess)`,
    );
    expect(err.message).not.toContain("--bandwidth");
  });

  it("names the scenario's own link fields where the nodes set none", async () => {
    const scenario = { bandwidth: "1bps", nodes: 2, processes: [{ name: "p", node: 0, workload: "random" }], triggers: [{ kind: "time", process: "p", to: 1, at: "1ms" }] };
    await expect(simulateCluster(scenario)).rejects.toThrow(
      `check the links of nodes[0] (n0) and nodes[1] (n1), which its pages crossed (neither node sets bandwidth, latency or background: they are the scenario's bandwidth "1bps" and otherwise network "gige-2008"'s), any flows on them, and its time per access (processes[0].cpuNsPerAccess)`,
    );
  });

  it("names the time per access and the node's CPUs of a process that never migrated", async () => {
    const scenario = { nodes: 1, processes: [{ name: "slow", node: 0, workload: "random", cpuNsPerAccess: 1e10 }] };
    await expect(simulateCluster(scenario)).rejects.toThrow(
      /^scenario processes\[0\] \(slow\): workload random ran \d+ days .*: check its time per access \(processes\[0\]\.cpuNsPerAccess\) and the CPUs nodes\[0\] \(n0\) shares among its processes \(nodes\[0\]\.cpus\)$/,
    );
  });

  it("on the command line, names the scenario file: one line, exit 1, no output", async () => {
    const file = join(scratchDir("cluster-clock"), "slow.json");
    writeFileSync(file, JSON.stringify(slowNode));
    const r = await ampom("cluster", file);
    expect(r.stderr).toMatch(new RegExp(`^ampom: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: processes\\[1\\] \\(p\\): workload random ${RAN.source}check the links of nodes\\[0\\] \\(a\\)`));
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
  });

  it("run keeps its own wording, which names its options", async () => {
    await expect(simulate({ workload: "random", bandwidth: "1bps", migrateAt: 0.01, policy: "none", baselines: false })).rejects.toThrow(
      /^workload random ran \d+ days of simulated time, .*: check the link \(--bandwidth, --latency, --background\) and the time per access$/,
    );
  });
});
