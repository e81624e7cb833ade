// The one place `ampom validate` captures a program's trace: `ampom trace capture`
// (valgrind's lackey into the importer) through scripts/capture-trace.sh, which installs
// valgrind first when it is missing (CI starts without it). The script, rather than
// src/trace/capture.ts in this process, because the validation library's settings reach
// the traced program through the environment of a child process.
import { join } from "node:path";
import { packageRoot } from "./native.js";
import { RunInterrupted, runProgram, type RunOutcome } from "./runner.js";

/** Captures `command` (its environment extended by `env`, which reaches the traced
 * program through valgrind) into the amt file `out`; returns what the validation
 * library, loaded into the traced program, reported in `report`. */
export async function captureTrace(
  command: string[],
  env: Record<string, string>,
  out: string,
  report: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<RunOutcome> {
  const script = join(packageRoot, "scripts", "capture-trace.sh");
  try {
    return await runProgram(["bash", script, "-q", "-o", out, "--", ...command], env, report, "the traced run (valgrind lackey)", timeoutMs, false, signal);
  } catch (err) {
    // runProgram names the process it started, here the capture script's bash
    if (err instanceof RunInterrupted) throw new RunInterrupted(err.what, command[0]);
    throw err;
  }
}
