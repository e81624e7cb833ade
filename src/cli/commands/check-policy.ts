// `ampom check-policy`: whether a policy decides from what the destination could know
// (src/policies/check.ts), for a user's module above all: the cores show it nothing of
// the future, but its own code is not sandboxed.
import { Command } from "commander";
import { CHECK_WORKLOADS, checkPolicy } from "../../policies/check.js";
import { table } from "../format.js";
import { progressBar } from "../progress.js";
import { collectParam, commaList, parseCount, sizeOption } from "../run-options.js";
import { writeResult } from "../../util/stdout.js";
import { afterStrayCallbacks } from "../../util/stray.js";

export function registerCheckPolicy(program: Command): void {
  program
    .command("check-policy")
    .description("check that a policy reads nothing ahead (of the trace or of the traffic), and runs the same on both cores and in any order of runs")
    .argument("<policy>", "a built-in policy's name or the path of a policy module")
    .option("--workloads <list>", `generated workloads or trace files to run it on, comma-separated (default: ${CHECK_WORKLOADS.join(",")})`, commaList)
    .option("--memory <size>", "each generated workload's memory (small runs: a few seconds for all; a trace has its own)", sizeOption, "1MiB")
    .option("--seed <n>", "the generated workloads' seed", (v: string) => parseCount(v, "3"), 3)
    .option("--network <preset>", "network preset", "gige-2008")
    .option("--param <name=value>", "a policy parameter (repeatable)", collectParam)
    .option("--json", "print the report as one JSON object")
    .option("-q, --quiet", "no progress bar (standard error)")
    .addHelpText(
      "after",
      `
Each check compares runs. trace-ahead: the workload with another future from a record
on must give the same events until the process reaches that record. traffic-ahead: a
flow that starts later must leave every event before it as it was. cores: the same
metrics on the WebAssembly core and the TypeScript reference. runs: the same metrics
again at once and after another run (not so: state kept outside ctx.state, or chance or
the clock), checked first. It exits 1 when a check fails, naming the first event that
differed.

Examples:
  ampom check-policy ./my-policy.ts
  ampom check-policy ./my-policy.ts --param window=16 --workloads hpl,random --json
  ampom check-policy oracle          (fails trace-ahead: it reads the trace by design)`,
    )
    .action(async (policy: string, o) => {
      const bar = progressBar("check-policy", { quiet: o.quiet });
      let report;
      try {
        report = await checkPolicy({
          policy,
          policyParams: o.param,
          workloads: o.workloads,
          memory: o.memory,
          seed: o.seed,
          network: o.network,
          onProgress: (done, total, label) => bar.update(done, total, label),
        });
      } finally {
        bar.stop();
      }
      await afterStrayCallbacks();
      const failed = report.findings.filter((f) => !f.passed).length;
      if (o.json) writeResult(JSON.stringify(report) + "\n");
      else {
        const rows = report.findings.map((f) => [f.check, f.workload, f.mechanism, f.passed ? "pass" : "FAIL", f.detail]);
        const summary = failed ? `${failed} of ${rows.length} checks failed` : `all ${rows.length} checks passed`;
        writeResult(`${table(["check", "workload", "mechanism", "result", "what was compared, or the first difference"], rows, ["l", "l", "l", "l", "l"])}\n\n${summary}\n`);
      }
      if (failed > 0) throw new Error(`policy ${policy} failed ${failed} of ${report.findings.length} checks`);
    });
}
