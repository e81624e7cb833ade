// Messages enter every link in the order of the times they are ready at, whatever order
// the host happens to run processes and events in: a link is a FIFO in time. A
// process's step may run past the host's next event (a fault trap after the last access
// the step allowed, a record's work past a trigger's time) and past other processes'
// clocks; what it queued there went ahead of messages due before it (a fault request
// ahead of a flow's earlier segment, a later decision's context ahead of an earlier
// one's).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Network } from "../../src/network/network.js";
import { simulateCluster } from "../../src/sim/cluster-scenario.js";
import { requestsBesideFlow } from "../network/scenarios.js";

/** Per link, each message's ready time that came after a later one on that link. */
let late: string[] = [];
const original = Network.prototype.send;
beforeEach(() => {
  late = [];
  const last = new Map<string, number>();
  Network.prototype.send = function (this: Network, from, to, readyAt, bytes, onArrival) {
    for (const link of [`up ${from}`, `down ${to}`]) {
      const before = last.get(link) ?? -Infinity;
      if (readyAt < before) late.push(`${link}: ${bytes} B ready at ${readyAt} after one ready at ${before}`);
      else last.set(link, readyAt);
    }
    return original.call(this, from, to, readyAt, bytes, onArrival);
  };
});
afterEach(() => {
  Network.prototype.send = original;
});

describe("messages enter each link in time order", () => {
  it("migrations decided at one trigger time: the first decision's context goes first", async () => {
    // four time triggers at 0.2 ms: each process decides at its own clock, a record's
    // work past it (200,192 to 201,344 ns); the contexts went in listing order, so the
    // process that decided first froze for 689 us, the others waiting for nothing
    const r = await simulateCluster({
      nodes: [{ name: "a", cpus: 4 }, { name: "b", cpus: 4 }],
      processes: [0, 1, 2, 3].map((i) => ({ name: `p${i}`, node: "a", workload: "random", memory: "4MiB", cpuNsPerAccess: 20 + i, seed: i + 1, policy: "none" })),
      triggers: [0, 1, 2, 3].map((i) => ({ kind: "time", process: `p${i}`, to: "b", at: "0.2ms" })),
    });
    expect(late).toEqual([]);
    const byDecision = [...r.migrations].sort((x, y) => x.decisionAt - y.decisionAt);
    expect(byDecision.map((m) => m.process)).not.toEqual(r.migrations.map((m) => m.process));
    const resumed = byDecision.map((m) => m.resumedAt!);
    expect(resumed).toEqual([...resumed].sort((x, y) => x - y));
    // alone on the link: its context and eager pages only
    expect(resumed[0] - byDecision[0].decisionAt).toBe(190_808);
  });

  it("a fault request waits behind a flow's segment queued before it", async () => {
    await simulateCluster(requestsBesideFlow);
    expect(late).toEqual([]);
  });
});
