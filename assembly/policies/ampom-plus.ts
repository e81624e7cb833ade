// ampom-plus, the project's own policy (README, "ampom-plus"). Three parts:
//  - a stream table: up to `streams` streams, each in one region with its own stride
//    (any size up to `maxStride` pages, so matrix columns and FFT halves are streams
//    too), confirmed once before it prefetches;
//  - a lookahead sized by bandwidth-delay: a confirmed stream keeps
//    floor(rtt / max(gap, tx)) + 2 positions requested ahead, where rtt is the fastest
//    fault service seen, tx the link's time per page (learned from two pages asked back
//    to back) and gap the stream's own time between events. Every demand event of the
//    stream tops it up, so the link stays busy without a deep queue in front of faults;
//  - a bulk mode for dense random regions: once `bulkAfter` faults no stream explains
//    have hit a region, spread over at least half of it, each fault there also asks for
//    floor(rtt / tx) + 2 of the region's pages still at home in ascending order, and
//    each first use of such a page asks for one more.
// The reference twin is src/core/reference-policies/ampom-plus.ts.
import { scratch } from "../arena";
import { F_MARK, ST_HOME, C_POLICY_WINDOW } from "../layout";
import {
  policyParam, regionOf, regionStart, regionEnd, pageState, pageFlags, setPageFlags,
  request, arrival, setCounter,
} from "../pagetable";

// stream table fields (f64 each)
const S_REGION = 0; // region, -1 when the entry is free
const S_LAST = 1; // page of the stream's newest event
const S_STRIDE = 2; // signed stride in pages, 0 when unknown
const S_CONF = 3; // times the stride was confirmed
const S_FRONTIER = 4; // furthest position requested along the stride
const S_GAP = 5; // moving average of the time between its events, ns
const S_TIME = 6; // time of its newest event
const S_STAMP = 7; // last use, for replacement
const S_FIELDS = 8;
const STREAM_CAP = 64;
// region table fields (f64 each), after the stream table
const R_UNEXPLAINED = 0; // faults no confirmed stream explained
const R_MIN = 1; // lowest and highest page of those faults
const R_MAX = 2;
const R_BULK = 3; // 0 off, 1 sweeping, 2 swept to the end
const R_CURSOR = 4; // next page the sweep looks at
const R_FIELDS = 5;
const REGIONS_AT: usize = STREAM_CAP * S_FIELDS * 8;
const REGION_SLOTS = 1024;

let streams: i32 = 16;
let maxStride: f64 = 4096;
let maxLookahead: f64 = 256;
let bulkAfter: f64 = 16;
let stamp: f64 = 0;
let rtt: f64 = 0; // fastest fault service seen, ns
let tx: f64 = 0; // link time per page, ns (0 until learned)
let probeA: i64 = -1; // two pages asked for back to back: their arrivals give tx
let probeB: i64 = -1;
let firstAsked: i64 = -1; // first two pages of the current decision
let secondAsked: i64 = -1;
let asked: i32 = 0;

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
  bulkAfter = policyParam(3);
  memory.fill(scratch, 0, REGIONS_AT + <usize>(REGION_SLOTS * R_FIELDS * 8));
  for (let i = 0; i < STREAM_CAP; i++) sset(i, S_REGION, -1);
  stamp = 0;
  rtt = 0;
  tx = 0;
  probeA = probeB = firstAsked = secondAsked = -1;
  asked = 0;
}

export function ampomPlusOnServed(ns: f64): void {
  if (rtt == 0 || ns < rtt) rtt = ns;
}

export function ampomPlusOnFault(page: u32, now: f64): void {
  onEvent(page, now, true);
}

export function ampomPlusOnUse(page: u32, now: f64, trigger: bool): void {
  onEvent(page, now, false);
}

/** Positions a stream with `gap` ns between events keeps requested ahead. */
function lookahead(gap: f64): f64 {
  const g = gap > tx ? gap : tx;
  if (rtt <= 0 || g <= 0) return 2;
  const l = Math.floor(rtt / g) + 2;
  return l > maxLookahead ? maxLookahead : l;
}

function ask(page: u32, flags: u8): bool {
  if (!request(page, flags)) return false;
  if (asked == 0) firstAsked = <i64>page;
  else if (asked == 1) secondAsked = <i64>page;
  asked++;
  return true;
}

