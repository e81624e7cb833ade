// The optional event log behind the fault timeline: it records exactly the remote
// faults and prefetch requests the metrics count, and does not change the run.
import { describe, expect, it } from "vitest";
import { EVENT_EAGER, EVENT_FAULT, EVENT_PREFETCH, EventLog } from "../../src/sim/event-log.js";
import { resolveOptions } from "../../src/sim/options.js";
import { runScenario, scenarioWorkload } from "../../src/sim/simulate.js";

const cases: Array<[string, string]> = [["stream", "ampom"], ["hpl", "leap"], ["fft", "linux-vma"], ["stream", "none"]];

describe("event log", () => {
  for (const [workload, policy] of cases) {
    it(`${workload} under ${policy}: one fault event per remote fault, one prefetch event per prefetched page`, async () => {
      const s = resolveOptions({ workload, memory: "2MiB", policy, baselines: false });
      const log = new EventLog();
      const logged = await runScenario(s, await scenarioWorkload(s), { eventLog: log });
      const plain = await runScenario(s, await scenarioWorkload(s));
      expect(logged).toEqual(plain);
      const faults = log.kinds.filter((k) => k === EVENT_FAULT).length;
      expect(faults).toBe(plain.remoteFaults);
      expect(log.kinds.filter((k) => k === EVENT_PREFETCH).length).toBe(plain.prefetchedPages);
      // the lightweight freeze: its decision and resume, and the pages sent with the context
      const eager = log.kinds.filter((k) => k === EVENT_EAGER).length;
      expect(eager).toBeGreaterThan(0);
      expect(eager).toBeLessThanOrEqual(s.eagerPages);
      expect(log.migration!.resumeNs - log.migration!.decisionNs).toBe(plain.freezeNs);
      for (let i = 0; i < log.length; i++) if (log.kinds[i] === EVENT_EAGER) expect(log.times[i]).toBe(log.migration!.decisionNs);
      // times never go backwards, and every page lies in the address space
      for (let i = 1; i < log.length; i++) expect(log.times[i]).toBeGreaterThanOrEqual(log.times[i - 1]);
      expect(log.pages.every((p) => p >= 0 && p < plain.pages)).toBe(true);
    });
  }

  it("keeps at most its limit and counts the rest", async () => {
    const s = resolveOptions({ workload: "stream", memory: "2MiB", policy: "none", baselines: false });
    const log = new EventLog(10);
    const m = await runScenario(s, await scenarioWorkload(s), { eventLog: log });
    expect(log.length).toBe(10);
    // the eager pages are events too (recorded first, at the decision)
    expect(log.dropped).toBe(m.remoteFaults + s.eagerPages - 10);
  });
});
