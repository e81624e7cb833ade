// `ampom validate`: a real lightweight migration of a program on this machine
// (userfaultfd; native/validate) beside the simulator's run of the same program's
// trace, with the same network, policy and migration point.
//
//  1. native runs (no migration): the program's time, and when its counted libc calls
//     happen; the migration point is the N-th call of one function, which happens at the
//     same place of the program in every run, under valgrind too;
//  2. the capture: the same program under valgrind's lackey, the library marking its
//     start, the migration point and its end on reserved pages (trace-view.ts);
//  3. real runs per policy: the library migrates at that call, serves the faults from
//     the home server with the link model's delays, and counts;
//  4. the simulation of the captured trace, migrating at the marked record, its CPU time
//     per access taken from the native runs (CPU time after the migration point over the
//     accesses after it), its local fault costs (trap, a zero-fill beyond the native run's
//     minor fault, first use of a prefetched page) and the kernel's CPU share of a
//     userfault (which the real run's execution clock holds) from the real run's own
//     calibration. A real run whose host changed state while it ran (a minor fault's cost
//     before and after it) is run again, at most `hostRetries` times, and reported.
import { join } from "node:path";
import { mkdirSync, rmSync, statSync } from "node:fs";
import { policies, policyParamVector } from "../policies/registry.js";
import { resolveOptions, type RunOptions, type Scenario } from "../sim/options.js";
import { runScenario } from "../sim/simulate.js";
import type { Metrics } from "../sim/metrics.js";
import { captureTrace } from "./capture.js";
import { allowedCpus, nativeParts, userfaultfdAvailability, type NativeParts } from "./native.js";
import { libraryEnv, resolveProgram, RunInterrupted, runProgram, type LibraryReport, type LibrarySettings } from "./runner.js";
import { scratchFolder } from "../util/atomic-file.js";
import { shown } from "../util/errors.js";
import { validationTrace, type ValidationTrace } from "./trace-view.js";
import { ordinal, readFraction } from "../util/units.js";
import { wholeProblem } from "../util/params.js";

/** A calibrated cost as a simulation option: never below 0, and at most `most`. */
const clamp = (ns: number, most = Infinity) => Math.min(Math.max(0, ns), Math.max(0, most));

/** Policies the real handler implements (native/validate/policy.c). */
export const VALIDATED_POLICIES = ["none", "ampom"];

/** Functions the library counts; the migration point is the N-th call of one of them. */
export const COUNTED_CALLS = [
  "malloc", "calloc", "realloc", "free", "read", "write", "fread", "fwrite", "fputs", "puts", "fgets",
  "clock_gettime", "gettimeofday", "time", "clock", "rand", "random", "ampom_validate_point",
];

export interface ValidateOptions {
  /** PROGRAM and its arguments */
  command: string[];
  policies?: string[];
  network?: string;
  bandwidth?: string | number;
  latency?: string | number;
  background?: number | string;
  policyParams?: Record<string, number>;
  core?: "wasm" | "reference";
  /** "FUNC" or "FUNC:N"; by default the counted call nearest to `migrateAt` of the run */
  migrateCall?: string;
  /** fraction of the native run's time the automatic migration point aims at */
  migrateAt?: number | string;
  /** real migrations per policy (the median by runtime is reported) */
  repeat?: number;
  /** native runs (the median time is used) */
  nativeRuns?: number;
  /** CPU the program, its handler and home are pinned to (default: the last one) */
  pinCpu?: number;
  /** A diagnostic, off by default: in the real run, a span between two userfaults whose
   * CPU time exceeds the fault's calibrated share by more than this (ns) is taken for an
   * interruption the machine charged to the program's thread and left out of the
   * execution clock ampom's paging rate is measured on. Right only for programs that
   * work less than this between faults (docs/validation.md). */
  spikeCutNs?: number;
  /** times a real run whose host changed state while it ran (hostChange) is run again;
   * default DEFAULT_HOST_RETRIES */
  hostRetries?: number;
  /** per program run, ms (the capture gets 20 times as long) */
  timeoutMs?: number;
  /** keep the trace and reports in this directory */
  keep?: string;
  /** the program's own output goes to stderr */
  echo?: boolean;
  onStep?: (what: string) => void;
  /** stops the validation: the program running now is killed (with its process group),
   * the scratch folder removed, and the call rejects with RunInterrupted */
  signal?: AbortSignal;
}

