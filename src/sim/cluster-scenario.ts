// Multi-node scenarios: a JSON file describing nodes and their links, processes (each
// with its own workload options, mechanism and policy), migration triggers and
// background flows. simulateCluster() runs one and reports per-process metrics and
// cluster-wide figures (makespan, bytes on each link). The schema's messages name the
// field (`processes[2].memory: ...`).
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { MRU_CAP, P_ZERO_FILL_NS } from "../core/abi.js";
import { createCore, type CoreKind } from "../core/index.js";
import { workNs } from "../core/reference-core.js";
import { mechanismParams, mechanisms, pushFor } from "../migration/registry.js";
import { startFlow, type FlowReport, type FlowSpec } from "../network/flows.js";
import type { LinkSpec } from "../network/link.js";
import { LINK_DISCIPLINES, Network, type NodeId } from "../network/network.js";
import { networkPresets } from "../network/presets.js";
import { pushInfo } from "../policies/registry.js";
import { isPolicyPath } from "../policies/module.js";
import { formatBytes, formatNs, formatRate, parseDuration, parseRate, parseSize, readFraction } from "../util/units.js";
import { BALANCER_PICKS, startBalancer } from "./balancer.js";
import { SharedRecords } from "./shared-records.js";
import { Cluster } from "./cluster.js";
import { readMetrics, type Metrics } from "./metrics.js";
import { checkExtras, footprintBytes, isGeneratedWorkload, MAX_SEED, MIN_SCAN_INTERVAL_NS, optionOf, pageSizeOf, resolveOptions, unknownKeys, withoutFlags, type RunOptions, type Scenario } from "./options.js";
import { preflight, readsAsPath } from "./preflight.js";
import { ProcessRun } from "./process.js";
import type { EventSink } from "./event-log.js";
import { checkEventsPath, withEventFile } from "./event-file.js";
import type { CommandInput } from "../util/same-file.js";
import { inputDigests, runInputs } from "./inputs.js";
import { lookaheadFor, policyRunner, processSetup, scenarioWorkload, type PolicyRunner } from "./simulate.js";
import { OnceDigests } from "../util/digest.js";
import type { InputDigests } from "../util/provenance.js";
import type { Workload } from "../workloads/types.js";
import { errorMessage, labelThrows, shown } from "../util/errors.js";
import { wholeRange } from "../util/params.js";
import { formatPath } from "../util/json-where.js";

// Each check carries the message of what the field must be; describeIssue() adds where
// and what was given. A missing field says so.
const missingOr = (what: string, input: unknown) => (input === undefined ? `missing; it ${what}` : what);
const must = (what: string) => ({ error: (iss: { input?: unknown }) => missingOr(what, iss.input) });
const nonNegativeMust = must("must not be negative");
const text = () => {
  const m = must("must be a non-empty string");
  return z.string(m).min(1, m);
};
const whole = (min: number, max?: number) => {
  const m = must(`must be ${wholeRange(min, max)}`);
  const n = z.number(m).int(m).min(min, m);
  return max === undefined ? n : n.max(max, m);
};
/** a size, duration or rate: a number in the base unit, or a string with a unit */
const quantity = (what: string) => {
  const m = must(`must be ${what}`);
  return z.union([z.number(m).nonnegative(nonNegativeMust), z.string(m)], m);
};
const size = quantity('a size (a number of bytes, or a string such as "64KiB")');
const duration = quantity('a duration (a number of nanoseconds, or a string such as "50ms")');
const rate = quantity('a rate (a number of bits per second, or a string such as "1Gbps")');
const nodeRefMust = must("must be a node's name, or its index (a whole number from 0)");
const nodeRef = z.union([z.string(nodeRefMust).min(1, nodeRefMust), z.number(nodeRefMust).int(nodeRefMust).min(0, nodeRefMust)], nodeRefMust);
/** a fraction as a number or, as the command line takes it, a percent ("80%" is 0.8),
 * within the field's own range (`what` says it, with an example) */
