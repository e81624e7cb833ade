// What `ampom evaluate` runs: every workload (the corpus's real traces and the HPCC
// kernels) x every network condition x every migration point x every configuration
// (lightweight with each policy, post-copy with each push order). The runs themselves
// are sweeps (src/sweep): worker threads, one results file per sweep, resumable.
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { pushOrders, readsAhead, type PushOrderName } from "../migration/push-orders/index.js";
import { policies } from "../policies/registry.js";
import type { RunOptions } from "../sim/options.js";
import type { SweepConfig } from "../sweep/config.js";
import { workloads } from "../workloads/registry.js";

/** One way to migrate: a mechanism with a policy, or post-copy with a push order. */
export interface EvalConfig {
  /** the policy name for lightweight; `post-copy/ORDER` for post-copy */
  id: string;
  mechanism: "lightweight" | "post-copy";
  policy: string;
  pushOrder?: string;
  /** reads the trace ahead (the oracle and the set oracle, as policies and push orders): a
   * reference, not a contender */
  clairvoyant: boolean;
}

export interface EvalCondition {
  /** e.g. gige-2008, rdma-100g, gige-2008@80% */
  id: string;
  network: string;
  background: number;
}

export interface EvalWorkload {
  name: string;
  /** what --workload gets: a trace path or a kernel name */
  workload: string;
  kind: string;
  /** tuning or test for corpus traces; kernels for the HPCC kernels */
  group: "tuning" | "test" | "kernels";
  /** the kernels' --memory; traces have their own footprint */
  memory?: string;
}

export const DEMAND_ID = "none";
export const ORACLE_ID = "oracle";
export const GROUPS = ["tuning", "test", "kernels"] as const;
export const HPCC_KERNELS = ["stream", "randomaccess", "ptrans", "dgemm", "hpl", "fft", "beff"];
export const DEFAULT_POINTS = [0.25, 0.5, 0.75];
export const DEFAULT_CONDITIONS = ["gige-2008", "rdma-100g", "gige-2008@80%"];

/** Every policy with lightweight, then post-copy with every push order (registry order),
 * then each user's policy module given (`modules`: paths) with lightweight. */
export function allConfigs(modules: string[] = []): EvalConfig[] {
  const pull: EvalConfig[] = Object.values(policies).map((p) => ({
    id: p.name,
    mechanism: "lightweight",
    policy: p.name,
    clairvoyant: p.push !== undefined && readsAhead(p.push),
  }));
  const push: EvalConfig[] = (Object.keys(pushOrders) as PushOrderName[]).map((order) => ({
    id: `post-copy/${order}`,
    mechanism: "post-copy",
    policy: "none",
    pushOrder: order,
    clairvoyant: readsAhead(order),
  }));
  const own: EvalConfig[] = modules.map((path) => ({ id: path, mechanism: "lightweight", policy: path, clairvoyant: false }));
  return [...pull, ...push, ...own];
}

/** "gige-2008" or "gige-2008@80%" (background link utilisation). */
export function parseCondition(spec: string): EvalCondition {
  const m = /^([\w.-]+?)(?:@(\d+(?:\.\d+)?)%)?$/.exec(spec.trim());
  if (!m) throw new Error(`condition "${spec}": expected NETWORK or NETWORK@LOAD%, e.g. gige-2008@80%`);
  const background = m[2] === undefined ? 0 : Number(m[2]) / 100;
  if (!(background >= 0 && background < 1)) throw new Error(`condition "${spec}": the background load must be 0% to below 100%`);
  return { id: spec.trim(), network: m[1], background };
}

/** The conditions `specs` name, each once: gige-2008 and gige-2008@0% are one. */
export function parseConditions(specs: string[]): EvalCondition[] {
  const all = specs.map(parseCondition);
  return all.filter((c, i) => all.findIndex((d) => d.network === c.network && d.background === c.background) === i);
}

/** A path relative to the working folder when it is below it (results then read the
 * same in every clone), else absolute. */
function shortPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel.startsWith("..") || isAbsolute(rel) ? abs : rel;
}

/** The repository's corpus (src/evaluate and dist/evaluate are two folders below the root). */
export function defaultManifest(): string {
  return shortPath(fileURLToPath(new URL("../../corpus/manifest.json", import.meta.url)));
}

const manifestSchema = z.object({
  programs: z
    .array(z.object({ name: z.string().min(1), kind: z.string(), half: z.enum(["tuning", "test"]), file: z.string().min(1) }).passthrough())
    .min(1, "lists no programs"),
});

