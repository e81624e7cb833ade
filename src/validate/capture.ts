// The one place `ampom validate` captures a program's trace: the project's capture
// (valgrind's lackey piped into `ampom trace import`, scripts/capture-trace.sh). When the
// `ampom trace capture` command lands, only this function changes.
import { join } from "node:path";
import { packageRoot } from "./native.js";
import { runProgram, type RunOutcome } from "./runner.js";

/** Captures `command` (its environment extended by `env`, which reaches the traced
 * program through valgrind) into the amt file `out`; returns what the validation
 * library, loaded into the traced program, reported in `report`. */
export async function captureTrace(
  command: string[],
  env: Record<string, string>,
  out: string,
  report: string,
  timeoutMs: number,
): Promise<RunOutcome> {
  const script = join(packageRoot, "scripts", "capture-trace.sh");
  return runProgram(["bash", script, "-q", "-o", out, "--", ...command], env, report, "the traced run (valgrind lackey)", timeoutMs);
}
