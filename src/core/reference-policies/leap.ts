// Leap (Maruf and Chowdhury, ATC 2020): the reference twin of assembly/policies/leap.ts.
import { C_POLICY_WINDOW } from "../abi.js";
import type { PolicyServices } from "../reference-core.js";
import type { ReferencePolicy } from "./index.js";

/** Boyer-Moore majority of `deltas`: the delta held by more than half, or 0 if none. */
export function boyerMooreMajority(deltas: readonly number[]): number {
  let candidate = 0;
  let votes = 0;
  for (const d of deltas) {
    if (votes === 0) {
      candidate = d;
      votes = 1;
    } else if (d === candidate) votes++;
    else votes--;
  }
  const count = deltas.filter((d) => d === candidate).length;
  return count * 2 > deltas.length ? candidate : 0;
}

/** Leap's trend over `newestFirst` deltas: the majority of the newest 8, else 16, else
 * 32 (doubling up to all of them); 0 when there is none. */
export function leapTrend(newestFirst: readonly number[]): number {
  const have = newestFirst.length;
  for (let w = 8; ; w *= 2) {
    const n = Math.min(w, have);
    if (n > 0) {
      const d = boyerMooreMajority(newestFirst.slice(0, n));
      if (d !== 0) return d;
    }
    if (w >= have) return 0;
  }
}

/** Leap's window: with no hits, 1 page if the fault follows the trend (its own delta is
 * the majority one), else none: the paper's rule, which keeps a prefetch that has stopped
 * paying from going on along a trend the fault has left; otherwise hits + 1 rounded up
 * to a power of two, at most the cap; either way never below half the previous (Leap's
 * code, as Linux's swap readahead, keeps a window from shrinking faster than that after
 * a prefetch with no hits too). */
export function leapWindow(hits: number, followsTrend: boolean, cap: number, prev: number): number {
  let w = followsTrend ? 1 : 0;
  if (hits > 0) {
    w = 1;
    while (w < hits + 1) w *= 2;
    w = Math.min(w, cap);
  }
  return Math.max(w, Math.trunc(prev / 2));
}

/** The i-th page around `page` when there is no trend, nearest first: after, before,
 * two after, two before, ... (the paper reads the window around the fault; Leap's code
 * falls back to Linux's aligned block, which also holds pages on both sides). */
export function leapAround(page: number, i: number): number {
  const k = (i >> 1) + 1;
  return (i & 1) === 0 ? page + k : page - k;
}

export class LeapPolicy implements ReferencePolicy {
  private ringSize = 32;
  private maxWindow = 8;
  /** deltas of the demand stream, newest first, at most ringSize */
  private deltas: number[] = [];
  private lastPage = -1;
  private hits = 0;
  private prevWindow = 0;

  constructor(private readonly core: PolicyServices) {}

  reset(): void {
    this.ringSize = Math.min(4096, Math.max(1, Math.trunc(this.core.policyParam(0))));
    this.maxWindow = Math.trunc(this.core.policyParam(1));
    this.deltas = [];
    this.lastPage = -1;
    this.hits = 0;
    this.prevWindow = 0;
  }

  private log(page: number): void {
    if (this.lastPage >= 0) {
      this.deltas.unshift(page - this.lastPage);
      if (this.deltas.length > this.ringSize) this.deltas.pop();
    }
    this.lastPage = page;
  }

  onFault(page: number): void {
    this.log(page);
    const d = leapTrend(this.deltas);
    const win = leapWindow(this.hits, d !== 0 && this.deltas[0] === d, this.maxWindow, this.prevWindow);
    this.hits = 0;
    this.prevWindow = win;
    this.core.setCounter(C_POLICY_WINDOW, win);
    if (win === 0) return;
    const count = this.core.pageCount();
    if (d !== 0) {
      for (let i = 1; i <= win; i++) {
        const q = page + d * i;
        if (q < 0 || q >= count) break;
        this.core.request(q, 0);
      }
      return;
    }
    for (let i = 0; i < win; i++) {
      const q = leapAround(page, i);
      if (q >= 0 && q < count) this.core.request(q, 0);
    }
  }

  onUse(page: number): void {
    this.hits++;
    this.log(page);
  }

  onServed(): void {}
  onArrival(): void {}
}
