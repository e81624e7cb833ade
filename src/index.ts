// The library: `import { simulate, compare } from "ampom"`.
export { simulate, runScenario, scenarioWorkload, type RunExtras, type SimulateExtras } from "./sim/simulate.js";
export { simulateCluster, clusterScenarioSchema, type ClusterScenario, type ClusterResult, type ClusterExtras } from "./sim/cluster-scenario.js";
export { pushOrders, type PushOrderName } from "./migration/push-orders/index.js";
export { compare, withBaselines, type CompareOptions, type CompareExtras, type Baselines } from "./sim/compare.js";
export {
  EventLog, EVENT_FAULT, EVENT_PREFETCH, EVENT_PUSH, EVENT_EAGER, EVENT_COPY, EVENT_ARRIVAL, EVENT_MIGRATE, EVENT_DONE,
  EVENT_NAMES, MIGRATE_STEPS, type EventKind, type EventSink,
} from "./sim/event-log.js";
export { EventFile, EventSection, withEventFile, type EventLabels } from "./sim/event-file.js";
export { resolveOptions, runOptionsSchema, type RunOptions, type Scenario } from "./sim/options.js";
export type { Metrics } from "./sim/metrics.js";
export type { BytesMoved } from "./sim/bytes.js";
export { createCore, CapacityError, type SimCore, type CoreKind, type CoreViews } from "./core/index.js";
export { workloads } from "./workloads/registry.js";
export type { Workload, WorkloadOptions, Region, RecordStream } from "./workloads/types.js";
export { policies } from "./policies/registry.js";
export { mechanisms } from "./migration/registry.js";
export { networkPresets } from "./network/presets.js";
export { sweep, mergeSweep, loadSweepConfig, planSweep, parseShard, runKey } from "./sweep/index.js";
export type { SweepOptions, SweepSummary, SweepProgress, SweepConfig, SweepPlan, SweepRun, Shard, RunRecord, MergeOptions, MergeSummary } from "./sweep/index.js";
export {
  loadPolicyModule, PolicyModuleError, type PolicyModule, type PolicyContext, type PolicyRegion,
  type PageState, type PolicyParamSpec,
} from "./policies/module.js";
export { PolicyViolation } from "./core/page-services.js";
export { checkPolicy, CHECK_WORKLOADS, type PolicyCheckOptions, type PolicyCheckReport, type CheckFinding, type CheckKind } from "./policies/check.js";
export { provenance, versionLine, type Provenance } from "./util/provenance.js";
export {
  evaluate, evaluationText, writeEvaluationReport, allConfigs, corpusWorkloads, kernelWorkloads, defaultManifest, parseConditions,
  DEFAULT_CONDITIONS, DEFAULT_POINTS, HPCC_KERNELS,
  type Evaluation, type EvaluateOptions, type EvalRun, type EvalConfig, type EvalCondition, type EvalWorkload, type EvalPlan,
} from "./evaluate/index.js";
export { reproduce, type ReproduceOptions, type ReproduceResults } from "./report/reproduce.js";
