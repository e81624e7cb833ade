// `ampom validate [options] -- PROGRAM [ARGS...]`: a real lightweight migration of
// PROGRAM on this machine (userfaultfd, root) beside the simulator's run of its trace.
import { Command, InvalidArgumentError, Option } from "commander";
import { formatNs, ordinal, parseDuration } from "../../util/units.js";
import { resultProvenance } from "../../util/provenance.js";
import {
  validate, cpuProblem, hostRetriesProblem, policyProblem, timeoutProblem, COUNTED_CALLS, DEFAULT_HOST_RETRIES, MAX_HOST_RETRIES,
  type PolicyValidation, type RunFigures, type Validation, type ValidateOptions,
} from "../../validate/validate.js";
import { awayShare, RunInterrupted, type Interruptions } from "../../validate/runner.js";
import { table } from "../format.js";
import { collectParam, commaList, outOfRange, parseCount, fractionOption, parseNumber, parsePositiveCount, parseQuantityArg, rateOption, timeOption } from "../run-options.js";
import { writeResult } from "../../util/stdout.js";
import { exitInterrupted, STOP_SIGNALS } from "../ending.js";

function side(v: PolicyValidation): string {
  const e = v.errorPercent;
  const pctText = (x: number | null) => (x === null ? "-" : `${x > 0 ? "+" : ""}${x.toFixed(1)}%`);
  const rows = [
    ["remote faults", String(v.real.remoteFaults), String(v.simulated.remoteFaults), pctText(e.remoteFaults)],
    ["runtime (from the migration)", formatNs(v.real.runtimeNs), formatNs(v.simulated.runtimeNs), pctText(e.runtimeNs)],
    ["stall", formatNs(v.real.stallNs), formatNs(v.simulated.stallNs), pctText(e.stallNs)],
    ["prefetched pages", String(v.real.prefetchedPages), String(v.simulated.prefetchedPages), pctText(e.prefetchedPages)],
    ["useful / late prefetches", `${v.real.usefulPrefetches} / ${v.real.latePrefetches}`, `${v.simulated.usefulPrefetches} / ${v.simulated.latePrefetches}`, ""],
    ["freeze", formatNs(v.real.freezeNs), formatNs(v.simulated.freezeNs), ""],
    ["zero-fills", String(v.real.zeroFills), String(v.simulated.zeroFills), ""],
  ];
  const c = v.calibration;
  const minor = `a minor fault ${formatNs(c.minorFaultNs)}, so ${formatNs(c.zeroFillExcessNs)} charged a zero-fill in the simulation`;
  return [
    `policy ${v.policy}`,
    table(["", "real", "simulated", "error"], rows),
    `  real run: ${v.real.homePages} pages at home, ${v.real.lateLandings} ${v.real.lateLandings === 1 ? "reply" : "replies"} later than the modelled arrival, ${v.real.firstUseFaults} first-use faults; ` +
      `set-up ${formatNs(v.real.harnessNs)} (not counted)`,
    `  calibration: ${formatNs(c.faultOverheadNs)} a remote fault beyond the network, ${formatNs(c.zeroFillNs)} a zero-fill (${minor}), ${formatNs(c.firstUseNs)} a first use`,
    ...interruptionLines(v.policy, c.interruptions),
    ...runLines(v),
    ...(v.real.calibrationDisturbed
      ? [`  note: the run shown was disturbed (a userfault ${signedNs(v.real.faultCostDriftNs!)} beyond its calibrated cost): its errors above hold that change of the host's, not the model's alone`]
      : []),
    ...(v.real.spikesCut ? [`  spike cut: ${v.real.spikesCut} spans left out of ampom's execution clock`] : []),
    ...(v.real.remaps
      ? [`  note: the program moved migrated memory ${v.real.remaps} ${v.real.remaps === 1 ? "time" : "times"} (mremap, as realloc does for a large block); the real run followed it, the simulation sees it as memory the process did not have at the migration point, so their faults there differ`]
      : []),
  ].join("\n");
}

