// Multi-node scenarios: a JSON file describing nodes and their links, processes (each
// with its own workload options, mechanism and policy), migration triggers and
// background flows. simulateCluster() runs one and reports per-process metrics and
// cluster-wide figures (makespan, bytes on each link). The schema's messages name the
// field (`processes[2].memory: ...`).
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { MRU_CAP } from "../core/abi.js";
import { createCore, type CoreKind } from "../core/index.js";
import { mechanismParams, mechanisms, pushFor } from "../migration/registry.js";
import { startFlow, type FlowReport } from "../network/flows.js";
import type { LinkSpec } from "../network/link.js";
import { LINK_DISCIPLINES, Network, type NodeId } from "../network/network.js";
import { networkPresets } from "../network/presets.js";
import { pushInfo } from "../policies/registry.js";
import { isPolicyPath } from "../policies/module.js";
import { parseDuration, parseRate, parseSize } from "../util/units.js";
import { startBalancer } from "./balancer.js";
import { Cluster } from "./cluster.js";
import { readMetrics, type Metrics } from "./metrics.js";
import { footprintBytes, isGeneratedWorkload, resolveOptions, unknownKeys, type Scenario } from "./options.js";
import { preflight, readsAsPath } from "./preflight.js";
import { ProcessRun } from "./process.js";
import type { EventSink } from "./event-log.js";
import { withEventFile } from "./event-file.js";
import { lookaheadFor, policyRunner, processSetup, scenarioWorkload, type PolicyRunner } from "./simulate.js";
import type { Workload } from "../workloads/types.js";

const sizeLike = z.union([z.number().nonnegative(), z.string()]);
const nodeRef = z.union([z.string().min(1), z.number().int().nonnegative()]);

const nodeSchema = z
  .object({
    name: z.string().min(1),
    /** CPUs the node's processes share */
    cpus: z.number().int().positive().default(1),
    bandwidth: sizeLike.optional(),
    latency: sizeLike.optional(),
    background: z.number().min(0).lt(1).optional(),
  })
  .strict();

const processSchema = z
  .object({
    name: z.string().min(1),
    node: nodeRef,
    workload: z.string().min(1),
    // no default here: resolveOptions() gives a generated workload run's, and a trace none
    memory: sizeLike.optional(),
    // left to resolveOptions(), so the defaults are run's (the policy follows the mechanism)
    mechanism: z.string().min(1).optional(),
    policy: z.string().min(1).optional(),
    seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
    iterations: z.number().int().positive().optional(),
    workingSet: z.number().gt(0).max(1).optional(),
    cpu: z.enum(["host", "2008"]).optional(),
    cpuNsPerAccess: z.number().positive().optional(),
    eagerPages: z.number().int().min(0).max(MRU_CAP).optional(),
    historyLength: z.number().int().min(1).max(256).optional(),
    policyParams: z.record(z.string(), z.number()).optional(),
    pushOrder: z.string().optional(),
    mechanismParams: z.record(z.string(), z.number()).optional(),
  })
  .strict();

const triggerSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("fraction"), process: z.string(), to: nodeRef, at: z.number().min(0).max(1) }).strict(),
  z.object({ kind: z.literal("time"), process: z.string(), to: nodeRef, at: sizeLike }).strict(),
  z
    .object({
      kind: z.literal("balancer"),
      interval: sizeLike.default("1ms"),
      threshold: z.number().nonnegative().default(0.5),
    })
    .strict(),
]);

const flowSchema = z
  .object({
    name: z.string().optional(),
    from: nodeRef,
    to: nodeRef,
    start: sizeLike.default(0),
    bytes: sizeLike.optional(),
    rate: sizeLike.optional(),
    duration: sizeLike.optional(),
    segment: sizeLike.default("64KiB"),
  })
  .strict();

export const clusterScenarioSchema = z
  .object({
    network: z.string().default("gige-2008"),
    bandwidth: sizeLike.optional(),
    latency: sizeLike.optional(),
    background: z.number().min(0).lt(1).default(0),
    link: z.enum(LINK_DISCIPLINES).default("fifo"),
    scanInterval: sizeLike.optional(),
    core: z.enum(["wasm", "reference"]).default("wasm"),
    pageSize: z.number().int().min(512).max(1 << 21).default(4096),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
    nodes: z.union([z.number().int().min(1).max(1024), z.array(nodeSchema).min(1).max(1024)]),
    processes: z.array(processSchema).min(1),
    triggers: z.array(triggerSchema).default([]),
    flows: z.array(flowSchema).default([]),
  })
  .strict();

