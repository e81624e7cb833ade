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
import { EVENT_FAULT, EVENT_PREFETCH, EventLog } from "../sim/event-log.js";
import type { Metrics } from "../sim/metrics.js";
import { optionsAccepted, resolveOptions, type RunOptions } from "../sim/options.js";
import { runScenarios, scenarioWorkload, type ScenarioRun } from "../sim/simulate.js";
import type { Workload } from "../workloads/types.js";
import { policies } from "../policies/registry.js";
import { parseSize } from "../util/units.js";
import { workloads } from "../workloads/registry.js";
import type { CoreKind } from "../core/types.js";
import type { CpuModel } from "../workloads/hpcc/cpu.js";

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
/** Timeline events kept per kind (evenly thinned beyond this) so the figure stays light. */
export const TIMELINE_POINTS = 2500;

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
  /** events kept (thinned evenly per kind to at most TIMELINE_POINTS each) */
  timeNs: number[];
  page: number[];
  kind: Array<"fault" | "prefetch">;
  recordedFaults: number;
  recordedPrefetches: number;
  regions: Array<{ name: string; start: number; pages: number }>;
}

export interface ReproduceResults {
  settings: {
    memoryBytes: number;
    network: string;
    core: CoreKind;
    cpu: CpuModel;
    seed: number;
    migrateAt: number;
    busyBackground: number;
    kernels: string[];
    figureKernel: string;
  };
  paper: typeof PAPER;
  headline: HeadlineRow[];
  /** per kernel: every valid mechanism x policy, quiet network (compare rows) */
  extended: Record<string, Metrics[]>;
  /** per kernel: lightweight with every policy on the busy network */
  busy: Record<string, Metrics[]>;
  figures: {
    freezeVsMemory: { kernel: string; memoryBytes: number[]; fullCopyNs: number[]; lightweightNs: number[] };
    runtimeVsWorkingSet: { kernel: string; fractions: number[]; series: Array<{ name: string; runtimeNs: number[] }> };
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

/** Keeps at most `max` of `idx`, evenly spaced, first and last included. */
function thin(idx: number[], max: number): number[] {
  if (idx.length <= max) return idx;
  const out: number[] = [];
  for (let i = 0; i < max; i++) out.push(idx[Math.floor((i * (idx.length - 1)) / (max - 1))]);
  return out;
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
  const base: RunOptions = {
    memory: memoryBytes,
    network: options.network ?? "gige-2008",
    core: options.core ?? "wasm",
    cpu: options.cpu,
    seed: options.seed ?? 1,
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

  // the fault timeline: the figure kernel's lightweight row under ampom (demand paging
  // if ampom is missing), its faults and prefetches logged as it runs among the others
  const timelinePolicy = lightweightPolicies.includes("ampom") ? "ampom" : "none";
  const log = new EventLog(undefined, [EVENT_FAULT, EVENT_PREFETCH]);
  const isTimeline = (kernel: string, row: { mechanism: string; policy: string }) =>
    kernel === figureKernel && row.mechanism === "lightweight" && row.policy === timelinePolicy;

  // per kernel, the quiet and the busy network's rows (compare), run side by side over
  // one record stream
  const plans: Array<{ kernel: string; quiet: ComparePlan; busy: ComparePlan }> = [];
  for (const kernel of kernels) {
    plans.push({
      kernel,
      quiet: await planCompare({ ...base, workload: kernel }, (row) => (isTimeline(kernel, row) ? log : undefined)),
      busy: await planCompare({
        ...base,
        workload: kernel,
        background: busyBackground,
        mechanisms: ["lightweight"],
        policies: lightweightPolicies,
      }),
    });
  }

  // progress over every simulation, counted before the first one runs
  const total =
    plans.reduce((n, p) => n + p.quiet.runs.length + p.busy.runs.length, 0) +
    MEMORY_FRACTIONS.length * 2 +
    WORKING_SET_FRACTIONS.length * wsSeries.length;
  let done = 0;
  /** Runs scenarios of one workload side by side, counting them in the progress. */
  const together = async (workload: Workload, runs: ScenarioRun[], label: string): Promise<Metrics[]> => {
    const before = done;
    const m = await runScenarios(workload, runs, {
      onProgress: (f) => options.onProgress?.(before + Math.min(runs.length, Math.floor(f * runs.length)), total, label),
    });
    done = before + runs.length;
    options.onProgress?.(done, total, label);
    return m;
  };

  const extended: Record<string, Metrics[]> = {};
  const busy: Record<string, Metrics[]> = {};
  const headline: HeadlineRow[] = [];
  for (const { kernel, quiet, busy: busyPlan } of plans) {
    const m = await together(quiet.workload, [...quiet.runs, ...busyPlan.runs], `${kernel}: every row, quiet and busy network`);
    extended[kernel] = quiet.rows(m.slice(0, quiet.runs.length));
    busy[kernel] = busyPlan.rows(m.slice(quiet.runs.length));
    headline.push(headlineRow(kernel, extended[kernel]));
  }

  // freeze time against memory size
  const sizes = MEMORY_FRACTIONS.map((f) => Math.max(s0.pageSize, Math.floor((memoryBytes * f) / s0.pageSize) * s0.pageSize));
  const freeze = { kernel: figureKernel, memoryBytes: sizes, fullCopyNs: [] as number[], lightweightNs: [] as number[] };
  for (const size of sizes) {
    const runs = ["full-copy", "lightweight"].map((mechanism) => ({
      scenario: resolveOptions({ ...base, workload: figureKernel, memory: size, mechanism, policy: "none", baselines: false }),
    }));
    const [full, light] = await together(await scenarioWorkload(runs[0].scenario), runs, `freeze vs memory: ${size} B`);
    freeze.fullCopyNs.push(full.freezeNs);
    freeze.lightweightNs.push(light.freezeNs);
  }

  // runtime against working-set fraction
  const ws = {
    kernel: figureKernel,
    fractions: WORKING_SET_FRACTIONS,
    series: wsSeries.map((x) => ({ name: x.name, runtimeNs: [] as number[] })),
  };
  for (const fraction of WORKING_SET_FRACTIONS) {
    const s1 = resolveOptions({ ...base, workload: figureKernel, workingSet: fraction, baselines: false });
    const m = await together(
      await scenarioWorkload(s1),
      wsSeries.map((x) => ({ scenario: { ...s1, mechanism: x.mechanism, policy: x.policy } })),
      `runtime vs working set: ${fraction}`,
    );
    m.forEach((r, i) => ws.series[i].runtimeNs.push(r.runtimeNs));
  }

  const faults: number[] = [];
  const prefetches: number[] = [];
  for (let i = 0; i < log.length; i++) (log.kinds[i] === EVENT_FAULT ? faults : prefetches).push(i);
  const kept = [...thin(faults, TIMELINE_POINTS), ...thin(prefetches, TIMELINE_POINTS)].sort((a, b) => a - b);
  const timeline: TimelineData = {
    kernel: figureKernel,
    mechanism: "lightweight",
    policy: timelinePolicy,
    timeNs: kept.map((i) => log.times[i]),
    page: kept.map((i) => log.pages[i]),
    kind: kept.map((i) => (log.kinds[i] === EVENT_FAULT ? "fault" : "prefetch")),
    recordedFaults: faults.length,
    recordedPrefetches: prefetches.length,
    regions: plans.find((p) => p.kernel === figureKernel)!.quiet.workload.regions.map((r) => ({ name: r.name, start: r.start, pages: r.pages })),
  };

  return {
    settings: {
      memoryBytes,
      network: s0.network.name,
      core: s0.core,
      cpu: s0.cpu,
      seed: s0.seed,
      migrateAt: s0.migrateAt,
      busyBackground,
      kernels,
      figureKernel,
    },
    paper: PAPER,
    headline,
    extended,
    busy,
    figures: { freezeVsMemory: freeze, runtimeVsWorkingSet: ws, timeline },
  };
}

