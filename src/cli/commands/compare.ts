// `ampom compare`: every mechanism and policy on one workload, side by side.
import { Command } from "commander";
import { compare, sharedOptions } from "../../sim/compare.js";
import { mechanisms as mechanismRegistry } from "../../migration/registry.js";
import { policies as policyRegistry } from "../../policies/registry.js";
import { optionsUsed, resolveOptions, type RunOptions } from "../../sim/options.js";
import { inputDigests } from "../../sim/inputs.js";
import { preflight } from "../../sim/preflight.js";
import { OnceDigests } from "../../util/digest.js";
import { isPolicyPath } from "../../policies/module.js";
import type { Metrics } from "../../sim/metrics.js";
import { resultProvenance } from "../../util/provenance.js";
import { compareTable } from "../format.js";
import { progressBar } from "../progress.js";
import { addRunOptions, commaList, EVENTS_OPTION, toRunOptions } from "../run-options.js";
import { writeResult } from "../../util/stdout.js";
import { afterStrayCallbacks } from "../../util/stray.js";

export function registerCompare(program: Command): void {
  addRunOptions(
    program
      .command("compare")
      .description("run every migration mechanism and prefetch policy on one workload, side by side"),
    { withPair: false },
  )
    .option("--mechanisms <list>", "only these mechanisms, comma-separated (default: all)", commaList)
    .option("--policies <list>", "only these policies, comma-separated (default: all)", commaList)
    .option("--json", "print a JSON array of metric objects, one per row (the objects `run --json` prints, each with its provenance)")
    .option("-q, --quiet", "no progress bar (standard error); the table or JSON still prints")
    .option(...EVENTS_OPTION)
    .addHelpText(
      "after",
      `
Each row is one mechanism with one policy. A mechanism that leaves nothing to fetch
after migration (full-copy, pre-copy) takes policy none only, as run does; --push-order,
--mech-param and --param keep the rows that take them, and the legend names what they
left out. Baselines are rows too, with their defaults:
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
      const bar = progressBar("compare", { quiet: o.quiet });
      const { mechanism: _m, policy: _p, baselines: _b, ...runOptions } = toRunOptions(o, cmd);
      // the files' contents as the runs read them (each file once), not as they may stand
      // after: the trace's, and each policy module's, read now (the shared options checked
      // first, so that a missing trace gets its usual message)
      const shared = resolveOptions(sharedOptions(runOptions));
      preflight(shared);
      const digests = new OnceDigests();
      const inputsOf = (policy: string) => inputDigests({ workload: shared.workload, policy }, digests);
      for (const policy of ["none", ...(o.policies ?? []).filter(isPolicyPath)]) inputsOf(policy);
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
      await afterStrayCallbacks();
      const json = () =>
        rows.map((m) => ({ ...m, provenance: resultProvenance(optionsUsed({ ...runOptions, mechanism: m.mechanism, policy: m.policy }), m.core, inputsOf(m.policy)) }));
      writeResult(o.json ? JSON.stringify(json(), null, 2) + "\n" : compareTable(rows, omittedNote(o.mechanisms, o.policies, rows, runOptions)) + "\n");
    });
}

/** Legend lines for the mechanisms and the policies asked for (or all) that have no
 * row: the options check refused every pair with them, for the reasons the options
 * given can make. */
function omittedNote(mechAsked: string[] | undefined, polAsked: string[] | undefined, rows: Metrics[], given: RunOptions): string[] {
  const copies = Object.values(mechanismRegistry)
    .filter((m) => !m.remotePaging)
    .map((m) => m.name)
    .join(" and ");
  const reasons = [
    `${copies} take policy none only`,
    given.eagerPages !== undefined && `--eager-pages fits the others only`,
    given.pushOrder !== undefined && "--push-order fits post-copy only",
    Object.keys(given.mechanismParams ?? {}).length > 0 && "--mech-param fits some mechanisms only",
    Object.keys(given.policyParams ?? {}).length > 0 && "--param some policies only",
  ].filter((r) => r !== false);
  const mechanisms = (mechAsked ?? Object.keys(mechanismRegistry)).filter((m) => !rows.some((r) => r.mechanism === m));
  const policies = (polAsked ?? Object.keys(policyRegistry)).filter((p) => !rows.some((r) => r.policy === p));
  const lines = [
    ...(mechanisms.length ? [`${mechanisms.join(", ")}: no row: the options refuse every selected policy with it`] : []),
    ...(policies.length ? [`${policies.join(", ")}: no row: the options refuse each with every selected mechanism`] : []),
  ];
  // the reasons once, after the last line
  if (lines.length) lines[lines.length - 1] += ` (${reasons.join("; ")})`;
  return lines;
}
