// Adaptive (the push of ampom-plus): one of four orders at a time, chosen by the faults.
//  - recency: the pages the accessed-bit scans before migration saw used most recently
//    first (the home node ran the scans); within a scan window, the nearest to the last
//    fault first;
//  - around: the nearest page to the last fault, either side (as bubbling);
//  - forward: upward from the page after the last fault, wrapping (as QEMU's postcopy);
//  - replay: the rest of the scan window of the newest fault, then the newer windows in
//    turn, then as recency. A process that sweeps its data again after the migration
//    comes back to the pages in the order it first swept them, window by window, oldest
//    first, where recency would send the windows newest first (on the corpus's tuning
//    half a graph code and sort do this).
// Which one predicts this process is learned from what the home node sees, its remote
// faults: at each fault, for each order, how many pages it would have sent before the
// faulting one (log2(1 + n)); the plain mean over the first faults, then an average
// with weight 1/2 for the newest (the process's phases change quickly; a longer memory
// switched too late on the corpus's tuning half). The push follows the order with the
// smallest. Pages used after migration tend to be the ones used last before it, but not
// always (a program that reads back what it wrote at its start), and some programs
// sweep memory in address order: no one order wins on every program.
// As a push policy's order after a lightweight freeze (partial) it sends the pages the
// scans saw used first and the rest (pages last touched before the scans' reach) only
// once those have all gone: ampom-plus's pull follows a process into those pages when
// it goes back to them, and the push keeps them from holding up the pages the scans
// saw. With post-copy, which has no pull, every page from the start. Unless the process
// goes into that older memory first: once more than half of the last RELEASE_FAULTS
// faults the push read (the newest the home node has heard of, at each of its turns)
// fall among the held-back pages, it sends them too, with the one-pass sweeps, as
// post-copy's push would. The pull follows a stream there, but a process that moves to
// memory an earlier phase left (the HPC Challenge binary at N = 150 migrated at a
// quarter of its run, outside the corpus) scatters faults there the pull cannot follow,
// and the push went on sending pages the process no longer used.
// One-pass sweeps wait too, in either case (sweptOnce), until every other page the
// scans saw has gone: the trail of data a process streamed through once (its input, a
// buffer filled and drained) is rarely wanted again, and recency would send it before
// older pages that are; if the process does sweep again, its faults make the replay
// order, which still sends those pages, win. On the corpus's tuning half at mid-run,
// 151 of the 173 pages of sort's scan windows 1 to 11 were seen by one window alone,
// none used after the migration; a graph code's windows 1 to 13 held 213 such pages,
// and 179 were used: it sweeps again, and replay follows it.
import { SCAN_KEEP, ST_HOME, ST_MASK } from "../../core/abi.js";
import { scanBits } from "../../core/page-services.js";
import { PageSet } from "../page-set.js";
import type { PushOrder, PushOrderInfo } from "./index.js";
import type { MigrationContext } from "../types.js";
import { FaultWatch, lastUsedPage } from "./faults.js";
import { PushGate } from "./gate.js";

const RECENCY = 0;
const AROUND = 1;
const FORWARD = 2;
const REPLAY = 3;
const ORDERS = 4;
/** the averages move by 1/WEIGHT of each fault's score */
const WEIGHT = 2;
/** the held-back pages go once more than half of this many recent faults fell among
 * them (the size and the half were chosen before measuring, not tuned) */
const RELEASE_FAULTS = 32;
/** The newest scan window that saw a page with scan bits `bits` (0 newest), or
 * SCAN_KEEP: none of those kept. */
function newestWindow(bits: number): number {
  return bits === 0 ? SCAN_KEEP : 31 - Math.clz32(bits & -bits);
}

/** Runs of adjacent pages that one scan window alone saw, at least this long... */
const SWEEP_RUN = 4;
/** ...each beside a run of the next older window, at most this many pages between... */
const SWEEP_GAP = 2;
/** ...over at least this many windows: a one-pass sweep. */
const SWEEP_WINDOWS = 3;

