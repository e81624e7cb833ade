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

/** Leap's window: with no hits, 1 page if a trend exists, else none; otherwise hits + 1
 * rounded up to a power of two, at most the cap; either way never below half the
 * previous (Leap's code, as Linux's swap readahead, keeps a window from shrinking
 * faster than that after a prefetch with no hits too). */
export function leapWindow(hits: number, hasTrend: boolean, cap: number, prev: number): number {
  let w = hasTrend ? 1 : 0;
  if (hits > 0) {
    w = 1;
    while (w < hits + 1) w *= 2;
    w = Math.min(w, cap);
  }
  return Math.max(w, Math.trunc(prev / 2));
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
    const win = leapWindow(this.hits, d !== 0, this.maxWindow, this.prevWindow);
    this.hits = 0;
    this.prevWindow = win;
    this.core.setCounter(C_POLICY_WINDOW, win);
    if (win === 0) return;
    // along the trend, or along the last direction when there is none
    const step = d !== 0 ? d : this.deltas.length > 0 && this.deltas[0] < 0 ? -1 : 1;
    for (let i = 1; i <= win; i++) {
      const q = page + step * i;
      if (q < 0 || q >= this.core.pageCount()) break;
      this.core.request(q, 0);
    }
  }

  onUse(page: number): void {
    this.hits++;
    this.log(page);
  }

  onServed(): void {}
  onArrival(): void {}
}
