// The ascending push follows CRIU's lazy-pages background transfer (criu/uffd.c,
// update_xfer_len): chunks of 16 pages (64 KiB) that grow by 16 pages per transfer up to
// 1024 (4 MiB), back to 16 at a page fault, but not at a fault on a page a transfer has
// already asked for. The home node learns of a fault when its request arrives.
import { describe, expect, it } from "vitest";
import { LAST_CHUNK_PAGES } from "../../src/migration/push-orders/ascending.js";
import { EVENT_FAULT, EVENT_PUSH } from "../../src/sim/event-log.js";
import { ascendingPushRun, type TraceRecord } from "./trace-workload.js";

/** The push's chunks of ascendingPushRun (under the FIFO link a chunk goes to the link in
 * one turn: its pages share a time) and the fault requests. */
async function chunks(core: "wasm" | "reference", written: number, after: TraceRecord[]) {
  const { m, log } = await ascendingPushRun(core, written, after);
  const turns = new Map<number, number[]>();
  const faults: Array<{ t: number; page: number }> = [];
  log.kinds.forEach((k, i) => {
    if (k === EVENT_PUSH) {
      const t = log.times[i];
      if (!turns.has(t)) turns.set(t, []);
      turns.get(t)!.push(log.pages[i]);
    } else if (k === EVENT_FAULT) faults.push({ t: log.times[i], page: log.pages[i] });
  });
  const list = [...turns.entries()].sort((a, b) => a[0] - b[0]).map(([t, pages]) => ({ t, pages }));
  return { m, list, faults };
}

// gige-2008: a page of 4,178 bytes takes 33,424 ns at 1 Gb/s; the 82-byte fault request
// 656 ns, then 25 us of latency. The push starts 25 us before the process resumes, so
// chunk k (16 pages, then 32, ...) goes at 16 x k(k-1)/2 x 33,424 ns after that start: the
// second at 534,784 ns, the third at 1,604,352 ns. A fault 1,000,000 ns of work after the
// resume (and 2 us of trap) reaches home 1,052,656 ns after the push began: during the
// second chunk.
const FAULT_AFTER = 1_000_000;
// a last touch of page 0 (long here) keeps the process running past the push's end
const KEEP_RUNNING = { page: 0, gap: 20_000_000 };

describe.each(["wasm", "reference"] as const)("the ascending push's chunks (CRIU lazy pages, %s core)", (core) => {
  it("grow by 16 pages a transfer, not doubling", async () => {
    const { list } = await chunks(core, 400, [KEEP_RUNNING]);
    // 16 + 32 + ... + 112 = 448 > 400: the eighth takes the last 64
    expect(list.map((c) => c.pages.length)).toEqual([16, 32, 48, 64, 80, 96, 64]);
    expect(list.flatMap((c) => c.pages)).toEqual(Array.from({ length: 400 }, (_, p) => p));
    expect(list[1].t - list[0].t).toBe(16 * 33_424);
    expect(list[2].t - list[0].t).toBe(48 * 33_424);
  });

  it("stop growing at 1024 pages", async () => {
    // 16 + 32 + ... + 1024 (64 transfers) = 33,280; the next ones are 1024 each
    const { list } = await chunks(core, 36_000, [{ page: 0, gap: 2e9 }]);
    const sizes = list.map((c) => c.pages.length);
    expect(sizes.slice(0, 64)).toEqual(Array.from({ length: 64 }, (_, k) => 16 * (k + 1)));
    expect(sizes.slice(64)).toEqual([LAST_CHUNK_PAGES, LAST_CHUNK_PAGES, 36_000 - 33_280 - 2 * LAST_CHUNK_PAGES]);
  });

  it("drop back to 16 pages once home hears of a fault on a page it has not sent", async () => {
    // page 390 faults; home hears of it during the second chunk (16-47), so the third
    // is 16 pages (48-63), then 32, 48, ... The run from 384 stops short of 390 (its
    // reply took it), and the next chunk takes 391-399
    const { list, faults } = await chunks(core, 400, [{ page: 390, gap: FAULT_AFTER }, KEEP_RUNNING]);
    expect(faults.map((f) => f.page)).toEqual([390]);
    const atHome = faults[0].t + 656 + 25_000;
    expect(list[1].t).toBeLessThan(atHome);
    expect(list[2].t).toBeGreaterThan(atHome);
    expect(list.map((c) => c.pages.length)).toEqual([16, 32, 16, 32, 48, 64, 80, 96, 6, 9]);
    expect(list[2].pages[0]).toBe(48);
    expect(list.at(-1)!.pages).toEqual(Array.from({ length: 9 }, (_, i) => 391 + i));
  });

  it("keep growing at a fault on a page the push has already sent (CRIU finds it queued)", async () => {
    // page 40 is the 25th page of the second chunk: on its way when the process touches
    // it, so a remote fault the push meets; home has sent it and hears of the fault during
    // that chunk, and the third chunk is 48 pages all the same
    const { m, list, faults } = await chunks(core, 400, [{ page: 40, gap: FAULT_AFTER }, KEEP_RUNNING]);
    expect(faults.map((f) => f.page)).toEqual([40]);
    expect(m.faultsMetByPush).toBe(1);
    const atHome = faults[0].t + 656 + 25_000;
    expect(list[1].t).toBeLessThan(atHome);
    expect(list[2].t).toBeGreaterThan(atHome);
    expect(list.map((c) => c.pages.length)).toEqual([16, 32, 48, 64, 80, 96, 64]);
  });
});
