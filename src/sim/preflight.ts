// Checks a resolved scenario can run before anything is built or simulated: the
// workload exists, its pages fit in the 4 GiB WebAssembly memory, and a policy module
// it names is a file (loading it is asynchronous: sweep's checkPolicyModules). Used by
// simulate() and by sweep validation, so a sweep refuses a bad combination before its
// first run rather than failing it hours later.
import { existsSync, statSync } from "node:fs";
import { formatBytes } from "../util/units.js";
import { workloads } from "../workloads/registry.js";
import type { Workload } from "../workloads/types.js";
import { CapacityError, CORE_MEMORY_BYTES, coreBytes } from "../core/types.js";
import { openAmtWorkload, sniffTrace } from "../trace/open.js";
import type { AmtHeader } from "../trace/amt.js";
import { workloadOptions, type Scenario } from "./options.js";
import { CORE_BYTES_PER_PAGE } from "../core/abi.js";
import { checkPolicyFile, policyModuleFile } from "../policies/module.js";


/** A workload name that reads as a file path (a folder or an extension in it), not a
 * misspelled built-in name. */
export function readsAsPath(spec: string): boolean {
  return /[\\/]|\.\w+$/.test(spec);
}


/** The most pages a core can hold with a chunk of `chunkRecords` records. */
export function maxCorePages(chunkRecords: number): number {
  return Math.floor((CORE_MEMORY_BYTES - coreBytes(0, chunkRecords)) / CORE_BYTES_PER_PAGE);
}

export function capacityMessage(pages: number, s: Pick<Scenario, "pageSize" | "chunkRecords">): string {
  const max = maxCorePages(s.chunkRecords);
  return `${pages} pages of ${s.pageSize} bytes, more than the 4 GiB WebAssembly memory can hold (at most ${max} pages, ${formatBytes(max * s.pageSize)} at this page size)`;
}

/** What refuses a scenario whose workload has `pages` pages, more than a core holds:
 * the same words from preflight and from either core's init. */
function tooLarge(s: Pick<Scenario, "workload" | "memoryBytes" | "pageSize" | "chunkRecords">, pages: number): string {
  const what = isBuiltInWorkload(s.workload) ? `${describeWorkload(s)} takes` : `${describeWorkload(s)}: the trace has`;
  return `${what} ${capacityMessage(pages, s)}`;
}

/** The input that sets a scenario's page count: --memory of a built-in, or the trace. */
function describeWorkload(s: Pick<Scenario, "workload" | "memoryBytes">): string {
  return isBuiltInWorkload(s.workload) ? `option memory (--memory): ${formatBytes(s.memoryBytes)} of workload ${s.workload}` : `workload ${s.workload}`;
}

export function isBuiltInWorkload(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(workloads, name);
}

export function preflight(s: Scenario): void {
  const module = policyModuleFile(s);
  if (module !== undefined) checkPolicyFile(module);
  if (isBuiltInWorkload(s.workload)) {
    // a built-in workload holds at least the data the memory option asks for
    const pages = Math.ceil(s.memoryBytes / s.pageSize);
    if (pages > maxCorePages(s.chunkRecords)) {
      throw new Error(`option memory (--memory): ${formatBytes(s.memoryBytes)} is ${capacityMessage(pages, s)}`);
    }
    // and its code, stack and allocator pages: laid out at once (its records are
    // counted only when read), so one just past the limit is refused here rather than
    // by the core's init after the whole workload was generated
    const w = workloads[s.workload].create(workloadOptions(s));
    if (w.pageCount > maxCorePages(s.chunkRecords)) throw new Error(tooLarge(s, w.pageCount));
    return;
  }
  if (!existsSync(s.workload) && readsAsPath(s.workload)) {
    // say the file is missing
    throw new Error(`workload "${s.workload}": no such file`);
  }
  if (!existsSync(s.workload)) {
    throw new Error(
      `unknown workload "${s.workload}": not a built-in workload (${Object.keys(workloads).join(", ")}) and no such trace file`,
    );
  }
  if (statSync(s.workload).isDirectory()) throw new Error(`workload "${s.workload}": is a directory, not a trace file`);
  // an amt trace's header and trailer are cheap to check (and cached): a truncated or
  // damaged file, or the wrong page size, is refused before anything runs
  if (sniffTrace(s.workload) === "amt") {
    const w = openAmtWorkload(s.workload, s.pageSize);
    // an amt v2 trace is decoded inside the core, whose chunk then holds a whole block
    const header = (w as { header?: AmtHeader }).header;
    const chunkRecords = Math.max(s.chunkRecords, header?.version === 2 ? header.blockRecords : 0);
    if (w.pageCount > maxCorePages(chunkRecords)) throw new Error(tooLarge({ ...s, chunkRecords }, w.pageCount));
  }
}

/** One line naming what a scenario ran, for errors that happen inside a run. */
export function describeScenario(s: Scenario): string {
  return [
    `workload=${s.workload}`,
    `memory=${formatBytes(s.memoryBytes)}`,
    `mechanism=${s.mechanism}`,
    `policy=${s.policy}`,
    `network=${s.network.name}`,
    `migrateAt=${s.migrateAt}`,
    `seed=${s.seed}`,
    `core=${s.core}`,
  ].join(" ");
}

/** Runs a step that drives a core, turning the core's failures into messages that name
 * the scenario: a capacity refusal names --memory (or the trace), and a WebAssembly
 * trap (a bug, never the user's input) names every option needed to reproduce it. */
export function guardCore<T>(s: Scenario, workload: Pick<Workload, "pageCount">, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof CapacityError) {
      throw new Error(err.hostRefused ? `${describeWorkload(s)}: ${err.message}` : tooLarge(s, workload.pageCount), { cause: err });
    }
    const trap = err instanceof WebAssembly.RuntimeError || (err instanceof Error && /^WebAssembly core aborted/.test(err.message));
    if (trap) {
      throw new Error(
        `the simulation core failed (${(err as Error).message}) in scenario ${describeScenario(s)}; this is a bug: rerun with --core reference to compare, and report it`,
        { cause: err },
      );
    }
    throw err;
  }
}