/** The pages of one-pass sweeps before the migration, from each page's scan bits (`bits`,
 * 0 for a page the push may not send): in each scan window, runs of adjacent pages that window
 * alone saw, chained run beside run from window to window (ascending or descending). A
 * process streaming through data once leaves this trail; what it has streamed through it
 * rarely needs again, unless it sweeps again, which the replay order follows from the
 * faults. The newest window's runs count too: a sweep still going at the freeze has left
 * them behind it (the page it is on is among the most recently used, sent at the freeze).
 * So do a trail's seams: a page two adjacent windows saw, beside a page of the trail that
 * one of them saw alone (the sweep was on it when a scan ran), but not one the newest two
 * windows saw (docs/ampom-plus.md, "One-pass sweeps last", says what that choice weighed). */
export function sweptOnce(bits: ArrayLike<number>): Uint8Array {
  const pages = bits.length;
  type Run = { lo: number; hi: number; up: number; down: number };
  // each window's runs, in address order
  const byWindow: Run[][] = Array.from({ length: SCAN_KEEP }, () => []);
  for (let p = 0; p < pages; ) {
    const b = bits[p];
    // one window's bit alone
    if (b === 0 || (b & (b - 1)) !== 0) {
      p++;
      continue;
    }
    let q = p + 1;
    while (q < pages && bits[q] === b) q++;
    if (q - p >= SWEEP_RUN) byWindow[31 - Math.clz32(b)].push({ lo: p, hi: q - 1, up: 1, down: 1 });
    p = q;
  }
  // calls link(r, o) for each run r of `runs` and o of `other` beside it (both in
  // address order, so one pass over each)
  const besides = (runs: Run[], other: Run[], link: (r: Run, o: Run) => void): void => {
    let j = 0;
    for (const r of runs) {
      while (j < other.length && other[j].hi + SWEEP_GAP + 1 < r.lo) j++;
      for (let k = j; k < other.length && other[k].lo <= r.hi + SWEEP_GAP + 1; k++) link(r, other[k]);
    }
  };
  // chain lengths toward older windows, then toward newer ones
  for (let w = SCAN_KEEP - 2; w >= 0; w--) besides(byWindow[w], byWindow[w + 1], (r, o) => (r.up = Math.max(r.up, o.up + 1)));
  for (let w = 1; w < SCAN_KEEP; w++) besides(byWindow[w], byWindow[w - 1], (r, n) => (r.down = Math.max(r.down, n.down + 1)));
  const swept = new Uint8Array(pages);
  for (const runs of byWindow) for (const r of runs) if (r.up + r.down - 1 >= SWEEP_WINDOWS) swept.fill(1, r.lo, r.hi + 1);
  // the seams, found beside the runs alone (a seam does not make the next one)
  const trail = (q: number, b: number) => q >= 0 && q < pages && swept[q] === 1 && (bits[q] & b) !== 0;
  const seams: number[] = [];
  for (let p = 0; p < pages; p++) {
    const b = bits[p];
    const newer = b & -b;
    if (swept[p] || newer <= 1 || b !== (newer | (newer << 1))) continue;
    if (trail(p - 1, b) || trail(p + 1, b)) seams.push(p);
  }
  for (const p of seams) swept[p] = 1;
  return swept;
}

export const adaptive: PushOrderInfo = {
  name: "adaptive",
  description: "most recently used first, around the last fault, forward from it, or a sweep replayed from its scan window: whichever would have sent the recent faults soonest; data streamed through once before the migration last",
  partial: true,
  oldLast: true,
  create: (ctx, everything) => adaptiveOrder(ctx, everything),
};

/** The adaptive order over the pages at home for which `eligible` holds (all of them
 * when not given; the set-oracle bound passes the pages that will be used). */