const fractionIn = (what: string, inRange: (f: number) => boolean) => {
  const m = must(`must be a fraction ${what}`);
  return z.union([z.number(m), z.string(m).transform(readFraction)], m).pipe(z.number(m).refine(inRange, m));
};
const background = () => fractionIn('of at least 0 and below 1, such as 0.8 or "80%"', (f) => f >= 0 && f < 1);

const nodeSchema = z
  .object({
    name: text(),
    /** CPUs the node's processes share */
    cpus: whole(1).default(1),
    bandwidth: rate.optional(),
    latency: duration.optional(),
    background: background().optional(),
  })
  .strict();

const nsMust = must("must be a positive number of nanoseconds, such as 0.5");
const processSchema = z
  .object({
    name: text(),
    node: nodeRef,
    workload: text(),
    // no default here: resolveOptions() gives a generated workload run's, and a trace none
    memory: size.optional(),
    // left to resolveOptions(), so the defaults are run's (the policy follows the mechanism)
    mechanism: text().optional(),
    policy: text().optional(),
    seed: whole(0, MAX_SEED).optional(),
    iterations: whole(1).optional(),
    workingSet: fractionIn('above 0 and at most 1, such as 0.25 or "25%"', (f) => f > 0 && f <= 1).optional(),
    cpu: z.enum(["host", "2008"]).optional(),
    cpuNsPerAccess: z.number(nsMust).positive(nsMust).optional(),
    eagerPages: whole(0, MRU_CAP).optional(),
    historyLength: whole(1, 256).optional(),
    policyParams: z.record(z.string(), z.number()).optional(),
    pushOrder: z.string().optional(),
    mechanismParams: z.record(z.string(), z.number()).optional(),
  })
  .strict();

// 1 would be the end of the records: a finished process has nothing to migrate
const migrateAt = fractionIn('of at least 0 and below 1, such as 0.5 or "50%"', (f) => f >= 0 && f < 1);
const TRIGGER_KINDS = 'must be "fraction", "time" or "balancer"';
const triggerSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("fraction"), process: text(), to: nodeRef, at: migrateAt }).strict(),
    z.object({ kind: z.literal("time"), process: text(), to: nodeRef, at: duration }).strict(),
    z
      .object({
        kind: z.literal("balancer"),
        interval: duration.default("1ms"),
        threshold: z.number(nonNegativeMust).nonnegative(nonNegativeMust).default(0.5),
        pick: z.enum(BALANCER_PICKS).default("listed"),
      })
      .strict(),
  ],
  {
    // a kind that is none of these (the issue's input is the trigger, not its kind)
    error: (iss) => (iss.code === "invalid_union" ? missingOr(TRIGGER_KINDS, (iss.input as { kind?: unknown } | undefined)?.kind) : undefined),
  },
);

const flowSchema = z
  .object({
    name: text().optional(),
    from: nodeRef,
    to: nodeRef,
    start: duration.default(0),
    bytes: size.optional(),
    rate: rate.optional(),
    duration: duration.optional(),
    segment: size.default("64KiB"),
  })
  .strict();

const nodesMust = must("must be a count of nodes (a whole number from 1 to 1024) or a list of nodes");

