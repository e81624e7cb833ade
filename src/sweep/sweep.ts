// `sweep()`: runs every combination of a sweep config (or one shard of it) on a pool
// of worker threads, appending each finished run to the results file, and skipping
// what that file already holds.
//
// Determinism: lines are appended in completion order while the sweep runs (that is
// what makes it crash-safe), and carry their grid index; when every run of the sweep
// or shard has a line, the file is rewritten atomically in grid order, each run's latest
// line copied from where it was noted to lie (a sweep keeps a few bytes a run, not its
// records, which for a sweep of 200,000 runs took a gigabyte). So a finished
// file's bytes depend only on the config and the shard, never on the worker count,
// scheduling or interruptions; and shard files merge into the very bytes of a
// one-machine sweep.
import { availableParallelism } from "node:os";
import { lockFor, outputTarget, removeStaleTemporaries } from "../util/atomic-file.js";
import { refuseInputs, type CommandInput } from "../util/same-file.js";
import { checkPolicyModules, loadSweepConfig, planSweep, type SweepConfig, type SweepPlan } from "./config.js";
import { runKey, scenarioFiles } from "./key.js";
import { OnceDigests, type DigestSource } from "../util/digest.js";
import { runPool, type PoolResult, type PoolRun, type PoolTasks } from "./pool.js";
import { resolveOptions, unknownKeys } from "../sim/options.js";
import { workloadKey } from "../sim/simulate.js";
import { cutTornTail, RecordPlaces, ResultAppender, scanResults, type RunRecord, type Spelling } from "./results.js";
import { BuildCount } from "./builds.js";
import { checkShard, describeShard, ShardRuns, type Shard } from "./shard.js";
import { provenance } from "../util/provenance.js";
import { wholeProblem } from "../util/params.js";
import { labelThrows, shown } from "../util/errors.js";
import { plural } from "../util/text.js";

export interface SweepOptions {
  /** path of a JSON config file, or the config itself */
  config: string | SweepConfig;
  /** results file (JSON lines) */
  out: string;
  /** worker threads; default os.availableParallelism() */
  workers?: number;
  /** run only shard `index` of `count` */
  shard?: Shard;
  /** run again the runs the results file records as failed */
  retryFailed?: boolean;
  /** resume a results file whose runs, with those run now, would come from more than one
   * build of ampom (version, commit, Node version: builds.ts); refused otherwise */
  mixedBuilds?: boolean;
  /** called once before the first run, then after each */
  onProgress?: (p: SweepProgress) => void;
  /** stops the sweep when it aborts: the runs in progress are dropped, the finished ones
   * stay in the results file (the same call resumes), the lock goes, and sweep() rejects
   * with an AbortError that says so (the signal's reason its cause) */
  signal?: AbortSignal;
}

export interface SweepProgress {
  /** runs in this sweep or shard */
  total: number;
  /** runs the results file already held when the sweep started */
  skipped: number;
  /** runs to compute in this invocation */
  pending: number;
  /** of those, finished so far (failed included) */
  finished: number;
  failed: number;
}

export interface SweepSummary {
  out: string;
  shard: string;
  total: number;
  skipped: number;
  ran: number;
  /** runs whose latest record is an error (this time or earlier) */
  failed: number;
  /** failed records that were kept because retryFailed was not set */
  failedKept: number;
  /** of the runs run now, those whose record was made with an earlier version of their
   * policy module or trace file (run again: the key covers the file's contents) */
  moduleEdited: number;
}

/** Most runs a worker takes at once (runs of one workload, side by side). */
export const SWEEP_BATCH = 16;

/** The runs as worker tasks: runs of one workload together in batches, which a worker
 * runs side by side over one record stream (one decode or generator pass for the
 * batch), of at most SWEEP_BATCH runs and at most an even share of the workload's runs
 * among the workers, so that a sweep of one workload still keeps every worker busy.
 * Which runs share a batch changes no result (runScenarios gives exactly the metrics of
 * each run alone). A run whose options fail comes first, alone (the worker reports what
 * is wrong with it). `runAt(i)` is run i of `count`, `include(i)` whether to run it
 * (asked once, before the first task is taken). The tasks are made as the pool takes
 * them, from a list of each workload's runs kept as links (4 bytes a run), not as the
 * runs. */
