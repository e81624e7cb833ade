// `ampom reproduce`: the paper's evaluation on the HPCC kernels, with tables, figures
// and a self-contained HTML report.
import { Command, Option } from "commander";
import { relative } from "node:path";
import { DEFAULT_REPRODUCE_MEMORY, defaultKernels, reproduce, BUSY_BACKGROUND, MAX_REPRODUCE_SEEDS } from "../../report/reproduce.js";
import { claimLines, headlineTable, policyMatrix, settingsLine, spreadTable, textTable } from "../../report/tables.js";
import { pct, signedPct } from "../format.js";
import { checkOutDir, resultsJson, writeReport } from "../../report/write.js";
import { progressBar } from "../progress.js";
import { commaList, fractionOption, outOfRange, parseNumber, parsePath, parsePositiveCount, parseSizeArg } from "../run-options.js";
import { writeResult } from "../../util/stdout.js";

function sizeArg(value: string): string {
  const bytes = parseSizeArg(value, "expected a memory size, e.g. 16MiB, 256MiB or 1GiB.");
  // here, not later as option memory, which the user never typed
  if (!(bytes >= 4096)) throw outOfRange("expected at least one page (4KiB), e.g. 16MiB.");
  return value;
}

function seedsArg(value: string): number {
  const n = parsePositiveCount(value, "3");
  // as the command line is read, as every other range (the library checks it again)
  if (n > MAX_REPRODUCE_SEEDS) throw outOfRange(`expected at most ${MAX_REPRODUCE_SEEDS} seeds (each runs every kernel again), e.g. 3.`);
  return n;
}

export function registerReproduce(program: Command): void {
  program
    .command("reproduce")
    .description("the paper's evaluation on the built-in HPCC kernels: tables, figures and an HTML report")
    .option("-o, --out <dir>", "folder for report.html, results.json, CSV and SVG files", parsePath, "ampom-report")
    .option("-s, --size <size>", "memory of each kernel (e.g. 16MiB, 256MiB; the paper's is 256MiB)", sizeArg, DEFAULT_REPRODUCE_MEMORY)
    .option("--kernels <list>", `kernels to run, comma-separated (default: ${defaultKernels().join(",")})`, commaList)
    .option("-n, --network <preset>", "network preset", "gige-2008")
    .option("--background <u>", "background utilisation of the busy-network runs, 0 to below 1 (e.g. 0.8 or 80%)", fractionOption, BUSY_BACKGROUND)
    .option("--seed <n>", "seed of the kernels' generators (the first, with --seeds)", parseNumber, 1)
    .option("--seeds <n>", `run every kernel with n seeds from --seed on (n at most ${MAX_REPRODUCE_SEEDS}): the figures show their mean with min-max whiskers (the tables stay the first seed's); n times the work`, seedsArg, 1)
    .addOption(new Option("--core <kind>", "simulation core").choices(["wasm", "reference"]).default("wasm"))
    .addOption(new Option("--cpu <model>", "CPU the kernels' time per access is calibrated for: 2008 (the paper's era) or host").choices(["2008", "host"]).default("2008"))
    .option("-q, --quiet", "no progress bar and no tables: print only the report's path")
    .option("--json", "print results.json to standard output instead of the tables")
    .addHelpText(
      "after",
      `
Writes into --out: report.html (self-contained: open it in any browser, offline),
results.json (every number), headline.csv, extended.csv, busy.csv and one SVG
per figure. The default size is the paper's, 256MiB, and takes about two minutes
on a 2-core machine (HPCC's kernels at that size are hundreds of millions of page
records each); --size 16MiB gives a quick look in seconds.

Examples:
  ampom reproduce
  ampom reproduce --out paper-report --size 1GiB --network rdma-100g
  ampom reproduce --size 16MiB --kernels stream,hpl --quiet
  ampom reproduce --size 16MiB --seeds 5                mean and spread over 5 seeds
  ampom reproduce --json > results.json`,
    )
    .action(async (o) => {
      checkOutDir(o.out);
      const started = performance.now();
      const bar = progressBar("reproduce", { quiet: o.quiet });
      let results;
      try {
        results = await reproduce({
          memory: o.size,
          kernels: o.kernels,
          network: o.network,
          seed: o.seed,
          seeds: o.seeds,
          core: o.core,
          cpu: o.cpu,
          busyBackground: o.background,
          onProgress: (done, total, label) => bar.update(done, total, label),
        });
      } finally {
        bar.stop();
      }
      const written = writeReport(results, o.out);
      const where = relative(process.cwd(), written.report) || written.report;
      if (o.json) {
        writeResult(resultsJson(results));
        return;
      }
      if (o.quiet) {
        writeResult(`${where}\n`);
        return;
      }
      writeResult(
        `AMPoM reproduction: ${settingsLine(results)}\n\n${textTable(headlineTable(results))}\n\n` +
          `The paper's claims, kernel by kernel (at least as good as the paper's figure counts; those past its range are named):\n` +
          claimLines(results).map((l) => `  ${l}\n`).join("") + "\n" +
          `Remote faults prevented against demand paging (lightweight with each policy; other mechanisms with none; a touch of a\n` +
          `page a push sent that has not landed is a remote fault too, except under the oracle, whose destination knows it is coming):\n` +
          `${textTable(policyMatrix(results, "faultsPrevented", (v) => pct(v)))}\n\n` +
          (results.spread ? `Faults prevented over ${results.settings.seeds.length} seeds, mean (least–greatest):\n${textTable(spreadTable(results))}\n\n` : "") +
          `Runtime against full-copy:\n${textTable(policyMatrix(results, "overheadVsFullCopy", signedPct))}\n\n` +
          `Report: ${where}  (with results.json, CSV tables and SVG figures in ${relative(process.cwd(), written.dir) || "."})\n`,
      );
      // a summary, on standard error as sweep's and evaluate's: two runs' results are the same bytes
      process.stderr.write(`Finished in ${((performance.now() - started) / 1000).toFixed(1)} s.\n`);
    });
}