/** The four figures the issue asks for, and the ones that explain them. */
export interface SideFigures {
  remoteFaults: number;
  /** from the migration decision to the end of the run (freeze included), ns */
  runtimeNs: number;
  /** time after the freeze beyond the program's own work (the native run's time over the
   * same span; the simulator's CPU time per access is that time over the accesses), ns */
  stallNs: number;
  prefetchedPages: number;
  usefulPrefetches: number;
  latePrefetches: number;
  zeroFills: number;
  freezeNs: number;
}

/** What the real run's handler reports that the validation passes on as it is (each
 * field is described in LibraryReport). */
type HandlerFigures = Pick<
  NonNullable<LibraryReport["real"]>,
  "firstUseFaults" | "lateLandings" | "offCpuNs" | "execNs" | "demandEvents" | "refaults" | "spikesCut" | "resumeCpuNs" | "freezeFaults" | "remaps"
>;

/** How far a run's userfaults cost beyond what its calibration measured, read from the
 * run's own figures afterwards (docs/validation.md, "Timing"). */
export interface FaultCostDrift {
  /** the real execution clock after the freeze (`execNs`, which has the calibrated share
   * of each userfault taken off and each zero-fill's calibrated cost put on) less what it
   * would read had every calibrated cost held: the native runs' CPU time over the span
   * (which holds a minor fault for each page a zero-fill serves in the real run) plus each
   * zero-fill's calibrated cost beyond that minor fault (zeroFillExcessNs); over the
   * run's demand events (the userfaults whose calibrated share `execNs` took off), ns;
   * null without demand events, and where --spike-cut took spans off the clock (it takes
   * the very excess this reads) */
  faultCostDriftNs: number | null;
  /** the |drift| beyond which the run is marked (faultCostDrift), ns; null with the drift */
  faultCostDriftLimitNs: number | null;
  /** the drift passed its limit: what a userfault cost changed between the run's
   * calibration and its migration, and its simulation (calibrated by it) is off by that */
  calibrationDisturbed: boolean;
}

/** The share of a userfault's calibrated CPU cost a run's drift may reach before it is
 * marked. The host runs each virtual CPU in a fast or a slow state, in which a kernel entry
 * costs about 1.4 times as much (a pinned probe's minor fault 11.3 against 15.3 us, a
 * userfault's calibrated share 13 against 19 us: docs/validation.md); a run calibrated in
 * one state and taking all its faults in the other drifts by +40% of its calibrated share
 * (fast to slow) or by 1 - 1/1.4 = -29% (slow to fast). Half of the smaller, 15%, is a run
 * that took about half its faults in the state its calibration did not see. */
export const DRIFT_LIMIT_SHARE = 0.15;

/** What the simulation of a real run charges a zero-fill, ns: what the run's calibration
 * measured of a zero-fill's userfault (`zeroFillNs`) beyond a kernel minor fault
 * (`minorFaultNs`, measured beside it). The simulation's CPU time comes from native runs,
 * which pay a minor fault for each page they allocate; in the real run the zero-fill
 * takes that fault's place, so charging its whole cost counted the minor fault twice
 * (`percpu 1`, 256 zero-fills, twelve runs: the drift read -8.3 to -2.6 us an event, the
 * simulated runtime a median 3.5% long; now -1.7 to +3.1 us and -1.4%; docs/validation.md). The simulator proper charges the whole cost: a
 * trace's CPU time holds no faults. */
export function zeroFillExcessNs(calibration: { zeroFillNs: number; minorFaultNs: number }): number {
  return clamp(calibration.zeroFillNs - calibration.minorFaultNs);
}

/** The drift of one run's fault cost and whether it passes its limit. The limit is
 * DRIFT_LIMIT_SHARE of the calibrated CPU cost the clock holds for each demand event and
 * zero-fill (both userfaults, both dearer in the host's slow state), plus the native runs'
 * own spread (the program's work varies from run to run by that much, which the measure
 * cannot tell from a drift), over the demand events. Refaults (a page the program dropped
 * itself, touched again) are zero-fills to the clock and count with them. */
