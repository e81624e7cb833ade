// No policy reads the future. Two runs that differ only by traffic that starts at time T
// (a bulk flow on the home -> destination link) must make the same fault and prefetch
// decisions before T: a policy that read when an in-flight page will land, or anything
// the host computed about traffic to come, would decide differently before T. A property
// over T, workloads, link disciplines and every registered policy (push policies with
// lightweight, pull policies with lightweight and post-copy).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { policies } from "../../src/policies/registry.js";
import { simulateCluster, type ClusterScenario } from "../../src/sim/cluster-scenario.js";
import { EventLog } from "../../src/sim/event-log.js";

interface Decision {
  t: number;
  page: number;
  kind: number;
}

async function decisions(sc: ClusterScenario): Promise<{ log: Decision[]; decisionAt: number; runtimeNs: number }> {
  const log = new EventLog();
  const r = await simulateCluster(sc, { events: () => log });
  return {
    log: log.times.map((t, i) => ({ t, page: log.pages[i], kind: log.kinds[i] })),
    decisionAt: r.migrations[0].decisionAt,
    runtimeNs: r.processes[0].runtimeNs,
  };
}

function scenario(workload: string, policy: string, mechanism: string, link: "fifo" | "priority", flowAt?: number): ClusterScenario {
  return {
    nodes: 2,
    link,
    processes: [{ name: "p", node: 0, workload, memory: "1MiB", policy, mechanism, seed: 3 }],
    triggers: [{ kind: "fraction", process: "p", to: 1, at: 0.5 }],
    flows: flowAt === undefined ? [] : [{ from: 0, to: 1, start: flowAt, bytes: "64MiB" }],
  };
}

const pairs: Array<[policy: string, mechanism: string]> = Object.values(policies).flatMap((p) =>
  p.push ? [[p.name, "lightweight"] as [string, string]] : [[p.name, "lightweight"] as [string, string], [p.name, "post-copy"] as [string, string]],
);

describe("clairvoyance", () => {
  let changedAfter = 0;
  it.each(pairs)("%s with %s decides the same before traffic that starts later", async (policy, mechanism) => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("stream", "randomaccess", "fft", "hpl", "random", "sequential"),
        fc.constantFrom<"fifo" | "priority">("fifo", "priority"),
        fc.double({ min: 0.02, max: 0.9, noNaN: true }),
        async (workload, link, where) => {
          const quiet = await decisions(scenario(workload, policy, mechanism, link));
          // T somewhere between the migration and the end of the quiet run
          const T = Math.round(quiet.decisionAt + where * (quiet.runtimeNs - quiet.decisionAt));
          const busy = await decisions(scenario(workload, policy, mechanism, link, T));
          const before = (d: Decision[]) => d.filter((e) => e.t < T);
          expect(before(busy.log), `${workload} ${link} T=${T}`).toEqual(before(quiet.log));
          if (JSON.stringify(busy.log) !== JSON.stringify(quiet.log) || busy.runtimeNs !== quiet.runtimeNs) changedAfter++;
        },
      ),
      { numRuns: 6, seed: 2026 },
    );
  });

  it("the flow does change what happens after it starts (the test has teeth)", () => {
    expect(changedAfter).toBeGreaterThan(pairs.length);
  });
});
