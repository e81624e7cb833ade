// The metrics every run reports (docs/model.md, "Metrics"), read off a finished process.
import {
  C_ACCESSES, C_FAULT_STALL_NS, C_LATE_PREFETCHES, C_LATE_STALL_NS, C_PREFETCHED,
  C_PUSHED, C_RECORDS, C_REMOTE_FAULTS, C_USEFUL_PREFETCHES, C_USEFUL_PUSHES, C_ZERO_FILLS,
  C_FAULT_PREFETCHES, C_PUSH_MET_FAULTS,
} from "../core/abi.js";
import type { BytesMoved } from "./bytes.js";
import type { ProcessRun } from "./process.js";

/** What a run was: the labels its metrics carry first. */
export interface RunLabels {
  workload: string;
  mechanism: string;
  policy: string;
  network: string;
  /** the link discipline the run used (fifo, priority) */
  link: string;
  core: string;
  seed: number;
  memoryBytes: number;
}

export interface Metrics extends RunLabels {
  pages: number;
  records: number;
  accesses: number;
  /** migration decision to resume, ns */
  freezeNs: number;
  remoteFaults: number;
  /** remote faults whose page the push brought, sent before the fault (the destination
   * did not know it was coming) or before the home node took the request: the home node
   * answered nothing */
  faultsMetByPush: number;
  zeroFills: number;
  latePrefetches: number;
  prefetchedPages: number;
  usefulPrefetches: number;
  /** useful / prefetched (0 when nothing was prefetched) */
  accuracy: number;
  /** useful / (useful + remote faults): share of demand misses the prefetches removed */
  coverage: number;
  /** prefetch pages sent with each remote-fault request, on average (0 without faults) */
  prefetchPerFault: number;
  pushedPages: number;
  usefulPushes: number;
  faultStallNs: number;
  lateStallNs: number;
  stallNs: number;
  bytesMoved: BytesMoved;
  /** start to finish, freeze included, ns */
  runtimeNs: number;
  /** present (true) when the run read its workload ahead (the oracle, the set oracle): a
   * reference, not a contender */
  clairvoyant?: true;
  /** what the mechanism reports of itself: pre-copy's rounds, sentPages, resentPages,
   * pagesAtFreeze; a push's pushDoneNs (last pushed page in) and pushCutShort (1 when
   * the process ended before the push had sent every page its order names) */
  mechanismStats?: Record<string, number>;
  /** 1 - remoteFaults / remoteFaults(lightweight + none); needs baselines, and left out
   * when demand paging had no remote fault (nothing to prevent) */
  faultsPrevented?: number;
  /** runtime / runtime(full-copy) - 1; needs baselines */
  overheadVsFullCopy?: number;
  /** runtime of the oracle bound, ns; needs baselines */
  oracleRuntimeNs?: number;
  /** (runtime(demand) - runtime) / (runtime(demand) - runtime(oracle)); needs baselines,
   * and left out when that gap is under 1% of demand paging's runtime (MIN_ORACLE_GAP) */
  oracleGapClosed?: number;
}

/** What a run that outlasted the exact clock should check, as `run` names it: its options. */
export const RUN_CLOCK_CHECK = "check the link (--bandwidth, --latency, --background) and the time per access";

/** `check`: what the message tells to check, in the terms of what set the run up (a
 * cluster scenario names its fields, not `run`'s options). */
export function readMetrics(proc: ProcessRun, labels: RunLabels, check = RUN_CLOCK_CHECK): Metrics {
  // times are float64 nanoseconds: past 2^53 (about 104 days) they are no longer exact
  if (!(proc.finishedAt <= Number.MAX_SAFE_INTEGER)) {
    throw new Error(
      `workload ${labels.workload} ran ${(proc.finishedAt / 864e11).toFixed(0)} days of simulated time, past 2^53 ns (about 104 days), ` +
        `beyond which the simulator's times are not exact: ${check}`,
    );
  }
  const c = proc.views.counters;
  const prefetched = c[C_PREFETCHED];
  const useful = c[C_USEFUL_PREFETCHES];
  const faults = c[C_REMOTE_FAULTS];
  // from the moment the process stopped (the decision, or pre-copy's late freeze) to
  // its resume; 0 without a migration or when it was called off
  const freezeNs = Number.isNaN(proc.frozenAt) || Number.isNaN(proc.resumedAt) ? 0 : proc.resumedAt - proc.frozenAt;
  return {
    ...labels,
    pages: proc.workload.pageCount,
    records: c[C_RECORDS],
    accesses: c[C_ACCESSES],
    freezeNs,
    remoteFaults: faults,
    faultsMetByPush: c[C_PUSH_MET_FAULTS],
    zeroFills: c[C_ZERO_FILLS],
    latePrefetches: c[C_LATE_PREFETCHES],
    prefetchedPages: prefetched,
    usefulPrefetches: useful,
    accuracy: prefetched > 0 ? useful / prefetched : 0,
    coverage: useful + faults > 0 ? useful / (useful + faults) : 0,
    prefetchPerFault: faults > 0 ? c[C_FAULT_PREFETCHES] / faults : 0,
    pushedPages: c[C_PUSHED],
    usefulPushes: c[C_USEFUL_PUSHES],
    faultStallNs: c[C_FAULT_STALL_NS],
    lateStallNs: c[C_LATE_STALL_NS],
    stallNs: c[C_FAULT_STALL_NS] + c[C_LATE_STALL_NS],
    bytesMoved: { ...proc.bytes },
    runtimeNs: proc.finishedAt,
    ...(proc.lookahead ? { clairvoyant: true as const } : {}),
    ...(Object.keys(proc.mechanismStats).length ? { mechanismStats: { ...proc.mechanismStats } } : {}),
  };
}

/** True when the process ended before its migration completed (pre-copy still copying
 * when the work ran out): nothing was migrated, so the metrics that compare migrations
 * (faults prevented, overhead, gap to the oracle) do not apply. */
export function migrationCalledOff(m: Pick<Metrics, "mechanismStats">): boolean {
  return (m.mechanismStats?.calledOff ?? 0) > 0;
}

/** The freeze as a table shows it: "called off" when no migration happened. */
export function freezeLabel(m: Pick<Metrics, "mechanismStats" | "freezeNs">, format: (ns: number) => string): string {
  return migrationCalledOff(m) ? "called off" : format(m.freezeNs);
}

