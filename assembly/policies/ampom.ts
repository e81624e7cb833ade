// AMPoM (Ho, Wang and Lau, IPDPS 2008) as DESIGN section 3 reconstructs it. On a
// remote fault, and on the first use of a batch's trigger page, it scores the spatial
// locality of the demand-event history around the newest event, sizes the window from
// that score, the paging rate and the network delay, and asks for the next batch along
// the detected stride. The formulas are written out in docs/model.md ("AMPoM, as reconstructed here"); the
// reference twin is src/core/reference-policies/ampom.ts.
import { scratch, histPages, states } from "../arena";
import { F_TRIGGER, F_UNSEEN, ST_HOME, ST_MASK, C_POLICY_SCORE, C_POLICY_WINDOW } from "../layout";
import {
  policyParam, historyEvents, historyLength, historyExecTime, regionOf,
  regionStart, regionEnd, knownAtHome, request, setCounter,
} from "../pagetable";

let zoneRadius: i32 = 16;
let zoneEvents: i32 = 8;
let gain: f64 = 2;
let maxWindow: i32 = 512;
let baseWindow: f64 = 8;
let lowLocality: f64 = 0.5;
let delayWeight: f64 = 8;
/** T: moving average of the fault service time, ns (0 until the first sample). */
let delay: f64 = 0;
let delaySeen: bool = false;

export function ampomReset(): void {
  zoneRadius = <i32>policyParam(0);
  zoneEvents = <i32>policyParam(1);
  gain = policyParam(2);
  maxWindow = <i32>policyParam(3);
  baseWindow = policyParam(4);
  lowLocality = policyParam(5);
  delayWeight = policyParam(6);
  delay = 0;
  delaySeen = false;
}

/** n = clamp(round(G S R T) + base(S), 0, Nmax), round(x) = floor(x + 0.5),
 * base(S) = floor(B S). `rate` in events per ns, `delayNs` in ns. */
export function ampomWindow(score: f64, rate: f64, delayNs: f64, g: f64, b: f64, nmax: f64): f64 {
  const n = Math.floor(g * score * rate * delayNs + 0.5) + Math.floor(b * score);
  return n < 0 ? 0 : n > nmax ? nmax : n;
}

export function ampomOnServed(ns: f64): void {
  if (!delaySeen) {
    delay = ns;
    delaySeen = true;
  } else {
    delay = delay + (ns - delay) / delayWeight;
  }
}

export function ampomOnFault(page: u32, now: f64): void {
  decide(page);
}

export function ampomOnUse(page: u32, now: f64, trigger: bool): void {
  if (trigger) decide(page);
}

// @ts-ignore: decorator
@inline function atHome16(at: usize): v128 {
  // as knownAtHome: at home, or pushed and not seen here yet
  const v = v128.load(at);
  const home = i8x16.eq(v128.and(v, i8x16.splat(<i8>ST_MASK)), i8x16.splat(<i8>ST_HOME));
  return v128.or(home, i8x16.ne(v128.and(v, i8x16.splat(<i8>F_UNSEEN)), i8x16.splat(0)));
}

/** Whether any of the `width` (16 or 64) pages from `first` is at home. */
// @ts-ignore: decorator
@inline function anyAtHome(first: i64, width: i64): bool {
  const at = states + <usize>first;
  if (width == 16) return v128.any_true(atHome16(at));
  return v128.any_true(v128.or(v128.or(atHome16(at), atHome16(at + 16)), v128.or(atHome16(at + 32), atHome16(at + 48))));
}

/** True when the next `width` steps of the two-sided scan (p + j .. p + j + width - 1
 * upward, p - j .. p - j - width + 1 downward) can be skipped: each side is either
 * wholly inside [lo, hi) with no page at home, or wholly outside it; and not both
 * outside (the scalar loop ends there). False means: take smaller steps. */
function noneAtHomeAround(p: i64, j: i64, lo: i64, hi: i64, width: i64): bool {
  const upAll = p + j + width - 1 < hi;
  const upNone = p + j >= hi;
  const downAll = p - j - width + 1 >= lo;
  const downNone = p - j < lo;
  if (!(upAll || upNone) || !(downAll || downNone) || (upNone && downNone)) return false;
  if (upAll && anyAtHome(p + j, width)) return false;
  if (downAll && anyAtHome(p - j - width + 1, width)) return false;
  return true;
}

/** How many of the `n` i32 at `at` equal `d`. */
function countEqual(at: usize, n: i32, d: i32): i32 {
  let c = 0;
  for (let j = 0; j < n; j++) {
    if (load<i32>(at + (<usize>j << 2)) == d) c++;
  }
  return c;
}

