// ampom-plus, the project's own policy (docs/model.md, "ampom-plus"): AMPoM's pull, for the
// patterns a push cannot follow, beside a push in an adaptive order (the host's
// src/migration/push-orders/adaptive.ts: the pages the accessed-bit scans saw used most
// recently, around the last fault, or forward from it, whichever would have sent the
// recent faults soonest). The pull part, here:
//  - streams by delta patterns: each region's demand events (faults and first uses of
//    prefetched pages) join the region's most recent stream when within maxStride
//    pages; a stream whose newest deltas repeat with a period of 1 to 16 (two whole
//    copies) is confirmed, and predicts its next pages by replaying the pattern. A
//    constant stride is period 1; matrix blocks (runs then a column jump), row-swap
//    permutations repeated per column, and interleaved arrays in one region are
//    longer periods; no stream asks for pages until one has predicted a demand event
//    in this process (scattered faults repeat a delta by chance), and a stream asks
//    for pages some kept scan saw only once it has predicted SEEN_PROOF events itself:
//    the push sends those pages anyway, and a stream's early requests put them ahead
//    of the push's own;
//  - a lookahead sized by bandwidth-delay: a confirmed stream keeps the next
//    floor(rtt / tx) + 2 predicted positions requested, where rtt is the fastest fault
//    service seen and tx the link's time per page, learned when two pages asked back to
//    back have arrived.
// The reference twin is src/core/reference-policies/ampom-plus.ts.
import { scratch } from "../arena";
import { C_POLICY_WINDOW } from "../layout";
import {
  policyParam, regionOf, regionStart, regionEnd, knownAtHome, request, setCounter, scanBits,
} from "../pagetable";

// stream table fields (f64 each); a stream is a page sequence whose deltas repeat
const S_REGION = 0; // region, -1 when the entry is free
const S_LAST = 1; // page of the stream's newest event
const S_PERIOD = 2; // the deltas repeat with this period (1 = a constant stride), 0 unknown
const S_COUNT = 3; // deltas recorded, at most DELTAS
const S_STAMP = 4; // last use, for replacement
const S_COVERED = 5; // 1 while its newest fault was met by the push: it asks for nothing
const S_HITS = 6; // demand events it predicted
const S_DELTAS = 8; // DELTAS deltas, newest first
const DELTAS = 32;
const PERIOD_CAP = 16;
const S_FIELDS = S_DELTAS + DELTAS;
const STREAM_CAP = 64;
const MATCH_AHEAD = 4; // an event up to this many predicted positions on continues the stream
// Events a stream must have predicted before it asks for pages a kept scan saw (the
// push sends those itself, most recent first). With one, cc1 at 80% load migrated at
// 0.25 asked for 7 such pages of short streams, 4 of them used, and ended 0.7% later
// than post-copy's push in the same order.
const SEEN_PROOF = 2;
let streams: i32 = 16;
let maxStride: f64 = 4096;
let maxLookahead: f64 = 256;
let maxPeriod: i32 = 16;
let stamp: f64 = 0;
let rtt: f64 = 0; // fastest fault service seen, ns
let tx: f64 = 0; // link time per page, ns (0 until learned)
let probeA: i64 = -1; // two pages asked for back to back: their arrivals give tx
let probeB: i64 = -1;
let probeAt: f64 = -1; // when probeA arrived (-1: not yet)
let firstAsked: i64 = -1; // first two pages of the current decision
let secondAsked: i64 = -1;
let asked: i32 = 0;
let faultPage: i64 = -1; // the open fault's page, until it is served or lands
let faultStream: i32 = -1; // the stream that fault joined
// a confirmed stream has predicted an event before: until then no stream asks for pages
let patternsHold = false;

// @ts-ignore: decorator
@inline function sget(i: i32, f: i32): f64 {
  return load<f64>(scratch + ((<usize>(i * S_FIELDS + f)) << 3));
}
// @ts-ignore: decorator
@inline function sset(i: i32, f: i32, v: f64): void {
  store<f64>(scratch + ((<usize>(i * S_FIELDS + f)) << 3), v);
}

export function ampomPlusReset(): void {
  streams = <i32>policyParam(0);
  if (streams < 1) streams = 1;
  if (streams > STREAM_CAP) streams = STREAM_CAP;
  maxStride = policyParam(1);
  maxLookahead = policyParam(2);
  maxPeriod = <i32>policyParam(3);
  if (maxPeriod > PERIOD_CAP) maxPeriod = PERIOD_CAP;
  memory.fill(scratch, 0, <usize>(STREAM_CAP * S_FIELDS * 8));
  for (let i = 0; i < STREAM_CAP; i++) sset(i, S_REGION, -1);
  stamp = 0;
  rtt = 0;
  tx = 0;
  probeA = probeB = firstAsked = secondAsked = -1;
  probeAt = -1;
  asked = 0;
  faultPage = -1;
  faultStream = -1;
  patternsHold = false;
}

