// Workload registry: a built-in name maps to a factory. A new workload is one file
// plus one line here.
import type { Workload, WorkloadOptions } from "./types.js";
import { randomWorkload, sequentialWorkload } from "./synthetic.js";

export interface WorkloadInfo {
  name: string;
  description: string;
  create(o: WorkloadOptions): Workload;
}

export const workloads: Record<string, WorkloadInfo> = {
  sequential: { name: "sequential", description: "ascending sweeps over one array", create: sequentialWorkload },
  random: { name: "random", description: "uniform random pages of one array", create: randomWorkload },
};

export function workloadNames(): string[] {
  return Object.keys(workloads);
}
