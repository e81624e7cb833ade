// The adaptive push after a lightweight freeze (ampom-plus's): the pages the kept
// accessed-bit scans saw go first, the pages last touched before the scans' reach only
// after all of them, and by the end every page that was at home has moved.
import { describe, expect, it } from "vitest";
import { EVENT_ARRIVAL, EVENT_EAGER, EVENT_PUSH, EventLog } from "../../src/sim/event-log.js";
import { resolveOptions } from "../../src/sim/options.js";
import { runScenario } from "../../src/sim/simulate.js";
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

describe("the adaptive push after a lightweight freeze", () => {
  it.each(["wasm", "reference"] as const)("sends what the scans saw first, then the rest, until home holds nothing (%s core)", async (core) => {
    const s = resolveOptions({
      workload: "trace", core, policy: "ampom-plus", cpuNsPerAccess: 1, scanInterval: "10us",
      migrateAtRecord: before.length, baselines: false,
    });
    const log = new EventLog();
    await runScenario(s, workload, { events: log });
    const pushed = log.pages.filter((_, i) => log.kinds[i] === EVENT_PUSH);
    const lastSeen = Math.max(...pushed.map((p, i) => (p >= 32 ? i : -1)));
    const firstOld = pushed.findIndex((p) => p < 32);
    expect(lastSeen).toBeGreaterThanOrEqual(0);
    // the old pages are pushed (the process comes back to them), and only after the hot ones
    expect(firstOld).toBeGreaterThan(lastSeen);
    const moved = new Set(log.pages.filter((_, i) => log.kinds[i] === EVENT_ARRIVAL || log.kinds[i] === EVENT_EAGER));
    expect([...OLD, ...HOT].filter((p) => !moved.has(p))).toEqual([]);
  });
});
