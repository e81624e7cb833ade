// An openMosix-like load balancer: every `intervalNs` it compares each node's load
// (unfinished processes there per CPU, a migrating one counted at its destination, one
// waiting for pages too: docs/model.md says what that simplifies) with
// the cluster mean; from the most loaded node whose load exceeds the mean by more than
// `threshold` and that has more processes than CPUs, it moves one process that is still
// at home (the first the scenario lists) to the least loaded node, provided the source
// stays at least as loaded as the destination after the move (with one CPU each: loads
// differ by 2 or more), so it never ping-pongs. One migration per tick, as openMosix moves one
// process per decision. Processes that already migrated stay put: their pages are
// still paged from their home node, and a second hop is not modelled.
import type { Cluster } from "./cluster.js";

export interface BalancerSpec {
  intervalNs: number;
  threshold: number;
}

export function startBalancer(cluster: Cluster, spec: BalancerSpec, startNs = spec.intervalNs): void {
  const nodes = cluster.net.nodes;
  const tick = (t: number): void => {
    if (cluster.processes.every((p) => p.phase === "done")) return;
    const cpus = Array.from({ length: nodes }, (_, n) => cluster.cpusOf(n));
    const counts = Array.from({ length: nodes }, (_, n) => cluster.loadOf(n));
    const loads = counts.map((c, n) => c / cpus[n]);
    const mean = loads.reduce((a, b) => a + b, 0) / nodes;
    const byLoad = loads.map((load, n) => ({ load, n })).sort((a, b) => b.load - a.load || a.n - b.n);
    let least = 0;
    for (let n = 1; n < nodes; n++) if (loads[n] < loads[least]) least = n;
    for (const { load, n } of byLoad) {
      if (load - mean <= spec.threshold) break;
      // a process with a CPU of its own gains nothing by moving; and after the move the
      // source is still at least as loaded as the destination, compared in whole numbers
      // ((k - 1) / c >= (m + 1) / d), as rounding refused equal loads
      if (counts[n] <= cpus[n] || (counts[n] - 1) * cpus[least] < (counts[least] + 1) * cpus[n]) continue;
      const candidate = cluster.processes.find((p) => p.node === n && cluster.canMigrate(p));
      if (candidate && cluster.migrate(candidate, least, "balancer")) break;
    }
    cluster.events.at(t + spec.intervalNs, () => tick(t + spec.intervalNs));
  };
  cluster.events.at(startNs, () => tick(startNs));
}
