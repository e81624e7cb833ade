// `compare`: every migration mechanism with every prefetch policy on one workload,
// network and migration point. The baselines the relative metrics need (demand
// paging, full copy, the oracle) are rows of the comparison itself, so each is
// simulated once and shared by every row.
import { mechanisms } from "../migration/registry.js";
import { policies } from "../policies/registry.js";
import { isPolicyPath, policyIdentity } from "../policies/module.js";
import { migrationCalledOff, type Metrics } from "./metrics.js";
import { checkExtras, DEFAULT_WORKLOAD, resolveOptions, type RunOptions, type Scenario } from "./options.js";
import { preflight } from "./preflight.js";
import { runInputs } from "./inputs.js";
import { runScenarios, scenarioWorkload, type ScenarioRun } from "./simulate.js";
import type { Workload } from "../workloads/types.js";
import type { EventSink } from "./event-log.js";
import { withEventFile } from "./event-file.js";
import type { CommandInput } from "../util/same-file.js";
import { errorMessage, labelThrows, shown } from "../util/errors.js";

export interface CompareOptions extends Omit<RunOptions, "mechanism" | "policy" | "baselines"> {
  /** mechanisms to compare (default: every registered one) */
  mechanisms?: string[];
  /** policies to compare (default: every registered one) */
  policies?: string[];
  /** progress of the rows, which run side by side over one record stream: `done` of
   * `total` (the number of rows) as the shared stream advances, `label` naming them all */
  onProgress?: (done: number, total: number, label: string) => void;
}

/** What compare() can add to the options. */
export interface CompareExtras {
  /** the events of every row: the path of a JSON Lines file (each line with the row as
   * `scenario`, "mechanism/policy"; written atomically when every row succeeded), or
   * each row's sink (undefined for none) */
  events?: string | ((row: { mechanism: string; policy: string }) => EventSink | undefined);
}

/** The pair that defines demand paging, the baseline of "faults prevented". */
export const DEMAND = { mechanism: "lightweight", policy: "none" } as const;
/** The pair that defines openMosix, the baseline of "overhead vs full copy". */
export const FULL_COPY = { mechanism: "full-copy", policy: "none" } as const;
/** The policy whose runtime is the floor of "position between none and oracle". */
export const ORACLE_POLICY = "oracle";

export interface Baselines {
  demand: Metrics;
  fullCopy: Metrics;
  oracle?: Metrics;
}

/** Below this share of demand paging's runtime, the gap between demand paging and the
 * oracle is too small for "share of it closed" to mean anything (a few faults' worth):
 * oracleGapClosed is then left out rather than reported as a ratio of noise. */
export const MIN_ORACLE_GAP = 0.01;

/** The relative metrics (docs/model.md, "Metrics") for `m`, from baseline runs of the same
 * workload, network and migration point. */
export function withBaselines(m: Metrics, b: Baselines): Metrics {
  if (migrationCalledOff(m)) return m;
  const out: Metrics = {
    ...m,
    // a share of nothing is left out: with no remote fault under demand paging there is none to prevent
    ...(b.demand.remoteFaults > 0 ? { faultsPrevented: 1 - m.remoteFaults / b.demand.remoteFaults } : {}),
    overheadVsFullCopy: m.runtimeNs / b.fullCopy.runtimeNs - 1,
  };
  if (b.oracle) {
    const gap = b.demand.runtimeNs - b.oracle.runtimeNs;
    out.oracleRuntimeNs = b.oracle.runtimeNs;
    if (gap >= MIN_ORACLE_GAP * b.demand.runtimeNs) out.oracleGapClosed = (b.demand.runtimeNs - m.runtimeNs) / gap;
  }
  return out;
}

function checkNames(what: string, asked: string[] | undefined, known: Record<string, unknown>): string[] {
  const plural = what === "policy" ? "policies" : `${what}s`;
  const option = `option ${plural} (--${plural})`;
  // a lone name would be read a letter at a time
  if (asked !== undefined && !Array.isArray(asked)) throw new Error(`${option}: must be a list of names, got ${shown(asked)}`);
  const names = asked ?? Object.keys(known);
  for (const n of names) {
    if (typeof n !== "string") {
      throw new Error(`${option}: each must be a name${what === "policy" ? " or a policy module file's path (compare a module object with simulate())" : ""}, got ${typeof n}`);
    }
    // a policy may also be the path of a user's module
    if (!Object.hasOwn(known, n) && !(what === "policy" && isPolicyPath(n))) {
      throw new Error(`${option}: unknown ${what} "${n}" (known: ${Object.keys(known).join(", ")})`);
    }
  }
  if (names.length === 0) throw new Error(`no ${plural} to compare (the list is empty)`);
  // each would be its rows again, the same metrics twice (the command line's lists drop
  // a repeat, not a module's path spelt two ways)
  const ids = names.map(policyIdentity);
  const twice = ids.findIndex((n, i) => ids.indexOf(n) !== i);
  if (twice >= 0) {
    const first = names[ids.indexOf(ids[twice])];
    const as = first === names[twice] ? "" : ` (as "${first}" too: one policy module file)`;
    throw new Error(`${option}: "${names[twice]}" is listed twice${as}; list each ${what} once`);
  }
  return names;
}

