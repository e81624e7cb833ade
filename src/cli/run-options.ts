// The scenario options shared by `run`, `compare` and `sweep`: declared once, turned
// into library RunOptions once.
import { Command, Option } from "commander";
import type { RunOptions } from "../sim/options.js";

export function addRunOptions(cmd: Command): Command {
  return cmd
    .option("-w, --workload <name|file>", "built-in workload or trace file", "sequential")
    .option("-m, --memory <size>", "memory the workload's data occupies (e.g. 256MiB, 1GiB)", "64MiB")
    .option("--mechanism <name>", "migration mechanism", "lightweight")
    .option("-p, --policy <name>", "prefetch policy", "none")
    .option("-n, --network <preset>", "network preset", "gige-2008")
    .option("--bandwidth <rate>", "link bandwidth override (e.g. 1Gbps, 100Gbps)")
    .option("--latency <time>", "one-way link latency override (e.g. 50us)")
    .option("--background <u>", "background link utilisation, 0 to below 1", parseNumber, 0)
    .option("--migrate-at <f>", "migrate after this fraction of the records, 0-1", parseNumber, 0.5)
    .option("--seed <n>", "seed of generated workloads", parseNumber, 1)
    .addOption(new Option("--core <kind>", "simulation core").choices(["wasm", "reference"]).default("wasm"))
    .option("--page-size <bytes>", "page size in bytes", parseNumber, 4096)
    .option("--cpu-ns <ns>", "ns of work per memory access", parseNumber, 1)
    .option("--eager-pages <n>", "pages lightweight migration sends with the context", parseNumber, 3)
    .option("--working-set <f>", "fraction of the data touched after migration", parseNumber, 1)
    .option("--iterations <n>", "passes over the data, for kernels that repeat", parseNumber)
    .option("--param <name=value>", "policy parameter (repeatable)", collectParam, {});
}

export function parseNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new Error(`"${value}" is not a number`);
  return n;
}

function collectParam(value: string, into: Record<string, number>): Record<string, number> {
  const m = /^([A-Za-z][\w-]*)=(.+)$/.exec(value);
  if (!m) throw new Error(`--param takes name=value, got "${value}"`);
  return { ...into, [m[1]]: parseNumber(m[2]) };
}

/** Commander's option bag to library options. */
export function toRunOptions(o: Record<string, unknown>): RunOptions {
  return {
    workload: o.workload as string,
    memory: o.memory as string,
    mechanism: o.mechanism as string,
    policy: o.policy as string,
    network: o.network as string,
    bandwidth: o.bandwidth as string | undefined,
    latency: o.latency as string | undefined,
    background: o.background as number,
    migrateAt: o.migrateAt as number,
    seed: o.seed as number,
    core: o.core as "wasm" | "reference",
    pageSize: o.pageSize as number,
    cpuNsPerAccess: o.cpuNs as number,
    eagerPages: o.eagerPages as number,
    workingSet: o.workingSet as number,
    iterations: o.iterations as number | undefined,
    baselines: o.baselines as boolean | undefined,
    policyParams: o.param as Record<string, number>,
  };
}
