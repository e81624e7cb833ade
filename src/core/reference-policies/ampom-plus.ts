// ampom-plus, the project's own policy: the reference twin of
// assembly/policies/ampom-plus.ts (stream table with strides, bandwidth-delay
// lookahead, bulk sweep of dense random regions; see the README).
import { C_POLICY_WINDOW, F_MARK, REGION_CAP, ST_HOME, ST_MASK } from "../abi.js";
import type { PolicyServices } from "../reference-core.js";
import type { ReferencePolicy } from "./index.js";

const STREAM_CAP = 64;

interface Stream {
  /** -1 when the entry is free */
  region: number;
  /** page of the stream's newest event */
  last: number;
  /** signed stride in pages, 0 when unknown */
  stride: number;
  /** times the stride was confirmed */
  conf: number;
  /** furthest position requested along the stride */
  frontier: number;
  /** moving average of the time between its events, ns */
  gap: number;
  time: number;
  /** last use, for replacement */
  stamp: number;
}

const BULK_OFF = 0;
const BULK_SWEEPING = 1;
const BULK_DONE = 2;

export class AmpomPlusPolicy implements ReferencePolicy {
  private streamCount = 16;
  private maxStride = 4096;
  private maxLookahead = 256;
  private bulkAfter = 16;
  private table: Stream[] = [];
  // per region: faults no confirmed stream explained, their page range, the bulk sweep
  private readonly unexplained = new Float64Array(REGION_CAP);
  private readonly minPage = new Float64Array(REGION_CAP);
  private readonly maxPage = new Float64Array(REGION_CAP);
  private readonly bulk = new Float64Array(REGION_CAP);
  private readonly cursor = new Float64Array(REGION_CAP);
  private stamp = 0;
  /** fastest fault service seen, ns */
  private rtt = 0;
  /** link time per page, ns (0 until learned) */
  private tx = 0;
  private probe: [number, number] | null = null;
  private asked: number[] = [];

  constructor(private readonly core: PolicyServices) {}

  reset(): void {
    const c = this.core;
    this.streamCount = Math.min(STREAM_CAP, Math.max(1, Math.trunc(c.policyParam(0))));
    this.maxStride = c.policyParam(1);
    this.maxLookahead = c.policyParam(2);
    this.bulkAfter = c.policyParam(3);
    this.table = Array.from({ length: STREAM_CAP }, () => ({
      region: -1, last: 0, stride: 0, conf: 0, frontier: 0, gap: 0, time: 0, stamp: 0,
    }));
    for (const a of [this.unexplained, this.minPage, this.maxPage, this.bulk, this.cursor]) a.fill(0);
    this.stamp = 0;
    this.rtt = 0;
    this.tx = 0;
    this.probe = null;
    this.asked = [];
  }

  onServed(ns: number): void {
    if (this.rtt === 0 || ns < this.rtt) this.rtt = ns;
  }

  onFault(page: number, now: number): void {
    this.onEvent(page, now, true);
  }

  onUse(page: number, now: number): void {
    this.onEvent(page, now, false);
  }

  /** Positions a stream with `gap` ns between events keeps requested ahead. */
  lookahead(gap: number): number {
    const g = Math.max(gap, this.tx);
    if (this.rtt <= 0 || g <= 0) return 2;
    return Math.min(Math.floor(this.rtt / g) + 2, this.maxLookahead);
  }

  private ask(page: number, flags: number): boolean {
    if (!this.core.request(page, flags)) return false;
    this.asked.push(page);
    return true;
  }

