// A finished sweep's results file made from its plan, without running it: every run's
// line in grid order, with made-up metrics (its grid index as runtimeNs). For measuring
// and testing what resuming a large sweep costs.
import { closeSync, openSync, writeSync } from "node:fs";
import type { SweepPlan } from "../../src/sweep/config.js";

export function writeFinished(plan: SweepPlan, file: string): void {
  const fd = openSync(file, "w");
  try {
    let chunk = "";
    for (let i = 0; i < plan.size; i++) {
      chunk += JSON.stringify({ ...plan.spelling(i), metrics: { runtimeNs: i } }) + "\n";
      // a megabyte at a time
      if (chunk.length > 1 << 20 || i === plan.size - 1) {
        writeSync(fd, chunk);
        chunk = "";
      }
    }
  } finally {
    closeSync(fd);
  }
}
