// What each mechanism moves: post-copy ends with every page moved, or pushes no more once
// the process has ended; no mechanism sends
// a page twice (bytes against pages); pre-copy converges and its freeze shrinks with
// the write set; invalid mechanism/policy pairs are refused with the reason.
import { describe, expect, it } from "vitest";
import { mechanisms } from "../../src/migration/registry.js";
import { pushOrders } from "../../src/migration/push-orders/index.js";
import { policies } from "../../src/policies/registry.js";
import { resolveOptions, type RunOptions } from "../../src/sim/options.js";
import { runScenario, simulate } from "../../src/sim/simulate.js";
import { EVENT_DONE, EVENT_EAGER, EVENT_MIGRATE, EVENT_PUSH, EventLog, MIGRATE_FREEZE, MIGRATE_RESUME } from "../../src/sim/event-log.js";
import type { Metrics } from "../../src/sim/metrics.js";
import { mixedTrace, pagesTouched, traceWorkload, type TraceRecord } from "./trace-workload.js";

const MESSAGE = 4096 + 82; // gige-2008 page message

const trace = mixedTrace();
const workload = traceWorkload([100, 150, 50], trace);
const migrateAt = 240 / trace.length;
const existing = pagesTouched(trace, 240).size;

async function run(o: RunOptions): Promise<Metrics> {
  return runScenario(resolveOptions({ workload: "trace", migrateAt, policy: "none", baselines: false, ...o }), workload);
}

/** Faulting pages the home node sent (a fault on a page the push had sent already is
 * met by the push). */
function faultPagesSent(m: Metrics): number {
  return m.bytesMoved.fault / MESSAGE;
}

function pagesSent(m: Metrics): number {
  const b = m.bytesMoved;
  return (b.eager + b.fault + b.prefetch + b.push) / MESSAGE;
}

describe("post-copy", () => {
  for (const order of Object.keys(pushOrders)) {
    it(`moves every page, each once, when the process outlives the push (push order ${order})`, async () => {
      // 200 ns an access: the push ends long before the process does
      const m = await run({ mechanism: "post-copy", pushOrder: order, cpuNsPerAccess: 200 });
      expect(pagesSent(m)).toBe(existing);
      expect(m.bytesMoved.push).toBeGreaterThan(0);
      // pages pushed + faulted + eager = every page that existed at home
      expect(m.pushedPages + faultPagesSent(m) + 3).toBe(existing);
      expect(m.mechanismStats!.pushCutShort).toBe(0);
    });

    it(`pushes nothing after the process has ended (push order ${order})`, async () => {
      // migrated 20 records before the end: the process ends long before the push would
      const at = trace.length - 20;
      const events = new EventLog();
      const m = await runScenario(resolveOptions({ workload: "trace", migrateAt: at / trace.length, policy: "none", baselines: false, mechanism: "post-copy", pushOrder: order }), workload, { events });
      const done = events.times[events.kinds.indexOf(EVENT_DONE)];
      expect(done).toBe(m.runtimeNs);
      const pushes = events.times.filter((_, i) => events.kinds[i] === EVENT_PUSH);
      expect(pushes.length).toBe(m.pushedPages);
      expect(pushes.length).toBeGreaterThan(0);
      expect(Math.max(...pushes)).toBeLessThanOrEqual(done);
      // the rest stayed home
      expect(m.pushedPages + faultPagesSent(m) + 3).toBeLessThan(pagesTouched(trace, at).size);
      expect(m.mechanismStats!.pushCutShort).toBe(1);
    });
  }

  it("says the push was cut short exactly when pages stayed home", async () => {
    // migration points and a CPU speed at which the process ends around the push's end
    let cut = 0;
    let whole = 0;
    for (const order of ["ascending", "bubbling"]) {
      for (let at = 560; at <= 820; at += 13) {
        const m = await runScenario(
          resolveOptions({ workload: "trace", migrateAt: at / trace.length, policy: "none", baselines: false, mechanism: "post-copy", pushOrder: order, cpuNsPerAccess: 40 }),
          workload,
        );
        const stayed = m.pushedPages + faultPagesSent(m) + 3 < pagesTouched(trace, at).size;
        expect(m.mechanismStats!.pushCutShort, `${order} at record ${at}`).toBe(stayed ? 1 : 0);
        if (stayed) cut++;
        else whole++;
      }
    }
    expect(cut).toBeGreaterThan(0);
    expect(whole).toBeGreaterThan(0);
  });

  it("lets a fault in between pushed pages: faults are served while the push runs", async () => {
    const demand = await run({ mechanism: "lightweight" });
    const post = await run({ mechanism: "post-copy", pushOrder: "ascending" });
    expect(post.remoteFaults).toBeGreaterThan(0);
    expect(post.remoteFaults).toBeLessThan(demand.remoteFaults);
    // a fault's wait is bounded by one ascending chunk (1024 pages) behind it, not the whole push
    expect(post.faultStallNs / post.remoteFaults).toBeLessThan(1100 * 33_424);
  });
});

