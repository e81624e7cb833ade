// A pool of worker threads that runs sweep tasks and hands each run's result to the
// caller as it arrives (in completion order; the caller restores grid order). A task is
// one run or a batch of runs (one result each). A worker that dies (an uncaught error,
// out of memory, a policy module's process.exit) is replaced; the runs of its task that
// had no result yet go again, each alone in a fresh thread, so that only a run that ends
// a thread by itself fails, whichever runs the batching (which follows the worker count)
// or the order put beside it.
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Metrics } from "../sim/metrics.js";
import type { RunOptions } from "../sim/options.js";
import { errorMessage } from "../util/errors.js";
import { isPolicyPath } from "../policies/module.js";

export interface PoolRun {
  index: number;
  key: string;
  options: RunOptions;
}

/** One run, or runs a worker does together (on one workload, side by side). */
export type PoolTask = PoolRun | { batch: PoolRun[] };

/** Tasks made as the pool takes them: `count` of them, holding `runs` runs in all. */
export interface PoolTasks {
  count: number;
  runs: number;
  /** the next task, or undefined when all have been taken */
  next(): PoolTask | undefined;
}

function listed(tasks: PoolTask[]): PoolTasks {
  let at = 0;
  return { count: tasks.length, runs: tasks.reduce((n, t) => n + runsOf(t).length, 0), next: () => tasks[at++] };
}

export function runsOf(task: PoolTask): PoolRun[] {
  return "batch" in task ? task.batch : [task];
}

export type PoolResult =
  | { index: number; key: string; metrics: Metrics; error?: undefined }
  | { index: number; key: string; error: string; metrics?: undefined };

// dist/sweep/worker.js when built; src/sweep/worker.ts when the sources run under tsx
const here = fileURLToPath(import.meta.url);
const workerFile = fileURLToPath(new URL(here.endsWith(".ts") ? "./worker.ts" : "./worker.js", import.meta.url));

/** A worker on the built file; or, when the sources run under tsx (tests, `node
 * --import tsx src/cli/main.ts`), a worker that registers tsx first, since Node 20
 * does not apply the parent's loader hooks to a worker's entry file. */
function newWorker(file: string): Worker {
  const execArgv = process.execArgv.filter((a) => !a.startsWith("--inspect"));
  if (!file.endsWith(".ts")) return new Worker(file, { execArgv });
  const tsx = import.meta.resolve("tsx/esm/api");
  const entry = pathToFileURL(file).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, execArgv });
}

/** " (policy module PATH)" for a run whose policy is not a built-in: the likely culprit
 * when its thread dies. */
function moduleOf(run: PoolRun): string {
  const p = run.options.policy;
  return typeof p === "string" && isPolicyPath(p) ? ` (policy module ${p})` : "";
}

/** Runs `tasks` on `size` threads of `file` (the sweep worker unless a test says
 * otherwise), calling onResult once per run. `stop`, when it aborts, ends the threads
 * with their runs unfinished, and the pool rejects with `stopped()`. */
export async function runPool(
  tasks: PoolTask[] | PoolTasks,
  size: number,
  onResult: (r: PoolResult) => void,
  file = workerFile,
  stop?: { signal: AbortSignal; stopped: () => Error },
): Promise<void> {
  const source = Array.isArray(tasks) ? listed(tasks) : tasks;
  if (source.count === 0) return;
  // runs lost with a thread go again first, then the tasks not yet taken
  const again: PoolTask[] = [];
  let untaken = source.count;
  const take = (): PoolTask | undefined => {
    if (again.length > 0) return again.shift();
    if (untaken === 0) return undefined;
    untaken--;
    return source.next();
  };
  const count = Math.max(1, Math.min(size, source.count));
  let outstanding = source.runs;
  /** runs that have been lost with a thread once, and went again alone */
  const retried = new Set<number>();
  let failure: unknown;

  await new Promise<void>((resolve, reject) => {
    const finish = (r: PoolResult) => {
      try {
        onResult(r);
      } catch (err) {
        // the caller could not record a result (disk full...): stop everything
        failure ??= err;
      }
      if (--outstanding === 0 || failure !== undefined) done();
    };
    const workers = new Set<Worker>();
    let settled = false;
    const aborted = () => {
      failure ??= stop!.stopped();
      done();
    };
    const done = () => {
      if (settled) return;
      settled = true;
      stop?.signal.removeEventListener("abort", aborted);
      for (const w of workers) void w.terminate();
      if (failure !== undefined) reject(failure);
      else resolve();
    };
    // (aborted already: no thread is started)
    if (stop?.signal.aborted) return aborted();
    stop?.signal.addEventListener("abort", aborted, { once: true });

    const start = () => {
      const w = newWorker(file);
      workers.add(w);
      // the runs of the task it holds that have no result yet
      let current: PoolRun[] = [];
      const next = () => {
        const task = take();
        if (task) {
          current = runsOf(task).slice();
          w.postMessage(task);
        } else {
          workers.delete(w);
          void w.terminate();
        }
      };
      // an uncaught error is reported before the results the thread posted just before it
      // (Node delivers those before "exit"): the thread counts as dead only at "exit", and
      // is given no more work once it has failed
      let failed: string | undefined;
      w.on("message", (r: PoolResult) => {
        const k = current.findIndex((run) => run.index === r.index);
        if (k < 0) return;
        current.splice(k, 1);
        finish(r);
        if (!settled && failed === undefined && current.length === 0) next();
      });
      const died = (why: string) => {
        workers.delete(w);
        if (settled) return;
        const lost = current;
        current = [];
        // each goes once more, alone in a fresh thread: the thread may have died of
        // another run (its batch's, or an earlier run's timer); one that dies alone again fails
        const alone: PoolRun[] = [];
        for (const run of lost) {
          if (!retried.has(run.index)) {
            retried.add(run.index);
            alone.push(run);
          } else if (!settled) finish({ index: run.index, key: run.key, error: `worker thread died: ${why}${moduleOf(run)}` });
        }
        again.unshift(...alone);
        if (!settled && (again.length > 0 || untaken > 0)) start();
      };
      w.on("error", (err) => {
        failed ??= errorMessage(err);
      });
      w.on("exit", (code) => {
        if (workers.has(w)) died(failed ?? `exited with code ${code}`);
      });
      next();
    };
    for (let i = 0; i < count; i++) start();
  });
}
