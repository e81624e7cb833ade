// Tables the documentation shows that no `ampom` command prints, made from the code's
// own data (npm run docs runs them; see scripts/docs-examples.ts):
//
//   npx tsx scripts/docs-tables.ts calibration   the HPCC kernels' CPU calibration: what the
//                                                real hpcc measured (src/workloads/hpcc/
//                                                cpu-calibration.ts, written by
//                                                scripts/calibrate-cpu.sh) and the constants
//   npx tsx scripts/docs-tables.ts kernels       each kernel at 256 MiB: records, pages,
//                                                accesses and its CPU work at both CPU models
//   npx tsx scripts/docs-tables.ts policies      the policy registry: names, what each does,
//                                                parameters and defaults
import { table } from "../src/cli/format.js";
import { policies } from "../src/policies/registry.js";
import { paramRange } from "../src/util/params.js";
import { resolveOptions } from "../src/sim/options.js";
import { scenarioWorkload } from "../src/sim/simulate.js";
import { CALIBRATION } from "../src/workloads/hpcc/cpu-calibration.js";
import { ERA_2008, kernelCpuNs } from "../src/workloads/hpcc/cpu.js";

const HPCC = ["stream", "randomaccess", "ptrans", "dgemm", "hpl", "fft", "beff"];
const ms = (ns: number) => `${(ns / 1e6).toFixed(1)} ms`;
const count = (n: number) => n.toLocaleString("en-US");

function rateText(rate: number, unit: string): string {
  if (unit === "B/s") return `${(rate / 1e9).toFixed(2)} GB/s`;
  if (unit === "flop/s") return `${(rate / 1e9).toFixed(2)} Gflop/s`;
  return `${(rate / 1e9).toFixed(4)} GUP/s`;
}

function calibration(): void {
  const c = CALIBRATION;
  console.log(`hpcc 1.5 measured on ${c.machine}, ${c.date}; constants from ${c.calibratedMemoryMiB} MiB\n`);
  console.log(
    table(
      ["kernel", "MiB", "HPCC's size", "best rate", "measured", "ns/access here", "simulated with the constant"],
      c.table.map((r) => [
        r.kernel,
        String(r.memoryMiB),
        String(r.size),
        rateText(r.rate, ERA_2008[r.kernel].unit),
        ms(r.measuredNs),
        r.nsPerAccess.toFixed(4),
        ms(r.simulatedNs) + (r.memoryMiB === c.calibratedMemoryMiB ? " (calibrated)" : ""),
      ]),
    ),
  );
  console.log("\nThe constants (--cpu host: this measurement; --cpu 2008: one core of a 2008 node, rates in src/workloads/hpcc/cpu.ts):\n");
  console.log(
    table(
      ["kernel", "host ns/access", "timed section, host", "2008 rate", "2008 ns/access", "timed section, 2008"],
      Object.entries(c.kernels).map(([k, v]) => [k, v.hostNs.toFixed(4), ms(v.hostTimeNs), rateText(v.era2008Rate, v.unit), v.era2008Ns.toFixed(4), ms(v.era2008TimeNs)]),
    ),
  );
}

/** Records, pages and accesses of each kernel at 256 MiB (counting the records runs the
 * generator once), and the runtime it would take at each CPU model without migration. */
async function kernels(): Promise<void> {
  const rows: string[][] = [];
  for (const k of HPCC) {
    const s = resolveOptions({ workload: k, memory: "256MiB", baselines: false });
    const w = await scenarioWorkload(s);
    const pages = new Uint32Array(1 << 16);
    const gaps = new Uint32Array(1 << 16);
    const flags = new Uint8Array(1 << 16);
    const stream = w.open();
    let accesses = 0;
    for (let n; (n = stream.fill(pages, gaps, flags, pages.length)) > 0; ) for (let i = 0; i < n; i++) accesses += gaps[i];
    stream.close?.();
    const at = (cpu: "2008" | "host") => `${((accesses * kernelCpuNs(k, cpu)!) / 1e9).toFixed(2)} s`;
    rows.push([k, count(w.records), count(w.pageCount), accesses.toExponential(2), at("2008"), at("host")]);
  }
  console.log(table(["kernel", "records", "pages", "accesses", "work at --cpu 2008", "work at --cpu host"], rows));
}

/** The registered policies with their parameters (src/policies/registry.ts). */
function policyTable(): void {
  for (const p of Object.values(policies)) {
    console.log(`${p.name}${p.push ? ` (a push: ${p.push} order)` : ""}: ${p.description}`);
    for (const q of p.params) console.log(`  ${q.name} = ${q.default} (${paramRange(q)}): ${q.description}`);
  }
}

const what = process.argv[2];
if (what === "calibration") calibration();
else if (what === "policies") policyTable();
else if (what === "kernels") await kernels();
else {
  console.error("usage: npx tsx scripts/docs-tables.ts calibration|kernels|policies");
  process.exit(2);
}
