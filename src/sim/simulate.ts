// One scenario end to end: build the workload, the network and the process, run the
// cluster, read the metrics; and, unless told not to, the baselines that give the
// relative metrics (demand paging, full copy).
import { createCore, releaseCore } from "../core/index.js";
import { mechanismParams, mechanisms, pushFor } from "../migration/registry.js";
import { withBaselines } from "./compare.js";
import { Network } from "../network/network.js";
import { policies, policyParamVector } from "../policies/registry.js";
import { openWorkload } from "../workloads/index.js";
import type { Workload } from "../workloads/types.js";
import { Cluster } from "./cluster.js";
import { readMetrics, type Metrics } from "./metrics.js";
import { resolveOptions, type RunOptions, type Scenario } from "./options.js";
import type { EventLog } from "./event-log.js";
import { ProcessRun, type HostPolicyHooks, type ProcessSetup } from "./process.js";
import { guardCore, preflight } from "./preflight.js";
import type { CoreViews, SimCore } from "../core/types.js";
import { POLICY_EXTERNAL } from "../core/abi.js";

/** What runScenario() can add to a scenario beyond its options. */
export interface RunExtras {
  /** records the faults and prefetch requests (off by default) */
  eventLog?: EventLog;
  /** a policy the host runs (a user's module) in place of the scenario's policy in the
   * core; made once the process's core views exist */
  hostPolicy?: (views: CoreViews) => HostPolicyHooks;
}

export async function scenarioWorkload(s: Scenario): Promise<Workload> {
  return openWorkload(s.workload, {
    memoryBytes: s.memoryBytes,
    pageSize: s.pageSize,
    seed: s.seed,
    workingSet: s.workingSet,
    iterations: s.iterations,
  });
}

/** The record the migration decision comes before: the exact record when given, else
 * the fraction of the records; null for a time trigger. */
function migrationRecord(s: Scenario, workload: Workload): number | null {
  if (s.migrateAtRecord !== undefined) {
    if (s.migrateAtRecord > workload.records) {
      throw new Error(`option migrateAtRecord (--migrate-at-record): ${s.migrateAtRecord} is past the ${workload.records} records of ${workload.name}`);
    }
    return s.migrateAtRecord;
  }
  return s.migrateAtTimeNs === undefined ? Math.floor(s.migrateAt * workload.records) : null;
}

/** The process a scenario describes, on `core`, starting at node `home`. */
export function processSetup(
  s: Scenario,
  workload: Workload,
  core: SimCore,
  where: { id: number; home: number; migrateAtRecord: number | null },
  hostPolicy?: RunExtras["hostPolicy"],
): ProcessSetup {
  const policy = policies[s.policy];
  return {
    ...where,
    workload,
    core,
    policyId: hostPolicy ? POLICY_EXTERNAL : policy.id,
    policyParams: hostPolicy ? [] : policyParamVector(policy, s.policyParams),
    hostPolicy,
    cpuNsPerAccess: s.cpuNsPerAccess,
    faultTrapNs: s.network.faultTrapNs,
    zeroFillNs: s.network.zeroFillNs,
    historyLength: s.historyLength,
    scanIntervalNs: s.scanIntervalNs,
    chunkRecords: s.chunkRecords,
  };
}

/** Exactly one simulation of `s` on `workload`: home node 0, destination node 1. */
export async function runScenario(s: Scenario, workload: Workload, extras: RunExtras = {}): Promise<Metrics> {
  const policy = policies[s.policy];
  const core = await createCore(s.core);
  const net = new Network(
    2,
    {
      bandwidthBps: s.network.bandwidthBps,
      latencyNs: s.network.latencyNs,
      background: s.background,
      backgroundPacketBytes: s.network.backgroundPacketBytes,
    },
    s.link,
  );
  const cluster = new Cluster(net, s.network, s.pageSize);
  const migrateAtRecord = migrationRecord(s, workload);
  const proc = guardCore(s, workload, () =>
    new ProcessRun(processSetup(s, workload, core, { id: 0, home: 0, migrateAtRecord }, extras.hostPolicy)),
  );
  proc.eventLog = extras.eventLog;
  const mechanism = mechanisms[s.mechanism];
  cluster.add(proc, {
    mechanism,
    dest: 1,
    eagerPages: s.eagerPages,
    params: mechanismParams(mechanism, s.mechanismParams),
    push: pushFor(s.mechanism, policy, s.pushOrder),
  });
  const at = s.migrateAtTimeNs;
  // a time trigger: the decision comes at that time if the process still runs at home
  if (at !== undefined) cluster.events.at(at, () => void cluster.migrate(proc, 1, "time"));
  guardCore(s, workload, () => cluster.run());
  const metrics = readMetrics(proc, {
    workload: s.workload,
    mechanism: s.mechanism,
    policy: s.policy,
    network: s.network.name,
    link: s.link,
    core: s.core,
    seed: s.seed,
    memoryBytes: s.memoryBytes,
  });
  releaseCore(core);
  return metrics;
}

/** Runs the scenario the options describe, with its baselines unless `baselines: false`. */
export async function simulate(options: RunOptions = {}): Promise<Metrics> {
  const s = resolveOptions(options);
  preflight(s);
  const workload = await scenarioWorkload(s);
  const main = await runScenario(s, workload);
  if (!s.baselines) return main;
  // the baselines run with their mechanism's defaults: no push order, no parameters
  const plain = s.pushOrder === undefined && Object.keys(s.mechanismParams).length === 0;
  const same = (mechanism: string, policy: string) => plain && s.mechanism === mechanism && s.policy === policy;
  const baseline = (mechanism: string, policy: string) =>
    same(mechanism, policy) ? main : runScenario({ ...s, mechanism, policy, pushOrder: undefined, mechanismParams: {}, policyParams: {} }, workload);
  return withBaselines(main, {
    demand: await baseline("lightweight", "none"),
    fullCopy: await baseline("full-copy", "none"),
    oracle: await baseline("lightweight", "oracle"),
  });
}
