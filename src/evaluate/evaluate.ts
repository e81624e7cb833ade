// `ampom evaluate`: every configuration on every workload of the evaluation, and per
// workload who wins, where ampom-plus ranks, how much of the demand->oracle gap it
// closes, and what each configuration costs the network (pages moved but never used).
// The runs are sweeps (worker threads, resumable results files in `runsDir`); this
// file only plans them and reads their metrics.
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Metrics } from "../sim/metrics.js";
import { MIN_ORACLE_GAP } from "../sim/compare.js";
import { canonicalJson } from "../sweep/key.js";
import { SweepConfigError } from "../sweep/config.js";
import { scanResults, type RunRecord } from "../sweep/results.js";
import { codeIdentity } from "../util/provenance.js";
import { realFile } from "../util/paths.js";
import { readFraction } from "../util/units.js";
import { labelThrows, shown } from "../util/errors.js";
import { plural } from "../util/text.js";
import { isPolicyPath, policyIdentity } from "../policies/module.js";
import { abortedError, checkedPlan, checkSignal, checkWorkers, sweep, type SweepSummary } from "../sweep/sweep.js";
import { checkOutDir } from "../report/write.js";
import { unknownKeys } from "../sim/options.js";
import {
  checkWorkloadNames, clairvoyance, DEMAND_ID, GROUPS, ORACLE_ID, planSweeps, type EvalConfig, type EvalPlan, type EvalSweep, type EvalWorkload,
} from "./plan.js";

/** The project's own policy, whose standing the evaluation reports. */
export const OURS = "ampom-plus";
export interface EvalRun {
  workload: string;
  condition: string;
  migrateAt: number;
  config: string;
  runtimeNs: number;
  remoteFaults: number;
  prefetchedPages: number;
  usefulPrefetches: number;
  pushedPages: number;
  usefulPushes: number;
  /** pages moved that the process never used: prefetched-but-unused plus pushed-but-unused */
  unusedPages: number;
  /** (demand - runtime) / (demand - oracle) of the same scenario; undefined when that gap is under MIN_ORACLE_GAP (the metrics' oracleGapClosed rule) */
  gapClosed?: number;
}

export interface ConfigStanding {
  config: string;
  clairvoyant: boolean;
  /** mean over the workload's scenarios of runtime / demand-paging runtime */
  relRuntime: number;
  /** mean gap closed over the scenarios with a gap (undefined when none has one) */
  gapClosed?: number;
  /** 1 = best among the online configurations (ties share a rank); undefined for the
   * clairvoyant, and for every configuration of a workload where all tie */
  rank?: number;
  /** mean pages moved but never used, per run */
  unusedPages: number;
}

export interface WorkloadSummary {
  workload: string;
  kind: string;
  group: EvalWorkload["group"];
  /** scenarios (conditions x migration points) */
  scenarios: number;
  /** of those, the ones whose demand->oracle gap is at least MIN_ORACLE_GAP of the demand runtime */
  withGap: number;
  /** in configuration order */
  standings: ConfigStanding[];
  /** the online configuration with the lowest mean relative runtime; absent where all tie */
  best?: string;
  /** other online configurations with exactly the best's mean relative runtime */
  tiedWithBest: string[];
  /** present, and true, when every online configuration gave the same runtimes (the
   * process needed no page from home after migration): no best, no rank, counted for no one */
  allTie?: true;
  ours?: ConfigStanding;
  /** online configurations (ranked where they differ) */
  ranked: number;
}

export interface EvaluateOptions extends EvalPlan {
  /** folder of the sweeps' results files (resumed when run again) */
  runsDir: string;
  workers?: number;
  onProgress?: (done: number, total: number, label: string) => void;
  /** called as each sweep ends: `resumed` runs were read from its results file, `ran` run now */
  onSweep?: (label: string, counts: { resumed: number; ran: number }) => void;
  /** stops the evaluation when it aborts: the runs in progress are dropped, the finished
   * ones stay in runsDir (the same call resumes), and evaluate() rejects with an
   * AbortError that says so (the signal's reason its cause) */
  signal?: AbortSignal;
}

