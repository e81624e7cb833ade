// `reproduce`: the paper's evaluation end to end on the built-in HPCC kernels, as
// data. Tables, figures and files are made from the returned results elsewhere
// (tables.ts, figures.ts, write.ts), so the same numbers feed every output.
//
// The experiments, all at one memory size on `gige-2008` with migration at mid-run:
// - per kernel, every mechanism with every policy (compare): the extended table, and
//   the headline numbers taken from its rows;
// - per kernel, lightweight with every policy on a busy network (background load);
// - freeze time against memory size, full-copy and lightweight, on one kernel;
// - runtime against working-set fraction, on one kernel;
// - a fault timeline (page against time, faults and prefetches) on one kernel: the
//   events of its lightweight + ampom row, logged as that row runs.
// Runs on one workload go side by side over one record stream (runScenarios): a
// kernel's quiet and busy rows together, each memory size's and each working set's.
import { DEMAND, FULL_COPY, planCompare, type ComparePlan } from "../sim/compare.js";
import {
  EVENT_EAGER, EVENT_FAULT, EVENT_MIGRATE, EVENT_PREFETCH, EventLog, MIGRATE_DECISION, MIGRATE_RESUME,
} from "../sim/event-log.js";
import { migrationCalledOff, type Metrics } from "../sim/metrics.js";
import { MAX_SEED, optionsAccepted, resolveOptions, unknownKeys, type RunOptions, type Scenario } from "../sim/options.js";
import { preflight } from "../sim/preflight.js";
import { runScenarios, scenarioWorkload, type ScenarioRun } from "../sim/simulate.js";
import type { Workload } from "../workloads/types.js";
import { policies } from "../policies/registry.js";
import { parseSize, readFraction } from "../util/units.js";
import { wholeProblem } from "../util/params.js";
import { labelThrows, shown } from "../util/errors.js";
import { checkKernelNames, HPCC_KERNELS, workloads } from "../workloads/registry.js";
import type { CoreKind } from "../core/types.js";
import type { CpuModel } from "../workloads/hpcc/cpu.js";
import { resultProvenance, type ResultProvenance } from "../util/provenance.js";

/** The paper's published figures, shown beside ours. */
export const PAPER = {
  freezeAvoided: 0.98,
  faultsPrevented: [0.85, 0.99] as [number, number],
  overheadVsFullCopy: [0, 0.05] as [number, number],
};
/** The paper's setting; `npm start` runs it in about two minutes on a 2-core machine (114 s measured). */
export const DEFAULT_REPRODUCE_MEMORY = "256MiB";
export const BUSY_BACKGROUND = 0.8;
/** The most seeds one reproduction runs: each runs every kernel again, so 1000 is days
 * at the paper's size, and far more would not fit in memory (a billion crashed V8). */
export const MAX_REPRODUCE_SEEDS = 1000;
export const WORKING_SET_FRACTIONS = [0.1, 0.25, 0.5, 0.75, 1];
/** Memory sizes of the freeze figure, as fractions of the chosen size. */
export const MEMORY_FRACTIONS = [1 / 16, 1 / 8, 1 / 4, 1 / 2, 1];
/** The fault timeline's grid: events are counted in cells of time x page, so that a
 * dense stretch reads as density rather than as overdrawn marks. */
export const TIMELINE_TIME_BINS = 160;
export const TIMELINE_PAGE_BINS = 100;

export interface ReproduceOptions {
  /** memory size of every kernel (default DEFAULT_REPRODUCE_MEMORY) */
  memory?: string | number;
  /** kernels to run (default: the HPCC kernels that are registered) */
  kernels?: string[];
  network?: string;
  core?: CoreKind;
  /** CPU of the kernels' calibrated time per access (default 2008, the paper's era) */
  cpu?: CpuModel;
  seed?: number;
  /** how many seeds, from `seed` on: the figures show their mean with min-max whiskers
   * (default 1: the first seed only) */
  seeds?: number;
  /** background utilisation of the busy network, a fraction or a percent: 0.8 or "80%"
   * (default 0.8) */
  busyBackground?: number | string;
  onProgress?: (done: number, total: number, label: string) => void;
}

