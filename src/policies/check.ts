// Checks a prefetch policy against what every policy here must be: one that decides
// from what the destination could know at the moment, and gives the same result on
// either core and in any order of runs. The cores show a policy nothing of the future,
// but a module's own code is not sandboxed (it could read the trace itself, or patch a
// core's class), and a ported policy reads the core's tables directly; so each property
// is checked from outside, by what the policy does:
//  - trace-ahead: the same workload with another future from a record K on (each page
//    after K moved half its region on) must give the same events before the process
//    reaches K;
//  - traffic-ahead: a bulk flow from home to the destination starting at T must leave
//    every event before T as it was (a policy that read when an in-flight page lands,
//    or anything the host fixed about traffic to come, decides otherwise before T);
//  - cores: the WebAssembly core and the TypeScript reference give the same metrics;
//  - runs: a run gives the same metrics again, at once and after another (a module that
//    keeps state outside ctx.state carries it from one run to the next; one that decides
//    by chance or the clock differs too). Checked first: the others compare runs, and
//    are not made when it fails.
// A policy that reads the trace ahead by design (the oracles) fails the first, as it
// should. Passing is evidence, not proof: a policy could look ahead only where these
// workloads never lead it.
import { isPolicyPath } from "./module.js";
import { policies, pushInfo } from "./registry.js";
import { simulateCluster } from "../sim/cluster-scenario.js";
import { EVENT_NAMES, EventLog } from "../sim/event-log.js";
import type { Metrics } from "../sim/metrics.js";
import { isGeneratedWorkload, resolveOptions, type RunOptions } from "../sim/options.js";
import { runScenario, scenarioWorkload } from "../sim/simulate.js";
import { labelThrows } from "../util/errors.js";
import { formatNs } from "../util/units.js";
import { regionIndexOf, type RecordStream, type Workload } from "../workloads/types.js";

export const CHECK_KINDS = ["trace-ahead", "traffic-ahead", "cores", "runs"] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** The generated workloads a check runs by default: every access pattern the policies
 * look for (sweeps, strides, transposes, random updates). */
export const CHECK_WORKLOADS = ["stream", "randomaccess", "fft", "hpl", "random", "sequential"];

/** Where between the migration and the end a future is changed or a flow starts. */
const POINTS = [0.1, 0.4, 0.7];