/** A signed time: formatNs prints none below 0. */
const signedNs = (ns: number) => `${ns < 0 ? "-" : "+"}${formatNs(Math.abs(ns))}`;

/** Each real run beside its own simulation, how far its userfaults cost beyond what its
 * calibration measured, and its host-state probe: a run marked disturbed ran at another
 * cost than its simulation was given, and its error is in good part the host's; a run
 * whose host changed state was run again, and is listed, set aside, before the try kept
 * (docs/validation.md). */
function runLines(v: PolicyValidation): string[] {
  const line = (q: RunFigures, label: string) => {
    const drift =
      q.faultCostDriftNs === null
        ? v.real.spikesCut
          ? "the spike cut took spans off its clock, and with them what a fault's cost is read from"
          : "no demand events to read a fault's cost from"
        : `a userfault ${signedNs(q.faultCostDriftNs)} beyond its calibrated cost (limit ${formatNs(q.faultCostDriftLimitNs!)})` +
          (q.calibrationDisturbed ? ": DISTURBED, the cost changed after its calibration" : "");
    const p = q.hostProbe;
    const probe = p.beforeNs > 0 && p.afterNs > 0 ? `a minor fault ${formatNs(p.beforeNs)} before, ${formatNs(p.afterNs)} after` : "the host probe could not be taken";
    const host = q.hostChanged ? `; HOST CHANGED (${probe})` : `; ${probe}`;
    return `    ${label}: faults ${q.realFaults} real / ${q.simulatedFaults} simulated, runtime ${formatNs(q.realRuntimeNs)} / ${formatNs(q.simulatedRuntimeNs)}; ${drift}${host}`;
  };
  const lines = v.repeats.flatMap((q, i) => [
    ...v.discarded.filter((d) => d.run === i + 1).map((d) => line(d, `${i + 1}, set aside`)),
    line(q, q.hostChanged ? `${i + 1}, kept (no try left)` : String(i + 1)),
  ]);
  const disturbed = v.repeats.filter((q) => q.calibrationDisturbed).length;
  const changed = v.repeats.filter((q) => q.hostChanged).length;
  const notes = [
    ...(disturbed ? [`${disturbed} disturbed`] : []),
    ...(v.discarded.length ? [`${v.discarded.length} set aside and run again, the host having changed state under them`] : []),
    ...(changed ? [`${changed} kept with the host changed`] : []),
  ];
  return [`  real runs, each against its own simulation (the median by runtime above)${notes.map((n) => `, ${n}`).join("")}:`, ...lines];
}

/** Share of its time the CPU may be away before `ampom`'s real runs are warned of it. */
const AWAY_WARN = 0.01;

/** What the calibration's spin saw of the CPU's interruptions: on a virtual machine whose
 * host takes the CPU away, time charged to whatever thread runs, and so to the execution
 * clock `ampom`'s paging rate is measured on (docs/validation.md). */
function interruptionLines(policy: string, i: Interruptions): string[] {
  const over = `over ${formatNs(i.gapNs)}`;
  if (i.count === 0) return [`  interruptions: none ${over} in a ${formatNs(i.spinNs)} spin`];
  const away = awayShare(i);
  const mean = formatNs(i.totalNs / i.count);
  const charged = ((i.spinCpuNs / i.spinNs) * 100).toFixed(1);
  return [
    `  interruptions: ${i.count} ${over} (${mean} on average, the longest ${formatNs(i.longestNs)}): the CPU was away ${(away * 100).toFixed(1)}% of a ${formatNs(i.spinNs)} spin; the thread's CPU clock counted ${charged}% of the spin`,
    ...(policy === "ampom" && away >= AWAY_WARN
      ? [`  note: where the program's work between faults and a userfault's CPU share are short against these interruptions (${mean} on average), they fill ampom's real execution clock beyond the simulated one and its real faults read high (docs/validation.md; --spike-cut takes the interruptions out)`]
      : []),
  ];
}

