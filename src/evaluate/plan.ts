// What `ampom evaluate` runs: every workload (the corpus's real traces and the HPCC
// kernels) x every network condition x every migration point x every configuration
// (lightweight with each policy, post-copy with each push order). The runs themselves
// are sweeps (src/sweep): worker threads, one results file per sweep, resumable.
import { existsSync, realpathSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { shortPath } from "../util/paths.js";
import { fileURLToPath } from "node:url";
import { isPushOrder, pushOrders, readsAhead, type PushOrderName } from "../migration/push-orders/index.js";
import { isPolicyPath } from "../policies/module.js";
import { policies } from "../policies/registry.js";
import type { RunOptions } from "../sim/options.js";
import type { SweepConfig } from "../sweep/config.js";
import { checkKernelNames, HPCC_KERNELS } from "../workloads/registry.js";
import { checkTraceOpens } from "../trace/open.js";
import { errorMessage, shown as shownValue } from "../util/errors.js";
import { readJsonFile } from "../util/json-where.js";

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
  /** a trace's half, tuning or test, as its manifest gives it; traces for one given
   * none; kernels for the HPCC kernels */
  group: (typeof GROUPS)[number];
  /** the kernels' --memory; traces have their own footprint */
  memory?: string;
}

export const DEMAND_ID = "none";
export const ORACLE_ID = "oracle";
/** The evaluation's groups of workloads, each a table of its own, in this order. */
export const GROUPS = ["tuning", "test", "traces", "kernels"] as const;
export { HPCC_KERNELS };
export const DEFAULT_POINTS = [0.25, 0.5, 0.75];
export const DEFAULT_CONDITIONS = ["gige-2008", "rdma-100g", "gige-2008@80%"];

/** Whether a configuration reads the trace ahead, and why: post-copy by its push order,
 * lightweight by its policy's push (the oracle and the set oracle). A policy module of
 * the user's own is online: its context holds only what the destination knows.
 * Undefined for a policy or push order the registries do not know (the sweeps' check
 * names it), and for another mechanism (evaluate refuses it). */
export function clairvoyance(c: Pick<EvalConfig, "mechanism" | "policy" | "pushOrder">): { reads: boolean; why: string } | undefined {
  if (c.mechanism === "post-copy") {
    if (c.pushOrder === undefined || !isPushOrder(c.pushOrder)) return undefined;
    const reads = readsAhead(c.pushOrder);
    return { reads, why: `push order "${c.pushOrder}" ${reads ? "reads the trace ahead" : "does not read the trace ahead"}` };
  }
  if (c.mechanism !== "lightweight") return undefined;
  if (isPolicyPath(c.policy)) return { reads: false, why: "a policy module of one's own is online (its context holds only what the destination knows)" };
  if (!Object.prototype.hasOwnProperty.call(policies, c.policy)) return undefined;
  const push = policies[c.policy].push;
  if (push !== undefined && readsAhead(push)) return { reads: true, why: `policy "${c.policy}" pushes in the order "${push}", which reads the trace ahead` };
  return { reads: false, why: `policy "${c.policy}" does not read the trace ahead` };
}

/** Every policy with lightweight, then post-copy with every push order (registry order),
 * then each user's policy module given (`modules`: paths) with lightweight. */
