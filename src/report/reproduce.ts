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
// - a fault timeline (page against time, faults and prefetches) on one kernel.
import { compare, comparePairs, DEMAND, FULL_COPY } from "../sim/compare.js";
import { EVENT_EAGER, EVENT_FAULT, EVENT_PREFETCH, EventLog } from "../sim/event-log.js";
import type { Metrics } from "../sim/metrics.js";
import { optionsAccepted, resolveOptions, type RunOptions } from "../sim/options.js";
import { runScenario, scenarioWorkload } from "../sim/simulate.js";
import { policies } from "../policies/registry.js";
import { parseSize } from "../util/units.js";
import { workloads } from "../workloads/registry.js";
import type { CoreKind } from "../core/types.js";
import type { CpuModel } from "../workloads/hpcc/cpu.js";
import { resultProvenance, type ResultProvenance } from "../util/provenance.js";

/** The HPC Challenge kernels of the paper's evaluation, in its order. */
export const HPCC_KERNELS = ["stream", "randomaccess", "ptrans", "dgemm", "hpl", "fft", "beff"];
/** The paper's published figures, shown beside ours. */
export const PAPER = {
  freezeAvoided: 0.98,
  faultsPrevented: [0.85, 0.99] as [number, number],
  overheadVsFullCopy: [0, 0.05] as [number, number],
};
/** The paper's setting; `npm start` runs it in about five minutes on a 2-core machine. */
export const DEFAULT_REPRODUCE_MEMORY = "256MiB";
export const BUSY_BACKGROUND = 0.8;
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
  /** background utilisation of the busy network (default 0.8) */
  busyBackground?: number;
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface HeadlineRow {
  kernel: string;
  freezeFullCopyNs: number;
  freezeLightweightNs: number;
  /** 1 - freeze(lightweight) / freeze(full-copy) */
  freezeAvoided: number;
  faultsDemand: number;
  faultsAmpom: number;
  /** 1 - faults(ampom) / faults(demand paging) */
  faultsPrevented: number;
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
    freezeVsMemory: { kernel: string; memoryBytes: number[]; fullCopyNs: number[]; lightweightNs: number[] };
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
    faultsPrevented: demand.remoteFaults > 0 ? 1 - ampom.remoteFaults / demand.remoteFaults : 0,
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
    return row;
  });
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
  const memory = options.memory ?? DEFAULT_REPRODUCE_MEMORY;
  const memoryBytes = parseSize("memory", memory);
  const kernels = options.kernels ?? defaultKernels();
  for (const k of kernels) {
    if (!(k in workloads)) throw new Error(`unknown kernel "${k}" (built-in: ${Object.keys(workloads).join(", ")})`);
  }
  if (kernels.length === 0) throw new Error("no kernels to run");
  const busyBackground = options.busyBackground ?? BUSY_BACKGROUND;
  const seedCount = options.seeds ?? 1;
  if (!Number.isSafeInteger(seedCount) || seedCount < 1) throw new Error(`option seeds: must be a whole number of at least 1, got ${seedCount}`);
  const firstSeed = options.seed ?? 1;
  const seeds = Array.from({ length: seedCount }, (_, i) => firstSeed + i);
  const base: RunOptions = {
    memory: memoryBytes,
    network: options.network ?? "gige-2008",
    core: options.core ?? "wasm",
    cpu: options.cpu,
    seed: firstSeed,
    migrateAt: 0.5,
  };
  const s0 = resolveOptions({ ...base, workload: kernels[0], baselines: false });
  const figureKernel = kernels.includes("stream") ? "stream" : kernels[0];
  const lightweightPolicies = Object.keys(policies).filter((p) => optionsAccepted({ ...base, mechanism: "lightweight", policy: p }));
  const wsSeries = [
    { name: "full-copy", mechanism: "full-copy", policy: "none" },
    { name: "lightweight + none", mechanism: "lightweight", policy: "none" },
    ...["ampom", "ampom-plus"]
      .filter((p) => lightweightPolicies.includes(p))
      .map((p) => ({ name: `lightweight + ${p}`, mechanism: "lightweight", policy: p })),
  ];

  // progress over every simulation, counted before the first one runs
  const quietRows = comparePairs({ ...base, workload: kernels[0] }).length;
  const busyRows = lightweightPolicies.length;
  const total =
    seeds.length * (kernels.length * (quietRows + busyRows) + WORKING_SET_FRACTIONS.length * wsSeries.length) +
    MEMORY_FRACTIONS.length * 2 +
    1;
  let done = 0;
  const step = (label: string) => options.onProgress?.(++done, total, label);
  const comparing = (kernel: string, what: string) => {
    const before = done;
    return (d: number, _rows: number, label: string) => {
      done = before + d;
      options.onProgress?.(done, total, `${kernel} ${what}: ${label}`);
    };
  };

  // every seed's compare runs; the tables are the first seed's, the spread over all
  const extendedBySeed: Array<Record<string, Metrics[]>> = [];
  const busyBySeed: Array<Record<string, Metrics[]>> = [];
  for (const seed of seeds) {
    const quiet: Record<string, Metrics[]> = {};
    const loaded: Record<string, Metrics[]> = {};
    const tag = seeds.length > 1 ? ` seed ${seed}` : "";
    for (const kernel of kernels) {
      quiet[kernel] = await compare({ ...base, seed, workload: kernel, onProgress: comparing(kernel, `quiet${tag}`) });
      loaded[kernel] = await compare({
        ...base,
        seed,
        workload: kernel,
        background: busyBackground,
        mechanisms: ["lightweight"],
        policies: lightweightPolicies,
        onProgress: comparing(kernel, `busy${tag}`),
      });
    }
    extendedBySeed.push(quiet);
    busyBySeed.push(loaded);
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
  const freeze = { kernel: figureKernel, memoryBytes: sizes, fullCopyNs: [] as number[], lightweightNs: [] as number[] };
  for (const size of sizes) {
    for (const mechanism of ["full-copy", "lightweight"]) {
      const s = resolveOptions({ ...base, workload: figureKernel, memory: size, mechanism, policy: "none", baselines: false });
      const m = await runScenario(s, await scenarioWorkload(s));
      (mechanism === "full-copy" ? freeze.fullCopyNs : freeze.lightweightNs).push(m.freezeNs);
      step(`freeze vs memory: ${mechanism} ${size} B`);
    }
  }

  // runtime against working-set fraction, over the seeds
  const perSeed = wsSeries.map(() => WORKING_SET_FRACTIONS.map(() => [] as number[]));
  for (const seed of seeds) {
    for (const [f, fraction] of WORKING_SET_FRACTIONS.entries()) {
      const s1 = resolveOptions({ ...base, seed, workload: figureKernel, workingSet: fraction, baselines: false });
      const workload = await scenarioWorkload(s1);
      for (let i = 0; i < wsSeries.length; i++) {
        const m = await runScenario({ ...s1, mechanism: wsSeries[i].mechanism, policy: wsSeries[i].policy }, workload);
        perSeed[i][f].push(m.runtimeNs);
        step(`runtime vs working set: ${wsSeries[i].name} at ${fraction}${seeds.length > 1 ? ` seed ${seed}` : ""}`);
      }
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

  // fault timeline of one kernel under ampom (demand paging if ampom is missing)
  const timelinePolicy = lightweightPolicies.includes("ampom") ? "ampom" : "none";
  const st = resolveOptions({ ...base, workload: figureKernel, mechanism: "lightweight", policy: timelinePolicy, baselines: false });
  const stWorkload = await scenarioWorkload(st);
  const log = new EventLog();
  const tm = await runScenario(st, stWorkload, { eventLog: log });
  step(`fault timeline: ${figureKernel}`);
  const migration = log.migration ?? { decisionNs: 0, resumeNs: 0 };
  const grid = {
    t0Ns: migration.decisionNs,
    t1Ns: Math.max(migration.decisionNs + 1, tm.runtimeNs),
    pageCount: stWorkload.pageCount,
    timeBins: TIMELINE_TIME_BINS,
    pageBins: Math.min(TIMELINE_PAGE_BINS, stWorkload.pageCount),
  };
  const timeline: TimelineData = {
    kernel: figureKernel,
    mechanism: "lightweight",
    policy: timelinePolicy,
    ...grid,
    faultCells: binEvents(log, EVENT_FAULT, grid),
    prefetchCells: binEvents(log, EVENT_PREFETCH, grid),
    recordedFaults: log.kinds.filter((k) => k === EVENT_FAULT).length,
    recordedPrefetches: log.kinds.filter((k) => k === EVENT_PREFETCH).length,
    migration,
    eagerPages: log.pages.filter((_, i) => log.kinds[i] === EVENT_EAGER),
    regions: stWorkload.regions.map((r) => ({ name: r.name, start: r.start, pages: r.pages })),
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

