// What a policy written as a module costs: records per second of one whole simulation
// with the example module (examples/swap-readahead-policy.ts, run by the host at every
// hook) against the same logic built into the cores (linux-cluster), on both cores,
// measured side by side in one run. The two must give the same metrics.
import { fileURLToPath } from "node:url";
import { resolveOptions } from "../src/sim/options.js";
import { runScenario, scenarioWorkload } from "../src/sim/simulate.js";
import type { Metrics } from "../src/sim/metrics.js";
import type { BenchSizes, PolicyModuleRow } from "./types.js";

const EXAMPLE = fileURLToPath(new URL("../examples/swap-readahead-policy.ts", import.meta.url));
const BUILT_IN = "linux-cluster";
const WORKLOADS = ["stream", "dgemm"];

export async function runPolicyModule(sizes: BenchSizes, log: (line: string) => void): Promise<PolicyModuleRow[]> {
  const rows: PolicyModuleRow[] = [];
  for (const workload of WORKLOADS) {
    for (const core of ["wasm", "reference"] as const) {
      const base = resolveOptions({ workload, memory: sizes.memory, core, baselines: false, iterations: sizes.iterations });
      const w = await scenarioWorkload(base);
      const time = async (policy: string): Promise<[number, Metrics]> => {
        let best = Infinity;
        let m: Metrics | undefined;
        for (let i = 0; i < sizes.repeats; i++) {
          const t0 = process.cpuUsage();
          m = await runScenario({ ...base, policy }, w);
          const used = process.cpuUsage(t0);
          best = Math.min(best, (used.user + used.system) / 1e6);
        }
        return [m!.records / best, m!];
      };
      const [builtIn, a] = await time(BUILT_IN);
      const [module, b] = await time(EXAMPLE);
      const identical = JSON.stringify({ ...a, policy: "-" }) === JSON.stringify({ ...b, policy: "-" });
      rows.push({ workload, core, records: a.records, faults: a.remoteFaults, builtIn, module, ratio: module / builtIn, identical });
      log(`bench: policy module ${workload} ${core}: ${(module / 1e6).toFixed(2)}M vs built-in ${(builtIn / 1e6).toFixed(2)}M records/s`);
    }
  }
  return rows;
}
