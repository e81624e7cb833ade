// ampom-plus, the project's own policy: the reference twin of
// assembly/policies/ampom-plus.ts (the pull part: streams by repeating delta patterns,
// with a lookahead sized by bandwidth-delay; its push is the host's adaptive order).
import { C_POLICY_WINDOW } from "../abi.js";
import type { PolicyServices } from "../reference-core.js";
import type { ReferencePolicy } from "./index.js";

const STREAM_CAP = 64;
const DELTAS = 32;
const PERIOD_CAP = 16;
/** an event up to this many predicted positions on continues a stream */
const MATCH_AHEAD = 4;
/** events a stream must have predicted before it asks for pages a kept scan saw (as
 * assembly/policies/ampom-plus.ts SEEN_PROOF: the push sends those itself) */
const SEEN_PROOF = 2;
/** A page sequence whose deltas repeat (period 1 = a constant stride). */
interface Stream {
  /** -1 when the entry is free */
  region: number;
  /** page of the stream's newest event */
  last: number;
  /** the deltas repeat with this period, 0 when unknown */
  period: number;
  /** deltas, newest first, at most DELTAS */
  deltas: number[];
  /** last use, for replacement */
  stamp: number;
  /** its newest fault was met by the push: it asks for nothing */
  covered: boolean;
  /** demand events it predicted */
  hits: number;
}

/** The i-th delta (i >= 1) after the stream's newest event, its deltas repeating with
 * period `period` (the stream's own unless told). */
function predicted(s: Stream, i: number, period = s.period): number {
  return s.deltas[period - 1 - ((i - 1) % period)];
}

/** Records delta `d` as the stream's newest, and finds the smallest period up to
 * `maxPeriod` with which its newest deltas repeat (two whole copies needed, a step of
 * +-1 too: after a fault the push sends its neighbours itself). */
export function pushDelta(s: Stream, d: number, maxPeriod: number): void {
  s.deltas.unshift(d);
  if (s.deltas.length > DELTAS) s.deltas.pop();
  s.period = 0;
  for (let p = 1; p <= maxPeriod && 2 * p <= s.deltas.length; p++) {
    let same = true;
    for (let j = 0; j < p && same; j++) same = s.deltas[j] === s.deltas[j + p];
    if (same) {
      s.period = p;
      return;
    }
  }
}

/** As assembly/policies/ampom-plus.ts sequential(): adjacent pages so far, which the
 * push follows once it met one of the stream's faults. */
function sequential(s: Stream): boolean {
  if (s.period > 1) return false;
  const d = s.deltas.length > 0 ? s.deltas[0] : 0;
  return d >= -1 && d <= 1;
}

export class AmpomPlusPolicy implements ReferencePolicy {
  private streamCount = 16;
  private maxStride = 4096;
  private maxLookahead = 256;
  private maxPeriod = 16;
  private table: Stream[] = [];
  private stamp = 0;
  /** fastest fault service seen, ns */
  private rtt = 0;
  /** link time per page, ns (0 until learned) */
  private tx = 0;
  /** two pages asked for back to back: their arrivals give tx */
  private probe: [number, number] | null = null;
  /** when the first probe page arrived (-1: not yet) */
  private probeAt = -1;
  private asked: number[] = [];
  /** the open fault's page, until it is served or lands, and the stream it joined */
  private faultPage = -1;
  private faultStream: Stream | undefined;
  /** a confirmed stream has predicted an event before: until then no stream asks for pages */
  private patternsHold = false;

  constructor(private readonly core: PolicyServices) {}

  reset(): void {
    const c = this.core;
    this.streamCount = Math.min(STREAM_CAP, Math.max(1, Math.trunc(c.policyParam(0))));
    this.maxStride = c.policyParam(1);
    this.maxLookahead = c.policyParam(2);
    this.maxPeriod = Math.min(PERIOD_CAP, Math.trunc(c.policyParam(3)));
    this.table = Array.from({ length: STREAM_CAP }, () => ({ region: -1, last: 0, period: 0, deltas: [], stamp: 0, covered: false, hits: 0 }));
    this.stamp = 0;
    this.rtt = 0;
    this.tx = 0;
    this.probe = null;
    this.probeAt = -1;
    this.asked = [];
    this.faultPage = -1;
    this.faultStream = undefined;
    this.patternsHold = false;
  }

  /** An arrival: the link's time per page, from the two probe pages. */
  onArrival(page: number, t: number): void {
    if (page === this.faultPage) {
      // as assembly/policies/ampom-plus.ts: landed unanswered, the push brought it
      if (this.faultStream && sequential(this.faultStream)) this.faultStream.covered = true;
      this.faultPage = -1;
    }
    if (!this.probe) return;
    if (page === this.probe[0]) this.probeAt = t;
    else if (page === this.probe[1]) {
      if (this.probeAt >= 0 && t > this.probeAt) this.tx = t - this.probeAt;
      this.probe = null;
      this.probeAt = -1;
    }
  }

