// The native anchor: the simulator's replay of an amt trace (`ampom run --policy none
// --no-baselines`: file reads, checksums, decoding, the page-state model, the host)
// against a C program that reads the same file and replays the same model for policy
// none (bench/native/replay.c), and against the TypeScript reference core. Each trace
// is also cut to its first half, so that the marginal rate between the two lengths
// (start-up, compilation and the first touches cancel) stands beside the end-to-end
// rate. The C program is built with the system compiler (cc) into bench/native/build/
// (git-ignored); without a compiler its columns are skipped with a note.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openAmt, writeWorkloadAmt, type AmtVersion } from "../src/trace/amt.js";
import { resolveOptions, type Scenario } from "../src/sim/options.js";
import { runScenario, scenarioWorkload } from "../src/sim/simulate.js";
import type { Workload } from "../src/workloads/types.js";
import { cpuMs } from "./e2e.js";
import type { NativeRow } from "./types.js";

const here = fileURLToPath(new URL("./native/", import.meta.url));
const source = join(here, "replay.c");
const binary = join(here, "build", "replay");

/** Builds the C replay when a compiler is there; returns its path or a reason. */
export function buildNative(): { path: string } | { skipped: string } {
  const cc = ["cc", "gcc", "clang"].find((c) => spawnSync(c, ["--version"], { stdio: "ignore" }).status === 0);
  if (!cc) return { skipped: "no C compiler (cc, gcc or clang) on this machine: native columns skipped" };
  mkdirSync(join(here, "build"), { recursive: true });
  if (!existsSync(binary) || statSync(binary).mtimeMs < statSync(source).mtimeMs) {
    // -march=native: the anchor uses every instruction this machine has (SSSE3 shuffles
    // for the group decoding, SSE4.1 multiplies for the checksum)
    const r = spawnSync(cc, ["-O2", "-march=native", "-o", binary, source, "-lm"], { encoding: "utf8" });
    if (r.status !== 0) return { skipped: `the C replay did not build (${cc}): ${r.stderr.trim().split("\n")[0]}` };
  }
  return { path: binary };
}

/** The first `records` records of `w` as an amt file (v2 unless told). */
export function writeAmtV2(w: Workload, file: string, records = w.records, version: AmtVersion = 2): void {
  writeWorkloadAmt(w, file, { records, version });
}

interface Timed {
  ms: number;
  faults: number;
  zeroFills: number;
  records: number;
  faultNs: number;
}

/** One simulator run of the trace file, CPU time in this process. */
async function simulatorRun(file: string, core: "wasm" | "reference"): Promise<Timed> {
  const s: Scenario = resolveOptions({ workload: file, policy: "none", core, baselines: false });
  const t0 = cpuMs();
  const m = await runScenario(s, await scenarioWorkload(s));
  const ms = cpuMs() - t0;
  return { ms, faults: m.remoteFaults, zeroFills: m.zeroFills, records: m.records, faultNs: m.remoteFaults ? (m.faultStallNs - m.remoteFaults * s.network.faultTrapNs) / m.remoteFaults : 0 };
}

function nativeRun(bin: string, file: string, like: Timed): Timed {
  const s: Scenario = resolveOptions({ workload: file, policy: "none", baselines: false });
  const w = openAmt(file);
  const args = [
    file, "--migrate-at-record", String(Math.floor(s.migrateAt * w.records)), "--eager", String(Math.min(8, s.eagerPages)),
    "--cpu-ns", String(s.cpuNsPerAccess), "--trap-ns", String(s.network.faultTrapNs), "--zero-fill-ns", String(s.network.zeroFillNs),
    "--fault-ns", String(like.faultNs),
  ];
  const r = spawnSync(bin, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`native replay failed on ${file}: ${r.stderr.trim()}`);
  const o = JSON.parse(r.stdout) as { records: number; remoteFaults: number; zeroFills: number; cpuMs: number };
  return { ms: o.cpuMs, faults: o.remoteFaults, zeroFills: o.zeroFills, records: o.records, faultNs: like.faultNs };
}

/** Traces shorter than this get no marginal rate (but for smoke sizes). */
const MARGINAL_RECORDS = 4_000_000;

export interface NativeRequest {
  /** records of the generated trace (its half is the shorter length) */
  records: number;
  /** repeats of the wasm and native runs, the fastest counted (the reference runs once) */
  repeats: number;
  /** trace files to measure besides the generated one */
  traces: string[];
  log: (line: string) => void;
}

/** A built-in workload with the passes that give at least `records` records (records
 * grow linearly with the passes; the first also fills the arrays). */
