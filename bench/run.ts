// npm run bench [-- --full | --smoke] [--only micro|e2e|native|generators|policies|shared] [--workload W ...]
//                [--trace FILE ...] [--out FILE] [--compare BASELINE.json]
// Prints the tables, writes the report as JSON (bench/results/latest.json unless told),
// and with --compare prints the change of every rate against a saved report.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { scriptArgs, scriptFail } from "../src/util/script-args.js";
import { BENCH_PARTS, runBench, type BenchPart } from "./harness.js";
import { formatComparison, formatReport } from "./report.js";
import type { BenchMode, BenchReport } from "./types.js";

const USAGE = `npm run bench [-- OPTIONS]
  --full | --smoke         bigger address spaces, chunks and workloads | the smallest sizes (checks every part runs)
  --only PART              one part: ${BENCH_PARTS.join(", ")}
  --workload W             end to end on this built-in workload (repeatable; default: all)
  --trace FILE             also end to end on this trace (repeatable)
  --out FILE               where the report goes (default bench/results/latest.json)
  --compare BASELINE.json  print each rate's change against a saved report`;

const fail = (message: string): never => scriptFail("bench", message);

const parsed = scriptArgs(
  "bench",
  {
    options: {
      full: { type: "boolean", default: false },
      smoke: { type: "boolean", default: false },
      only: { type: "string" },
      workload: { type: "string", multiple: true },
      trace: { type: "string", multiple: true },
      out: { type: "string", default: "bench/results/latest.json" },
      compare: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  },
  USAGE,
);
const { values } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const mode: BenchMode = values.smoke ? "smoke" : values.full ? "full" : "default";
if (values.only && !(BENCH_PARTS as readonly string[]).includes(values.only)) {
  fail(`--only takes ${BENCH_PARTS.join(", ")}, got "${values.only}"`);
}
for (const t of values.trace ?? []) if (!existsSync(t)) fail(`--trace ${t}: no such file`);
let baseline: BenchReport | undefined;
if (values.compare) {
  try {
    baseline = JSON.parse(readFileSync(values.compare, "utf8")) as BenchReport;
  } catch (e) {
    fail(`cannot read baseline ${values.compare}: ${(e as Error).message}`);
  }
  if (baseline?.schema !== "ampom-bench/1") fail(`${values.compare} is not an ampom bench report`);
}

const report = await runBench({
  mode,
  parts: values.only ? [values.only as BenchPart] : undefined,
  workloads: values.workload,
  traces: values.trace,
  log: (line) => console.error(line),
});
console.log(formatReport(report));
if (baseline) console.log("\n" + formatComparison(report, baseline));
mkdirSync(dirname(values.out), { recursive: true });
const tmp = `${values.out}.tmp-${process.pid}`;
writeFileSync(tmp, JSON.stringify(report, null, 2) + "\n");
renameSync(tmp, values.out);
console.error(`bench: wrote ${values.out}`);