export const clusterScenarioSchema = z
  .object({
    network: z.string().default("gige-2008"),
    bandwidth: rate.optional(),
    latency: duration.optional(),
    background: background().default(0),
    link: z.enum(LINK_DISCIPLINES).default("fifo"),
    scanInterval: duration.optional(),
    core: z.enum(["wasm", "reference"]).default("wasm"),
    // a size as a run's pageSize takes it (4096, "4KiB"), checked by pageSizeOf()
    pageSize: size.default(4096),
    seed: whole(0, MAX_SEED).default(1),
    nodes: z.union(
      [
        z.number(nodesMust).int(nodesMust).min(1, nodesMust).max(1024, nodesMust),
        z.array(nodeSchema, nodesMust).min(1, must("must list at least one node")).max(1024, must("must list at most 1024 nodes")),
      ],
      nodesMust,
    ),
    processes: z.array(processSchema, must("must be a list of processes")).min(1, must("must list at least one process")),
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
  /** the time it stood runnable without a CPU, its node's processes sharing them:
   * runtimeNs less its work at full speed, stallNs, freezeNs and its zero-fills */
  cpuWaitNs: number;
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
    /** what started it, as the scenario names it: "time", "fraction" or "balancer" */
    trigger: string;
    decisionAt: number;
    resumedAt: number | null;
    abandoned: boolean;
    /** the balancer's: the loads of the source and the destination it compared
     * (runnable processes per CPU, averaged since its last tick); null for a trigger */
    loads: { from: number; to: number } | null;
  }>;
  /** bytes and messages on each node's uplink (node to switch) and downlink */
  links: Array<{ node: string; upBytes: number; downBytes: number; upMessages: number; downMessages: number }>;
  flows: Array<Omit<FlowReport, "from" | "to" | "finishedAt"> & { from: string; to: string; finishedAt: number | null }>;
  /** triggers that could not fire (the process had ended or was already migrating),
   * rate flows that offer more than their path carries */
  notes: string[];
  /** the SHA-256 of the files each process read (its trace, its policy module), by
   * process name; a process that reads none is left out. A path alone does not name a
   * trace captured again or a module edited since. */
  inputs: Record<string, InputDigests>;
}

/** `where` is the place in the scenario ("" for the whole of it). */
function fail(where: string, message: string): never {
  throw new Error(`scenario${where ? ` ${where}` : ""}: ${message}`);
}

/** Refuses process `i` with the run options' message, in the file's words: the field
 * it names (`processes[0].memory`, or a top-level one the process takes, `pageSize`),
 * and no command-line flag, which a scenario file has none of. */
function failProcess(i: number, p: { name: string }, options: RunOptions, message: string): never {
  const found = optionOf(message, options);
  if (!found) fail(`processes[${i}] (${p.name})`, withoutFlags(message));
  const fields = [found.path.join("."), ...(found.also ?? [])];
  fail(fields.map((f) => (f.split(".")[0] in processSchema.shape ? `processes[${i}].${f}` : f)).join(", "), withoutFlags(found.detail));
}

/** The most segments one flow sends: the simulator hands each to the link as an event,
 * about a million a second, so this is some 15 s of computation (a flow of 10^20 bytes
 * ran for hours with nothing to show). A larger segment carries as much in fewer. */
export const MAX_FLOW_SEGMENTS = 2 ** 24;

/** Refuses a flow the simulator cannot carry out: one whose own transmission, at the
 * full bandwidth of its path's narrower link with nothing else on it (or its rate),
 * ends past 2^53 ns, where the clock's times are no longer exact; or one of more than
 * MAX_FLOW_SEGMENTS segments. Both name the field that sets the flow's size. */
