// Event logs: the in-memory EventLog (the report's fault timeline) and what any sink
// receives. A hand-worked scenario gives the exact sequence of events and ties their
// times to the metrics; on every mechanism the counts of each kind equal what the
// metrics count; logging never changes a run; events come in time order.
import { describe, expect, it } from "vitest";
import { networkPresets } from "../../src/network/presets.js";
import {
  EVENT_ARRIVAL, EVENT_COPY, EVENT_DONE, EVENT_EAGER, EVENT_FAULT, EVENT_MIGRATE, EVENT_PREFETCH, EVENT_PUSH,
  EventLog, MIGRATE_CALLED_OFF, MIGRATE_DECISION, MIGRATE_FREEZE, MIGRATE_RESUME, type EventKind,
} from "../../src/sim/event-log.js";
import { resolveOptions, type RunOptions } from "../../src/sim/options.js";
import { runScenario, scenarioWorkload } from "../../src/sim/simulate.js";
import type { Metrics } from "../../src/sim/metrics.js";
import { mixedTrace, traceWorkload, type TraceRecord } from "../migration/trace-workload.js";

const MESSAGE = 4096 + networkPresets["gige-2008"].pageHeaderBytes;

/** Events of one log as (kind, page, arg) triples, in the order received. */
function sequence(log: EventLog): Array<[EventKind, number, number]> {
  return log.kinds.map((k, i) => [k, log.pages[i], log.args[i]]);
}

describe("event log: a hand-worked scenario", () => {
  // one region of 8 pages; at home the process touches pages 0..5 (100 accesses each,
  // 1 ns an access: the decision comes at 600 ns), then migrates (lightweight, the 3
  // most recently used pages 5, 4, 3 go with the context) and touches 5 (there), 0 and
  // 1 (remote faults), 0 again (a hit)
  const records: TraceRecord[] = [0, 1, 2, 3, 4, 5, 5, 0, 1, 0].map((page) => ({ page, gap: 100 }));
  const workload = traceWorkload([8], records);
  const s = resolveOptions({ workload: "trace", migrateAt: 0.6, policy: "none", eagerPages: 3, cpuNsPerAccess: 1, baselines: false });

  it("gives the exact events, and times that agree with the metrics", async () => {
    const log = new EventLog();
    const m = await runScenario(s, workload, { events: log });
    expect(m.remoteFaults).toBe(2);
    expect(sequence(log)).toEqual([
      [EVENT_MIGRATE, -1, MIGRATE_DECISION],
      [EVENT_MIGRATE, -1, MIGRATE_FREEZE],
      [EVENT_EAGER, 5, 0],
      [EVENT_EAGER, 4, 0],
      [EVENT_EAGER, 3, 0],
      [EVENT_ARRIVAL, 5, EVENT_EAGER],
      [EVENT_ARRIVAL, 4, EVENT_EAGER],
      [EVENT_ARRIVAL, 3, EVENT_EAGER],
      [EVENT_MIGRATE, -1, MIGRATE_RESUME],
      [EVENT_FAULT, 0, 0],
      [EVENT_ARRIVAL, 0, EVENT_FAULT],
      [EVENT_FAULT, 1, 0],
      [EVENT_ARRIVAL, 1, EVENT_FAULT],
      [EVENT_DONE, -1, 0],
    ]);
    const t = log.times;
    expect(t[0]).toBe(600);
    expect(t[1]).toBe(600);
    expect(t[8] - t[1]).toBe(m.freezeNs);
    // the process resumes when the last eager page is in
    expect(t[8]).toBe(t[7]);
    // the first fault leaves after record 6's and record 7's work and the trap
    const trap = networkPresets["gige-2008"].faultTrapNs;
    expect(t[9]).toBe(t[8] + 200 + trap);
    // each fault stalls the trap plus request-to-arrival
    expect(2 * trap + (t[10] - t[9]) + (t[12] - t[11])).toBe(m.faultStallNs);
    // the second fault follows the first page's arrival by one record's work and the trap
    expect(t[11]).toBe(t[10] + 100 + trap);
    // the last record's work after the second page is in, then the end
    expect(t[13]).toBe(t[12] + 100);
    expect(t[13]).toBe(m.runtimeNs);
  });
});

