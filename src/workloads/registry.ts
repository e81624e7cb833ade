// Workload registry: a built-in name maps to a factory. A new workload is one file
// plus one line here.
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
  create(o: WorkloadOptions): Workload;
}

export const workloads: Record<string, WorkloadInfo> = {
  sequential: { name: "sequential", description: "ascending sweeps over one array", create: sequentialWorkload },
  random: { name: "random", description: "uniform random pages of one array", create: randomWorkload },
  stream: { name: "stream", description: "HPCC STREAM: Copy, Scale, Add, Triad over three arrays", create: streamWorkload },
  randomaccess: { name: "randomaccess", description: "HPCC RandomAccess: GUPS updates of a 2^k-word table", create: randomAccessWorkload },
  ptrans: { name: "ptrans", description: "HPCC PTRANS: blocked A^T + B", create: ptransWorkload },
  dgemm: { name: "dgemm", description: "HPCC DGEMM: blocked C += A B", create: dgemmWorkload },
  hpl: { name: "hpl", description: "HPCC HPL: right-looking blocked LU with pivoting", create: hplWorkload },
  fft: { name: "fft", description: "HPCC FFT: radix-2 complex FFT, bit reversal and log2 n passes", create: fftWorkload },
  beff: { name: "beff", description: "HPCC b_eff: ping-pong messages in small buffers", create: beffWorkload },
};

export function workloadNames(): string[] {
  return Object.keys(workloads);
}
