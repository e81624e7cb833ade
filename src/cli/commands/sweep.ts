// `ampom sweep CONFIG --out results.jsonl`: every combination of a grid, on worker
// threads, resumable; `--shard i/n` or `--shard slurm` runs one deterministic part.
import { existsSync } from "node:fs";
import { Command } from "commander";
import { parsePath, parsePositiveCount } from "../run-options.js";
import { exitInterrupted, STOP_SIGNALS } from "../ending.js";
import { progressBar } from "../progress.js";
import { checkedPlan, sweep, type SweepProgress } from "../../sweep/sweep.js";
import { readShard, ShardRuns } from "../../sweep/shard.js";
import { resultProvenance } from "../../util/provenance.js";
import { writeResult } from "../../util/stdout.js";

export const parseWorkers = (value: string): number => parsePositiveCount(value);

export function registerSweep(program: Command): void {
  program
    .command("sweep")
    .description("run every combination of a grid of options, in parallel; resumable")
    .argument("<config>", 'JSON file: { "base": {run options}, "grid": {option: [values, ...]} }')
    .option("-o, --out <file>", "results file, one JSON line per run (appended to, then sorted when complete); required except with --dry-run", parsePath)
    .option("-j, --workers <k>", "worker threads (default: the number of cores)", parseWorkers)
    .option("--shard <i/n|slurm>", "run only runs i, i+n, i+2n, ... of the grid (0 <= i < n); slurm: from SLURM_ARRAY_TASK_ID/COUNT")
    .option("--retry-failed", "run again the runs the results file records as failed")
    .option("--mixed-builds", "resume a results file whose runs another build of ampom (version, commit or Node) made; refused otherwise")
    .option("--dry-run", "check the config and print how many runs it has (and this shard's share)")
    .option("-q, --quiet", "no progress bar and no summary")
    .option("--json", "print the summary (or, with --dry-run, the count) as one JSON object on standard output")
    .addHelpText(
      "after",
      `
Run keys are a hash of each run's resolved options (and of the contents of a policy
module file it names); running the same command again skips every run the results
file holds. See docs/scale.md.

Examples:
  ampom sweep sweep.json --out results.jsonl
  ampom sweep sweep.json --out shard-3.jsonl --shard 3/8 --workers 2
  sbatch --array=0-7 --wrap 'ampom sweep sweep.json --shard slurm --out shard-$SLURM_ARRAY_TASK_ID.jsonl'`,
    )
    .action(async (config: string, o: { out?: string; workers?: number; shard?: string; retryFailed?: boolean; mixedBuilds?: boolean; dryRun?: boolean; quiet?: boolean; json?: boolean }, cmd: Command) => {
      // a dry run writes nothing, so it needs no results file
      if (!o.dryRun && o.out === undefined) cmd.error("error: required option '-o, --out <file>' not specified");
      const out = o.out as string;
      const shard = o.shard === undefined ? undefined : readShard(o.shard, process.env, "option --shard");
      if (o.dryRun) {
        const plan = await checkedPlan(config);
        const mine = new ShardRuns(plan.size, shard).count;
        if (o.json) {
          writeResult(JSON.stringify({ config, runs: plan.size, ...(shard ? { shard: `${shard.index}/${shard.count}`, shardRuns: mine } : {}) }) + "\n");
          return;
        }
        writeResult(`${config}: ${plan.size} ${plan.size === 1 ? "run" : "runs"}${shard ? `; shard ${shard.index}/${shard.count} has ${mine}` : ""}\n`);
        return;
      }
      const bar = progressBar("sweep", { quiet: o.quiet, eta: true });
      const onProgress = (p: SweepProgress) => bar.update(p.finished, p.pending, `failed ${p.failed} | done before ${p.skipped}`);
      // Ctrl-C, or a kill (a batch system's at a job's time limit, a closed terminal):
      // every finished run is on disk already, and exiting releases the results file's
      // lock; say how to go on
      const interrupted = (signal: NodeJS.Signals) => {
        bar.stop();
        // the results file is made at the first finished run
        const saved = existsSync(out) ? `finished runs are saved in ${out}` : `no run had finished, so ${out} was not made`;
        exitInterrupted(signal, `interrupted; ${saved}; run the same command to resume`);
      };
      for (const signal of STOP_SIGNALS) process.once(signal, interrupted);
      let summary;
      try {
        summary = await sweep({ config, out, workers: o.workers, shard, retryFailed: o.retryFailed, mixedBuilds: o.mixedBuilds, onProgress });
      } finally {
        bar.stop();
        for (const signal of STOP_SIGNALS) process.off(signal, interrupted);
      }
      if (o.json) {
        const { failedKept: _k, moduleEdited: _e, ...counts } = summary;
        writeResult(JSON.stringify({ config, ...counts, provenance: resultProvenance({ config, workers: o.workers, shard: o.shard, retryFailed: o.retryFailed === true, ...(o.mixedBuilds ? { mixedBuilds: true } : {}) }) }) + "\n");
      } else if (!o.quiet) {
        const edited = summary.moduleEdited > 0 ? ` (${summary.moduleEdited} for an edited policy module or trace)` : "";
        process.stderr.write(
          `sweep: ${summary.total} ${summary.total === 1 ? "run" : "runs"} (${summary.shard}): ${summary.ran} run now${edited}, ${summary.skipped} already done, ${summary.failed} failed -> ${summary.out}\n`,
        );
      }
      if (summary.failed > 0) {
        const hint = summary.failedKept > 0 ? "; rerun with --retry-failed to run them again" : "";
        throw new Error(`${summary.failed} of ${summary.total} runs failed (their errors are recorded in ${summary.out}${hint})`);
      }
    });
}
