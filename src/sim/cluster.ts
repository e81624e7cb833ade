// The host's event loop: processes on nodes joined by one network. Processes run in
// their cores in bursts; the one furthest behind in time always runs next, and only
// up to the next event or the next process's clock, so messages enter the links in
// time order. Migrations start from a trigger (a record fraction, a time, the load
// balancer) and several can be under way at once, sharing the links.
import { P_CPU_NS, P_KERNEL_STRETCH } from "../core/abi.js";
import { UplinkArbiter } from "../network/arbiter.js";
import type { Network, NodeId } from "../network/network.js";
import type { NetworkPreset } from "../network/presets.js";
import type { PushOrderName } from "../migration/push-orders/index.js";
import type { Mechanism, MigrationContext } from "../migration/types.js";
import { EventQueue } from "./events.js";
import {
  EVENT_DONE, EVENT_MIGRATE, MIGRATE_CALLED_OFF, MIGRATE_DECISION, MIGRATE_FREEZE, MIGRATE_RESUME,
} from "./event-log.js";
import { EventOrder, ProcessEvents } from "./event-order.js";
import { Pager } from "./pager.js";
import type { ProcessRun } from "./process.js";

/** How a process migrates when a trigger fires. */
export interface MigrationPlan {
  mechanism: Mechanism;
  eagerPages: number;
  /** mechanism parameters, defaults filled in */
  params?: Record<string, number>;
  push?: PushOrderName;
  /** destination of the record-fraction trigger (ProcessSetup.migrateAtRecord) */
  dest?: NodeId;
}

export interface MigrationRecord {
  process: number;
  from: NodeId;
  to: NodeId;
  mechanism: string;
  trigger: string;
  decisionAt: number;
  resumedAt: number;
  /** the process ended at home before the mechanism froze it (pre-copy): the migration
   * was called off at that moment */
  abandoned: boolean;
  /** the balancer's: the loads of the source and the destination it compared (runnable
   * processes per CPU, averaged since its last tick) */
  loads?: { from: number; to: number };
}

/** Whether `p` is on `node`, neither frozen nor ended. */
function runsOn(p: ProcessRun, node: NodeId): boolean {
  return p.node === node && (p.phase === "home" || p.phase === "remote");
}

export class Cluster {
  readonly events = new EventQueue();
  readonly pager: Pager;
  /** turns on each uplink for page streams and bulk flows */
  readonly arbiter: UplinkArbiter;
  readonly processes: ProcessRun[] = [];
  readonly migrations: MigrationRecord[] = [];
  private readonly plans = new Map<ProcessRun, MigrationPlan>();
  /** processes between decision and resume, with their migration */
  private readonly moving = new Map<ProcessRun, MigrationRecord>();
  private readonly baseCpuNs = new Map<ProcessRun, number>();
  /** CPUs per node when processes on one node share its CPUs (multi-node scenarios) */
  private cpus?: number[];
  /** processes' events on their way to their sinks in time order, when any has one */
  private order?: EventOrder;

  constructor(
    readonly net: Network,
    readonly costs: NetworkPreset,
    readonly pageSize: number,
    /** how far past another process's clock one may run before yielding, ns */
    readonly quantumNs = 1000,
  ) {
    const at = (time: number, fire: () => void) => this.events.at(time, fire);
    net.schedule(at);
    this.arbiter = new UplinkArbiter(net, at);
    this.pager = new Pager(net, costs, pageSize, this.arbiter, at);
  }

  add(proc: ProcessRun, plan?: MigrationPlan): void {
    this.processes.push(proc);
    if (proc.sink) proc.events = new ProcessEvents((this.order ??= new EventOrder()), proc.sink, proc);
    this.baseCpuNs.set(proc, proc.views.params[P_CPU_NS]);
    if (plan) this.plans.set(proc, plan);
  }

  /** Processes on one node share its `cpus[node]` CPUs: each runs at
   * min(1, cpus / processes running there) of its speed, set as it takes its next
   * stretch (shareFor). */
  shareCpus(cpus: number[]): void {
    this.cpus = cpus;
  }

