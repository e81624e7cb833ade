// Scenarios small enough to work out on paper: every nanosecond of the runtime is
// accounted for in the test itself.
import { describe, expect, it } from "vitest";
import { REC_WRITE } from "../../src/core/abi.js";
import { resolveOptions } from "../../src/sim/options.js";
import { runScenario } from "../../src/sim/simulate.js";
import { arrayWorkload } from "./helpers.js";

// gige-2008 costs the scenarios use (src/network/presets.ts)
const CONTEXT = 8192;
const PAGE_MSG = 4096 + 82; // page + header
const REQUEST = 82; // request header, no prefetch list
const SERVICE = 10_000;
const TRAP = 2_000;
const ZERO_FILL = 1_000;
const NS_PER_BYTE = 8; // 1 Gb/s
const LATENCY = 50_000; // 50 us

for (const core of ["wasm", "reference"] as const) {
  describe(`hand-computed scenarios (${core} core)`, () => {
    const scenario = (extra: object = {}) =>
      resolveOptions({
        core,
        bandwidth: "1Gbps",
        latency: "50us",
        eagerPages: 0,
        migrateAt: 0.5,
        cpuNsPerAccess: 1,
        policy: "none",
        baselines: false,
        ...extra,
      });

    it("3 pages touched before migration fault one by one after it", async () => {
      // pages 0,1,2 at home (gap 1 each), migrate, then 0,1,2 again
      const w = arrayWorkload([3], [0, 1, 2, 0, 1, 2].map((page) => ({ page, gap: 1 })));
      const m = await runScenario(scenario(), w);
      const decision = 3; // three records of one access each, 1 ns per access
      const resume = decision + CONTEXT * NS_PER_BYTE + LATENCY; // context only, no eager page
      // each fault: the access's work, the trap, the request out, service, the page back
      const perFault = 1 + TRAP + REQUEST * NS_PER_BYTE + LATENCY + SERVICE + PAGE_MSG * NS_PER_BYTE + LATENCY;
      expect(m.freezeNs).toBe(resume - decision);
      expect(m.remoteFaults).toBe(3);
      expect(m.runtimeNs).toBe(resume + 3 * perFault);
      expect(m.runtimeNs).toBe(553_782);
      expect(m.faultStallNs).toBe(3 * (perFault - 1));
      expect(m.bytesMoved).toEqual({
        context: CONTEXT,
        eager: 0,
        fault: 3 * PAGE_MSG,
        prefetch: 0,
        push: 0,
        control: 3 * REQUEST,
        total: CONTEXT + 3 * PAGE_MSG + 3 * REQUEST,
      });
    });

    it("a page never touched before migration is a local zero-fill, not a remote fault", async () => {
      // page 1 exists only after the migration; page 0 was touched at home
      const w = arrayWorkload([2], [{ page: 0, gap: 5 }, { page: 1, gap: 7, flags: REC_WRITE }]);
      const m = await runScenario(scenario(), w);
      const resume = 5 + CONTEXT * NS_PER_BYTE + LATENCY;
      expect(m.remoteFaults).toBe(0);
      expect(m.zeroFills).toBe(1);
      expect(m.runtimeNs).toBe(resume + 7 + ZERO_FILL);
    });

    it("eager pages arrive during the freeze, and the most recently used go first", async () => {
      // at home: 0,1,2,1 -> most recent distinct pages are 1,2,0; with two eager pages
      // pages 1 and 2 travel with the context and page 0 faults
      const w = arrayWorkload([3], [0, 1, 2, 1, 2, 1, 0].map((page) => ({ page, gap: 2 })));
      const m = await runScenario(scenario({ eagerPages: 2, migrateAt: 4 / 7 }), w);
      const decision = 8;
      // context, then two page messages queued behind it on the same link
      const resume = decision + (CONTEXT + 2 * PAGE_MSG) * NS_PER_BYTE + LATENCY;
      const perFault = 2 + TRAP + REQUEST * NS_PER_BYTE + LATENCY + SERVICE + PAGE_MSG * NS_PER_BYTE + LATENCY;
      expect(m.freezeNs).toBe(resume - decision);
      expect(m.remoteFaults).toBe(1);
      expect(m.runtimeNs).toBe(resume + 2 + 2 + perFault);
    });

    it("full copy resumes after every page that exists and never faults; the pages it never had are zero-fills", async () => {
      // pages 0, 1 and 4 exist at the freeze; 5 and 2, in the regions but never touched
      // yet, are not copied: their first touches at the destination are zero-fills
      const w = arrayWorkload([4, 2], [0, 1, 4, 0, 5, 2].map((page) => ({ page, gap: 3 })));
      // (a copy takes no eager pages: the helper's 0 is left out)
      const m = await runScenario(scenario({ mechanism: "full-copy", eagerPages: undefined }), w);
      const decision = 9;
      const resume = decision + (CONTEXT + 3 * PAGE_MSG) * NS_PER_BYTE + LATENCY;
      expect(m.freezeNs).toBe(resume - decision);
      expect(m.bytesMoved.eager).toBe(3 * PAGE_MSG);
      expect(m.remoteFaults).toBe(0);
      expect(m.zeroFills).toBe(2);
      expect(m.runtimeNs).toBe(resume + 9 + 2 * ZERO_FILL);
    });

    it("the first use of a prefetched page costs firstUse, as fault stall; a pushed page's does not", async () => {
      // 8 pages touched at home; after the migration page 0 faults and the cluster
      // readahead asks for its aligned block of 8, which lands long before pages 1..7 are
      // used one by one: each of them is a first use, and nothing else is
      const w = arrayWorkload([8], [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7].map((page, i) => ({ page, gap: i > 8 ? 1_000_000 : 1 })));
      const base = { policy: "linux-cluster", migrateAt: 8 / 16 };
      const free = await runScenario(scenario(base), w);
      const paid = await runScenario(scenario({ ...base, firstUse: "30us" }), w);
      expect(free.remoteFaults).toBe(1);
      expect(free.usefulPrefetches).toBe(7);
      expect(free.latePrefetches).toBe(0);
      expect(paid.remoteFaults).toBe(1);
      expect(paid.usefulPrefetches).toBe(7);
      expect(paid.runtimeNs - free.runtimeNs).toBe(7 * 30_000);
      expect(paid.faultStallNs - free.faultStallNs).toBe(7 * 30_000);
      expect(paid.lateStallNs).toBe(free.lateStallNs);
      // post-copy pushes the pages: a push installs a page, its use is no fault
      const pushed = { mechanism: "post-copy", policy: "none", migrateAt: 8 / 16 };
      const push = await runScenario(scenario(pushed), w);
      expect(push.usefulPushes).toBeGreaterThan(0);
      expect(await runScenario(scenario({ ...pushed, firstUse: "30us" }), w)).toEqual(push);
    });
  });
}
