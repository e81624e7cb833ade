// The link's discipline on a case worked by hand (gige-2008, one 256-page region, 1 ns
// an access): after migration the process faults on page 0, and its policy asks for the
// next 100 pages with it; one access later it faults on page 200, outside that batch.
// Under fifo the second reply is queued behind the rest of the batch; under priority
// it goes right after the page on the wire, so it waits at most one page time.
import { describe, expect, it } from "vitest";
import { requestPage } from "../../src/core/page-services.js";
import type { CoreViews } from "../../src/core/types.js";
import { Link } from "../../src/network/link.js";
import { networkPresets } from "../../src/network/presets.js";
import { resolveOptions } from "../../src/sim/options.js";
import type { HostPolicyHooks } from "../../src/sim/process.js";
import { runScenario } from "../../src/sim/simulate.js";
import { arrayWorkload } from "../core/helpers.js";

const BATCH = 100;
const before = Array.from({ length: 256 }, (_, page) => ({ page, gap: 1 }));
const workload = arrayWorkload([256], [...before, { page: 0, gap: 1 }, { page: 200, gap: 1 }]);

/** On the fault on page 0, ask for pages 1..BATCH. */
const batchOnFirstFault = (v: CoreViews): HostPolicyHooks => ({
  onFault(page) {
    if (page === 0) for (let p = 1; p <= BATCH; p++) requestPage(v, p, 0);
  },
  onUse() {},
  onArrival() {},
  onServed() {},
});

async function faultStall(link: "fifo" | "priority", core: "wasm" | "reference"): Promise<number> {
  const s = resolveOptions({ workload: "hand", policy: "none", link, core, migrateAt: 256 / 258, baselines: false });
  const m = await runScenario(s, workload, { hostPolicy: batchOnFirstFault });
  expect(m.remoteFaults).toBe(2);
  expect(m.prefetchedPages).toBe(BATCH);
  return m.faultStallNs;
}

describe("a fault behind a 100-page prefetch batch", () => {
  const net = networkPresets["gige-2008"];
  const link = new Link({ bandwidthBps: net.bandwidthBps, latencyNs: net.latencyNs, background: 0, backgroundPacketBytes: net.backgroundPacketBytes });
  const tx = link.txNs(4096 + net.pageHeaderBytes, 0);
  const request = (listed: number) => link.txNs(net.requestHeaderBytes + listed * net.requestBytesPerPage, 0);
  const { latencyNs: L, serviceNs: service, faultTrapNs: trap } = net;
  // times from the first request leaving (the link is idle then)
  const ready1 = request(BATCH) + L + service; // page 0 starts to leave; the batch follows it
  const arrival1 = ready1 + tx + L;
  const sent2 = arrival1 + 1 + trap; // one access, then the trap
  const ready2 = sent2 + request(0) + L + service;
  const stall1 = trap + arrival1;
  const stallOf = (arrival2: number) => stall1 + trap + (arrival2 - sent2);

  it.each(["wasm", "reference"] as const)("waits for the whole batch under fifo (%s core)", async (core) => {
    // page 0 and the 100 pages leave back to back from ready1; page 200's reply follows
    expect(ready2).toBeLessThan(ready1 + (BATCH + 1) * tx);
    const arrival2 = ready1 + (BATCH + 1) * tx + tx + L;
    expect(await faultStall("fifo", core)).toBe(stallOf(arrival2));
  });

  it.each(["wasm", "reference"] as const)("waits at most one page time under priority (%s core)", async (core) => {
    // batch pages leave one a turn after page 0: the one on the wire at ready2 finishes,
    // then page 200's reply goes
    const onWire = Math.floor((ready2 - ready1) / tx);
    const start2 = ready1 + (onWire + 1) * tx;
    const wait = start2 - ready2;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(tx);
    expect(await faultStall("priority", core)).toBe(stallOf(start2 + tx + L));
  });

  it("fifo costs the rest of the batch, in page times, over priority", async () => {
    const gap = (await faultStall("fifo", "wasm")) - (await faultStall("priority", "wasm"));
    const sentBeforeReady2 = Math.floor((ready2 - ready1) / tx);
    expect(gap).toBe((BATCH - sentBeforeReady2) * tx);
    expect(gap).toBeGreaterThan(90 * tx);
  });
});
