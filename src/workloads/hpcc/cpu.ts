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
// the era rate in ERA_2008 (same derivation, another target time; DGEMM's and STREAM's
// rates are published measurements, the others estimates, each with its source there).
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
 * The 2008 core: one core of a 2007-2008 Gigabit-Ethernet cluster node, a dual-socket
 * Intel Xeon 5300/5400 (Core 2: 4 double-precision flops a cycle, so an E5345 at
 * 2.33 GHz peaks at 9.33 Gflop/s) on a 1333 MT/s front-side bus with DDR2-667 FB-DIMMs.
 * (No source found says which machines the AMPoM paper's own cluster had.)
 *
 * Measured: published single-core runs of the same benchmarks on such machines.
 * - dgemm: 8.56 Gflop/s = 10 x 2 x 2000^3 flops / 18.7 s. GotoBLAS 1.26, one thread, on a
 *   Xeon E5345 (2.33 GHz, 8 MB L2, 1333 MT/s bus, Fedora Core 9) ran ten C = 0.4C + 0.8AB
 *   at M = N = K = 2000 in 18.7 s: the table of Theano's BLAS check,
 *   theano/misc/check_blas.py in github.com/Theano/Theano (table added by F. Bastien,
 *   commit ae2dafef8, 2010-10-12; a 2007 CPU). 92% of peak.
 * - stream: 3.651 GB/s. STREAM 5.9 (gcc -O3, one OpenMP thread) on a dual-socket Xeon
 *   E5405 (Harpertown, 2.0 GHz, 1333 MT/s bus, 8 x 4 GB DDR2-667): the one-core column of
 *   the results table in README.rst of github.com/gregs1104/stream-scaling (G. Smith,
 *   commit e32c2a7, 2011-04-10; a 2007 CPU). The same table's one-socket Xeon E5420
 *   (2.5 GHz, DDR2-667) has 3.596 GB/s: on this bus one core's bandwidth hardly depends
 *   on its clock. The table gives one figure per thread count (Triad, or for one thread
 *   possibly Copy: the one full output shown, an i7-860's, has Copy there); Copy, Scale,
 *   Add and Triad are all charged at it, where the host calibration uses each one's rate.
 * Estimates: no published single-process measurement of such a node was found.
 * - hpl: 7.47 Gflop/s, 80% of peak. Two cross-checks: the measured dgemm above times this
 *   machine's HPL/DGEMM ratio at 256 MiB (42.55/49.43) gives 7.37; HPL 2.3 on a Core 2
 *   Quad Q8400 (2.66 GHz) ran 31.2 Gflop/s with 4 processes sharing one bus
 *   (github.com/geerlingguy/top500-benchmark issue 81, 2025): 7.8 a process, 73% of
 *   peak, 6.8 on an E5345 core.
 * - randomaccess: 0.01 GUP/s: one update per main-memory latency (about 100 ns).
 * - fft: 1.0 Gflop/s, FFTE at about 11% of peak (memory-bound transposes).
 * - ptrans: 0.3 GB/s, a transposition a page per element at the latency of STREAM's
 *   bus (one 8-byte element per 27 ns).
 */
export const ERA_2008: Record<string, { rate: number; unit: string; basis: "measured" | "estimate" }> = {
  hpl: { rate: 7.47e9, unit: "flop/s", basis: "estimate" },
  dgemm: { rate: (10 * 2 * 2000 ** 3) / 18.7, unit: "flop/s", basis: "measured" },
  stream: { rate: 3.651e9, unit: "B/s", basis: "measured" },
  randomaccess: { rate: 0.01e9, unit: "updates/s", basis: "estimate" },
  fft: { rate: 1.0e9, unit: "flop/s", basis: "estimate" },
  ptrans: { rate: 0.3e9, unit: "B/s", basis: "estimate" },
};

/** The calibrated time per access of built-in kernel `workload`, or undefined when it
 * is not one (a trace, a synthetic workload). */
export function kernelCpuNs(workload: string, cpu: CpuModel): number | undefined {
  if (workload === "beff") return BEFF_CPU_NS;
  const k = CALIBRATION.kernels[workload];
  if (!k) return undefined;
  return cpu === "host" ? k.hostNs : k.era2008Ns;
}

/** Accesses of the workload's timed section. The core charges a run's accesses times
 * the time per access, its running total rounded to the nanosecond, so the section takes
 * this many times the constant to within 1 ns, and the constant that makes it take a
 * measured time is that time over this count. */
export function timedAccesses(w: Workload): number {
  if (!w.timed) throw new Error(`workload ${w.name} has no timed section`);
  const { from, to } = w.timed;
  const s = w.open();
  const size = 1 << 16;
  const pages = new Uint32Array(size), gaps = new Uint32Array(size), flags = new Uint8Array(size);
  let at = 0;
  let accesses = 0;
  for (;;) {
    const n = s.fill(pages, gaps, flags, size);
    if (n === 0 || at >= to) break;
    for (let i = Math.max(0, from - at); i < Math.min(n, to - at); i++) accesses += gaps[i];
    at += n;
  }
  s.close?.();
  return accesses;
}