describe("event log: counts match the metrics", () => {
  const trace = mixedTrace();
  const workload = traceWorkload([100, 150, 50], trace);
  const cases: Array<[mechanism: string, policy: string, link?: "priority", cpuNsPerAccess?: number]> = [
    ["lightweight", "none"],
    ["lightweight", "linux-vma"],
    ["lightweight", "ampom", "priority"],
    ["lightweight", "bubbling"],
    ["post-copy", "leap"],
    ["post-copy", "ampom", "priority"],
    ["full-copy", "none"],
    // the process ends at home before the freeze: called off
    ["pre-copy", "none"],
    ["pre-copy", "none", "priority"],
    // slow enough for pre-copy's rounds to finish
    ["pre-copy", "none", undefined, 1000],
  ];
  it.each(cases)("%s + %s %s %s", async (mechanism, policy, link, cpuNsPerAccess) => {
    const o: RunOptions = { workload: "trace", migrateAt: 240 / trace.length, mechanism, policy, link, cpuNsPerAccess, baselines: false };
    const log = new EventLog();
    const m = await runScenario(resolveOptions(o), workload, { events: log });
    const plain = await runScenario(resolveOptions(o), workload);
    expect(m).toEqual(plain);
    const via = (kind: EventKind) => log.kinds.filter((k, i) => k === EVENT_ARRIVAL && log.args[i] === kind).length;
    expect(log.count(EVENT_FAULT)).toBe(m.remoteFaults);
    expect(log.count(EVENT_PUSH)).toBe(m.pushedPages);
    // every page sent is one message, and lands once: a page asked for lands as asked, or
    // as pushed when the push had sent it (a fault the push met) or sent it before the
    // home node took the request
    expect(log.count(EVENT_EAGER) + log.count(EVENT_COPY)).toBe(m.bytesMoved.eager / MESSAGE);
    expect(via(EVENT_FAULT)).toBe(m.remoteFaults - m.faultsMetByPush);
    expect(m.bytesMoved.fault / MESSAGE).toBe(via(EVENT_FAULT));
    expect(via(EVENT_PREFETCH)).toBe(m.prefetchedPages);
    expect(m.bytesMoved.prefetch / MESSAGE).toBe(m.prefetchedPages);
    for (const k of [EVENT_PUSH, EVENT_EAGER, EVENT_COPY] as const) expect(via(k), `arrivals via ${k}`).toBe(log.count(k));
    const landedVia = new Map<number, number>();
    log.kinds.forEach((k, i) => k === EVENT_ARRIVAL && landedVia.set(log.pages[i], log.args[i]));
    for (const k of [EVENT_FAULT, EVENT_PREFETCH] as const) {
      const asked = log.pages.filter((_, i) => log.kinds[i] === k);
      for (const p of asked) expect([k, EVENT_PUSH], `page ${p} asked as ${k}`).toContain(landedVia.get(p));
    }
    expect(log.count(EVENT_DONE)).toBe(1);
    expect(log.times[log.kinds.indexOf(EVENT_DONE)]).toBe(m.runtimeNs);
    // time order, and every page in the address space
    for (let i = 1; i < log.length; i++) expect(log.times[i]).toBeGreaterThanOrEqual(log.times[i - 1]);
    expect(log.pages.every((p) => p >= -1 && p < m.pages)).toBe(true);
    if (mechanism === "pre-copy") {
      if (cpuNsPerAccess) expect(m.mechanismStats!.calledOff ?? 0).toBe(0);
      const steps = log.args.filter((_, i) => log.kinds[i] === EVENT_MIGRATE);
      if (m.mechanismStats!.calledOff) {
        expect(steps).toEqual([MIGRATE_DECISION, MIGRATE_CALLED_OFF]);
        // called off when the process ends, not when the round it ended in finishes
        const off = log.args.findIndex((a, i) => log.kinds[i] === EVENT_MIGRATE && a === MIGRATE_CALLED_OFF);
        expect(log.times[off]).toBe(m.runtimeNs);
        expect(off).toBeLessThan(log.kinds.indexOf(EVENT_DONE));
        // and nothing more leaves home (under priority a round hands pages out one a turn)
        expect(log.times.filter((t, i) => log.kinds[i] === EVENT_COPY).every((t) => t <= m.runtimeNs)).toBe(true);
        expect(log.count(EVENT_EAGER)).toBe(0);
      } else {
        expect(steps).toEqual([MIGRATE_DECISION, MIGRATE_FREEZE, MIGRATE_RESUME]);
        expect(m.freezeNs).toBeGreaterThan(0);
        expect(log.count(EVENT_COPY) + log.count(EVENT_EAGER)).toBe(m.mechanismStats!.sentPages);
        expect(log.count(EVENT_EAGER)).toBeGreaterThan(0);
      }
    }
  });
});

describe("event log: kinds and limits", () => {
  for (const [workload, policy] of [["stream", "ampom"], ["hpl", "leap"], ["fft", "linux-vma"]]) {
    it(`${workload} under ${policy}: only faults and prefetches when asked, as the fault timeline does`, async () => {
      const s = resolveOptions({ workload, memory: "2MiB", policy, baselines: false });
      const log = new EventLog(undefined, [EVENT_FAULT, EVENT_PREFETCH]);
      const m = await runScenario(s, await scenarioWorkload(s), { events: log });
      expect(log.count(EVENT_FAULT)).toBe(m.remoteFaults);
      expect(log.length - log.count(EVENT_FAULT)).toBe(m.prefetchedPages);
    });
  }

  it("keeps the node of each event, as the file's lines name it: home until the resume, the destination after", async () => {
    const s = resolveOptions({ workload: "stream", memory: "2MiB", policy: "ampom", baselines: false });
    const log = new EventLog();
    await runScenario(s, await scenarioWorkload(s), { events: log });
    const step = (k: number) => log.kinds.findIndex((kind, i) => kind === EVENT_MIGRATE && log.args[i] === k);
    expect(log.nodes).toHaveLength(log.length);
    expect(log.nodes[step(MIGRATE_DECISION)]).toBe(0);
    expect(log.nodes[step(MIGRATE_RESUME)]).toBe(1);
    expect(log.nodes[log.kinds.indexOf(EVENT_DONE)]).toBe(1);
  });

  it("keeps at most its limit and counts the rest", async () => {
    const s = resolveOptions({ workload: "stream", memory: "2MiB", policy: "none", baselines: false });
    const log = new EventLog(10, [EVENT_FAULT]);
    const m: Metrics = await runScenario(s, await scenarioWorkload(s), { events: log });
    expect(log.length).toBe(10);
    // only the kinds asked for count: the faults past the tenth
    expect(log.dropped).toBe(m.remoteFaults - 10);
  });
});