function onEvent(p: u32, now: f64, isFault: bool): void {
  // the link's time per page, from two pages the home node sent back to back
  if (probeB >= 0) {
    const a = arrival(<u32>probeA);
    const b = arrival(<u32>probeB);
    if (a != Infinity && b != Infinity && b > a) tx = b - a;
    probeA = probeB = -1;
  }
  asked = 0;
  firstAsked = secondAsked = -1;
  const r = regionOf(p);
  if (r < 0) return;
  let fromBulk = false;
  if (!isFault) {
    const fl = pageFlags(p);
    if (fl & F_MARK) {
      setPageFlags(p, fl & ~F_MARK);
      fromBulk = true;
    }
  }
  const e = track(p, r, now);
  let explained = false;
  if (sget(e, S_CONF) >= 1) {
    advance(e, p, r);
    explained = true;
  }
  if (isFault && !explained) {
    const u = rget(r, R_UNEXPLAINED);
    const fp = <f64>p;
    if (u == 0 || fp < rget(r, R_MIN)) rset(r, R_MIN, fp);
    if (u == 0 || fp > rget(r, R_MAX)) rset(r, R_MAX, fp);
    rset(r, R_UNEXPLAINED, u + 1);
    const size = <f64>(regionEnd(r) - regionStart(r));
    if (rget(r, R_BULK) == 0 && u + 1 >= bulkAfter && (rget(r, R_MAX) - rget(r, R_MIN)) * 2 >= size) {
      rset(r, R_BULK, 1);
      rset(r, R_CURSOR, <f64>regionStart(r));
    }
  }
  if (rget(r, R_BULK) == 1) {
    if (isFault) sweep(r, tx > 0 && rtt > 0 ? Math.floor(rtt / tx) + 2 : 4);
    else if (fromBulk) sweep(r, 1);
  }
  if (asked >= 2 && probeA < 0) {
    probeA = firstAsked;
    probeB = secondAsked;
  }
  setCounter(C_POLICY_WINDOW, <f64>asked);
}

/** The stream `p` belongs to: its continuation, else the nearest unconfirmed stream of
 * the region within maxStride (which takes the new stride), else a new one. */
function track(p: u32, r: i32, now: f64): i32 {
  const fp = <f64>p;
  const fr = <f64>r;
  let e = -1;
  // a continuation: exactly one stride on, or a few whole strides on
  for (let i = 0; i < streams; i++) {
    if (sget(i, S_REGION) != fr) continue;
    const st = sget(i, S_STRIDE);
    if (st != 0 && fp == sget(i, S_LAST) + st) {
      e = i;
      sset(i, S_CONF, sget(i, S_CONF) + 1);
      break;
    }
  }
  if (e < 0) {
    for (let i = 0; i < streams; i++) {
      if (sget(i, S_REGION) != fr) continue;
      const st = sget(i, S_STRIDE);
      if (st == 0 || sget(i, S_CONF) < 1) continue;
      const k = (fp - sget(i, S_LAST)) / st;
      if (k >= 2 && k <= 4 && k == Math.floor(k)) {
        e = i;
        break;
      }
    }
  }
  if (e < 0) {
    let best = -1;
    let bestDist = maxStride + 1;
    for (let i = 0; i < streams; i++) {
      if (sget(i, S_REGION) != fr || sget(i, S_CONF) >= 1) continue;
      const d = fp - sget(i, S_LAST);
      const dist = d < 0 ? -d : d;
      if (dist > 0 && dist < bestDist) {
        best = i;
        bestDist = dist;
      }
    }
    if (best >= 0) {
      e = best;
      sset(e, S_STRIDE, fp - sget(e, S_LAST));
      sset(e, S_CONF, 0);
      sset(e, S_FRONTIER, fp);
    }
  }
  if (e < 0) {
    // a new stream in the least recently used entry
    e = 0;
    for (let i = 1; i < streams; i++) {
      if (sget(i, S_STAMP) < sget(e, S_STAMP)) e = i;
    }
    sset(e, S_REGION, fr);
    sset(e, S_STRIDE, 0);
    sset(e, S_CONF, 0);
    sset(e, S_FRONTIER, fp);
    sset(e, S_GAP, 0);
    sset(e, S_TIME, now);
  } else {
    const dt = now - sget(e, S_TIME);
    const gap = sget(e, S_GAP);
    sset(e, S_GAP, gap == 0 ? dt : gap + (dt - gap) / 4);
    sset(e, S_TIME, now);
  }
  sset(e, S_LAST, fp);
  stamp += 1;
  sset(e, S_STAMP, stamp);
  return e;
}

/** Keeps the stream's lookahead requested, along its stride, inside its region. */
function advance(e: i32, p: u32, r: i32): void {
  const st = sget(e, S_STRIDE);
  const fp = <f64>p;
  let f = sget(e, S_FRONTIER);
  let ahead = Math.floor((f - fp) / st);
  if (ahead < 0) {
    f = fp;
    ahead = 0;
  }
  const want = lookahead(sget(e, S_GAP));
  const lo = <f64>regionStart(r);
  const hi = <f64>regionEnd(r);
  while (ahead < want) {
    const q = f + st;
    if (q < lo || q >= hi) break;
    if (pageState(<u32>q) == ST_HOME && !ask(<u32>q, 0)) break;
    f = q;
    ahead += 1;
  }
  sset(e, S_FRONTIER, f);
}

/** Asks for `n` more of the region's pages still at home, in ascending order. */
function sweep(r: i32, n: f64): void {
  let c = <u32>rget(r, R_CURSOR);
  const end = regionEnd(r);
  let got: f64 = 0;
  while (got < n && c < end) {
    if (pageState(c) == ST_HOME) {
      if (!ask(c, F_MARK)) break;
      got += 1;
    }
    c++;
  }
  rset(r, R_CURSOR, <f64>c);
  if (c >= end) rset(r, R_BULK, 2);
}
