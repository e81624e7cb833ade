// Shapes of the bench report (bench/results/latest.json) and the sizes of each mode.

export type BenchMode = "smoke" | "default" | "full";

export interface BenchSizes {
  mode: BenchMode;
  /** pages of the address space in microbenchmarks */
  pages: number;
  /** operations a microbenchmark sample replays */
  chunk: number;
  /** tinybench time budget and minimum iterations per task */
  microTimeMs: number;
  microIterations: number;
  /** data size of the end-to-end workloads */
  memory: string;
  /** passes over the data for generated workloads (undefined: the workload's default) */
  iterations?: number;
  /** end-to-end repetitions per core (the median is reported) */
  repeats: number;
  /** a generated workload with fewer records gets more passes */
  minRecords: number;
  /** records of the native anchor's generated trace */
  nativeRecords: number;
}

export const SIZES: Record<BenchMode, BenchSizes> = {
  smoke: { mode: "smoke", pages: 1 << 16, chunk: 4096, microTimeMs: 1, microIterations: 1, memory: "1MiB", iterations: 1, repeats: 1, minRecords: 0, nativeRecords: 200_000 },
  default: { mode: "default", pages: 1 << 18, chunk: 1 << 16, microTimeMs: 250, microIterations: 8, memory: "256MiB", iterations: 8, repeats: 3, minRecords: 1_000_000, nativeRecords: 32_000_000 },
  full: { mode: "full", pages: 1 << 20, chunk: 1 << 17, microTimeMs: 1000, microIterations: 16, memory: "1GiB", iterations: 8, repeats: 3, minRecords: 4_000_000, nativeRecords: 128_000_000 },
};

export interface MicroRow {
  name: string;
  /** what one operation is: a record replayed or a fault handled */
  op: string;
  /** operations per second */
  wasm: number;
  reference: number;
  /** wasm / reference */
  ratio: number;
}

export interface EndToEndRow {
  workload: string;
  policy: string;
  records: number;
  /** records per second of a whole runScenario(baselines: false) */
  wasm: number;
  reference: number;
  /** records per second of merely streaming the same records through memory */
  floor: number;
  ratio: number;
  wasmOfFloor: number;
  referenceOfFloor: number;
  /** both cores gave the same metrics */
  identical: boolean;
}

/** The native anchor (bench/native.ts): one trace, policy none, amt v2. */
export interface NativeRow {
  trace: string;
  records: number;
  /** bytes a record of the same records as amt v1 and v2 */
  bytesPerRecordV1: number;
  bytesPerRecordV2: number;
  // records per CPU-second; null where not measured (no C compiler) or where the two
  // lengths ran too close in time to tell apart (smoke sizes)
  /** end to end, the whole trace */
  wasm: number | null;
  /** the WebAssembly core on the same records as amt v1 (read, CRC-checked and copied in JavaScript) */
  wasmV1: number | null;
  reference: number | null;
  native: number | null;
  /** marginal: between the trace's first half and the whole */
  wasmMarginal: number | null;
  wasmV1Marginal: number | null;
  referenceMarginal: number | null;
  nativeMarginal: number | null;
  /** ratios of the marginal rates: wasm / native and wasm / reference */
  wasmOfNative: number | null;
  wasmOfReference: number | null;
  /** every run gave the same remote faults, zero-fills and records */
  sameFaults: boolean;
}

/** One HPCC kernel's generator speed (bench/generators.ts). */
export interface GeneratorRow {
  kernel: string;
  records: number;
  /** best records per second over the repeats */
  rate: number;
}

export interface PolicyModuleRow {
  workload: string;
  core: string;
  records: number;
  faults: number;
  /** records per CPU-second with the policy built into the core (linux-cluster) */
  builtIn: number;
  /** the same logic as a module the host runs (examples/swap-readahead-policy.ts) */
  module: number;
  /** module / builtIn */
  ratio: number;
  identical: boolean;
}

export interface BenchReport {
  schema: "ampom-bench/1";
  mode: BenchMode;
  startedAt: string;
  conditions: { node: string; cpus: number; loadavgBefore: number[]; loadavgAfter: number[]; seconds: number };
  micro: MicroRow[];
  endToEnd: EndToEndRow[];
  /** absent in reports from before the native anchor */
  native?: NativeRow[];
  /** why the native columns are empty, when they are */
  nativeNote?: string;
  /** absent in reports from before the generator part */
  generators?: GeneratorRow[];
  /** absent in reports made before the part existed */
  policyModule?: PolicyModuleRow[];
}
