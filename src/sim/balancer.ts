// An openMosix-like load balancer: every `intervalNs` it compares each node's load with
// the cluster mean; from the most loaded node whose load exceeds the mean by more than
// `threshold` and that has more runnable processes than CPUs, it moves one process that
// is still at home (`pick`, below) to the least loaded node, provided the
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
//
// Which process moves is the scenario's choice (`pick`), as which one openMosix would
// take is not modelled: "listed", the first the scenario lists still at home there, so
// the list's order decides; or "smallest", the one that has touched the fewest pages so
// far (the first listed of equals), whose move costs least: a copy sends those pages,
// and a process that pages from home has fewer to fetch.
import type { Cluster } from "./cluster.js";
import type { ProcessRun } from "./process.js";

export const BALANCER_PICKS = ["listed", "smallest"] as const;
export type BalancerPick = (typeof BALANCER_PICKS)[number];

export interface BalancerSpec {
  intervalNs: number;
  threshold: number;
  pick: BalancerPick;
}

/** The process to move off `node`, or undefined when none there can migrate. */
function candidateOn(cluster: Cluster, node: number, pick: BalancerPick): ProcessRun | undefined {
  let best: ProcessRun | undefined;
  for (const p of cluster.processes) {
    if (p.node !== node || !cluster.canMigrate(p)) continue;
    if (pick === "listed") return p;
    if (best === undefined || p.touchedPages < best.touchedPages) best = p;
  }
  return best;
}

export function startBalancer(cluster: Cluster, spec: BalancerSpec, startNs = spec.intervalNs): void {
  const nodes = cluster.net.nodes;
  const cpus = Array.from({ length: nodes }, (_, n) => cluster.cpusOf(n));
  const procs = cluster.processes;
  // each process's clock and waits at the last tick (none yet: from its start, 0); the
  // scenario adds its processes before it starts the balancer
  const lastClock = new Float64Array(procs.length);
  const lastWaited = new Float64Array(procs.length);
  const tick = (t: number): void => {
    if (procs.every((p) => p.phase === "done")) return;
    const runnable = new Array<number>(nodes).fill(0);
    procs.forEach((p, i) => {
      if (p.phase === "done") return;
      const span = p.clock - lastClock[i];
      runnable[cluster.loadNodeOf(p)] += span > 0 ? 1 - (p.waitedNs - lastWaited[i]) / span : 1;
      lastClock[i] = p.clock;
      lastWaited[i] = p.waitedNs;
    });
    const loads = runnable.map((r, n) => r / cpus[n]);
    const mean = loads.reduce((a, b) => a + b, 0) / nodes;
    const byLoad = loads.map((load, n) => ({ load, n })).sort((a, b) => b.load - a.load || a.n - b.n);
    let least = 0;
    for (let n = 1; n < nodes; n++) if (loads[n] < loads[least]) least = n;
    for (const { load, n } of byLoad) {
      if (load - mean <= spec.threshold) break;
      // a process with a CPU of its own gains nothing by moving
      if (runnable[n] <= cpus[n]) continue;
      // after the move the source is still at least as loaded as the destination,
      // compared without division ((k - 1) / c >= (m + 1) / d), as rounding refused equal
      // loads: the candidate counts 1, having never left home, where nothing waits
      if ((runnable[n] - 1) * cpus[least] < (runnable[least] + 1) * cpus[n]) continue;
      const candidate = candidateOn(cluster, n, spec.pick);
      if (candidate && cluster.migrate(candidate, least, "balancer", { from: load, to: loads[least] })) break;
    }
    cluster.events.at(t + spec.intervalNs, () => tick(t + spec.intervalNs));
  };
  cluster.events.at(startNs, () => tick(startNs));
}
