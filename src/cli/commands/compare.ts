// `ampom compare`: every mechanism and policy on one workload, side by side.
import { Command } from "commander";
import { compare } from "../../sim/compare.js";
import { compareTable } from "../format.js";
import { progressBar } from "../progress.js";
import { addRunOptions, EVENTS_OPTION, toRunOptions } from "../run-options.js";

function list(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

export function registerCompare(program: Command): void {
  addRunOptions(
    program
      .command("compare")
      .description("run every migration mechanism and prefetch policy on one workload, side by side"),
    { withPair: false },
  )
    .option("--mechanisms <list>", "only these mechanisms, comma-separated (default: all)", list)
    .option("--policies <list>", "only these policies, comma-separated (default: all)", list)
    .option("--json", "print a JSON array of metric objects, one per row (the objects `run --json` prints)")
    .option("-q, --quiet", "no progress bar")
    .option(...EVENTS_OPTION)
    .addHelpText(
      "after",
      `
Each row is one mechanism with one policy. A mechanism that leaves nothing to fetch
after migration (full-copy, pre-copy) is shown with policy none only. Baselines are rows too:
"prevented" is against lightweight/none (demand paging), "vs full-copy" is the
runtime against full-copy/none, and "none→oracle" is how far the runtime moved from
demand paging (0%) to the oracle (100%).

Examples:
  ampom compare --workload stream --memory 256MiB
  ampom compare --workload hpl --network gige-2008 --background 0.8 --json > hpl-busy.json
  ampom compare --workload random --policies none,ampom,leap --mechanisms lightweight
  ampom compare --workload fft --memory 16MiB --events fft-events.jsonl`,
    )
    .action(async (o) => {
      const bar = progressBar("compare", { quiet: o.quiet || o.json });
      const { mechanism: _m, policy: _p, baselines: _b, ...runOptions } = toRunOptions(o);
      let rows;
      try {
        rows = await compare(
          {
            ...runOptions,
            mechanisms: o.mechanisms,
            policies: o.policies,
            onProgress: (done, total, label) => bar.update(done, total, label),
          },
          { events: o.events },
        );
      } finally {
        bar.stop();
      }
      process.stdout.write(o.json ? JSON.stringify(rows, null, 2) + "\n" : compareTable(rows) + "\n");
    });
}