export function allConfigs(modules: string[] = []): EvalConfig[] {
  const config = (c: Omit<EvalConfig, "clairvoyant">): EvalConfig => ({ ...c, clairvoyant: clairvoyance(c)!.reads });
  const pull = Object.values(policies).map((p) => config({ id: p.name, mechanism: "lightweight", policy: p.name }));
  const push = (Object.keys(pushOrders) as PushOrderName[]).map((order) => config({ id: `post-copy/${order}`, mechanism: "post-copy", policy: "none", pushOrder: order }));
  const own = modules.map((path) => config({ id: path, mechanism: "lightweight", policy: path }));
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

/** The conditions `specs` name, each once: gige-2008 and gige-2008@0% are one. A fault
 * names the option, as the command line's --conditions. */
export function parseConditions(specs: string[]): EvalCondition[] {
  // a lone spec would fail as "specs.map is not a function"
  if (!Array.isArray(specs)) throw new Error(`option conditions (--conditions): must be a list of conditions such as "gige-2008@80%", got ${shown(specs)}`);
  const all = specs.map((spec) => {
    try {
      return parseCondition(spec);
    } catch (err) {
      throw new Error(`option conditions (--conditions): ${errorMessage(err)}`);
    }
  });
  return all.filter((c, i) => all.findIndex((d) => d.network === c.network && d.background === c.background) === i);
}

/** The repository's corpus (src/evaluate and dist/evaluate are two folders below the root). */
export function defaultManifest(): string {
  return shortPath(fileURLToPath(new URL("../../corpus/manifest.json", import.meta.url)));
}

/** One program of a manifest, as evaluate reads it (other fields are the corpus's own
 * record of the capture, and are passed over). */
interface ManifestProgram {
  name: string;
  kind: string;
  half?: "tuning" | "test";
  file: string;
}

const HALVES = ["tuning", "test"];

/** A value as a message quotes it: a manifest's object as its JSON (its fields say what
 * was meant), anything else as messages show it (a BigInt a caller passed as 5n); cut
 * short when long. */
function shown(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  let text = shownValue(v);
  try {
    if (isObject(v)) text = JSON.stringify(v);
  } catch {
    // a BigInt inside, or a cycle: by its kind
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The programs of a parsed manifest; a fault is `programs[2].half: what is wrong`. */
function manifestPrograms(value: unknown): ManifestProgram[] {
  const fail = (where: string, what: string): never => {
    throw new Error(`${where}: ${what}`);
  };
  if (!isObject(value)) throw new Error(`not a corpus manifest: expected an object { "programs": [...] }, got ${shown(value)}`);
  const programs = value.programs;
  if (programs === undefined) fail("programs", "missing: the list of programs, each { \"name\", \"kind\", \"half\", \"file\" }");
  if (!Array.isArray(programs)) fail("programs", `expected a list of programs, got ${shown(programs)}`);
  if ((programs as unknown[]).length === 0) fail("programs", "lists no programs");
  return (programs as unknown[]).map((p, i) => {
    const at = `programs[${i}]`;
    if (!isObject(p)) fail(at, `expected an object { "name", "kind", "half", "file" }, got ${shown(p)}`);
    const entry = p as Record<string, unknown>;
    const text = (field: string, what: string) => {
      const v = entry[field];
      if (v === undefined) fail(`${at}.${field}`, `missing: ${what} (the entry has ${Object.keys(entry).join(", ") || "no fields"})`);
      if (typeof v !== "string") fail(`${at}.${field}`, `expected a string, got ${shown(v)}`);
      if (v === "") fail(`${at}.${field}`, "must not be empty");
      return v as string;
    };
    const name = text("name", "the program's name, its row in the tables");
    // --traces takes a comma-separated list of these names, and "none" for no traces
    if (name.includes(",") || name.trim() !== name || name === "none") {
      fail(`${at}.name`, `${shown(name)} cannot be chosen with --traces: a name has no commas and no spaces at its ends, and is not "none"`);
    }
    const kind = text("kind", "what kind of program it is (compiler, interpreter, ...)");
    const file = text("file", "the trace file, relative to the manifest's folder");
    const half = entry.half;
    if (half !== undefined && !HALVES.includes(half as string)) fail(`${at}.half`, `${shown(half)} is not one of "tuning", "test" (or leave it out)`);
    return { name, kind, file, ...(half === undefined ? {} : { half: half as ManifestProgram["half"] }) };
  });
}

/** The page size of the evaluation's runs (the run options' default), with which each
 * trace is checked as its runs will open it. */
const RUN_PAGE_SIZE = 4096;

/** The corpus's traces, from its manifest (paths relative to the manifest's folder).
 * Every trace taken is checked to open (cheaply: checkTraceOpens) now, before any run,
 * and a fault names the manifest and the entry. */
export function corpusWorkloads(manifest: string, only?: string[]): EvalWorkload[] {
  let programs: ManifestProgram[];
  try {
    programs = manifestPrograms(readJsonFile(manifest, "corpus manifest"));
  } catch (err) {
    const message = errorMessage(err);
    throw new Error(message.startsWith(manifest) ? message : `${manifest}: ${message}`);
  }
  const names = programs.map((p) => p.name);
  // a name is a program's row in every table: two programs under one would be merged
  names.forEach((n, i) => {
    const first = names.indexOf(n);
    if (first < i) throw new Error(`${manifest}: programs[${i}].name: "${n}" is also the name of programs[${first}]`);
  });
  const base = dirname(resolve(manifest));
  const paths = programs.map((p) => resolve(base, p.file));
  // one file under two entries would be the same runs twice (and one row of results)
  const same = paths.map((p) => (existsSync(p) ? realpathSync(p) : p));
  same.forEach((f, i) => {
    const first = same.indexOf(f);
    if (first < i) {
      throw new Error(
        `${manifest}: programs[${i}].file: ${JSON.stringify(programs[i].file)} is the same trace file as programs[${first}].file (${JSON.stringify(programs[first].file)}): ` +
          `list each trace once (programs ${programs[first].name} and ${programs[i].name})`,
      );
    }
  });
  // a lone name would be read a letter at a time ('corpus has no trace "b"')
  if (only !== undefined && !Array.isArray(only)) throw new Error(`option traces (--traces): must be a list of the corpus's trace names, got ${shown(only)}`);
  for (const n of only ?? []) if (!names.includes(n)) throw new Error(`corpus has no trace "${n}" (it has: ${names.join(", ")})`);
  return programs.flatMap((p, i) => {
    if (only && !only.includes(p.name)) return [];
    const workload = shortPath(paths[i]);
    const entry = `${manifest}: programs[${i}].file: ${workload}`;
    if (!existsSync(workload)) throw new Error(`${entry}: no such file (program ${p.name})`);
    try {
      checkTraceOpens(workload, RUN_PAGE_SIZE, `evaluate runs ${RUN_PAGE_SIZE}-byte pages: capture or import the program's trace with them`);
    } catch (err) {
      const message = errorMessage(err);
      // the trace's own messages begin with its path
      throw new Error(`${entry}${message.startsWith(workload) ? message.slice(workload.length) : `: ${message}`} (program ${p.name})`);
    }
    return [{ name: p.name, workload, kind: p.kind, group: p.half ?? "traces" }];
  });
}

/** The kernels' memory when none is given (the command's --memory default). */
export const DEFAULT_KERNEL_MEMORY = "64MiB";

/** The kernels `names`, each of `memory`. Without a memory each was taken for a trace
 * file of the kernel's name ("workload .../stream: no such file"). */
export function kernelWorkloads(names: string[], memory: string = DEFAULT_KERNEL_MEMORY): EvalWorkload[] {
  checkKernelNames(names);
  return names.map((n) => ({ name: n, workload: n, kind: "hpcc-kernel", group: "kernels", memory }));
}

/** Refuses two workloads of one name (a corpus trace named as a kernel): the tables
 * and the gap go by name, and would mix the two workloads' runs. */
export function checkWorkloadNames(workloads: readonly EvalWorkload[]): void {
  const seen = new Map<string, EvalWorkload>();
  const what = (w: EvalWorkload) => (w.memory === undefined ? `the trace ${w.workload}` : `the kernel ${w.workload}`);
  for (const w of workloads) {
    const other = seen.get(w.name);
    if (other) throw new Error(`two workloads are named "${w.name}" (${what(other)} and ${what(w)}): rename the trace in its manifest, or leave the kernel out (--kernels)`);
    seen.set(w.name, w);
  }
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
