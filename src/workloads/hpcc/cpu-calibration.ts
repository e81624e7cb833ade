// Placeholder until scripts/calibrate-cpu.sh writes the measured constants.
export interface KernelCalibration {
  memoryMiB: number;
  size: number;
  work: number;
  unit: string;
  hostRate: number;
  hostNs: number;
  hostTimeNs: number;
  era2008Rate: number;
  era2008Ns: number;
  era2008TimeNs: number;
}

export const CALIBRATION: {
  machine: string;
  date: string;
  calibratedMemoryMiB: number;
  kernels: Record<string, KernelCalibration>;
  table: Array<{ kernel: string; memoryMiB: number; runs: number; size: number; rate: number; measuredNs: number; accesses: number; nsPerAccess: number; simulatedNs: number }>;
} = { machine: "", date: "", calibratedMemoryMiB: 0, kernels: {}, table: [] };