describe("no page is ever sent twice", () => {
  it("full-copy sends each page that exists at the freeze once", async () => {
    const m = await run({ mechanism: "full-copy" });
    expect(m.bytesMoved.eager / MESSAGE).toBe(existing);
  });

  for (const policy of Object.keys(policies)) {
    for (const mechanism of ["lightweight", "post-copy"]) {
      it(`${mechanism} + ${policy}: pages sent = distinct pages moved, at most the pages that existed`, async () => {
        const m = await run({ mechanism, policy });
        const sent = pagesSent(m);
        expect(Number.isInteger(sent)).toBe(true);
        const prefetched = m.bytesMoved.prefetch / MESSAGE;
        expect(sent).toBe(3 + faultPagesSent(m) + prefetched + m.pushedPages);
        expect(faultPagesSent(m)).toBe(m.remoteFaults - m.faultsMetByPush);
        expect(sent).toBeLessThanOrEqual(existing);
      });
    }
  }

  for (const link of ["fifo", "priority"] as const) {
    it(`pre-copy re-sends a page only after it was written again, and counts the pages that left (${link} link)`, async () => {
      // long compute so rounds finish while the process still runs at home; under the
      // priority link a page leaves turns after the order chose it (it counted 16 pages
      // as sent where one had left, and cleared their dirty bits early)
      const m = await run({ mechanism: "pre-copy", cpuNsPerAccess: 500, link });
      const stats = m.mechanismStats!;
      expect(stats.rounds).toBeGreaterThanOrEqual(1);
      expect(m.bytesMoved.eager / MESSAGE).toBe(stats.sentPages);
      expect(stats.sentPages - stats.resentPages).toBe(stats.pagesAtDestination);
      expect(m.remoteFaults).toBe(0);
    });
  }
  it("pre-copy called off counts only the pages that left before the process ended", async () => {
    // random at 2 MiB ends at home 65.5 us in: a burst of 16 pages has left under the
    // fifo link, one page under the priority link (which counted 16)
    for (const [link, pages] of [["fifo", 16], ["priority", 1]] as const) {
      const m = await simulate({ workload: "random", memory: "2MiB", mechanism: "pre-copy", link, baselines: false });
      expect(m.mechanismStats!.calledOff).toBe(1);
      expect(m.mechanismStats!.sentPages).toBe(pages);
      expect(m.bytesMoved.eager).toBe(pages * MESSAGE);
    }
  });
  it("refuses a burst larger than a delivery batch, for both copying mechanisms", () => {
    for (const mechanism of ["full-copy", "pre-copy"]) {
      expect(() => resolveOptions({ mechanism, mechanismParams: { burstPages: 8193 } })).toThrow(/burstPages/);
      expect(resolveOptions({ mechanism, mechanismParams: { burstPages: 8192 } }).mechanismParams.burstPages).toBe(8192);
    }
  });
});

