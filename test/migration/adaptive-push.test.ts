// The adaptive push after a lightweight freeze (ampom-plus's): the pages the kept
// accessed-bit scans saw go first, the pages last touched before the scans' reach only
// after all of them, and by the end every page that was at home has moved.
import { describe, expect, it } from "vitest";
import { EVENT_ARRIVAL, EVENT_EAGER, EVENT_FAULT, EVENT_PUSH, EventLog, type EventKind } from "../../src/sim/event-log.js";
import { resolveOptions } from "../../src/sim/options.js";
import { runScenario } from "../../src/sim/simulate.js";
import { sweptOnce } from "../../src/migration/push-orders/adaptive.js";
import { Random } from "../../src/util/random.js";
import type { Workload } from "../../src/workloads/types.js";
import { traceWorkload, type TraceRecord } from "./trace-workload.js";

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const OLD = range(0, 32); // touched once, at the start
const HOT = range(32, 48); // then over and over: ~100 us, ten scan intervals of 10 us
const before: TraceRecord[] = [
  ...OLD.map((page) => ({ page, gap: 1 })),
  ...Array.from({ length: 400 }, () => HOT.map((page) => ({ page, gap: 16 }))).flat(),
];
// after the migration both again, 10 us of work apart
const after: TraceRecord[] = [...HOT, ...OLD].map((page) => ({ page, gap: 10_000 }));
const workload = traceWorkload([64], [...before, ...after]);

/** The events of ampom-plus on `w`, migrated after record `at`, scans 10 us apart. */
async function ampomPlusEvents(core: "wasm" | "reference", w: Workload, at: number): Promise<EventLog> {
  const s = resolveOptions({ workload: "trace", core, policy: "ampom-plus", cpuNsPerAccess: 1, scanInterval: "10us", migrateAtRecord: at, baselines: false });
  const log = new EventLog();
  await runScenario(s, w, { events: log });
  return log;
}

/** The pages of `log`'s events of `kind`, in order, from time `from` on. */
const pagesOf = (log: EventLog, kind: EventKind, from = -Infinity) => log.pages.filter((_, i) => log.kinds[i] === kind && log.times[i] >= from);
/** The times of `log`'s events of `kind`, in order. */
const timesOf = (log: EventLog, kind: EventKind) => log.times.filter((_, i) => log.kinds[i] === kind);
/** When the process faulted, in order. */
const faultTimes = (log: EventLog) => timesOf(log, EVENT_FAULT);
/** The index of the last of `pages` for which `is` holds, or -1. */
const lastWhere = (pages: number[], is: (p: number) => boolean) => Math.max(-1, ...pages.map((p, i) => (is(p) ? i : -1)));

describe("the adaptive push after a lightweight freeze", () => {
  it.each(["wasm", "reference"] as const)("sends what the scans saw first, then the rest, until home holds nothing (%s core)", async (core) => {
    const log = await ampomPlusEvents(core, workload, before.length);
    const pushed = pagesOf(log, EVENT_PUSH);
    const lastSeen = lastWhere(pushed, (p) => p >= 32);
    const firstOld = pushed.findIndex((p) => p < 32);
    expect(lastSeen).toBeGreaterThanOrEqual(0);
    // the old pages are pushed (the process comes back to them), and only after the hot ones
    expect(firstOld).toBeGreaterThan(lastSeen);
    const moved = new Set(log.pages.filter((_, i) => log.kinds[i] === EVENT_ARRIVAL || log.kinds[i] === EVENT_EAGER));
    expect([...OLD, ...HOT].filter((p) => !moved.has(p))).toEqual([]);
  });
});