/** Every option reproduce() takes: from plain JavaScript a name it does not know (`size`,
 * the command line's flag for `memory`) would be ignored, and the run made at the default. */
const REPRODUCE_OPTIONS: Record<keyof ReproduceOptions, true> = {
  memory: true, kernels: true, network: true, core: true, cpu: true, seed: true, seeds: true, busyBackground: true, onProgress: true,
};

/** The options reproduce() cannot run as given, refused before any run, each named as
 * the library calls it with the command line's flag. */
function checkReproduceOptions(options: ReproduceOptions): void {
  const unknown = Object.keys(options).filter((k) => !Object.hasOwn(REPRODUCE_OPTIONS, k));
  if (unknown.length > 0) throw new Error(`${unknownKeys("option", unknown)} (options: ${Object.keys(REPRODUCE_OPTIONS).join(", ")})`);
}

/** The busy network's background as a fraction: the run options' check would name it
 * `background`, an option reproduce() does not have. */
function busyFraction(given: number | string | undefined): number {
  if (given === undefined) return BUSY_BACKGROUND;
  const f = typeof given === "string" ? readFraction(given) : given;
  if (!(typeof f === "number" && f >= 0 && f < 1)) {
    throw new Error(`option busyBackground (--background): expected a fraction of at least 0 and below 1, such as 0.8 or "80%", got ${shown(given)}`);
  }
  return f;
}

export interface HeadlineRow {
  kernel: string;
  freezeFullCopyNs: number;
  freezeLightweightNs: number;
  /** 1 - freeze(lightweight) / freeze(full-copy) */
  freezeAvoided: number;
  faultsDemand: number;
  faultsAmpom: number;
  /** 1 - faults(ampom) / faults(demand paging); left out when demand paging had no
   * remote fault (nothing to prevent: not 0% prevented) */
  faultsPrevented?: number;
  runtimeFullCopyNs: number;
  runtimeAmpomNs: number;
  /** runtime(lightweight + ampom) / runtime(full-copy) - 1 */
  overheadVsFullCopy: number;
}

export interface TimelineData {
  kernel: string;
  mechanism: string;
  policy: string;
  /** the grid: time from the migration decision to the end of the run, pages of the
   * address space; cell (t, p) covers [t0 + t dt, t0 + (t + 1) dt) x [p dp, (p + 1) dp) */
  t0Ns: number;
  t1Ns: number;
  pageCount: number;
  timeBins: number;
  pageBins: number;
  /** cells holding events, as [time bin, page bin, count] */
  faultCells: Array<[number, number, number]>;
  prefetchCells: Array<[number, number, number]>;
  recordedFaults: number;
  recordedPrefetches: number;
  /** the lightweight freeze: decision and resume, ns since the start */
  migration: { decisionNs: number; resumeNs: number };
  /** pages sent with the context */
  eagerPages: number[];
  regions: Array<{ name: string; start: number; pages: number }>;
}

/** Mean, least and greatest of one quantity over the seeds that give it. */
export interface Stat {
  mean: number;
  min: number;
  max: number;
  /** seeds that gave a value (a ratio of a near-zero denominator gives none) */
  n: number;
}

/** One mechanism/policy pair of a kernel over the seeds. */
export interface SpreadRow {
  mechanism: string;
  policy: string;
  runtimeNs: Stat;
  faultsPrevented?: Stat;
  overheadVsFullCopy?: Stat;
  oracleGapClosed?: Stat;
  /** seeds whose run pre-copy called off (no relative metrics): present when any */
  calledOff?: number;
}