export function adaptiveOrder(ctx: MigrationContext, everything: boolean, eligible?: (page: number) => boolean): PushOrder {
  const v = ctx.proc.views;
  const pages = ctx.proc.workload.pageCount;
  let last = everything ? SCAN_KEEP : SCAN_KEEP - 1;
  // the pages the push may send, all together and by scan window; the pages no kept
  // scan saw (window SCAN_KEEP) join at once with post-copy, else when the rest is gone
  const all = new PageSet(pages);
  const windows = Array.from({ length: SCAN_KEEP + 1 }, () => new PageSet(pages));
  const windowOf = new Uint8Array(pages);
  const left = new Float64Array(SCAN_KEEP + 1);
  const pushable = (p: number) => (v.states[p] & ST_MASK) === ST_HOME && (!eligible || eligible(p));
  // each page's scan bits, read once (0 for a page the push may not send)
  const bits = new Uint32Array(pages);
  for (let p = 0; p < pages; p++) if (pushable(p)) bits[p] = scanBits(v, p);
  // one-pass sweeps wait until every other page has gone (with lightweight, they go
  // with the pages no scan saw, before those; with post-copy, after them); the replay
  // order still sends them
  const swept = sweptOnce(bits);
  // by window, made for the windows that have any
  const sweptIn: Array<PageSet | undefined> = new Array(SCAN_KEEP + 1);
  const sweptLeft = new Float64Array(SCAN_KEEP + 1);
  const isSwept = (p: number) => sweptIn[windowOf[p]]?.has(p) === true;
  for (let p = 0; p < pages; p++) {
    if (!pushable(p)) continue;
    const w = newestWindow(bits[p]);
    windowOf[p] = w;
    if (swept[p]) {
      (sweptIn[w] ??= new PageSet(pages)).add(p);
      sweptLeft[w]++;
      continue;
    }
    windows[w].add(p);
    if (w > last) continue;
    all.add(p);
    left[w]++;
  }
  const older = windows[SCAN_KEEP];
  const widen = (): void => {
    last = SCAN_KEEP;
    for (let p = older.next(0); p >= 0; p = older.next(p + 1)) {
      all.add(p);
      left[SCAN_KEEP]++;
    }
    for (let w = 0; w <= SCAN_KEEP; w++) {
      const set = sweptIn[w];
      if (!set) continue;
      for (let p = set.next(0); p >= 0; p = set.next(p + 1)) {
        all.add(p);
        windows[w].add(p);
        left[w]++;
      }
      sweptIn[w] = undefined;
      sweptLeft[w] = 0;
    }
  };
  const drop = (p: number): void => {
    if (isSwept(p)) {
      sweptIn[windowOf[p]]!.delete(p);
      sweptLeft[windowOf[p]]--;
      return;
    }
    if (!all.has(p)) {
      // a left-out page the process took: the push must not take it in when it widens
      older.delete(p);
      return;
    }
    all.delete(p);
    windows[windowOf[p]].delete(p);
    left[windowOf[p]]--;
  };
  const isHome = (p: number) => ctx.proc.heldAtHome(p);
  // ampom-plus's push sends only while it saves the faults more than it costs them
  // (gate.ts); post-copy's, which has no pull beside it, sends at once
  const gate = everything ? undefined : new PushGate(ctx);
  const faults = new FaultWatch(ctx.proc, gate?.heard.bind(gate));
  let pivot = lastUsedPage(ctx);
  // the scan window of the newest fault that one saw (replay goes from it to newer ones)
  let replay = -1;
  let cursor = pivot + 1;
  // the average score of each order over the recent faults; equal at first, and ties go
  // to the earlier order (recency)
  const score = new Array<number>(ORDERS).fill(0);
  let scored = 0;
  // the last RELEASE_FAULTS faults the push read, 1 where one fell among the held-back
  // pages
  const recentOld = new Uint8Array(RELEASE_FAULTS);
  let recentAt = 0;
  let recentOldCount = 0;

  /** The page of `set` nearest `pivot` (above first on a tie), or -1. */
  const nearest = (set: PageSet): number => {
    const up = set.next(pivot);
    const down = set.prev(pivot - 1);
    if (up < 0 && down < 0) return -1;
    return down < 0 || (up >= 0 && up - pivot <= pivot - down) ? up : down;
  };
  /** nearest() of the union of two sets */
  const nearestOf = (a: PageSet, b: PageSet | undefined): number => {
    const x = nearest(a);
    const y = b ? nearest(b) : -1;
    if (x < 0 || y < 0) return x < 0 ? y : x;
    const dx = Math.abs(x - pivot);
    const dy = Math.abs(y - pivot);
    return dx < dy || (dx === dy && x > y) ? x : y;
  };
  const pick = (order: number): number => {
    if (order === FORWARD) {
      const p = all.next(cursor);
      return p >= 0 ? p : all.next(0);
    }
    if (order === AROUND) return nearest(all);
    if (order === REPLAY) {
      for (let w = Math.min(replay, last); w >= 0; w--) {
        if (left[w] === 0 && sweptLeft[w] === 0) continue;
        const p = nearestOf(windows[w], sweptIn[w]);
        if (p >= 0) return p;
      }
    }
    for (let w = 0; w <= last; w++) {
      if (left[w] === 0) continue;
      const p = nearest(windows[w]);
      if (p >= 0) return p;
    }
    return -1;
  };
  /** Pages each order would have sent before `f`, from where the push stood. */
  const ahead = (f: number): number[] => {
    const d = Math.abs(f - pivot);
    let recency = 0;
    let around: number;
    let forward: number;
    if (isSwept(f)) {
      // a page of a sweep goes after all the others, but in the replay order
      for (let w = 0; w <= last; w++) recency += left[w];
      around = forward = all.countRange(0, pages);
    } else {
      for (let w = 0; w < windowOf[f]; w++) recency += left[w];
      around = all.countRange(pivot - d + 1, pivot + d);
      forward = f >= cursor ? all.countRange(cursor, f) : all.countRange(cursor, pages) + all.countRange(0, f);
    }
    // replay sends the windows from `replay` down to f's first (within one, all of it,
    // as recency counts), swept pages too, then the rest as recency would
    let replayed = 0;
    if (windowOf[f] <= replay) {
      for (let w = windowOf[f] + 1; w <= replay; w++) replayed += left[w] + sweptLeft[w];
    } else {
      replayed = recency;
      for (let w = 0; w <= Math.min(replay, last); w++) replayed += sweptLeft[w];
    }
    return [recency, around, forward, replayed];
  };

  /** Reads the faults the home node has heard of by `now`. */
  const observe = (now: number): void => {
    const f = faults.newFault(now);
    if (f >= 0) {
      // a page the scans never saw scores every order alike: it teaches nothing
      if (all.has(f) || isSwept(f)) {
        const a = ahead(f);
        // a plain mean over the first WEIGHT faults, then a moving average
        scored = Math.min(scored + 1, WEIGHT);
        for (let o = 0; o < ORDERS; o++) score[o] += (Math.log2(1 + a[o]) - score[o]) / scored;
        if (windowOf[f] < SCAN_KEEP) replay = windowOf[f];
      }
      if (last < SCAN_KEEP) {
        const held = older.has(f) ? 1 : 0;
        recentOldCount += held - recentOld[recentAt];
        recentOld[recentAt] = held;
        recentAt = (recentAt + 1) % RELEASE_FAULTS;
        if (2 * recentOldCount > RELEASE_FAULTS) widen();
      }
      drop(f);
      pivot = f;
      cursor = f + 1;
    }
  };

  return {
    holdUntil: gate && ((now) => {
      observe(now);
      return gate.holdUntil(now);
    }),
    next(out, _max, now) {
      observe(now);
      let order = RECENCY;
      for (let o = 1; o < ORDERS; o++) if (score[o] < score[order]) order = o;
      for (;;) {
        const p = pick(order);
        if (p < 0) {
          // what the scans saw has all gone: the rest follows, on a link that would
          // otherwise idle, and the home node is left holding nothing
          if (last < SCAN_KEEP || sweptLeft.some((n) => n > 0)) {
            widen();
            continue;
          }
          return 0;
        }
        drop(p);
        // a fault or a prefetch took it meanwhile
        if (!isHome(p)) continue;
        if (order === FORWARD) cursor = p + 1;
        gate?.sent();
        out[0] = p;
        return 1;
      }
    },
  };
}
