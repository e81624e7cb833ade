// The worker pool: a worker thread that dies fails only the run it held, is replaced,
// and every task is reported exactly once. The worker here is a small stand-in that
// exits abruptly on some tasks.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runPool, type PoolResult } from "../../src/sweep/pool.js";
import { scratchDir } from "./cli-helpers.js";

/** A stand-in worker: `onMessage` is the body of its message handler, `t` the task. */
function standIn(name: string, onMessage: string): string {
  const file = join(scratchDir(name), "worker.mjs");
  writeFileSync(file, `import { parentPort } from "node:worker_threads";\nparentPort.on("message", (t) => {\n${onMessage}\n});`);
  return file;
}

const run = (i: number) => ({ index: i, key: `k${i}`, options: {} });

it("a dying worker fails only its run, and the others go on", async () => {
  const file = standIn(
    "pool",
    `  if (t.index % 4 === 1) process.exit(3);
  if (t.index % 4 === 2) throw new Error("boom in " + t.key);
  parentPort.postMessage({ index: t.index, key: t.key, metrics: { twice: t.index * 2 } });`,
  );
  const tasks = Array.from({ length: 12 }, (_, i) => run(i));
  const results: PoolResult[] = [];
  await runPool(tasks, 3, (r) => results.push(r), file);
  expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
  for (const r of results) {
    if (r.index % 4 === 1) expect(r.error).toBe("worker thread died: exited with code 3");
    else if (r.index % 4 === 2) expect(r.error).toBe(`worker thread died: boom in k${r.index}`);
    else expect(r.metrics).toEqual({ twice: r.index * 2 });
  }
});

it("a batch's runs are each reported once; a worker that dies part-way fails only the run that ends a thread by itself", async () => {
  const file = standIn(
    "pool-batch",
    `  for (const r of t.batch ?? [t]) {
    if (r.index === 5) process.exit(4);
    parentPort.postMessage({ index: r.index, key: r.key, metrics: { twice: r.index * 2 } });
  }`,
  );
  // runs 4..7 in one batch: 4 gets its result before the worker dies at 5; 5, 6 and 7 go
  // again one by one, and only 5 fails
  const tasks = [{ batch: [0, 1, 2, 3].map(run) }, { batch: [4, 5, 6, 7].map(run) }, run(8), { batch: [9, 10].map(run) }];
  const results: PoolResult[] = [];
  await runPool(tasks, 2, (r) => results.push(r), file);
  expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual([...Array(11).keys()]);
  for (const r of results) {
    if (r.index === 5) expect(r.error).toBe("worker thread died: exited with code 4");
    else expect(r.metrics).toEqual({ twice: r.index * 2 });
  }
});

it("a worker that fails after posting its results: each run is reported once, and no task is lost", async () => {
  const file = standIn(
    "pool-late",
    `  for (const r of t.batch ?? [t]) parentPort.postMessage({ index: r.index, key: r.key, metrics: { twice: r.index * 2 } });
  // an error thrown later (a policy's timer): Node may report it before those messages
  if ((t.batch ?? [t])[0].index === 0) setImmediate(() => { throw new Error("late"); });`,
  );
  const tasks = [{ batch: [0, 1, 2, 3, 4, 5].map(run) }, run(6), run(7), { batch: [8, 9].map(run) }];
  const results: PoolResult[] = [];
  await runPool(
    tasks,
    1,
    (r) => {
      // the parent busy with the first result: the worker's error event comes in between
      if (results.length === 0) {
        const until = Date.now() + 100;
        while (Date.now() < until);
      }
      results.push(r);
    },
    file,
  );
  expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  for (const r of results) expect(r.metrics).toEqual({ twice: r.index * 2 });
});
