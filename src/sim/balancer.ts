// An openMosix-like load balancer: every `intervalNs` it compares each node's load with
// the cluster mean; from the most loaded node whose load exceeds the mean by more than
// `threshold` and that has more runnable processes than CPUs, it moves one process that
// is still at home (the first the scenario lists) to the least loaded node, provided the
// source stays at least as loaded as the destination after the move (with one CPU each
// and nothing waiting: loads differ by 2 or more), so it never ping-pongs. One migration
// per tick, as openMosix moves one process per decision. Processes that already migrated
// stay put: their pages are still paged from their home node, and a second hop is not
// modelled.
//
// A node's load is its run queue averaged over the interval, per CPU, as MOSIX's is:
// each unfinished process counts the share of its time since the last tick that it was
// not waiting for pages (a migrant paging on demand counts a tenth where it waits nine
// tenths of the time). Each process's share is read over its own clock from its clock at
// the last tick, and a tick fires once every process has reached it, so a window can
// reach past the tick by the work of a record or a stall whose page's landing was already
// known. A process counts at the node it is migrating to from its decision on, its freeze
// counted as runnable there (MOSIX likewise adds a migrating process's load to its
// destination at once), so two ticks do not send two processes to one idle node.
import type { Cluster } from "./cluster.js";
import type { ProcessRun } from "./process.js";

export interface BalancerSpec {
  intervalNs: number;
  threshold: number;
}

export function startBalancer(cluster: Cluster, spec: BalancerSpec, startNs = spec.intervalNs): void {
  const nodes = cluster.net.nodes;
  // each process's clock and waits at the last tick (none yet: from its start, 0)
  const lastTick = new Map<ProcessRun, { clock: number; waitedNs: number }>();
  const runnableShare = (p: ProcessRun): number => {
    const last = lastTick.get(p) ?? { clock: 0, waitedNs: 0 };
    const span = p.clock - last.clock;
    return span > 0 ? 1 - (p.waitedNs - last.waitedNs) / span : 1;
  };
  const tick = (t: number): void => {
    if (cluster.processes.every((p) => p.phase === "done")) return;
    const cpus = Array.from({ length: nodes }, (_, n) => cluster.cpusOf(n));
    const runnable = new Array<number>(nodes).fill(0);
    const shares = new Map<ProcessRun, number>();
    for (const p of cluster.processes) {
      if (p.phase === "done") continue;
      const share = runnableShare(p);
      shares.set(p, share);
      runnable[cluster.loadNodeOf(p)] += share;
      lastTick.set(p, { clock: p.clock, waitedNs: p.waitedNs });
    }
    const loads = runnable.map((r, n) => r / cpus[n]);
    const mean = loads.reduce((a, b) => a + b, 0) / nodes;
    const byLoad = loads.map((load, n) => ({ load, n })).sort((a, b) => b.load - a.load || a.n - b.n);
    let least = 0;
    for (let n = 1; n < nodes; n++) if (loads[n] < loads[least]) least = n;
    for (const { load, n } of byLoad) {
      if (load - mean <= spec.threshold) break;
      // a process with a CPU of its own gains nothing by moving
      if (runnable[n] <= cpus[n]) continue;
      const candidate = cluster.processes.find((p) => p.node === n && cluster.canMigrate(p));
      if (!candidate) continue;
      // after the move the source is still at least as loaded as the destination,
      // compared without division ((k - r) / c >= (m + r) / d), as rounding refused
      // equal loads
      const r = shares.get(candidate)!;
      if ((runnable[n] - r) * cpus[least] < (runnable[least] + r) * cpus[n]) continue;
      if (cluster.migrate(candidate, least, "balancer")) break;
    }
    cluster.events.at(t + spec.intervalNs, () => tick(t + spec.intervalNs));
  };
  cluster.events.at(startNs, () => tick(startNs));
}