  private onEvent(p: number, now: number, isFault: boolean): void {
    const c = this.core;
    // the link's time per page, from two pages the home node sent back to back
    if (this.probe) {
      const a = c.arrival(this.probe[0]);
      const b = c.arrival(this.probe[1]);
      if (a !== Infinity && b !== Infinity && b > a) this.tx = b - a;
      this.probe = null;
    }
    this.asked = [];
    const r = c.regionOf(p);
    if (r < 0) return;
    let fromBulk = false;
    if (!isFault && c.states[p] & F_MARK) {
      c.states[p] &= ~F_MARK;
      fromBulk = true;
    }
    const e = this.track(p, r, now);
    let explained = false;
    if (e.conf >= 1) {
      this.advance(e, p, r);
      explained = true;
    }
    if (isFault && !explained) {
      const u = this.unexplained[r];
      if (u === 0 || p < this.minPage[r]) this.minPage[r] = p;
      if (u === 0 || p > this.maxPage[r]) this.maxPage[r] = p;
      this.unexplained[r] = u + 1;
      const size = c.regionEnd(r) - c.regionStart(r);
      if (this.bulk[r] === BULK_OFF && u + 1 >= this.bulkAfter && (this.maxPage[r] - this.minPage[r]) * 2 >= size) {
        this.bulk[r] = BULK_SWEEPING;
        this.cursor[r] = c.regionStart(r);
      }
    }
    if (this.bulk[r] === BULK_SWEEPING) {
      if (isFault) this.sweep(r, this.tx > 0 && this.rtt > 0 ? Math.floor(this.rtt / this.tx) + 2 : 4);
      else if (fromBulk) this.sweep(r, 1);
    }
    if (this.asked.length >= 2 && !this.probe) this.probe = [this.asked[0], this.asked[1]];
    c.setCounter(C_POLICY_WINDOW, this.asked.length);
  }

  /** The stream `p` belongs to: its continuation, else the nearest unconfirmed stream of
   * the region within maxStride (which takes the new stride), else a new one. */
  private track(p: number, r: number, now: number): Stream {
    const live = this.table.slice(0, this.streamCount);
    // a continuation: exactly one stride on, or a few whole strides on
    let e = live.find((s) => s.region === r && s.stride !== 0 && p === s.last + s.stride);
    if (e) e.conf += 1;
    e ??= live.find((s) => {
      if (s.region !== r || s.stride === 0 || s.conf < 1) return false;
      const k = (p - s.last) / s.stride;
      return k >= 2 && k <= 4 && k === Math.floor(k);
    });
    if (!e) {
      let best: Stream | undefined;
      let bestDist = this.maxStride + 1;
      for (const s of live) {
        if (s.region !== r || s.conf >= 1) continue;
        const dist = Math.abs(p - s.last);
        if (dist > 0 && dist < bestDist) {
          best = s;
          bestDist = dist;
        }
      }
      if (best) {
        e = best;
        e.stride = p - e.last;
        e.conf = 0;
        e.frontier = p;
      }
    }
    if (!e) {
      // a new stream in the least recently used entry
      e = live.reduce((a, s) => (s.stamp < a.stamp ? s : a), live[0]);
      Object.assign(e, { region: r, stride: 0, conf: 0, frontier: p, gap: 0, time: now });
    } else {
      const dt = now - e.time;
      e.gap = e.gap === 0 ? dt : e.gap + (dt - e.gap) / 4;
      e.time = now;
    }
    e.last = p;
    e.stamp = ++this.stamp;
    return e;
  }

  /** Keeps the stream's lookahead requested, along its stride, inside its region. */
  private advance(e: Stream, p: number, r: number): void {
    const c = this.core;
    let f = e.frontier;
    let ahead = Math.floor((f - p) / e.stride);
    if (ahead < 0) {
      f = p;
      ahead = 0;
    }
    const want = this.lookahead(e.gap);
    const lo = c.regionStart(r);
    const hi = c.regionEnd(r);
    while (ahead < want) {
      const q = f + e.stride;
      if (q < lo || q >= hi) break;
      if ((c.states[q] & ST_MASK) === ST_HOME && !this.ask(q, 0)) break;
      f = q;
      ahead += 1;
    }
    e.frontier = f;
  }

  /** Asks for `n` more of the region's pages still at home, in ascending order. */
  private sweep(r: number, n: number): void {
    const c = this.core;
    let at = this.cursor[r];
    const end = c.regionEnd(r);
    let got = 0;
    while (got < n && at < end) {
      if ((c.states[at] & ST_MASK) === ST_HOME) {
        if (!this.ask(at, F_MARK)) break;
        got += 1;
      }
      at++;
    }
    this.cursor[r] = at;
    if (at >= end) this.bulk[r] = BULK_DONE;
  }
}