export type ClusterScenario = z.input<typeof clusterScenarioSchema>;

export interface ClusterProcessResult extends Metrics {
  name: string;
  home: string;
  /** where it ended */
  node: string;
}

export interface ClusterResult {
  /** the longest process runtime (all start at 0), ns */
  makespanNs: number;
  processes: ClusterProcessResult[];
  migrations: Array<{
    process: string;
    from: string;
    to: string;
    mechanism: string;
    trigger: string;
    decisionAt: number;
    resumedAt: number | null;
    abandoned: boolean;
  }>;
  /** bytes and messages on each node's uplink (node to switch) and downlink */
  links: Array<{ node: string; upBytes: number; downBytes: number; upMessages: number; downMessages: number }>;
  flows: Array<Omit<FlowReport, "from" | "to" | "finishedAt"> & { from: string; to: string; finishedAt: number | null }>;
  /** triggers that could not fire (the process had ended or was already migrating) */
  notes: string[];
}

function fail(where: string, message: string): never {
  throw new Error(`scenario ${where}: ${message}`);
}

/** What simulateCluster() can add to a scenario beyond its file. */
export interface ClusterExtras {
  /** where each process's events go: the path of a JSON Lines file (written atomically
   * when the run succeeds), or the sink of process `index` (named `name`), undefined
   * for none */
  events?: string | ((index: number, name: string) => EventSink | undefined);
  /** the folder the scenario's relative paths (trace files, policy modules) are read
   * from: `ampom cluster` gives the scenario file's; by default the current folder */
  dir?: string;
}

/** Runs a multi-node scenario (an object shaped like the scenario file). */
export async function simulateCluster(input: unknown, extras: ClusterExtras = {}): Promise<ClusterResult> {
  const { events, dir } = extras;
  if (typeof events === "string") {
    return withEventFile(events, (file) => runCluster(input, dir, (_i, name, nodes) => file.sink({ process: name, nodes })));
  }
  return runCluster(input, dir, events);
}

