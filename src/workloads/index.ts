// Resolving a --workload value: a built-in name, or a path to a trace file.
import { workloads } from "./registry.js";
import type { Workload, WorkloadOptions } from "./types.js";
import { isTraceFile, openTraceWorkload } from "../trace/open.js";

/** The workload a --workload value names; trace files other than amt are imported first. */
export async function openWorkload(spec: string, o: WorkloadOptions): Promise<Workload> {
  const builtIn = workloads[spec];
  if (builtIn) return builtIn.create(o);
  if (isTraceFile(spec)) return openTraceWorkload(spec, o.pageSize);
  throw new Error(`unknown workload "${spec}" (built-in: ${Object.keys(workloads).join(", ")}; or a trace file path)`);
}
