// The Slurm job-array test as a vitest test, for running it from the test runner on a
// machine where it may install packages and start daemons: only with AMPOM_SLURM_TEST=1
// (CI runs test/slurm/run-array-test.sh itself, after the tests).
import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";

it.runIf(process.env.AMPOM_SLURM_TEST === "1")("a sweep as a Slurm job array merges into the local sweep's bytes", () => {
  const r = spawnSync("bash", ["test/slurm/run-array-test.sh"], { encoding: "utf8", timeout: 1_800_000 });
  expect(r.stderr).toMatch(/PASS: \d+ array tasks, \d+ runs, merged results byte-identical to a local sweep/);
  expect(r.status).toBe(0);
}, 1_800_000);
