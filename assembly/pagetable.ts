// Services every policy uses: page state, the request list, region bounds, the
// demand-event history ring, arrivals that have happened and the accessed-bit scans
// from before migration. Kept apart from the run loop so that policies depend on this
// file only. A policy sees only what the destination node knows at that moment: these
// accessors never hand out when an in-flight page will arrive (arrivedAt() traps).
import {
  counters, params, regions, histPages, histTimes, histExec, requests, states, arrivals,
  scanEpochs, scanMasks,
} from "./arena";
import {
  ST_MASK, ST_HOME, ST_FLIGHT, ST_LOCAL, F_UNFIXED, F_UNSEEN, C_REQUESTS, C_DEMAND_EVENTS, P_HISTORY,
  P_REGIONS, REQUEST_CAP, P_POLICY_BASE, C_NOW, C_SCAN_EPOCH, SCAN_KEEP, SCAN_ALL, C_VIOLATION,
  C_VIOLATION_PAGE, VIOLATION_ARRIVAL, C_PUSH_OLD_LAST,
} from "./layout";

// @ts-ignore: decorator
@inline export function counter(slot: i32): f64 {
  return load<f64>(counters + (<usize>slot << 3));
}
// @ts-ignore: decorator
@inline export function setCounter(slot: i32, v: f64): void {
  store<f64>(counters + (<usize>slot << 3), v);
}
// @ts-ignore: decorator
@inline export function param(slot: i32): f64 {
  return load<f64>(params + (<usize>slot << 3));
}
/** The policy's own parameter i (0-based). */
// @ts-ignore: decorator
@inline export function policyParam(i: i32): f64 {
  return load<f64>(params + (<usize>(P_POLICY_BASE + i) << 3));
}
// @ts-ignore: decorator
@inline export function pageState(page: u32): u8 {
  return load<u8>(states + <usize>page) & ST_MASK;
}
// @ts-ignore: decorator
@inline export function pageFlags(page: u32): u8 {
  return load<u8>(states + <usize>page);
}
// @ts-ignore: decorator
@inline export function setPageFlags(page: u32, v: u8): void {
  store<u8>(states + <usize>page, v);
}
/** The process clock as of the hook being run. */
// @ts-ignore: decorator
@inline export function now(): f64 {
  return counter(C_NOW);
}

/** The state as the destination knows it: ST_HOME (including a pushed page it has not
 * seen land and did not ask for: nothing tells it one is coming), ST_FLIGHT (asked for,
 * or an announced push's page: the oracle's, not arrived yet), ST_LOCAL (here, including pages that have arrived but not been
 * used), or ST_NONE. */
export function knownState(page: u32): u8 {
  const st = load<u8>(states + <usize>page);
  const s = st & ST_MASK;
  if (s != ST_FLIGHT) return s;
  if (st & F_UNSEEN) return ST_HOME;
  if (st & F_UNFIXED) return ST_FLIGHT;
  return load<f64>(arrivals + (<usize>page << 3)) <= now() ? ST_LOCAL : ST_FLIGHT;
}

/** Whether the destination would ask for `page`: at home, or pushed and unseen. */
// @ts-ignore: decorator
@inline export function knownAtHome(page: u32): bool {
  const st = load<u8>(states + <usize>page);
  return (st & ST_MASK) == ST_HOME || (st & F_UNSEEN) != 0;
}

/** When `page` arrived. Only for pages that have arrived: asking about a page still in
 * flight is a policy reading the future, and traps (C_VIOLATION says why). Pages that
 * never crossed the network read as 0. */
export function arrivedAt(page: u32): f64 {
  if (knownState(page) == ST_FLIGHT) {
    store<f64>(counters + (<usize>C_VIOLATION << 3), <f64>VIOLATION_ARRIVAL);
    store<f64>(counters + (<usize>C_VIOLATION_PAGE << 3), <f64>page);
    unreachable();
  }
  // a pushed page not landed yet has not crossed, as far as this node knows
  if (load<u8>(states + <usize>page) & F_UNSEEN) return 0;
  return load<f64>(arrivals + (<usize>page << 3));
}

/** What the accessed-bit scans before migration saw of `page`: bit k is set when it was
 * referenced in the k-th newest scan window (bit 0: the window that ended at the
 * migration); 0 for pages not referenced in the last SCAN_KEEP windows. */
