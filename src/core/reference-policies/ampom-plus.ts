// ampom-plus, the project's own policy: the reference twin of
// assembly/policies/ampom-plus.ts (streams by repeating delta patterns, lookahead sized
// by bandwidth-delay, a fill that keeps the link busy; see the README).
import { C_POLICY_WINDOW, F_PREFETCHED, MRU_CAP, REGION_CAP, ST_HOME, ST_MASK } from "../abi.js";
import type { PolicyServices } from "../reference-core.js";
import type { ReferencePolicy } from "./index.js";

const STREAM_CAP = 64;
const DELTAS = 32;
const PERIOD_CAP = 16;
/** an event up to this many predicted positions on continues a stream */
const MATCH_AHEAD = 4;
/** how far from the first event the warm-up looks for pages the last scan saw used */
const RECENT_REACH = 4096;

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
}

/** The i-th delta (i >= 1) after the stream's newest event, its deltas repeating with
 * period `period` (the stream's own unless told). */
function predicted(s: Stream, i: number, period = s.period): number {
  return s.deltas[period - 1 - ((i - 1) % period)];
}

/** Records delta `d` as the stream's newest, and finds the smallest period up to
 * `maxPeriod` with which its newest deltas repeat (two whole copies needed; a first
 * delta of +-1 counts). */
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
  // two adjacent pages in a row: take it for a sequential stream at once
  if (s.deltas.length === 1 && Math.abs(d) === 1) s.period = 1;
}

export class AmpomPlusPolicy implements ReferencePolicy {
  private streamCount = 16;
  private maxStride = 4096;
  private maxLookahead = 256;
  private fillAfter = 16;
  private smallRegion = 64;
  private fillRoundTrips = 16;
  private maxPeriod = 16;
  private table: Stream[] = [];
  // per region: demand events since migration, the span of their pages (what the fill
  // covers), whether the fill runs, and its two cursors (up from where it started to
  // the span's top, then down to its bottom)
  private readonly events = new Float64Array(REGION_CAP);
  private readonly minPage = new Float64Array(REGION_CAP);
  private readonly maxPage = new Float64Array(REGION_CAP);
  private readonly fillOn = new Uint8Array(REGION_CAP);
  private readonly up = new Float64Array(REGION_CAP);
  private readonly down = new Float64Array(REGION_CAP);
  private fillNext = 0;
  /** the last fill found a region with pages left to fill */
  private filling = false;
  /** moving share of remote faults among demand events */
  private faultShare = 1;
  /** the first demand event after migration has been seen */
  private started = false;
  private stamp = 0;
  /** fastest fault service seen, ns */
  private rtt = 0;
  /** link time per page, ns (0 until learned) */
  private tx = 0;
  /** two pages asked for back to back: their arrivals give tx */
  private probe: [number, number] | null = null;
  /** when the first probe page arrived (-1: not yet) */
  private probeAt = -1;
  /** pages asked for that have not arrived yet */
  private outstanding = 0;
  private asked: number[] = [];

  constructor(private readonly core: PolicyServices) {}

  reset(): void {
    const c = this.core;
    this.streamCount = Math.min(STREAM_CAP, Math.max(1, Math.trunc(c.policyParam(0))));
    this.maxStride = c.policyParam(1);
    this.maxLookahead = c.policyParam(2);
    this.fillAfter = c.policyParam(3);
    this.smallRegion = c.policyParam(4);
    this.fillRoundTrips = c.policyParam(5);
    this.maxPeriod = Math.min(PERIOD_CAP, Math.trunc(c.policyParam(6)));
    this.table = Array.from({ length: STREAM_CAP }, () => ({ region: -1, last: 0, period: 0, deltas: [], stamp: 0 }));
    for (const a of [this.events, this.minPage, this.maxPage, this.fillOn, this.up, this.down]) a.fill(0);
    this.fillNext = 0;
    this.filling = false;
    this.faultShare = 1;
    this.started = false;
    this.stamp = 0;
    this.rtt = 0;
    this.tx = 0;
    this.probe = null;
    this.probeAt = -1;
    this.outstanding = 0;
    this.asked = [];
  }

  /** An arrival: the link's time per page from the two probe pages, and the backlog. */
  onArrival(page: number, t: number): void {
    if (this.core.states[page] & F_PREFETCHED) this.outstanding -= 1;
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
  }

  onFault(page: number, now: number): void {
    this.onEvent(page, now, true);
  }

  onUse(page: number, now: number): void {
    this.onEvent(page, now, false);
  }

  /** Positions a stream keeps requested ahead: what the link carries in a round trip,
   * plus the fill's backlog while a fill runs, at the link's time per page. */
  lookahead(): number {
    if (this.rtt <= 0 || this.tx <= 0) return 2;
    const trips = this.filling ? this.fillRoundTrips + 1 : 1;
    return Math.min(Math.floor((trips * this.rtt) / this.tx) + 2, this.maxLookahead);
  }

  private ask(page: number): boolean {
    if (!this.core.request(page, 0)) return false;
    this.asked.push(page);
    this.outstanding += 1;
    return true;
  }

