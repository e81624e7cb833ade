// Services every policy uses: page state, the request list, region bounds and the
// demand-event history ring. Kept apart from the run loop so that policies depend on
// this file only.
import {
  counters, params, regions, histPages, histTimes, requests, states, arrivals,
} from "./arena";
import {
  ST_MASK, ST_HOME, ST_FLIGHT, C_REQUESTS, C_DEMAND_EVENTS, P_HISTORY, P_REGIONS,
  REQUEST_CAP, P_POLICY_BASE,
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
// @ts-ignore: decorator
@inline export function arrival(page: u32): f64 {
  return load<f64>(arrivals + (<usize>page << 3));
}
// @ts-ignore: decorator
@inline export function setArrival(page: u32, t: f64): void {
  store<f64>(arrivals + (<usize>page << 3), t);
}

/** Number of pages in the request list. */
export function requestCount(): i32 {
  return <i32>counter(C_REQUESTS);
}

/** Appends `page` to the request list if it is still only at home, marking it in
 * flight (arrival unknown until the host answers) so nobody asks for it twice.
 * `flags` are extra state bits to set (F_TRIGGER). Returns false when the page is
 * not at home or the list is full. */
export function request(page: u32, flags: u8): bool {
  const st = load<u8>(states + <usize>page);
  if ((st & ST_MASK) != ST_HOME) return false;
  const n = <i32>counter(C_REQUESTS);
  if (n >= REQUEST_CAP) return false;
  store<u8>(states + <usize>page, (st & ~ST_MASK) | ST_FLIGHT | flags);
  store<f64>(arrivals + (<usize>page << 3), Infinity);
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
export function recordDemandEvent(page: u32, now: f64): void {
  const n = historyEvents();
  const idx = n % historyLength();
  store<u32>(histPages + (<usize>idx << 2), page);
  store<f64>(histTimes + (<usize>idx << 3), now);
  setCounter(C_DEMAND_EVENTS, <f64>(n + 1));
}
