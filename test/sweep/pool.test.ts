// The worker pool: a worker thread that dies fails only the run it held, is replaced,
// and every task is reported exactly once. The worker here is a small stand-in that
// exits abruptly on some tasks.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runPool, type PoolResult } from "../../src/sweep/pool.js";
import { scratchDir } from "./cli-helpers.js";

it("a dying worker fails only its run, and the others go on", async () => {
  const file = join(scratchDir("pool"), "worker.mjs");
  writeFileSync(
    file,
    `import { parentPort } from "node:worker_threads";
parentPort.on("message", (t) => {
  if (t.index % 4 === 1) process.exit(3);
  if (t.index % 4 === 2) throw new Error("boom in " + t.key);
  parentPort.postMessage({ index: t.index, key: t.key, metrics: { twice: t.index * 2 } });
});`,
  );
  const tasks = Array.from({ length: 12 }, (_, i) => ({ index: i, key: `k${i}`, options: {} }));
  const results: PoolResult[] = [];
  await runPool(tasks, 3, (r) => results.push(r), file);
  expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
  for (const r of results) {
    if (r.index % 4 === 1) expect(r.error).toBe("worker thread died: exited with code 3");
    else if (r.index % 4 === 2) expect(r.error).toBe(`worker thread died: boom in k${r.index}`);
    else expect(r.metrics).toEqual({ twice: r.index * 2 });
  }
});