export interface PolicyCheckOptions {
  /** a built-in policy's name or a policy module's path */
  policy: string;
  policyParams?: Record<string, number>;
  /** generated workloads or trace files (default CHECK_WORKLOADS): a trace moved to
   * another future is the same trace up to that record, so the check runs on the data a
   * user will publish */
  workloads?: string[];
  /** each generated workload's memory (default 1 MiB: small runs, many of them; a trace
   * has its own) */
  memory?: string | number;
  seed?: number;
  network?: string;
  /** called after each run */
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface CheckFinding {
  check: CheckKind;
  workload: string;
  mechanism: string;
  passed: boolean;
  /** what was compared, and on a failure the first difference */
  detail: string;
}

export interface PolicyCheckReport {
  policy: string;
  passed: boolean;
  findings: CheckFinding[];
}

type Event = [t: number, kind: number, page: number, arg: number];

function eventsOf(log: EventLog): Event[] {
  if (log.dropped > 0) throw new Error(`check: a run recorded more than ${log.limit} events; check a smaller --memory`);
  return log.times.map((t, i) => [t, log.kinds[i], log.pages[i], log.args[i]]);
}

function describe(e: Event | undefined): string {
  if (!e) return "nothing";
  const [t, kind, page] = e;
  return `${EVENT_NAMES[kind]}${page >= 0 ? ` of page ${page}` : ""} at ${formatNs(t)}`;
}

/** The first of two runs' events before `before` that differ, described; or undefined. */
function firstDifference(a: Event[], b: Event[], before: number): string | undefined {
  const cut = (e: Event[]) => e.filter(([t]) => t < before);
  const [x, y] = [cut(a), cut(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === undefined || y[i] === undefined || x[i].some((v, k) => v !== y[i][k])) {
      return `event ${i}: ${describe(y[i])}, where the run as it was had ${describe(x[i])}`;
    }
  }
  return undefined;
}

/** The first field (the core's name aside) two metric objects differ in, described; or
 * undefined when they agree. */
function metricDifference(a: Metrics, b: Metrics, what: [string, string]): string | undefined {
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  const fields = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  fields.delete("core");
  const field = [...fields].find((k) => JSON.stringify(ra[k]) !== JSON.stringify(rb[k]));
  return field === undefined ? undefined : `${field}: ${JSON.stringify(ra[field])} ${what[0]}, ${JSON.stringify(rb[field])} ${what[1]}`;
}

/** `w` up to record `from`, then with each page moved half its region on. */
function withOtherFuture(w: Workload, from: number): Workload {
  const moved = (page: number) => {
    const r = w.regions[regionIndexOf(w.regions, page)];
    if (r === undefined) return page;
    return r.start + ((page - r.start + (r.pages >> 1)) % r.pages);
  };
  return {
    ...w,
    open(): RecordStream {
      const s = w.open();
      let at = 0;
      return {
        fill(pages, gaps, flags, max) {
          const n = s.fill(pages, gaps, flags, max);
          for (let i = 0; i < n; i++, at++) if (at >= from) pages[i] = moved(pages[i]);
          return n;
        },
        close: () => s.close?.(),
      };
    },
  };
}

/** `w`'s first `records` records. */
function cutAt(w: Workload, records: number): Workload {
  return {
    ...w,
    records,
    timed: undefined,
    open(): RecordStream {
      const s = w.open();
      let left = records;
      return {
        fill(pages, gaps, flags, max) {
          const n = s.fill(pages, gaps, flags, Math.min(max, left));
          left -= n;
          return n;
        },
        close: () => s.close?.(),
      };
    },
  };
}

export async function checkPolicy(o: PolicyCheckOptions): Promise<PolicyCheckReport> {
  const workloads = o.workloads ?? CHECK_WORKLOADS;
  // named here, not as run's option --policy: the command takes it as its argument
  if (!isPolicyPath(o.policy) && !Object.hasOwn(policies, o.policy)) {
    throw new Error(`check: unknown policy "${o.policy}" (known: ${Object.keys(policies).join(", ")}; or a module's path, such as ./my-policy.ts)`);
  }
  const mechanisms = pushInfo(o.policy).push ? ["lightweight"] : ["lightweight", "post-copy"];
  const base: RunOptions = {
    policy: o.policy,
    policyParams: o.policyParams,
    network: o.network ?? "gige-2008",
    baselines: false,
  };
  const seed = o.seed ?? 3;
  /** `workload`'s run: a generated one's with the check's memory and seed (`seedShift`
   * on), a trace's with its own */
  const runOf = (workload: string, mechanism: string, seedShift = 0): RunOptions =>
    isGeneratedWorkload(workload) ? { ...base, workload, mechanism, memory: o.memory ?? "1MiB", seed: seed + seedShift } : { ...base, workload, mechanism };
  // per workload and mechanism: the run as it is on each core, a cut and another future
  // at each point, and a two-node scenario quiet and with a flow from each point
  const total = workloads.length * mechanisms.length * (3 + 3 * POINTS.length) + 4;
  let done = 0;
  const onProgress = labelThrows("checkPolicy: onProgress", o.onProgress);
  const step = (label: string) => onProgress?.(++done, total, label);
  const findings: CheckFinding[] = [];
  const found = (check: CheckKind, workload: string, mechanism: string, difference: string | undefined, compared: string) =>
    findings.push({ check, workload, mechanism, passed: difference === undefined, detail: difference ?? compared });

  const logged = async (options: RunOptions, workload?: (w: Workload) => Workload) => {
    const s = resolveOptions(options);
    const w = await scenarioWorkload(s);
    const log = new EventLog(5_000_000);
    const metrics = await runScenario(s, workload ? workload(w) : w, { events: log });
    return { metrics, events: eventsOf(log) };
  };

  // each check compares runs, so first whether a run stands alone: one, the same again
  // at once (state kept for a run of the same size, the common leak, is reused there:
  // another workload would have rebuilt it, and the leak then failed the later checks as
  // the cores' or the future's), another, then the first a third time
  const first = runOf(workloads[0], mechanisms[0]);
  const firstRun = (await logged(first)).metrics;
  step(`${workloads[0]} ${mechanisms[0]}`);
  const repeated = async (after: string) => {
    const again = (await logged(first)).metrics;
    step(`${workloads[0]} ${mechanisms[0]} ${after}`);
    const differs = metricDifference(firstRun, again, ["first", "then"]);
    if (differs !== undefined) {
      const why = "the policy keeps state outside ctx.state, or decides by chance or the clock (Math.random, Date.now, performance.now)";
      found("runs", workloads[0], mechanisms[0], `${after}, ${differs}: ${why}, and the other checks, which compare runs, were not made`, "");
    }
    return differs === undefined;
  };
  if (!(await repeated("run again at once"))) return { policy: o.policy, passed: false, findings };
  await logged(runOf(workloads[workloads.length - 1], mechanisms[mechanisms.length - 1], 1));
  step("another run");
  if (!(await repeated("after another run"))) return { policy: o.policy, passed: false, findings };
  found("runs", workloads[0], mechanisms[0], undefined, "the same metrics again at once and after another run");

  for (const workload of workloads) {
    for (const mechanism of mechanisms) {
      const label = `${workload} ${mechanism}`;
      const options = runOf(workload, mechanism);
      const records = (await scenarioWorkload(resolveOptions(options))).records;
      const migrateAtRecord = Math.floor(records / 2);
      const at: RunOptions = { ...options, migrateAtRecord };
      const asIs = await logged(at);
      step(label);

      const reference = (await logged({ ...at, core: "reference" })).metrics;
      step(label);
      found("cores", workload, mechanism, metricDifference(asIs.metrics, reference, ["on wasm", "on reference"]), "the same metrics");

      let traceDifference: string | undefined;
      const reached: number[] = [];
      for (const p of POINTS) {
        const from = migrateAtRecord + Math.max(1, Math.floor(p * (records - migrateAtRecord)));
        // the process reaches record `from` where the run cut there ends
        const reach = (await logged(at, (w) => cutAt(w, from))).metrics.runtimeNs;
        step(label);
        const other = await logged(at, (w) => withOtherFuture(w, from));
        step(label);
        const d = firstDifference(asIs.events, other.events, reach);
        reached.push(from);
        traceDifference ??= d && `another future from record ${from} (reached at ${formatNs(reach)}): ${d}`;
      }
      found("trace-ahead", workload, mechanism, traceDifference, `the same events until records ${reached.map((r) => r.toLocaleString("en-US")).join(", ")}, with other futures after them`);

      const quiet = await clusterRun(options);
      step(label);
      let trafficDifference: string | undefined;
      const starts: number[] = [];
      for (const p of POINTS) {
        const T = Math.round(quiet.decisionAt + p * (quiet.runtimeNs - quiet.decisionAt));
        const busy = await clusterRun(options, T);
        step(label);
        const d = firstDifference(quiet.events, busy.events, T);
        starts.push(T);
        trafficDifference ??= d && `a flow from ${formatNs(T)}: ${d}`;
      }
      found("traffic-ahead", workload, mechanism, trafficDifference, `the same events before flows from ${starts.map(formatNs).join(", ")}`);
    }
  }
  return { policy: o.policy, passed: findings.every((f) => f.passed), findings };
}

/** `options`'s run as a two-node scenario, migrated at half its records, with a 64 MiB
 * flow from home to the destination from `flowAt` if given: its events, when it decided
 * to migrate and its runtime. */
async function clusterRun(options: RunOptions, flowAt?: number) {
  const log = new EventLog(5_000_000);
  const r = await simulateCluster(
    {
      nodes: 2,
      network: options.network,
      processes: [
        {
          name: "p",
          node: 0,
          workload: options.workload,
          memory: options.memory,
          seed: options.seed,
          mechanism: options.mechanism,
          // a module's path read from the current folder, simulateCluster()'s by default
          policy: options.policy as string,
          ...(options.policyParams && { policyParams: options.policyParams }),
        },
      ],
      triggers: [{ kind: "fraction", process: "p", to: 1, at: 0.5 }],
      flows: flowAt === undefined ? [] : [{ from: 0, to: 1, start: flowAt, bytes: "64MiB" }],
    },
    { events: () => log },
  );
  return { events: eventsOf(log), decisionAt: r.migrations[0].decisionAt, runtimeNs: r.processes[0].runtimeNs };
}