/** The options every row shares, checked as the demand-paging row: a push order, a
 * mechanism's or a policy's parameters belong to the rows that accept them. */
export function sharedOptions(o: RunOptions): RunOptions {
  return { ...o, ...DEMAND, pushOrder: undefined, mechanismParams: {}, policyParams: {}, baselines: false };
}

/** Why the options check refuses `o`, or undefined when it accepts it. */
function refusal(o: RunOptions): string | undefined {
  try {
    resolveOptions({ ...o, baselines: false });
    return undefined;
  } catch (err) {
    return errorMessage(err);
  }
}

/**
 * The mechanism/policy pairs compare() shows, in registry order, without running
 * anything: every pair the options check accepts (resolveOptions, the one rule of
 * pushFor: a mechanism that moves every page before the process resumes takes policy
 * none only; a push order goes with post-copy). When the selection leaves no pair at
 * all, the reason for the first refused one is the error.
 */
export function comparePairs(options: Omit<CompareOptions, "onProgress"> = {}): Array<{ mechanism: string; policy: string }> {
  // run options a comparison sets per row: given from plain JavaScript they would be
  // ignored, the rows all the same
  const rowOptions: Record<string, string> = { mechanism: "mechanisms (a list)", policy: "policies (a list)", baselines: "its baselines as rows, always" };
  for (const [key, instead] of Object.entries(rowOptions)) {
    if ((options as Record<string, unknown>)[key] !== undefined) throw new Error(`option ${key}: compare takes ${instead}`);
  }
  const { mechanisms: mechAsked, policies: polAsked, ...runOptions } = options;
  const mechNames = checkNames("mechanism", mechAsked, mechanisms);
  const polNames = checkNames("policy", polAsked, policies);
  // what is wrong with the shared options (not with a pair) is said as it is
  resolveOptions(sharedOptions(runOptions));
  // a pair whose mechanism or built-in policy lacks a parameter given is refused for
  // that, which says nothing of the value: with no pair left, the refusal of a pair the
  // parameters belong to is the one to give (maxRounds=0 blamed full-copy, not pre-copy)
  const given = (params: Record<string, number> | undefined) => Object.keys(params ?? {});
  const holds = (specs: ReadonlyArray<{ name: string }>, names: string[]) => names.every((n) => specs.some((p) => p.name === n));
  const mechGiven = given(runOptions.mechanismParams);
  const polGiven = given(runOptions.policyParams);
  const mechFits = (m: string) => holds(mechanisms[m].params, mechGiven);
  const polFits = (p: string) => !(p in policies) || holds(policies[p].params, polGiven);
  const pairs: Array<{ mechanism: string; policy: string }> = [];
  let firstRefusal: string | undefined;
  let fittingRefusal: string | undefined;
  for (const mechanism of mechNames) {
    for (const policy of polNames) {
      const why = refusal({ ...runOptions, mechanism, policy });
      if (why === undefined) pairs.push({ mechanism, policy });
      else if (mechFits(mechanism) && polFits(policy)) fittingRefusal ??= why;
      else firstRefusal ??= why;
    }
  }
  if (pairs.length > 0) return pairs;
  if (fittingRefusal !== undefined) throw new Error(`nothing to compare: ${fittingRefusal}`);
  if (!mechNames.some(mechFits)) throw new Error(`nothing to compare: ${noneHolds("mechanism", mechGiven, mechNames.map((m) => mechanisms[m]))}`);
  if (!polNames.some(polFits)) throw new Error(`nothing to compare: ${noneHolds("policy", polGiven, polNames.map((p) => policies[p]))}`);
  throw new Error(`nothing to compare: ${firstRefusal}`);
}

/** 'mechanism parameter x: no mechanism compared has it (a has: y; b has none)'. */
function noneHolds(what: string, names: string[], owners: Array<{ name: string; params: ReadonlyArray<{ name: string }> }>): string {
  const params = `${what} parameter${names.length > 1 ? "s" : ""} ${names.join(", ")}`;
  const has = owners.map((o) => `${o.name} has ${o.params.map((p) => p.name).join(", ") || "none"}`).join("; ");
  return `${params}: no ${what} compared has ${names.length > 1 ? "them all" : "it"} (${has})`;
}

