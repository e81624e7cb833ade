// A push runs at the home node: it may follow the process's remote faults only once
// their requests have reached home, one latency and the request's bytes after the
// process took them.
import { describe, expect, it } from "vitest";
import { EVENT_FAULT, EVENT_PUSH, EventLog } from "../../src/sim/event-log.js";
import { resolveOptions } from "../../src/sim/options.js";
import { runScenario } from "../../src/sim/simulate.js";
import { traceWorkload } from "./trace-workload.js";

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
