// Sweeps: grids of runs on worker threads, resumable, shardable, mergeable.
export { sweep, type SweepOptions, type SweepProgress, type SweepSummary } from "./sweep.js";
export { mergeSweep, type MergeOptions, type MergeSummary } from "./merge.js";
export { loadSweepConfig, planSweep, type SweepConfig, type SweepPlan, type SweepRun } from "./config.js";
export { parseShard, slurmShard, type Shard } from "./shard.js";
export { runKey, canonicalJson } from "./key.js";
export type { RunRecord } from "./results.js";
