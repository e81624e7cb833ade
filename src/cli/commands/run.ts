// `ampom run`: one scenario, with its baselines unless --no-baselines.
import { Command } from "commander";
import { simulate } from "../../sim/simulate.js";
import { describeMetrics } from "../format.js";
import { addRunOptions, EVENTS_OPTION, toRunOptions } from "../run-options.js";

export function registerRun(program: Command): void {
  addRunOptions(program.command("run").description("simulate one migration scenario"))
    .option("--json", "print the metrics as one JSON object")
    .option("--no-baselines", "run exactly one simulation (no demand-paging, full-copy or oracle runs behind it)")
    .option(...EVENTS_OPTION)
    .addHelpText(
      "after",
      `
Examples:
  ampom run --workload stream --memory 256MiB --policy ampom
  ampom run --workload random --mechanism full-copy --json
  ampom run --workload trace.amt --network rdma-100g --background 0.8 --no-baselines
  ampom run --workload hpl --memory 16MiB --events hpl-events.jsonl`,
    )
    .action(async (o) => {
      const m = await simulate(toRunOptions(o), { events: o.events });
      process.stdout.write(o.json ? JSON.stringify(m) + "\n" : describeMetrics(m) + "\n");
    });
}
