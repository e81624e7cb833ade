// What a prefetch policy may know and do, over a core's views: a page's state as the
// destination knows it, arrivals that have happened, the accessed-bit scans from before
// migration, the region table, and the request list. The reference core's policies and
// a user's policy module (run in the host, with either core) use these functions; the
// WebAssembly core has the same ones in assembly/pagetable.ts.
//
// The rule they enforce: a policy uses only what the destination node knows at that
// moment. When an in-flight page will arrive is not known there (it depends on traffic
// that has not happened yet), so reading it is refused, with a PolicyViolation.
import {
  C_NOW, C_PUSH_OLD_LAST, C_REQUESTS, C_SCAN_EPOCH, C_VIOLATION, C_VIOLATION_PAGE, F_UNFIXED, F_UNSEEN, P_REGIONS,
  REQUEST_CAP, SCAN_KEEP, SCAN_ALL, ST_FLIGHT, ST_HOME, ST_LOCAL, ST_MASK, VIOLATION_ARRIVAL,
} from "./abi.js";
import type { CoreViews } from "./types.js";

/** A policy read what the destination cannot know at that moment. */
export class PolicyViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyViolation";
  }
}

/** The violation a core recorded in its counters before it stopped, if any. */
export function violationError(counters: Float64Array): PolicyViolation | undefined {
  const code = counters[C_VIOLATION];
  if (code !== VIOLATION_ARRIVAL) return undefined;
  const page = counters[C_VIOLATION_PAGE];
  return new PolicyViolation(
    `the policy asked when page ${page} arrives while it is still in flight (its arrival depends on traffic that has not happened yet; a policy may use only what the destination knows)`,
  );
}

/** ST_HOME (including a pushed page the destination has not seen land and did not ask
 * for: nothing tells it one is coming), ST_FLIGHT (asked for, or an announced push's
 * page: the oracle's, not arrived), ST_LOCAL
 * (here, including pages that have arrived but were not used yet), or ST_NONE. */
export function knownState(v: CoreViews, page: number): number {
  const st = v.states[page];
  const s = st & ST_MASK;
  if (s !== ST_FLIGHT) return s;
  if (st & F_UNSEEN) return ST_HOME;
  if (st & F_UNFIXED) return ST_FLIGHT;
  return v.arrivals[page] <= v.counters[C_NOW] ? ST_LOCAL : ST_FLIGHT;
}

/** Whether the destination would ask for `page`: at home, or pushed and unseen. */
export function knownAtHome(states: Uint8Array, page: number): boolean {
  const st = states[page];
  return (st & ST_MASK) === ST_HOME || (st & F_UNSEEN) !== 0;
}

/** When `page` arrived; 0 for pages that never crossed the network. Throws a
 * PolicyViolation for a page still in flight. */
export function arrivedAt(v: CoreViews, page: number): number {
  if (knownState(v, page) === ST_FLIGHT) {
    v.counters[C_VIOLATION] = VIOLATION_ARRIVAL;
    v.counters[C_VIOLATION_PAGE] = page;
    throw violationError(v.counters);
  }
  // a pushed page not landed yet has not crossed, as far as this node knows
  if (v.states[page] & F_UNSEEN) return 0;
  return v.arrivals[page];
}

/** Bit k set: the accessed-bit scan k windows before the migration (0: the one at the
 * freeze) saw `page` referenced. 0 for pages not referenced in the last SCAN_KEEP. */
export function scanBits(v: CoreViews, page: number): number {
  const ep = v.scanEpochs[page];
  if (ep === 0) return 0;
  const age = v.counters[C_SCAN_EPOCH] - ep;
  return age >= SCAN_KEEP ? 0 : (v.scanMasks[page] << age) & SCAN_ALL;
}

/** Whether the home node's push sends the pages no kept scan saw only after all the
 * others or once most faults fall among them (lightweight with the adaptive push);
 * false with post-copy's push, which mixes them in, and with no push. The destination
 * knows the mechanism it migrated by. */
export function pushSendsOldLast(v: CoreViews): boolean {
  return v.counters[C_PUSH_OLD_LAST] === 1;
}

/** Appends `page` to the request list if the destination knows it only at home,
 * marking it in flight with its arrival not fixed, plus `flags` (F_TRIGGER). A pushed
 * page it has not seen is asked for all the same (home skips it: it went already) and
 * keeps its arrival. False if it is not known at home or the list is full. */
export function requestPage(v: CoreViews, page: number, flags: number): boolean {
  const st = v.states[page];
  const unseen = (st & F_UNSEEN) !== 0;
  if ((st & ST_MASK) !== ST_HOME && !unseen) return false;
  const n = v.counters[C_REQUESTS];
  if (n >= REQUEST_CAP) return false;
  v.states[page] = unseen ? (st & ~F_UNSEEN) | flags : (st & ~ST_MASK) | ST_FLIGHT | F_UNFIXED | flags;
  v.requests[n] = page;
  v.counters[C_REQUESTS] = n + 1;
  return true;
}

/** Index of the region holding `page` (sorted, disjoint), or -1. */
export function regionOf(v: CoreViews, page: number): number {
  let lo = 0;
  let hi = v.params[P_REGIONS] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (page < v.regions[2 * mid]) hi = mid - 1;
    else if (page >= v.regions[2 * mid + 1]) lo = mid + 1;
    else return mid;
  }
  return -1;
}
