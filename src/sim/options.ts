// Run options: what `ampom run`, `simulate()` and sweep configs accept, checked once
// here with messages that name the option and say what is accepted.
import { existsSync } from "node:fs";
import { z } from "zod";
import { defaultPolicyFor, mechanismParams, mechanisms, pushFor, remotePagingMechanisms } from "../migration/registry.js";
import { networkPresets, zeroFillFor, type NetworkPreset } from "../network/presets.js";
import { policies, policyParamVector, pushInfo } from "../policies/registry.js";
import { checkPolicyModule, isPolicyPath, type PolicyModule } from "../policies/module.js";
import { parseDuration, parseRate, parseSize, readFraction } from "../util/units.js";
import { wholeRange } from "../util/params.js";
import { shown } from "../util/errors.js";
import type { CoreKind } from "../core/types.js";
import { MRU_CAP } from "../core/abi.js";
import { isPageSize, MAX_PAGE_SIZE, MIN_PAGE_SIZE } from "../trace/amt.js";
import { LINK_DISCIPLINES, type LinkDiscipline } from "../network/network.js";
import { CPU_MODELS, TRACE_CPU_NS, kernelCpuNs, type CpuModel } from "../workloads/hpcc/cpu.js";
import { workloads } from "../workloads/registry.js";
import type { WorkloadOptions } from "../workloads/types.js";

/** The last seed a generator takes: seeds are 32 bits. */
export const MAX_SEED = 2 ** 32 - 1;

/** The workload a run takes when none is given. */
export const DEFAULT_WORKLOAD = "stream";

/** Default interval of the accessed-bit scans at home: "auto", a scanner that takes
 * about 1% of a CPU. A scan reads and clears the accessed bit of each page-table entry
 * the process has populated, about 10 ns a page with the TLB flush amortised over the
 * batch (an estimate for a 2008-2026 x86 core); entries never populated cost next to
 * nothing (a walk skips empty tables). So each window lasts 1 us per page the process
 * has touched when it starts: 0.3 ms for a program that has touched 300 pages, 16 ms
 * for a 64 MiB kernel once its data is in. Pacing by the address space's span instead
 * charged a program for library mappings it never touched (1.3 to 3.8 times its touched
 * pages on the corpus's traces) and gave it scans that much coarser. A fixed interval
 * would give small processes no information at all and large ones a scanner that
 * costs too much. The cost is not charged to the process. */
export const DEFAULT_SCAN_INTERVAL = "auto";
/** Scan window length per touched page, under "auto". */
export const AUTO_SCAN_NS_PER_PAGE = 1000;
/** Shortest scan window: windows are counted in 32 bits. */
export const MIN_SCAN_INTERVAL_NS = 1000;

/** How a scanner is paced: each window lasts max(intervalNs, pages touched at its start
 * x nsPerPage). A fixed --scan-interval has nsPerPage 0. */
export interface ScanPacing {
  intervalNs: number;
  nsPerPage: number;
}

/** A scenario's scan pacing. */
export function scanPacing(s: Scenario): ScanPacing {
  return s.scanIntervalNs !== undefined
    ? { intervalNs: s.scanIntervalNs, nsPerPage: 0 }
    : { intervalNs: MIN_SCAN_INTERVAL_NS, nsPerPage: AUTO_SCAN_NS_PER_PAGE };
}

const sizeLike = z.union([z.number(), z.string()]);
/** a fraction as a number, or as the command line takes it, a percent: 0.8 or "80%"
 * (background, migrateAt, workingSet; each checks its own range after) */
const fractionLike = z.union([z.number(), z.string().transform(readFraction)]);

