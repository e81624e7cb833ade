// ampom-plus, the project's own policy (README, "ampom-plus"). Three parts:
//  - streams by delta patterns: each region's demand events (faults and first uses of
//    prefetched pages) join the region's most recent stream when within maxStride
//    pages; a stream whose newest deltas repeat with a period of 1 to 16 (two whole
//    copies) is confirmed, and predicts its next pages by replaying the pattern. A
//    constant stride is period 1; matrix blocks (runs then a column jump), row-swap
//    permutations repeated per column, and interleaved arrays in one region are
//    longer periods;
//  - a lookahead sized by bandwidth-delay: a confirmed stream keeps the next
//    floor((F + 1) rtt / tx) + 2 predicted positions requested, where rtt is the
//    fastest fault service seen, tx the link's time per page (learned when two pages
//    asked back to back have arrived) and F = fillRoundTrips;
//  - a fill that keeps the link busy: once a region has had fillAfter demand events,
//    each event tops the link's backlog up to F round trips with pages still at home,
//    in ascending order from the lowest page the process used in the region after
//    migration, region after region. Pages that will be needed cross the link while
//    the process computes, as the oracle's do. A region of at most smallRegion pages
//    at home (code, stack, small data) is fetched whole at its first unexplained fault.
// The reference twin is src/core/reference-policies/ampom-plus.ts.
import { scratch } from "../arena";
import { ST_HOME, C_POLICY_WINDOW, F_PREFETCHED, MRU_CAP } from "../layout";
import {
  policyParam, regionOf, regionStart, regionEnd, regionCount, pageState, pageFlags,
  request, setCounter, scanBits,
} from "../pagetable";

// stream table fields (f64 each); a stream is a page sequence whose deltas repeat
const S_REGION = 0; // region, -1 when the entry is free
const S_LAST = 1; // page of the stream's newest event
const S_PERIOD = 2; // the deltas repeat with this period (1 = a constant stride), 0 unknown
const S_COUNT = 3; // deltas recorded, at most DELTAS
const S_STAMP = 4; // last use, for replacement
const S_DELTAS = 8; // DELTAS deltas, newest first
const DELTAS = 32;
const PERIOD_CAP = 16;
const S_FIELDS = S_DELTAS + DELTAS;
const STREAM_CAP = 64;
const MATCH_AHEAD = 4; // an event up to this many predicted positions on continues the stream
// region table fields (f64 each), after the stream table
const R_EVENTS = 0; // demand events in the region since migration
const R_MIN = 1; // lowest and highest page of those events: the span the fill covers
const R_MAX = 2;
const R_FILL = 3; // 1 once the region has had fillAfter events
const R_UP = 4; // the fill goes up from where it started to R_MAX ...
const R_DOWN = 5; // ... then down to R_MIN
const R_FIELDS = 6;
const REGIONS_AT: usize = STREAM_CAP * S_FIELDS * 8;
const REGION_SLOTS = 1024;

let streams: i32 = 16;
let maxStride: f64 = 4096;
let maxLookahead: f64 = 256;
let fillAfter: f64 = 16;
let smallRegion: f64 = 64;
let fillRoundTrips: f64 = 16;
let maxPeriod: i32 = 16;
let stamp: f64 = 0;
let rtt: f64 = 0; // fastest fault service seen, ns
let tx: f64 = 0; // link time per page, ns (0 until learned)
let probeA: i64 = -1; // two pages asked for back to back: their arrivals give tx
let probeB: i64 = -1;
let probeAt: f64 = -1; // when probeA arrived (-1: not yet)
let outstanding: f64 = 0; // pages asked for that have not arrived yet
let firstAsked: i64 = -1; // first two pages of the current decision
let secondAsked: i64 = -1;
let asked: i32 = 0;
let started: bool = false; // the first demand event after migration has been seen
let fillNext: i32 = 0;
let filling: bool = false; // the last fill found a region with pages left to fill
let faultShare: f64 = 1; // moving share of remote faults among demand events // where the round of sweeping regions goes on

