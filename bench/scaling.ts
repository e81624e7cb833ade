// How the cost of one simulation grows with the number of records and with the size
// of the address space. Each row runs in its own child process so that its peak
// resident memory (maxRSS) is its own.
//
//   npx tsx bench/scaling.ts [--billion] [--core wasm|reference]
//   npx tsx bench/scaling.ts --row '{"workload":"stream","memory":"256MiB","records":1e8}'
//
// Rows: `stream` (hit-dominated, ampom) at 10^6..10^8 records (10^9 with --billion) in a
// fixed 256 MiB space; one pass of `stream` and a fixed count of `random` touches in
// 1..64 GiB; and a sparse trace whose pages lie across a 47-bit address space.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { scriptArgs } from "../src/util/script-args.js";
import { resolveOptions } from "../src/sim/options.js";
import { runScenario, scenarioWorkload } from "../src/sim/simulate.js";
import { importTrace } from "../src/trace/import.js";
import { coreBytes } from "../src/core/types.js";
import { rate, table } from "./report.js";

interface RowSpec {
  /** what the row varies, for the table */
  label: string;
  workload: string;
  /** a generated workload's data size (a trace's footprint is its own) */
  memory?: string;
  /** the address space as the table shows it (default: memory) */
  space?: string;
  /** records wanted: the workload's passes are chosen to come closest */
  records?: number;
  iterations?: number;
  policy?: string;
  core?: "wasm" | "reference";
}

interface RowResult extends RowSpec {
  records: number;
  pages: number;
  /** wall clock, and CPU time (user + system) of the process; rates use CPU time */
  seconds: number;
  cpuSeconds: number;
  recordsPerSecond: number;
  nsPerRecord: number;
  maxRssMiB: number;
  /** WebAssembly memory (the arena) or typed arrays of the reference, MiB */
  coreMiB: number;
}

async function recordsFor(spec: RowSpec, iterations: number): Promise<number> {
  return (await scenarioWorkload(resolveOptions({ workload: spec.workload, memory: spec.memory, iterations, baselines: false }))).records;
}

/** Passes over the data that give the record count closest to `target` (records grow
 * linearly with passes for every generated workload). */
async function passesFor(spec: RowSpec, target: number): Promise<number> {
  const r1 = await recordsFor(spec, 1);
  const r2 = await recordsFor(spec, 2);
  return Math.max(1, Math.round(1 + (target - r1) / (r2 - r1)));
}

async function runRow(spec: RowSpec): Promise<RowResult> {
  const iterations = spec.iterations ?? (spec.records ? await passesFor(spec, spec.records) : undefined);
  const s = resolveOptions({
    workload: spec.workload,
    memory: spec.memory,
    iterations,
    policy: spec.policy ?? "ampom",
    core: spec.core ?? "wasm",
    baselines: false,
  });
  const w = await scenarioWorkload(s);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const m = await runScenario(s, w);
  const cpu = process.cpuUsage(c0);
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // the core's tables for its pages, its record chunk and trace input area (what the
  // capacity check counts)
  const arena = coreBytes(m.pages, s.chunkRecords);
  return {
    ...spec,
    records: m.records,
    pages: m.pages,
    seconds,
    cpuSeconds,
    recordsPerSecond: m.records / cpuSeconds,
    nsPerRecord: (cpuSeconds * 1e9) / m.records,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    coreMiB: arena / 2 ** 20,
  };
}

/** A page-level text trace over a 47-bit address space: `clusters` (at most 16) runs
 * of `clusterPages` pages, 2^31 pages (8 TiB) apart, touched in random order. */
async function sparseTrace(dir: string, clusters: number, clusterPages: number, records: number): Promise<string> {
  const text = join(dir, "sparse47.txt");
  const lines: string[] = ["# sparse 47-bit address space: page-level records K PAGE GAP"];
  let x = 2463534242;
  let last = -1;
  for (let i = 0; i < records; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    let page = x % (clusters * clusterPages);
    if (page === last) page = (page + 1) % (clusters * clusterPages);
    last = page;
    const vpn = BigInt(Math.floor(page / clusterPages)) * 2n ** 31n + BigInt(page % clusterPages) + 0x10n;
    lines.push(`${i & 1 ? "W" : "R"} ${vpn.toString(16)} 64`);
  }
  writeFileSync(text, lines.join("\n") + "\n");
  const amt = join(dir, "sparse47.amt");
  await importTrace(text, amt, {});
  return amt;
}

function childRow(spec: RowSpec): RowResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ["--import", "tsx", self, "--row", JSON.stringify(spec)], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`scaling row ${spec.label} failed: ${r.stderr}`);
  const line = r.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(line) as RowResult;
}

export function formatScaling(rows: RowResult[]): string {
  return table(
    ["row", "workload", "space", "pages", "records", "wall s", "cpu s", "rec/s (cpu)", "ns/record", "core MiB", "max RSS MiB"],
    rows.map((r) => [
      r.label,
      r.workload.includes("/") ? r.workload.split("/").pop()! : r.workload,
      r.space ?? r.memory ?? "",
      String(r.pages),
      String(r.records),
      r.seconds.toFixed(2),
      r.cpuSeconds.toFixed(2),
      rate(r.recordsPerSecond),
      r.nsPerRecord.toFixed(1),
      r.coreMiB.toFixed(1),
      r.maxRssMiB.toFixed(0),
    ]),
  );
}

const { values } = scriptArgs("scaling", {
  options: {
    row: { type: "string" },
    billion: { type: "boolean", default: false },
    core: { type: "string", default: "wasm" },
    out: { type: "string" },
  },
});

if (values.row) {
  console.log(JSON.stringify(await runRow(JSON.parse(values.row) as RowSpec)));
} else {
  const core = values.core as "wasm" | "reference";
  const specs: RowSpec[] = [];
  for (const n of [1e6, 1e7, 1e8, ...(values.billion ? [1e9] : [])]) {
    specs.push({ label: `records 1e${Math.log10(n).toFixed(0)}`, workload: "stream", memory: "256MiB", records: n, core });
  }
  // one pass of STREAM over a growing space (records grow with it: read ns/record),
  // and a fixed 2^24 random touches over a growing space (passes = 2^24 / pages; the
  // share of remote faults grows as each page is touched fewer times)
  for (const gib of [1, 4, 16, 64]) {
    specs.push({ label: `space ${gib} GiB`, workload: "stream", memory: `${gib}GiB`, iterations: 1, core });
  }
  for (const gib of [1, 4, 16, 64]) {
    specs.push({ label: `space ${gib} GiB`, workload: "random", memory: `${gib}GiB`, iterations: 64 / gib, core });
  }
  const dir = mkdtempSync(join(tmpdir(), "ampom-scaling-"));
  try {
    const amt = await sparseTrace(dir, 16, 4096, 2_000_000);
    specs.push({ label: "sparse 47-bit", workload: amt, space: "2^47 B, 256 MiB touched", core });
    const rows: RowResult[] = [];
    for (const s of specs) {
      const r = childRow(s);
      rows.push(r);
      console.error(`scaling: ${s.label}: ${r.records} records in ${r.seconds.toFixed(2)} s, max RSS ${r.maxRssMiB.toFixed(0)} MiB`);
    }
    console.log(formatScaling(rows));
    if (values.out) writeFileSync(values.out, JSON.stringify(rows, null, 2) + "\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