export function batchRuns(count: number, runAt: (i: number) => PoolRun, workers: number, include: (i: number) => boolean = () => true): PoolTasks {
  interface Group {
    first: number;
    last: number;
    length: number;
    /** runs a batch of it takes */
    size: number;
  }
  const after = new Int32Array(count).fill(-1);
  const failing: Group = { first: -1, last: -1, length: 0, size: 1 };
  const groups = new Map<string, Group>();
  let runs = 0;
  for (let i = 0; i < count; i++) {
    if (!include(i)) continue;
    const r = runAt(i);
    runs++;
    let g: Group;
    try {
      const key = workloadKey(resolveOptions(r.options));
      const known = groups.get(key);
      if (known) g = known;
      else groups.set(key, (g = { first: -1, last: -1, length: 0, size: 0 }));
    } catch {
      g = failing;
    }
    if (g.last < 0) g.first = i;
    else after[g.last] = i;
    g.last = i;
    g.length++;
  }
  const lists = [failing, ...groups.values()];
  let tasks = failing.length;
  for (const g of groups.values()) {
    g.size = Math.max(1, Math.min(SWEEP_BATCH, Math.ceil(g.length / workers)));
    tasks += Math.ceil(g.length / g.size);
  }
  let list = 0;
  let at = failing.first;
  return {
    count: tasks,
    runs,
    next() {
      while (at < 0 && ++list < lists.length) at = lists[list].first;
      if (at < 0) return undefined;
      const batch: PoolRun[] = [];
      for (; at >= 0 && batch.length < lists[list].size; at = after[at]) batch.push(runAt(at));
      return batch.length === 1 ? batch[0] : { batch };
    },
  };
}

export function planFrom(config: string | SweepConfig): SweepPlan {
  return typeof config === "string" ? loadSweepConfig(config) : planSweep(config, "sweep config");
}

/** planFrom, and the policy modules loaded and checked: everything refused before any run. */
export async function checkedPlan(config: string | SweepConfig): Promise<SweepPlan> {
  const plan = planFrom(config);
  await checkPolicyModules(plan);
  return plan;
}

/** The run of this sweep that `record` is an earlier result of under another key (`find`
 * gives the position of a run of this sweep by its key): its options give this run's
 * key now. That happens when its policy module or trace file was edited since (`edited`:
 * the record is of other contents), or when it was keyed by a version that kept
 * parameters given at their defaults in the key (the same run). */
export function rekeyedRun(record: RunRecord, find: (key: string) => number | undefined, digests: DigestSource): { position: number; edited: boolean } | undefined {
  let scenario;
  let key;
  try {
    scenario = resolveOptions(record.options);
    key = runKey(scenario, digests);
  } catch {
    return undefined;
  }
  const position = find(key);
  // the files a run names are in its options: the record's are this run's
  return position === undefined ? undefined : { position, edited: scenarioFiles(scenario).length > 0 };
}

/** The files a sweep reads: its config (given as a path), and its runs' traces and
 * policy modules. */
export function planInputs(config: string | SweepConfig, plan: SweepPlan): CommandInput[] {
  return typeof config === "string" ? [["the sweep config", config], ...plan.files.filter(([, file]) => file !== config)] : plan.files;
}

/** What sweep() takes: anything else (a misspelt `retryFailed`, a `dryRun` it does not
 * have) is refused, not run as if it were not there. */
const SWEEP_OPTIONS = Object.keys({ config: 1, out: 1, workers: 1, shard: 1, retryFailed: 1, mixedBuilds: 1, onProgress: 1, signal: 1 } satisfies Record<keyof SweepOptions, 1>);

/** Refuses a worker count that is not a whole number of at least 1 (sweep(), evaluate()). */
export function checkWorkers(workers: unknown): void {
  const problem = wholeProblem(workers, 1);
  if (problem !== undefined) throw new Error(`option workers: ${problem}, got ${shown(workers)}`);
}