export interface Evaluation {
  plan: EvalPlan;
  runs: EvalRun[];
  workloads: WorkloadSummary[];
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** The mean of `xs`, NaN when there are none. */
export const mean = (xs: number[]) => (xs.length ? sum(xs) / xs.length : NaN);

export function unusedPages(m: Pick<Metrics, "prefetchedPages" | "usefulPrefetches" | "pushedPages" | "usefulPushes">): number {
  return m.prefetchedPages - m.usefulPrefetches + (m.pushedPages - m.usefulPushes);
}

/** Which configuration a run's options are. */
function configOf(configs: EvalConfig[], mechanism: string, policy: string, pushOrder?: string): EvalConfig {
  const c = configs.find((x) => x.mechanism === mechanism && x.policy === policy && x.pushOrder === pushOrder);
  if (!c) throw new Error(`internal: no configuration for ${mechanism}/${policy}/${pushOrder}`);
  return c;
}

/** The evaluation's option (the library's name, the command line's) that a field of
 * its sweep configs comes from. */
const OPTION_OF_FIELD: Record<string, string> = {
  network: "conditions (--conditions)",
  background: "conditions (--conditions)",
  migrateAt: "points (--migrate-at)",
  policy: "policy (--policy)",
  pushOrder: "configs",
  workload: "workloads",
  memory: "workloads' memory (--memory)",
  link: "link (--link)",
};

/** Checks every run of every sweep before any runs or any folder is made, naming the
 * evaluation's option rather than a sweep config the user never wrote. */
async function checkSweeps(sweeps: EvalSweep[], plan: EvalPlan, points: readonly unknown[]): Promise<void> {
  for (const s of sweeps) {
    try {
      await checkedPlan(s.config);
    } catch (err) {
      if (!(err instanceof SweepConfigError)) throw err;
      const [, field, at] = /^(?:base|grid)\.(\w+)(?:\[(\d+)\])?/.exec(err.where) ?? [];
      const element = elementOf(s, plan, field, at, points);
      // a configuration's own policy or push order is the configs', not a --policy module's
      const option = element.startsWith(": configs[") ? "configs" : OPTION_OF_FIELD[field ?? ""];
      // a point is named as the caller gave it ("150%"), before what is wrong: the number
      // it was read as, said again after it (", got 1.5"), would show another value
      const detail = field === "migrateAt" && at !== undefined ? err.detail : err.problem;
      throw new Error(option ? `option ${option}${element}: ${detail}` : detail);
    }
  }
}

/** Which element of the caller's workloads, configs, conditions or points (`points`, as
 * the caller gave them: "50%") a sweep's grid value came from, as ": workloads[1]
 * (name)"; "" for another field, and for a policy module (the command's --policy names
 * it, and so does the message). */
function elementOf(s: EvalSweep, plan: EvalPlan, field: string | undefined, at: string | undefined, points: readonly unknown[]): string {
  if (at === undefined) return "";
  const value = s.config.grid?.[field!]?.[Number(at)];
  const base = s.config.base ?? {};
  // the grid's points are the plan's, in its order
  if (field === "migrateAt") return `: points[${at}] (${shown(points[Number(at)])})`;
  if (field === "workload") {
    const i = plan.workloads.findIndex((w) => w.workload === value && w.memory === base.memory);
    return i < 0 ? "" : `: workloads[${i}] (${plan.workloads[i].name})`;
  }
  if (field === "background") {
    const i = plan.conditions.findIndex((c) => c.network === base.network && c.background === value);
    return i < 0 ? "" : `: conditions[${i}] (${plan.conditions[i].id})`;
  }
  if ((field === "policy" && !isPolicyPath(String(value))) || field === "pushOrder") {
    const i = plan.configs.findIndex((c) => c.mechanism === base.mechanism && c[field] === value);
    return i < 0 ? "" : `: configs[${i}] (${plan.configs[i].id})`;
  }
  return "";
}

/** The results file of each sweep, in `runsDir`: named by its config and the code that
 * runs it, so that neither another plan nor another version of the simulator resumes
 * from runs it did not make (a run's key names its options, not the code). */
function sweepFiles(sweeps: EvalSweep[], runsDir: string): string[] {
  const code = codeIdentity();
  return sweeps.map((s) => join(runsDir, `${s.label}-${createHash("sha256").update(canonicalJson(s.config)).update(`\0${code}`).digest("hex").slice(0, 8)}.jsonl`));
}

/** The plan as its sweeps run it: each trace by its real absolute path, each point as
 * its number ("50%" is 0.5: the same runs, in the same files, however it was written).
 * Its runs in runsDir are kept under the trace's name (the results file's name and each
 * run's key hold it), and a path relative to the working folder, or one through a link,
 * would miss them when the same evaluation runs from elsewhere (docs/cli.md, evaluate). */
function sweepPlan(plan: EvalPlan): EvalPlan {
  const workloads = plan.workloads.map((w) => (w.memory === undefined ? { ...w, workload: realFile(w.workload) } : w));
  // one file under two names would be one grid value twice (refused in the words of a
  // sweep config the caller never wrote) and one set of runs for both rows
  workloads.forEach((w, i) => {
    const first = workloads.findIndex((x) => x.memory === undefined && x.workload === w.workload);
    if (w.memory !== undefined || first === i) return;
    const [a, b] = [plan.workloads[first], plan.workloads[i]];
    throw new Error(
      `option workloads: workloads[${i}] (${b.name}, ${JSON.stringify(b.workload)}) is the same trace file as workloads[${first}] (${a.name}, ${JSON.stringify(a.workload)}): ${w.workload}; give each trace once`,
    );
  });
  return { ...plan, workloads, points: plan.points.map(fractionOf) };
}

/** The results files the plan's sweeps keep in `runsDir`. */
export function runFiles(plan: EvalPlan, runsDir: string): string[] {
  return sweepFiles(planSweeps(sweepPlan(plan)), runsDir);
}

/** What evaluate() takes: from plain JavaScript a name it does not know would be ignored. */
const EVALUATE_OPTIONS = Object.keys(
  { workloads: 1, configs: 1, conditions: 1, points: 1, link: 1, focus: 1, runsDir: 1, workers: 1, onProgress: 1, onSweep: 1, signal: 1 } satisfies Record<keyof EvaluateOptions, 1>,
);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Refuses an element of a list option that is not an object with the text fields
 * `fields` (`where`: e.g. workloads[2]; `made`: what makes such objects). */
function checkFields(where: string, v: unknown, fields: readonly string[], made: string): asserts v is Record<string, unknown> {
  if (!isObject(v)) throw new Error(`${where}: expected ${made}, got ${shown(v)}`);
  for (const f of fields) {
    if (typeof v[f] !== "string" || v[f] === "") throw new Error(`${where}.${f}: expected a non-empty string, got ${shown(v[f])} (${made})`);
  }
}

/** A workload as corpusWorkloads and kernelWorkloads make it. A group that is not one
 * of the tables' was run and then shown in no table. */
function checkWorkload(w: unknown, i: number): void {
  const where = `option workloads: workloads[${i}]`;
  checkFields(where, w, ["name", "workload", "kind"], "a workload, as kernelWorkloads and corpusWorkloads make them");
  if (!(GROUPS as readonly unknown[]).includes(w.group)) throw new Error(`${where}.group: expected one of ${GROUPS.join(", ")}, got ${shown(w.group)}`);
}

/** A configuration as allConfigs makes it. The sweeps run lightweight with its policy
 * alone and post-copy with policy none and its push order: another pairing's runs were
 * made and then matched to no configuration ("internal: no configuration for ..."). */
function checkConfig(c: unknown, i: number): void {
  const where = `option configs: configs[${i}]`;
  checkFields(where, c, ["id", "policy"], "a configuration, as allConfigs makes them");
  if (typeof c.clairvoyant !== "boolean") throw new Error(`${where}.clairvoyant: expected true or false (whether it reads the trace ahead), got ${shown(c.clairvoyant)}`);
  if (c.mechanism === "lightweight" && c.pushOrder !== undefined) throw new Error(`${where} (${c.id}): lightweight takes no push order (post-copy does), got ${shown(c.pushOrder)}`);
  if (c.mechanism === "post-copy" && (c.policy !== "none" || typeof c.pushOrder !== "string")) {
    throw new Error(`${where} (${c.id}): post-copy runs with policy "none" and a push order (got policy ${shown(c.policy)}, pushOrder ${shown(c.pushOrder)})`);
  }
  // a configuration that reads the trace ahead, said to be online, was ranked among the
  // online ones and could be the best; one said to read ahead when it does not, never ranked
  const ahead = clairvoyance(c as Pick<EvalConfig, "mechanism" | "policy" | "pushOrder">);
  if (ahead !== undefined && ahead.reads !== c.clairvoyant) {
    throw new Error(`${where}.clairvoyant (${c.id}): ${c.clairvoyant}, but ${ahead.why}; set it to ${ahead.reads} (allConfigs does)`);
  }
}

function checkCondition(c: unknown, i: number): void {
  const where = `option conditions (--conditions): conditions[${i}]`;
  checkFields(where, c, ["id", "network"], 'a condition, as parseConditions makes them from "gige-2008@80%"');
  if (typeof c.background !== "number") throw new Error(`${where}.background: expected a number (0.8 for 80%), got ${shown(c.background)}`);
}

/** The configuration whose standing the tables report when no focus is given: the
 * policy module's when one is evaluated (the caller's own policy), else ampom-plus. */
export function defaultFocus(configs: readonly EvalConfig[]): string {
  const modules = configs.filter((c) => c.mechanism === "lightweight" && isPolicyPath(c.policy));
  return modules.length === 1 ? modules[0].id : OURS;
}

/** The configuration whose standing the tables report (`focus`, else defaultFocus), as
 * the command and the library both check it: one not among `configs` had no runs, and
 * its columns were left empty ("-"); a reference that reads the trace ahead is never
 * ranked, and has no standing to report. */
export function checkFocus(configs: readonly EvalConfig[], focus: string | undefined): string {
  const id = focus ?? defaultFocus(configs);
  const config = configs.find((c) => c.id === id);
  if (config === undefined) {
    throw new Error(
      focus !== undefined
        ? `option focus (--focus): ${shown(focus)} is not among the configurations evaluated`
        : `option focus (--focus): not given, and its default, ${id}, whose standing the tables report, is not among configs (--configs); add it to configs, or name another configuration as focus`,
    );
  }
  if (config.clairvoyant) throw new Error(`option focus (--focus): "${id}" reads the trace ahead (a reference, never ranked); name an online configuration`);
  return id;
}

/** Refuses, before the runs folder is made and any run, what evaluate() cannot run as
 * given: the command line's parsers and its fixed demand and oracle rows make none of
 * these, a library caller any. */
function checkEvaluateOptions(given: EvaluateOptions): EvaluateOptions & { focus: string } {
  if (!isObject(given)) throw new Error(`evaluate: expected its options, an object { workloads, configs, conditions, points, runsDir }, got ${shown(given)}`);
  // a point as a percent ("50%", as the command line takes it) is read as the fraction the
  // command's runs record, so that both give the same results, and "50%" and 0.5 are one
  const o = { ...given, points: Array.isArray(given.points) ? given.points.map(fractionOf) : given.points };
  const unknown = Object.keys(o).filter((k) => !EVALUATE_OPTIONS.includes(k));
  if (unknown.length > 0) throw new Error(`${unknownKeys("option", unknown)} (evaluate() takes: ${EVALUATE_OPTIONS.join(", ")})`);
  for (const [name, of] of [["workloads", "workloads (kernelWorkloads, corpusWorkloads)"], ["configs", "configurations (allConfigs)"], ["conditions", "conditions (parseConditions)"], ["points", 'migration points (fractions such as 0.5 or "50%")']] as const) {
    // a lone value would be read a letter at a time, or fail as "map is not a function"
    if (!Array.isArray(o[name])) throw new Error(`option ${name}: must be a list of ${of}, got ${shown(o[name])}`);
  }
  o.workloads.forEach(checkWorkload);
  o.configs.forEach(checkConfig);
  o.conditions.forEach(checkCondition);
  // an empty list would run nothing, or return empty tables
  if (o.workloads.length === 0) throw new Error("option workloads: nothing to evaluate (the list is empty)");
  if (o.conditions.length === 0) throw new Error("option conditions (--conditions): no network condition to evaluate under (the list is empty)");
  if (typeof o.runsDir !== "string" || o.runsDir === "") throw new Error(`option runsDir: the folder the runs are kept in (a path) is required, got ${shown(o.runsDir)}`);
  if (o.workers !== undefined) checkWorkers(o.workers);
  checkSignal(o.signal);
  // the gap closed is measured between these two: without them every run would be made
  // and then found to have no gap
  for (const id of [DEMAND_ID, ORACLE_ID]) {
    if (!o.configs.some((c) => c?.id === id)) throw new Error(`option configs: must include the configuration ${id} (the gap closed runs from ${DEMAND_ID} to ${ORACLE_ID})`);
  }
  // one condition twice: its runs would be counted for the first, the second row left empty
  o.conditions.forEach((c, i) => {
    const first = o.conditions.findIndex((x) => x.id === c.id || (x.network === c.network && x.background === c.background));
    if (first < i) {
      const d = o.conditions[first];
      throw new Error(
        d.id === c.id && (d.network !== c.network || d.background !== c.background)
          ? `option conditions (--conditions): conditions[${i}] has the id ${shown(c.id)} of conditions[${first}]; give each condition its own`
          : `option conditions (--conditions): conditions[${i}] (${c.id}) is conditions[${first}] (${d.id}) again; give each condition once`,
      );
    }
  });
  o.points.forEach((p, i) => {
    const first = o.points.findIndex((x) => Object.is(x, p));
    if (first < i) throw new Error(`option points (--migrate-at): points[${i}] (${shown(given.points[i])}) is points[${first}] (${shown(given.points[first])}) again; give each migration point once`);
  });
  const focusId = checkFocus(o.configs, o.focus);
  // the evaluation's sweeps run these two only: another mechanism's configuration had no
  // runs, and was ranked first with a runtime of NaN%
  const other = o.configs.findIndex((c) => c?.mechanism !== "lightweight" && c?.mechanism !== "post-copy");
  if (other >= 0) {
    const c = o.configs[other];
    throw new Error(`option configs: configs[${other}] (${c?.id}) has mechanism ${shown(c?.mechanism)}; evaluate runs lightweight (with a policy) and post-copy (with a push order)`);
  }
  // one policy module under two names: two configurations of the same runs, each ranked
  // beside the other ("best: ./mine.ts (= mine.ts)")
  const ids = o.configs.map((c) => `${c.mechanism}\0${policyIdentity(c.policy)}\0${c.pushOrder ?? ""}`);
  ids.forEach((id, i) => {
    const first = ids.indexOf(id);
    if (first === i) return;
    const [a, b] = [o.configs[first], o.configs[i]];
    const option = isPolicyPath(b.policy) ? "option policy (--policy)" : "option configs (--configs)";
    throw new Error(`${option}: ${b.id} ${a.id === b.id ? "is given twice" : `is ${a.id} again (one policy module file, ${policyIdentity(b.policy)})`}; give it once`);
  });
  // one id for two configurations: the tables would count both's runs as one row's
  o.configs.forEach((c, i) => {
    const first = o.configs.findIndex((x) => x.id === c.id);
    if (first < i) throw new Error(`option configs: configs[${i}] has the id ${shown(c.id)} of configs[${first}]; give each configuration its own`);
  });
  return { ...o, focus: focusId };
}

/** A fraction given as a percent ("50%") as its number; any other value as it is (the
 * sweep's check refuses it, quoting it). */
function fractionOf(v: unknown): number {
  const f = typeof v === "string" ? readFraction(v) : NaN;
  return (Number.isFinite(f) ? f : v) as number;
}

/** Runs (or resumes) every sweep of the plan and summarises them. */
export async function evaluate(options: EvaluateOptions): Promise<Evaluation> {
  const o = checkEvaluateOptions(options);
  const focus = o.focus;
  checkWorkloadNames(o.workloads);
  const run = sweepPlan(o);
  const sweeps = planSweeps(run);
  await checkSweeps(sweeps, run, options.points);
  const onProgress = labelThrows("evaluate: onProgress", o.onProgress);
  const onSweep = labelThrows("evaluate: onSweep", o.onSweep);
  const sizes = sweeps.map((s) => Object.values(s.config.grid ?? {}).reduce((n, v) => n * v.length, 1));
  const total = sum(sizes);
  // runs in the results files, of the sweeps before and the one going
  let kept = 0;
  const aborted = (signal: AbortSignal): Error =>
    abortedError(`evaluate: aborted; ${kept} of ${plural(total, "run")} ${kept === 1 ? "is" : "are"} kept in ${o.runsDir}; the same call resumes`, signal);
  if (o.signal?.aborted) throw aborted(o.signal);
  // a file there, or a folder that cannot be written, named now rather than as mkdir's EEXIST
  checkOutDir(o.runsDir, "option runsDir", "the runs' results files");
  mkdirSync(o.runsDir, { recursive: true });
  const files = sweepFiles(sweeps, o.runsDir);
  let before = 0;
  for (let i = 0; i < sweeps.length; i++) {
    if (o.signal?.aborted) throw aborted(o.signal);
    let summary: SweepSummary;
    try {
      summary = await sweep({
        config: sweeps[i].config,
        out: files[i],
        workers: o.workers,
        retryFailed: true,
        // the file's name pins the code (its sources' digest), which commits that change
        // only the docs share
        mixedBuilds: true,
        signal: o.signal,
        onProgress: (p) => {
          kept = before + p.skipped + p.finished;
          onProgress?.(kept, total, sweeps[i].label);
        },
      });
    } catch (err) {
      // the sweep's own message names one of the folder's files; the caller gave the folder
      if (o.signal?.aborted && (err as Error).name === "AbortError") throw aborted(o.signal);
      throw err;
    }
    if (summary.failed > 0) {
      let first: RunRecord | undefined;
      scanResults(files[i], ({ record }) => {
        if (first === undefined && record.error !== undefined) first = record;
      });
      const program = run.workloads.find((w) => w.workload === first?.options.workload);
      throw new Error(`${summary.failed} runs of ${sweeps[i].label} failed (in ${files[i]}); the first: ${first?.error}${program ? ` (program ${program.name})` : ""}`);
    }
    onSweep?.(sweeps[i].label, { resumed: summary.skipped, ran: summary.ran });
    before += sizes[i];
  }

  const byPath = new Map(run.workloads.map((w) => [w.workload, w]));
  const conditionOf = (network: string, background: number) => o.conditions.find((c) => c.network === network && c.background === background)!;
  const runs: EvalRun[] = [];
  for (const file of files) {
    // a record at a time: only what the tables need is kept
    scanResults(file, ({ record }) => {
      const m = record.metrics!;
      const opt = record.options;
      runs.push({
        workload: byPath.get(opt.workload!)!.name,
        // the evaluation's own sweep configs give the load and the point as numbers
        condition: conditionOf(opt.network!, (opt.background as number | undefined) ?? 0).id,
        migrateAt: opt.migrateAt as number,
        config: configOf(o.configs, opt.mechanism!, String(opt.policy!), opt.pushOrder).id,
        runtimeNs: m.runtimeNs,
        remoteFaults: m.remoteFaults,
        prefetchedPages: m.prefetchedPages,
        usefulPrefetches: m.usefulPrefetches,
        pushedPages: m.pushedPages,
        usefulPushes: m.usefulPushes,
        unusedPages: unusedPages(m),
      });
    });
  }
  addGapClosed(runs);
  // a stable order: the plan's workloads, conditions, points and configurations
  const at = <T>(xs: T[], x: T) => xs.indexOf(x);
  const names = o.workloads.map((w) => w.name);
  const conds = o.conditions.map((c) => c.id);
  const ids = o.configs.map((c) => c.id);
  runs.sort(
    (a, b) =>
      at(names, a.workload) - at(names, b.workload) ||
      at(conds, a.condition) - at(conds, b.condition) ||
      at(o.points, a.migrateAt) - at(o.points, b.migrateAt) ||
      at(ids, a.config) - at(ids, b.config),
  );
  return {
    plan: { workloads: o.workloads, configs: o.configs, conditions: o.conditions, points: o.points, link: o.link, focus },
    runs,
    workloads: o.workloads.map((w) => summarise(w, o.configs, runs.filter((r) => r.workload === w.name), focus)),
  };
}

const scenarioKey = (r: EvalRun) => `${r.workload}\0${r.condition}\0${r.migrateAt}`;

/** Sets each run's gap closed from the demand and oracle runs of its scenario. */
export function addGapClosed(runs: EvalRun[]): void {
  const demand = new Map<string, number>();
  const oracle = new Map<string, number>();
  for (const r of runs) {
    if (r.config === DEMAND_ID) demand.set(scenarioKey(r), r.runtimeNs);
    if (r.config === ORACLE_ID) oracle.set(scenarioKey(r), r.runtimeNs);
  }
  for (const r of runs) {
    const d = demand.get(scenarioKey(r));
    const b = oracle.get(scenarioKey(r));
    if (d === undefined || b === undefined) continue;
    if (d - b >= MIN_ORACLE_GAP * d) r.gapClosed = (d - r.runtimeNs) / (d - b);
  }
}

/** One workload's standings: each configuration's mean runtime relative to demand
 * paging, its mean gap closed, its rank among the online configurations. */
export function summarise(w: EvalWorkload, configs: EvalConfig[], runs: EvalRun[], focus = OURS): WorkloadSummary {
  const demand = new Map(runs.filter((r) => r.config === DEMAND_ID).map((r) => [scenarioKey(r), r.runtimeNs]));
  if (demand.size === 0) throw new Error(`the evaluation needs the demand-paging configuration (${DEMAND_ID}) for ${w.workload}`);
  const standings: ConfigStanding[] = configs.map((c) => {
    const mine = runs.filter((r) => r.config === c.id);
    const gaps = mine.filter((r) => r.gapClosed !== undefined).map((r) => r.gapClosed!);
    return {
      config: c.id,
      clairvoyant: c.clairvoyant,
      relRuntime: mean(mine.map((r) => r.runtimeNs / demand.get(scenarioKey(r))!)),
      gapClosed: gaps.length ? mean(gaps) : undefined,
      unusedPages: mean(mine.map((r) => r.unusedPages)),
    };
  });
  const online = standings.filter((s) => !s.clairvoyant);
  const best = online.reduce((a, b) => (b.relRuntime < a.relRuntime ? b : a));
  const tied = online.filter((s) => s !== best && s.relRuntime === best.relRuntime).map((s) => s.config);
  // where all tie every configuration would rank first and the first listed (demand
  // paging) would stand as the best: the tables show such a workload as counted for no one
  const allTie = tied.length === online.length - 1;
  if (!allTie) for (const s of online) s.rank = 1 + online.filter((x) => x.relRuntime < s.relRuntime).length;
  const scenarios = demand.size;
  const withGap = new Set(runs.filter((r) => r.gapClosed !== undefined).map(scenarioKey)).size;
  return {
    workload: w.name,
    kind: w.kind,
    group: w.group,
    scenarios,
    withGap,
    standings,
    ...(allTie ? { tiedWithBest: [], allTie: true } : { best: best.config, tiedWithBest: tied }),
    ours: standings.find((s) => s.config === focus),
    ranked: online.length,
  };
}
