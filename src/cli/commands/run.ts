// `ampom run`: one scenario, with its baselines unless --no-baselines.
import { Command } from "commander";
import { progressBar } from "../progress.js";
import { optionsUsed, resolveOptions } from "../../sim/options.js";
import { inputDigests } from "../../sim/inputs.js";
import { preflight } from "../../sim/preflight.js";
import { simulate } from "../../sim/simulate.js";
import { resultProvenance } from "../../util/provenance.js";
import { describeMetrics } from "../format.js";
import { addRunOptions, EVENTS_OPTION, toRunOptions } from "../run-options.js";
import { writeResult } from "../../util/stdout.js";
import { afterStrayCallbacks } from "../../util/stray.js";

export function registerRun(program: Command): void {
  addRunOptions(program.command("run").description("simulate one migration scenario"))
    .option("--json", "print the metrics as one JSON object, with its provenance (tool version, commit, Node, core, options)")
    .option("--no-baselines", "run exactly one simulation (no demand-paging, full-copy or oracle runs behind it)")
    .option("-q, --quiet", "no progress bar (standard error); the results still go to standard output")
    .option(...EVENTS_OPTION)
    .addHelpText(
      "after",
      `
Options for generated workloads (--memory, --working-set, --iterations, --seed, --cpu)
are refused with a trace: a trace's records and footprint are its own.

Examples:
  ampom run --workload stream --memory 256MiB --policy ampom
  ampom run --workload random --mechanism full-copy --json
  ampom run --workload trace.amt --network rdma-100g --background 0.8 --no-baselines
  ampom run --workload hpl --memory 16MiB --events hpl-events.jsonl`,
    )
    .action(async (o, cmd: Command) => {
      const options = toRunOptions(o, cmd);
      // the files' contents as the run reads them, not as they may stand after it
      const scenario = resolveOptions(options);
      preflight(scenario);
      const inputs = inputDigests(scenario);
      const bar = progressBar("run", { quiet: o.quiet });
      const label = `${scenario.workload}${scenario.baselines ? ", with its baselines" : ""}`;
      const m = await simulate(options, { events: o.events, onProgress: (f) => bar.update(Math.floor(f * 100), 100, label) }).finally(() => bar.stop());
      await afterStrayCallbacks();
      const json = () => JSON.stringify({ ...m, provenance: resultProvenance(optionsUsed(options), m.core, inputs) });
      writeResult(o.json ? json() + "\n" : describeMetrics(m) + "\n");
    });
}