/** The corpus's traces, from its manifest (paths relative to the manifest's folder). */
export function corpusWorkloads(manifest: string, only?: string[]): EvalWorkload[] {
  if (!existsSync(manifest)) throw new Error(`${manifest}: no such corpus manifest (give --corpus, or run from the repository)`);
  let parsed: z.infer<typeof manifestSchema>;
  try {
    parsed = manifestSchema.parse(JSON.parse(readFileSync(manifest, "utf8")));
  } catch (err) {
    const detail = err instanceof z.ZodError ? `${err.issues[0].path.join(".")}: ${err.issues[0].message}` : (err as Error).message;
    throw new Error(`${manifest}: not a corpus manifest (${detail})`);
  }
  const names = parsed.programs.map((p) => p.name);
  // a name is a program's row in every table: two programs under one would be merged
  names.forEach((n, i) => {
    const first = names.indexOf(n);
    if (first < i) throw new Error(`${manifest}: programs[${i}].name: "${n}" is also the name of programs[${first}]`);
  });
  for (const n of only ?? []) if (!names.includes(n)) throw new Error(`corpus has no trace "${n}" (it has: ${names.join(", ")})`);
  const base = dirname(resolve(manifest));
  return parsed.programs.flatMap((p, i) => {
    if (only && !only.includes(p.name)) return [];
    const workload = shortPath(isAbsolute(p.file) ? p.file : join(base, p.file));
    if (!existsSync(workload)) throw new Error(`${manifest}: programs[${i}].file: ${workload}: no such file (program ${p.name})`);
    return [{ name: p.name, workload, kind: p.kind, group: p.half }];
  });
}

export function kernelWorkloads(names: string[], memory: string): EvalWorkload[] {
  for (const n of names) if (!(n in workloads)) throw new Error(`unknown kernel "${n}" (built-in: ${Object.keys(workloads).join(", ")})`);
  return names.map((n) => ({ name: n, workload: n, kind: "hpcc-kernel", group: "kernels", memory }));
}

/** The options of one run of the evaluation, as `ampom run` would take them. */
export function evalRunOptions(w: EvalWorkload, c: EvalConfig, condition: EvalCondition, migrateAt: number): RunOptions {
  return {
    workload: w.workload,
    ...(w.memory ? { memory: w.memory } : {}),
    mechanism: c.mechanism,
    policy: c.policy,
    pushOrder: c.pushOrder,
    network: condition.network,
    background: condition.background,
    migrateAt,
    baselines: false,
  };
}

export interface EvalPlan {
  workloads: EvalWorkload[];
  configs: EvalConfig[];
  conditions: EvalCondition[];
  points: number[];
  /** the link discipline of every run (the scenario default, fifo, when not given) */
  link?: "fifo" | "priority";
  /** the configuration whose standing the tables report (default ampom-plus) */
  focus?: string;
}

/** One sweep per (workload group, mechanism, network): a sweep's grid is a product, and
 * post-copy's push orders, the kernels' memory and a network's loads are not. */
export interface EvalSweep {
  label: string;
  config: SweepConfig;
}

export function planSweeps(plan: EvalPlan): EvalSweep[] {
  const sweeps: EvalSweep[] = [];
  const traces = plan.workloads.filter((w) => w.memory === undefined);
  const kernels = plan.workloads.filter((w) => w.memory !== undefined);
  const networks = [...new Set(plan.conditions.map((c) => c.network))];
  for (const [label, group] of [["traces", traces], ["kernels", kernels]] as const) {
    if (group.length === 0) continue;
    const memories = [...new Set(group.map((w) => w.memory))];
    for (const memory of memories) {
      const ws = group.filter((w) => w.memory === memory).map((w) => w.workload);
      for (const mechanism of ["lightweight", "post-copy"] as const) {
        const cs = plan.configs.filter((c) => c.mechanism === mechanism);
        if (cs.length === 0) continue;
        for (const network of networks) {
          const backgrounds = plan.conditions.filter((c) => c.network === network).map((c) => c.background);
          const grid: Record<string, unknown[]> = { workload: ws, background: backgrounds, migrateAt: plan.points };
          if (mechanism === "lightweight") grid.policy = cs.map((c) => c.policy);
          else grid.pushOrder = cs.map((c) => c.pushOrder);
          sweeps.push({
            label: `${label}${memory ? `-${memory}` : ""}-${mechanism}-${network}`,
            config: {
              base: {
                mechanism,
                network,
                baselines: false,
                ...(mechanism === "post-copy" ? { policy: "none" } : {}),
                ...(memory ? { memory } : {}),
                ...(plan.link ? { link: plan.link } : {}),
              },
              grid,
            },
          });
        }
      }
    }
  }
  return sweeps;
}
