// One process as the host sees it: its core, its record stream, where it runs, and
// the bytes it moved. advance() replays records until the host's next event.
import {
  C_CHUNK_LEN, C_CURSOR, C_NOW, C_REQUESTS, P_CPU_NS, P_HISTORY, P_PAGES, P_POLICY,
  P_POLICY_BASE, P_REGIONS, P_TRAP_NS, P_ZERO_FILL_NS, P_FIRST_USE_NS, P_SCAN_NS, P_SCAN_NS_PER_PAGE, P_TRAP_CPU_NS, P_FIRST_USE_CPU_NS, P_KERNEL_STRETCH,
  STOP_CHUNK_END, STOP_LIMIT,
  STOP_WAIT, STOP_POLICY, STOP_FAULT, STOP_REQUESTS, REGION_CAP, HISTORY_CAP, C_HOOK,
  C_HOOK_PAGE, C_HOOK_TIME, C_HOOK_ARG, C_FAULT_PAGE, HOOK_USE, HOOK_ARRIVAL, HOOK_SERVED, ST_MASK, ST_NONE,
  ST_HOME, ST_FLIGHT, F_UNFIXED, F_PUSHED, KIND_REPLY, C_WAITING_SINCE, C_WAITED_NS, C_RESIDENT,
} from "../core/abi.js";
import type { FaultsToHome } from "../migration/push-orders/faults.js";
import type { PageSet } from "../migration/page-set.js";
import type { CoreViews, SimCore } from "../core/types.js";
import { copyHomeState } from "../core/home-state.js";
import type { NodeId } from "../network/network.js";
import { firstBadRegion, type Workload } from "../workloads/types.js";
import { emptyBytes, type BytesMoved } from "./bytes.js";
import { EVENT_ARRIVAL, type EventSink } from "./event-log.js";
import type { ProcessEvents } from "./event-order.js";
import type { Lookahead } from "./lookahead.js";
import type { ScanPacing } from "./options.js";
import { FEED_WAIT, SharedRecords, type RecordFeed } from "./shared-records.js";

export type Phase = "home" | "frozen" | "remote" | "done";

export interface ProcessSetup {
  id: number;
  workload: Workload;
  core: SimCore;
  home: NodeId;
  policyId: number;
  policyParams: number[];
  cpuNsPerAccess: number;
  faultTrapNs: number;
  zeroFillNs: number;
  /** first use of a prefetched page (network preset firstUseNs) */
  firstUseNs: number;
  /** the parts of faultTrapNs and firstUseNs on the process's CPU clock (network preset) */
  faultTrapCpuNs: number;
  firstUseCpuNs: number;
  historyLength: number;
  /** how the accessed-bit scans at home are paced (scanPacing()) */
  scan: ScanPacing;
  chunkRecords: number;
  /** where the records come from when several scenarios share one stream
   * (SharedRecords.join()); by default the workload's own stream */
  feed?: RecordFeed;
  /** a policy that runs in the host (policyId is POLICY_EXTERNAL), made from the core's
   * views: the core stops at each of its hooks and the host calls it */
  hostPolicy?: (views: CoreViews) => HostPolicyHooks;
  /** record index at which the migration decision is taken, or null for none */
  migrateAtRecord: number | null;
  /** the workload read ahead, for a push order that may (the oracle); the process
   * releases it when it is done */
  lookahead?: Lookahead;
}

/** The hooks of a policy run by the host, bound to its process's core views. Each may
 * ask for pages (they leave with the fault's request, or as a request of their own). */
export interface HostPolicyHooks {
  onFault(page: number, now: number): void;
  onUse(page: number, now: number, trigger: boolean): void;
  onArrival(page: number, t: number): void;
  onServed(ns: number): void;
}

/** Serves what the core asks for while remote: see Pager. */
export interface RequestServer {
  /** `stop` is STOP_FAULT (the process waits for requests[0]) or STOP_REQUESTS. */
  serve(proc: ProcessRun, stop: number): void;
}