// @ts-ignore: decorator
@inline function sget(i: i32, f: i32): f64 {
  return load<f64>(scratch + ((<usize>(i * S_FIELDS + f)) << 3));
}
// @ts-ignore: decorator
@inline function sset(i: i32, f: i32, v: f64): void {
  store<f64>(scratch + ((<usize>(i * S_FIELDS + f)) << 3), v);
}
// @ts-ignore: decorator
@inline function rget(r: i32, f: i32): f64 {
  return load<f64>(scratch + REGIONS_AT + ((<usize>(r * R_FIELDS + f)) << 3));
}
// @ts-ignore: decorator
@inline function rset(r: i32, f: i32, v: f64): void {
  store<f64>(scratch + REGIONS_AT + ((<usize>(r * R_FIELDS + f)) << 3), v);
}

export function ampomPlusReset(): void {
  streams = <i32>policyParam(0);
  if (streams < 1) streams = 1;
  if (streams > STREAM_CAP) streams = STREAM_CAP;
  maxStride = policyParam(1);
  maxLookahead = policyParam(2);
  fillAfter = policyParam(3);
  smallRegion = policyParam(4);
  fillRoundTrips = policyParam(5);
  maxPeriod = <i32>policyParam(6);
  if (maxPeriod > PERIOD_CAP) maxPeriod = PERIOD_CAP;
  memory.fill(scratch, 0, REGIONS_AT + <usize>(REGION_SLOTS * R_FIELDS * 8));
  for (let i = 0; i < STREAM_CAP; i++) sset(i, S_REGION, -1);
  stamp = 0;
  rtt = 0;
  tx = 0;
  probeA = probeB = firstAsked = secondAsked = -1;
  probeAt = -1;
  outstanding = 0;
  asked = 0;
  fillNext = 0;
  filling = false;
  faultShare = 1;
  started = false;
}

export function ampomPlusOnServed(ns: f64): void {
  if (rtt == 0 || ns < rtt) rtt = ns;
}

/** An arrival: the link's time per page from the two probe pages, and the backlog. */
export function ampomPlusOnArrival(page: u32, t: f64): void {
  if (pageFlags(page) & F_PREFETCHED) outstanding -= 1;
  if (<i64>page == probeA) probeAt = t;
  else if (<i64>page == probeB) {
    if (probeAt >= 0 && t > probeAt) tx = t - probeAt;
    probeA = probeB = -1;
    probeAt = -1;
  }
}

export function ampomPlusOnFault(page: u32, now: f64): void {
  onEvent(page, now, true);
}

export function ampomPlusOnUse(page: u32, now: f64, trigger: bool): void {
  onEvent(page, now, false);
}

/** Positions a stream keeps requested ahead: what the link carries in a round trip,
 * plus the fill's backlog while a fill runs, at the link's time per page. */
function lookahead(): f64 {
  if (rtt <= 0 || tx <= 0) return 2;
  const l = Math.floor(((filling ? fillRoundTrips + 1 : 1) * rtt) / tx) + 2;
  return l > maxLookahead ? maxLookahead : l;
}

function ask(page: u32, flags: u8): bool {
  if (!request(page, flags)) return false;
  if (asked == 0) firstAsked = <i64>page;
  else if (asked == 1) secondAsked = <i64>page;
  asked++;
  outstanding += 1;
  return true;
}

// @ts-ignore: decorator
@inline function delta(e: i32, k: i32): f64 {
  return sget(e, S_DELTAS + k);
}

/** The i-th delta (i >= 1) after the newest event of a stream with period `period`. */
// @ts-ignore: decorator
@inline function predicted(e: i32, period: i32, i: i32): f64 {
  return delta(e, period - 1 - ((i - 1) % period));
}

/** Records delta `d` as the stream's newest, and finds the smallest period with which
 * its newest deltas repeat (two whole copies needed; a first delta of +-1 counts). */
function pushDelta(e: i32, d: f64): void {
  for (let k = DELTAS - 1; k > 0; k--) sset(e, S_DELTAS + k, delta(e, k - 1));
  sset(e, S_DELTAS, d);
  let n = <i32>sget(e, S_COUNT) + 1;
  if (n > DELTAS) n = DELTAS;
  sset(e, S_COUNT, <f64>n);
  let period = 0;
  for (let p = 1; p <= maxPeriod && 2 * p <= n && period == 0; p++) {
    let same = true;
    for (let j = 0; j < p && same; j++) same = delta(e, j) == delta(e, j + p);
    if (same) period = p;
  }
  // two adjacent pages in a row: take it for a sequential stream at once
  if (period == 0 && n == 1 && (d == 1 || d == -1)) period = 1;
  sset(e, S_PERIOD, <f64>period);
}

