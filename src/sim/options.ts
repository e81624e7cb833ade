// Run options: what `ampom run`, `simulate()` and sweep configs accept, checked once
// here with messages that name the option and say what is accepted.
import { z } from "zod";
import { mechanismParams, mechanisms, pushFor } from "../migration/registry.js";
import { networkPresets, type NetworkPreset } from "../network/presets.js";
import { policies } from "../policies/registry.js";
import { parseDuration, parseRate, parseSize } from "../util/units.js";
import type { CoreKind } from "../core/types.js";
import { LINK_DISCIPLINES, type LinkDiscipline } from "../network/network.js";

/** Default interval of the accessed-bit scans at home. A scan reads and clears the
 * accessed bit of each of the process's page-table entries: about 65,000 for 256 MiB,
 * tens of microseconds, under 1% of a CPU every 10 ms. Its cost is not charged to the
 * process. */
export const DEFAULT_SCAN_INTERVAL = "10ms";
/** Shortest scan interval accepted: windows are counted in 32 bits. */
const MIN_SCAN_INTERVAL_NS = 1000;

const sizeLike = z.union([z.number(), z.string()]);

export const runOptionsSchema = z
  .object({
    workload: z.string().min(1).default("stream"),
    memory: sizeLike.default("64MiB"),
    mechanism: z.string().default("lightweight"),
    policy: z.string().default("ampom"),
    network: z.string().default("gige-2008"),
    bandwidth: sizeLike.optional(),
    latency: sizeLike.optional(),
    background: z.number().min(0).lt(1).default(0),
    /** how the link orders pages: one FIFO stream, or demand traffic ahead of bulk */
    link: z.enum(LINK_DISCIPLINES).default("fifo"),
    migrateAt: z.number().min(0).max(1).default(0.5),
    /** migrate at this simulated time instead (a duration: "20ms"); overrides migrateAt */
    migrateAtTime: sizeLike.optional(),
    /** migrate just before this record (0-based: the first n records run at home), for a
     * point known exactly, such as a marker in a captured trace; overrides migrateAt */
    migrateAtRecord: z.number().int().min(0).optional(),
    /** overrides of the preset's local fault costs (durations): the trap of a remote
     * fault up to its request leaving, and the zero-fill of a page that never existed */
    faultTrap: sizeLike.optional(),
    zeroFill: sizeLike.optional(),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
    core: z.enum(["wasm", "reference"]).default("wasm"),
    baselines: z.boolean().default(true),
    pageSize: z.number().int().min(512).max(1 << 21).default(4096),
    cpuNsPerAccess: z.number().positive().default(1),
    eagerPages: z.number().int().min(0).max(64).default(3),
    workingSet: z.number().gt(0).max(1).default(1),
    iterations: z.number().int().positive().optional(),
    historyLength: z.number().int().min(1).max(256).default(32),
    /** interval of the accessed-bit scans before migration (what policies may know of it) */
    scanInterval: sizeLike.default(DEFAULT_SCAN_INTERVAL),
    chunkRecords: z.number().int().min(1).max(1 << 22).default(1 << 16),
    policyParams: z.record(z.string(), z.number()).default({}),
    /** post-copy's background push order (bubbling, ascending, forward, oracle) */
    pushOrder: z.string().optional(),
    /** the mechanism's numeric parameters by name (pre-copy's maxRounds, ...) */
    mechanismParams: z.record(z.string(), z.number()).default({}),
  })
  .strict();

export type RunOptions = z.input<typeof runOptionsSchema>;

/** Options with every default filled in and every unit resolved. */
export interface Scenario {
  workload: string;
  memoryBytes: number;
  mechanism: string;
  policy: string;
  network: NetworkPreset;
  background: number;
  link: LinkDiscipline;
  migrateAt: number;
  /** decision time in ns, when the trigger is a time rather than a record fraction */
  migrateAtTimeNs?: number;
  /** the record the decision comes before, when given exactly (overrides migrateAt) */
  migrateAtRecord?: number;
  seed: number;
  core: CoreKind;
  baselines: boolean;
  pageSize: number;
  cpuNsPerAccess: number;
  eagerPages: number;
  workingSet: number;
  iterations?: number;
  historyLength: number;
  scanIntervalNs: number;
  chunkRecords: number;
  policyParams: Record<string, number>;
  /** post-copy's push order as given (--push-order); a push policy's order is added
   * when the run starts (pushFor) */
  pushOrder?: string;
  mechanismParams: Record<string, number>;
}

