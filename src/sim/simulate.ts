// One scenario end to end: build the workload, the network and the process, run the
// cluster, read the metrics; and, unless told not to, the baselines that give the
// relative metrics (demand paging, full copy).
import { createCore, releaseCore } from "../core/index.js";
import { mechanismParams, mechanisms, pushFor } from "../migration/registry.js";
import { labelThrows } from "../util/errors.js";
import { readsAhead, type PushOrderName } from "../migration/push-orders/index.js";
import { createLookahead, type Lookahead } from "./lookahead.js";
import { withBaselines } from "./compare.js";
import { Network } from "../network/network.js";
import { policies, policyParamVector, pushInfo } from "../policies/registry.js";
import { openWorkload } from "../workloads/index.js";
import { checkPageSize } from "../trace/open.js";
import type { Workload } from "../workloads/types.js";
import { Cluster } from "./cluster.js";
import { readMetrics, type Metrics } from "./metrics.js";
import { formatNs } from "../util/units.js";
import { checkExtras, footprintBytes, scanPacing, resolveOptions, workloadOptions, type RunOptions, type Scenario } from "./options.js";
import type { EventSink } from "./event-log.js";
import { withEventFile } from "./event-file.js";
import { ProcessRun, type HostPolicyHooks, type ProcessSetup } from "./process.js";
import { guardCore, preflight } from "./preflight.js";
import { runLockstep, SharedRecords, type RecordFeed, type Resumable } from "./shared-records.js";
import { coreBytes, type CoreViews, type SimCore } from "../core/types.js";
import { POLICY_EXTERNAL } from "../core/abi.js";
import { bindPolicyModule, isPolicyPath, loadPolicyModule, modulePolicyParams } from "../policies/module.js";
import { runInputs } from "./inputs.js";

/** What runScenario() can add to a scenario beyond its options. */
export interface RunExtras {
  /** where the process's events go (off by default): an EventLog, a file's sink */
  events?: EventSink;
  /** a policy the host runs (a user's module) in place of the scenario's policy in the
   * core; made once the process's core views exist */
  hostPolicy?: (views: CoreViews) => HostPolicyHooks;
}

export async function scenarioWorkload(s: Scenario): Promise<Workload> {
  return openWorkload(s.workload, workloadOptions(s));
}

/** The record the migration decision comes before: the exact record when given, else
 * the fraction of the records; null for a time trigger. */
function migrationRecord(s: Scenario, workload: Workload): number | null {
  if (s.migrateAtRecord !== undefined) {
    if (s.migrateAtRecord >= workload.records) {
      throw new Error(
        `option migrateAtRecord (--migrate-at-record): ${s.migrateAtRecord} is past the last of the ${workload.records} records of ${workload.name} (record ${workload.records - 1}): the process would have finished, and nothing would migrate`,
      );
    }
    return s.migrateAtRecord;
  }
  return s.migrateAtTimeNs === undefined ? Math.floor(s.migrateAt * workload.records) : null;
}

/** How a scenario's policy runs: its core id and parameter vector, or (a user's module)
 * hooks the host calls. */
export interface PolicyRunner {
  id: number;
  params: number[];
  hostPolicy?: (views: CoreViews) => HostPolicyHooks;
}

/** The scenario's policy, loading a module it names (once per process); `label` names
 * a module in its hooks' errors. */