export interface ReproduceResults {
  settings: {
    memoryBytes: number;
    network: string;
    core: CoreKind;
    cpu: CpuModel;
    /** the first seed: every table is this seed's */
    seed: number;
    /** every seed run (the figures' means and whiskers are over these) */
    seeds: number[];
    migrateAt: number;
    busyBackground: number;
    kernels: string[];
    figureKernel: string;
  };
  /** the tool version, commit, Node version, core and options that made these results */
  provenance: ResultProvenance;
  paper: typeof PAPER;
  headline: HeadlineRow[];
  /** per kernel: every valid mechanism x policy, quiet network (compare rows) */
  extended: Record<string, Metrics[]>;
  /** per kernel: lightweight with every policy on the busy network */
  busy: Record<string, Metrics[]>;
  /** with more than one seed: every pair of `extended` and `busy` over all the seeds */
  spread?: { extended: Record<string, SpreadRow[]>; busy: Record<string, SpreadRow[]> };
  figures: {
    /** memoryBytes: the settings; addressSpaceBytes: the pages the process has at each */
    freezeVsMemory: { kernel: string; memoryBytes: number[]; addressSpaceBytes: number[]; fullCopyNs: number[]; lightweightNs: number[] };
    /** runtime at each fraction: the mean over the seeds, with their least and greatest */
    runtimeVsWorkingSet: { kernel: string; fractions: number[]; series: Array<{ name: string; runtimeNs: number[]; minNs: number[]; maxNs: number[] }> };
    timeline: TimelineData;
  };
}

/** The kernels reproduce runs by default: the HPCC ones registered, else every workload. */
export function defaultKernels(): string[] {
  const hpcc = HPCC_KERNELS.filter((k) => k in workloads);
  return hpcc.length > 0 ? hpcc : Object.keys(workloads);
}

function find(rows: Metrics[], mechanism: string, policy: string, kernel: string): Metrics {
  const m = rows.find((r) => r.mechanism === mechanism && r.policy === policy);
  if (!m) throw new Error(`reproduce: no ${mechanism}/${policy} run for ${kernel}`);
  return m;
}

export function headlineRow(kernel: string, rows: Metrics[]): HeadlineRow {
  const full = find(rows, FULL_COPY.mechanism, FULL_COPY.policy, kernel);
  const demand = find(rows, DEMAND.mechanism, DEMAND.policy, kernel);
  const ampom = rows.find((r) => r.mechanism === "lightweight" && r.policy === "ampom") ?? demand;
  return {
    kernel,
    freezeFullCopyNs: full.freezeNs,
    freezeLightweightNs: demand.freezeNs,
    freezeAvoided: full.freezeNs > 0 ? 1 - demand.freezeNs / full.freezeNs : 0,
    faultsDemand: demand.remoteFaults,
    faultsAmpom: ampom.remoteFaults,
    faultsPrevented: demand.remoteFaults > 0 ? 1 - ampom.remoteFaults / demand.remoteFaults : undefined,
    runtimeFullCopyNs: full.runtimeNs,
    runtimeAmpomNs: ampom.runtimeNs,
    overheadVsFullCopy: ampom.runtimeNs / full.runtimeNs - 1,
  };
}

function stat(values: Array<number | undefined>): Stat | undefined {
  const xs = values.filter((v): v is number => v !== undefined);
  if (xs.length === 0) return undefined;
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}

/** Every pair of the first seed's rows, over the same pair in every seed's rows. */
function spreadOf(perSeed: Metrics[][]): SpreadRow[] {
  return perSeed[0].map((m0) => {
    const same = perSeed.map((rows) => rows.find((m) => m.mechanism === m0.mechanism && m.policy === m0.policy)!);
    const row: SpreadRow = { mechanism: m0.mechanism, policy: m0.policy, runtimeNs: stat(same.map((m) => m.runtimeNs))! };
    for (const k of ["faultsPrevented", "overheadVsFullCopy", "oracleGapClosed"] as const) {
      const st = stat(same.map((m) => m[k]));
      if (st) row[k] = st;
    }
    const off = same.filter(migrationCalledOff).length;
    if (off > 0) row.calledOff = off;
    return row;
  });
}