function onEvent(p: u32, now: f64, isFault: bool): void {
  // the link's backlog: the pages asked for that have not arrived, at the link's pace
  const backlog = outstanding * tx;
  asked = 0;
  firstAsked = secondAsked = -1;
  const r = regionOf(p);
  if (r < 0) return;
  if (!started) {
    // the first event: pages the last accessed-bit scan before migration saw in use
    // are the likeliest next ones; the nearest few to this one
    started = true;
    askRecentlyUsed(p, r);
  }
  const e = track(p, r);
  const explained = sget(e, S_PERIOD) >= 1;
  if (explained) advance(e, p, r);
  // the region's demand events: how many, and the lowest page (where its fill starts)
  const u = rget(r, R_EVENTS);
  const fp = <f64>p;
  if (u == 0) {
    rset(r, R_MIN, fp);
    rset(r, R_MAX, fp);
    if (isFault && !explained) fetchSmallRegion(r);
  }
  if (fp < rget(r, R_MIN)) rset(r, R_MIN, fp);
  if (fp > rget(r, R_MAX)) rset(r, R_MAX, fp);
  rset(r, R_EVENTS, u + 1);
  if (rget(r, R_FILL) == 0 && u + 1 >= fillAfter) {
    rset(r, R_FILL, 1);
    rset(r, R_UP, rget(r, R_MIN));
    rset(r, R_DOWN, rget(r, R_MIN) - 1);
  }
  // keep the link busy: top its backlog up to F round trips with pages still at home of
  // the regions in use, in ascending order from their lowest event, region by region
  // the backlog deepens as prefetched pages replace faults: a fill that does not pay
  // for itself keeps about one round trip queued, so faults wait little behind it
  faultShare += ((isFault ? 1 : 0) - faultShare) / 16;
  const calm = 1 - faultShare;
  const trips = 1 + (fillRoundTrips - 1) * calm * calm;
  const n = (tx > 0 && rtt > 0 ? Math.floor((trips * rtt - backlog) / tx) : 4) - <f64>asked;
  if (n > 0) fill(r, n);
  if (asked >= 2 && probeA < 0) {
    probeA = firstAsked;
    probeB = secondAsked;
  }
  setCounter(C_POLICY_WINDOW, <f64>asked);
}

/** Asks for up to MRU_CAP pages at home in `p`'s region that the newest scan before
 * migration saw referenced, nearest to `p` first (looking at most RECENT_REACH away). */
const RECENT_REACH: i64 = 4096;
function askRecentlyUsed(p: u32, r: i32): void {
  const lo = <i64>regionStart(r);
  const hi = <i64>regionEnd(r);
  let got = 0;
  for (let j: i64 = 1; j <= RECENT_REACH && got < MRU_CAP; j++) {
    const up = <i64>p + j;
    const down = <i64>p - j;
    if (up >= hi && down < lo) break;
    if (up < hi && pageState(<u32>up) == ST_HOME && (scanBits(<u32>up) & 1)) {
      if (!ask(<u32>up, 0)) return;
      got++;
    }
    if (got < MRU_CAP && down >= lo && pageState(<u32>down) == ST_HOME && (scanBits(<u32>down) & 1)) {
      if (!ask(<u32>down, 0)) return;
      got++;
    }
  }
}

/** The first unexplained fault in a small region (code, stack, small data): ask for
 * all of its pages still at home when there are at most `smallRegion` of them. */
function fetchSmallRegion(r: i32): void {
  const lo = regionStart(r);
  const hi = regionEnd(r);
  if (<f64>(hi - lo) > smallRegion * 16) return;
  let home: f64 = 0;
  for (let q = lo; q < hi; q++) if (pageState(q) == ST_HOME) home += 1;
  if (home > smallRegion) return;
  for (let q = lo; q < hi; q++) {
    if (pageState(q) == ST_HOME && !ask(q, 0)) return;
  }
}

/** The stream `p` belongs to: a confirmed stream it continues (one of the next few
 * predicted positions), else the region's most recent stream if within maxStride,
 * else a new one. */
