// A sweep worker thread: runs the tasks the pool sends, one at a time, and posts each
// run's metrics or error back. A task is one run, or a batch of runs on one workload,
// which run side by side over one record stream (simulateMany: one decode or one
// generator pass for all, baselines they share simulated once); each core is its own.
// A run's key names the contents of its policy module and trace as the sweep planned
// them: a run whose files differ before or after it ran (edited while the sweep ran)
// fails rather than file results of other contents under that key.
// AMPOM_SWEEP_RUN_LOG names a file where each run's key is appended as it starts:
// tests use it to prove a resumed sweep computes no run twice.
import { appendFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { resolveOptions } from "../sim/options.js";
import type { Metrics } from "../sim/metrics.js";
import { simulateMany } from "../sim/simulate.js";
import { StatDigests } from "../util/digest.js";
import { runKey, scenarioFiles } from "./key.js";
import { runsOf, type PoolRun, type PoolTask, type PoolResult } from "./pool.js";
import { errorMessage } from "../util/errors.js";
import { resultsOnlyOnStdout } from "../util/stdout.js";

const port = parentPort;
if (!port) throw new Error("sweep worker: must run as a worker thread");
// a policy module's printing must not reach the parent's standard output, the results'
resultsOnlyOnStdout();

const digests = new StatDigests();

/** Why `r` cannot be filed under its key: its files are not the contents it was planned
 * with (or are gone); undefined when they are. */
function changedFiles(r: PoolRun): string | undefined {
  try {
    const scenario = resolveOptions(r.options);
    if (runKey(scenario, digests) === r.key) return undefined;
    const files = scenarioFiles(scenario);
    if (files.length === 0) return `internal: run ${r.index}'s options no longer give its key ${r.key}`;
    return `${files.join(" and ")} changed after the sweep was planned (the run's key names the contents it was planned with); run the sweep again for the new contents`;
  } catch (err) {
    return errorMessage(err);
  }
}

port.on("message", async (task: PoolTask) => {
  const runs = runsOf(task);
  const log = process.env.AMPOM_SWEEP_RUN_LOG;
  if (log) appendFileSync(log, runs.map((r) => `${r.key}\n`).join(""));
  const before = runs.map(changedFiles);
  const todo = runs.filter((_, i) => before[i] === undefined);
  const results = await simulateMany(todo.map((r) => r.options));
  // a thread's standard error reaches the parent a chunk at a time, each sent only once
  // the parent has taken the one before; the pool ends a thread once it has its last
  // results, which lost what a policy module had printed behind the first chunk (its
  // console.log in reset, and the rest): the results go once all of it has gone
  await new Promise<void>((resolve) => process.stderr.write("", () => resolve()));
  let ran = 0;
  runs.forEach((r, i) => {
    // results are in the order of todo: the runs whose files were as planned
    const result = before[i] === undefined ? results[ran++] : undefined;
    const error = before[i] ?? changedFiles(r) ?? (result instanceof Error ? result.message : undefined);
    const posted: PoolResult = error !== undefined ? { index: r.index, key: r.key, error } : { index: r.index, key: r.key, metrics: result as Metrics };
    port.postMessage(posted);
  });
});