export async function workloadWithRecords(workload: string, memory: string, records: number): Promise<{ w: Workload; iterations: number }> {
  const passes = async (iterations: number) => scenarioWorkload(resolveOptions({ workload, memory, iterations }));
  const [r1, r2] = [(await passes(1)).records, (await passes(2)).records];
  const iterations = Math.max(1, Math.ceil(1 + (records - r1) / (r2 - r1)));
  return { w: await passes(iterations), iterations };
}

/** The generated trace: the `stream` kernel (HPCC's STREAM triad over three arrays). */
async function generatedWorkload(records: number): Promise<Workload> {
  return (await workloadWithRecords("stream", "256MiB", records)).w;
}

export async function runNative(req: NativeRequest): Promise<{ rows: NativeRow[]; note?: string }> {
  const built = buildNative();
  const note = "skipped" in built ? built.skipped : undefined;
  if (note) req.log(`native: ${note}`);
  const dir = mkdtempSync(join(tmpdir(), "ampom-native-"));
  const rows: NativeRow[] = [];
  try {
    const sources: Array<{ label: string; w: Workload; records: number }> = [];
    const gen = await generatedWorkload(req.records);
    sources.push({ label: `generated (stream kernel)`, w: gen, records: Math.min(gen.records, req.records) });
    for (const t of req.traces) {
      const w = openAmt(t);
      sources.push({ label: basename(t), w, records: w.records });
    }
    for (const src of sources) {
      // both lengths as amt v2 (a v1 trace is re-encoded): the whole and its first half
      const full = join(dir, "full.amt");
      const half = join(dir, "half.amt");
      writeAmtV2(src.w, full, src.records);
      writeAmtV2(src.w, half, Math.floor(src.records / 2));
      const sizes = [half, full];
      // the same records as amt v1, read the way every trace was before v2
      const v1Sizes = [join(dir, "half.v1.amt"), join(dir, "full.v1.amt")];
      writeAmtV2(src.w, v1Sizes[1], src.records, 1);
      writeAmtV2(src.w, v1Sizes[0], Math.floor(src.records / 2), 1);
      const t: Record<string, Timed[][]> = { wasm: [[], []], wasmV1: [[], []], reference: [[], []], native: [[], []] };
      await simulatorRun(half, "wasm"); // warm-up: compilation, first touches
      for (let r = 0; r < req.repeats; r++) {
        for (let k = 0; k < 2; k++) {
          const wasm = await simulatorRun(sizes[k], "wasm");
          t.wasm[k].push(wasm);
          t.wasmV1[k].push(await simulatorRun(v1Sizes[k], "wasm"));
          if (!note && "path" in built) t.native[k].push(nativeRun(built.path, sizes[k], wasm));
        }
      }
      for (let k = 0; k < 2; k++) t.reference[k].push(await simulatorRun(sizes[k], "reference"));
      const records = [t.wasm[0][0].records, t.wasm[1][0].records];
      // the least disturbed repeat: a marginal rate is the difference of two short runs,
      // and on a shared machine a run is only ever slowed down by its neighbours
      const ms = (core: string, k: number) => Math.min(...t[core][k].map((x) => x.ms));
      // null: not measured (no compiler), or a trace too short for its two lengths to
      // time apart (a few milliseconds each)
      const endToEnd = (core: string) => (t[core][1].length && ms(core, 1) > 0 ? (records[1] * 1000) / ms(core, 1) : null);
      const marginal = (core: string) =>
        t[core][1].length && ms(core, 1) > ms(core, 0) && (records[1] >= MARGINAL_RECORDS || req.records < MARGINAL_RECORDS)
          ? ((records[1] - records[0]) * 1000) / (ms(core, 1) - ms(core, 0))
          : null;
      const ratio = (a: number | null, b: number | null) => (a !== null && b !== null ? a / b : null);
      const same = (core: string) => t[core][1].every((x) => x.faults === t.wasm[1][0].faults && x.zeroFills === t.wasm[1][0].zeroFills && x.records === records[1]);
      const row: NativeRow = {
        trace: src.label,
        records: records[1],
        bytesPerRecordV1: statSync(v1Sizes[1]).size / records[1],
        bytesPerRecordV2: statSync(full).size / records[1],
        wasm: endToEnd("wasm"),
        wasmV1: endToEnd("wasmV1"),
        wasmV1Marginal: marginal("wasmV1"),
        reference: endToEnd("reference"),
        native: endToEnd("native"),
        wasmMarginal: marginal("wasm"),
        referenceMarginal: marginal("reference"),
        nativeMarginal: marginal("native"),
        wasmOfNative: ratio(marginal("wasm"), marginal("native")),
        wasmOfReference: ratio(marginal("wasm"), marginal("reference")),
        sameFaults: same("reference") && same("wasmV1") && (note !== undefined || same("native")),
      };
      rows.push(row);
      req.log(`native: ${src.label} done (${records[1]} records)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows, note };
}
