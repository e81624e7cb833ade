// A sweep worker thread: runs the tasks the pool sends, one at a time, and posts each
// run's metrics or error back. A task is one run, or a batch of runs on one workload,
// which run side by side over one record stream (simulateMany: one decode or one
// generator pass for all, baselines they share simulated once); each core is its own.
// AMPOM_SWEEP_RUN_LOG names a file where each run's key is appended as it starts:
// tests use it to prove a resumed sweep computes no run twice.
import { appendFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { simulateMany } from "../sim/simulate.js";
import { runsOf, type PoolTask, type PoolResult } from "./pool.js";

const port = parentPort;
if (!port) throw new Error("sweep worker: must run as a worker thread");

port.on("message", async (task: PoolTask) => {
  const runs = runsOf(task);
  const log = process.env.AMPOM_SWEEP_RUN_LOG;
  if (log) appendFileSync(log, runs.map((r) => `${r.key}\n`).join(""));
  const results = await simulateMany(runs.map((r) => r.options));
  runs.forEach((r, i) => {
    const m = results[i];
    const result: PoolResult = m instanceof Error ? { index: r.index, key: r.key, error: m.message } : { index: r.index, key: r.key, metrics: m };
    port.postMessage(result);
  });
});