export const runOptionsSchema = z
  .object({
    workload: z.string().min(1).default(DEFAULT_WORKLOAD),
    memory: sizeLike.default("64MiB"),
    mechanism: z.string().default("lightweight"),
    /** a built-in policy's name, the path of a policy module, or a module object; by
     * default ampom, or none with a mechanism that moves every page before the resume
     * (defaultPolicyFor) */
    policy: z.union([z.string().min(1), z.custom<PolicyModule>((v) => typeof v === "object" && v !== null, "expected a policy name, a module path or a policy module object")]).optional(),
    network: z.string().default("gige-2008"),
    bandwidth: sizeLike.optional(),
    latency: sizeLike.optional(),
    background: fractionLike.pipe(z.number().min(0).lt(1)).default(0),
    /** how the link orders pages: one FIFO stream, or demand traffic ahead of bulk */
    link: z.enum(LINK_DISCIPLINES).default("fifo"),
    // 1 would be the end of the records: a process that has finished has nothing to migrate
    migrateAt: fractionLike.pipe(z.number().min(0).lt(1, "must be below 1 (at 1 the process has finished, and nothing would migrate)")).default(0.5),
    /** migrate at this simulated time instead (a duration: "20ms"); overrides migrateAt */
    migrateAtTime: sizeLike.optional(),
    /** migrate just before this record (0-based: the first n records run at home), for a
     * point known exactly, such as a marker in a captured trace; overrides migrateAt */
    migrateAtRecord: z.number().int().min(0).optional(),
    /** overrides of the preset's local fault costs (durations): the trap of a remote
     * fault up to its request leaving, the zero-fill of a page that never existed, and
     * the first use of a prefetched page (a local fault that maps it) */
    faultTrap: sizeLike.optional(),
    zeroFill: sizeLike.optional(),
    firstUse: sizeLike.optional(),
    /** the parts of the trap and of a first use charged to the process's CPU clock, which
     * ampom's paging rate counts as execution (durations; default 0, at most the costs) */
    faultTrapCpu: sizeLike.optional(),
    firstUseCpu: sizeLike.optional(),
    seed: z.number().int().min(0).max(MAX_SEED).default(1),
    core: z.enum(["wasm", "reference"]).default("wasm"),
    baselines: z.boolean().default(true),
    /** a size as --page-size takes it (4096, "4KiB"), checked by pageSizeOf() */
    pageSize: sizeLike.default(4096),
    /** the CPU the built-in HPCC kernels' time per access is calibrated for */
    cpu: z.enum(CPU_MODELS as [CpuModel, ...CpuModel[]]).default("2008"),
    /** time per access; overrides `cpu` (default: the kernel's calibration, else TRACE_CPU_NS) */
    cpuNsPerAccess: z.number().positive().optional(),
    /** at most the pages the cores keep in their most-recently-used list */
    eagerPages: z.number().int().min(0).max(MRU_CAP).default(3),
    workingSet: fractionLike.pipe(z.number().gt(0).max(1)).default(1),
    iterations: z.number().int().positive().optional(),
    historyLength: z.number().int().min(1).max(256).default(32),
    /** interval of the accessed-bit scans before migration (what policies may know of it) */
    scanInterval: sizeLike.default(DEFAULT_SCAN_INTERVAL),
    chunkRecords: z.number().int().min(1).max(1 << 22).default(1 << 16),
    policyParams: z.record(z.string(), z.number()).default({}),
    /** post-copy's background push order (src/migration/push-orders: bubbling, ascending,
     * forward, adaptive, oracle, set-oracle) */
    pushOrder: z.string().optional(),
    /** the mechanism's numeric parameters by name (pre-copy's maxRounds, ...) */
    mechanismParams: z.record(z.string(), z.number()).default({}),
  })
  .strict();

export type RunOptions = z.input<typeof runOptionsSchema>;

const duration = (example: string) => `a duration such as "${example}" or a number of nanoseconds`;

const PAGE_SIZE_TAKES = `a power of two from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE} bytes, such as 4096 or "4KiB"`;

/** A page size in bytes or with a unit (4096, "4KiB"), as --page-size takes it, for the
 * run options and scenario files alike; `what` names it in messages, `verb` in the
 * words of the caller's other messages. */
export function pageSizeOf(what: string, input: string | number, verb: "expected" | "must be" = "expected"): number {
  const n = parseSize(what, input);
  // the bytes a string came to, where they differ from it ("1.5KiB" is 1536)
  const bytes = typeof input === "string" && input.trim() !== String(n) ? ` (${n} bytes)` : "";
  if (!isPageSize(n)) throw new Error(`${what}: ${verb} ${PAGE_SIZE_TAKES}, got ${shown(input)}${bytes}`);
  return n;
}

