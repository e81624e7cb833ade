// End-to-end throughput: records per second of one whole simulation
// (runScenario with baselines: false, as `ampom run --no-baselines`) on every built-in
// workload and every committed trace, on both cores, set against a floor: the same
// records merely streamed through memory, which no simulator of them can beat.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { resolveOptions, type Scenario } from "../src/sim/options.js";
import { runScenario, scenarioWorkload } from "../src/sim/simulate.js";
import type { Metrics } from "../src/sim/metrics.js";
import { policies } from "../src/policies/registry.js";
import { workloadNames } from "../src/workloads/registry.js";
import type { Workload } from "../src/workloads/types.js";
import type { BenchSizes, EndToEndRow } from "./types.js";

const fixtures = fileURLToPath(new URL("../test/fixtures/", import.meta.url));

/** Built-in workloads, then committed real traces. */
export function endToEndWorkloads(): string[] {
  const traces = existsSync(fixtures)
    ? readdirSync(fixtures).filter((f) => f.endsWith(".amt")).sort().map((f) => join(fixtures, f))
    : [];
  return [...workloadNames(), ...traces];
}

function isTrace(name: string): boolean {
  return !workloadNames().includes(name);
}

/** The paper's policy once it exists; demand paging before. */
export function endToEndPolicy(): string {
  return policies.ampom ? "ampom" : "none";
}

/** Reads every field of the first `n` records once. Kept apart from the stream loop so
 * that it stays monomorphic and optimised whatever stream classes the bench has seen. */
function sumChunk(pages: Uint32Array, gaps: Uint32Array, flags: Uint8Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + pages[i] + gaps[i] + flags[i]) | 0;
  return s;
}

/** The floor: fill chunks of the scenario's size from the workload's stream and read
 * every field of every record once. Returns [records, checksum]. */
export function streamRecords(w: Workload, chunk: number): [number, number] {
  const pages = new Uint32Array(chunk);
  const gaps = new Uint32Array(chunk);
  const flags = new Uint8Array(chunk);
  const stream = w.open();
  let records = 0;
  let sum = 0;
  for (;;) {
    const n = stream.fill(pages, gaps, flags, chunk);
    if (n === 0) break;
    sum = (sum + sumChunk(pages, gaps, flags, n)) | 0;
    records += n;
  }
  stream.close?.();
  return [records, sum];
}

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

/** A full collection, then a pause for the collector's background threads, whose CPU
 * time would otherwise count against the next timed run. */
async function settle(): Promise<void> {
  collect();
  await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Process CPU time (user + system), ms: on a machine shared with other jobs this
 * moves far less than the wall clock, which counts the time spent waiting for a core. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Metrics with the core's name blanked: what must match between cores. */
function comparable(m: Metrics): string {
  return JSON.stringify({ ...m, core: "" });
}

export async function runEndToEnd(s: BenchSizes, log: (line: string) => void, only?: string[]): Promise<EndToEndRow[]> {
  const rows: EndToEndRow[] = [];
  const policy = endToEndPolicy();
  for (const name of only ?? endToEndWorkloads()) {
    let passes = s.iterations;
    const scenario = (core: "wasm" | "reference"): Scenario =>
      resolveOptions({
        workload: name,
        // a trace's footprint and length are its own: the generator options are refused with it
        ...(isTrace(name) ? {} : { memory: s.memory, iterations: passes }),
        policy,
        core,
        baselines: false,
      });
    let base = scenario("wasm");
    let workload: Workload;
    try {
      workload = await scenarioWorkload(base);
      // a workload with few records per pass gets more passes, so that one run is
      // long enough to time (traces have a fixed length)
      if (passes !== undefined && workload.records < s.minRecords && !isTrace(name)) {
        passes = Math.ceil((passes * s.minRecords) / Math.max(1, workload.records));
        base = scenario("wasm");
        workload = await scenarioWorkload(base);
      }
    } catch (e) {
      log(`e2e: skipping ${name}: ${(e as Error).message}`);
      continue;
    }
    const times: Record<string, number[]> = { floor: [], wasm: [], reference: [] };
    const seen: Record<string, string> = {};
    let records = 0;
    const timeRun = async (core: "wasm" | "reference", timed: boolean): Promise<void> => {
      const t1 = cpuMs();
      const m = await runScenario(scenario(core), workload);
      if (timed) times[core].push(cpuMs() - t1);
      seen[core] = comparable(m);
      if (m.records !== records) throw new Error(`bench: ${name} on ${core} replayed ${m.records} of ${records} records`);
    };
    // garbage of the previous workload (the reference core allocates) collected now,
    // and its background sweeping given time to finish, off every clock
    await settle();
    records = streamRecords(workload, base.chunkRecords)[0];
    if (s.repeats > 1) await timeRun("wasm", false); // warm-up: compile and first touches
    for (let r = 0; r < s.repeats; r++) {
      const t0 = cpuMs();
      streamRecords(workload, base.chunkRecords);
      times.floor.push(cpuMs() - t0);
      await timeRun("wasm", true);
    }
    // the reference last: what it leaves for the collector lands on no other clock
    if (s.repeats > 1) await timeRun("reference", false);
    for (let r = 0; r < s.repeats; r++) await timeRun("reference", true);
    const rate = (k: string) => (records * 1000) / median(times[k]);
    const wasm = rate("wasm");
    const reference = rate("reference");
    const floor = rate("floor");
    const label = name.startsWith(fixtures) ? name.slice(fixtures.length) : name;
    rows.push({
      workload: label,
      policy,
      records,
      wasm,
      reference,
      floor,
      ratio: wasm / reference,
      wasmOfFloor: wasm / floor,
      referenceOfFloor: reference / floor,
      identical: seen.wasm === seen.reference,
    });
    log(`e2e: ${label} done (${records} records)`);
  }
  return rows;
}
