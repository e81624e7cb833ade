// Test workloads from explicit records: an address space of regions and a list of
// (page, gap, write) records, so tests can hand-work what a mechanism must send.
import { REC_WRITE } from "../../src/core/abi.js";
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
