// full-copy's freeze is exactly the link arithmetic: the context and every page that
// exists (with its header) back to back over the bandwidth, plus one latency, plus the
// background wait of the first message when the link is shared.
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/sim/simulate.js";
import { resolveOptions, type RunOptions } from "../../src/sim/options.js";
import { traceWorkload } from "./trace-workload.js";

// 3 regions, 10 + 20 + 5 = 35 pages, every one touched once before the migration (after
// record 35), then two more records
const everyPage = (pageSize = 4096) =>
  traceWorkload(
    [10, 20, 5],
    [...Array.from({ length: 35 }, (_, page) => ({ page, gap: 100, write: page === 12 })), { page: 31, gap: 100 }, { page: 12, gap: 100 }],
    pageSize,
  );
const workload = everyPage();

async function freeze(o: RunOptions): Promise<number> {
  const s = resolveOptions({ workload: "trace", mechanism: "full-copy", migrateAtRecord: 35, baselines: false, ...o });
  return (await runScenario(s, workload)).freezeNs;
}

describe("full-copy freeze equals the link model's arithmetic", () => {
  it("gige-2008: 8192 B context and 35 pages of 4096 + 82 B at 1 Gb/s, 25 us latency", async () => {
    // 8 ns a byte: context 65,536 ns; a page message 4,178 B = 33,424 ns; 35 of them 1,169,840 ns
    expect(await freeze({ network: "gige-2008" })).toBe(65_536 + 35 * 33_424 + 25_000);
  });

  it("rdma-100g: 64 B headers at 100 Gb/s, 1.5 us latency", async () => {
    // 0.08 ns a byte: context ceil(655.36) = 656 ns; a page 4,160 B = ceil(332.8) = 333 ns
    expect(await freeze({ network: "rdma-100g" })).toBe(656 + 35 * 333 + 1_500);
  });

  it("overridden bandwidth and latency: 10 Mb/s and 1 ms", async () => {
    // 800 ns a byte: context 6,553,600 ns; a page 3,342,400 ns
    expect(await freeze({ network: "gige-2008", bandwidth: "10Mbps", latency: "1ms" })).toBe(6_553_600 + 35 * 3_342_400 + 1_000_000);
  });

  it("background 0.5: each frame waits for the background that came while the frame before it waited and was on the wire", async () => {
    // the first waits the steady mean, u/(1-u) x 12,000 ns / 2 = 6,000 ns; the context's
    // two frames (a page and its header, 4,178 B, then 4,014 B) and the 35 pages queued
    // behind it go at 8 ns a byte, each after u x (the wait and time of the one before),
    // rounded where a message ends: the waits near 33,424 ns, where a page and its wait
    // take 66,848 ns, the share of 1 - u
    const second = 0.5 * (6_000 + 33_424);
    let wait = Math.round(0.5 * (second + 4_014 * 8));
    let pages = 0;
    for (let i = 0; i < 35; i++) {
      pages += wait + 33_424;
      wait = Math.round(0.5 * (wait + 33_424));
    }
    expect(pages).toBe(2_324_663);
    expect(await freeze({ network: "gige-2008", background: 0.5 })).toBe(6_000 + 4_178 * 8 + second + 4_014 * 8 + pages + 25_000);
  });

  it("a larger page size changes only the page messages: 8 KiB pages", async () => {
    const s = resolveOptions({ workload: "trace", mechanism: "full-copy", migrateAtRecord: 35, baselines: false, pageSize: 8192 });
    expect((await runScenario(s, everyPage(8192))).freezeNs).toBe(65_536 + 35 * (8192 + 82) * 8 + 25_000);
  });

  it("moves every page that exists once, and nothing after", async () => {
    const s = resolveOptions({ workload: "trace", mechanism: "full-copy", migrateAtRecord: 35, baselines: false });
    const m = await runScenario(s, workload);
    expect(m.bytesMoved.eager).toBe(35 * 4178);
    expect(m.bytesMoved.context).toBe(8192);
    expect(m.bytesMoved.total).toBe(35 * 4178 + 8192);
    expect(m.remoteFaults).toBe(0);
    expect(m.zeroFills).toBe(0);
    // runtime: 35 records at home, the freeze, two records after
    expect(m.runtimeNs).toBe(37 * 100 + m.freezeNs);
  });
});

describe("full copy of pages never touched", () => {
  // at the freeze (after record 2) pages 0 and 12 exist; 14 (past region 1's last
  // existing page) and 31 (region 2, which a captured trace maps only later) are
  // touched only after it
  const records = [
    { page: 0, gap: 100 },
    { page: 12, gap: 100, write: true },
    { page: 31, gap: 100 },
    { page: 14, gap: 100 },
  ];
  const captured = { ...traceWorkload([10, 20, 5], records), regionsFromTouches: true };

  it.each(["wasm", "reference"] as const)("copies the pages that exist, in a captured trace's regions or a generator's arrays (%s core)", async (core) => {
    const s = resolveOptions({ workload: "trace", mechanism: "full-copy", migrateAt: 0.5, baselines: false, core });
    for (const w of [captured, traceWorkload([10, 20, 5], records)]) {
      const m = await runScenario(s, w);
      // pages 0 and 12: two pages
      expect(m.freezeNs).toBe(65_536 + 2 * 33_424 + 25_000);
      expect(m.bytesMoved.eager).toBe(2 * 4178);
      // the later pages are first touched at the destination: zero-fills, no remote fault
      expect(m.zeroFills).toBe(2);
      expect(m.remoteFaults).toBe(0);
      expect(m.runtimeNs).toBe(4 * 100 + m.freezeNs + 2 * 1_000);
    }
  });
});
