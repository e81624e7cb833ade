// A policy may use only what the destination knows at that moment. On both cores: the
// arrival of a page in flight is refused (before and after the host fixes it), a page
// that has arrived reads its arrival time, and the page state tells "in flight" from
// "here" by the clock. The accessed-bit scans see each page's last windows.
import { describe, expect, it } from "vitest";
import {
  C_CHUNK_LEN, C_CURSOR, C_DEMAND_EVENTS, C_NOW, C_PREFETCHED, C_REQUESTS, F_TRIGGER, P_FIRST_USE_NS, C_SCAN_END, C_SCAN_EPOCH, KIND_PUSH, KIND_REPLY, P_CPU_NS,
  P_HISTORY, P_PAGES, P_REGIONS, P_SCAN_NS, P_SCAN_NS_PER_PAGE, P_TRAP_NS, SCAN_KEEP,
  ST_FLIGHT, ST_HOME, ST_LOCAL, STOP_CHUNK_END, STOP_FAULT,
} from "../../src/core/abi.js";
import { knownState, PolicyViolation, requestPage, scanBits } from "../../src/core/page-services.js";
import { ReferenceCore } from "../../src/core/reference-core.js";
import { WasmCore } from "../../src/core/wasm-core.js";
import type { CoreViews, SimCore } from "../../src/core/types.js";

type PolicyReadable = SimCore & { arrivedAt(page: number): number };

const makers: Record<string, () => Promise<PolicyReadable>> = {
  wasm: () => WasmCore.create(),
  reference: async () => new ReferenceCore(),
};

/** A core with one region of `pages` pages, 1 ns an access, a 1 us trap, scan windows of
 * 100 ns, or of `scanNsPerPage` a page touched when that is longer. */
function setUp(core: SimCore, pages: number, scanNsPerPage = 0): CoreViews {
  const v = core.init(pages, 64);
  v.params[P_CPU_NS] = 1;
  v.params[P_TRAP_NS] = 1000;
  v.params[P_HISTORY] = 32;
  v.params[P_REGIONS] = 1;
  v.params[P_PAGES] = pages;
  v.params[P_SCAN_NS] = 100;
  v.params[P_SCAN_NS_PER_PAGE] = scanNsPerPage;
  v.regions[0] = 0;
  v.regions[1] = pages;
  core.reset();
  return v;
}

function load(core: SimCore, v: CoreViews, records: Array<[page: number, gap: number]>): number {
  records.forEach(([page, gap], i) => {
    v.chunkPages[i] = page;
    v.chunkGaps[i] = gap;
    v.chunkFlags[i] = 0;
  });
  v.counters[C_CHUNK_LEN] = records.length;
  v.counters[C_CURSOR] = 0;
  return core.run(Infinity);
}