export async function sweep(o: SweepOptions): Promise<SweepSummary> {
  const unknown = Object.keys(o).filter((k) => !SWEEP_OPTIONS.includes(k));
  if (unknown.length > 0) throw new Error(`${unknownKeys("option", unknown)} (sweep() takes: ${SWEEP_OPTIONS.join(", ")})`);
  if (typeof o.out !== "string" || o.out === "") throw new Error(`option out: the results file to write (a path) is required, got ${shown(o.out)}`);
  const workers = o.workers ?? availableParallelism();
  checkWorkers(workers);
  if (o.shard !== undefined) {
    if (typeof o.shard !== "object" || o.shard === null) throw new Error(`option shard: expected { index, count } (parseShard("1/2") makes one), got ${shown(o.shard)}`);
    checkShard(o.shard.index, o.shard.count, "option shard");
  }
  checkSignal(o.signal);
  if (o.signal?.aborted) throw abortError(o.out, 0, 0, o.signal);
  const plan = await checkedPlan(o.config);
  refuseInputs(`results file ${o.out}`, o.out, planInputs(o.config, plan), "the results");
  // through a link, the file it names: two sweeps on one file meet at one lock
  const target = outputTarget(o.out);
  if (target.special) throw new Error(`results file ${o.out}: is a device, a pipe or a socket; a sweep reads its results back to resume, so give a file`);
  const unlock = lockFor(target.path, `results file ${o.out}`);
  try {
    return await sweepLocked(o, plan, workers, target.path);
  } finally {
    unlock();
  }
}

/** sweep(), its options checked and its results file locked (`file`: where o.out lands,
 * through any link). */
