// The scenario options shared by `run`, `compare` and `sweep`: declared once, turned
// into library RunOptions once.
import { Command, InvalidArgumentError, Option } from "commander";
import type { RunOptions } from "../sim/options.js";
import { parseSize } from "../util/units.js";

/** `withPair: false` leaves out --mechanism and --policy (compare runs them all). */
export function addRunOptions(cmd: Command, { withPair = true }: { withPair?: boolean } = {}): Command {
  cmd
    .option("-w, --workload <name|file>", "built-in workload or trace file", "stream")
    .option("-m, --memory <size>", "memory the workload's data occupies (e.g. 256MiB, 1GiB)", "64MiB");
  if (withPair) {
    cmd
      .option("--mechanism <name>", "migration mechanism", "lightweight")
      .option("-p, --policy <name>", "prefetch policy", "ampom");
  }
  return cmd
    .option("-n, --network <preset>", "network preset", "gige-2008")
    .option("--bandwidth <rate>", "link bandwidth override (e.g. 1Gbps, 100Gbps)")
    .option("--latency <time>", "one-way link latency override (e.g. 50us)")
    .option("--background <u>", "background link utilisation, 0 to below 1 (e.g. 0.8 or 80%)", parseFraction, 0)
    .option("--migrate-at <f>", "migrate after this fraction of the records, 0-1 (e.g. 0.5 or 50%)", parseFraction, 0.5)
    .option("--seed <n>", "seed of generated workloads", parseNumber, 1)
    .addOption(new Option("--core <kind>", "simulation core").choices(["wasm", "reference"]).default("wasm"))
    .option("--page-size <size>", "page size (e.g. 4KiB, 2MiB)", parsePageSize, 4096)
    .option("--cpu-ns <time>", "work per memory access, ns (e.g. 1, 0.5ns, 2ns)", parseCpuTime, 1)
    .option("--eager-pages <n>", "pages lightweight migration sends with the context", parseNumber, 3)
    .option("--working-set <f>", "fraction of the data touched after migration (e.g. 0.25 or 25%)", parseFraction, 1)
    .option("--iterations <n>", "passes over the data, for kernels that repeat", parseNumber)
    .option("--param <name=value>", "policy parameter, e.g. zoneRadius=16 for ampom (repeatable)", collectParam)
    .option("--migrate-at-time <time>", "migrate at this simulated time instead (e.g. 20ms)")
    .option("--migrate-at-record <n>", "migrate just before record n (0-based) instead", parseNumber)
    .option("--fault-trap <time>", "local cost of a remote fault before its request leaves, overriding the preset (e.g. 2us)")
    .option("--zero-fill <time>", "local cost of a first touch of a page that never existed, overriding the preset (e.g. 1us)")
    .option("--push-order <order>", "post-copy's background push order: bubbling, ascending, forward, oracle")
    .option("--mech-param <name=value>", "mechanism parameter, e.g. maxRounds=10 for pre-copy (repeatable)", collectParam);
}

/** commander names the option in the message: option '--seed <n>' argument 'x' is invalid. ... */
export function parseNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError("expected a number, e.g. 0.5 or 42.");
  return n;
}

/** A fraction as 0.25 or 25%. */
export function parseFraction(value: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(%?)\s*$/i.exec(value);
  if (!m) throw new InvalidArgumentError("expected a fraction, e.g. 0.8 or 80%.");
  return m[2] ? Number(m[1]) / 100 : Number(m[1]);
}

/** Nanoseconds, fractions allowed (0.5ns of work per access): a bare number or ns/us. */
function parseCpuTime(value: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(ns|us|µs)?\s*$/i.exec(value);
  if (!m) throw new InvalidArgumentError("expected a time per access, e.g. 1, 0.5ns or 2ns.");
  return Number(m[1]) * (m[2] && m[2].toLowerCase() !== "ns" ? 1000 : 1);
}

function parsePageSize(value: string): number {
  try {
    return parseSize("page size", value);
  } catch {
    throw new InvalidArgumentError("expected a size, e.g. 4096 or 4KiB.");
  }
}

// no commander default ({}), so help does not print "(default: {})"; the options schema defaults it
export function collectParam(value: string, into: Record<string, number> = {}): Record<string, number> {
  const m = /^([A-Za-z][\w-]*)=(.+)$/.exec(value);
  if (!m) throw new InvalidArgumentError("expected name=value, e.g. zoneRadius=16.");
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
    pushOrder: o.pushOrder as string | undefined,
    migrateAtTime: o.migrateAtTime as string | undefined,
    migrateAtRecord: o.migrateAtRecord as number | undefined,
    faultTrap: o.faultTrap as string | undefined,
    zeroFill: o.zeroFill as string | undefined,
    mechanismParams: o.mechParam as Record<string, number>,
  };
}