export async function policyRunner(s: Scenario, workload: Workload, label = s.policy): Promise<PolicyRunner> {
  if (s.policyModule || isPolicyPath(s.policy)) {
    const mod = s.policyModule ?? (await loadPolicyModule(s.policy));
    const params = modulePolicyParams(mod, s.policy, s.policyParams);
    return {
      id: POLICY_EXTERNAL,
      params: [],
      hostPolicy: (views) => bindPolicyModule(mod, label, params, workload.regions, views),
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
    firstUseNs: s.network.firstUseNs,
    faultTrapCpuNs: s.network.faultTrapCpuNs,
    firstUseCpuNs: s.network.firstUseCpuNs,
    historyLength: s.historyLength,
    scan: scanPacing(s),
    chunkRecords: s.chunkRecords,
  };
}

/** The workload read ahead, for a push order that reads it (the oracle). */
export async function lookaheadFor(push: PushOrderName | undefined, s: Scenario, workload: Workload): Promise<Lookahead | undefined> {
  return push !== undefined && readsAhead(push) ? createLookahead(workload, s.core) : undefined;
}

/** A scenario set up on its core: its cluster loop (resumable, shared-records.ts), and
 * the metrics once it has run. */
interface PreparedRun {
  proc: ProcessRun;
  loop: Resumable;
  /** The metrics of the finished run; gives the core back. */
  finish(): Metrics;
}

/** Sets up one simulation of `s` on `workload` (home node 0, destination node 1) reading
 * its records from `feed`. */
async function prepareScenario(s: Scenario, workload: Workload, extras: RunExtras, feed: RecordFeed): Promise<PreparedRun> {
  const policy = pushInfo(s.policy);
  const core = await createCore(s.core);
  const net = new Network(
    2,
    {
      bandwidthBps: s.network.bandwidthBps,
      latencyNs: s.network.latencyNs,
      background: s.background,
      backgroundPacketBytes: s.network.backgroundPacketBytes,
      frameBytes: s.pageSize + s.network.pageHeaderBytes,
    },
    s.link,
  );
  const cluster = new Cluster(net, s.network, s.pageSize);
  const migrateAtRecord = migrationRecord(s, workload);
  const runner: PolicyRunner = extras.hostPolicy
    ? { id: POLICY_EXTERNAL, params: [], hostPolicy: extras.hostPolicy }
    : await policyRunner(s, workload);
  const push = pushFor(s.mechanism, policy, s.pushOrder);
  const lookahead = await lookaheadFor(push, s, workload);
  const proc = guardCore(s, workload, () => new ProcessRun({ ...processSetup(s, workload, core, runner, { id: 0, home: 0, migrateAtRecord }), feed, lookahead }));
  proc.sink = extras.events;
  const mechanism = mechanisms[s.mechanism];
  cluster.add(proc, {
    mechanism,
    dest: 1,
    eagerPages: s.eagerPages,
    params: mechanismParams(mechanism, s.mechanismParams),
    push,
  });
  const at = s.migrateAtTimeNs;
  // a time trigger: the decision comes at that time if the process still runs at home
  if (at !== undefined) cluster.events.at(at, () => void cluster.migrate(proc, 1, "time"));
  return {
    proc,
    loop: { run: () => guardCore(s, workload, () => cluster.run()) },
    finish() {
      const metrics = readMetrics(proc, {
        // the workload that ran: a caller's own may stand in for the scenario's
        workload: workload.name,
        mechanism: s.mechanism,
        policy: s.policy,
        network: s.network.name,
        link: s.link,
        core: s.core,
        seed: s.seed,
        memoryBytes: workload.name === s.workload ? footprintBytes(s, workload) : workload.pageCount * workload.pageSize,
      });
      releaseCore(core);
      // a time past the end would report a run without a migration as if it were one
      if (at !== undefined && Number.isNaN(proc.decisionAt)) {
        throw new Error(
          `option migrateAtTime (--migrate-at-time): ${formatNs(at)} is past the end of the run: ${workload.name} finished at home at ${formatNs(metrics.runtimeNs)}, so nothing migrated`,
        );
      }
      return metrics;
    },
  };
}

/** Exactly one simulation of `s` on `workload`: home node 0, destination node 1. The
 * workload need not be the scenario's own (scenarioWorkload): the metrics name the one
 * that ran, and give its footprint as a trace's (its pages) unless it is the scenario's. */
export async function runScenario(s: Scenario, workload: Workload, extras: RunExtras = {}): Promise<Metrics> {
  return (await runScenarios(workload, [{ scenario: s, extras }]))[0];
}

/** One scenario of a runScenarios() call. */
export interface ScenarioRun {
  scenario: Scenario;
  extras?: RunExtras;
}

/** Memory the cores of scenarios run side by side may take together: past it they run
 * in several groups (each still reading the workload once). */
export const SHARED_CORES_BYTES = 1 << 30;

/** Whether runScenarios() shares one record stream among its scenarios. Off (each
 * scenario reads the workload alone, one after another) only to measure what sharing
 * buys (the bench) and to check it changes nothing (tests); AMPOM_SHARE_RECORDS=0 turns
 * it off for a command. */
export const recordSharing = { on: process.env.AMPOM_SHARE_RECORDS !== "0" };

/**
 * Simulations of scenarios of one workload, side by side over one record stream: each
 * chunk of the trace or the generator is made once and copied into every scenario's
 * core (shared-records.ts). The metrics are exactly those of running each scenario
 * alone with runScenario(); they come in the order of `runs`. When the scenarios' cores
 * would take more than SHARED_CORES_BYTES together, they run in groups that fit.
 */
export async function runScenarios(
  workload: Workload,
  runs: ScenarioRun[],
  options: { /** the share of the work done, after each chunk */ onProgress?: (fraction: number) => void } = {},
): Promise<Metrics[]> {
  // a caller's own workload: each page would be moved, stored and timed as a page of
  // the scenario's size (a 4 KiB-page workload under 64 KiB pages ran, moving 16 times
  // its bytes); simulate() refuses the same for a trace as it opens it
  for (const r of runs) checkPageSize(`workload ${workload.name}`, workload, r.scenario.pageSize, undefined, "has");
  const largest = Math.max(...runs.map((r) => r.scenario.chunkRecords), 1 << 16);
  const perGroup = recordSharing.on ? Math.max(1, Math.floor(SHARED_CORES_BYTES / coreBytes(workload.pageCount, largest))) : 1;
  const out: Metrics[] = [];
  for (let from = 0; from < runs.length; from += perGroup) {
    const group = runs.slice(from, from + perGroup);
    const source = new SharedRecords(workload, Math.max(...group.map((r) => r.scenario.chunkRecords)));
    const onProgress = options.onProgress;
    if (onProgress) {
      const groups = Math.ceil(runs.length / perGroup);
      const done = from / perGroup;
      source.onChunk = () => onProgress((done + source.produced / Math.max(1, workload.records)) / groups);
    }
    try {
      // scenarios with the same home phase (homePhaseKey) replay it once: the first of
      // them replays it, the others sleep until it reaches the migration point and then
      // take over its state and its place in the stream (src/core/home-state.ts)
      type Joined = { proc: ProcessRun; feed: RecordFeed };
      const leaders = new Map<string, Joined & { followers: Joined[] }>();
      const prepared: PreparedRun[] = [];
      for (const r of group) {
        const key = homePhaseKey(r.scenario, workload);
        const leader = key === undefined ? undefined : leaders.get(key);
        const feed = leader ? source.joinDormant() : source.join();
        const p = await prepareScenario(r.scenario, workload, r.extras ?? {}, feed);
        prepared.push(p);
        if (leader) leader.followers.push({ proc: p.proc, feed });
        else if (key !== undefined) leaders.set(key, { proc: p.proc, feed, followers: [] });
      }
      for (const l of leaders.values()) {
        if (l.followers.length === 0) continue;
        l.proc.atMigrationPoint = () => {
          for (const f of l.followers) {
            f.proc.adoptHomePhase(l.proc);
            source.wake(f.feed, l.feed);
          }
        };
      }
      runLockstep(prepared.map((p) => p.loop), [source]);
      for (const p of prepared) out.push(p.finish());
    } finally {
      source.close();
    }
  }
  return out;
}

/** What decides a scenario's home phase (the replay before its migration decision):
 * scenarios of one workload with the same key replay it identically, whatever their
 * policy, mechanism or network. Undefined when the decision is not at a known record
 * (a time trigger). */
function homePhaseKey(s: Scenario, workload: Workload): string | undefined {
  const at = migrationRecord(s, workload);
  if (at === null) return undefined;
  return JSON.stringify([s.core, s.cpuNsPerAccess, scanPacing(s), s.chunkRecords, at]);
}

/** What simulate() can add to the options. */
export interface SimulateExtras {
  /** the events of the scenario's run (not of its baselines): a sink, or the path of a
   * JSON Lines file written atomically when the run succeeds (event-file.ts) */
  events?: EventSink | string;
  /** called after each chunk of records the run and its baselines replay, with the
   * share of them done (0 to 1) */
  onProgress?: (fraction: number) => void;
}

/** Runs the scenario the options describe, with its baselines unless `baselines: false`. */
export async function simulate(options: RunOptions = {}, extras: SimulateExtras = {}): Promise<Metrics> {
  checkExtras("simulate()", extras, Object.keys({ events: 1, onProgress: 1 } satisfies Record<keyof SimulateExtras, 1>));
  const onProgress = labelThrows("simulate: onProgress", extras.onProgress);
  const s = resolveOptions(options);
  preflight(s);
  const events = extras.events;
  if (typeof events === "string") return withEventFile(events, (file) => simulateScenario(s, file.sink({ process: s.workload }), onProgress), runInputs(s));
  return simulateScenario(s, events, onProgress);
}

/** What simulate() runs for a scenario (itself, then its baselines), and how their
 * metrics give its result. */
interface SimulatePlan {
  runs: ScenarioRun[];
  result(metrics: Metrics[]): Metrics;
}

function planSimulate(s: Scenario, events?: EventSink): SimulatePlan {
  const runs: ScenarioRun[] = [{ scenario: s, extras: { events } }];
  if (!s.baselines) return { runs, result: (m) => m[0] };
  // the baselines run with their mechanism's defaults: no push order, no parameters
  const plain = s.pushOrder === undefined && Object.keys(s.mechanismParams).length === 0;
  // a policy module given as an object goes with the scenario, never with its baselines
  const { policyModule: _, ...shared } = s;
  const baseline = (mechanism: string, policy: string): number => {
    if (plain && s.mechanism === mechanism && s.policy === policy) return 0;
    return runs.push({ scenario: { ...shared, mechanism, policy, pushOrder: undefined, mechanismParams: {}, policyParams: {} } }) - 1;
  };
  const demand = baseline("lightweight", "none");
  const fullCopy = baseline("full-copy", "none");
  const oracle = baseline("lightweight", "oracle");
  return { runs, result: (m) => withBaselines(m[0], { demand: m[demand], fullCopy: m[fullCopy], oracle: m[oracle] }) };
}

/** The scenario and its baselines side by side, over one record stream. */
async function simulateScenario(s: Scenario, events: EventSink | undefined, onProgress?: (fraction: number) => void): Promise<Metrics> {
  const plan = planSimulate(s, events);
  return plan.result(await runScenarios(await scenarioWorkload(s), plan.runs, { onProgress }));
}

/** What identifies a scenario's workload (scenarioWorkload's options). */
export function workloadKey(s: Scenario): string {
  return JSON.stringify([s.workload, s.memoryBytes, s.pageSize, s.seed, s.workingSet, s.iterations ?? null]);
}

/**
 * Each of `options` as simulate() gives it (baselines included unless turned off),
 * those on one workload side by side over one record stream, and a run that several
 * of them need (a baseline they share) simulated once. A run that cannot be set up or
 * fails gives its Error in its place; the others are not affected (after a failure
 * inside a group, its scenarios run again one by one to tell which failed).
 */
export async function simulateMany(options: RunOptions[]): Promise<Array<Metrics | Error>> {
  const out: Array<Metrics | Error> = new Array(options.length);
  const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));
  const groups = new Map<string, Array<{ at: number; s: Scenario }>>();
  options.forEach((o, at) => {
    try {
      const s = resolveOptions(o);
      preflight(s);
      const key = workloadKey(s);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push({ at, s });
    } catch (err) {
      out[at] = asError(err);
    }
  });
  for (const group of groups.values()) {
    try {
      const runs: ScenarioRun[] = [];
      const known = new Map<string, number>();
      // a run's place among `runs`: equal scenarios (a shared baseline) run once; a
      // user's module object is never taken as equal to another
      const place = (r: ScenarioRun): number => {
        const key = r.scenario.policyModule || r.extras ? undefined : JSON.stringify(r.scenario);
        const seen = key === undefined ? undefined : known.get(key);
        if (seen !== undefined) return seen;
        const i = runs.push(r) - 1;
        if (key !== undefined) known.set(key, i);
        return i;
      };
      const plans = group.map(({ s }) => {
        const plan = planSimulate(s);
        return { plan, places: plan.runs.map((r) => place({ scenario: r.scenario })) };
      });
      const m = await runScenarios(await scenarioWorkload(group[0].s), runs);
      group.forEach(({ at }, j) => (out[at] = plans[j].plan.result(plans[j].places.map((i) => m[i]))));
    } catch {
      for (const { at, s } of group) {
        try {
          out[at] = await simulateScenario(s, undefined);
        } catch (err) {
          out[at] = asError(err);
        }
      }
    }
  }
  return out;
}