function describe(v: Validation): string {
  const head = [
    `${[v.program, ...v.args].join(" ")} on ${v.network.name}: migration at the ${ordinal(v.migration.index)} call of ${v.migration.call}() ` +
      `(${(v.migration.atFraction * 100).toFixed(0)}% into the native run), CPU ${v.pinnedCpu}`,
    `native: ${formatNs(v.native.runtimeNs)} (${formatNs(v.native.cpuNs)} of CPU), ${formatNs(v.native.postMigrationCpuNs)} of CPU after the migration point over ` +
      `${v.trace.postAccesses} accesses = ${v.native.cpuNsPerAccess.toFixed(3)} ns an access`,
    `trace: ${v.trace.records} records, ${v.trace.keptRecords} of migrated pages; ${v.trace.homePages} pages at home, ${v.trace.pagesAfter} touched after`,
    ...(v.spikeCutNs ? [`spike cut (a diagnostic): the real runs' execution clock leaves out what a span between faults takes beyond a fault's CPU share once that passes ${formatNs(v.spikeCutNs)}`] : []),
  ];
  return [...head, "", ...v.results.map(side)].join("\n");
}

// The options' parsers: each value is checked as the command line is read, before the
// program runs (a native run takes seconds; --repeat 0 ran them all, then failed on a median
// of nothing), by the library's own check of it. A value that cannot be read exits 2, one
// out of range 1, as elsewhere.

/** none, ampom, or both: an empty list was read as none. */
function parsePolicies(value: string): string[] {
  const names = commaList(value);
  const problem = names.map(policyProblem).find((p) => p !== undefined);
  if (problem !== undefined) throw outOfRange(`${problem}.`);
  return names;
}

/** Seconds (a negative one was blamed on the program). */
function parseTimeout(value: string): number {
  const s = parseNumber(value);
  const problem = timeoutProblem(s);
  if (problem !== undefined) throw outOfRange(`${problem}, e.g. 600.`);
  return s;
}

/** A number refused by the library's own check of it, `problem`: one that is no number at
 * all is refused as such (exit 2); -1 or 1.5 are read, and the check names the range. */
function checkedWhole(value: string, example: string, problem: (n: number) => string | undefined, suffix: string): number {
  let n: number;
  try {
    n = parseCount(value, example);
  } catch (err) {
    if ((err as InvalidArgumentError).exitCode === 2) throw err;
    n = Number(value);
  }
  const wrong = problem(n);
  if (wrong !== undefined) throw outOfRange(`${wrong}${suffix}.`);
  return n;
}

/** A CPU this process may run on (-1 ran unpinned and reported CPU -1; one past the
 * machine's failed in the native run). */
const parseCpu = (value: string): number => checkedWhole(value, "0", cpuProblem, "");