  private onEvent(p: number, now: number, isFault: boolean): void {
    const c = this.core;
    // the link's backlog: the pages asked for that have not arrived, at the link's pace
    const backlog = this.outstanding * this.tx;
    this.asked = [];
    const r = c.regionOf(p);
    if (r < 0) return;
    if (!this.started) {
      // the first event: pages the last accessed-bit scan before migration saw in use
      // are the likeliest next ones; the nearest few to this one
      this.started = true;
      this.askRecentlyUsed(p, r);
    }
    const e = this.track(p, r);
    const explained = e.period >= 1;
    if (explained) this.advance(e, p, r);
    // the region's demand events: how many, and the lowest page (where its fill starts)
    const u = this.events[r];
    if (u === 0) {
      this.minPage[r] = this.maxPage[r] = p;
      if (isFault && !explained) this.fetchSmallRegion(r);
    }
    this.minPage[r] = Math.min(this.minPage[r], p);
    this.maxPage[r] = Math.max(this.maxPage[r], p);
    this.events[r] = u + 1;
    if (!this.fillOn[r] && u + 1 >= this.fillAfter) {
      this.fillOn[r] = 1;
      this.up[r] = this.minPage[r];
      this.down[r] = this.minPage[r] - 1;
    }
    // keep the link busy: top its backlog up to F round trips with pages still at home of
    // the regions in use, in ascending order from their lowest event, region by region
    // the backlog deepens as prefetched pages replace faults: a fill that does not pay
    // for itself keeps about one round trip queued, so faults wait little behind it
    this.faultShare += ((isFault ? 1 : 0) - this.faultShare) / 16;
    const calm = 1 - this.faultShare;
    const trips = 1 + (this.fillRoundTrips - 1) * calm * calm;
    const n = (this.tx > 0 && this.rtt > 0 ? Math.floor((trips * this.rtt - backlog) / this.tx) : 4) - this.asked.length;
    if (n > 0) this.fill(r, n);
    if (this.asked.length >= 2 && !this.probe) this.probe = [this.asked[0], this.asked[1]];
    c.setCounter(C_POLICY_WINDOW, this.asked.length);
  }

  /** Asks for up to MRU_CAP pages at home in `p`'s region that the newest scan before
   * migration saw referenced, nearest to `p` first (looking at most RECENT_REACH away). */
  private askRecentlyUsed(p: number, r: number): void {
    const c = this.core;
    const lo = c.regionStart(r);
    const hi = c.regionEnd(r);
    const wanted = (q: number) => (c.states[q] & ST_MASK) === ST_HOME && (c.scanBits(q) & 1) !== 0;
    let got = 0;
    for (let j = 1; j <= RECENT_REACH && got < MRU_CAP; j++) {
      const up = p + j;
      const down = p - j;
      if (up >= hi && down < lo) break;
      if (up < hi && wanted(up)) {
        if (!this.ask(up)) return;
        got++;
      }
      if (got < MRU_CAP && down >= lo && wanted(down)) {
        if (!this.ask(down)) return;
        got++;
      }
    }
  }

  /** The first unexplained fault in a small region (code, stack, small data): ask for
   * all of its pages still at home when there are at most `smallRegion` of them. */
  private fetchSmallRegion(r: number): void {
    const c = this.core;
    const lo = c.regionStart(r);
    const hi = c.regionEnd(r);
    if (hi - lo > this.smallRegion * 16) return;
    const home: number[] = [];
    for (let q = lo; q < hi; q++) if ((c.states[q] & ST_MASK) === ST_HOME) home.push(q);
    if (home.length > this.smallRegion) return;
    for (const q of home) if (!this.ask(q)) return;
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
      Object.assign(e, { region: r, period: 0, deltas: [] });
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
    let q = p;
    for (let i = 1; i <= want; i++) {
      q += predicted(e, i);
      // a stream that runs off its region goes on from the other end, as repeated
      // sweeps over an array do
      if (q >= hi) q -= hi - lo;
      else if (q < lo) q += hi - lo;
      if (q < lo || q >= hi) return;
      if ((c.states[q] & ST_MASK) === ST_HOME && !this.ask(q)) return;
    }
  }

  private fillLeft(r: number): boolean {
    return this.fillOn[r] === 1 && (this.up[r] <= this.maxPage[r] || this.down[r] >= this.minPage[r]);
  }

  /** Asks for `n` pages from the fill of region `r` if it has pages left to fill, else of
   * the next such region after the one filled last. */
  private fill(r: number, n: number): void {
    let target = -1;
    if (this.fillLeft(r)) target = r;
    else {
      const count = Math.min(this.core.regionCount(), REGION_CAP);
      for (let k = 0; k < count && target < 0; k++) {
        const q = (this.fillNext + k) % count;
        if (this.fillLeft(q)) target = q;
      }
    }
    this.filling = target >= 0;
    if (target < 0) return;
    this.fillNext = target + 1;
    this.sweep(target, n);
  }

  /** Asks for `n` more pages still at home inside the span of the region's events: up
   * from where the fill started, then down. */
  private sweep(r: number, n: number): void {
    const atHome = (q: number) => (this.core.states[q] & ST_MASK) === ST_HOME;
    let got = 0;
    for (; got < n && this.up[r] <= this.maxPage[r]; this.up[r]++) {
      if (atHome(this.up[r])) {
        if (!this.ask(this.up[r])) return;
        got++;
      }
    }
    for (; got < n && this.down[r] >= this.minPage[r]; this.down[r]--) {
      if (atHome(this.down[r])) {
        if (!this.ask(this.down[r])) return;
        got++;
      }
    }
  }
}