export function scanBits(page: u32): u32 {
  const ep = load<u32>(scanEpochs + (<usize>page << 2));
  if (ep == 0) return 0;
  const age = <u32>counter(C_SCAN_EPOCH) - ep;
  return age >= <u32>SCAN_KEEP ? 0 : (<u32>load<u16>(scanMasks + (<usize>page << 1)) << age) & SCAN_ALL;
}

/** Whether the home node's push sends the pages no kept scan saw only after all the
 * others or once most faults fall among them (lightweight with the adaptive push);
 * false with post-copy's push, which mixes them in, and with no push. The destination
 * knows the mechanism it migrated by. */
export function pushSendsOldLast(): bool {
  return counter(C_PUSH_OLD_LAST) == 1;
}

/** Number of pages in the request list. */
export function requestCount(): i32 {
  return <i32>counter(C_REQUESTS);
}

/** Appends `page` to the request list if the destination knows it only at home,
 * marking it in flight (arrival not fixed until the host sends it) so nobody asks for
 * it twice. A pushed page it has not seen is asked for all the same (the home node
 * skips it: it went already) and keeps its arrival. `flags` are extra state bits to set
 * (F_TRIGGER). Returns false when the page is not known at home or the list is full. */
export function request(page: u32, flags: u8): bool {
  const st = load<u8>(states + <usize>page);
  const unseen = (st & F_UNSEEN) != 0;
  if ((st & ST_MASK) != ST_HOME && !unseen) return false;
  const n = <i32>counter(C_REQUESTS);
  if (n >= REQUEST_CAP) return false;
  store<u8>(states + <usize>page, unseen ? (st & ~F_UNSEEN) | flags : (st & ~ST_MASK) | ST_FLIGHT | F_UNFIXED | flags);
  store<u32>(requests + (<usize>n << 2), page);
  setCounter(C_REQUESTS, <f64>(n + 1));
  return true;
}

// ---- regions --------------------------------------------------------------------
let lastRegion: i32 = 0;

export function regionCount(): i32 {
  return <i32>param(P_REGIONS);
}
export function regionStart(r: i32): u32 {
  return load<u32>(regions + (<usize>r << 3));
}
export function regionEnd(r: i32): u32 {
  return load<u32>(regions + (<usize>r << 3) + 4);
}

/** Index of the region holding `page` (regions are sorted and disjoint), or -1. */
export function regionOf(page: u32): i32 {
  const r0 = lastRegion;
  if (page >= regionStart(r0) && page < regionEnd(r0)) return r0;
  let lo = 0;
  let hi = regionCount() - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (page < regionStart(mid)) hi = mid - 1;
    else if (page >= regionEnd(mid)) lo = mid + 1;
    else {
      lastRegion = mid;
      return mid;
    }
  }
  return -1;
}

export function resetRegionCache(): void {
  lastRegion = 0;
}

// ---- demand-event history ----------------------------------------------------------
/** Ring length in use. */
export function historyLength(): i32 {
  return <i32>param(P_HISTORY);
}
/** Events recorded so far (the ring holds the newest min(this, length)). */
export function historyEvents(): i32 {
  return <i32>counter(C_DEMAND_EVENTS);
}
/** Page of the k-th newest event (k = 0 is the newest); k < min(events, length). */
export function historyPage(k: i32): u32 {
  const h = historyLength();
  const idx = (historyEvents() - 1 - k) % h;
  return load<u32>(histPages + (<usize>idx << 2));
}
export function historyTime(k: i32): f64 {
  const h = historyLength();
  const idx = (historyEvents() - 1 - k) % h;
  return load<f64>(histTimes + (<usize>idx << 3));
}
/** The process's execution time at the k-th newest event: its clock less the time it
 * stood stalled on the network (remote faults, late prefetches). */
export function historyExecTime(k: i32): f64 {
  const h = historyLength();
  const idx = (historyEvents() - 1 - k) % h;
  return load<f64>(histExec + (<usize>idx << 3));
}
export function recordDemandEvent(page: u32, now: f64, exec: f64): void {
  const n = historyEvents();
  const idx = n % historyLength();
  store<u32>(histPages + (<usize>idx << 2), page);
  store<f64>(histTimes + (<usize>idx << 3), now);
  store<f64>(histExec + (<usize>idx << 3), exec);
  setCounter(C_DEMAND_EVENTS, <f64>(n + 1));
}
