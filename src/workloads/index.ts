// Resolving a --workload value: a built-in name, or a path to a trace file.
import { workloads } from "./registry.js";
import type { Workload, WorkloadOptions } from "./types.js";

export function openWorkload(spec: string, o: WorkloadOptions): Workload {
  const builtIn = workloads[spec];
  if (builtIn) return builtIn.create(o);
  throw new Error(`unknown workload "${spec}" (built-in: ${Object.keys(workloads).join(", ")}; or a trace file path)`);
}