/** What each option takes, in words: a value the schema refuses is refused with this
 * and what was given ("expected a size such as ..., got true"), in place of zod's
 * "Invalid input" or "Too small: expected number to be >=0", which name a check, not
 * what to write. A check with a message of its own (migrateAt's) keeps it. */
const OPTION_TAKES: Record<keyof typeof runOptionsSchema.shape, string> = {
  workload: "a built-in workload's name or a trace file's path",
  memory: 'a size such as "64MiB" or a number of bytes',
  mechanism: 'a mechanism\'s name, such as "lightweight"',
  policy: "a built-in policy's name, a policy module file's path or a policy module object",
  network: 'a network preset\'s name, such as "gige-2008"',
  bandwidth: 'a rate such as "1Gbps" or a number of bits per second',
  latency: duration("50us"),
  background: 'a fraction of at least 0 and below 1, such as 0.8 or "80%"',
  link: LINK_DISCIPLINES.map((d) => `"${d}"`).join(" or "),
  migrateAt: 'a fraction of at least 0 and below 1, such as 0.5 or "50%"',
  migrateAtTime: duration("20ms"),
  // zod's int() stops at 2^53-1: say so, not only the least
  migrateAtRecord: `${wholeRange(0, Number.MAX_SAFE_INTEGER)} (the record to migrate before)`,
  faultTrap: duration("2us"),
  zeroFill: duration("1us"),
  firstUse: duration("200ns"),
  faultTrapCpu: duration("1us"),
  firstUseCpu: duration("500ns"),
  seed: wholeRange(0, MAX_SEED),
  core: '"wasm" or "reference"',
  baselines: "true or false",
  pageSize: PAGE_SIZE_TAKES,
  cpu: CPU_MODELS.map((c) => `"${c}"`).join(" or "),
  cpuNsPerAccess: "a positive number of nanoseconds",
  eagerPages: wholeRange(0, MRU_CAP),
  workingSet: 'a fraction above 0 and at most 1, such as 0.25 or "25%"',
  iterations: wholeRange(1, Number.MAX_SAFE_INTEGER),
  historyLength: wholeRange(1, 256),
  scanInterval: `"auto" or ${duration("1ms")}`,
  chunkRecords: wholeRange(1, 1 << 22),
  policyParams: 'an object of parameter values, such as {"zoneRadius": 16}',
  pushOrder: 'a push order\'s name, such as "bubbling"',
  mechanismParams: 'an object of parameter values, such as {"maxRounds": 5}',
};

/** The error map of resolveOptions: what the option at the issue's path takes. */
function optionIssue(iss: z.core.$ZodRawIssue): string | undefined {
  const path = iss.path ?? [];
  if (path.length === 0) return iss.code === "invalid_type" ? "expected an object of run options" : undefined;
  const name = String(path[0]);
  if (!Object.prototype.hasOwnProperty.call(OPTION_TAKES, name)) return undefined;
  // below an option: a value of policyParams or mechanismParams
  return path.length > 1 ? "expected a number" : `expected ${OPTION_TAKES[name as keyof typeof OPTION_TAKES]}`;
}

/** The value at `path` below `root` (undefined where the path leaves the objects). */
export function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let got = root;
  for (const key of path) got = got !== null && typeof got === "object" ? (got as Record<PropertyKey, unknown>)[key] : undefined;
  return got;
}

/** Options with every default filled in and every unit resolved. */
export interface Scenario {
  workload: string;
  memoryBytes: number;
  mechanism: string;
  /** a built-in policy's name, a policy module's path, or a module object's name */
  policy: string;
  /** the module object given in place of a name (library use) */
  policyModule?: PolicyModule;
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
  cpu: CpuModel;
  cpuNsPerAccess: number;
  eagerPages: number;
  workingSet: number;
  iterations?: number;
  historyLength: number;
  /** the accessed-bit scan interval, or undefined for "auto" (scanPacing) */
  scanIntervalNs?: number;
  chunkRecords: number;
  policyParams: Record<string, number>;
  /** post-copy's push order as given (--push-order); a push policy's order is added
   * when the run starts (pushFor) */
  pushOrder?: string;
  mechanismParams: Record<string, number>;
}