/** A page asked for that the home node has not sent yet: in flight with its arrival not
 * fixed, and not pushed (a pushed page whose arrival is not fixed yet, F_PUSHED with
 * F_UNFIXED, has left: the switch has not taken it). */
export function waitsForReply(state: number): boolean {
  return (state & (F_UNFIXED | F_PUSHED)) === F_UNFIXED;
}

export class ProcessRun {
  readonly id: number;
  readonly workload: Workload;
  readonly core: SimCore;
  readonly views: CoreViews;
  readonly home: NodeId;
  /** the workload read ahead (ProcessSetup.lookahead) */
  readonly lookahead?: Lookahead;
  /** node the process runs on */
  node: NodeId;
  phase: Phase = "home";
  readonly bytes: BytesMoved = emptyBytes();
  /** where the pager logs fault requests for a push order at home (set by the order) */
  faultsToHome?: FaultsToHome;
  /** pages asked for whose request the home node has not taken yet (kept while a push
   * runs: to the home node they are still its own to send, see heldAtHome) */
  awaitingHome?: PageSet;
  /** records handed to the core so far */
  fed = 0;
  migrateAtRecord: number | null;
  /** called once, when the process reaches migrateAtRecord, before the decision */
  atMigrationPoint?: (proc: ProcessRun) => void;
  decisionAt = NaN;
  /** when the process stopped running for the migration (pre-copy: late) */
  frozenAt = NaN;
  resumedAt = NaN;
  /** figures the migration mechanism reports (pre-copy rounds, push end) */
  readonly mechanismStats: Record<string, number> = {};
  finishedAt = NaN;
  /** where this process's events go (set before Cluster.add; off when undefined) */
  sink?: EventSink;
  /** what the host's code records events through: set by Cluster.add when there is a
   * sink, undefined otherwise (checked once per batch, never per record) */
  events?: ProcessEvents;
  private readonly feed: RecordFeed;
  private readonly chunkRecords: number;
  private readonly hostPolicy?: HostPolicyHooks;

  /** Whether the home node holds `page` to send, as it knows: at home, or asked for by
   * a request that has not reached it (the destination's view, the core's state, marks
   * that page in flight already). */
  heldAtHome(page: number): boolean {
    const st = this.views.states[page];
    if ((st & ST_MASK) === ST_HOME) return true;
    return waitsForReply(st) && this.awaitingHome !== undefined && this.awaitingHome.has(page);
  }

  constructor(s: ProcessSetup) {
    this.id = s.id;
    this.workload = s.workload;
    this.core = s.core;
    this.home = this.node = s.home;
    this.migrateAtRecord = s.migrateAtRecord;
    this.lookahead = s.lookahead;
    this.chunkRecords = s.chunkRecords;
    const w = s.workload;
    if (w.regions.length > REGION_CAP) {
      throw new Error(`workload ${w.name} has ${w.regions.length} regions; at most ${REGION_CAP} are supported`);
    }
    // a workload made in code may break what a trace's header is checked for: the cores
    // then disagreed (their regionOf searches a sorted table)
    const bad = firstBadRegion(w.regions, w.pageCount);
    if (bad >= 0) {
      const r = w.regions[bad];
      throw new Error(
        `workload ${w.name}: region ${r.name} (start ${r.start}, ${r.pages} pages) overlaps or comes before the region before it, or lies outside its ${w.pageCount} pages: regions must be sorted by start, disjoint, and inside the address space`,
      );
    }
    if (s.historyLength < 1 || s.historyLength > HISTORY_CAP) {
      throw new Error(`history length ${s.historyLength} is outside 1..${HISTORY_CAP}`);
    }
    // the feed sets the chunk's size (a stream the core decodes itself, amt v2, needs a
    // whole block); the host still hands the core at most chunkRecords records at a time
    let own: SharedRecords | undefined;
    this.feed = s.feed ?? (own = new SharedRecords(w, s.chunkRecords)).join();
    try {
      this.views = s.core.init(w.pageCount, this.feed.capacity);
    } catch (err) {
      own?.close();
      throw err;
    }
    this.feed.bind(s.core, this.views);
    const p = this.views.params;
    p[P_CPU_NS] = s.cpuNsPerAccess;
    p[P_TRAP_NS] = s.faultTrapNs;
    p[P_ZERO_FILL_NS] = s.zeroFillNs;
    p[P_FIRST_USE_NS] = s.firstUseNs;
    p[P_TRAP_CPU_NS] = s.faultTrapCpuNs;
    p[P_FIRST_USE_CPU_NS] = s.firstUseCpuNs;
    // a whole CPU: a cluster whose CPUs are short sets the process's share (cluster.ts)
    p[P_KERNEL_STRETCH] = 0;
    p[P_POLICY] = s.policyId;
    p[P_HISTORY] = s.historyLength;
    p[P_REGIONS] = w.regions.length;
    p[P_PAGES] = w.pageCount;
    p[P_SCAN_NS] = s.scan.intervalNs;
    p[P_SCAN_NS_PER_PAGE] = s.scan.nsPerPage;
    s.policyParams.forEach((v, i) => (p[P_POLICY_BASE + i] = v));
    // the destination's view of the regions: nothing before the migration (not even
    // where they will lie), what existed at the freeze after it (migrate())
    this.views.regions.fill(0, 0, 2 * w.regions.length);
    s.core.reset();
    this.hostPolicy = s.hostPolicy?.(this.views);
  }