function track(p: u32, r: i32): i32 {
  const fp = <f64>p;
  const fr = <f64>r;
  let e = -1;
  for (let i = 0; i < streams && e < 0; i++) {
    if (sget(i, S_REGION) != fr) continue;
    const period = <i32>sget(i, S_PERIOD);
    if (period == 0) continue;
    let q = sget(i, S_LAST);
    for (let j = 1; j <= MATCH_AHEAD; j++) {
      q += predicted(i, period, j);
      if (q == fp) {
        // continues: record the predicted deltas up to here (the pattern's phase)
        for (let k = 1; k <= j; k++) pushDelta(i, predicted(i, period, 1));
        e = i;
        break;
      }
    }
  }
  if (e < 0) {
    // else the region's most recently used stream, if near enough: interleaved and
    // permuted accesses become one stream whose deltas repeat with a longer period
    let mru = -1;
    for (let i = 0; i < streams; i++) {
      if (sget(i, S_REGION) == fr && (mru < 0 || sget(i, S_STAMP) > sget(mru, S_STAMP))) mru = i;
    }
    if (mru >= 0) {
      const d = fp - sget(mru, S_LAST);
      if (d != 0 && d <= maxStride && d >= -maxStride) {
        e = mru;
        pushDelta(e, d);
      }
    }
  }
  if (e < 0) {
    // else the region's nearest stream within maxStride: streams far apart in one
    // region (the two halves of an FFT butterfly pass) keep their own entries
    let best = -1;
    let bestDist = maxStride + 1;
    for (let i = 0; i < streams; i++) {
      if (sget(i, S_REGION) != fr) continue;
      const d = fp - sget(i, S_LAST);
      const dist = d < 0 ? -d : d;
      if (dist > 0 && dist < bestDist) {
        best = i;
        bestDist = dist;
      }
    }
    if (best >= 0) {
      e = best;
      pushDelta(e, fp - sget(e, S_LAST));
    }
  }
  if (e < 0) {
    // a new stream in the least recently used entry
    e = 0;
    for (let i = 1; i < streams; i++) {
      if (sget(i, S_STAMP) < sget(e, S_STAMP)) e = i;
    }
    sset(e, S_REGION, fr);
    sset(e, S_PERIOD, 0);
    sset(e, S_COUNT, 0);
  }
  sset(e, S_LAST, fp);
  stamp += 1;
  sset(e, S_STAMP, stamp);
  return e;
}

/** Keeps the stream's next lookahead positions requested, inside its region. */
function advance(e: i32, p: u32, r: i32): void {
  const period = <i32>sget(e, S_PERIOD);
  const want = <i32>lookahead();
  const lo = <f64>regionStart(r);
  const hi = <f64>regionEnd(r);
  const size = hi - lo;
  let q = <f64>p;
  for (let i = 1; i <= want; i++) {
    q += predicted(e, period, i);
    // a stream that runs off its region goes on from the other end, as repeated
    // sweeps over an array do
    if (q >= hi) q -= size;
    else if (q < lo) q += size;
    if (q < lo || q >= hi) break;
    if (pageState(<u32>q) == ST_HOME && !ask(<u32>q, 0)) break;
  }
}

// @ts-ignore: decorator
@inline function fillLeft(r: i32): bool {
  return rget(r, R_FILL) == 1 && (rget(r, R_UP) <= rget(r, R_MAX) || rget(r, R_DOWN) >= rget(r, R_MIN));
}

/** Asks for `n` pages from the fill of region `r` if it has pages left to fill, else of
 * the next such region after the one filled last. */
function fill(r: i32, n: f64): void {
  let target = -1;
  if (fillLeft(r)) target = r;
  else {
    const count = regionCount() < REGION_SLOTS ? regionCount() : REGION_SLOTS;
    for (let k = 0; k < count && target < 0; k++) {
      const q = (fillNext + k) % count;
      if (fillLeft(q)) target = q;
    }
  }
  filling = target >= 0;
  if (target < 0) return;
  fillNext = target + 1;
  sweep(target, n);
}

/** Asks for `n` more pages still at home inside the span of the region's events: up
 * from where the fill started, then down. */
function sweep(r: i32, n: f64): void {
  let got: f64 = 0;
  let up = rget(r, R_UP);
  const max = rget(r, R_MAX);
  while (got < n && up <= max) {
    if (pageState(<u32>up) == ST_HOME) {
      if (!ask(<u32>up, 0)) break;
      got += 1;
    }
    up += 1;
  }
  rset(r, R_UP, up);
  let down = rget(r, R_DOWN);
  const min = rget(r, R_MIN);
  while (got < n && down >= min) {
    if (pageState(<u32>down) == ST_HOME) {
      if (!ask(<u32>down, 0)) break;
      got += 1;
    }
    down -= 1;
  }
  rset(r, R_DOWN, down);
}
