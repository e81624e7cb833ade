// `ampom compare`: every mechanism and policy on one workload, side by side.
import { Command } from "commander";
import { compare } from "../../sim/compare.js";
import { mechanisms } from "../../migration/registry.js";
import { optionsUsed } from "../../sim/options.js";
import type { Metrics } from "../../sim/metrics.js";
import { resultProvenance } from "../../util/provenance.js";
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
    .option("--json", "print a JSON array of metric objects, one per row (the objects `run --json` prints, each with its provenance)")
    .option("-q, --quiet", "no progress bar (standard error); the table or JSON still prints")
    .option(...EVENTS_OPTION)
    .addHelpText(
      "after",
      `
Each row is one mechanism with one policy. A mechanism that leaves nothing to fetch
after migration (full-copy, pre-copy) takes policy none only, as run does. Baselines are rows too:
"prevented" is against lightweight/none (demand paging), "vs full-copy" is the
runtime against full-copy/none, and "none→oracle" is how far the runtime moved from
demand paging (0%) to the oracle (100%).

Examples:
  ampom compare --workload stream --memory 256MiB
  ampom compare --workload hpl --network gige-2008 --background 0.8 --json > hpl-busy.json
  ampom compare --workload random --policies none,ampom,leap --mechanisms lightweight
  ampom compare --workload fft --memory 16MiB --events fft-events.jsonl`,
    )
    .action(async (o, cmd: Command) => {
      const bar = progressBar("compare", { quiet: o.quiet || o.json });
      const { mechanism: _m, policy: _p, baselines: _b, ...runOptions } = toRunOptions(o, cmd);
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
      const json = () => rows.map((m) => ({ ...m, provenance: resultProvenance(optionsUsed({ ...runOptions, mechanism: m.mechanism, policy: m.policy }), m.core) }));
      process.stdout.write(o.json ? JSON.stringify(json(), null, 2) + "\n" : compareTable(rows, omittedNote(o.mechanisms, rows)) + "\n");
    });
}

/** A legend line for mechanisms asked for (or all) that have no row: the options
 * check refused every policy of the selection with them. */
function omittedNote(asked: string[] | undefined, rows: Metrics[]): string[] {
  const missing = (asked ?? Object.keys(mechanisms)).filter((m) => !rows.some((r) => r.mechanism === m));
  return missing.length
    ? [`${missing.join(", ")}: no row: the options refuse every selected policy with it (full-copy and pre-copy take policy none only; --push-order and --mech-param fit some mechanisms only, --param some policies only)`]
    : [];
}