  get clock(): number {
    return this.views.counters[C_NOW];
  }
  set clock(t: number) {
    this.views.counters[C_NOW] = t;
  }

  /** The pages it has touched so far while at home: those that exist there, which a
   * copy would send. */
  get touchedPages(): number {
    return this.views.counters[C_RESIDENT];
  }

  /** The time it has stood waiting for pages, off its CPU, up to its clock. */
  get waitedNs(): number {
    return this.views.counters[C_WAITED_NS];
  }

  /** Whether the process is off its CPU at `t` (at or before its clock), waiting for a
   * page: its pending access began to wait by `t`, and its clock has gone past `t` in
   * that wait or the page has not landed by then. */
  waitingAt(t: number): boolean {
    const c = this.views.counters;
    const since = c[C_WAITING_SINCE];
    if (since < 0 || since > t) return false;
    if (t < c[C_NOW]) return true;
    const page = this.views.chunkPages[c[C_CURSOR]];
    const st = this.views.states[page];
    return (st & ST_MASK) === ST_FLIGHT && ((st & F_UNFIXED) !== 0 || this.views.arrivals[page] > t);
  }

  /** Moves the process to the destination's tables (the core's migrate(): every page
   * that exists is at home, or with `keepAll`, the copy having brought it, local), and
   * gives the policies the region table the destination knows at the freeze: the
   * mappings as they stand then (freezeExtents()). */
  migrate(keepAll: boolean): void {
    const { regions } = this.views;
    this.freezeExtents().forEach(([lo, hi], i) => {
      regions[2 * i] = lo;
      regions[2 * i + 1] = hi;
    });
    this.core.migrate(keepAll);
  }

  /** The process's mappings as they stand now, [first page, end page) per region: what
   * the destination's policies are told at the freeze. A
   * generator's regions are those from the start; a captured trace's are drawn round
   * every page it touches, so whole they would tell of mappings and extents the process
   * makes later: each spans its first to its last page that exists now, and one with
   * none is empty where the region before it ends (where the trace will put it is the
   * future too; the table stays sorted). */
  freezeExtents(): [number, number][] {
    const { states } = this.views;
    const none = (p: number) => (states[p] & ST_MASK) === ST_NONE;
    let before = 0;
    return this.workload.regions.map((r) => {
      let lo = r.start;
      let hi = r.start + r.pages;
      if (this.workload.regionsFromTouches) {
        while (lo < hi && none(lo)) lo++;
        while (hi > lo && none(hi - 1)) hi--;
        if (lo === hi) lo = hi = before;
      }
      before = hi;
      return [lo, hi];
    });
  }