function checkFlowSize(
  where: string,
  f: { bytes?: unknown; duration?: unknown; segment?: unknown },
  flow: Pick<FlowSpec, "from" | "to" | "bytes" | "rateBps" | "startNs" | "durationNs" | "segmentBytes">,
  specs: readonly LinkSpec[],
  names: readonly string[],
): void {
  const { from, to, bytes, rateBps, startNs, durationNs, segmentBytes } = flow;
  const field = bytes !== undefined ? `${where}.bytes` : `${where}.duration`;
  const raw = bytes !== undefined ? f.bytes : f.duration;
  const given = typeof raw === "number" ? `${raw}${bytes !== undefined ? " bytes" : " ns"}` : shown(raw);
  // a transfer goes no faster than the narrower of its two links
  const [narrow, link] = specs[from].bandwidthBps <= specs[to].bandwidthBps ? [from, "uplink"] : [to, "downlink"];
  const pace = rateBps ?? specs[narrow].bandwidthBps;
  const sendNs = bytes !== undefined ? (bytes * 8e9) / pace : durationNs!;
  if (!(startNs + sendNs <= Number.MAX_SAFE_INTEGER)) {
    const days = (ns: number) => `${(ns / 864e11).toFixed(0)} days`;
    const at = rateBps !== undefined ? `at its rate, ${formatRate(rateBps)}` : `at ${names[narrow]}'s ${link}, ${formatRate(pace)}`;
    const what = bytes !== undefined ? `${given} take ${days(sendNs)} to send ${at}, so the flow ends` : `${given} ends the flow`;
    fail(field, `${what} ${days(startNs + sendNs)} in, past 2^53 ns (about 104 days), beyond which the simulator's times are not exact`);
  }
  // as startFlow sends them: a rate flow one segment a period until its duration ends
  const segments =
    bytes !== undefined ? Math.ceil(bytes / segmentBytes) : Math.ceil(durationNs! / Math.max(1, Math.ceil((segmentBytes * 8e9) / rateBps!)));
  if (segments > MAX_FLOW_SEGMENTS) {
    fail(
      field,
      `${given} is ${segments} segments of ${formatBytes(segmentBytes)}, more than a flow sends (${MAX_FLOW_SEGMENTS}, 2^24: ` +
        `each is an event to simulate); give a larger segment${bytes !== undefined ? " or fewer bytes" : " or a shorter duration"}`,
    );
  }
}

type Issue = z.core.$ZodIssue;

/** Refuses the scenario, naming the field of `issue`, what it must be and what it is. */
function describeIssue(issue: Issue, input: unknown): never {
  issue = meant(issue);
  const where = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") fail(where, unknownKeys("field", issue.keys));
  let value: unknown = input;
  for (const key of issue.path) value = value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  fail(where, value === undefined ? issue.message : `${issue.message}, got ${shown(value)}`);
}

/** Fields without a message of their own: the type they must be. */
function typeMessage(iss: z.core.$ZodRawIssue): string | undefined {
  // a choice (link, core, a process's cpu) in the words of the other fields, not zod's
  // "Invalid option: expected one of "fifo"|"priority""
  if (iss.code === "invalid_value") return `must be ${iss.values.map((v) => JSON.stringify(v)).join(" or ")}`;
  if (iss.code !== "invalid_type") return undefined;
  const kinds: Record<string, string> = { object: "an object", record: "an object", array: "a list", number: "a number", string: "a string", boolean: "true or false" };
  return missingOr(`must be ${kinds[iss.expected] ?? `a ${iss.expected}`}`, iss.input);
}

/** In a union (`nodes`: a count or a list), the issue of the option the value has the
 * type of, so `nodes[0].cpus` is named rather than `nodes`; the union's own otherwise. */
function meant(issue: Issue): Issue {
  if (issue.code !== "invalid_union") return issue;
  // an option of another type fails with one type issue at its root (`.int()` fails
  // with a type issue too, but one with a format: a number was meant)
  const otherType = (branch: Issue[]) => branch.length === 1 && branch[0].code === "invalid_type" && branch[0].path.length === 0 && !("format" in branch[0]);
  const options = issue.errors.filter((branch) => !otherType(branch));
  if (options.length !== 1) return issue;
  const inner = options[0][0];
  return meant({ ...inner, path: [...issue.path, ...inner.path] });
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
  /** called after each chunk of records a process replays, with the share of all the
   * processes' records done (0 to 1; flows and pushes may go on after the last) */
  onProgress?: (fraction: number) => void;
}