describe("the adaptive push when the process goes into memory no kept scan saw", () => {
  // 64 pages touched once at the start, then 256 used over and over (~200 us, twenty
  // scan windows); after the migration the process goes through the first 64 in a
  // scattered order no stream follows, and never back to the 256
  const old = range(0, 64);
  const hot = range(64, 320);
  const random = new Random(1);
  for (let i = old.length - 1; i > 0; i--) {
    const j = random.below(i + 1);
    [old[i], old[j]] = [old[j], old[i]];
  }
  const first: TraceRecord[] = [
    ...range(0, 64).map((page) => ({ page, gap: 1 })),
    ...Array.from({ length: 50 }, () => hot.map((page) => ({ page, gap: 16 }))).flat(),
  ];
  const w = traceWorkload([320], [...first, ...old.map((page) => ({ page, gap: 10_000 }))]);

  it.each(["wasm", "reference"] as const)("sends those pages too once most of the recent faults fall there (%s core)", async (core) => {
    const log = await ampomPlusEvents(core, w, first.length);
    const pushed = pagesOf(log, EVENT_PUSH);
    const pushTimes = timesOf(log, EVENT_PUSH);
    const firstOld = pushed.findIndex((p) => p < 64);
    const lastHot = lastWhere(pushed, (p) => p >= 64);
    // they go while the pages the scans saw are still going out
    expect(firstOld).toBeGreaterThanOrEqual(0);
    expect(firstOld).toBeLessThan(lastHot);
    // but not before home has heard of 17 faults there, more than half of 32
    const faults = faultTimes(log);
    expect(faults.length).toBeGreaterThanOrEqual(17);
    expect(pushTimes[firstOld]).toBeGreaterThanOrEqual(faults[16] + 656 + 25_000);
  });
});

describe("the adaptive push when the process sweeps its data again", () => {
  // 32 pages swept in a fixed scattered order, a quarter at a time, each quarter for two
  // scan windows; after the migration the same sweep again
  const sweep = Array.from({ length: 32 }, (_, i) => (i * 13) % 32);
  const quarter = (page: number) => Math.floor(sweep.indexOf(page) / 8);
  const first: TraceRecord[] = [];
  for (let q = 0; q < 4; q++) for (let r = 0; r < 20; r++) for (const page of sweep.slice(8 * q, 8 * q + 8)) first.push({ page, gap: 125 });
  const again: TraceRecord[] = sweep.map((page) => ({ page, gap: 10_000 }));
  const swept = traceWorkload([32], [...first, ...again]);

  it.each(["wasm", "reference"] as const)("replays it quarter by quarter, oldest first, once two faults show it (%s core)", async (core) => {
    const log = await ampomPlusEvents(core, swept, first.length);
    const faults = faultTimes(log);
    expect(faults.length).toBeGreaterThanOrEqual(2);
    // the second fault (in the first quarter, as the first) is known at home a request's
    // trip later (gige-2008: 656 ns for its bytes, 25 us latency)
    const known = faults[1] + 656 + 25_000;
    const quarters = pagesOf(log, EVENT_PUSH, known).map(quarter);
    expect(quarters.length).toBeGreaterThan(8);
    // recency would send the newest quarter first; the replay goes through them in order
    expect(quarters).toEqual([...quarters].sort((a, b) => a - b));
    expect(quarters[0]).toBe(0);
  });
});

// A one-pass sweep: SWEEP_HOT is used all along, SWEEP_MID a while, early on, and SWEEP
// is streamed through once, in address order, a few pages each scan window, while
// SWEEP_HOT goes on. After the migration the process uses SWEEP_HOT and SWEEP_MID again
// and never SWEEP.
const SWEEP_HOT = range(0, 16);
const SWEEP_MID = range(64, 72);
const SWEEP = range(16, 64);
const afterSweep: TraceRecord[] = [...SWEEP_HOT, ...SWEEP_MID].map((page) => ({ page, gap: 10_000 }));

/** The records before the migration; with `ended`, SWEEP_HOT goes on alone for a few
 * scan windows after the sweep, else the sweep is still going at the freeze. */
function sweepBefore(ended: boolean): TraceRecord[] {
  const before: TraceRecord[] = [];
  SWEEP.forEach((page, k) => {
    before.push({ page, gap: 16 });
    for (let r = 0; r < 6; r++) for (const h of SWEEP_HOT) before.push({ page: h, gap: 16 });
    if (k < 16) for (const m of SWEEP_MID) before.push({ page: m, gap: 16 });
  });
  if (ended) for (let r = 0; r < 100; r++) for (const h of SWEEP_HOT) before.push({ page: h, gap: 16 });
  return before;
}