/** `option` ("network (--network)"): the option the value was given as, named as the
 * other options' messages name theirs. */
function oneOf(what: string, value: string, known: Record<string, unknown>, option?: string): void {
  // own names only: "constructor" or "__proto__" is in every object
  if (!Object.hasOwn(known, value)) throw new Error(`${option ? `option ${option}: ` : ""}unknown ${what} "${value}" (known: ${Object.keys(known).join(", ")})`);
}

/** Options the command line does not take (the library's and a sweep config's only). */
const LIBRARY_ONLY_OPTIONS: ReadonlySet<string> = new Set(["historyLength", "chunkRecords"]);

/** The command-line flag of a top-level option ("--migrate-at"), or undefined for one
 * the command line does not take: a message must not name a flag `ampom run` refuses. */
export function optionFlag(name: string): string | undefined {
  if (LIBRARY_ONLY_OPTIONS.has(name)) return undefined;
  const renamed: Record<string, string> = { cpuNsPerAccess: "cpu-ns", policyParams: "param", mechanismParams: "mech-param", baselines: "no-baselines" };
  return `--${renamed[name] ?? name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())}`;
}

/** The flag of a top-level option for messages: " (--migrate-at)", or "". */
function cliFlag(path: PropertyKey[]): string {
  const flag = path.length === 1 ? optionFlag(String(path[0])) : undefined;
  return flag === undefined ? "" : ` (${flag})`;
}

/** Options that shape a generated workload and mean nothing to a recorded trace, whose
 * records, footprint and address space are its own (the library's names, with the
 * command line's). A trace given any of them is refused rather than silently run
 * without them: a sweep or a script that varies them over a trace would otherwise
 * report identical runs as different ones. */
export const GENERATOR_OPTIONS: ReadonlyArray<[keyof RunOptions, string]> = [
  ["memory", "--memory"],
  ["workingSet", "--working-set"],
  ["iterations", "--iterations"],
  ["seed", "--seed"],
  ["cpu", "--cpu"],
];

/** True when `workload` names a generated (built-in) workload rather than a trace file. */
export function isGeneratedWorkload(workload: string): boolean {
  return Object.prototype.hasOwnProperty.call(workloads, workload);
}

/** The trace file a scenario's workload names, or undefined for a built-in workload. */
export function traceFile(s: { workload: string }): string | undefined {
  return isGeneratedWorkload(s.workload) ? undefined : s.workload;
}

/** Refuses generator-only options on a trace, naming every one given. */
function checkWorkloadKind(input: RunOptions, workload: string): void {
  // a name that is neither built in nor a file is refused later, as unknown (preflight)
  if (isGeneratedWorkload(workload) || !existsSync(workload)) return;
  const given = GENERATOR_OPTIONS.filter(([name]) => (input as Record<string, unknown>)[name] !== undefined);
  if (given.length === 0) return;
  const names = given.map(([name, flag]) => `${name} (${flag})`).join(", ");
  throw new Error(
    `option${given.length > 1 ? "s" : ""} ${names}: ${given.length > 1 ? "apply" : "applies"} to generated workloads only; ` +
      `workload ${workload} is a trace, whose records and footprint are its own (leave ${given.length > 1 ? "them" : "it"} out)`,
  );
}

/** The option an error message about `options` is about: a trace file's, which begins
 * with its path or names it as the workload; "option a.b: detail", "memory: detail"
 * (unit parsers), 'unknown policy "x" ...' (registries), or a policy's: 'policy[ module]
 * x has no parameter "y"' (policyParams), "policy module x: ..." (policy); `also`: the
 * other options a message about several names ("options a, b: detail"). */