/**
 * Runs every pair comparePairs() lists and returns one metrics object per pair, each
 * with faultsPrevented, overheadVsFullCopy and (when the oracle policy exists)
 * oracleGapClosed. The baselines are rows of the comparison, simulated once.
 */
export async function compare(options: CompareOptions = {}, extras: CompareExtras = {}): Promise<Metrics[]> {
  checkExtras("compare()", extras, Object.keys({ events: 1 } satisfies Record<keyof CompareExtras, 1>));
  const events = extras.events;
  if (typeof events === "string") {
    return withEventFile(
      events,
      (file) => compareRows(options, ({ mechanism, policy }, process) => file.section().sink({ process, scenario: `${mechanism}/${policy}` })),
      // the trace and every policy module compared: none may be the events file
      [
        ...runInputs({ workload: options.workload ?? DEFAULT_WORKLOAD, policy: "none" }),
        ...(options.policies ?? []).filter(isPolicyPath).map((module): CommandInput => ["the policy module", module]),
      ],
    );
  }
  return compareRows(options, events);
}

async function compareRows(
  options: CompareOptions,
  sinkOf?: (row: { mechanism: string; policy: string }, workload: string) => EventSink | undefined,
): Promise<Metrics[]> {
  const { onProgress: given, ...selection } = options;
  const onProgress = labelThrows("compare: onProgress", given);
  const plan = await planCompare(selection, sinkOf);
  const total = plan.pairs.length;
  const label = `${total} rows side by side`;
  const metrics = await runScenarios(plan.workload, plan.runs, {
    onProgress: (fraction) => onProgress?.(Math.min(total, Math.floor(fraction * total)), total, label),
  });
  return plan.rows(metrics);
}

/** A comparison set up but not run: the scenarios to simulate (the rows, then any
 * baseline that is no row), and how their metrics become the rows. */
export interface ComparePlan {
  pairs: Array<{ mechanism: string; policy: string }>;
  workload: Workload;
  runs: ScenarioRun[];
  /** The rows, from the metrics of `runs` in their order. */
  rows(metrics: Metrics[]): Metrics[];
}

/** What compare() runs, without running it: several plans on one workload can run side
 * by side (reproduce runs the quiet and the busy network's rows of a kernel together). */
export async function planCompare(
  options: Omit<CompareOptions, "onProgress">,
  sinkOf?: (row: { mechanism: string; policy: string }, workload: string) => EventSink | undefined,
): Promise<ComparePlan> {
  const { mechanisms: _m, policies: _p, ...runOptions } = options;
  const pairs = comparePairs(options);
  // the shared settings; a push order or a mechanism's or policy's parameters apply to
  // the rows that accept them
  const base: Scenario = {
    ...resolveOptions(sharedOptions(runOptions)),
    pushOrder: runOptions.pushOrder,
    mechanismParams: runOptions.mechanismParams ?? {},
    policyParams: runOptions.policyParams ?? {},
  };
  preflight(base);
  const workload = await scenarioWorkload(base);

  // each row once, with its event sink; the baselines are rows when they can be
  const runs: ScenarioRun[] = [];
  const index = new Map<string, number>();
  const key = (mechanism: string, policy: string) => `${mechanism}/${policy}`;
  const row = (mechanism: string, policy: string, events?: EventSink): number => {
    const k = key(mechanism, policy);
    let i = index.get(k);
    if (i === undefined) {
      i = runs.push({ scenario: { ...base, mechanism, policy }, extras: { events } }) - 1;
      index.set(k, i);
    }
    return i;
  };
  const rowAt = pairs.map((p) => row(p.mechanism, p.policy, sinkOf?.(p, base.workload)));
  // baselines run with their mechanism's defaults (no push order, no parameters), as in simulate()
  const plain = base.pushOrder === undefined && Object.keys(base.mechanismParams).length === 0 && Object.keys(base.policyParams).length === 0;
  const baseline = (mechanism: string, policy: string): number =>
    plain
      ? row(mechanism, policy)
      : runs.push({ scenario: { ...base, mechanism, policy, pushOrder: undefined, mechanismParams: {}, policyParams: {} } }) - 1;
  const demand = baseline(DEMAND.mechanism, DEMAND.policy);
  const fullCopy = baseline(FULL_COPY.mechanism, FULL_COPY.policy);
  const oracle = ORACLE_POLICY in policies ? baseline(DEMAND.mechanism, ORACLE_POLICY) : undefined;
  return {
    pairs,
    workload,
    runs,
    rows(m) {
      const baselines: Baselines = { demand: m[demand], fullCopy: m[fullCopy] };
      if (oracle !== undefined) baselines.oracle = m[oracle];
      return rowAt.map((i) => withBaselines(m[i], baselines));
    },
  };
}
