// `compare`: every migration mechanism with every prefetch policy on one workload,
// network and migration point. The baselines the relative metrics need (demand
// paging, full copy, the oracle) are rows of the comparison itself, so each is
// simulated once and shared by every row.
import { mechanisms } from "../migration/registry.js";
import { policies } from "../policies/registry.js";
import type { Metrics } from "./metrics.js";
import { resolveOptions, type RunOptions, type Scenario } from "./options.js";
import { runScenario, scenarioWorkload } from "./simulate.js";

export interface CompareOptions extends Omit<RunOptions, "mechanism" | "policy" | "baselines"> {
  /** mechanisms to compare (default: every registered one) */
  mechanisms?: string[];
  /** policies to compare (default: every registered one) */
  policies?: string[];
  /** called after each simulation; `total` can shrink as combinations turn out moot */
  onProgress?: (done: number, total: number, label: string) => void;
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

/** The relative metrics of DESIGN section 4 for `m`, from baseline runs of the same
 * workload, network and migration point. */
export function withBaselines(m: Metrics, b: Baselines): Metrics {
  const out: Metrics = {
    ...m,
    faultsPrevented: b.demand.remoteFaults > 0 ? 1 - m.remoteFaults / b.demand.remoteFaults : 0,
    overheadVsFullCopy: m.runtimeNs / b.fullCopy.runtimeNs - 1,
  };
  if (b.oracle) {
    const gap = b.demand.runtimeNs - b.oracle.runtimeNs;
    out.oracleRuntimeNs = b.oracle.runtimeNs;
    out.oracleGapClosed = gap > 0 ? (b.demand.runtimeNs - m.runtimeNs) / gap : 1;
  }
  return out;
}

function checkNames(what: string, asked: string[] | undefined, known: Record<string, unknown>): string[] {
  const names = asked ?? Object.keys(known);
  for (const n of names) {
    if (!(n in known)) throw new Error(`unknown ${what} "${n}" (known: ${Object.keys(known).join(", ")})`);
  }
  if (names.length === 0) throw new Error(`no ${what}s to compare`);
  return names;
}

/**
 * Runs every valid mechanism × policy pair and returns one metrics object per pair,
 * in registry order, each with faultsPrevented, overheadVsFullCopy and (when the
 * oracle policy exists) oracleGapClosed. A mechanism that leaves nothing to fetch
 * after migration (no remote faults with `none`) is shown with `none` only: every
 * policy would give the same numbers.
 */
export async function compare(options: CompareOptions = {}): Promise<Metrics[]> {
  const { mechanisms: mechAsked, policies: polAsked, onProgress, ...runOptions } = options;
  const mechNames = checkNames("mechanism", mechAsked, mechanisms);
  const polNames = checkNames("policy", polAsked, policies);
  const base = resolveOptions({ ...runOptions, ...DEMAND, baselines: false });
  const workload = scenarioWorkload(base);

  const runs = new Map<string, Metrics>();
  const key = (mechanism: string, policy: string) => `${mechanism}/${policy}`;
  let done = 0;
  let total = mechNames.length * polNames.length;
  const run = async (mechanism: string, policy: string, counted: boolean): Promise<Metrics> => {
    const k = key(mechanism, policy);
    let m = runs.get(k);
    if (!m) {
      const s: Scenario = { ...base, mechanism, policy };
      m = await runScenario(s, workload);
      runs.set(k, m);
    }
    if (counted) onProgress?.(++done, total, k);
    return m;
  };
  // a pair the options check refuses (a policy tied to another mechanism) is not valid
  const valid = (mechanism: string, policy: string): boolean => {
    try {
      resolveOptions({ ...runOptions, mechanism, policy, baselines: false });
      return true;
    } catch {
      return false;
    }
  };

  const rows: Array<[string, string]> = [];
  for (const mechanism of mechNames) {
    const candidates = polNames.filter((p) => valid(mechanism, p));
    // `none` first: it is the probe of whether policies matter for this mechanism
    const ordered = candidates.includes("none") ? ["none", ...candidates.filter((p) => p !== "none")] : candidates;
    total -= polNames.length - ordered.length;
    if (ordered.length === 0) continue;
    const probe = valid(mechanism, "none") ? await run(mechanism, "none", ordered[0] === "none") : undefined;
    const moot = probe !== undefined && probe.remoteFaults === 0 && probe.latePrefetches === 0;
    const shown = moot ? ordered.slice(0, 1) : ordered;
    total -= ordered.length - shown.length;
    for (const policy of shown) {
      if (!(policy === "none" && probe)) await run(mechanism, policy, true);
      rows.push([mechanism, policy]);
    }
  }

  const baselines: Baselines = {
    demand: await run(DEMAND.mechanism, DEMAND.policy, false),
    fullCopy: await run(FULL_COPY.mechanism, FULL_COPY.policy, false),
  };
  if (ORACLE_POLICY in policies && valid(DEMAND.mechanism, ORACLE_POLICY)) {
    baselines.oracle = await run(DEMAND.mechanism, ORACLE_POLICY, false);
  }
  return rows.map(([mechanism, policy]) => withBaselines(runs.get(key(mechanism, policy))!, baselines));
}
