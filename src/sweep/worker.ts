// A sweep worker thread: runs the scenarios the pool sends, one at a time, each with
// its own core instance (simulate() creates one per run), and posts the metrics or
// the error back. AMPOM_SWEEP_RUN_LOG names a file where each run's key is appended
// as it starts: tests use it to prove a resumed sweep computes no run twice.
import { appendFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { simulate } from "../sim/simulate.js";
import type { PoolTask, PoolResult } from "./pool.js";

const port = parentPort;
if (!port) throw new Error("sweep worker: must run as a worker thread");

port.on("message", async (task: PoolTask) => {
  const log = process.env.AMPOM_SWEEP_RUN_LOG;
  if (log) appendFileSync(log, `${task.key}\n`);
  let result: PoolResult;
  try {
    result = { index: task.index, key: task.key, metrics: await simulate(task.options) };
  } catch (err) {
    result = { index: task.index, key: task.key, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(result);
});
