// Small workloads built from explicit records, for tests that need exact traces.
import { layoutRegions, type Region, type Workload } from "../../src/workloads/types.js";
import { resolveOptions, type RunOptions } from "../../src/sim/options.js";
import { runScenario } from "../../src/sim/simulate.js";

export interface TraceRecord {
  page: number;
  gap: number;
  flags?: number;
}

/** A workload whose regions have the given page counts and whose stream is `records`. */
export function arrayWorkload(regionPages: number[], records: TraceRecord[], name = "test-trace", pageSize = 4096): Workload {
  const { regions, pageCount } = layoutRegions(
    regionPages.map((pages, i): Omit<Region, "start"> => ({ name: `r${i}`, kind: "heap", pages })),
  );
  return {
    name,
    pageSize,
    regions,
    pageCount,
    records: records.length,
    open() {
      let at = 0;
      return {
        fill(pages, gaps, flags, max) {
          let n = 0;
          while (n < max && at < records.length) {
            const r = records[at++];
            pages[n] = r.page;
            gaps[n] = r.gap;
            flags[n] = r.flags ?? 0;
            n++;
          }
          return n;
        },
      };
    },
  };
}

/** The metrics of one run of `records` in each core (without the field naming the core),
 * for the differential tests to compare. */
export async function bothCores(options: RunOptions, regionPages: number[], records: TraceRecord[]) {
  const w = arrayWorkload(regionPages, records);
  const [a, b] = await Promise.all(
    (["wasm", "reference"] as const).map(async (core) => {
      const { core: _, ...m } = await runScenario(resolveOptions({ ...options, core }), w);
      return m;
    }),
  );
  return { wasm: a, reference: b };
}
