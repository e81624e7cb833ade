// Test workloads from explicit records: an address space of regions and a list of
// (page, gap, write) records, so tests can hand-work what a mechanism must send.
import { REC_WRITE } from "../../src/core/abi.js";
import { EventLog } from "../../src/sim/event-log.js";
import { resolveOptions } from "../../src/sim/options.js";
import { runScenario } from "../../src/sim/simulate.js";
import type { Workload } from "../../src/workloads/types.js";
import { arrayWorkload } from "../core/helpers.js";

export interface TraceRecord {
  page: number;
  gap: number;
  write?: boolean;
}

export function traceWorkload(regionPages: number[], records: TraceRecord[], pageSize = 4096): Workload {
  const asFlags = records.map((r) => ({ page: r.page, gap: r.gap, flags: r.write ? REC_WRITE : 0 }));
  return arrayWorkload(regionPages, asFlags, "trace", pageSize);
}

/** Distinct pages touched by records [0, upTo). */
export function pagesTouched(records: TraceRecord[], upTo: number): Set<number> {
  return new Set(records.slice(0, upTo).map((r) => r.page));
}

/** 300 pages in 3 regions: 240 touched at home, then a wander over all of them (some
 * touches are of pages that never existed: zero-fills). */
export function mixedTrace(): TraceRecord[] {
  const rec: TraceRecord[] = [];
  for (let p = 0; p < 240; p++) rec.push({ page: p, gap: 50, write: p % 3 === 0 });
  let x = 7;
  for (let i = 0; i < 600; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    rec.push({ page: i % 4 === 0 ? x % 300 : (i * 7) % 300, gap: 200, write: i % 5 === 0 });
  }
  return rec;
}

/** `written` pages written at home, then `after` read after the migration, with post-copy
 * pushing in ascending order (no eager pages, no prefetching): the metrics and the event log. */
export async function ascendingPushRun(core: "wasm" | "reference", written: number, after: TraceRecord[]) {
  const all = Array.from({ length: written }, (_, page) => page);
  const w = traceWorkload([written], [...all.map((page) => ({ page, gap: 1000, write: true })), ...after]);
  const s = resolveOptions({
    workload: "trace", core, mechanism: "post-copy", pushOrder: "ascending", policy: "none", eagerPages: 0,
    migrateAtRecord: written, baselines: false,
  });
  const log = new EventLog();
  const m = await runScenario(s, w, { events: log });
  return { m, log };
}
