// The second half of scripts/calibrate-cpu.sh: reads the hpccoutf.txt files of the
// native runs, takes each kernel's best rate per size (Star and Single runs of a test
// are the same code on one process; the best of several runs is the machine's speed
// with the least interference on a shared machine), checks that HPCC chose the sizes
// the generators compute, derives the time per access for `host` and `2008` and writes
// src/workloads/hpcc/cpu-calibration.ts. Prints the calibration table.
//   npx tsx scripts/calibrate-cpu.ts --dir DIR --at 256 [--blas PATH]
// --rederive works the constants out again from the committed calibration's
// measurements (hpcc's measured times, ERA_2008's rates) without running hpcc: for when
// ERA_2008's sources, a generator's accesses or the way the core charges work change:
//   npx tsx scripts/calibrate-cpu.ts --rederive
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { scriptArgs, scriptFail } from "../src/util/script-args.js";
import { workloads } from "../src/workloads/registry.js";
import { ERA_2008, timedAccesses, type Calibration, type KernelCalibration } from "../src/workloads/hpcc/cpu.js";
import { CALIBRATION } from "../src/workloads/hpcc/cpu-calibration.js";
import { hpccN } from "../src/workloads/hpcc/common.js";
import { dgemmN } from "../src/workloads/hpcc/dgemm.js";
import { fftN } from "../src/workloads/hpcc/fft.js";
import { ptransN } from "../src/workloads/hpcc/ptrans.js";
import { randomAccessLogTable } from "../src/workloads/hpcc/randomaccess.js";
import { STREAM_NTIMES, streamElements } from "../src/workloads/hpcc/stream.js";
import { writeFileAtomic } from "../src/util/atomic-file.js";

const { values } = scriptArgs("calibrate-cpu", {
  options: { dir: { type: "string" }, at: { type: "string", default: "256" }, blas: { type: "string", default: "unknown" }, rederive: { type: "boolean", default: false } },
});
if (!values.dir && !values.rederive) scriptFail("calibrate-cpu", "--dir DIR (the runs) or --rederive is required");
const MiB = 2 ** 20;
const KERNELS = ["stream", "randomaccess", "ptrans", "dgemm", "hpl", "fft"] as const;
type Kernel = (typeof KERNELS)[number];