  /** Replays records until the clock reaches `limit` or it has sent requests ("limit":
   * either way the caller picks the next limit), the migration point
   * ("migration-point"), or the end of the workload ("done"); "waiting" when it waits
   * for a page that nothing in sight will send; "starved" when its next records are
   * not ready (a shared stream whose other scenarios still replay theirs). */
  advance(limit: number, server: RequestServer): "limit" | "migration-point" | "done" | "waiting" | "starved" {
    const c = this.views.counters;
    for (;;) {
      if (c[C_CURSOR] >= c[C_CHUNK_LEN]) {
        let room = this.chunkRecords;
        if (this.migrateAtRecord !== null) {
          room = Math.min(room, this.migrateAtRecord - this.fed);
          if (room <= 0) {
            this.atMigrationPoint?.(this);
            this.atMigrationPoint = undefined;
            return "migration-point";
          }
        }
        const n = this.feed.next(room);
        if (n === 0) return "done";
        if (n === FEED_WAIT) return "starved";
        this.fed += n;
      }
      const stop = this.core.run(limit);
      if (stop === STOP_LIMIT) return "limit";
      if (stop === STOP_WAIT) return "waiting";
      if (stop === STOP_CHUNK_END) continue;
      if (stop === STOP_POLICY) {
        this.runHostHook();
        if (c[C_REQUESTS] === 0) continue;
        server.serve(this, STOP_REQUESTS);
      } else {
        if (stop === STOP_FAULT) this.hostPolicy?.onFault(c[C_FAULT_PAGE], c[C_NOW]);
        server.serve(this, stop);
      }
      // serving put new events (the reply) in the queue: the caller sets a new limit
      return "limit";
    }
  }

  /** The hook the core stopped for (STOP_POLICY), of the policy the host runs. */
  private runHostHook(): void {
    const c = this.views.counters;
    const hooks = this.hostPolicy;
    if (!hooks) throw new Error(`internal: process ${this.id}'s core stopped for a policy hook, but no host policy is set`);
    switch (c[C_HOOK]) {
      case HOOK_USE:
        hooks.onUse(c[C_HOOK_PAGE], c[C_HOOK_TIME], c[C_HOOK_ARG] !== 0);
        break;
      case HOOK_ARRIVAL:
        hooks.onArrival(c[C_HOOK_PAGE], c[C_HOOK_TIME]);
        break;
      case HOOK_SERVED:
        hooks.onServed(c[C_HOOK_ARG]);
        break;
      default:
        throw new Error(`internal: unknown policy hook ${c[C_HOOK]}`);
    }
  }

  /** Takes over `leader`'s home phase: `leader` has just reached its migration point,
   * this process (same workload, core kind, CPU and scan settings, migration record) has
   * replayed nothing yet. Its feed must be woken at the leader's place in the stream. */
  adoptHomePhase(leader: ProcessRun): void {
    if (this.fed !== 0 || this.phase !== "home" || leader.migrateAtRecord !== this.migrateAtRecord || leader.fed !== this.migrateAtRecord) {
      throw new Error(`internal: process ${this.id} cannot take over the home phase of process ${leader.id}`);
    }
    copyHomeState(leader.views, this.views, this.workload.pageCount);
    this.fed = leader.fed;
  }

  /** `page`, sent with its arrival not fixed (an answered request's, or a page pushed or
   * sent eagerly, NaN to the core: network.ts), arrives at `t`: the core and the event log
   * learn it. A page the core does not hold (a full copy's) goes to the log alone. */
  fixArrival(page: number, t: number, kind: number, inCore = true): void {
    this.events?.record(t, EVENT_ARRIVAL, page, kind);
    if (!inCore) return;
    const v = this.views;
    v.deliverPages[0] = page;
    v.deliverTimes[0] = t;
    this.core.deliver(1, KIND_REPLY);
  }

  /** Pending requests after a stop: the core's request list. */
  requestCount(): number {
    return this.views.counters[C_REQUESTS];
  }
}