export function optionOf(message: string, options: Record<string, unknown>): { path: string[]; also?: string[]; detail: string } | undefined {
  const w = options.workload;
  if (typeof w === "string" && !isGeneratedWorkload(w) && [`${w}:`, `workload "${w}"`, `workload ${w}:`].some((p) => message.startsWith(p))) {
    return { path: ["workload"], detail: message };
  }
  // "options a (--a), b (--b): detail" (checkWorkloadKind) is about each of them
  const many = /^options ((?:\w+(?: \(--[\w-]+\))?, )+\w+(?: \(--[\w-]+\))?): ([\s\S]*)$/.exec(message);
  const names = many?.[1].split(", ").map((n) => n.replace(/ \(--[\w-]+\)$/, ""));
  if (many && names!.every((n) => Object.hasOwn(runOptionsSchema.shape, n))) return { path: [names![0]], also: names!.slice(1), detail: many[2] };
  const m = /^(?:option )?([\w.]+)(?: \(--[\w-]+\))?: ([\s\S]*)$/.exec(message);
  if (m && Object.keys(runOptionsSchema.shape).includes(m[1].split(".")[0])) return { path: m[1].split("."), detail: m[2] };
  // 'unknown push order "x"' is pushOrder's
  const u = /^unknown (\w+(?: \w+)?) "/.exec(message);
  const named = u?.[1].replace(/ (\w)/, (_, c: string) => c.toUpperCase());
  if (named && Object.keys(runOptionsSchema.shape).includes(named)) return { path: [named], detail: message };
  if (/^policy (?:module )?.+ has no parameter "/.test(message)) return { path: ["policyParams"], detail: message };
  if (/^policy module .+: /.test(message)) return { path: ["policy"], detail: message };
  return undefined;
}

/** An option's value refused by what the option takes: "option migrateAt (--migrate-at):
 * must be below 1 (...), got 1.5". Its parts are kept apart, so that a message about
 * where the value came from (a sweep config's field, an evaluation's point) can name the
 * value its own way rather than cut it out of this one. */
export class OptionValueError extends Error {
  constructor(
    /** the option, and the key below it for a parameter: ["policyParams", "zoneRadius"] */
    readonly path: string[],
    /** what is wrong, without the option's name or the value */
    readonly detail: string,
    /** the value refused; undefined when the option was not given */
    readonly value: unknown,
  ) {
    // its name stays "Error" (not set): String(err) reads as it did before the class
    super(`option ${path.join(".") || "options"}${cliFlag(path)}: ${detail}${gotValue(value)}`);
  }
}

/** ", got VALUE", how a message names a refused value after what is wrong; "" for no
 * value (an option not given). */
export function gotValue(value: unknown): string {
  return value === undefined ? "" : `, got ${shown(value)}`;
}

/** `text` without the command-line flags it names (" (--memory)"): for a message about a
 * file's field (a sweep config's, a cluster scenario's), which has none. */
export function withoutFlags(text: string): string {
  return text.replace(/ \(--[\w-]+\)/g, "");
}

/** `unknown option "a"`, `unknown options "a", "b"`: keys a strict schema refused, in
 * place of zod's "Unrecognized key", which reads as if the key were the problem's place. */
export function unknownKeys(what: string, keys: readonly string[]): string {
  return `unknown ${what}${keys.length > 1 ? "s" : ""} ${keys.map((k) => JSON.stringify(k)).join(", ")}`;
}

/** Refuses a key of a function's extras (its second argument) that it does not take: a
 * misspelt `events` or `dir` would otherwise write no log, or read paths from elsewhere,
 * and say nothing. `fn` names the function: "simulate()". */
export function checkExtras(fn: string, extras: object, takes: readonly string[]): void {
  const unknown = Object.keys(extras ?? {}).filter((k) => !takes.includes(k));
  if (unknown.length > 0) throw new Error(`${unknownKeys("extra", unknown)} (${fn}'s extras: ${takes.join(", ")})`);
}

export function resolveOptions(input: RunOptions): Scenario {
  const parsed = runOptionsSchema.safeParse(input, { error: optionIssue });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.code === "unrecognized_keys") {
      throw new Error(`${unknownKeys("option", issue.keys)} (options: ${Object.keys(runOptionsSchema.shape).join(", ")})`);
    }
    throw new OptionValueError(issue.path.map(String), issue.message, valueAt(input, issue.path));
  }
  const o = parsed.data;
  const pageSize = pageSizeOf("option pageSize (--page-size)", o.pageSize);
  oneOf("mechanism", o.mechanism, mechanisms, "mechanism (--mechanism)");
  let policy: string;
  let policyModule: PolicyModule | undefined;
  checkWorkloadKind(input, o.workload);
  if (o.policy === undefined) {
    policy = defaultPolicyFor(o.mechanism);
  } else if (typeof o.policy !== "string") {
    const named = (o.policy as { name?: unknown } | null)?.name;
    policyModule = checkPolicyModule(o.policy, typeof named === "string" ? `${named} (given as option policy)` : "given as option policy");
    policy = policyModule.name ?? "custom";
    // the name labels the results; a built-in's name would also pick the built-in's push
    // and stand in for its baseline runs
    if (Object.prototype.hasOwnProperty.call(policies, policy)) {
      throw new Error(`option policy: a policy module may not be named "${policy}", a built-in policy's name; give it a name of its own`);
    }
  } else {
    policy = o.policy;
    if (!isPolicyPath(policy)) oneOf("policy", policy, policies, "policy (--policy)");
  }
  // a built-in's parameters are known here; a module's, once it is loaded
  if (!policyModule && Object.prototype.hasOwnProperty.call(policies, policy)) policyParamVector(policies[policy], o.policyParams);
  oneOf("network", o.network, networkPresets, "network (--network)");
  // the one mechanism x policy rule; a module's policy pulls pages, only built-in push policies push
  pushFor(o.mechanism, { ...pushInfo(policy), module: policyModule !== undefined || isPolicyPath(policy) }, o.pushOrder);
  mechanismParams(mechanisms[o.mechanism], o.mechanismParams);
  // a copy sends every page before the process resumes: given to it, a sweep over them
  // would report identical runs as different ones
  if (input.eagerPages !== undefined && !mechanisms[o.mechanism].remotePaging) {
    throw new Error(
      `option eagerPages (--eager-pages): mechanism ${o.mechanism} sends every page before the process resumes and takes no eager pages; they go with ${remotePagingMechanisms().join(" or ")}`,
    );
  }
  const preset = { ...networkPresets[o.network] };
  if (o.bandwidth !== undefined) preset.bandwidthBps = parseRate("option bandwidth (--bandwidth)", o.bandwidth);
  if (o.latency !== undefined) preset.latencyNs = parseDuration("option latency (--latency)", o.latency);
  if (!(preset.bandwidthBps > 0)) throw new Error(`option bandwidth (--bandwidth): must be positive, got ${preset.bandwidthBps}`);
  if (!(preset.latencyNs >= 0)) throw new Error(`option latency (--latency): must not be negative, got ${preset.latencyNs}`);
  const scanIntervalNs = o.scanInterval === "auto" ? undefined : parseDuration("option scanInterval (--scan-interval)", o.scanInterval);
  if (scanIntervalNs !== undefined && !(scanIntervalNs >= MIN_SCAN_INTERVAL_NS)) {
    throw new Error(`option scanInterval (--scan-interval): must be auto or at least 1us, got ${o.scanInterval}`);
  }
  if (o.faultTrap !== undefined) preset.faultTrapNs = parseDuration("option faultTrap (--fault-trap)", o.faultTrap);
  preset.zeroFillNs = o.zeroFill !== undefined ? parseDuration("option zeroFill (--zero-fill)", o.zeroFill) : zeroFillFor(preset, pageSize);
  if (o.firstUse !== undefined) preset.firstUseNs = parseDuration("option firstUse (--first-use)", o.firstUse);
  if (o.faultTrapCpu !== undefined) preset.faultTrapCpuNs = parseDuration("option faultTrapCpu (--fault-trap-cpu)", o.faultTrapCpu);
  if (o.firstUseCpu !== undefined) preset.firstUseCpuNs = parseDuration("option firstUseCpu (--first-use-cpu)", o.firstUseCpu);
  if (preset.faultTrapCpuNs > preset.faultTrapNs) {
    throw new Error(`option faultTrapCpu (--fault-trap-cpu): must not exceed the fault trap (${preset.faultTrapNs} ns), got ${preset.faultTrapCpuNs} ns`);
  }
  if (preset.firstUseCpuNs > preset.firstUseNs) {
    throw new Error(`option firstUseCpu (--first-use-cpu): must not exceed the first use's cost (${preset.firstUseNs} ns), got ${preset.firstUseCpuNs} ns`);
  }
  const points = [
    input.migrateAt !== undefined && "migrateAt (--migrate-at)",
    o.migrateAtRecord !== undefined && "migrateAtRecord (--migrate-at-record)",
    o.migrateAtTime !== undefined && "migrateAtTime (--migrate-at-time)",
  ].filter((p) => p !== false);
  if (points.length > 1) throw new Error(`options ${points.join(" and ")} name ${points.length === 2 ? "two" : "three"} migration points; give one`);
  const memoryBytes = parseSize("option memory (--memory)", o.memory);
  if (!(memoryBytes >= pageSize)) {
    // what the user wrote, and the bytes it came to where those differ ("1.5" is 2 bytes)
    const given = typeof o.memory === "string" && o.memory.trim() !== String(memoryBytes) ? `${JSON.stringify(o.memory)} (${memoryBytes} bytes)` : `${memoryBytes}`;
    throw new Error(`option memory (--memory): must be at least one page (${pageSize} bytes), got ${given}`);
  }
  return {
    workload: o.workload,
    memoryBytes,
    mechanism: o.mechanism,
    policy,
    ...(policyModule ? { policyModule } : {}),
    network: preset,
    background: o.background,
    link: o.link,
    migrateAt: o.migrateAt,
    migrateAtTimeNs: o.migrateAtTime === undefined ? undefined : parseDuration("option migrateAtTime (--migrate-at-time)", o.migrateAtTime),
    migrateAtRecord: o.migrateAtRecord,
    seed: o.seed,
    core: o.core,
    baselines: o.baselines,
    pageSize,
    cpu: o.cpu,
    cpuNsPerAccess: o.cpuNsPerAccess ?? kernelCpuNs(o.workload, o.cpu) ?? TRACE_CPU_NS,
    eagerPages: o.eagerPages,
    workingSet: o.workingSet,
    iterations: o.iterations,
    historyLength: o.historyLength,
    ...(scanIntervalNs !== undefined ? { scanIntervalNs } : {}),
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

/** The memory a run's metrics report: the size given for a generated workload, a
 * trace's own footprint (its address space, pageCount pages) for a trace. */
export function footprintBytes(s: Pick<Scenario, "workload" | "memoryBytes">, workload: { pageCount: number; pageSize: number }): number {
  return isGeneratedWorkload(s.workload) ? s.memoryBytes : workload.pageCount * workload.pageSize;
}

/** The options a run used, as the library names them, every default filled in (a
 * generated workload's options left out for a trace, and eager pages for a copy, which
 * take none): what a JSON result's provenance records. */
export function optionsUsed(input: RunOptions): Record<string, unknown> {
  const o = runOptionsSchema.parse(input);
  const policy = o.policy === undefined ? defaultPolicyFor(o.mechanism) : typeof o.policy === "string" ? o.policy : (o.policy.name ?? "custom");
  const used: Record<string, unknown> = { ...o, policy };
  if (!isGeneratedWorkload(o.workload)) for (const [name] of GENERATOR_OPTIONS) delete used[name];
  // a copy refuses eager pages: the options must run again as they stand
  if (mechanisms[o.mechanism]?.remotePaging === false) delete used.eagerPages;
  return used;
}

/** What a scenario's workload is made with (a built-in's; a trace takes only the page size). */
export function workloadOptions(s: Scenario): WorkloadOptions {
  return { memoryBytes: s.memoryBytes, pageSize: s.pageSize, seed: s.seed, workingSet: s.workingSet, iterations: s.iterations };
}
