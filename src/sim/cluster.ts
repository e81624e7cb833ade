// The host's event loop: processes on nodes joined by one network. Processes run in
// their cores in bursts; the one furthest behind in time always runs next, and only
// up to the next event or the next process's clock, so messages enter the links in
// time order.
import type { Network, NodeId } from "../network/network.js";
import type { NetworkPreset } from "../network/presets.js";
import type { Mechanism, MigrationContext } from "../migration/types.js";
import { EventQueue } from "./events.js";
import { Pager } from "./pager.js";
import type { ProcessRun } from "./process.js";

export interface Migrant {
  proc: ProcessRun;
  mechanism: Mechanism;
  dest: NodeId;
  eagerPages: number;
}

export class Cluster {
  readonly events = new EventQueue();
  readonly pager: Pager;
  private readonly migrants = new Map<ProcessRun, Migrant>();
  readonly processes: ProcessRun[] = [];

  constructor(
    readonly net: Network,
    readonly costs: NetworkPreset,
    readonly pageSize: number,
    /** how far past another process's clock one may run before yielding, ns */
    readonly quantumNs = 1000,
  ) {
    this.pager = new Pager(net, costs, pageSize);
  }

  add(proc: ProcessRun, migration?: Omit<Migrant, "proc">): void {
    this.processes.push(proc);
    if (migration) this.migrants.set(proc, { proc, ...migration });
  }

  /** Runs every process to its end. */
  run(): void {
    const active = () => this.processes.filter((p) => p.phase === "home" || p.phase === "remote");
    for (;;) {
      const runnable = active();
      const nextEvent = this.events.peekTime();
      if (runnable.length === 0 && nextEvent === Infinity) {
        const stuck = this.processes.find((p) => p.phase === "frozen");
        if (stuck) throw new Error(`process ${stuck.id} is frozen with nothing left to resume it`);
        return;
      }
      let first: ProcessRun | undefined;
      let secondClock = Infinity;
      for (const p of runnable) {
        if (!first || p.clock < first.clock) {
          if (first) secondClock = Math.min(secondClock, first.clock);
          first = p;
        } else secondClock = Math.min(secondClock, p.clock);
      }
      if (!first || first.clock >= nextEvent) {
        this.events.fireNext();
        continue;
      }
      const limit = Math.min(nextEvent, Math.max(secondClock, first.clock + this.quantumNs));
      const outcome = first.advance(limit, this.pager);
      if (outcome === "migration-point") this.startMigration(first);
      else if (outcome === "done") {
        first.phase = "done";
        first.finishedAt = first.clock;
      }
    }
  }

  private startMigration(proc: ProcessRun): void {
    proc.migrateAtRecord = null;
    const m = this.migrants.get(proc);
    if (!m) return;
    proc.decisionAt = proc.clock;
    const ctx: MigrationContext = {
      proc,
      net: this.net,
      dest: m.dest,
      costs: this.costs,
      pageSize: this.pageSize,
      eagerPages: m.eagerPages,
      decisionAt: proc.clock,
      at: (time, fire) => this.events.at(time, fire),
      freeze: () => {
        proc.phase = "frozen";
      },
      resume: (time) => {
        proc.node = m.dest;
        proc.resumedAt = time;
        proc.clock = time;
        proc.phase = "remote";
      },
    };
    m.mechanism.start(ctx);
  }
}
