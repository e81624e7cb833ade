// Workload registry: a built-in name maps to a factory. A new workload is one file
// plus one line here.
import { shown } from "../util/errors.js";
import type { Workload, WorkloadOptions } from "./types.js";
import { randomWorkload, sequentialWorkload } from "./synthetic.js";
import { streamWorkload } from "./hpcc/stream.js";
import { randomAccessWorkload } from "./hpcc/randomaccess.js";
import { ptransWorkload } from "./hpcc/ptrans.js";
import { dgemmWorkload } from "./hpcc/dgemm.js";
import { hplWorkload } from "./hpcc/hpl.js";
import { fftWorkload } from "./hpcc/fft.js";
import { beffWorkload } from "./hpcc/beff.js";

export interface WorkloadInfo {
  name: string;
  description: string;
  /** its records depend on the seed (it draws at random); the others' do not, so a
   * spread over seeds of one of them is none (`--seed`'s help names these) */
  seeded?: true;
  create(o: WorkloadOptions): Workload;
}

export const workloads: Record<string, WorkloadInfo> = {
  sequential: { name: "sequential", description: "ascending sweeps over one array", create: sequentialWorkload },
  random: { name: "random", description: "uniform random pages of one array", seeded: true, create: randomWorkload },
  stream: { name: "stream", description: "HPCC STREAM: ten passes of Copy, Scale, Add, Triad over three arrays", create: streamWorkload },
  randomaccess: { name: "randomaccess", description: "HPCC RandomAccess: 4 x TableSize updates from HPCC's own sequence", seeded: true, create: randomAccessWorkload },
  ptrans: { name: "ptrans", description: "HPCC PTRANS: C = A^T + C on one process, five times", create: ptransWorkload },
  dgemm: { name: "dgemm", description: "HPCC DGEMM: C = a A B + b C through a packed, blocked dgemm", create: dgemmWorkload },
  hpl: { name: "hpl", description: "HPCC HPL: right-looking LU, NB = 80, recursive panels, row swaps, dgemm update", seeded: true, create: hplWorkload },
  fft: { name: "fft", description: "HPCC FFT: FFTE's six-step zfft1d, forward and inverse", create: fftWorkload },
  beff: { name: "beff", description: "HPCC b_eff: one process's ping-pongs and rings, 8 B and 2 MB messages", create: beffWorkload },
};

/** The HPC Challenge kernels, in the paper's order; the other built-ins are synthetic. */
export const HPCC_KERNELS = ["stream", "randomaccess", "ptrans", "dgemm", "hpl", "fft", "beff"];

/** Refuses a kernel list (the `kernels` option, `--kernels` on the command line) that
 * names a workload nobody registered, or that is not a list: from plain JavaScript a lone
 * name would be read a letter at a time ("unknown kernel \"s\""). */
export function checkKernelNames(names: readonly string[]): void {
  if (!Array.isArray(names)) throw new Error(`option kernels (--kernels): must be a list of kernel names, got ${shown(names)}`);
  for (const n of names) {
    if (!Object.hasOwn(workloads, n)) throw new Error(`option kernels (--kernels): unknown kernel "${n}" (built-in: ${Object.keys(workloads).join(", ")})`);
  }
}

/** The built-in workloads whose records depend on the seed. */
export function seededWorkloads(): string[] {
  return Object.values(workloads).filter((w) => w.seeded).map((w) => w.name);
}

export function workloadNames(): string[] {
  return Object.keys(workloads);
}
