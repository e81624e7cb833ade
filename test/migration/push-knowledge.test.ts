// A push runs at the home node: it may follow the process's remote faults only once
// their requests have reached home, one latency and the request's bytes after the
// process took them.
import { describe, expect, it } from "vitest";
import { EVENT_ARRIVAL, EVENT_FAULT, EVENT_PUSH, EventLog } from "../../src/sim/event-log.js";
import { resolveOptions } from "../../src/sim/options.js";
import { runScenario } from "../../src/sim/simulate.js";
import { ascendingPushRun, traceWorkload } from "./trace-workload.js";

// eight pages written at home, then read in ascending order after the migration
const pages = [0, 1, 2, 3, 4, 5, 6, 7];
const workload = traceWorkload([8], [...pages.map((page) => ({ page, gap: 1000, write: true })), ...pages.map((page) => ({ page, gap: 1000 }))]);

describe("a push learns of a fault when its request reaches home", () => {
  it.each(["wasm", "reference"] as const)("bubbling keeps its course until the request for page 0 has arrived (%s core)", async (core) => {
    const s = resolveOptions({
      workload: "trace", core, mechanism: "post-copy", pushOrder: "bubbling", policy: "none", eagerPages: 0,
      migrateAtRecord: 8, baselines: false,
    });
    const log = new EventLog();
    await runScenario(s, workload, { events: log });
    const fault = log.kinds.indexOf(EVENT_FAULT);
    expect(log.pages[fault]).toBe(0);
    // gige-2008: the 82-byte request takes 656 ns at 1 Gb/s, then 25 us of latency
    const atHome = log.times[fault] + 656 + 25_000;
    const pushes = log.kinds.flatMap((k, i) => (k === EVENT_PUSH ? [{ t: log.times[i], page: log.pages[i] }] : []));
    // the bubble grows down from page 7, the page used last, until home hears of the
    // fault; then it moves to the fault and sends the pages above it
    const before = pushes.filter((p) => p.t < atHome);
    expect(before.map((p) => p.page)).toEqual([7, 6]);
    expect(pushes.filter((p) => p.t >= atHome).map((p) => p.page)).toEqual([1, 2, 3, 4, 5]);
  });
});

// What the destination knows of the push, and the home node of the destination's
// requests: each learns of the other's move only when its message arrives.
describe("neither node knows of the other's pages before their messages arrive", () => {
  const EVENT = { push: EVENT_PUSH, arrival: EVENT_ARRIVAL };
  /** Each page's push and arrival times, from the event log. */
  function times(log: EventLog, kind: keyof typeof EVENT, page: number): number[] {
    return log.kinds.flatMap((k, i) => (k === EVENT[kind] && log.pages[i] === page ? [log.times[i]] : []));
  }

  /** ascendingPushRun with one fault, met by the push. */
  async function ascendingPush(core: "wasm" | "reference", written: number, after: Array<{ page: number; gap: number }>) {
    const { m, log } = await ascendingPushRun(core, written, after);
    expect(m.remoteFaults).toBe(1);
    expect(m.faultsMetByPush).toBe(1);
    // the home node sent no answer: the page crossed once, pushed
    expect(m.bytesMoved.fault).toBe(0);
    expect(m.pushedPages).toBe(written);
    return { m, log };
  }

  it.each(["wasm", "reference"] as const)("a touch of a page the push sent but that has not landed is a fault the push meets (%s core)", async (core) => {
    // eight pages written at home; after the migration page 7 is read at once: the
    // ascending push has just sent all eight, page 7 last
    // the destination did not know page 7 was coming: a remote fault, whose request the
    // home node does not answer (the page went already)
    const { m, log } = await ascendingPush(core, 8, [{ page: 7, gap: 1000 }, { page: 6, gap: 1000 }]);
    expect(m.latePrefetches).toBe(0);
    // the process goes on when the pushed page lands: 8 pages of 4,178 bytes at 1 Gb/s
    // and 25 us of latency after the push began; then 1 us of work for page 6 (here by
    // then)
    const [pushed] = times(log, "push", 7);
    const [landed] = times(log, "arrival", 7);
    expect(landed).toBe(pushed + 8 * 33_424 + 25_000);
    expect(m.runtimeNs).toBe(landed + 1000);
  });

  it.each(["wasm", "reference"] as const)("the push may send a page whose request has not reached home, and the answer skips it (%s core)", async (core) => {
    // 40 pages at home; the ascending push sends pages 0-15, then 16-39 once the link has
    // carried the first 16 (534,784 ns later: 509,784 ns after the resume). The process
    // faults on page 20 497 us after the resume (495 us of work, 2 us of trap); its
    // request reaches home 25,656 ns later, after the second chunk has left with page 20
    const { m, log } = await ascendingPush(core, 40, [{ page: 20, gap: 495_000 }]);
    expect(times(log, "push", 20)).toHaveLength(1);
    const [landed] = times(log, "arrival", 20);
    // the second chunk: page 20 is its fifth page
    const [chunk] = times(log, "push", 16);
    const [fault] = log.kinds.flatMap((k, i) => (k === EVENT_FAULT ? [log.times[i]] : []));
    expect(fault).toBeLessThan(chunk);
    expect(fault + 656 + 25_000).toBeGreaterThan(chunk);
    expect(landed).toBe(chunk + 5 * 33_424 + 25_000);
    expect(m.runtimeNs).toBe(landed);
  });
});