export function faultCostDrift(
  real: { execNs: number; demandEvents: number; zeroFills: number; refaults: number; spikesCut: number },
  calibration: { faultCpuNs: number; zeroFillNs: number; zeroFillCpuNs: number; minorFaultNs: number },
  native: { postMigrationCpuNs: number; postMigrationCpuSpreadNs: number },
): FaultCostDrift {
  if (real.demandEvents === 0 || real.spikesCut > 0) return { faultCostDriftNs: null, faultCostDriftLimitNs: null, calibrationDisturbed: false };
  const zeroFills = real.zeroFills + real.refaults;
  const expected = native.postMigrationCpuNs + zeroFills * zeroFillExcessNs(calibration);
  const drift = Math.round((real.execNs - expected) / real.demandEvents);
  const calibrated = real.demandEvents * Math.max(0, calibration.faultCpuNs) + zeroFills * Math.max(0, calibration.zeroFillCpuNs);
  const limit = Math.round((DRIFT_LIMIT_SHARE * calibrated + native.postMigrationCpuSpreadNs) / real.demandEvents);
  return { faultCostDriftNs: drift, faultCostDriftLimitNs: limit, calibrationDisturbed: Math.abs(drift) > limit };
}

/** How much dearer a kernel minor fault is in the host's slow state than in its fast one:
 * a pinned probe's 15.1-15.5 against 11.2-11.4 us (docs/validation.md), about 15.3/11.3. */
export const HOST_STATE_RATIO = 1.35;

/** How far apart a run's two probes may lie, as the larger over the smaller, before its
 * host is taken to have changed state: halfway, on a ratio's scale, between no change (1)
 * and a change of state (HOST_STATE_RATIO), about 1.16. Set from the states, not from the
 * runs: of 109 pairs of probes 0.2 s apart in one state one passed it (1.18), and the six
 * pairs across the states passed it at 1.29-1.91 (docs/validation.md). */
export const HOST_CHANGE_BOUND = Math.sqrt(HOST_STATE_RATIO);

/** How many times, by default, a run whose host changed state is tried again. */
export const DEFAULT_HOST_RETRIES = 2;
/** The most tries again per run the option takes. */
export const MAX_HOST_RETRIES = 10;

/** The host-state probe of one real run: a kernel minor fault's CPU time (a write to a
 * fresh anonymous page), taken in its calibration before the program runs and again after
 * its work ends. */
export interface HostProbe {
  /** CPU ns a minor fault, before the run and after it (0 where the probe got no memory) */
  hostProbe: { beforeNs: number; afterNs: number };
  /** the two lie further apart than HOST_CHANGE_BOUND: the host's state changed under the
   * run, and its calibration does not hold for all of it */
  hostChanged: boolean;
}

/** Whether a run's host changed state while it ran, from its two probes (CPU ns a minor
 * fault); a probe that could not be taken (0) tells nothing. */
export function hostChange(beforeNs: number, afterNs: number): HostProbe {
  const told = beforeNs > 0 && afterNs > 0;
  return { hostProbe: { beforeNs, afterNs }, hostChanged: told && Math.max(beforeNs, afterNs) / Math.min(beforeNs, afterNs) > HOST_CHANGE_BOUND };
}

/** Runs `attempt` until a run's host held its state, at most 1 + `retries` times: the runs
 * set aside (each one whose host changed) and the one kept, the last even if its host
 * changed too. */
export async function untilHostHeld<T extends { hostChanged: boolean }>(attempt: (tryIndex: number) => Promise<T>, retries: number): Promise<{ kept: T; discarded: T[] }> {
  const discarded: T[] = [];
  for (let k = 0; ; k++) {
    const t = await attempt(k);
    if (!t.hostChanged || k >= retries) return { kept: t, discarded };
    discarded.push(t);
  }
}

/** One real run beside its own simulation (calibrated by that run). */
export type RunFigures = { realRuntimeNs: number; realFaults: number; simulatedRuntimeNs: number; simulatedFaults: number } & FaultCostDrift & HostProbe;

