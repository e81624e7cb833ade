// The validation table of docs/validation.md ("The validation table"): every
// validation program (native/validate/programs) migrated for real under policies none
// and ampom, against the simulator; then `ampom` again on the programs that work least
// between faults, with the diagnostic spike cut of the real runs' execution clock.
// Writes the tables between that page's validation-table and spike-cut-table markers
// and every figure to native/validate/results.json.
//
//   flock /tmp/ampom-cpu.lock npx tsx scripts/validation-table.ts [--repeat 3] [--network gige-2008]
//
// Needs root (userfaultfd), valgrind (the capture installs it) and the native parts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { scriptArgs } from "../src/util/script-args.js";
import { table } from "../src/cli/format.js";
import { writeFileAtomic } from "../src/util/atomic-file.js";
import { formatNs } from "../src/util/units.js";
import { nativeParts, packageRoot } from "../src/validate/native.js";
import { awayShare, type Interruptions } from "../src/validate/runner.js";
import { validate, type Validation } from "../src/validate/validate.js";

/** Program, arguments, and what it does (sizes keep each capture under lackey short).
 * Every program times its initialisation and each pass with clock_gettime, and the
 * migration comes at the second call: with the data initialised, before the passes. */
const MIGRATE_CALL = "clock_gettime:2";
export const VALIDATION_PROGRAMS: Array<[string, string[], string]> = [
  ["sequential", ["8", "3"], "8 MiB array, 3 sequential sweeps"],
  ["strided", ["8", "5", "3"], "8 MiB, pages 5 apart, 3 passes"],
  ["random", ["8", "3"], "8 MiB, random pages, 3 passes"],
  ["chase", ["8", "3"], "8 MiB linked list in random order, 3 traversals"],
  ["matrix", ["512", "2"], "B += A^T, 512 x 512 doubles in 32 x 32 blocks, 2 passes"],
];

/** The programs rerun with the spike cut, and the cut (docs/validation.md). */
const SPIKE_CUT_PROGRAMS = ["random", "chase"];
const SPIKE_CUT_NS = 10_000;

const { values } = scriptArgs("validation-table", {
  options: {
    repeat: { type: "string", default: "3" },
    network: { type: "string", default: "gige-2008" },
    only: { type: "string" },
  },
});

/** the programs --only names (all when it is absent) */
const only = values.only?.split(",");

function pct(x: number | null): string {
  return x === null ? "-" : `${x > 0 ? "+" : ""}${x.toFixed(1)}%`;
}

/** The validation programs (those of --only), each validated under `policies`. */
async function validateAll(policies: string[], pick: (name: string) => boolean, spikeCutNs?: number): Promise<Validation[]> {
  const programs = nativeParts().programs;
  const out: Validation[] = [];
  for (const [name, args] of VALIDATION_PROGRAMS) {
    if (!pick(name) || (only && !only.includes(name))) continue;
    process.stderr.write(`validation: ${name} ${args.join(" ")}${spikeCutNs ? `, spike cut ${formatNs(spikeCutNs)}` : ""}\n`);
    out.push(
      await validate({
        command: [join(programs, name), ...args],
        policies,
        migrateCall: MIGRATE_CALL,
        network: values.network,
        repeat: Number(values.repeat),
        spikeCutNs,
        onStep: (what) => process.stderr.write(`  ${what}\n`),
      }),
    );
  }
  return out;
}

async function main(): Promise<void> {
  const started = new Date();
  const results = await validateAll(["none", "ampom"], () => true);
  const rows: string[][] = [];
  for (const v of results) {
    for (const r of v.results) {
      rows.push([
        `${v.program.split("/").pop()} ${v.args.join(" ")}`,
        r.policy,
        String(r.real.remoteFaults),
        String(r.simulated.remoteFaults),
        pct(r.errorPercent.remoteFaults),
        formatNs(r.real.runtimeNs),
        formatNs(r.simulated.runtimeNs),
        pct(r.errorPercent.runtimeNs),
        formatNs(r.real.stallNs),
        formatNs(r.simulated.stallNs),
        `${r.real.prefetchedPages} / ${r.simulated.prefetchedPages}`,
        `${r.real.latePrefetches} / ${r.simulated.latePrefetches}`,
        formatNs(r.calibration.faultOverheadNs),
        awayText(r.calibration.interruptions),
        String(r.real.lateLandings),
        String(r.discarded.length),
      ]);
    }
  }
  const header = [
    "program", "policy", "faults real", "faults sim", "error", "runtime real", "runtime sim", "error",
    "stall real", "stall sim", "prefetched real / sim", "late prefetches real / sim", "fault overhead", "CPU away", "late replies",
    // runs run again because the host changed state under them (docs/validation.md)
    "set aside",
  ];
  const text = table(header, rows);
  // ampom again where the program works least between faults, the real runs' execution
  // clock leaving out what a span takes beyond a fault's share and the cut
  const cut = await validateAll(["ampom"], (name) => SPIKE_CUT_PROGRAMS.includes(name), SPIKE_CUT_NS);
  const cutText = table(
    ["program", "faults real, no cut", "faults sim", "faults real, cut", "faults sim", "error", "spans cut", "CPU away"],
    cut.map((v) => {
      const label = `${v.program.split("/").pop()} ${v.args.join(" ")}`;
      const plain = results.find((w) => w.program === v.program)?.results.find((r) => r.policy === "ampom");
      const r = v.results[0];
      return [
        label,
        plain ? String(plain.real.remoteFaults) : "-",
        plain ? String(plain.simulated.remoteFaults) : "-",
        String(r.real.remoteFaults),
        String(r.simulated.remoteFaults),
        pct(r.errorPercent.remoteFaults),
        String(r.real.spikesCut),
        awayText(r.calibration.interruptions),
      ];
    }),
  );
  const stamp = `${started.toISOString().slice(0, 16).replace("T", " ")} UTC, ${values.network}, ${values.repeat} real run(s) per policy (the median by runtime shown)`;
  process.stdout.write(`${text}\n\n${cutText}\n`);
  if (values.only) return;
  const doc = join(packageRoot, "docs", "validation.md");
  let md = readFileSync(doc, "utf8");
  md = fill(md, doc, "validation-table", `${stamp}:\n\n\`\`\`text\n${text}\n\`\`\``);
  md = fill(md, doc, "spike-cut-table", `The same day, \`ampom\` with \`--spike-cut ${formatNs(SPIKE_CUT_NS)}\`, ${values.repeat} real run(s) (the median by runtime shown):\n\n\`\`\`text\n${cutText}\n\`\`\``);
  writeFileAtomic(doc, md);
  writeFileAtomic(
    join(packageRoot, "native", "validate", "results.json"),
    JSON.stringify({ generated: started.toISOString(), network: values.network, results, spikeCut: cut }, null, 1) + "\n",
  );
}

/** `md` with the text between the markers `<!-- NAME:start -->` and `<!-- NAME:end -->` replaced. */
function fill(md: string, doc: string, name: string, text: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = md.indexOf(start);
  const b = md.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${doc}: no ${start} ... ${end} section to fill`);
  return `${md.slice(0, a + start.length)}\n${text}\n${md.slice(b)}`;
}

/** The share of the calibration's spin the CPU was away (its interruptions). */
function awayText(i: Interruptions): string {
  return `${(awayShare(i) * 100).toFixed(1)}%`;
}

main().catch((err) => {
  process.stderr.write(`validation-table: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
