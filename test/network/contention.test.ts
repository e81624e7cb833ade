// Sharing the network: two migrants on one link each see their pages later than
// alone; background load slows remote faults.
import { describe, expect, it } from "vitest";
import { simulateCluster, type ClusterScenario } from "../../src/sim/cluster-scenario.js";
import { simulate } from "../../src/sim/simulate.js";
import { EVENT_ARRIVAL } from "../../src/sim/event-log.js";
import { copyBesidePull, intoOneNode } from "./scenarios.js";

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
    // a fault's request and its reply are each one frame that finds the link idle: each
    // waits out the background ahead of it, at least the steady state's mean,
    // 0.6/0.4 x half a 1500 B packet = 9,000 ns, and more while the background the
    // previous reply left still drains, then goes at the full bandwidth; the share alone
    // would cost 1,080 + 50,136 ns more a fault (the old model charged both, 69,216)
    const more = (busy.faultStallNs - quiet.faultStallNs) / busy.remoteFaults;
    expect(more).toBeGreaterThanOrEqual(2 * 9_000);
    expect(more).toBeLessThan(1_080 + 50_136);
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

describe("two migrants from two nodes into one", () => {
  // the same process on nodes a and b, both moved to c at half their records
  it("share the downlink: post-copy pushes take turns, whichever the scenario lists first", async () => {
    for (const order of [["a", "b"], ["b", "a"]] as Array<[string, string]>) {
      const [first, second] = (await simulateCluster(intoOneNode("post-copy", { from: order }))).processes;
      // before turns were fair across senders: 15.22 ms and 20.47 ms, in listing order
      expect(Math.abs(first.runtimeNs - second.runtimeNs) / Math.max(first.runtimeNs, second.runtimeNs)).toBeLessThan(0.01);
      expect(first.mechanismStats!.pushDoneNs).toBeGreaterThan(0);
    }
  });

  it("share the downlink: a copy is not held back by another node's prefetching process", async () => {
    // a full copy from a into c while a process moved from b to c prefetches with ampom:
    // its fault replies, with the pages asked with them, reach c's downlink as single
    // messages, which a stream waited behind: 48 of the copy's pages landed while the
    // other process ran (21.28 ms); with its bursts between the replies, 256 (28.23 ms).
    // The copy sends the 392 pages that exist at 2 ms (it sent 520, untouched ones too,
    // when those figures were measured; 393 while a record's access came with its work:
    // the record the trigger falls in touches the next page at the destination now)
    const arrivals: number[] = [];
    const sink = (i: number) => (i === 0 ? { record: (t: number, kind: number) => void (kind === EVENT_ARRIVAL && arrivals.push(t)) } : undefined);
    const r = await simulateCluster(copyBesidePull(), { events: sink });
    const pullEnds = r.processes[1].runtimeNs;
    const copyPages = arrivals.length;
    expect(copyPages).toBe(392);
    // at least a third of the copy's pages land while the other process still runs
    expect(arrivals.filter((t) => t < pullEnds).length).toBeGreaterThan(copyPages / 3);
  });

  it("two full copies into one node: each resumes when its last page lands, and the events stay in time order", async () => {
    // a copy learned that it was over only at its next turn on the links, which the other
    // copy held: one process's resume fell 468 us before the moment the host scheduled
    // it, and an event log refused it
    const arrivals: number[][] = [[], []];
    const sink = (i: number) => ({ record: (t: number, kind: number) => void (kind === EVENT_ARRIVAL && arrivals[i].push(t)) });
    const r = await simulateCluster(intoOneNode("full-copy"), { events: sink });
    for (const [i, p] of r.processes.entries()) {
      const m = r.migrations.find((x) => x.process === p.name)!;
      expect(arrivals[i].length).toBeGreaterThan(100);
      expect(m.resumedAt).toBe(Math.max(...arrivals[i]));
    }
  });

  it("share the downlink: two full copies go side by side, not one after the other", async () => {
    const [first, second] = (await simulateCluster(intoOneNode("full-copy"))).processes;
    // one after the other they froze for 8.98 ms and 17.80 ms
    expect(Math.min(first.freezeNs, second.freezeNs) / Math.max(first.freezeNs, second.freezeNs)).toBeGreaterThan(0.95);
  });
});


describe("the switch serves a downlink in the order messages reach it", () => {
  it("a segment from an idle node goes ahead of an overloaded flow's segments still queued on their uplink", async () => {
    const r = await simulateCluster({
      nodes: [{ name: "a" }, { name: "b" }, { name: "c" }],
      processes: [{ name: "x", node: "a", workload: "sequential", memory: "256KiB" }],
      flows: [
        // a segment every 262,144 ns into a's 1 Gb/s uplink, which takes 524,288 ns each
        { name: "over", from: "a", to: "c", start: "0", rate: "2Gbps", duration: "2ms" },
        { name: "one", from: "b", to: "c", start: "0.9ms", bytes: "64KiB" },
      ],
    });
    const segment = 524_288;
    // it reaches the switch at 0.9 ms, while the flow's second segment is on c's downlink:
    // it goes next, before the segments that wait on a's uplink (until 2026-12-07 it went
    // after the four handed over before it, and landed at 4 x 524,288 + 25,000 ns)
    expect(r.flows[1].finishedAt).toBe(3 * segment + 25_000);
    // the flow's eight segments: its last one a segment later than alone
    expect(r.flows[0].finishedAt).toBe(9 * segment + 25_000);
  });
});