/** Scores the history around `p` (its newest event) and requests the next batch. */
function decide(p: u32): void {
  const events = historyEvents();
  const hl = historyLength();
  const k = events < hl ? events : hl;
  // p's stream: the history events within the zone, oldest first, into scratch
  const zone = scratch;
  let m = 0;
  // walk the ring slots oldest first (historyPage(k-1) .. historyPage(0)) with one
  // modulo for the whole scan rather than one per event
  let slot = k > 0 ? (events - k) % hl : 0;
  for (let j = 0; j < k; j++) {
    const q = load<u32>(histPages + (<usize>slot << 2));
    const d = <i32>q - <i32>p;
    if (d >= -zoneRadius && d <= zoneRadius) {
      store<i32>(zone + (<usize>m << 2), <i32>q);
      m++;
    }
    if (++slot == hl) slot = 0;
  }
  // the stride: the most frequent delta between successive stream events (ties go to
  // the newest), and how many deltas follow it
  let stride: i32 = 0;
  let agree: i32 = 0;
  // deltas[i-1] is the delta between stream events i-1 and i
  const deltas = zone + (<usize>m << 2);
  for (let i = 1; i < m; i++) {
    store<i32>(deltas + (<usize>(i - 1) << 2), load<i32>(zone + (<usize>i << 2)) - load<i32>(zone + (<usize>(i - 1) << 2)));
  }
  for (let i = m - 1; i >= 1; i--) {
    // a delta not seen at a newer position occurs only at positions 1..i, so it
    // counts at most i: once agree >= i no candidate left can win (same result as
    // scanning them all, in O(m) for a steady stride instead of O(m^2))
    if (agree >= i) break;
    const d = load<i32>(deltas + (<usize>(i - 1) << 2));
    const c = countEqual(deltas, m - 1, d);
    if (c > agree) {
      agree = c;
      stride = d;
    }
  }
  const share = <f64>(m < zoneEvents ? m : zoneEvents) / <f64>zoneEvents;
  const consistency = m >= 2 ? <f64>agree / <f64>(m - 1) : 0;
  const score = (share * (1 + consistency)) / 2;
  // R: events per ns of the process's own execution over the history (time stalled on
  // the network left out: over wall time a process that only faults has R T <= 1, and
  // the rate term could never act); T: the delay average
  let rate: f64 = 0;
  if (k >= 2) {
    let span = historyExecTime(0) - historyExecTime(k - 1);
    if (span < 1) span = 1;
    rate = <f64>(k - 1) / span;
  }
  const n = <i32>ampomWindow(score, rate, delay, gain, baseWindow, <f64>maxWindow);
  setCounter(C_POLICY_SCORE, score);
  setCounter(C_POLICY_WINDOW, <f64>n);
  if (n == 0) return;
  const r = regionOf(p);
  if (r < 0) return;
  const lo = <i64>regionStart(r);
  const hi = <i64>regionEnd(r);
  const scanCap = 4 * maxWindow;
  let issued = 0;
  let scanned = 0;
  if (score >= lowLocality && m >= 2) {
    // along the stride, never past the region's end
    let q = <i64>p + <i64>stride;
    while (issued < n && scanned < scanCap && q >= lo && q < hi) {
      if (knownAtHome(<u32>q)) {
        if (!request(<u32>q, issued == 0 ? F_TRIGGER : 0)) break;
        issued++;
      }
      q += <i64>stride;
      scanned++;
    }
  } else {
    // low locality: pages around p, both directions, nearest first
    let j: i64 = 1;
    while (issued < n && scanned < scanCap) {
      // 64, else 16 steps at once while neither side holds a page at home (most of
      // the scan once the neighbourhood has been fetched): same pages asked, same order
      if (scanCap - scanned >= 64 && noneAtHomeAround(<i64>p, j, lo, hi, 64)) {
        j += 64;
        scanned += 64;
        continue;
      }
      if (scanCap - scanned >= 16 && noneAtHomeAround(<i64>p, j, lo, hi, 16)) {
        j += 16;
        scanned += 16;
        continue;
      }
      const up = <i64>p + j;
      const down = <i64>p - j;
      const upIn = up < hi;
      const downIn = down >= lo;
      if (!upIn && !downIn) break;
      if (upIn && knownAtHome(<u32>up)) {
        if (!request(<u32>up, issued == 0 ? F_TRIGGER : 0)) break;
        issued++;
      }
      if (issued < n && downIn && knownAtHome(<u32>down)) {
        if (!request(<u32>down, issued == 0 ? F_TRIGGER : 0)) break;
        issued++;
      }
      j++;
      scanned++;
    }
  }
}
