import { planCompare } from "../main/src/sim/compare.js";
import { runScenario, runScenarios } from "../main/src/sim/simulate.js";
import { generatedWorkload, writeAmtV2 } from "../main/bench/native.js";
import { existsSync } from "node:fs";
const file = "/tmp/k9-gen.amt";
if (!existsSync(file)) { const gen = await generatedWorkload(32_000_000); writeAmtV2(gen, file, Math.min(gen.records, 32_000_000)); }
const plan = await planCompare({ workload: file, mechanisms: ["lightweight"] });
const w = plan.workload;
await runScenario(plan.runs[0].scenario, w);
for (const r of plan.runs) {
  const t0 = performance.now();
  await runScenario(r.scenario, w);
  console.log(JSON.stringify({mech: r.scenario.mechanism, pol: r.scenario.policy, push: (r.scenario as any).pushOrder}).slice(0,120), ((performance.now()-t0)/1000).toFixed(3));
}
const t0 = performance.now();
await runScenarios(w, plan.runs);
console.log("shared", ((performance.now()-t0)/1000).toFixed(3));
