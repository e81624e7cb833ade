// `ampom sweep-merge CONFIG --out merged.jsonl SHARD...`: joins the results files of
// the shards of one sweep, checking that every run is there exactly once.
import { Command } from "commander";
import { mergeSweep } from "../../sweep/merge.js";
import { resultProvenance } from "../../util/provenance.js";
import { writeResult } from "../../util/stdout.js";
import { plural } from "../../util/text.js";
import { parsePath } from "../run-options.js";

export function registerSweepMerge(program: Command): void {
  program
    .command("sweep-merge")
    .description("join the results files of a sharded sweep; every run exactly once")
    .argument("<config>", "the sweep config the shards ran")
    .argument("<inputs...>", "results files of the shards")
    .requiredOption("-o, --out <file>", "merged results file, in grid order", parsePath)
    .option("--mixed-builds", "merge shards run by different builds of ampom (version, commit or Node); refused otherwise")
    .option("-q, --quiet", "no summary")
    .option("--json", "print the summary as one JSON object on standard output")
    .addHelpText("after", "\nExample:\n  ampom sweep-merge sweep.json --out results.jsonl shard-*.jsonl")
    .action((config: string, inputs: string[], o: { out: string; mixedBuilds?: boolean; quiet?: boolean; json?: boolean }) => {
      const m = mergeSweep(config, inputs, o.out, { mixedBuilds: o.mixedBuilds === true });
      if (o.json) writeResult(JSON.stringify({ config, inputs, ...m, provenance: resultProvenance({ config, inputs, out: o.out, ...(o.mixedBuilds ? { mixedBuilds: true } : {}) }) }) + "\n");
      else if (!o.quiet) process.stderr.write(`sweep-merge: ${plural(m.runs, "run")} from ${plural(inputs.length, "file")} (${m.failed} failed) -> ${m.out}\n`);
    });
}
