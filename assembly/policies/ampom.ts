// AMPoM (Ho, Wang and Lau, IPDPS 2008) as DESIGN section 3 reconstructs it. On a
// remote fault, and on the first use of a batch's trigger page, it scores the spatial
// locality of the demand-event history around the newest event, sizes the window from
// that score, the paging rate and the network delay, and asks for the next batch along
// the detected stride. The formulas are written out in the README ("ampom"); the
// reference twin is src/core/reference-policies/ampom.ts.
import { scratch } from "../arena";
import { F_TRIGGER, ST_HOME, C_POLICY_SCORE, C_POLICY_WINDOW } from "../layout";
import {
  policyParam, historyEvents, historyLength, historyPage, historyTime, regionOf,
  regionStart, regionEnd, pageState, request, setCounter,
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

/** Scores the history around `p` (its newest event) and requests the next batch. */
function decide(p: u32): void {
  const events = historyEvents();
  const hl = historyLength();
  const k = events < hl ? events : hl;
  // p's stream: the history events within the zone, oldest first, into scratch
  const zone = scratch;
  let m = 0;
  for (let j = k - 1; j >= 0; j--) {
    const q = historyPage(j);
    const d = <i32>q - <i32>p;
    if (d >= -zoneRadius && d <= zoneRadius) {
      store<i32>(zone + (<usize>m << 2), <i32>q);
      m++;
    }
  }
  // the stride: the most frequent delta between successive stream events (ties go to
  // the newest), and how many deltas follow it
  let stride: i32 = 0;
  let agree: i32 = 0;
  for (let i = m - 1; i >= 1; i--) {
    const d = load<i32>(zone + (<usize>i << 2)) - load<i32>(zone + (<usize>(i - 1) << 2));
    let c = 0;
    for (let j = m - 1; j >= 1; j--) {
      if (load<i32>(zone + (<usize>j << 2)) - load<i32>(zone + (<usize>(j - 1) << 2)) == d) c++;
    }
    if (c > agree) {
      agree = c;
      stride = d;
    }
  }
  const share = <f64>(m < zoneEvents ? m : zoneEvents) / <f64>zoneEvents;
  const consistency = m >= 2 ? <f64>agree / <f64>(m - 1) : 0;
  const score = (share * (1 + consistency)) / 2;
  // R: events per ns over the history; T: the delay average
  let rate: f64 = 0;
  if (k >= 2) {
    let span = historyTime(0) - historyTime(k - 1);
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
      if (pageState(<u32>q) == ST_HOME) {
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
      const up = <i64>p + j;
      const down = <i64>p - j;
      const upIn = up < hi;
      const downIn = down >= lo;
      if (!upIn && !downIn) break;
      if (upIn && pageState(<u32>up) == ST_HOME) {
        if (!request(<u32>up, issued == 0 ? F_TRIGGER : 0)) break;
        issued++;
      }
      if (issued < n && downIn && pageState(<u32>down) == ST_HOME) {
        if (!request(<u32>down, issued == 0 ? F_TRIGGER : 0)) break;
        issued++;
      }
      j++;
      scanned++;
    }
  }
}