export interface PolicyValidation {
  policy: string;
  real: SideFigures &
    HandlerFigures &
    FaultCostDrift &
    HostProbe & {
      /** set-up work at the migration point (copying home, registering), left out of runtimeNs */
      harnessNs: number;
      homePages: number;
    };
  simulated: SideFigures;
  /** (simulated - real) / real, percent; null where real is 0 */
  errorPercent: Record<"remoteFaults" | "runtimeNs" | "stallNs" | "prefetchedPages", number | null>;
  /** what a fault costs in the real run beyond the modelled network, measured before it;
   * zeroFillExcessNs is what its simulation charged a zero-fill (zeroFillExcessNs()) */
  calibration: NonNullable<LibraryReport["calibration"]> & { zeroFillExcessNs: number };
  /** every real run kept: its runtime and remote faults, and those of its simulation
   * (calibrated by that run), how far its userfaults cost beyond that calibration, and its
   * host-state probe (hostChanged: the last try of a run whose every try changed) */
  repeats: RunFigures[];
  /** the runs set aside because their host changed state while they ran, each with the
   * real run (1-based, as in `repeats`) it was a try of, in the order they ran */
  discarded: Array<RunFigures & { run: number }>;
}

export interface Validation {
  program: string;
  args: string[];
  network: { name: string; bandwidthBps: number; latencyNs: number; background: number };
  migration: { call: string; index: number; nativeAtNs: number; atFraction: number };
  /** runtimeNs and cpuNs: a native run's wall and CPU time; postMigrationCpuNs: its CPU
   * time from the migration point to the end (each the median of the runs), and
   * postMigrationCpuSpreadNs how far apart the runs had that (the largest less the least) */
  native: { runs: number; runtimeNs: number; cpuNs: number; postMigrationCpuNs: number; postMigrationCpuSpreadNs: number; cpuNsPerAccess: number };
  trace: { records: number; keptRecords: number; migrateAtRecord: number; postAccesses: number; homePages: number; pagesAfter: number };
  /** the CPU the program, its handler and home ran on */
  pinnedCpu: number;
  /** the spike cut of the real runs' execution clock, ns; 0: none */
  spikeCutNs: number;
  results: PolicyValidation[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

function errorPercent(sim: number, real: number): number | null {
  return real === 0 ? (sim === 0 ? 0 : null) : Math.round(((sim - real) / real) * 10000) / 100;
}

/** The counted call whose time in the native run is nearest `fraction` of the run,
 * among those in its middle 90% (a migration in the first or last 5% compares little). */
export function chooseMigrationCall(report: LibraryReport, fraction: number): { call: string; index: number; atNs: number } {
  const total = report.window.wallNs;
  const target = fraction * total;
  let best: { call: string; index: number; atNs: number } | undefined;
  for (const [call, samples] of Object.entries(report.logs ?? {})) {
    for (const [index, t] of samples) {
      if (t < 0.05 * total || t > 0.95 * total) continue;
      if (!best || Math.abs(t - target) < Math.abs(best.atNs - target)) best = { call, index, atNs: t };
    }
  }
  if (!best) {
    const counted = Object.entries(report.calls).filter(([, n]) => n > 0).map(([f, n]) => `${f} ${n}`).join(", ") || "none";
    throw new Error(
      `the program makes no counted call between 5% and 95% of its run (calls: ${counted}); ` +
        `give --migrate-call FUNC:N, or call ampom_validate_point() where it should migrate`,
    );
  }
  return best;
}

/** Refuses a program that starts threads: the real migration serves every thread's
 * faults but clocks one, and the simulation replays valgrind's serialised trace as one
 * process (native/validate/preload.c, pthread_create). And one that forks after the
 * migration point: its child could not reach the pages still at home (preload.c, fork). */
function oneProcessOneThread(r: LibraryReport, run: string): void {
  if (r.threadsStarted > 0) {
    throw new Error(`the program started ${r.threadsStarted} thread${r.threadsStarted === 1 ? "" : "s"} in ${run} (pinned to one CPU): the validation migrates and models a single thread, so a program with threads cannot be compared`);
  }
  if (r.forksAfterPoint > 0) {
    const times = r.forksAfterPoint === 1 ? "once" : `${r.forksAfterPoint} times`;
    throw new Error(`the program called fork() ${times} after the migration point in ${run}: a child cannot reach the pages still at home (the real migration serves one process); migrate it after its last fork (--migrate-call)`);
  }
}

function parseCall(spec: string): { call: string; index?: number } {
  const m = /^([A-Za-z_]\w*)(?::(\d+))?$/.exec(spec);
  if (!m || !COUNTED_CALLS.includes(m[1])) {
    throw new Error(`option --migrate-call: "${spec}" is not FUNC or FUNC:N with FUNC one of ${COUNTED_CALLS.join(", ")}`);
  }
  // past 2^53 the index is no exact number, and its text (1e+21) reads as 1 in the library
  const problem = m[2] === undefined ? undefined : wholeProblem(Number(m[2]), 1, Number.MAX_SAFE_INTEGER);
  if (problem !== undefined) throw new Error(`option --migrate-call: the call index: ${problem}, got ${m[2]}`);
  return { call: m[1], index: m[2] === undefined ? undefined : Number(m[2]) };
}

function scenarioFor(o: ValidateOptions, policy: string, extra: Partial<RunOptions>): Scenario {
  return resolveOptions({
    workload: "validation",
    mechanism: "lightweight",
    policy,
    network: o.network,
    bandwidth: o.bandwidth,
    latency: o.latency,
    background: o.background,
    policyParams: o.policyParams ?? {},
    core: o.core,
    // the home server sends on one FIFO stream (native/validate/home.c)
    link: "fifo",
    // the real run keeps no page of the moved ranges: code, stack and file-backed data
    // (what AMPoM's eager pages stand for) are not moved at all and are not in the view
    eagerPages: 0,
    baselines: false,
    ...extra,
  });
}

/** The simulation's figures, its stall as the real side's: the time after the freeze
 * beyond the program's own work. The real stall holds the handler's zero-fills (the
 * native run's page allocations are in its own work, whose time the simulation spends
 * as CPU time); the simulation counts a zero-fill as execution, not stall, so its
 * `zeroFillNs` charge for each is added. */
function figuresOf(m: Metrics, zeroFillNs: number): SideFigures {
  return {
    remoteFaults: m.remoteFaults,
    runtimeNs: m.runtimeNs,
    stallNs: m.stallNs + m.zeroFills * zeroFillNs,
    prefetchedPages: m.prefetchedPages,
    usefulPrefetches: m.usefulPrefetches,
    latePrefetches: m.latePrefetches,
    zeroFills: m.zeroFills,
    freezeNs: m.freezeNs,
  };
}

/** The longest --timeout, s: the capture's timer (20 times as long) must fit the 2^31-1 ms
 * a Node timer holds; a longer one fires at once, and the run read as timed out. */
export const MAX_TIMEOUT_S = 100_000;

/** What is wrong with a policy name, a timeout (s) or a CPU, or undefined: the one check
 * of each, which validate() and the command line's parsers both make, each naming the
 * option its own way (the command line as commander does, validate() by key and flag). */
export function policyProblem(name: string): string | undefined {
  return VALIDATED_POLICIES.includes(name) ? undefined : `"${name}" is not a policy the real handler runs: expected ${VALIDATED_POLICIES.join(", ")}, or both comma-separated`;
}

export function hostRetriesProblem(retries: number): string | undefined {
  return wholeProblem(retries, 0, MAX_HOST_RETRIES);
}

export function timeoutProblem(seconds: number): string | undefined {
  return seconds > 0 && seconds <= MAX_TIMEOUT_S ? undefined : `expected a number of seconds above 0 and at most ${MAX_TIMEOUT_S} (the capture gets 20 times as long)`;
}

/** the machine's CPUs, less any this process's affinity leaves out */
export function cpuProblem(cpu: number): string | undefined {
  const allowed = allowedCpus();
  return allowed.cpus.includes(cpu) ? undefined : `expected a CPU this process may run on: ${allowed.text}`;
}

/** `got`: the value as given, where the problem does not name it already. */
function refuse(name: string, flag: string, problem: string | undefined, got?: string): void {
  if (problem !== undefined) throw new Error(`option ${name} (${flag}): ${problem}${got === undefined ? "" : `, got ${got}`}`);
}

/** The counts, the timeout and the CPU, checked before anything runs: a native run takes
 * seconds, and a repeat or native-run count of 0 left nothing to take a median of. */
function checkNumbers(o: ValidateOptions): void {
  const atLeastOne = (v: number | undefined) => (v === undefined ? undefined : wholeProblem(v, 1));
  refuse("repeat", "--repeat", atLeastOne(o.repeat), String(o.repeat));
  refuse("nativeRuns", "--native-runs", atLeastOne(o.nativeRuns), String(o.nativeRuns));
  if (o.hostRetries !== undefined) refuse("hostRetries", "--host-retries", hostRetriesProblem(o.hostRetries), String(o.hostRetries));
  if (o.timeoutMs !== undefined) refuse("timeoutMs", "--timeout", timeoutProblem(o.timeoutMs / 1000), `${o.timeoutMs} ms`);
  const time = (ns: number | undefined) => (ns === undefined || (ns >= 0 && ns <= Number.MAX_SAFE_INTEGER) ? undefined : "expected a time of 0 or more");
  refuse("spikeCutNs", "--spike-cut", time(o.spikeCutNs), String(o.spikeCutNs));
  if (o.pinCpu !== undefined) refuse("pinCpu", "--pin-cpu", cpuProblem(o.pinCpu), String(o.pinCpu));
}

/** Runs the whole validation; throws with a one-line message on any failure. */
export async function validate(o: ValidateOptions): Promise<Validation> {
  const step = (what: string) => {
    // between two runs (a simulation does not look): stop here, as a run would
    if (o.signal?.aborted) throw new RunInterrupted("the validation", o.command[0]);
    o.onStep?.(what);
  };
  const wanted = o.policies?.length ? o.policies : ["none"];
  for (const p of wanted) refuse("policies", "--policy", policyProblem(p));
  if (!o.command.length) throw new Error("no program given: ampom validate [options] -- PROGRAM [ARGS...]");
  checkNumbers(o);
  const spec = o.migrateCall ? parseCall(o.migrateCall) : undefined;
  // a point as a percent ("50%") as the command line takes it; one out of range is named
  // as given, not as the number it was read as
  const migrateAt = typeof o.migrateAt === "string" ? readFraction(o.migrateAt) : o.migrateAt;
  const outside = migrateAt !== undefined && !(migrateAt >= 0 && migrateAt < 1);
  refuse("migrateAt", "--migrate-at", outside ? "must be at least 0 and below 1 (a share of the native run's time)" : undefined, shown(o.migrateAt));
  // a file there was refused only after the checks of the program and the machine, as
  // "already exists"
  if (o.keep !== undefined && statSync(o.keep, { throwIfNoEntry: false })?.isDirectory() === false) {
    throw new Error(`option keep (--keep): ${o.keep} is a file, not a folder to keep the runs in`);
  }
  // the network as the simulator resolves it (checks the options too)
  const base = scenarioFor(o, wanted[0], {});
  const exe = resolveProgram(o.command[0]);
  const parts: NativeParts = nativeParts();
  const uffd = userfaultfdAvailability();
  if (!uffd.ok) throw new Error(`a real migration cannot run here: ${uffd.reason}`);
  const argv = [exe, ...o.command.slice(1)];
  const timeout = o.timeoutMs ?? 600_000;
  // the last CPU this process may run on (the machine's last, unless its affinity is less)
  const cpu = o.pinCpu ?? allowedCpus().cpus.at(-1)!;
  const dir = o.keep ?? scratchFolder("validate");
  if (o.keep) mkdirSync(o.keep, { recursive: true });
  const report = (name: string) => join(dir, `${name}.json`);
  // every run, the capture's too, on the one CPU: a program that sizes its work by the
  // CPUs it may use (GNU sort's threads) then does the same work in each
  const env = (name: string, s: Omit<LibrarySettings, "cpu">) => libraryEnv(parts, exe, report(name), { ...s, cpu });
  const run = (what: string, s: Omit<LibrarySettings, "cpu">, name: string) => runProgram(argv, env(name, s), report(name), what, timeout, o.echo, o.signal);
  try {
    // 1. native runs: the migration point, then the program's own time
    let call: string;
    let index: number;
    if (spec?.index !== undefined) {
      call = spec.call;
      index = spec.index;
    } else {
      step("native run: choosing the migration point");
      const first = (await run("the native run", { mode: "native" }, "native-0")).report;
      if (spec) {
        const n = first.calls[spec.call] ?? 0;
        if (n === 0) throw new Error(`option --migrate-call: the program never calls ${spec.call}`);
        call = spec.call;
        index = Math.max(1, Math.round((migrateAt ?? 0.5) * n));
      } else {
        ({ call, index } = chooseMigrationCall(first, migrateAt ?? 0.5));
      }
    }
    const natives: LibraryReport[] = [];
    for (let i = 0; i < (o.nativeRuns ?? 3); i++) {
      step(`native run ${i + 1}: timing`);
      const r = (await run("the native run", { mode: "native", call, index }, `native-${i + 1}`)).report;
      if (!r.trigger?.fired) throw new Error(`the program calls ${call} only ${r.calls[call] ?? 0} times, never the ${ordinal(index)}: no migration point`);
      natives.push(r);
      oneProcessOneThread(r, "its native run");
    }
    const calls = natives[0].calls[call];
    for (const r of natives) {
      if (r.calls[call] !== calls) throw new Error(`the program called ${call} ${calls} times in one native run and ${r.calls[call]} in another: the call is no fixed migration point`);
    }
    const nativeAt = median(natives.map((r) => r.trigger!.atNs));
    const nativeRuntime = median(natives.map((r) => r.window.wallNs));
    // CPU time, not wall time: time the program waits (on a sleep, on I/O) is no work of
    // its own, and in the real run it overlaps its faults (ptx, when its output went to
    // the harness through a pipe: 17.7-19.0 ms of wall time after its migration point in
    // three native runs, 3.8-5.6 ms of CPU). The program's thread: the model runs one.
    const nativeCpu = median(natives.map((r) => r.window.cpuNs));
    const postCpus = natives.map((r) => r.window.cpuNs - r.trigger!.cpuNs);
    const postMigrationCpu = median(postCpus);
    const nativePost = { postMigrationCpuNs: postMigrationCpu, postMigrationCpuSpreadNs: Math.max(...postCpus) - Math.min(...postCpus) };

    // 2. the capture
    step("capture under valgrind (lackey)");
    const amt = join(dir, "trace.amt");
    const captured = await captureTrace(argv, env("capture", { mode: "capture", call, index }), amt, report("capture"), 20 * timeout, o.signal);
    const cap = captured.report;
    if (!cap.trigger?.fired) throw new Error(`under valgrind the program never made its ${ordinal(index)} ${call} call: no migration point in the trace`);
    if (cap.calls[call] !== calls) {
      throw new Error(`the program calls ${call} ${calls} times natively but ${cap.calls[call]} times under valgrind: the migration point cannot be aligned; choose another call with --migrate-call`);
    }
    oneProcessOneThread(cap, "its run under valgrind");
    const trace: ValidationTrace = validationTrace(amt, cap, `${o.command[0]} (captured)`);
    if (trace.postAccesses === 0) throw new Error("the trace shows no memory access after the migration point");
    const cpuNsPerAccess = postMigrationCpu / trace.postAccesses;

    // 3 and 4: per policy, real migrations and the simulation beside each
    const results: PolicyValidation[] = [];
    const repeat = o.repeat ?? 1;
    const retries = o.hostRetries ?? DEFAULT_HOST_RETRIES;
    const realRuntime = (r: LibraryReport) => r.window.wallNs - r.migration!.atNs - r.migration!.harnessNs;
    for (const policy of wanted) {
      const info = policies[policy];
      type Run = { r: LibraryReport; sim: Metrics; zeroFillNs: number } & HostProbe;
      /** one real run (the `k`-th try of the `i`-th) and its simulation */
      const attempt = async (i: number, k: number): Promise<Run> => {
        step(`real migration with ${policy}${repeat > 1 ? ` (${i + 1})` : ""}${k > 0 ? `, again: the host changed state under the last try` : ""}`);
        const settings: LibrarySettings = {
          mode: "migrate", call, index, policy,
          network: { ...base.network, background: base.background },
          policyParams: policyParamVector(info, o.policyParams ?? {}),
          historyLength: base.historyLength,
          spikeCutNs: o.spikeCutNs,
        };
        const r = (await run(`the real migration (${policy})`, settings, `migrate-${policy}-${i}${k > 0 ? `-try${k}` : ""}`)).report;
        if (!r.migration || !r.real || !r.calibration) throw new Error(`the real migration (${policy}) did not migrate`);
        const s = scenarioFor(o, policy, {
          cpuNsPerAccess,
          // the host's pages, as the trace recorded them (runScenario refuses others)
          pageSize: trace.workload.pageSize,
          migrateAtRecord: trace.migrateAtRecord,
          faultTrap: clamp(r.calibration.faultOverheadNs),
          // the native runs' CPU time holds a minor fault for each page a zero-fill serves
          zeroFill: zeroFillExcessNs(r.calibration),
          // each first use of a prefetched page is a userfault round trip here (the
          // handler maps held pages at their first use, to see it), where a kernel takes
          // a minor fault: the simulation of this run pays what this run pays
          firstUse: clamp(r.calibration.firstUseNs),
          // the handler's execution clock is the thread's whole CPU time, which holds the
          // kernel's share of each userfault (this kernel cannot split user from kernel
          // time): the simulation's clock counts the calibrated shares likewise
          faultTrapCpu: clamp(r.calibration.faultCpuNs, r.calibration.faultOverheadNs),
          firstUseCpu: clamp(r.calibration.firstUseCpuNs, r.calibration.firstUseNs),
        });
        step(`simulation with ${policy}`);
        const sim = await runScenario(s, trace.workload);
        return { r, sim, zeroFillNs: s.network.zeroFillNs, ...hostChange(r.calibration.minorFaultCpuNs, r.afterRun?.minorFaultCpuNs ?? 0) };
      };
      const drift = (q: LibraryReport) => faultCostDrift(q.real!, q.calibration!, nativePost);
      const figures = (q: Run): RunFigures => ({
        realRuntimeNs: realRuntime(q.r),
        realFaults: q.r.real!.remoteFaults,
        simulatedRuntimeNs: q.sim.runtimeNs,
        simulatedFaults: q.sim.remoteFaults,
        ...drift(q.r),
        hostProbe: q.hostProbe,
        hostChanged: q.hostChanged,
      });
      const runs: Run[] = [];
      const discarded: PolicyValidation["discarded"] = [];
      for (let i = 0; i < repeat; i++) {
        const tried = await untilHostHeld((k) => attempt(i, k), retries);
        runs.push(tried.kept);
        for (const d of tried.discarded) discarded.push({ ...figures(d), run: i + 1 });
      }
      const order = [...runs].sort((a, b) => realRuntime(a.r) - realRuntime(b.r));
      const median = order[Math.floor((order.length - 1) / 2)];
      const { r, sim, zeroFillNs } = median;
      const x = r.real!;
      const real = {
        remoteFaults: x.remoteFaults,
        runtimeNs: realRuntime(r),
        stallNs: realRuntime(r) - r.migration!.freezeNs - postMigrationCpu,
        prefetchedPages: x.prefetchedPages,
        usefulPrefetches: x.usefulPrefetches,
        latePrefetches: x.latePrefetches,
        zeroFills: x.zeroFills,
        freezeNs: r.migration!.freezeNs,
        firstUseFaults: x.firstUseFaults,
        lateLandings: x.lateLandings,
        harnessNs: r.migration!.harnessNs,
        homePages: r.migration!.homePages,
        offCpuNs: x.offCpuNs,
        execNs: x.execNs,
        demandEvents: x.demandEvents,
        refaults: x.refaults,
        spikesCut: x.spikesCut,
        resumeCpuNs: x.resumeCpuNs,
        freezeFaults: x.freezeFaults,
        remaps: x.remaps,
        ...drift(r),
        hostProbe: median.hostProbe,
        hostChanged: median.hostChanged,
      };
      const simulated = figuresOf(sim, zeroFillNs);
      results.push({
        policy,
        real,
        simulated,
        errorPercent: {
          remoteFaults: errorPercent(simulated.remoteFaults, real.remoteFaults),
          runtimeNs: errorPercent(simulated.runtimeNs, real.runtimeNs),
          stallNs: errorPercent(simulated.stallNs, real.stallNs),
          prefetchedPages: errorPercent(simulated.prefetchedPages, real.prefetchedPages),
        },
        calibration: { ...r.calibration!, zeroFillExcessNs: zeroFillNs },
        repeats: runs.map(figures),
        discarded,
      });
    }
    return {
      program: o.command[0],
      args: o.command.slice(1),
      network: { name: base.network.name, bandwidthBps: base.network.bandwidthBps, latencyNs: base.network.latencyNs, background: base.background },
      migration: { call, index, nativeAtNs: nativeAt, atFraction: Math.round((nativeAt / nativeRuntime) * 1000) / 1000 },
      native: { runs: natives.length, runtimeNs: nativeRuntime, cpuNs: nativeCpu, ...nativePost, cpuNsPerAccess },
      trace: {
        records: trace.records,
        keptRecords: trace.keptRecords,
        migrateAtRecord: trace.migrateAtRecord,
        postAccesses: trace.postAccesses,
        homePages: trace.homePages,
        pagesAfter: trace.pagesAfter,
      },
      pinnedCpu: cpu,
      spikeCutNs: o.spikeCutNs ?? 0,
      results,
    };
  } finally {
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  }
}