function oneOf(what: string, value: string, known: Record<string, unknown>): void {
  if (!(value in known)) throw new Error(`unknown ${what} "${value}" (known: ${Object.keys(known).join(", ")})`);
}

/** The command-line spelling of a top-level option, for messages: " (--migrate-at)". */
function cliFlag(path: PropertyKey[]): string {
  if (path.length !== 1) return "";
  const renamed: Record<string, string> = { cpuNsPerAccess: "cpu-ns", policyParams: "param" };
  const name = String(path[0]);
  return ` (--${renamed[name] ?? name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())})`;
}

export function resolveOptions(input: RunOptions): Scenario {
  const parsed = runOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.join(".") || "options";
    const got = issue.path.length === 1 ? (input as Record<string, unknown>)[String(issue.path[0])] : undefined;
    const given = got === undefined ? "" : ` (got ${JSON.stringify(got)})`;
    throw new Error(`option ${where}${cliFlag(issue.path)}: ${issue.message}${given}`);
  }
  const o = parsed.data;
  oneOf("mechanism", o.mechanism, mechanisms);
  oneOf("policy", o.policy, policies);
  oneOf("network", o.network, networkPresets);
  pushFor(o.mechanism, policies[o.policy], o.pushOrder);
  mechanismParams(mechanisms[o.mechanism], o.mechanismParams);
  const preset = { ...networkPresets[o.network] };
  if (o.bandwidth !== undefined) preset.bandwidthBps = parseRate("bandwidth", o.bandwidth);
  if (o.latency !== undefined) preset.latencyNs = parseDuration("latency", o.latency);
  if (!(preset.bandwidthBps > 0)) throw new Error(`option bandwidth: must be positive, got ${preset.bandwidthBps}`);
  if (!(preset.latencyNs >= 0)) throw new Error(`option latency: must not be negative, got ${preset.latencyNs}`);
  const scanIntervalNs = parseDuration("option scanInterval (--scan-interval)", o.scanInterval);
  if (!(scanIntervalNs >= MIN_SCAN_INTERVAL_NS)) {
    throw new Error(`option scanInterval (--scan-interval): must be at least 1us, got ${o.scanInterval}`);
  }
  if (o.faultTrap !== undefined) preset.faultTrapNs = parseDuration("option faultTrap (--fault-trap)", o.faultTrap);
  if (o.zeroFill !== undefined) preset.zeroFillNs = parseDuration("option zeroFill (--zero-fill)", o.zeroFill);
  if (o.migrateAtRecord !== undefined && o.migrateAtTime !== undefined) {
    throw new Error("options migrateAtRecord (--migrate-at-record) and migrateAtTime (--migrate-at-time) name two migration points; give one");
  }
  const memoryBytes = parseSize("memory", o.memory);
  if (!(memoryBytes >= o.pageSize)) throw new Error(`option memory: must be at least one page (${o.pageSize} bytes), got ${memoryBytes}`);
  return {
    workload: o.workload,
    memoryBytes,
    mechanism: o.mechanism,
    policy: o.policy,
    network: preset,
    background: o.background,
    link: o.link,
    migrateAt: o.migrateAt,
    migrateAtTimeNs: o.migrateAtTime === undefined ? undefined : parseDuration("option migrateAtTime (--migrate-at-time)", o.migrateAtTime),
    migrateAtRecord: o.migrateAtRecord,
    seed: o.seed,
    core: o.core,
    baselines: o.baselines,
    pageSize: o.pageSize,
    cpuNsPerAccess: o.cpuNsPerAccess,
    eagerPages: o.eagerPages,
    workingSet: o.workingSet,
    iterations: o.iterations,
    historyLength: o.historyLength,
    scanIntervalNs,
    chunkRecords: o.chunkRecords,
    policyParams: o.policyParams,
    pushOrder: o.pushOrder,
    mechanismParams: o.mechanismParams,
  };
}

/** Whether the options check accepts `o` (e.g. a push policy needs a mechanism that
 * pages remotely): for listing the valid mechanism/policy pairs without running any. */
export function optionsAccepted(o: RunOptions): boolean {
  try {
    resolveOptions({ ...o, baselines: false });
    return true;
  } catch {
    return false;
  }
}
