// The whole bench as a function: microbenchmarks, then end to end; returns the report
// that run.ts prints and saves, and that test/bench checks in smoke mode.
import { cpus, loadavg } from "node:os";
import { runEndToEnd } from "./e2e.js";
import { runMicro } from "./micro.js";
import { runNative } from "./native.js";

export const BENCH_PARTS = ["micro", "e2e", "native", "generators", "policies"] as const;
export type BenchPart = (typeof BENCH_PARTS)[number];
import { runGenerators } from "./generators.js";
import { runPolicyModule } from "./policy-module.js";
import { SIZES, type BenchMode, type BenchReport } from "./types.js";

export interface BenchRequest {
  mode: BenchMode;
  /** which parts to run (all when absent) */
  parts?: BenchPart[];
  /** trace files for the native anchor besides its generated trace */
  traces?: string[];
  /** end-to-end workloads to run (all when absent) */
  workloads?: string[];
  log?: (line: string) => void;
}

export async function runBench(req: BenchRequest): Promise<BenchReport> {
  const sizes = SIZES[req.mode];
  const log = req.log ?? (() => {});
  const parts: readonly BenchPart[] = req.parts ?? BENCH_PARTS;
  const startedAt = new Date().toISOString();
  const loadavgBefore = loadavg();
  const t0 = performance.now();
  const micro = parts.includes("micro") ? await runMicro(sizes, log) : [];
  const endToEnd = parts.includes("e2e") ? await runEndToEnd(sizes, log, req.workloads) : [];
  const native = parts.includes("native")
    ? await runNative({ records: sizes.nativeRecords, repeats: Math.max(sizes.repeats, sizes.mode === "smoke" ? 1 : 5), traces: req.traces ?? [], log })
    : { rows: [] };
  const generators = parts.includes("generators") ? runGenerators(req.mode, log) : [];
  const policyModule = parts.includes("policies") ? await runPolicyModule(sizes, log) : [];
  return {
    schema: "ampom-bench/1",
    mode: req.mode,
    startedAt,
    conditions: {
      node: process.version,
      cpus: cpus().length,
      loadavgBefore,
      loadavgAfter: loadavg(),
      seconds: (performance.now() - t0) / 1000,
    },
    micro,
    endToEnd,
    native: native.rows,
    generators,
    policyModule,
    ...(native.note ? { nativeNote: native.note } : {}),
  };
}