async function sweepLocked(o: SweepOptions, plan: SweepPlan, workers: number, file: string): Promise<SweepSummary> {
  // the runs of this sweep or shard are numbered 0..total-1 (positions) in grid order
  const runs = new ShardRuns(plan.size, o.shard);
  const find = (key: string) => runs.position(plan.indexOf(key));
  const spelling = (position: number): Spelling => plan.spelling(runs.index(position));

  // what the results file already holds: the latest record of each run wins, kept as
  // where it lies in the file (its record is read again at the end)
  const latest = new RecordPlaces(runs.count);
  /** runs whose record was made with an earlier version of their files */
  const edited = new Set<number>();
  // the module and trace files' digests, read once however many old records name them
  const digests = new OnceDigests();
  // the build that made each run's latest record
  const builds = new BuildCount();
  const buildOfRun = new Uint32Array(runs.count);
  // a record of another config is said once the whole file is read: a line that is no
  // result line, or a last line that is not one cut short, is said first
  let foreign: Error | undefined;
  const existing = scanResults(o.out, ({ record, file, line }, at) => {
    if (foreign) return;
    let position = find(record.key);
    if (position === undefined) {
      const current = rekeyedRun(record, find, digests);
      // a result of the module or trace as it was: dropped when the file is rewritten
      if (current?.edited) {
        edited.add(current.position);
        return;
      }
      position = current?.position;
    }
    if (position === undefined) {
      foreign = new Error(
        `${file}:${line}: run ${record.key} is not part of ${plan.label} (${describeShard(o.shard)}); was this file written for another config or shard, or by a version of ampom with other defaults? Use another --out file`,
      );
      return;
    }
    // a run has one result (a failure may precede it): two that differ mean an edited
    // file (the earlier one is read again, which only such a file asks)
    if (latest.held(position) && !latest.failed(position) && record.error === undefined && JSON.stringify(latest.readRecord(position, [o.out]).metrics) !== JSON.stringify(record.metrics)) {
      foreign = new Error(
        `${file}:${line}: run ${record.key} has a result at line ${latest.place(position).line} too, with other figures; a sweep writes one result a run, so the file was edited or joined from others: keep one of the two lines, or use another --out file`,
      );
      return;
    }
    buildOfRun[position] = builds.idOf(record, `${file}:${line}`);
    // written as this config spells the run when the file is rewritten
    latest.set(position, { source: 0, offset: at.offset, length: at.bytes.length, line }, record, spelling(position), at.bytes);
  });
  if (foreign) throw foreign;
  const isPending = (p: number) => !latest.held(p) || (latest.failed(p) && o.retryFailed === true);
  /** how many of this sweep's runs `test` holds for */
  const countRuns = (test: (p: number) => boolean) => {
    let n = 0;
    for (let p = 0; p < runs.count; p++) if (test(p)) n++;
    return n;
  };
  const skippedFailed = countRuns((p) => latest.failed(p));
  const pendingCount = countRuns(isPending);
  if (o.mixedBuilds !== true) {
    // the builds the finished file would hold runs of: the kept runs' and this one's
    const kept: number[] = [];
    for (let p = 0; p < runs.count; p++) if (!isPending(p)) kept[buildOfRun[p]] = (kept[buildOfRun[p]] ?? 0) + 1;
    const mix = builds.mix(kept, pendingCount);
    if (mix) throw new Error(`results file ${o.out} would hold runs of ${mix}; each line is true to its build, the file to neither. Give another --out file, or --mixed-builds (sweep(): mixedBuilds: true) to keep them together`);
  }
  const moduleEdited = [...edited].filter(isPending).length;

  const onProgress = labelThrows("sweep: onProgress", o.onProgress);
  const progress: SweepProgress = { total: runs.count, skipped: runs.count - pendingCount, pending: pendingCount, finished: 0, failed: 0 };
  onProgress?.({ ...progress });
  cutTornTail(o.out, existing);
  // a sweep killed while rewriting its file leaves a hidden temporary beside it (the
  // results file itself is intact)
  removeStaleTemporaries(file);

  const appender = new ResultAppender(o.out);
  let lines = existing.lines;
  const tool = provenance();
  try {
    await runPool(
      batchRuns(runs.count, spelling, workers, isPending),
      workers,
      (res: PoolResult) => {
        const position = runs.position(res.index)!;
        const run = plan.run(res.index);
        const provenance = { ...tool, core: run.scenario.core, ...run.inputs };
        const record: RunRecord =
          res.error !== undefined
            ? { index: run.index, key: run.key, options: run.options, error: res.error, provenance }
            : { index: run.index, key: run.key, options: run.options, metrics: res.metrics, provenance };
        const at = appender.append(record);
        latest.set(position, { source: 0, ...at, line: ++lines }, record, run);
        progress.finished++;
        if (res.error !== undefined) progress.failed++;
        onProgress?.({ ...progress });
      },
      undefined,
      o.signal && { signal: o.signal, stopped: () => abortError(o.out, progress.finished, progress.skipped, o.signal!) },
    );
  } finally {
    appender.close();
  }

  // every run has a record now: put them in grid order, atomically
  latest.writeInOrder(o.out, [o.out], spelling);
  const failed = countRuns((p) => latest.failed(p));
  return {
    out: o.out,
    shard: describeShard(o.shard),
    total: runs.count,
    skipped: progress.skipped,
    ran: pendingCount,
    failed,
    failedKept: o.retryFailed ? 0 : skippedFailed,
    moduleEdited,
  };
}

/** Refuses an option `signal` that is not an AbortSignal (sweep(), evaluate()). */
export function checkSignal(signal: unknown): void {
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new Error(`option signal: expected an AbortSignal (new AbortController().signal), got ${shown(signal)}`);
}

/** What an aborted sweep rejects with. */
function abortError(out: string, finished: number, before: number, signal: AbortSignal): Error {
  const kept = finished + before;
  return abortedError(
    `sweep: aborted; ${kept === 0 ? `no run had finished, so ${out} holds none` : `${plural(kept, "run")} ${kept === 1 ? "is" : "are"} in ${out} (${finished} of them run now)`}; the same call resumes`,
    signal,
  );
}

/** An AbortError saying `message`, the signal's reason its cause (sweep(), evaluate()). */
export function abortedError(message: string, signal: AbortSignal): Error {
  const err = new Error(message, { cause: signal.reason });
  err.name = "AbortError";
  return err;
}