describe("pre-copy", () => {
  /** 256 pages, all written once; then `writeSet` pages written over and over while
   * every page is read, for long enough that live rounds run. */
  function hotTrace(writeSet: number): TraceRecord[] {
    const rec: TraceRecord[] = [];
    for (let p = 0; p < 256; p++) rec.push({ page: p, gap: 10, write: true });
    for (let i = 0; i < 20_000; i++) {
      rec.push({ page: i % writeSet, gap: 100, write: true });
      rec.push({ page: 255 - (i % 200), gap: 100 });
    }
    return rec;
  }
  async function preCopy(writeSet: number, extra: RunOptions = {}): Promise<Metrics> {
    const t = hotTrace(writeSet);
    return runScenario(
      resolveOptions({ workload: "trace", mechanism: "pre-copy", migrateAt: 256 / t.length, baselines: false, cpuNsPerAccess: 20, ...extra }),
      traceWorkload([256], t),
    );
  }

  it("converges under the threshold when the write set is small, and freezes briefly", async () => {
    const small = await preCopy(4);
    const full = await runScenario(
      resolveOptions({ workload: "trace", mechanism: "full-copy", migrateAt: 256 / 40_256, baselines: false, cpuNsPerAccess: 20 }),
      traceWorkload([256], hotTrace(4)),
    );
    expect(small.mechanismStats!.pagesAtFreeze).toBeLessThan(50);
    expect(small.mechanismStats!.rounds).toBeLessThan(30);
    expect(small.mechanismStats).toMatchObject({ converged: 1, stoppedByMaxRounds: 0, stoppedByMaxFactor: 0, stoppedByNoProgress: 0 });
    expect(small.freezeNs).toBeGreaterThan(0);
    expect(small.freezeNs).toBeLessThan(full.freezeNs / 10);
  });

  it("reports a copy with nothing to send as converged alone, not also stopped at a limit", async () => {
    // at --migrate-at 0 no page exists: 0 pages sent were also 3 x 0, and both flags read 1
    const m = await simulate({ workload: "random", memory: "1MiB", mechanism: "pre-copy", migrateAt: 0, baselines: false });
    expect(m.mechanismStats).toMatchObject({ rounds: 1, sentPages: 0, converged: 1, stoppedByMaxRounds: 0, stoppedByMaxFactor: 0, stoppedByNoProgress: 0 });
  });

  it("freezes longer when the write set is large", async () => {
    const small = await preCopy(4);
    const large = await preCopy(150);
    expect(large.mechanismStats!.pagesAtFreeze).toBeGreaterThan(small.mechanismStats!.pagesAtFreeze);
    expect(large.freezeNs).toBeGreaterThan(small.freezeNs);
  });

  it("stops at the round limit when the dirty set never shrinks under the threshold", async () => {
    const m = await preCopy(150, { mechanismParams: { maxRounds: 2, stopPages: 1 } });
    expect(m.mechanismStats!.rounds).toBe(2);
    // and says so: the copy froze at a limit, not converged
    expect(m.mechanismStats).toMatchObject({ converged: 0, stoppedByMaxRounds: 1 });
  });

  it("freezes when the process stops, not before: the process may run past a round's end within a record", async () => {
    // b_eff's records are long: on rdma-100g its one round ends inside one
    const log = new EventLog();
    const m = await simulate({ workload: "beff", memory: "2MiB", network: "rdma-100g", mechanism: "pre-copy", baselines: false }, { events: log });
    expect(m.mechanismStats!.pagesAtDestination).toBeGreaterThan(0);
    expect(m.freezeNs).toBeGreaterThan(0);
    const at = (step: number) => log.times[log.kinds.findIndex((k, i) => k === EVENT_MIGRATE && log.args[i] === step)];
    expect(at(MIGRATE_RESUME) - at(MIGRATE_FREEZE)).toBe(m.freezeNs);
    // nothing of the stop-and-copy leaves before the freeze
    for (let i = 0; i < log.length; i++) if (log.kinds[i] === EVENT_EAGER) expect(log.times[i]).toBeGreaterThanOrEqual(at(MIGRATE_FREEZE));
  });

  for (const core of ["wasm", "reference"] as const) {
    it(`sends a page again when a record writes it after a copy turn that fell inside the record's work (${core} core)`, async () => {
      // 200 pages written, then one record that computes 1 ms and then writes page 20;
      // the round copies page 20 about 0.5 ms in, while that record computes
      const rec: TraceRecord[] = Array.from({ length: 200 }, (_, p) => ({ page: p, gap: 1, write: true }));
      rec.push({ page: 20, gap: 1_000_000, write: true });
      for (let i = 0; i < 400; i++) rec.push({ page: i % 2, gap: 50_000 });
      const opts = { workload: "trace", mechanism: "pre-copy", migrateAt: 200 / rec.length, baselines: false, cpuNsPerAccess: 1, core } as const;
      const m = await runScenario(resolveOptions(opts), traceWorkload([200], rec));
      // one round (the write set is under the threshold), then page 20 again with the rest
      expect(m.mechanismStats).toMatchObject({ rounds: 1, sentPages: 201, resentPages: 1, pagesAtDestination: 200 });
      expect(m.bytesMoved.eager / MESSAGE).toBe(201);
    });

    it(`leaves the access of the record a round ended in to the destination (${core} core)`, async () => {
      // round 1 (11 pages, ~0.37 ms) ends inside a 1 ms record that writes page 5: the
      // freeze comes when the work ends, and the write after it, at the destination
      const rec: TraceRecord[] = Array.from({ length: 11 }, (_, p) => ({ page: p, gap: 1, write: true }));
      rec.push({ page: 5, gap: 1_000_000, write: true });
      for (let i = 0; i < 200; i++) rec.push({ page: i % 2, gap: 10_000 });
      const opts = { workload: "trace", mechanism: "pre-copy", migrateAt: 11 / rec.length, baselines: false, cpuNsPerAccess: 1, core } as const;
      const m = await runScenario(resolveOptions(opts), traceWorkload([11], rec));
      expect(m.mechanismStats).toMatchObject({ rounds: 1, sentPages: 11, resentPages: 0, pagesAtFreeze: 0 });
      expect(m.remoteFaults).toBe(0);
    });
  }

  it("calls the migration off when the process ends at home first", async () => {
    const m = await run({ mechanism: "pre-copy", cpuNsPerAccess: 0.001 });
    expect(m.freezeNs).toBe(0);
    expect(m.mechanismStats!.pagesAtDestination).toBeUndefined();
    expect(m.mechanismStats!.calledOff).toBe(1);
  });
});