  /** The CPUs of `node` (1 unless the scenario shares CPUs). */
  cpusOf(node: NodeId): number {
    return this.cpus?.[node] ?? 1;
  }

  /** The node whose load `proc` counts in: where it runs, or where it is migrating to. */
  loadNodeOf(proc: ProcessRun): NodeId {
    return this.moving.get(proc)?.to ?? proc.node;
  }

  /** Whether `proc` can start a migration now: at home, running, not migrating, with a plan. */
  canMigrate(proc: ProcessRun): boolean {
    return proc.phase === "home" && proc.node === proc.home && !this.moving.has(proc) && this.plans.has(proc) && Number.isNaN(proc.decisionAt);
  }

  /** Starts migrating `proc` to `dest` at its clock; false if it cannot migrate now.
   * `loads`: what the balancer compared, kept with the migration. */
  migrate(proc: ProcessRun, dest: NodeId, trigger: string, loads?: MigrationRecord["loads"]): boolean {
    if (!this.canMigrate(proc) || dest === proc.node) return false;
    this.startMigration(proc, this.plans.get(proc)!, dest, trigger, loads);
    return true;
  }

  /** Runs every process to its end, and every event after (pushes, flows): "done". Or
   * "starved": a process's next records are not ready yet (its stream is shared with
   * other scenarios that still replay theirs: shared-records.ts); nothing is lost, and
   * run() again carries on from there. */
  run(): "done" | "starved" {
    for (;;) {
      let first: ProcessRun | undefined;
      let secondClock = Infinity;
      for (const p of this.processes) {
        if (p.phase !== "home" && p.phase !== "remote") continue;
        if (!first || p.clock < first.clock) {
          if (first) secondClock = Math.min(secondClock, first.clock);
          first = p;
        } else secondClock = Math.min(secondClock, p.clock);
      }
      const nextEvent = this.events.peekTime();
      // nothing recorded from now on is earlier than this
      this.order?.release(first ? Math.min(first.clock, nextEvent) : nextEvent);
      if (!first && nextEvent === Infinity) {
        const stuck = this.processes.find((p) => p.phase === "frozen");
        if (stuck) throw new Error(`process ${stuck.id} is frozen with nothing left to resume it`);
        return "done";
      }
      if (!first || first.clock >= nextEvent) {
        this.events.fireNext();
        continue;
      }
      // Up to a quantum past the next process's clock, so that processes do not hand
      // over record by record (a 1 ns quantum took 10 to 18 times as long on
      // examples/balancer.json, 2.1 times on examples/hpcc-balancer.json). Nothing a process
      // sends overtakes the others' messages for it (requests and migration starts are
      // events at their own times); what it can change is CPU sharing: a process that
      // ran ahead of one that then ends, freezes or begins to wait on its node did that
      // stretch, up to a quantum, at the old share. Against a 1 ns quantum this moved one
      // figure in 39 scenarios: ptrans's runtime in examples/hpcc-balancer.json, by 373 ns
      // of 4.343 s (at fft's end); examples/balancer.json and the rest were byte-identical,
      // and so were seven with a process paging beside another on one CPU (docs/model.md).
      const limit = Math.min(nextEvent, Math.max(secondClock, first.clock + this.quantumNs));
      this.shareFor(first);
      const outcome = first.advance(limit, this.pager);
      if (outcome === "starved") return "starved";
      if (outcome === "waiting") {
        // only with no event left and no other process to run (else the limit is finite)
        throw new Error(`internal: process ${first.id} waits for a page that nothing will send`);
      }
      if (outcome === "migration-point") {
        first.migrateAtRecord = null;
        const plan = this.plans.get(first);
        if (plan?.dest !== undefined && this.canMigrate(first)) this.startMigration(first, plan, plan.dest, "fraction");
      } else if (outcome === "done") {
        const calledOff = first.phase === "home" ? this.moving.get(first) : undefined;
        first.phase = "done";
        first.finishedAt = first.clock;
        first.lookahead?.release();
        if (calledOff) {
          // it ended at home while the mechanism still copied (pre-copy's live rounds):
          // nothing can move now, so the migration is off from this moment; the
          // mechanism finds the process done when its round ends and stops there
          calledOff.abandoned = true;
          first.mechanismStats.calledOff = 1;
          first.events?.record(first.clock, EVENT_MIGRATE, -1, MIGRATE_CALLED_OFF);
          this.moving.delete(first);
        }
        first.events?.record(first.clock, EVENT_DONE, -1);
      }
    }
  }