  onServed(ns: number): void {
    if (this.rtt === 0 || ns < this.rtt) this.rtt = ns;
    if (this.faultStream) this.faultStream.covered = false;
    this.faultPage = -1;
  }

  onFault(page: number): void {
    this.faultStream = this.onEvent(page, false);
    this.faultPage = page;
  }

  onUse(page: number): void {
    this.onEvent(page, true);
  }

  /** Positions a stream keeps requested ahead: what the link carries in a fault's
   * round trip, at the link's time per page. */
  lookahead(): number {
    if (this.rtt <= 0 || this.tx <= 0) return 2;
    return Math.min(Math.floor(this.rtt / this.tx) + 2, this.maxLookahead);
  }

  private ask(page: number): boolean {
    if (!this.core.request(page, 0)) return false;
    this.asked.push(page);
    return true;
  }

  private onEvent(p: number, pulled: boolean): Stream | undefined {
    const c = this.core;
    this.asked = [];
    const r = c.regionOf(p);
    if (r < 0) return undefined;
    const e = this.track(p, r);
    if (pulled) e.covered = false;
    if (this.patternsHold && e.period >= 1 && !e.covered) this.advance(e, p, r);
    if (this.asked.length >= 2 && !this.probe) this.probe = [this.asked[0], this.asked[1]];
    c.setCounter(C_POLICY_WINDOW, this.asked.length);
    return e;
  }

  /** The stream `p` belongs to: a confirmed stream it continues (one of the next few
   * predicted positions), else the region's most recent stream if within maxStride,
   * else a new one. */
  private track(p: number, r: number): Stream {
    const live = this.table.slice(0, this.streamCount);
    let e: Stream | undefined;
    for (const s of live) {
      if (s.region !== r || s.period === 0) continue;
      let q = s.last;
      for (let j = 1; j <= MATCH_AHEAD; j++) {
        q += predicted(s, j);
        if (q === p) {
          // continues: record the predicted deltas up to here (the pattern's phase)
          const period = s.period;
          for (let k = 1; k <= j; k++) pushDelta(s, predicted(s, 1, period), this.maxPeriod);
          e = s;
          s.hits++;
          this.patternsHold = true;
          break;
        }
      }
      if (e) break;
    }
    if (!e) {
      // else the region's most recently used stream, if near enough: interleaved and
      // permuted accesses become one stream whose deltas repeat with a longer period
      let mru: Stream | undefined;
      for (const s of live) if (s.region === r && (!mru || s.stamp > mru.stamp)) mru = s;
      if (mru) {
        const d = p - mru.last;
        if (d !== 0 && Math.abs(d) <= this.maxStride) {
          e = mru;
          pushDelta(e, d, this.maxPeriod);
        }
      }
    }
    if (!e) {
      // else the region's nearest stream within maxStride: streams far apart in one
      // region (the two halves of an FFT butterfly pass) keep their own entries
      let bestDist = this.maxStride + 1;
      for (const s of live) {
        if (s.region !== r) continue;
        const dist = Math.abs(p - s.last);
        if (dist > 0 && dist < bestDist) {
          e = s;
          bestDist = dist;
        }
      }
      if (e) pushDelta(e, p - e.last, this.maxPeriod);
    }
    if (!e) {
      // a new stream in the least recently used entry
      e = live.reduce((a, s) => (s.stamp < a.stamp ? s : a), live[0]);
      Object.assign(e, { region: r, period: 0, deltas: [], covered: false, hits: 0 });
    }
    e.last = p;
    e.stamp = ++this.stamp;
    return e;
  }

  /** Keeps the stream's next lookahead positions requested, inside its region. */
  private advance(e: Stream, p: number, r: number): void {
    const c = this.core;
    const want = this.lookahead();
    const lo = c.regionStart(r);
    const hi = c.regionEnd(r);
    const size = hi - lo;
    // until the stream has proved itself, a page the scans saw waits for the push
    const proven = e.hits >= SEEN_PROOF;
    let q = p;
    for (let i = 1; i <= want; i++) {
      q += predicted(e, i);
      // a stream goes round its region only where a scan window saw both ends of the
      // step (why: assembly/policies/ampom-plus.ts advance())
      if (q >= hi || q < lo) {
        const w = q >= hi ? q - size : q + size;
        if (w < lo || w >= hi || (c.scanBits(p) & c.scanBits(w)) === 0) return;
        q = w;
      }
      if (!proven && c.scanBits(q) !== 0) continue;
      if (c.knownAtHome(q) && !this.ask(q)) return;
    }
  }
}