describe("the adaptive push and a one-pass sweep before the migration", () => {
  const before = sweepBefore(true);
  const workload = traceWorkload([80], [...before, ...afterSweep]);

  it.each(["wasm", "reference"] as const)("sends the swept pages after every other page the scans saw (%s core)", async (core) => {
    const log = await ampomPlusEvents(core, workload, before.length);
    const pushed = pagesOf(log, EVENT_PUSH);
    const firstSwept = pushed.findIndex((p) => p >= 16 && p < 64);
    const lastMid = lastWhere(pushed, (p) => p >= 64);
    expect(lastMid).toBeGreaterThanOrEqual(0);
    // recency alone would send the newer windows' swept pages before MID's older window
    expect(firstSwept).toBeGreaterThan(lastMid);
  });

  it.each(["wasm", "reference"] as const)("follows the sweep when the process sweeps again (%s core)", async (core) => {
    const again = traceWorkload([80], [...before, ...SWEEP.map((page) => ({ page, gap: 10_000 }))]);
    const log = await ampomPlusEvents(core, again, before.length);
    const faults = faultTimes(log);
    expect(faults.length).toBeGreaterThanOrEqual(2);
    // from when home knows of the second fault (its request's trip later), the swept
    // pages go in the order they were swept, window by window (the replay order)
    const known = faults[1] + 656 + 25_000;
    const next = pagesOf(log, EVENT_PUSH, known).slice(0, 12);
    expect(next.length).toBe(12);
    expect(next.every((p) => p >= 16 && p < 64)).toBe(true);
  });
});

describe("the adaptive push and a one-pass sweep still going at the freeze", () => {
  // the newest scan window saw the pages the sweep has just left behind
  const before = sweepBefore(false);
  const workload = traceWorkload([80], [...before, ...afterSweep]);

  it.each(["wasm", "reference"] as const)("sends the pages the sweep has just left after every other page the scans saw (%s core)", async (core) => {
    const log = await ampomPlusEvents(core, workload, before.length);
    const pushed = pagesOf(log, EVENT_PUSH);
    const lastMid = lastWhere(pushed, (p) => p >= 64);
    expect(lastMid).toBeGreaterThanOrEqual(0);
    // recency alone would send the newest window's swept pages first of all
    expect(pushed.slice(0, lastMid).filter((p) => p >= 16 && p < 64)).toEqual([]);
  });
});

describe("the trail of a one-pass sweep in the scan bits (sweptOnce)", () => {
  const W = (...windows: number[]) => windows.reduce((b, w) => b | (1 << w), 0);
  // an ascending sweep over windows 4 to 0: five pages a window, and between two
  // windows' runs the page the sweep was on when a scan ran (seen by both)
  const bits = new Array<number>(64).fill(0);
  const run = (lo: number, w: number) => bits.fill(W(w), lo, lo + 5);
  run(10, 4), (bits[15] = W(4, 3)), run(16, 3), (bits[21] = W(3, 2)), run(22, 2), (bits[27] = W(2, 1));
  run(28, 1), (bits[33] = W(1, 0)), run(34, 0);
  // not trails: a run of window 2 beside no other window's, a page of two windows
  // beside no trail, a run of three pages, and pages seen in windows far apart
  run(45, 2);
  bits[52] = W(2, 1);
  bits.fill(W(3), 55, 58);
  bits.fill(W(5, 1), 59, 64);
  const swept = sweptOnce(bits);
  const sweptPages = range(0, 64).filter((p) => swept[p] === 1);

  it("holds every run of the trail, the newest window's too, and the seams between them", () => {
    expect(sweptPages).toEqual([...range(10, 33), ...range(34, 39)]);
  });

  it("leaves the seam between the newest two windows (page 33) to recency", () => {
    expect(swept[33]).toBe(0);
  });

  it("holds nothing when the newest window's run is the only one", () => {
    const alone = new Array<number>(16).fill(0).fill(W(0), 4, 12);
    expect(Array.from(sweptOnce(alone))).toEqual(new Array(16).fill(0));
  });
});
