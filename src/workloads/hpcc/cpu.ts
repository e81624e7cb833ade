// CPU time of the HPCC kernels: the time per memory access (gap unit) that makes a
// simulated kernel take the time the real benchmark takes.
//
// `host`: measured. scripts/calibrate-cpu.sh runs Debian's hpcc (HPC Challenge 1.5) on
// this machine at a few sizes and scripts/calibrate-cpu.ts derives, for each kernel,
// the time per access at which the simulated timed section (Workload.timed, run at
// home without migration) takes exactly the time HPCC reported; the constants, with
// the machine and date they came from, are in cpu-calibration.ts (generated).
// `2008`: the same kernels on a core of a 2008 Gigabit-Ethernet cluster node: the
// time per access at which the timed section takes the time the kernel's work takes at
// the era rate in ERA_2008 (same derivation, another target time).
// b_eff is not calibrated (HPCC runs no b_eff in one process): its accesses are charged
// at the gige-2008 link's pace (beff.ts), in both modes.
// Traces and the synthetic workloads: TRACE_CPU_NS, a parameter (--cpu-ns).
import { CALIBRATION } from "./cpu-calibration.js";
import type { Workload } from "../types.js";

export type CpuModel = "host" | "2008";

/** What scripts/calibrate-cpu.ts measured and derived for one kernel. */
export interface KernelCalibration {
  memoryMiB: number;
  /** HPCC's problem size at that memory (N, n, table words, points) */
  size: number;
  /** the timed section's work in `unit` units (flops, bytes, updates) */
  work: number;
  unit: string;
  hostRate: number;
  hostNs: number;
  hostTimeNs: number;
  era2008Rate: number;
  era2008Ns: number;
  era2008TimeNs: number;
}

/** The committed calibration (cpu-calibration.ts, generated). */
export interface Calibration {
  machine: string;
  date: string;
  calibratedMemoryMiB: number;
  kernels: Record<string, KernelCalibration>;
  /** every kernel at every measured size, with the committed constant's simulated time */
  table: Array<{ kernel: string; memoryMiB: number; runs: number; size: number; rate: number; measuredNs: number; accesses: number; nsPerAccess: number; simulatedNs: number }>;
}
export const CPU_MODELS: CpuModel[] = ["host", "2008"];

/** Time per access of traces and synthetic workloads unless --cpu-ns says otherwise:
 * about one memory reference per nanosecond, the order of a 2 GHz core running mixed
 * code at an IPC near one with a third of its instructions memory references. */
export const TRACE_CPU_NS = 1;

/** b_eff's time per access: one 8-byte word at 1 Gb/s (beff.ts). */
export const BEFF_CPU_NS = 64;

/**
 * The 2008 core: per-kernel rates of one core of a 2008 cluster node (Intel Xeon
 * E5345, Core 2 at 2.33 GHz: 4 double-precision flops a cycle, 9.33 Gflop/s peak;
 * 1333 MT/s front-side bus). Estimates from the hardware, each with its reasoning
 * (no published HPCC run of such a node was at hand to take them from):
 * - hpl: 80% of peak, what HPL reaches on one Core 2 core with GotoBLAS;
 * - dgemm: 90% of peak, GotoBLAS's dgemm efficiency on Core 2 (Goto and van de Geijn,
 *   ACM TOMS 34(3), 2008, report about 90% on the Core 2 and Opteron of the time);
 * - stream: 3.5 GB/s, a third of the bus's 10.7 GB/s, the share one core sustains;
 * - randomaccess: 0.01 GUP/s: one update per main-memory latency (about 100 ns);
 * - fft: 1.0 Gflop/s, FFTE at about 11% of peak (memory-bound transposes);
 * - ptrans: 0.3 GB/s, a transposition a page per element at the latency of STREAM's
 *   bus (one 8-byte element per 27 ns).
 */
export const ERA_2008: Record<string, { rate: number; unit: string }> = {
  hpl: { rate: 7.47e9, unit: "flop/s" },
  dgemm: { rate: 8.4e9, unit: "flop/s" },
  stream: { rate: 3.5e9, unit: "B/s" },
  randomaccess: { rate: 0.01e9, unit: "updates/s" },
  fft: { rate: 1.0e9, unit: "flop/s" },
  ptrans: { rate: 0.3e9, unit: "B/s" },
};

/** The calibrated time per access of built-in kernel `workload`, or undefined when it
 * is not one (a trace, a synthetic workload). */
export function kernelCpuNs(workload: string, cpu: CpuModel): number | undefined {
  if (workload === "beff") return BEFF_CPU_NS;
  const k = CALIBRATION.kernels[workload];
  if (!k) return undefined;
  return cpu === "host" ? k.hostNs : k.era2008Ns;
}

/** Gap values of the timed section and how many records carry each. */
export function timedGapHistogram(w: Workload): Map<number, number> {
  const hist = new Map<number, number>();
  if (!w.timed) throw new Error(`workload ${w.name} has no timed section`);
  const { from, to } = w.timed;
  const s = w.open();
  const size = 1 << 16;
  const pages = new Uint32Array(size), gaps = new Uint32Array(size), flags = new Uint8Array(size);
  let at = 0;
  for (;;) {
    const n = s.fill(pages, gaps, flags, size);
    if (n === 0 || at >= to) break;
    for (let i = Math.max(0, from - at); i < Math.min(n, to - at); i++) hist.set(gaps[i], (hist.get(gaps[i]) ?? 0) + 1);
    at += n;
  }
  s.close?.();
  return hist;
}

/** Simulated time of records with these gaps at `ns` per access: the core charges each
 * record round(gap x ns) nanoseconds. */
export function workNs(hist: Map<number, number>, ns: number): number {
  let t = 0;
  for (const [gap, count] of hist) t += Math.floor(gap * ns + 0.5) * count;
  return t;
}

/** The time per access at which records with these gaps take `targetNs` (bisection:
 * workNs grows with ns). */
export function solveNs(hist: Map<number, number>, targetNs: number): number {
  let accesses = 0;
  for (const [gap, count] of hist) accesses += gap * count;
  let lo = 0;
  let hi = (4 * targetNs) / accesses + 1;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (workNs(hist, mid) < targetNs) lo = mid;
    else hi = mid;
  }
  return Math.abs(workNs(hist, lo) - targetNs) <= Math.abs(workNs(hist, hi) - targetNs) ? lo : hi;
}