describe("time trigger", () => {
  const records = Array.from({ length: 100 }, (_, i) => ({ page: (i * 7) % 40, gap: 1000, write: i % 2 === 0 }));
  const w = traceWorkload([40], records);
  it("deciding at 50 us is deciding after record 50 when records take 1 us each", async () => {
    for (const mechanism of ["lightweight", "full-copy", "post-copy"]) {
      const byTime = await runScenario(resolveOptions({ workload: "trace", mechanism, migrateAtTime: "50us", baselines: false }), w);
      const byFraction = await runScenario(resolveOptions({ workload: "trace", mechanism, migrateAt: 0.5, baselines: false }), w);
      expect(byTime).toEqual(byFraction);
    }
  });
  it("a time after the end is refused: a run without its migration is not one", async () => {
    await expect(runScenario(resolveOptions({ workload: "trace", migrateAtTime: "1s", baselines: false }), w)).rejects.toThrow(
      /^option migrateAtTime \(--migrate-at-time\): 1\.000s is past the end of the run: trace finished at home at \S+, so nothing migrated$/,
    );
  });
});

describe("mechanism and policy pairs", () => {
  it("gives mechanisms that copy everything before resuming policy none only, and says why", () => {
    for (const mechanism of ["full-copy", "pre-copy"]) {
      for (const policy of ["oracle", "bubbling", "ampom-plus"]) {
        expect(() => resolveOptions({ mechanism, policy })).toThrow(
          new RegExp(`^mechanism ${mechanism} takes policy none only: it moves every page before the process resumes, .* policy ${policy} would have nothing to push; use policy ${policy} with lightweight or post-copy$`),
        );
      }
      for (const policy of ["ampom", "linux-cluster", "leap", "./my-policy.ts"]) {
        expect(() => resolveOptions({ mechanism, policy })).toThrow(/takes policy none only: .* would never run; use /);
      }
      // and none is their default, where the others default to ampom
      expect(resolveOptions({ mechanism }).policy).toBe("none");
      expect(resolveOptions({ mechanism, policy: "none" }).policy).toBe("none");
    }
    expect(resolveOptions({ mechanism: "lightweight" }).policy).toBe("ampom");
    expect(resolveOptions({ mechanism: "post-copy" }).policy).toBe("ampom");
  });
  it("refuses a push order outside post-copy, an unknown one, and a conflicting one", () => {
    expect(() => resolveOptions({ mechanism: "lightweight", pushOrder: "forward" })).toThrow(/post-copy only/);
    expect(() => resolveOptions({ mechanism: "post-copy", pushOrder: "sideways" })).toThrow(/unknown push order "sideways"/);
    expect(() => resolveOptions({ mechanism: "post-copy", policy: "oracle", pushOrder: "forward" })).toThrow(/own order/);
  });
  it("refuses unknown mechanism parameters, naming the known ones", () => {
    expect(() => resolveOptions({ mechanism: "pre-copy", mechanismParams: { rounds: 3 } })).toThrow(/no parameter "rounds".*maxRounds/);
  });
  it("lightweight + bubbling runs the same schedule as post-copy with the bubbling order", async () => {
    const a = await run({ mechanism: "lightweight", policy: "bubbling" });
    const b = await run({ mechanism: "post-copy", pushOrder: "bubbling" });
    expect(a.runtimeNs).toBe(b.runtimeNs);
    expect(a.bytesMoved).toEqual(b.bytesMoved);
  });
  it("every mechanism is registered with documented parameters", () => {
    expect(Object.keys(mechanisms)).toEqual(["full-copy", "lightweight", "pre-copy", "post-copy"]);
    for (const m of Object.values(mechanisms)) for (const p of m.params) expect(p.description.length).toBeGreaterThan(10);
  });
});