/** Runs a multi-node scenario (an object shaped like the scenario file). */
export async function simulateCluster(input: unknown, extras: ClusterExtras = {}): Promise<ClusterResult> {
  checkExtras("simulateCluster()", extras, Object.keys({ events: 1, dir: 1, onProgress: 1 } satisfies Record<keyof ClusterExtras, 1>));
  const { events, dir } = extras;
  const onProgress = labelThrows("simulateCluster: onProgress", extras.onProgress);
  if (typeof events === "string") {
    return withEventFile(events, (file) =>
      runCluster(input, dir, onProgress, (_i, name, nodes) => file.sink({ process: name, nodes }), (inputs) => checkEventsPath(events, inputs)),
    );
  }
  return runCluster(input, dir, onProgress, events);
}

async function runCluster(
  input: unknown,
  dir: string | undefined,
  onProgress: ((fraction: number) => void) | undefined,
  sinkOf?: (index: number, name: string, nodes: string[]) => EventSink | undefined,
  /** refuses a process's input files (the events file must not replace them) */
  guardInputs?: (inputs: CommandInput[]) => void,
): Promise<ClusterResult> {
  const parsed = clusterScenarioSchema.safeParse(input, { error: typeMessage });
  if (!parsed.success) describeIssue(parsed.error.issues[0], input);
  const sc = parsed.data;
  if (!Object.hasOwn(networkPresets, sc.network)) {
    fail("network", `unknown network "${sc.network}" (known: ${Object.keys(networkPresets).join(", ")})`);
  }
  const pageSize = pageSizeOf("scenario pageSize", sc.pageSize, "must be");
  const preset = { ...networkPresets[sc.network] };
  if (sc.bandwidth !== undefined) preset.bandwidthBps = parseRate("scenario bandwidth", sc.bandwidth);
  if (sc.latency !== undefined) preset.latencyNs = parseDuration("scenario latency", sc.latency);
  // the fields every process takes from the top level are checked here, as the
  // scenario's: resolveOptions() would blame the first process, and `run`'s flags
  if (sc.scanInterval !== undefined && sc.scanInterval !== "auto") {
    const ns = parseDuration("scenario scanInterval", sc.scanInterval);
    if (!(ns >= MIN_SCAN_INTERVAL_NS)) fail("scanInterval", `must be "auto" or at least 1us, got ${shown(sc.scanInterval)}`);
  }
  sc.processes.forEach((p, i) => {
    // a generated workload without a seed of its own takes seed + i
    if (p.seed === undefined && isGeneratedWorkload(p.workload) && sc.seed + i > MAX_SEED) {
      fail(
        "seed",
        `${sc.seed} gives processes[${i}] (${p.name}) seed ${sc.seed + i} (seed + ${i}), past the last seed, ${MAX_SEED} (2^32-1); ` +
          `give at most ${MAX_SEED - i}, or that process a seed of its own`,
      );
    }
  });

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
    frameBytes: pageSize + preset.pageHeaderBytes,
  }));
  specs.forEach((s, i) => {
    if (!(s.bandwidthBps > 0)) fail(`nodes[${i}].bandwidth`, `must be positive, got ${s.bandwidthBps}`);
  });
  const net = new Network(nodeList.length, specs, sc.link);
  const cluster = new Cluster(net, preset, pageSize);

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
  let balancer: number | undefined;
  sc.triggers.forEach((t, i) => {
    if (t.kind === "balancer") {
      // each would act on every tick: two move two processes where one moves one
      if (balancer !== undefined) fail(`triggers[${i}]`, `a second balancer (triggers[${balancer}] is one); a cluster has one balancer`);
      balancer = i;
      return;
    }
    const p = procIndex(t.process, `triggers[${i}].process`);
    if (triggered.has(p)) fail(`triggers[${i}].process`, `"${t.process}" already has a trigger (a process migrates once)`);
    triggered.add(p);
    const to = node(t.to, `triggers[${i}].to`);
    const home = node(sc.processes[p].node, `processes[${p}].node`);
    if (to === home) fail(`triggers[${i}].to`, `process "${t.process}" already runs on ${names[to]}`);
    if (t.kind === "fraction") fractionOf.set(p, { to, at: t.at });
  });

  // flows, checked before any process is set up
  const flowNames = sc.flows.map((f, i) => f.name ?? `flow${i}`);
  flowNames.forEach((n, i) => {
    const first = flowNames.indexOf(n);
    if (first === i) return;
    if (sc.flows[i].name === undefined) fail(`flows[${i}]`, `unnamed, so called "${n}", which is flows[${first}].name too; give it a name`);
    if (sc.flows[first].name === undefined) fail(`flows[${i}].name`, `"${n}" is what unnamed flows[${first}] is called; choose another`);
    fail(`flows[${i}].name`, `"${n}" is used twice (flows[${first}].name too)`);
  });
  // what the result notes: a flow that overloads its path (now), triggers that cannot fire
  const notes: string[] = [];
  const flowSpecs: FlowSpec[] = sc.flows.map((f, i) => {
    const where = `flows[${i}]`;
    const from = node(f.from, `${where}.from`);
    const to = node(f.to, `${where}.to`);
    if (from === to) fail(`${where}.to`, "a flow needs two different nodes");
    if (f.rate === undefined && f.bytes === undefined) fail(where, "give bytes (a transfer) or rate with duration or bytes");
    if (f.rate !== undefined && f.bytes === undefined && f.duration === undefined) fail(where, "a rate flow needs duration or bytes");
    // either would end the flow, the first reached silently
    if (f.rate !== undefined && f.bytes !== undefined && f.duration !== undefined) fail(where, "a rate flow ends after bytes or after duration; give one, not both");
    if (f.rate === undefined && f.duration !== undefined) fail(`${where}.duration`, "only a rate flow takes a duration (a transfer ends when its bytes are sent)");
    const bytes = f.bytes !== undefined ? parseSize(`scenario ${where}.bytes`, f.bytes) : undefined;
    // 0 would still send one empty message
    if (bytes !== undefined && !(bytes >= 1)) fail(`${where}.bytes`, `must be at least 1 byte, got ${shown(f.bytes)}`);
    const rateBps = f.rate !== undefined ? parseRate(`scenario ${where}.rate`, f.rate) : undefined;
    // 0 would still send one segment
    if (rateBps !== undefined && !(rateBps > 0)) fail(`${where}.rate`, `must be positive, got ${shown(f.rate)}`);
    // an open-loop source may offer more than its path carries: allowed (an overload is
    // a scenario worth running), but the result says so, since its segments then queue
    // and arrive at the path's rate, long after the flow has stopped offering them
    if (rateBps !== undefined) {
      const carries = (i: number) => specs[i].bandwidthBps * (1 - specs[i].background);
      const [narrow, link] = carries(from) <= carries(to) ? [from, "uplink"] : [to, "downlink"];
      const { bandwidthBps, background } = specs[narrow];
      if (rateBps > carries(narrow)) {
        const beside = background > 0 ? ` of its ${formatRate(bandwidthBps)} beside its background load` : "";
        notes.push(
          `${where} (${flowNames[i]}): offers ${formatRate(rateBps)}, more than ${names[narrow]}'s ${link} carries ` +
            `(${formatRate(carries(narrow))}${beside}); its segments queue there`,
        );
      }
    }
    const segmentBytes = parseSize(`scenario ${where}.segment`, f.segment);
    if (!(segmentBytes > 0)) fail(`${where}.segment`, `must be positive, got ${shown(f.segment)}`);
    const startNs = parseDuration(`scenario ${where}.start`, f.start);
    const durationNs = f.duration !== undefined ? parseDuration(`scenario ${where}.duration`, f.duration) : undefined;
    checkFlowSize(where, f, { from, to, bytes, rateBps, startNs, durationNs, segmentBytes }, specs, names);
    return { name: flowNames[i], from, to, startNs, bytes, rateBps, durationNs, segmentBytes };
  });

  // a path in a scenario file means the same wherever the command runs
  const fromDir = (path: string) => (dir === undefined || isAbsolute(path) ? path : resolve(dir, path));
  // a workload that reads as a path, or is a file there, is read from the folder; any
  // other name stays a name (a built-in, or one preflight says is none)
  const workloadIn = (w: string) => (!isGeneratedWorkload(w) && (readsAsPath(w) || existsSync(fromDir(w))) ? fromDir(w) : w);
  const runs: Array<{ proc: ProcessRun; s: Scenario; home: NodeId }> = [];
  // each process's record stream, for the share of the records done
  const streams: SharedRecords[] = [];
  let totalRecords = 0;
  const inputs: Record<string, InputDigests> = {};
  const digests = new OnceDigests();
  for (const [i, p] of sc.processes.entries()) {
    let s: Scenario;
    let workload: Workload;
    let runner: PolicyRunner;
    const options: RunOptions = {
      workload: workloadIn(p.workload),
      memory: p.memory,
      mechanism: p.mechanism,
      policy: p.policy !== undefined && isPolicyPath(p.policy) ? fromDir(p.policy) : p.policy,
      network: sc.network,
      // the scenario's seed reaches generated workloads only: a trace takes none
      seed: p.seed ?? (isGeneratedWorkload(p.workload) ? sc.seed + i : undefined),
      core: sc.core as CoreKind,
      pageSize,
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
    };
    try {
      s = resolveOptions(options);
      // the scenario's own bandwidth and latency (the nodes' links carry them)
      s = { ...s, network: { ...s.network, bandwidthBps: preset.bandwidthBps, latencyNs: preset.latencyNs } };
      preflight(s);
      guardInputs?.(runInputs(s));
      const read = inputDigests(s, digests);
      if (Object.keys(read).length > 0) inputs[p.name] = read;
      workload = await scenarioWorkload(s);
      // a hook's error names the process as well as the module: several may run it
      runner = await policyRunner(s, workload, `${p.policy ?? s.policy} (process ${p.name})`);
    } catch (err) {
      failProcess(i, p, options, errorMessage(err));
    }
    const home = node(p.node, `processes[${i}].node`);
    const policy = pushInfo(s.policy);
    const mechanism = mechanisms[s.mechanism];
    const fraction = fractionOf.get(i);
    const push = pushFor(s.mechanism, policy, s.pushOrder);
    const records = new SharedRecords(workload, s.chunkRecords);
    streams.push(records);
    if (onProgress) records.onChunk = () => onProgress(streams.reduce((n, r) => n + r.produced, 0) / Math.max(1, totalRecords));
    const proc = new ProcessRun({
      ...processSetup(s, workload, await createCore(s.core), runner, {
        id: i,
        home,
        migrateAtRecord: fraction ? Math.floor(fraction.at * workload.records) : null,
      }),
      feed: records.join(),
      lookahead: await lookaheadFor(push, s, workload),
    });
    totalRecords += workload.records;
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
  sc.triggers.forEach((t, i) => {
    if (t.kind === "time") {
      const p = runs[procIndex(t.process, `triggers[${i}].process`)].proc;
      const dest = node(t.to, `triggers[${i}].to`);
      const at = parseDuration(`scenario triggers[${i}].at`, t.at);
      cluster.events.at(at, () => {
        if (cluster.migrate(p, dest, "time")) return;
        // pre-copy's live rounds run with the process at home: "(home)" read as if it could
        const state = p.phase === "home" && !Number.isNaN(p.decisionAt) ? "already migrating" : p.phase;
        notes.push(`triggers[${i}]: ${t.process} could not migrate at ${formatNs(at)} (${state})`);
      });
    } else if (t.kind === "balancer") {
      const interval = parseDuration(`scenario triggers[${i}].interval`, t.interval);
      if (!(interval > 0)) fail(`triggers[${i}].interval`, `must be positive, got ${shown(t.interval)}`);
      startBalancer(cluster, { intervalNs: interval, threshold: t.threshold, pick: t.pick });
    }
  });
  const flows = flowSpecs.map((spec) => startFlow(net, (time, fire) => cluster.events.at(time, fire), cluster.arbiter, spec));

  // every process reads its own stream, so the loop never waits for records
  if (cluster.run() !== "done") throw new Error("internal: a cluster scenario's process waited for records");

  /** What a process that ran past the exact clock should check, in the scenario's terms
   * (`run`'s message names its options, which `cluster` has not): the link fields of the
   * nodes its pages crossed between, as the file gives them, and its time per access. */
  const clockCheck = (i: number, home: NodeId, now: NodeId): string => {
    const perAccess = `its time per access (processes[${i}].cpuNsPerAccess)`;
    if (now === home) return `check ${perAccess} and the CPUs nodes[${home}] (${names[home]}) shares among its processes (nodes[${home}].cpus)`;
    const fields = ["bandwidth", "latency", "background"] as const;
    const given: string[] = [];
    for (const n of [home, now]) {
      const own = typeof sc.nodes === "number" ? undefined : sc.nodes[n];
      for (const f of fields) if (own?.[f] !== undefined) given.push(`nodes[${n}].${f} is ${shown(own[f])}`);
    }
    const scenarioLevel = fields.filter((f) => sc[f] !== undefined && !(f === "background" && sc[f] === 0)).map((f) => `${f} ${shown(sc[f])}`);
    const network = `network ${JSON.stringify(sc.network)}'s`;
    const source = scenarioLevel.length ? `the scenario's ${scenarioLevel.join(", ")} and otherwise ${network}` : network;
    const rest = given.length ? `their other link fields are ${source}` : `neither node sets bandwidth, latency or background: they are ${source}`;
    return (
      `check the links of nodes[${home}] (${names[home]}) and nodes[${now}] (${names[now]}), which its pages crossed ` +
      `(${[...given, rest].join("; ")}), any flows on them, and ${perAccess}`
    );
  };
  const processes = runs.map(({ proc, s, home }) => {
    const i = proc.id;
    const labels = {
      // paths as the file gives them, not as resolved here
      workload: sc.processes[i].workload,
      mechanism: s.mechanism,
      policy: sc.processes[i].policy ?? s.policy,
      network: preset.name,
      link: s.link,
      core: s.core,
      seed: s.seed,
      memoryBytes: footprintBytes(s, proc.workload),
    };
    let metrics: Metrics;
    try {
      metrics = readMetrics(proc, labels, clockCheck(i, home, proc.node));
    } catch (err) {
      fail(`processes[${i}] (${procNames[i]})`, errorMessage(err));
    }
    const work = workNs(metrics.accesses, s.cpuNsPerAccess);
    const cpuWaitNs = metrics.runtimeNs - work - metrics.stallNs - metrics.freezeNs - metrics.zeroFills * proc.views.params[P_ZERO_FILL_NS];
    return { name: procNames[i], home: names[home], node: names[proc.node], ...metrics, cpuWaitNs };
  });
  // a copy the process outran: say how fast it went, which the table's "called off"
  // does not (a node's streams wait behind its fault and prefetch replies, so a copy
  // from where another process pages can crawl: docs/model.md, the network)
  for (const m of cluster.migrations) {
    if (!m.abandoned) continue;
    const p = processes[m.process];
    const sent = p.mechanismStats?.sentPages ?? 0;
    const spanNs = p.runtimeNs - m.decisionAt;
    const carries = specs[m.from].bandwidthBps * (1 - specs[m.from].background);
    notes.push(
      `${p.name}: its ${m.mechanism} from ${names[m.from]} was called off, the process ending at home ` +
        `${formatNs(spanNs)} after the decision with ${sent} pages sent ` +
        `(${formatRate(spanNs > 0 ? (sent * pageSize * 8e9) / spanNs : 0)} of page data, where ${names[m.from]}'s uplink carries ${formatRate(carries)})`,
    );
  }
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
      loads: m.loads ?? null,
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
    inputs,
  };
}
