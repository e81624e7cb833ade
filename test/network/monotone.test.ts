// A better network never makes a run slower where nothing decides by timing: demand
// paging, the oracle's stream in first-use order and a full copy wait on the link and
// nothing else, so on random traces their runtime and stall do not grow as the bandwidth
// rises, nor shrink as the latency or the background load rises. Demand paging's remote
// faults do not depend on the network at all. The policies and push orders that react to
// timing (a window sized by the paging rate, a push that follows the faults it hears of)
// are left out: for them a faster link may change a decision, and a run may be slower.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveOptions, type RunOptions } from "../../src/sim/options.js";
import { runScenario } from "../../src/sim/simulate.js";
import type { Metrics } from "../../src/sim/metrics.js";
import { traceWorkload, type TraceRecord } from "../migration/trace-workload.js";

/** Each axis's values from the best network to the worst. */
const AXES: Record<string, Array<Partial<RunOptions>>> = {
  bandwidth: ["100Gbps", "10Gbps", "1Gbps", "100Mbps"].map((bandwidth) => ({ bandwidth })),
  latency: ["0us", "5us", "50us", "200us"].map((latency) => ({ latency })),
  background: [0, 0.3, 0.6, 0.9].map((background) => ({ background })),
};

const CONFIGS: Array<Pick<RunOptions, "mechanism" | "policy">> = [
  { mechanism: "lightweight", policy: "none" },
  { mechanism: "lightweight", policy: "oracle" },
  { mechanism: "full-copy", policy: "none" },
];

const traceArb = fc.record({
  regions: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 3 }),
  picks: fc.array(fc.tuple(fc.nat(), fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 20_000, max: 200_000 })), fc.boolean()), { minLength: 4, maxLength: 120 }),
  sweep: fc.boolean(),
  migrateAt: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
  link: fc.constantFrom<RunOptions["link"]>("fifo", "priority"),
  eagerPages: fc.constantFrom(0, 3),
  // 0.01 ns an access: the process touches pages faster than the link brings them
  cpuNsPerAccess: fc.constantFrom<number | undefined>(undefined, 0.01),
});

describe("a better network", () => {
  it("never slows demand paging, the oracle or a full copy, and leaves demand paging's faults as they are", async () => {
    await fc.assert(
      fc.asyncProperty(traceArb, async ({ regions, picks, sweep, migrateAt, link, eagerPages, cpuNsPerAccess }) => {
        const pages = regions.reduce((a, b) => a + b, 0);
        const records: TraceRecord[] = picks.map(([p, gap, write], i) => ({ page: (sweep ? i : p) % pages, gap, write }));
        const workload = traceWorkload(regions, records);
        const base: RunOptions = { workload: "trace", network: "gige-2008", migrateAt, link, cpuNsPerAccess, baselines: false };
        const faults = new Set<number>();
        for (const config of CONFIGS) {
          for (const [axis, steps] of Object.entries(AXES)) {
            let before: Metrics | undefined;
            for (const step of steps) {
              // a copy takes no eager pages
              const eager = config.mechanism === "full-copy" ? {} : { eagerPages };
              const m = await runScenario(resolveOptions({ ...base, ...eager, ...config, ...step }), workload);
              const what = `${config.mechanism}/${config.policy}, ${axis} ${Object.values(step)[0]}`;
              if (before) {
                expect(m.runtimeNs, what).toBeGreaterThanOrEqual(before.runtimeNs);
                expect(m.stallNs, what).toBeGreaterThanOrEqual(before.stallNs);
                expect(m.freezeNs, what).toBeGreaterThanOrEqual(before.freezeNs);
              }
              if (config.policy === "none" && config.mechanism === "lightweight") faults.add(m.remoteFaults);
              before = m;
            }
          }
        }
        expect([...faults], "demand paging's remote faults under every network").toHaveLength(1);
      }),
      { numRuns: 200, seed: 20261207 },
    );
  });
});
