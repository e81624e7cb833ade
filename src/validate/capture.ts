// The one place `ampom validate` captures a program's trace: `ampom trace capture`
// (valgrind's lackey into the importer) through scripts/capture-trace.sh, which installs
// valgrind first when it is missing (CI starts without it). The script, rather than
// src/trace/capture.ts in this process, because the validation library's settings reach
// the traced program through the environment of a child process.
import { join } from "node:path";
import { packageRoot } from "./native.js";
import { RunFailed, RunInterrupted, runProgram, type RunOutcome } from "./runner.js";

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
    // the capture's own last line says how the program ended (the script's exit status
    // and its temporary output file say nothing to the user); the program's own lines after
    const lines = err instanceof RunFailed ? err.stderr.trimEnd().split("\n") : [];
    const last = lines.at(-1) ?? "";
    if (last.startsWith("ampom: ")) {
      const before = lines.slice(-4, -1).join(" | ");
      throw new Error(`the traced run (valgrind lackey): ${last.slice("ampom: ".length)}${before ? ` (its standard error ended: ${before})` : ""}`);
    }
    throw err;
  }
}
