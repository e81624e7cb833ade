// `ampom trace capture -o OUT -- COMMAND [ARGS...]`: a real program's memory trace,
// through valgrind's lackey, imported into amt as it runs (src/trace/capture.ts).
import { Command } from "commander";
import { captureTrace } from "../../trace/capture.js";
import { formatBytes } from "../../util/units.js";
import { statusLine } from "../progress.js";
import { resultProvenance } from "../../util/provenance.js";
import { parseCount, parsePageSize, parsePath, parsePositiveCount } from "../run-options.js";
import { writeResult } from "../../util/stdout.js";
import { errorMessage } from "../../util/errors.js";
import { exitInterrupted, STOP_SIGNALS } from "../ending.js";

/** A count of records, 0 or more. */
export const parseRecords = (value: string): number => parseCount(value, "1000000");
/** A count of records, at least 1. */
export const parsePositiveRecords = (value: string): number => parsePositiveCount(value, "1000000");

export function registerTraceCapture(trace: Command): void {
  // options after the command's name are the command's own (`capture -o x sort -n f`)
  trace.enablePositionalOptions();
  trace
    .command("capture")
    .passThroughOptions()
    .description("run a command under valgrind's lackey and import its memory trace into amt as it runs")
    .argument("<command...>", "the command and its arguments, after --")
    .requiredOption("-o, --out <file>", "amt file to write: NAME.amt, or NAME.amt.gz gzip'd (written atomically; nothing is written if the command fails)", parsePath)
    .option("--page-size <size>", "page size (e.g. 4096, 4KiB)", parsePageSize, 4096)
    .option("--skip <n>", "records to drop from the start (e.g. the dynamic loader's work)", parseRecords, 0)
    .option("--max-records <n>", "keep at most this many records, then stop the command (the capture succeeds)", parsePositiveRecords)
    .option("-q, --quiet", "no progress and no summary")
    .option("--json", "print the summary as one JSON object on standard output (the command's own output goes to standard error)")
    .addHelpText(
      "after",
      `
The command's standard input, output and error are its own, except that with --json
its standard output goes to standard error, so that standard output holds the JSON
alone; lackey's trace goes through a separate pipe. If the command exits non-zero or
is killed by a signal, the capture fails and writes nothing. Lackey is slow: whole
captures measured 490 to 8,400 times slower than the native run (corpus/README.md,
"Lackey's slowdown").

Examples:
  ampom trace capture -o sort.amt -- sort -n numbers.txt
  ampom trace capture -o gzip.amt --skip 100000 --max-records 2000000 -- gzip -9 -c big.txt`,
    )
    .action(async (command: string[], o: { out: string; pageSize: number; skip: number; maxRecords?: number; quiet?: boolean; json?: boolean }) => {
      const status = statusLine("capture", { quiet: o.quiet });
      let stop: ((reason: string) => void) | undefined;
      // Ctrl-C or a kill: the program is stopped and the import's spool removed (a
      // kill's default would leave the spool, as large as the trace, in the temporary
      // folder until the next import)
      let signalled: NodeJS.Signals | undefined;
      const interrupted = (sig: NodeJS.Signals) => {
        signalled = sig;
        stop?.(sig === "SIGINT" ? "interrupted" : `stopped by ${sig}`);
      };
      for (const signal of STOP_SIGNALS) process.once(signal, interrupted);
      try {
        const r = await captureTrace(command, o.out, {
          pageSize: o.pageSize,
          skipRecords: o.skip,
          maxRecords: o.maxRecords,
          onStart: (s) => (stop = s),
          outputToStderr: o.json,
          onProgress: (p) => status.update(`${p.records.toLocaleString("en-US")} records | ${formatBytes(p.bytes)} of lackey output`),
        });
        status.stop();
        if (o.json) {
          const summary = { command, out: o.out, records: r.records, pages: r.pages, accesses: r.accesses, regions: r.regions.length, truncated: r.truncated, seconds: r.seconds };
          writeResult(JSON.stringify({ ...summary, provenance: resultProvenance({ pageSize: o.pageSize, skip: o.skip, maxRecords: o.maxRecords }) }) + "\n");
        } else if (!o.quiet) {
          const cut = r.truncated ? `, stopped at --max-records ${o.maxRecords}` : "";
          process.stderr.write(
            `${o.out}: ${r.records} records, ${r.pages} distinct pages, ${r.accesses} accesses, ${r.regions.length} regions ` +
              `(captured in ${r.seconds.toFixed(1)} s from ${formatBytes(r.lackeyBytes)} of lackey output${cut})\n`,
          );
        }
      } catch (err) {
        if (signalled === undefined) throw err;
        status.stop();
        exitInterrupted(signalled, errorMessage(err));
      } finally {
        status.stop();
        for (const signal of STOP_SIGNALS) process.off(signal, interrupted);
      }
    });
}