export function ampomPlusOnServed(ns: f64): void {
  if (rtt == 0 || ns < rtt) rtt = ns;
  // the home node answered: the push had not reached the page
  if (faultStream >= 0) sset(faultStream, S_COVERED, 0);
  faultPage = -1;
}

/** An arrival: the link's time per page, from the two probe pages. */
export function ampomPlusOnArrival(page: u32, t: f64): void {
  if (<i64>page == faultPage) {
    // the faulting page landed unanswered: the push brought it, so its stream is one the
    // push follows, and pulling it would only queue pages ahead of the push's
    if (faultStream >= 0 && sequential(faultStream)) sset(faultStream, S_COVERED, 1);
    faultPage = -1;
  }
  if (<i64>page == probeA) probeAt = t;
  else if (<i64>page == probeB) {
    if (probeAt >= 0 && t > probeAt) tx = t - probeAt;
    probeA = probeB = -1;
    probeAt = -1;
  }
}

/** A stream of adjacent pages so far (or of one page): what the push's around and
 * forward orders send after a fault, so the push follows it once it met one of its
 * faults. A strided or patterned stream it cannot follow, so those keep pulling. */
function sequential(e: i32): bool {
  if (sget(e, S_PERIOD) > 1) return false;
  const d = sget(e, S_COUNT) > 0 ? sget(e, S_DELTAS) : 0;
  return d >= -1 && d <= 1;
}

export function ampomPlusOnFault(page: u32, now: f64): void {
  faultStream = onEvent(page, false);
  faultPage = <i64>page;
}

export function ampomPlusOnUse(page: u32, now: f64, trigger: bool): void {
  onEvent(page, true);
}

/** Positions a stream keeps requested ahead: what the link carries in a fault's round
 * trip, at the link's time per page. */
function lookahead(): f64 {
  if (rtt <= 0 || tx <= 0) return 2;
  const l = Math.floor(rtt / tx) + 2;
  return l > maxLookahead ? maxLookahead : l;
}

function ask(page: u32): bool {
  if (!request(page, 0)) return false;
  if (asked == 0) firstAsked = <i64>page;
  else if (asked == 1) secondAsked = <i64>page;
  asked++;
  return true;
}

/** A demand event (a fault, or the first use of a page it asked for: `pulled`); returns
 * the stream it joined, or -1. */
function onEvent(p: u32, pulled: bool): i32 {
  asked = 0;
  firstAsked = secondAsked = -1;
  const r = regionOf(p);
  if (r < 0) return -1;
  const e = track(p, r);
  if (pulled) sset(e, S_COVERED, 0);
  if (patternsHold && sget(e, S_PERIOD) >= 1 && sget(e, S_COVERED) == 0) advance(e, p, r);
  if (asked >= 2 && probeA < 0) {
    probeA = firstAsked;
    probeB = secondAsked;
  }
  setCounter(C_POLICY_WINDOW, <f64>asked);
  return e;
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
 * its newest deltas repeat (two whole copies needed, a step of +-1 too: after a fault
 * the push sends its neighbours itself). */
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
  sset(e, S_PERIOD, <f64>period);
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
        sset(i, S_HITS, sget(i, S_HITS) + 1);
        patternsHold = true;
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
    sset(e, S_COVERED, 0);
    sset(e, S_HITS, 0);
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
  // until the stream has proved itself, a page the scans saw waits for the push
  const proven = sget(e, S_HITS) >= SEEN_PROOF;
  let q = <f64>p;
  for (let i = 1; i <= want; i++) {
    q += predicted(e, period, i);
    // a stream that runs off its region goes on from the other end only where a scan
    // window saw both the page it is on and the page it would go to: the process went
    // round the region before, as a loop over an array does, where data streamed
    // through once ends with the region (docs/ampom-plus.md, "A stream goes round its region")
    if (q >= hi || q < lo) {
      const w = q >= hi ? q - size : q + size;
      if (w < lo || w >= hi || (scanBits(p) & scanBits(<u32>w)) == 0) break;
      q = w;
    }
    if (!proven && scanBits(<u32>q) != 0) continue;
    if (knownAtHome(<u32>q) && !ask(<u32>q)) break;
  }
}