  private startMigration(proc: ProcessRun, plan: MigrationPlan, dest: NodeId, trigger: string, loads?: MigrationRecord["loads"]): void {
    proc.decisionAt = proc.clock;
    const record: MigrationRecord = {
      process: proc.id,
      from: proc.node,
      to: dest,
      mechanism: plan.mechanism.name,
      trigger,
      decisionAt: proc.clock,
      resumedAt: NaN,
      abandoned: false,
      ...(loads && { loads }),
    };
    this.migrations.push(record);
    this.moving.set(proc, record);
    proc.events?.record(proc.clock, EVENT_MIGRATE, -1, MIGRATE_DECISION);
    const ctx: MigrationContext = {
      proc,
      net: this.net,
      arbiter: this.arbiter,
      dest,
      costs: this.costs,
      pageSize: this.pageSize,
      eagerPages: plan.eagerPages,
      decisionAt: proc.clock,
      params: plan.params ?? Object.fromEntries(plan.mechanism.params.map((p) => [p.name, p.default])),
      push: plan.push,
      stats: proc.mechanismStats,
      at: (time, fire) => this.events.at(time, fire),
      freeze: () => {
        proc.phase = "frozen";
        proc.frozenAt = proc.clock;
        proc.events?.record(proc.clock, EVENT_MIGRATE, -1, MIGRATE_FREEZE);
      },
      resume: (time) => {
        record.resumedAt = time;
        proc.resumedAt = time;
        // the process runs on `dest` from `time`: until then it stays frozen
        this.events.at(time, () => {
          proc.node = dest;
          proc.clock = time;
          proc.phase = "remote";
          proc.events?.record(time, EVENT_MIGRATE, -1, MIGRATE_RESUME);
          this.moving.delete(proc);
        });
      },
    };
    // The mechanism starts (freezes, queues the context) as an event at the decision:
    // the process may have decided a record's work past the trigger's time or past
    // other processes' clocks, and what it queued now would go ahead of their messages
    // due before it (four time triggers at one moment queued the contexts in listing
    // order, so the process that decided first froze for 689 us instead of 191 us). The
    // process does not run before it fires: the event is at its own clock.
    this.events.at(proc.clock, () => plan.mechanism.start(ctx));
  }

  /** Sets `proc`'s speed for the stretch it is about to run: its share of its node's
   * CPUs among the processes running there at its clock. A process waiting for a page
   * is off its CPU, as a process blocked in a fault sleeps, and leaves its share to the
   * others until its clock (where the wait ended, or it still waits); a frozen or ended
   * one has none. Its work and its faults' kernel work (traps, zero-fills, first uses)
   * run at that share; sending and landing pages take none of a node's CPU
   * (docs/model.md, the CPU sharing paragraph: a simplification). */
  private shareFor(proc: ProcessRun): void {
    const cpus = this.cpus;
    if (!cpus) return;
    const node = proc.node;
    let running = 0;
    for (const p of this.processes) if (runsOn(p, node)) running++;
    // only where the CPUs are short does a wait change a share
    if (running > cpus[node]) {
      const t = proc.clock;
      for (const p of this.processes) if (p !== proc && runsOn(p, node) && p.waitingAt(t)) running--;
    }
    const share = Math.min(1, cpus[node] / running);
    proc.views.params[P_CPU_NS] = this.baseCpuNs.get(proc)! / share;
    proc.views.params[P_KERNEL_STRETCH] = 1 / share - 1;
  }
}
