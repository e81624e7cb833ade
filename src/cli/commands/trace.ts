// `ampom trace import FILE|- -o OUT.amt`, `ampom trace export FILE -o OUT.txt|-`,
// `ampom trace info FILE [--json]` and
// `ampom trace capture` (trace-capture.ts).
import { Command } from "commander";
import { plural } from "../../util/text.js";
import { statSync } from "node:fs";
import type { AmtVersion } from "../../trace/amt.js";
import { importTrace } from "../../trace/import.js";
import { exportTrace } from "../../trace/export.js";
import { amtOwnPageSize, openTraceWorkload, sniffTrace, verifyTrace } from "../../trace/open.js";
import { resultProvenance } from "../../util/provenance.js";
import { formatBytes } from "../../util/units.js";
import { table } from "../format.js";
import { progressBar } from "../progress.js";
import { notParsed, parsePageSize, parsePath } from "../run-options.js";
import { parsePositiveRecords, parseRecords, registerTraceCapture } from "./trace-capture.js";
import type { Workload } from "../../workloads/types.js";
import { writeResult } from "../../util/stdout.js";

export function registerTrace(program: Command): void {
  const trace = program.command("trace").description("import, export and inspect trace files (lackey, page-level text, amt)");
  trace
    .command("import")
    .description("import a lackey or page-level text trace (plain or gzip, a file or - for standard input) into amt, or re-encode an amt file (plain or gzip'd) whole, e.g. v1 to v2")
    .argument("<file>", "trace file, or - for standard input")
    .requiredOption("-o, --out <file>", "amt file to write: NAME.amt, or NAME.amt.gz gzip'd (written atomically)", parsePath)
    .option("--page-size <size>", "page size of a text trace (e.g. 4096, 4KiB); an amt keeps its own", parsePageSize, 4096)
    .option("--amt-version <n>", "amt version to write: 2 (compact, decoded inside the core) or 1 (9 bytes a record)", parseAmtVersion, 2)
    .option("--skip <n>", "records of a text trace to drop from the start", parseRecords, 0)
    .option("--max-records <n>", "keep at most this many records of a text trace (the rest is not read)", parsePositiveRecords)
    .option("-q, --quiet", "no progress and no summary on standard error")
    .option("--json", "print the summary as one JSON object on standard output")
    .action(async (file: string, o, cmd: Command) => {
      const total = file === "-" ? 0 : statSync(file, { throwIfNoEntry: false })?.size ?? 0;
      const bar = progressBar("import", { quiet: o.quiet });
      let last = 0;
      try {
        const r = await importTrace(file, o.out, {
          // given, not defaulted: an amt input keeps its own and refuses another
          pageSize: cmd.getOptionValueSource("pageSize") === "default" ? undefined : o.pageSize,
          version: o.amtVersion,
          onProgress: (bytes, lines) => {
            if (bytes - last < 1 << 24) return;
            last = bytes;
            bar.update(bytes, Math.max(total, bytes), `${lines} lines`);
          },
          skipRecords: o.skip,
          maxRecords: o.maxRecords,
        });
        bar.stop();
        if (o.json) {
          const summary = { file, out: o.out, format: r.format, amtVersion: o.amtVersion, records: r.records, pages: r.pages, accesses: r.accesses, regions: r.regions.length };
          writeResult(JSON.stringify({ ...summary, provenance: resultProvenance({ pageSize: o.pageSize, amtVersion: o.amtVersion, skip: o.skip, maxRecords: o.maxRecords }) }) + "\n");
        } else if (!o.quiet) {
          process.stderr.write(
            `${o.out}: ${r.records} records, ${r.pages} distinct pages, ${r.accesses} accesses, ${plural(r.regions.length, "region")} (${r.format === "amt" ? "re-encoded from amt" : `from ${r.format} text`}, amt v${o.amtVersion})\n`,
          );
        }
      } finally {
        bar.stop();
      }
    });
  trace
    .command("export")
    .description("write a trace (amt v1 or v2, plain or gzip'd; or a text trace) as page-level text, the format trace import reads back")
    .argument("<file>", "trace file (amt, lackey or page-level text, plain or gzip)")
    .requiredOption("-o, --out <file>", "text file to write (written atomically; NAME.gz gzip'd), or - for standard output", parsePath)
    .option("--page-size <size>", "page size of a text trace (e.g. 4096, 4KiB); an amt keeps its own, and another given for it is refused", parsePageSize, 4096)
    .option("-q, --quiet", "no progress and no summary on standard error")
    .addHelpText(
      "after",
      `
One line a record, \`K PAGE GAP\`: K is R (read), W (written) or I (code), PAGE the
virtual page number in hex, GAP the accesses of the record in decimal; a record both
code and written is two lines, \`I PAGE GAP\` then \`W PAGE 0\`, which the import merges
back. The first line, a comment, gives the page size: the text is read with that
--page-size, and another is refused. Text exported, imported and exported again is
byte-identical. Two records in a row on one page come back as one record unless their
gaps add up past 32 bits (the summary counts them); traces that trace import or
capture wrote have none.

Every record is checked as it is read (as trace info checks it): a damaged trace exits
1 with a message naming the block and record, and writes nothing. With -o - the trace
is read twice, checked whole before the first line goes to standard output.

Examples:
  ampom trace export corpus/traces/bc.amt.gz -o bc.txt
  ampom trace export big.amt -o - | head`,
    )
    .action(async (file: string, o, cmd: Command) => {
      fileNotStdin(file, "export");
      const bar = progressBar("export", { quiet: o.quiet });
      let last = 0;
      try {
        const r = await exportTrace(file, o.out, {
          // given, not defaulted: an amt keeps its own and refuses another
          pageSize: cmd.getOptionValueSource("pageSize") === "default" ? undefined : o.pageSize,
          onProgress: (done, total, pass) => {
            // -o - reads twice: each pass counts from 0
            if (done < last) last = 0;
            if (done - last < 1 << 18 && done < total) return;
            last = done;
            bar.update(done, total, pass === "check" ? "checking" : "records");
          },
        });
        bar.stop();
        if (!o.quiet) {
          const merged = r.merges ? `; ${r.merges} records follow one on the same page and will merge into it on import` : "";
          process.stderr.write(
            `${o.out === "-" ? "<stdout>" : o.out}: ${r.records} records, ${r.accesses} accesses in ${r.lines} lines of page-level text, ${r.pageSize}-byte pages (${r.amtVersion ? `from amt v${r.amtVersion}` : "from text"}${merged})\n`,
          );
        }
      } finally {
        bar.stop();
      }
    });
  registerTraceCapture(trace);
  trace
    .command("info")
    .description("summarise a trace (records, distinct pages, accesses, regions), after checking every block of it")
    .argument("<file>", "trace file (amt, lackey or page-level text, plain or gzip)")
    .option("--page-size <size>", "page size of a text trace (e.g. 4096, 4KiB); an amt keeps its own, and another given for it is refused", parsePageSize, 4096)
    .option("--no-verify", "read only the header and trailer, not every block (faster on a large trace)")
    .option("--json", "print one JSON object, with its provenance")
    .option("-q, --quiet", "nothing on standard error (the summary still goes to standard output)")
    .addHelpText(
      "after",
      `
By default every block is read and checked (checksum, decoding, pages inside the
address space, the trailer): a damaged trace exits 1 with a message naming the
block, as a run would. --no-verify checks the header and trailer only.

Examples:
  ampom trace info corpus/traces/bc.amt.gz
  ampom trace info big.amt --no-verify --json`,
    )
    .action(async (file: string, o, cmd: Command) => {
      fileNotStdin(file, "info");
      const kind = sniffTrace(file);
      // an amt has its own page size: one given for it is refused, not ignored
      const given = cmd.getOptionValueSource("pageSize") === "cli" ? (o.pageSize as number) : undefined;
      const w = (await openTraceWorkload(file, kind === "amt" || kind === "amt-gzip" ? amtOwnPageSize(file, given) : o.pageSize)) as Workload & {
        header?: { pages: number; accesses: number; version: number; blockRecords: number };
      };
      const h = w.header!;
      const checked = o.verify ? verifyTrace(w) : undefined;
      const info = {
        file,
        format: { amt: "amt", "amt-gzip": "amt (gzip)", gzip: "text (gzip)", text: "text" }[kind],
        /** the amt version of the file read, or of the temporary import */
        amtVersion: h.version,
        pageSize: w.pageSize,
        records: w.records,
        pages: h.pages,
        accesses: h.accesses,
        pageCount: w.pageCount,
        regions: w.regions.map((r) => ({ name: r.name, kind: r.kind, start: r.start, pages: r.pages, vpnBase: `0x${(r.vpnBase ?? 0n).toString(16)}` })),
        /** whether every block was read and checked (false with --no-verify) */
        verified: checked !== undefined,
      };
      if (o.json) {
        writeResult(JSON.stringify({ ...info, provenance: resultProvenance({ verify: o.verify, pageSize: o.pageSize }) }) + "\n");
        return;
      }
      writeResult(
        `${file} (${info.format === "amt" ? `amt v${h.version}` : info.format}, ${w.pageSize}-byte pages): ${w.records} records, ${h.pages} distinct pages (${formatBytes(h.pages * w.pageSize)}), ` +
          `${h.accesses} accesses, ${plural(w.regions.length, "region")} over ${w.pageCount} dense pages\n` +
          (checked ? `every block checked (${checked.blocks} block${checked.blocks === 1 ? "" : "s"})` : "header and trailer checked, blocks not read (--no-verify)") + "\n\n" +
          table(
            ["region", "kind", "first page", "pages", "vpn base"],
            info.regions.map((r) => [r.name, r.kind, String(r.start), String(r.pages), r.vpnBase]),
          ) +
          "\n",
      );
    });
}

/** `-` given to a command that reads a trace file (at offsets, an amt in place): it
 * read as a missing file named "-". */
function fileNotStdin(file: string, command: string): void {
  if (file === "-") throw new Error(`-: trace ${command} reads a trace file, not standard input (only trace import reads standard input; a file named - is ./-)`);
}

function parseAmtVersion(v: string): AmtVersion {
  if (v !== "1" && v !== "2") throw notParsed("must be 1 or 2");
  return Number(v) as AmtVersion;
}
