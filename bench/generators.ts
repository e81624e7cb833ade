// Generator speed: records per second each HPCC kernel's generator hands out through
// fill() in 64 Ki-record chunks, at the bench mode's memory (256 MiB by default, the
// paper's size), best of the mode's repeats. The goal is at least 100 M records/s for
// every kernel (issue 11): at 256 MiB HPL streams hundreds of millions of records per
// simulation. Run with `npm run bench -- --only generators`.
import { workloads } from "../src/workloads/registry.js";
import type { Workload } from "../src/workloads/types.js";
import { SIZES, type BenchMode, type GeneratorRow } from "./types.js";
import { parseSize } from "../src/util/units.js";

export const GENERATOR_KERNELS = ["stream", "randomaccess", "ptrans", "dgemm", "hpl", "fft", "beff"];
/** records per second every kernel's generator should reach */
export const GENERATOR_GOAL = 100e6;


/** Streams the whole workload once; returns [records, seconds]. */
function drain(w: Workload): [number, number] {
  const size = 1 << 16;
  const pages = new Uint32Array(size), gaps = new Uint32Array(size), flags = new Uint8Array(size);
  const s = w.open();
  const t0 = performance.now();
  let n = 0;
  for (;;) {
    const k = s.fill(pages, gaps, flags, size);
    if (k === 0) break;
    n += k;
  }
  const seconds = (performance.now() - t0) / 1000;
  s.close?.();
  return [n, seconds];
}

export function runGenerators(mode: BenchMode, log: (line: string) => void = () => {}): GeneratorRow[] {
  const s = SIZES[mode];
  const memoryBytes = parseSize("memory", s.memory === "1GiB" ? "256MiB" : s.memory);
  const rows: GeneratorRow[] = [];
  for (const kernel of GENERATOR_KERNELS) {
    const w = workloads[kernel].create({ memoryBytes, pageSize: 4096, seed: 1, workingSet: 1 });
    let best = 0;
    let records = 0;
    for (let r = 0; r < s.repeats; r++) {
      const [n, seconds] = drain(w);
      records = n;
      best = Math.max(best, n / Math.max(seconds, 1e-9));
    }
    log(`generators: ${kernel} ${records} records, ${(best / 1e6).toFixed(1)} M/s`);
    rows.push({ kernel, records, rate: best });
  }
  return rows;
}

/** The generator table for the bench report. */
export function formatGenerators(rows: GeneratorRow[]): string {
  const lines = ["kernel        records        M records/s  goal (100 M/s)", "------------  -------------  -----------  --------------"];
  for (const r of rows) {
    lines.push(`${r.kernel.padEnd(12)}  ${r.records.toLocaleString("en-US").padStart(13)}  ${(r.rate / 1e6).toFixed(1).padStart(11)}  ${r.rate >= GENERATOR_GOAL ? "met" : "MISSED"}`);
  }
  return lines.join("\n");
}
