// AMPoM as DESIGN section 3 reconstructs it: the reference twin of
// assembly/policies/ampom.ts (same formulas, same order of floating-point operations).
import { F_TRIGGER, C_POLICY_SCORE, C_POLICY_WINDOW } from "../abi.js";
import type { PolicyServices } from "../reference-core.js";
import type { ReferencePolicy } from "./index.js";

/** n = clamp(round(G S R T) + base(S), 0, Nmax), round(x) = floor(x + 0.5),
 * base(S) = floor(B S). `rate` in events per ns, `delayNs` in ns. */
export function ampomWindow(score: number, rate: number, delayNs: number, g: number, b: number, nmax: number): number {
  const n = Math.floor(g * score * rate * delayNs + 0.5) + Math.floor(b * score);
  return n < 0 ? 0 : n > nmax ? nmax : n;
}

export interface Locality {
  /** S in [0, 1] */
  score: number;
  /** the stream's majority delta (0 when the zone holds p alone) */
  stride: number;
  /** events of the history within the zone, p included */
  zoneEvents: number;
}

/** The locality score of the newest event `p` over `pages` (the history, oldest first). */
export function ampomLocality(pages: ArrayLike<number>, p: number, zoneRadius: number, zoneEvents: number): Locality {
  const zone: number[] = [];
  for (let i = 0; i < pages.length; i++) {
    if (Math.abs(pages[i] - p) <= zoneRadius) zone.push(pages[i]);
  }
  const m = zone.length;
  // the most frequent delta between successive zone events; ties go to the newest
  let stride = 0;
  let agree = 0;
  for (let i = m - 1; i >= 1; i--) {
    const d = zone[i] - zone[i - 1];
    let c = 0;
    for (let j = m - 1; j >= 1; j--) if (zone[j] - zone[j - 1] === d) c++;
    if (c > agree) {
      agree = c;
      stride = d;
    }
  }
  const share = Math.min(m, zoneEvents) / zoneEvents;
  const consistency = m >= 2 ? agree / (m - 1) : 0;
  return { score: (share * (1 + consistency)) / 2, stride, zoneEvents: m };
}

export class AmpomPolicy implements ReferencePolicy {
  private zoneRadius = 16;
  private zoneEvents = 8;
  private gain = 2;
  private maxWindow = 512;
  private baseWindow = 8;
  private lowLocality = 0.5;
  private delayWeight = 8;
  /** T: moving average of the fault service time, ns */
  private delay = 0;
  private delaySeen = false;

  constructor(private readonly core: PolicyServices) {}

  reset(): void {
    const c = this.core;
    this.zoneRadius = Math.trunc(c.policyParam(0));
    this.zoneEvents = Math.trunc(c.policyParam(1));
    this.gain = c.policyParam(2);
    this.maxWindow = Math.trunc(c.policyParam(3));
    this.baseWindow = c.policyParam(4);
    this.lowLocality = c.policyParam(5);
    this.delayWeight = c.policyParam(6);
    this.delay = 0;
    this.delaySeen = false;
  }

  onArrival(): void {}

  onServed(ns: number): void {
    if (!this.delaySeen) {
      this.delay = ns;
      this.delaySeen = true;
    } else {
      this.delay = this.delay + (ns - this.delay) / this.delayWeight;
    }
  }

  onFault(page: number): void {
    this.decide(page);
  }

  onUse(page: number, _now: number, trigger: boolean): void {
    if (trigger) this.decide(page);
  }

  private decide(p: number): void {
    const c = this.core;
    const k = Math.min(c.historyEvents(), c.historyLength());
    const history: number[] = [];
    for (let j = k - 1; j >= 0; j--) history.push(c.historyPage(j));
    const { score, stride, zoneEvents: m } = ampomLocality(history, p, this.zoneRadius, this.zoneEvents);
    let rate = 0;
    // events per ns of execution, stalls left out (assembly/policies/ampom.ts says why)
    if (k >= 2) rate = (k - 1) / Math.max(1, c.historyExecTime(0) - c.historyExecTime(k - 1));
    const n = ampomWindow(score, rate, this.delay, this.gain, this.baseWindow, this.maxWindow);
    c.setCounter(C_POLICY_SCORE, score);
    c.setCounter(C_POLICY_WINDOW, n);
    if (n === 0) return;
    const r = c.regionOf(p);
    if (r < 0) return;
    const lo = c.regionStart(r);
    const hi = c.regionEnd(r);
    const atHome = (q: number) => c.knownAtHome(q);
    const scanCap = 4 * this.maxWindow;
    let issued = 0;
    const ask = (q: number): boolean => {
      if (!c.request(q, issued === 0 ? F_TRIGGER : 0)) return false;
      issued++;
      return true;
    };
    if (score >= this.lowLocality && m >= 2) {
      // along the stride, never past the region's end
      for (let q = p + stride, scanned = 0; issued < n && scanned < scanCap && q >= lo && q < hi; q += stride, scanned++) {
        if (atHome(q) && !ask(q)) return;
      }
    } else {
      // low locality: pages around p, both directions, nearest first
      for (let j = 1, scanned = 0; issued < n && scanned < scanCap; j++, scanned++) {
        const upIn = p + j < hi;
        const downIn = p - j >= lo;
        if (!upIn && !downIn) return;
        if (upIn && atHome(p + j) && !ask(p + j)) return;
        if (issued < n && downIn && atHome(p - j) && !ask(p - j)) return;
      }
    }
  }
}