async function runCluster(
  input: unknown,
  dir: string | undefined,
  sinkOf?: (index: number, name: string, nodes: string[]) => EventSink | undefined,
): Promise<ClusterResult> {
  const parsed = clusterScenarioSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") || "file";
    fail(where, issue.code === "unrecognized_keys" ? unknownKeys("field", issue.keys) : issue.message);
  }
  const sc = parsed.data;
  if (!(sc.network in networkPresets)) {
    fail("network", `unknown preset "${sc.network}" (known: ${Object.keys(networkPresets).join(", ")})`);
  }
  const preset = { ...networkPresets[sc.network] };
  if (sc.bandwidth !== undefined) preset.bandwidthBps = parseRate("scenario bandwidth", sc.bandwidth);
  if (sc.latency !== undefined) preset.latencyNs = parseDuration("scenario latency", sc.latency);

  // nodes and their links
  const nodeList =
    typeof sc.nodes === "number"
      ? Array.from({ length: sc.nodes }, (_, i) => ({ name: `n${i}`, cpus: 1 } as z.output<typeof nodeSchema>))
      : sc.nodes;
  const names = nodeList.map((n) => n.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) fail(`nodes[${i}].name`, `"${n}" is used twice`);
  });
  const node = (ref: string | number, where: string): NodeId => {
    const i = typeof ref === "number" ? ref : names.indexOf(ref);
    if (i < 0 || i >= names.length) fail(where, `no node ${JSON.stringify(ref)} (nodes: ${names.join(", ")})`);
    return i;
  };
  const specs: LinkSpec[] = nodeList.map((n, i) => ({
    bandwidthBps: n.bandwidth !== undefined ? parseRate(`scenario nodes[${i}].bandwidth`, n.bandwidth) : preset.bandwidthBps,
    latencyNs: n.latency !== undefined ? parseDuration(`scenario nodes[${i}].latency`, n.latency) : preset.latencyNs,
    background: n.background ?? sc.background,
    backgroundPacketBytes: preset.backgroundPacketBytes,
  }));
  specs.forEach((s, i) => {
    if (!(s.bandwidthBps > 0)) fail(`nodes[${i}].bandwidth`, `must be positive, got ${s.bandwidthBps}`);
  });
  const net = new Network(nodeList.length, specs, sc.link);
  const cluster = new Cluster(net, preset, sc.pageSize);

  // processes
  const procNames = sc.processes.map((p) => p.name);
  const procIndex = (name: string, where: string): number => {
    const i = procNames.indexOf(name);
    if (i < 0) fail(where, `no process "${name}" (processes: ${procNames.join(", ")})`);
    return i;
  };
  procNames.forEach((n, i) => {
    if (procNames.indexOf(n) !== i) fail(`processes[${i}].name`, `"${n}" is used twice`);
  });
  const fractionOf = new Map<number, { to: NodeId; at: number }>();
  const triggered = new Set<number>();
  sc.triggers.forEach((t, i) => {
    if (t.kind === "balancer") return;
    const p = procIndex(t.process, `triggers[${i}].process`);
    if (triggered.has(p)) fail(`triggers[${i}].process`, `"${t.process}" already has a trigger (a process migrates once)`);
    triggered.add(p);
    const to = node(t.to, `triggers[${i}].to`);
    const home = node(sc.processes[p].node, `processes[${p}].node`);
    if (to === home) fail(`triggers[${i}].to`, `process "${t.process}" already runs on ${names[to]}`);
    if (t.kind === "fraction") fractionOf.set(p, { to, at: t.at });
  });

  // a path in a scenario file means the same wherever the command runs
  const fromDir = (path: string) => (dir === undefined || isAbsolute(path) ? path : resolve(dir, path));
  // a workload that reads as a path, or is a file there, is read from the folder; any
  // other name stays a name (a built-in, or one preflight says is none)
  const workloadIn = (w: string) => (!isGeneratedWorkload(w) && (readsAsPath(w) || existsSync(fromDir(w))) ? fromDir(w) : w);
  const runs: Array<{ proc: ProcessRun; s: Scenario; home: NodeId }> = [];
  for (const [i, p] of sc.processes.entries()) {
    let s: Scenario;
    let workload: Workload;
    let runner: PolicyRunner;
    try {
      s = resolveOptions({
        workload: workloadIn(p.workload),
        memory: p.memory,
        mechanism: p.mechanism,
        policy: p.policy !== undefined && isPolicyPath(p.policy) ? fromDir(p.policy) : p.policy,
        network: sc.network,
        // the scenario's seed reaches generated workloads only: a trace takes none
        seed: p.seed ?? (isGeneratedWorkload(p.workload) ? sc.seed + i : undefined),
        core: sc.core as CoreKind,
        pageSize: sc.pageSize,
        iterations: p.iterations,
        workingSet: p.workingSet,
        cpu: p.cpu,
        cpuNsPerAccess: p.cpuNsPerAccess,
        eagerPages: p.eagerPages,
        historyLength: p.historyLength,
        scanInterval: sc.scanInterval,
        link: sc.link,
        policyParams: p.policyParams,
        pushOrder: p.pushOrder,
        mechanismParams: p.mechanismParams,
        baselines: false,
      });
      s = { ...s, network: preset };
      preflight(s);
      workload = await scenarioWorkload(s);
      runner = await policyRunner(s, workload);
    } catch (err) {
      fail(`processes[${i}] (${p.name})`, err instanceof Error ? err.message : String(err));
    }
    const home = node(p.node, `processes[${i}].node`);
    const policy = pushInfo(s.policy);
    const mechanism = mechanisms[s.mechanism];
    const fraction = fractionOf.get(i);
    const push = pushFor(s.mechanism, policy, s.pushOrder);
    const proc = new ProcessRun({
      ...processSetup(s, workload, await createCore(s.core), runner, {
        id: i,
        home,
        migrateAtRecord: fraction ? Math.floor(fraction.at * workload.records) : null,
      }),
      lookahead: await lookaheadFor(push, s, workload),
    });
    proc.sink = sinkOf?.(i, p.name, names);
    cluster.add(proc, {
      mechanism,
      eagerPages: s.eagerPages,
      params: mechanismParams(mechanism, s.mechanismParams),
      push,
      dest: fraction?.to,
    });
    runs.push({ proc, s, home });
  }
  cluster.shareCpus(nodeList.map((n) => n.cpus));

  // triggers at a time, the balancer, flows
  const notes: string[] = [];
  sc.triggers.forEach((t, i) => {
    if (t.kind === "time") {
      const p = runs[procIndex(t.process, `triggers[${i}].process`)].proc;
      const dest = node(t.to, `triggers[${i}].to`);
      const at = parseDuration(`scenario triggers[${i}].at`, t.at);
      cluster.events.at(at, () => {
        if (!cluster.migrate(p, dest, "time")) notes.push(`triggers[${i}]: ${t.process} could not migrate at ${at} ns (${p.phase})`);
      });
    } else if (t.kind === "balancer") {
      const interval = parseDuration(`scenario triggers[${i}].interval`, t.interval);
      if (!(interval > 0)) fail(`triggers[${i}].interval`, "must be positive");
      startBalancer(cluster, { intervalNs: interval, threshold: t.threshold });
    }
  });
  const flows = sc.flows.map((f, i) => {
    const where = `flows[${i}]`;
    const from = node(f.from, `${where}.from`);
    const to = node(f.to, `${where}.to`);
    if (from === to) fail(`${where}.to`, "a flow needs two different nodes");
    if (f.rate === undefined && f.bytes === undefined) fail(where, "give bytes (a transfer) or rate with duration or bytes");
    if (f.rate !== undefined && f.bytes === undefined && f.duration === undefined) fail(where, "a rate flow needs duration or bytes");
    const segmentBytes = parseSize(`scenario ${where}.segment`, f.segment);
    if (!(segmentBytes > 0)) fail(`${where}.segment`, "must be positive");
    return startFlow(net, (time, fire) => cluster.events.at(time, fire), cluster.arbiter, {
      name: f.name ?? `flow${i}`,
      from,
      to,
      startNs: parseDuration(`scenario ${where}.start`, f.start),
      bytes: f.bytes !== undefined ? parseSize(`scenario ${where}.bytes`, f.bytes) : undefined,
      rateBps: f.rate !== undefined ? parseRate(`scenario ${where}.rate`, f.rate) : undefined,
      durationNs: f.duration !== undefined ? parseDuration(`scenario ${where}.duration`, f.duration) : undefined,
      segmentBytes,
    });
  });

  // every process reads its own stream, so the loop never waits for records
  if (cluster.run() !== "done") throw new Error("internal: a cluster scenario's process waited for records");

  const processes = runs.map(({ proc, s, home }) => ({
    name: procNames[proc.id],
    home: names[home],
    node: names[proc.node],
    ...readMetrics(proc, {
      // paths as the file gives them, not as resolved here
      workload: sc.processes[proc.id].workload,
      mechanism: s.mechanism,
      policy: sc.processes[proc.id].policy ?? s.policy,
      network: preset.name,
      link: s.link,
      core: s.core,
      seed: s.seed,
      memoryBytes: footprintBytes(s, proc.workload),
    }),
  }));
  return {
    makespanNs: Math.max(...processes.map((p) => p.runtimeNs)),
    processes,
    migrations: cluster.migrations.map((m) => ({
      process: procNames[m.process],
      from: names[m.from],
      to: names[m.to],
      mechanism: m.mechanism,
      trigger: m.trigger,
      decisionAt: m.decisionAt,
      resumedAt: Number.isNaN(m.resumedAt) ? null : m.resumedAt,
      abandoned: m.abandoned,
    })),
    links: names.map((name, i) => ({
      node: name,
      upBytes: net.up[i].bytes,
      downBytes: net.down[i].bytes,
      upMessages: net.up[i].messages,
      downMessages: net.down[i].messages,
    })),
    flows: flows.map((f) => ({
      ...f,
      from: names[f.from],
      to: names[f.to],
      finishedAt: Number.isNaN(f.finishedAt) ? null : f.finishedAt,
    })),
    notes,
  };
}