/** key=value lines of HPCC's summary section */
function summary(file: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^([A-Za-z_]+)=([-+0-9.eE]+)$/.exec(line.trim());
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

/** work of the timed section (its unit as ERA_2008's) and the time it took at the best rates */
function measured(k: Kernel, runs: Array<Record<string, number>>): { work: number; timeNs: number; rate: number; size: number } {
  const best = (...keys: string[]) => Math.max(...runs.flatMap((r) => keys.map((key) => r[key] ?? -Infinity)));
  const r0 = runs[0];
  switch (k) {
    case "hpl": {
      const n = r0.HPL_N;
      const work = (2 / 3) * n ** 3 + 1.5 * n ** 2;
      const rate = best("HPL_Tflops") * 1e12;
      return { work, rate, timeNs: (work / rate) * 1e9, size: n };
    }
    case "dgemm": {
      const n = r0.DGEMM_N;
      const rate = best("StarDGEMM_Gflops", "SingleDGEMM_Gflops") * 1e9;
      return { work: 2 * n ** 3, rate, timeNs: ((2 * n ** 3) / rate) * 1e9, size: n };
    }
    case "stream": {
      const n = r0.STREAM_VectorSize;
      // the ten passes of the four operations, each at its own best rate
      const ops: Array<[string, number]> = [["Copy", 16], ["Scale", 16], ["Add", 24], ["Triad", 24]];
      let t = 0;
      for (const [op, bytes] of ops) t += (STREAM_NTIMES * bytes * n) / (best(`StarSTREAM_${op}`, `SingleSTREAM_${op}`) * 1e9);
      const work = STREAM_NTIMES * 80 * n;
      return { work, rate: work / t, timeNs: t * 1e9, size: n };
    }
    case "randomaccess": {
      const n = r0.RandomAccess_N;
      const rate = best("StarRandomAccess_GUPs", "SingleRandomAccess_GUPs") * 1e9;
      return { work: 4 * n, rate, timeNs: ((4 * n) / rate) * 1e9, size: n };
    }
    case "fft": {
      const n = r0.FFT_N;
      const work = 5 * n * Math.log2(n);
      const rate = best("StarFFT_Gflops", "SingleFFT_Gflops") * 1e9;
      return { work, rate, timeNs: (work / rate) * 1e9, size: n };
    }
    case "ptrans": {
      const n = r0.PTRANS_n;
      const rate = best("PTRANS_GBs") * 1e9;
      return { work: 8 * n * n, rate, timeNs: ((8 * n * n) / rate) * 1e9, size: n };
    }
  }
}

/** the size the generator computes, to compare with HPCC's */
function generatorSize(k: Kernel, mem: number): number {
  switch (k) {
    case "hpl": return hpccN(mem);
    case "dgemm": return dgemmN(mem);
    case "stream": return streamElements(mem);
    case "randomaccess": return 2 ** randomAccessLogTable(mem);
    case "fft": return fftN(mem);
    case "ptrans": return ptransN(mem);
  }
}

/** the time the core charges `accesses` at `ns` an access (to within 1 ns) */
const chargedNs = (accesses: number, ns: number) => Math.round(accesses * ns);

/** accesses of kernel k's timed section at mib MiB */
function accessesAt(k: Kernel, mib: number): number {
  return timedAccesses(workloads[k].create({ memoryBytes: mib * MiB, pageSize: 4096, seed: 1, workingSet: 1 }));
}

/** the `2008` constant of kernel k: its timed section (this many accesses) does `work` at ERA_2008's rate */
function era2008(k: Kernel, work: number, accesses: number): Pick<KernelCalibration, "era2008Rate" | "era2008Ns" | "era2008TimeNs"> {
  const eraNs = (work / ERA_2008[k].rate) * 1e9;
  return { era2008Rate: ERA_2008[k].rate, era2008Ns: eraNs / accesses, era2008TimeNs: Math.round(eraNs) };
}

/** writes cpu-calibration.ts; rederived is when the constants were last worked out from its measurements, if not when measured */
function write(cal: Calibration, runs: number, rederived?: string): void {
  const eraLine = rederived ? `\n// Constants re-derived from these measurements and ERA_2008 (cpu.ts) on ${rederived} (calibrate-cpu.ts --rederive).` : "";
  const out = `// Generated by scripts/calibrate-cpu.sh (scripts/calibrate-cpu.ts) on ${cal.date}: do not edit.
// hpcc 1.5 (Debian) run natively as an MPI singleton on ${cal.machine};
// best of ${runs} runs per size. See cpu.ts for how the constants are used.${eraLine}
import type { Calibration } from "./cpu.js";

export const CALIBRATION: Calibration = ${JSON.stringify(cal, null, 2)};
`;
  writeFileAtomic("src/workloads/hpcc/cpu-calibration.ts", out);
}

function printEra(cal: Calibration): void {
  console.log("kernel        basis     2008 rate             ns/access   timed section");
  for (const k of KERNELS) {
    const c = cal.kernels[k];
    console.log(
      `${k.padEnd(13)} ${ERA_2008[k].basis.padEnd(9)} ${c.era2008Rate.toExponential(4)} ${ERA_2008[k].unit.padEnd(9)} ${c.era2008Ns.toFixed(4).padStart(9)}   ${(c.era2008TimeNs / 1e6).toFixed(1).padStart(8)} ms`,
    );
  }
}

if (values.rederive) {
  const cal: Calibration = structuredClone(CALIBRATION);
  for (const r of cal.table) {
    r.accesses = accessesAt(r.kernel as Kernel, r.memoryMiB);
    r.nsPerAccess = r.measuredNs / r.accesses;
  }
  for (const k of KERNELS) {
    const c = cal.kernels[k];
    const row = cal.table.find((r) => r.kernel === k && r.memoryMiB === cal.calibratedMemoryMiB)!;
    Object.assign(c, { hostNs: row.nsPerAccess }, era2008(k, c.work, row.accesses));
  }
  for (const r of cal.table) r.simulatedNs = chargedNs(r.accesses, cal.kernels[r.kernel].hostNs);
  const runs = Math.max(...cal.table.map((r) => r.runs));
  write(cal, runs, new Date().toISOString().slice(0, 10));
  console.log(`host measurements kept: ${cal.machine}, ${cal.date}`);
  printEra(cal);
  process.exit(0);
}

const bySize = new Map<number, Array<Record<string, number>>>();
for (const d of readdirSync(values.dir!)) {
  const m = /^(\d+)-\d+$/.exec(d);
  if (!m) continue;
  const s = summary(join(values.dir!, d, "hpccoutf.txt"));
  if (s.MemProc !== Number(m[1])) throw new Error(`${d}: MemProc=${s.MemProc}, expected ${m[1]}`);
  bySize.set(Number(m[1]), [...(bySize.get(Number(m[1])) ?? []), s]);
}
const at = Number(values.at);
if (!bySize.has(at)) throw new Error(`calibrate-cpu: no runs at ${at} MiB (have ${[...bySize.keys()].join(", ")})`);

interface Row { kernel: Kernel; memoryMiB: number; runs: number; size: number; rate: number; measuredNs: number; accesses: number; nsPerAccess: number }
const rows: Row[] = [];
for (const [mib, runs] of [...bySize].sort((a, b) => a[0] - b[0])) {
  for (const k of KERNELS) {
    const m = measured(k, runs);
    const gen = generatorSize(k, mib * MiB);
    if (gen !== m.size) throw new Error(`${k} at ${mib} MiB: HPCC chose ${m.size}, the generator ${gen}`);
    const accesses = accessesAt(k, mib);
    rows.push({ kernel: k, memoryMiB: mib, runs: runs.length, size: m.size, rate: m.rate, measuredNs: m.timeNs, accesses, nsPerAccess: m.timeNs / accesses });
  }
}

const kernels: Record<string, KernelCalibration> = {};
for (const k of KERNELS) {
  const row = rows.find((r) => r.kernel === k && r.memoryMiB === at)!;
  const m = measured(k, bySize.get(at)!);
  kernels[k] = {
    memoryMiB: at,
    size: row.size,
    work: m.work,
    unit: ERA_2008[k].unit,
    hostRate: m.rate,
    hostNs: row.nsPerAccess,
    hostTimeNs: Math.round(m.timeNs),
    ...era2008(k, m.work, row.accesses),
  };
}
// how the committed constant does at every measured size
const table = rows.map((r) => ({ ...r, simulatedNs: chargedNs(r.accesses, kernels[r.kernel].hostNs) }));

const machine = `${cpus()[0]?.model ?? "unknown"} (${cpus().length} cores), BLAS ${values.blas}`;
const date = new Date().toISOString().slice(0, 10);
const cal: Calibration = { machine, date, calibratedMemoryMiB: at, kernels, table };
write(cal, bySize.get(at)!.length);
console.log(`machine: ${machine}, ${date}`);
console.log("kernel        MiB  size       rate            measured      ns/access   simulated (committed constant)");
for (const r of table) {
  const unit = ERA_2008[r.kernel].unit;
  console.log(
    `${r.kernel.padEnd(13)} ${String(r.memoryMiB).padStart(4)}  ${String(r.size).padEnd(9)}  ${r.rate.toExponential(3)} ${unit.padEnd(9)} ${(r.measuredNs / 1e6).toFixed(1).padStart(9)} ms  ${r.nsPerAccess.toFixed(4).padStart(9)}   ${(r.simulatedNs / 1e6).toFixed(1).padStart(9)} ms`,
  );
}
printEra(cal);