describe.each(Object.keys(makers))("the %s core", (kind) => {
  it("refuses a policy's read of an in-flight page's arrival, fixed or not", async () => {
    const core = await makers[kind]();
    const v = setUp(core, 8);
    expect(load(core, v, [[0, 10], [1, 10], [2, 10]])).toBe(STOP_CHUNK_END);
    core.migrate(false);
    // page 2 faults at 30 + 1000 (trap): requested, arrival not fixed
    expect(load(core, v, [[2, 5]])).toBe(STOP_FAULT);
    expect(v.counters[C_REQUESTS]).toBe(1);
    core.answerRequests(1);
    expect(knownState(v, 2)).toBe(ST_FLIGHT);
    expect(() => core.arrivedAt(2)).toThrow(PolicyViolation);
    expect(() => core.arrivedAt(2)).toThrow(/page 2 arrives while it is still in flight/);
    // fixed by the host, but still in the future
    v.deliverPages[0] = 2;
    v.deliverTimes[0] = 5000;
    expect(core.deliver(1, KIND_REPLY)).toBe(1);
    expect(() => core.arrivedAt(2)).toThrow(PolicyViolation);
    expect(knownState(v, 2)).toBe(ST_FLIGHT);
    // once the clock has passed it, the arrival is history
    expect(core.run(Infinity)).toBe(STOP_CHUNK_END);
    expect(v.counters[C_NOW]).toBe(5000);
    expect(knownState(v, 2)).toBe(ST_LOCAL);
    expect(core.arrivedAt(2)).toBe(5000);
    // pages at home and pages that never crossed the network read fine
    expect(knownState(v, 1)).toBe(ST_HOME);
  });

  it("knows a pushed page only once it has landed: until then it is at home to the policy", async () => {
    const core = await makers[kind]();
    const v = setUp(core, 8);
    expect(load(core, v, [[0, 10], [1, 10], [2, 10]])).toBe(STOP_CHUNK_END);
    core.migrate(false);
    // the push sends page 1, landing at 5000
    v.deliverPages[0] = 1;
    v.deliverTimes[0] = 5000;
    expect(core.deliver(1, KIND_PUSH)).toBe(1);
    expect(knownState(v, 1)).toBe(ST_HOME);
    // nor when it lands: it has not crossed, as far as this node knows
    expect(core.arrivedAt(1)).toBe(0);
    // a policy may ask for it: it is listed, keeps its arrival, and is no prefetch
    expect(requestPage(v, 1, 0)).toBe(true);
    expect(requestPage(v, 1, 0)).toBe(false);
    expect(knownState(v, 1)).toBe(ST_FLIGHT);
    expect(v.counters[C_REQUESTS]).toBe(1);
    core.answerRequests(1);
    expect(v.counters[C_PREFETCHED]).toBe(0);
    v.deliverPages[0] = 1;
    v.deliverTimes[0] = 9000;
    expect(core.deliver(1, KIND_REPLY)).toBe(0);
    // landed: known
    expect(load(core, v, [[2, 6000]])).toBe(STOP_FAULT);
    expect(knownState(v, 1)).toBe(ST_LOCAL);
    expect(core.arrivedAt(1)).toBe(5000);
  });

  it("shows the policy the first use of a trigger page that the push brought", async () => {
    const core = await makers[kind]();
    const v = setUp(core, 8);
    v.params[P_FIRST_USE_NS] = 700;
    expect(load(core, v, [[0, 10], [1, 10], [2, 10]])).toBe(STOP_CHUNK_END);
    core.migrate(false);
    v.deliverPages[0] = 1;
    v.deliverTimes[0] = 5000;
    expect(core.deliver(1, KIND_PUSH)).toBe(1);
    // asked for as a trigger while on its way: its first use is a local fault that shows
    // the policy the use (a demand event, the first-use cost), as for a prefetched page
    expect(requestPage(v, 1, F_TRIGGER)).toBe(true);
    core.answerRequests(1);
    const events = v.counters[C_DEMAND_EVENTS];
    expect(load(core, v, [[1, 6000]])).toBe(STOP_CHUNK_END);
    expect(v.counters[C_DEMAND_EVENTS]).toBe(events + 1);
    expect(v.counters[C_NOW]).toBe(30 + 6000 + 700);
  });

  it("scans see in which of the last windows each page was referenced", async () => {
    const core = await makers[kind]();
    const v = setUp(core, 8);
    // times 50, 150, 250, 350, 380 with 100 ns windows: page 0 in windows 1 and 4,
    // page 1 in 2, page 2 in 3, page 3 in 4; the freeze at 380 is in window 4
    expect(load(core, v, [[0, 50], [1, 100], [2, 100], [0, 100], [3, 30]])).toBe(STOP_CHUNK_END);
    core.migrate(false);
    expect(scanBits(v, 0)).toBe(0b1001);
    expect(scanBits(v, 1)).toBe(0b0100);
    expect(scanBits(v, 2)).toBe(0b0010);
    expect(scanBits(v, 3)).toBe(0b0001);
    expect(scanBits(v, 4)).toBe(0);
  });

  it("forgets references older than the scans it keeps", async () => {
    const core = await makers[kind]();
    const v = setUp(core, 4);
    // page 0 at time 10 (window 1), page 2 at 110 (window 2), page 1 at 1610 (window
    // SCAN_KEEP + 1, the freeze's): page 0 is one window too old, page 2 the oldest kept
    expect(load(core, v, [[0, 10], [2, 100], [1, (SCAN_KEEP - 1) * 100]])).toBe(STOP_CHUNK_END);
    core.migrate(false);
    expect(scanBits(v, 0)).toBe(0);
    expect(scanBits(v, 2)).toBe(1 << (SCAN_KEEP - 1));
    expect(scanBits(v, 1)).toBe(1);
  });

  it("paces the scan windows by the pages touched when each starts", async () => {
    const core = await makers[kind]();
    const v = setUp(core, 8, 50);
    // windows: [0, 100) with no page touched (at least 100 ns), [100, 200) with 1,
    // [200, 300) with 2, [300, 450) with 3 (150 ns), [450, 650) with 4 (200 ns).
    // Touches at 50, 150, 250, 350 and 550: windows 1, 2, 3, 4 and 5; the freeze at 550
    // is in window 5. With a fixed 100 ns, 350 and 550 would be windows 4 and 6.
    expect(load(core, v, [[0, 50], [1, 100], [2, 100], [3, 100], [0, 200]])).toBe(STOP_CHUNK_END);
    core.migrate(false);
    expect(scanBits(v, 0)).toBe(0b10001);
    expect(scanBits(v, 1)).toBe(0b1000);
    expect(scanBits(v, 2)).toBe(0b100);
    expect(scanBits(v, 3)).toBe(0b10);
    expect(v.counters[C_SCAN_EPOCH]).toBe(5);
    expect(v.counters[C_SCAN_END]).toBe(650);
  });

  it("passes over the windows of a long gap at the length they all share", async () => {
    const core = await makers[kind]();
    const v = setUp(core, 8, 50);
    // 3 pages by 30 ns (window 1); then 1000 ns with no touch: windows of 150 ns from 100
    expect(load(core, v, [[0, 10], [1, 10], [2, 10], [3, 1000]])).toBe(STOP_CHUNK_END);
    // 1030 lies in [1000, 1150): the 7th window after the first
    expect(v.counters[C_SCAN_EPOCH]).toBe(8);
    expect(v.counters[C_SCAN_END]).toBe(1150);
  });
});
