// One scenario end to end: build the workload, the network and the process, run the
// cluster, read the metrics; and, unless told not to, the baselines that give the
// relative metrics (demand paging, full copy).
import { createCore, releaseCore } from "../core/index.js";
import { mechanismParams, mechanisms, pushFor } from "../migration/registry.js";
import { withBaselines } from "./compare.js";
import { Network } from "../network/network.js";
import { policies, policyParamVector, pushInfo } from "../policies/registry.js";
import { openWorkload } from "../workloads/index.js";
import type { Workload } from "../workloads/types.js";
import { Cluster } from "./cluster.js";
import { readMetrics, type Metrics } from "./metrics.js";
import { footprintBytes, resolveOptions, type RunOptions, type Scenario } from "./options.js";
import type { EventLog } from "./event-log.js";
import { ProcessRun, type HostPolicyHooks, type ProcessSetup } from "./process.js";
import { guardCore, preflight } from "./preflight.js";
import type { CoreViews, SimCore } from "../core/types.js";
import { POLICY_EXTERNAL } from "../core/abi.js";
import { bindPolicyModule, isPolicyPath, loadPolicyModule, modulePolicyParams } from "../policies/module.js";

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

/** How a scenario's policy runs: its core id and parameter vector, or (a user's module)
 * hooks the host calls. */
export interface PolicyRunner {
  id: number;
  params: number[];
  hostPolicy?: (views: CoreViews) => HostPolicyHooks;
}

/** The scenario's policy, loading a module it names (once per process). */
export async function policyRunner(s: Scenario, workload: Workload): Promise<PolicyRunner> {
  if (s.policyModule || isPolicyPath(s.policy)) {
    const mod = s.policyModule ?? (await loadPolicyModule(s.policy));
    const params = modulePolicyParams(mod, s.policy, s.policyParams);
    return {
      id: POLICY_EXTERNAL,
      params: [],
      hostPolicy: (views) => bindPolicyModule(mod, s.policy, params, workload.regions, views),
    };
  }
  const info = policies[s.policy];
  return { id: info.id, params: policyParamVector(info, s.policyParams) };
}

/** The process a scenario describes, on `core`, starting at node `home`. */
export function processSetup(
  s: Scenario,
  workload: Workload,
  core: SimCore,
  policy: PolicyRunner,
  where: { id: number; home: number; migrateAtRecord: number | null },
): ProcessSetup {
  return {
    ...where,
    workload,
    core,
    policyId: policy.id,
    policyParams: policy.params,
    hostPolicy: policy.hostPolicy,
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
  const policy = pushInfo(s.policy);
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
  const migrateAtRecord = s.migrateAtTimeNs === undefined ? Math.floor(s.migrateAt * workload.records) : null;
  const runner: PolicyRunner = extras.hostPolicy
    ? { id: POLICY_EXTERNAL, params: [], hostPolicy: extras.hostPolicy }
    : await policyRunner(s, workload);
  const proc = guardCore(s, workload, () => new ProcessRun(processSetup(s, workload, core, runner, { id: 0, home: 0, migrateAtRecord })));
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
    memoryBytes: footprintBytes(s, workload),
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
