// Leap (Maruf and Chowdhury, USENIX ATC 2020; DESIGN 3b): a ring of the last page
// deltas of the demand stream (faults and first uses of prefetched pages, as Leap logs
// every swap-in); on a fault it looks for a Boyer-Moore majority delta in the newest 8
// deltas, then 16, then 32, and prefetches along it, or around the fault when there is
// no majority. The window grows with the prefetch hits since the last fault.
import { scratch } from "../arena";
import { C_POLICY_WINDOW, P_PAGES } from "../layout";
import { policyParam, param, request, setCounter } from "../pagetable";

let ringSize: i32 = 32;
let maxWindow: i32 = 8;
let logged: i32 = 0; // deltas written so far
let lastPage: i64 = -1;
let hits: i32 = 0;
let prevWindow: i32 = 0;

export function leapReset(): void {
  ringSize = <i32>policyParam(0);
  if (ringSize < 1) ringSize = 1;
  if (ringSize > 4096) ringSize = 4096;
  maxWindow = <i32>policyParam(1);
  logged = 0;
  lastPage = -1;
  hits = 0;
  prevWindow = 0;
}

/** The k-th newest delta (k = 0 newest). */
// @ts-ignore: decorator
@inline function delta(k: i32): i32 {
  return load<i32>(scratch + (<usize>((logged - 1 - k) % ringSize) << 2));
}

function logEvent(page: u32): void {
  if (lastPage >= 0) {
    store<i32>(scratch + (<usize>(logged % ringSize) << 2), <i32>(<i64>page - lastPage));
    logged++;
  }
  lastPage = <i64>page;
}

/** Boyer-Moore majority over the newest `w` deltas: the delta, or 0 when none has more
 * than half of them (deltas are never 0: a page has one demand event). */
export function leapMajorityOf(w: i32): i32 {
  let candidate: i32 = 0;
  let votes = 0;
  for (let k = 0; k < w; k++) {
    const d = delta(k);
    if (votes == 0) {
      candidate = d;
      votes = 1;
    } else if (d == candidate) votes++;
    else votes--;
  }
  let count = 0;
  for (let k = 0; k < w; k++) if (delta(k) == candidate) count++;
  return count * 2 > w ? candidate : 0;
}

/** The trend: the majority of the newest 8, else 16, else ... up to the whole ring. */
function trend(): i32 {
  const have = logged < ringSize ? logged : ringSize;
  let w = 8;
  while (true) {
    const n = w < have ? w : have;
    if (n > 0) {
      const d = leapMajorityOf(n);
      if (d != 0) return d;
    }
    if (w >= have) break;
    w <<= 1;
  }
  return 0;
}

/** Leap's window: with no hits, 1 page if the fault follows the trend, else none;
 * otherwise hits + 1 rounded up to a power of two, at most the cap; either way never
 * below half the previous (src/core/reference-policies/leap.ts says why). */
export function leapWindow(hitCount: i32, followsTrend: bool, cap: i32, prev: i32): i32 {
  let w: i32 = followsTrend ? 1 : 0;
  if (hitCount > 0) {
    w = 1;
    while (w < hitCount + 1) w <<= 1;
    if (w > cap) w = cap;
  }
  if (w < prev / 2) w = prev / 2;
  return w;
}

/** The i-th page around `page` when there is no trend, nearest first: after, before,
 * two after, two before, ... */
export function leapAround(page: i64, i: i32): i64 {
  const k = <i64>((i >> 1) + 1);
  return (i & 1) == 0 ? page + k : page - k;
}

export function leapOnFault(page: u32, now: f64): void {
  logEvent(page);
  const d = trend();
  const win = leapWindow(hits, d != 0 && delta(0) == d, maxWindow, prevWindow);
  hits = 0;
  prevWindow = win;
  setCounter(C_POLICY_WINDOW, <f64>win);
  if (win == 0) return;
  const count = <i64>param(P_PAGES);
  if (d != 0) {
    for (let i = 1; i <= win; i++) {
      const q = <i64>page + <i64>d * <i64>i;
      if (q < 0 || q >= count) break;
      request(<u32>q, 0);
    }
    return;
  }
  for (let i = 0; i < win; i++) {
    const q = leapAround(<i64>page, i);
    if (q >= 0 && q < count) request(<u32>q, 0);
  }
}

export function leapOnUse(page: u32, now: f64, trigger: bool): void {
  hits++;
  logEvent(page);
}