/** Tries again per real run whose host changed state under it. */
const parseHostRetries = (value: string): number => checkedWhole(value, String(DEFAULT_HOST_RETRIES), hostRetriesProblem, `, e.g. ${DEFAULT_HOST_RETRIES}`);

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("migrate a real program on this machine (userfaultfd, as root) and set the simulator's run of its trace beside it")
    .argument("<program...>", "the program and its arguments (after --)")
    .addOption(new Option("-p, --policy <names>", "prefetch policy run by the real handler: none, ampom, or both comma-separated").argParser(parsePolicies).default(["none"], '"none"'))
    .option("-n, --network <preset>", "network preset", "gige-2008")
    .option("--bandwidth <rate>", "link bandwidth override (e.g. 1Gbps)", rateOption)
    .option("--latency <time>", "one-way link latency override (e.g. 50us)", timeOption)
    .option("--background <u>", "background link utilisation, 0 to below 1", fractionOption, 0)
    .option("--param <name=value>", "policy parameter (repeatable)", collectParam)
    .option("--migrate-call <func[:n]>", `migrate at the n-th call of func (one of ${COUNTED_CALLS.join(", ")}); default: the counted call nearest --migrate-at of the run`)
    .option("--migrate-at <f>", "where the automatic migration point aims, as a fraction of the native run's time", fractionOption, 0.5)
    .option("--repeat <n>", "real migrations per policy (the median by runtime is shown)", (v: string) => parsePositiveCount(v, "3"), 1)
    .option("--native-runs <n>", "native runs timed (the median is used)", (v: string) => parsePositiveCount(v, "3"), 3)
    .option(
      "--host-retries <n>",
      `times a real run is run again when the host changed state while it ran (a minor fault's cost before and after it; 0 to ${MAX_HOST_RETRIES}; docs/validation.md)`,
      parseHostRetries,
      DEFAULT_HOST_RETRIES,
    )
    .option("--pin-cpu <n>", "CPU the program, its fault handler and the home server are pinned to (default: the last)", parseCpu)
    .option("--spike-cut <time>", "diagnostic: leave out of ampom's execution clock in the real run each span between faults that exceeds a fault's CPU share by more than this (e.g. 10us); only for programs that work less than that between faults (docs/validation.md)", (v: string) => parseQuantityArg(parseDuration, v, "expected a number with an optional unit, e.g. 10us."))
    .option("--timeout <seconds>", "per run of the program (the capture gets 20 times as long)", parseTimeout, 600)
    .option("--keep <dir>", "keep the trace and the runs' reports in this directory")
    .option("--show-output", "pass the program's own output to standard error (after each run)")
    .option("-q, --quiet", "no progress lines on standard error")
    .option("--json", "print the validation as JSON (one object per policy, an array for several)")
    .addHelpText(
      "after",
      `
Runs PROGRAM natively (timing it), under valgrind (its trace), then migrates it for real:
at the migration point its private anonymous memory goes to a home server, is dropped
and registered with userfaultfd, and every later touch is served from home after the
delay the network model gives. The simulator replays the trace with the same network,
policy and migration point. Needs root (userfaultfd) and the native parts (npm run build).

Examples:
  ampom validate --migrate-call clock_gettime:2 -- build/native/programs/sequential 8 3
  ampom validate --policy none,ampom --json --migrate-call clock_gettime:2 -- build/native/programs/random 8 3
  ampom validate --migrate-call malloc:10 -- ./myprogram input.txt`,
    )
    .action(async (command: string[], o) => {
      const options: ValidateOptions = {
        command,
        policies: o.policy,
        network: o.network,
        bandwidth: o.bandwidth,
        latency: o.latency,
        background: o.background,
        policyParams: o.param,
        migrateCall: o.migrateCall,
        migrateAt: o.migrateAt,
        repeat: o.repeat,
        nativeRuns: o.nativeRuns,
        pinCpu: o.pinCpu,
        hostRetries: o.hostRetries,
        spikeCutNs: o.spikeCut,
        timeoutMs: o.timeout * 1000,
      };
      // Ctrl-C or a kill: the program running now is stopped (it runs in a process group
      // of its own, which the terminal's signal does not reach) and the scratch folder
      // removed before the command ends, with 128 + the signal's number
      const stop = new AbortController();
      let signalled: NodeJS.Signals | undefined;
      const interrupted = (sig: NodeJS.Signals) => {
        signalled ??= sig;
        stop.abort();
      };
      for (const signal of STOP_SIGNALS) process.once(signal, interrupted);
      let v: Validation;
      try {
        v = await validate({
          ...options,
          keep: o.keep,
          echo: o.showOutput,
          onStep: o.quiet || !process.stderr.isTTY ? undefined : (what) => process.stderr.write(`ampom validate: ${what}\n`),
          signal: stop.signal,
        });
      } catch (err) {
        if (!(err instanceof RunInterrupted)) throw err;
        exitInterrupted(signalled ?? "SIGINT", `interrupted: ${err.message}; nothing was written`);
      } finally {
        for (const signal of STOP_SIGNALS) process.off(signal, interrupted);
      }
      if (o.json) {
        const provenance = resultProvenance(options, "wasm");
        const one = (r: PolicyValidation) => ({ ...v, results: undefined, ...r, provenance });
        const out = v.results.length === 1 ? one(v.results[0]) : v.results.map(one);
        writeResult(JSON.stringify(out) + "\n");
      } else {
        writeResult(describe(v) + "\n");
      }
    });
}