/** When the logged migration reached `step` (MIGRATE_*), ns; 0 if it never did. */
function migrateStep(log: EventLog, step: number): number {
  for (let i = 0; i < log.length; i++) if (log.kinds[i] === EVENT_MIGRATE && log.args[i] === step) return log.times[i];
  return 0;
}

/** Counts events of the kinds asked for into cells of the timeline's grid. */
function binEvents(log: EventLog, kind: number, g: Pick<TimelineData, "t0Ns" | "t1Ns" | "pageCount" | "timeBins" | "pageBins">): Array<[number, number, number]> {
  const counts = new Map<number, number>();
  const span = Math.max(1, g.t1Ns - g.t0Ns);
  for (let i = 0; i < log.length; i++) {
    if (log.kinds[i] !== kind) continue;
    const t = Math.min(g.timeBins - 1, Math.max(0, Math.floor(((log.times[i] - g.t0Ns) * g.timeBins) / span)));
    const p = Math.min(g.pageBins - 1, Math.floor((log.pages[i] * g.pageBins) / g.pageCount));
    const key = t * g.pageBins + p;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => a[0] - b[0]).map(([key, n]) => [Math.floor(key / g.pageBins), key % g.pageBins, n]);
}

export async function reproduce(options: ReproduceOptions = {}): Promise<ReproduceResults> {
  checkReproduceOptions(options);
  const memory = options.memory ?? DEFAULT_REPRODUCE_MEMORY;
  const memoryBytes = parseSize("option memory (--size)", memory);
  // a kernel named twice runs once: its rows would count twice in the means
  checkKernelNames(options.kernels ?? defaultKernels());
  const kernels = [...new Set(options.kernels ?? defaultKernels())];
  if (kernels.length === 0) throw new Error("no kernels to run");
  const busyBackground = busyFraction(options.busyBackground);
  const seedCount = options.seeds ?? 1;
  const seedsProblem = wholeProblem(seedCount, 1, MAX_REPRODUCE_SEEDS);
  if (seedsProblem !== undefined) throw new Error(`option seeds (--seeds): ${seedsProblem}, got ${seedCount}`);
  const firstSeed = options.seed ?? 1;
  // a first seed out of range is the run options' to refuse; past the last seed, only
  // the two together are wrong, and the seed out of range is one the user never gave
  if (Number.isSafeInteger(firstSeed) && firstSeed >= 0 && firstSeed <= MAX_SEED && firstSeed + seedCount - 1 > MAX_SEED) {
    throw new Error(
      `options seed (--seed) and seeds (--seeds): ${seedCount} seeds from ${firstSeed} go past the last seed, ${MAX_SEED} (2^32-1); ` +
        `give --seed at most ${MAX_SEED - seedCount + 1}`,
    );
  }
  const seeds = Array.from({ length: seedCount }, (_, i) => firstSeed + i);
  const base: RunOptions = {
    memory: memoryBytes,
    network: options.network ?? "gige-2008",
    core: options.core ?? "wasm",
    cpu: options.cpu,
    seed: firstSeed,
    migrateAt: 0.5,
  };
  let s0: Scenario;
  try {
    s0 = resolveOptions({ ...base, workload: kernels[0], baselines: false });
    preflight(s0);
  } catch (err) {
    // the run options' memory is reproduce's --size: name the flag the user typed
    if (err instanceof Error && err.message.startsWith("option memory (--memory): ")) {
      throw new Error(err.message.replace("option memory (--memory): ", "option memory (--size): "), { cause: err });
    }
    throw err;
  }
  const figureKernel = kernels.includes("stream") ? "stream" : kernels[0];
  const lightweightPolicies = Object.keys(policies).filter((p) => optionsAccepted({ ...base, mechanism: "lightweight", policy: p }));
  const wsSeries = [
    { name: "full-copy", mechanism: "full-copy", policy: "none" },
    { name: "lightweight + none", mechanism: "lightweight", policy: "none" },
    ...["ampom", "ampom-plus"]
      .filter((p) => lightweightPolicies.includes(p))
      .map((p) => ({ name: `lightweight + ${p}`, mechanism: "lightweight", policy: p })),
  ];

  // the fault timeline: the figure kernel's lightweight row under ampom (demand paging
  // if ampom is missing) with the first seed, its events logged as it runs among the others
  const timelinePolicy = lightweightPolicies.includes("ampom") ? "ampom" : "none";
  const log = new EventLog(undefined, [EVENT_FAULT, EVENT_PREFETCH, EVENT_EAGER, EVENT_MIGRATE]);
  const isTimeline = (seed: number, kernel: string, row: { mechanism: string; policy: string }) =>
    seed === firstSeed && kernel === figureKernel && row.mechanism === "lightweight" && row.policy === timelinePolicy;

  // per seed and kernel, the quiet and the busy network's rows (compare), run side by
  // side over one record stream
  const plans: Array<{ seed: number; kernel: string; quiet: ComparePlan; busy: ComparePlan }> = [];
  for (const seed of seeds) {
    for (const kernel of kernels) {
      plans.push({
        seed,
        kernel,
        quiet: await planCompare({ ...base, seed, workload: kernel }, (row) => (isTimeline(seed, kernel, row) ? log : undefined)),
        busy: await planCompare({
          ...base,
          seed,
          workload: kernel,
          background: busyBackground,
          mechanisms: ["lightweight"],
          policies: lightweightPolicies,
        }),
      });
    }
  }

  // progress over every simulation, counted before the first one runs
  const total =
    plans.reduce((n, p) => n + p.quiet.runs.length + p.busy.runs.length, 0) +
    MEMORY_FRACTIONS.length * 2 +
    seeds.length * WORKING_SET_FRACTIONS.length * wsSeries.length;
  let done = 0;
  const onProgress = labelThrows("reproduce: onProgress", options.onProgress);
  /** Runs scenarios of one workload side by side, counting them in the progress. */
  const together = async (workload: Workload, runs: ScenarioRun[], label: string): Promise<Metrics[]> => {
    const before = done;
    const m = await runScenarios(workload, runs, {
      onProgress: (f) => onProgress?.(before + Math.min(runs.length, Math.floor(f * runs.length)), total, label),
    });
    done = before + runs.length;
    onProgress?.(done, total, label);
    return m;
  };

  // every seed's compare rows; the tables are the first seed's, the spread over all
  const extendedBySeed = seeds.map(() => ({}) as Record<string, Metrics[]>);
  const busyBySeed = seeds.map(() => ({}) as Record<string, Metrics[]>);
  for (const { seed, kernel, quiet, busy: busyPlan } of plans) {
    const tag = seeds.length > 1 ? `, seed ${seed}` : "";
    const m = await together(quiet.workload, [...quiet.runs, ...busyPlan.runs], `${kernel}: every row, quiet and busy network${tag}`);
    extendedBySeed[seed - firstSeed][kernel] = quiet.rows(m.slice(0, quiet.runs.length));
    busyBySeed[seed - firstSeed][kernel] = busyPlan.rows(m.slice(quiet.runs.length));
  }
  const extended = extendedBySeed[0];
  const busy = busyBySeed[0];
  const headline: HeadlineRow[] = kernels.map((kernel) => headlineRow(kernel, extended[kernel]));
  const spread =
    seeds.length > 1
      ? {
          extended: Object.fromEntries(kernels.map((k) => [k, spreadOf(extendedBySeed.map((e) => e[k]))])),
          busy: Object.fromEntries(kernels.map((k) => [k, spreadOf(busyBySeed.map((b) => b[k]))])),
        }
      : undefined;

  // freeze time against memory size
  const sizes = MEMORY_FRACTIONS.map((f) => Math.max(s0.pageSize, Math.floor((memoryBytes * f) / s0.pageSize) * s0.pageSize));
  const freeze = { kernel: figureKernel, memoryBytes: sizes, addressSpaceBytes: [] as number[], fullCopyNs: [] as number[], lightweightNs: [] as number[] };
  for (const size of sizes) {
    const runs = ["full-copy", "lightweight"].map((mechanism) => ({
      scenario: resolveOptions({ ...base, workload: figureKernel, memory: size, mechanism, policy: "none", baselines: false }),
    }));
    const [full, light] = await together(await scenarioWorkload(runs[0].scenario), runs, `freeze vs memory: ${size} B`);
    freeze.addressSpaceBytes.push(full.pages * runs[0].scenario.pageSize);
    freeze.fullCopyNs.push(full.freezeNs);
    freeze.lightweightNs.push(light.freezeNs);
  }

  // runtime against working-set fraction, over the seeds
  const perSeed = wsSeries.map(() => WORKING_SET_FRACTIONS.map(() => [] as number[]));
  for (const seed of seeds) {
    for (const [f, fraction] of WORKING_SET_FRACTIONS.entries()) {
      const s1 = resolveOptions({ ...base, seed, workload: figureKernel, workingSet: fraction, baselines: false });
      const m = await together(
        await scenarioWorkload(s1),
        wsSeries.map((x) => ({ scenario: { ...s1, mechanism: x.mechanism, policy: x.policy } })),
        `runtime vs working set: ${fraction}${seeds.length > 1 ? `, seed ${seed}` : ""}`,
      );
      m.forEach((r, i) => perSeed[i][f].push(r.runtimeNs));
    }
  }
  const ws = {
    kernel: figureKernel,
    fractions: WORKING_SET_FRACTIONS,
    series: wsSeries.map((x, i) => ({
      name: x.name,
      runtimeNs: perSeed[i].map((v) => stat(v)!.mean),
      minNs: perSeed[i].map((v) => stat(v)!.min),
      maxNs: perSeed[i].map((v) => stat(v)!.max),
    })),
  };

  // the timeline's grid: from the migration decision to the end of its run
  const timelineWorkload = plans.find((p) => p.seed === firstSeed && p.kernel === figureKernel)!.quiet.workload;
  const timelineRow = extended[figureKernel].find((r) => r.mechanism === "lightweight" && r.policy === timelinePolicy)!;
  const migration = { decisionNs: migrateStep(log, MIGRATE_DECISION), resumeNs: migrateStep(log, MIGRATE_RESUME) };
  const grid = {
    t0Ns: migration.decisionNs,
    t1Ns: Math.max(migration.decisionNs + 1, timelineRow.runtimeNs),
    pageCount: timelineWorkload.pageCount,
    timeBins: TIMELINE_TIME_BINS,
    pageBins: Math.min(TIMELINE_PAGE_BINS, timelineWorkload.pageCount),
  };
  const timeline: TimelineData = {
    kernel: figureKernel,
    mechanism: "lightweight",
    policy: timelinePolicy,
    ...grid,
    faultCells: binEvents(log, EVENT_FAULT, grid),
    prefetchCells: binEvents(log, EVENT_PREFETCH, grid),
    recordedFaults: log.count(EVENT_FAULT),
    recordedPrefetches: log.count(EVENT_PREFETCH),
    migration,
    eagerPages: log.pages.filter((_, i) => log.kinds[i] === EVENT_EAGER),
    regions: timelineWorkload.regions.map((r) => ({ name: r.name, start: r.start, pages: r.pages })),
  };

  return {
    settings: {
      memoryBytes,
      network: s0.network.name,
      core: s0.core,
      cpu: s0.cpu,
      seed: s0.seed,
      seeds,
      migrateAt: s0.migrateAt,
      busyBackground,
      kernels,
      figureKernel,
    },
    provenance: resultProvenance(
      { memory: memoryBytes, kernels, network: s0.network.name, core: s0.core, cpu: s0.cpu, seed: firstSeed, seeds: seedCount, migrateAt: s0.migrateAt, busyBackground },
      s0.core,
    ),
    paper: PAPER,
    headline,
    extended,
    busy,
    ...(spread ? { spread } : {}),
    figures: { freezeVsMemory: freeze, runtimeVsWorkingSet: ws, timeline },
  };
}

