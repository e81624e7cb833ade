// Test workloads from explicit records: an address space of regions and a list of
// (page, gap, write) records, so tests can hand-work what a mechanism must send.
import { REC_WRITE } from "../../src/core/abi.js";
import { layoutRegions, type Workload } from "../../src/workloads/types.js";

export interface TraceRecord {
  page: number;
  gap: number;
  write?: boolean;
}

export function traceWorkload(regionPages: number[], records: TraceRecord[], pageSize = 4096): Workload {
  const { regions, pageCount } = layoutRegions(
    regionPages.map((pages, i) => ({ name: `r${i}`, kind: "heap" as const, pages })),
  );
  return {
    name: "trace",
    pageSize,
    regions,
    pageCount,
    records: records.length,
    open() {
      let next = 0;
      return {
        fill(pages, gaps, flags, max) {
          let n = 0;
          while (n < max && next < records.length) {
            const r = records[next++];
            pages[n] = r.page;
            gaps[n] = r.gap;
            flags[n] = r.write ? REC_WRITE : 0;
            n++;
          }
          return n;
        },
      };
    },
  };
}

/** Distinct pages touched by records [0, upTo). */
export function pagesTouched(records: TraceRecord[], upTo: number): Set<number> {
  return new Set(records.slice(0, upTo).map((r) => r.page));
}
