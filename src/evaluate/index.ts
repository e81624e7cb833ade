// The evaluation: every configuration on the trace corpus and the HPCC kernels.
export { checkFocus, defaultFocus, evaluate, runFiles, summarise, unusedPages, OURS, type Evaluation, type EvaluateOptions, type EvalRun, type WorkloadSummary, type ConfigStanding } from "./evaluate.js";
export { allConfigs, evalRunOptions, corpusWorkloads, defaultManifest, kernelWorkloads, parseCondition, parseConditions, planSweeps, HPCC_KERNELS, DEFAULT_CONDITIONS, DEFAULT_KERNEL_MEMORY, DEFAULT_POINTS, DEMAND_ID, ORACLE_ID, type EvalConfig, type EvalCondition, type EvalWorkload, type EvalPlan } from "./plan.js";
export { evaluationText } from "./tables.js";
export { checkReportInputs, evaluationFigures, evaluationHtml, writeEvaluationReport } from "./report.js";
