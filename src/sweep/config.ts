// Sweep configs: `{ "base": {run options}, "grid": {option: [values, ...]} }`. Loading
// one checks the file's shape and then every combination's options and that the trace
// files they name open, before anything runs, with errors that name the file and the
// field (sweep.json: grid.policy[2]: ...). A plan keeps each run's key (16 bytes a run),
// not its options: a run is made again from its grid index when it is needed;
// checkPolicyModules then loads the policy modules the runs name and checks their
// parameters.
import { z } from "zod";
import { loadPolicyModule, modulePolicyParams, policyIdentity, policyModuleFile, type PolicyModule } from "../policies/module.js";
import { realFile } from "../util/paths.js";
import { gotValue, OptionValueError, optionOf, resolveOptions, runOptionsSchema, traceFile, valueAt, withoutFlags, type RunOptions, type Scenario } from "../sim/options.js";
import { preflight } from "../sim/preflight.js";
import { checkTraceOpens } from "../trace/open.js";
import { combination, comboIndices, gridSize, type Grid } from "./grid.js";
import { canonicalJson, runKey, RunKeys } from "./key.js";
import { inputDigests, runInputs } from "../sim/inputs.js";
import type { CommandInput } from "../util/same-file.js";
import type { Spelling } from "./results.js";
import { OnceDigests } from "../util/digest.js";
import type { InputDigests } from "../util/provenance.js";
import { formatPath, readJsonFile } from "../util/json-where.js";
import { errorMessage } from "../util/errors.js";

/** More combinations than this is almost surely a mistake, and would not fit a file. */
export const MAX_RUNS = 1_000_000;

export interface SweepConfig {
  base?: Record<string, unknown>;
  grid?: Record<string, unknown[]>;
}

export interface SweepRun {
  /** position in the grid, the same on every machine and shard */
  index: number;
  key: string;
  /** base + this combination, keys sorted */
  options: RunOptions;
  scenario: Scenario;
  /** the SHA-256 of the trace and policy module files it reads, as its key holds them */
  inputs: InputDigests;
}

export interface SweepPlan {
  /** how errors name the config (the path as given) */
  label: string;
  /** how many runs: the grid's combinations */
  size: number;
  /** Run `index` of the grid, made from the config when asked: a plan keeps its runs'
   * keys (16 bytes a run), not their options, which took about a kilobyte a run. */
  run(index: number): SweepRun;
  /** Run `index`'s grid index, key and options, as its records spell them (run(index)
   * without resolving its options). */
  spelling(index: number): Spelling;
  /** the index of the run whose key is `key`, or undefined */
  indexOf(key: string): number | undefined;
  /** Every run in grid order, made at the first read and kept (about a kilobyte a
   * run: for a large grid, run(i) makes one at a time). */
  readonly runs: SweepRun[];
  /** the files the runs read, each once, in the order the runs first name them: [what
   * it is, its path] */
  files: CommandInput[];
  /** the policy module files the runs name, each once, in the order they first name them */
  policyModules: string[];
  /** the config's fields, for naming the one a later check refuses */
  base: Record<string, unknown>;
  grid: Grid;
}

/** A checked grid's runs, each made from its index when asked (grid order: the mixed-radix
 * number of its values' positions, as combination() reads it). */
class GridPlan implements SweepPlan {
  constructor(
    readonly label: string,
    readonly base: Record<string, unknown>,
    readonly grid: Grid,
    private readonly keys: RunKeys,
    /** the trace and module files' digests as the plan read them (once a path), which its
     * runs' keys hold */
    private readonly digests: OnceDigests,
    readonly files: CommandInput[],
    readonly policyModules: string[],
  ) {}

  get size(): number {
    return this.keys.size;
  }

  spelling(index: number): Spelling {
    return { index, key: this.keys.key(index), options: runOptions(this.base, this.grid, index) };
  }

  indexOf(key: string): number | undefined {
    return this.keys.indexOf(key);
  }

  run(index: number): SweepRun {
    const run = this.spelling(index);
    const scenario = resolveOptions(run.options);
    return { ...run, scenario, inputs: inputDigests(scenario, this.digests) };
  }

  private allRuns?: SweepRun[];

  // kept once made: a caller reading plan.runs[i] in a loop would otherwise make the
  // whole list at every step (the sweep itself never reads it)
  get runs(): SweepRun[] {
    this.allRuns ??= Array.from({ length: this.size }, (_, i) => this.run(i));
    return this.allRuns;
  }
}

/** Combination `index`'s options, keys sorted (as its records hold them). */
function runOptions(base: Record<string, unknown>, grid: Grid, index: number): RunOptions {
  return JSON.parse(canonicalJson(combination(base, grid, index))) as RunOptions;
}

const configSchema = z
  .object({
    base: z.record(z.string(), z.unknown()).default({}),
    grid: z.record(z.string(), z.array(z.unknown()).min(1, "must list at least one value")).default({}),
  })
  .strict();

/** The error map of configSchema: what its own fields take, in words (the values in
 * them are run options, checked as such). */
function configIssue(iss: z.core.$ZodRawIssue): string | undefined {
  const path = iss.path ?? [];
  if (iss.code !== "invalid_type") return undefined;
  if (path.length === 1 && path[0] === "base") return 'expected an object of run options, such as {"memory": "64MiB"}';
  if (path.length === 1 && path[0] === "grid") return 'expected an object of options and lists of their values, such as {"seed": [1, 2, 3]}';
  if (path.length === 2 && path[0] === "grid") return "expected a list of the option's values, such as [1, 2, 3]";
  return undefined;
}

const optionNames = (): string[] => Object.keys(runOptionsSchema.shape);

export class SweepConfigError extends Error {
  /** what is wrong, without the command line's flags, which a config has none of, and
   * without the value refused (`value`) */
  readonly detail: string;
  /** `detail` and the value refused after it, as the message says them: "must be below
   * 1 (...), got 1.5" */
  readonly problem: string;
  constructor(
    label: string,
    /** the field: "grid.policy[2]", "base.memory", the grid values that clash
     * ('grid.mechanism[1] "full-copy" with grid.policy[0] "ampom"'), "grid combination 3
     * (...)", or "" */
    readonly where: string,
    detail: string,
    /** the field's value that was refused, as the config gives it, where the message
     * names it (", got 1.5"); undefined where it names none, or names it within `detail` */
    readonly value?: unknown,
  ) {
    const problem = `${withoutFlags(detail)}${gotValue(value)}`;
    super(where ? `${label}: ${where}: ${problem}` : `${label}: ${problem}`);
    this.name = "SweepConfigError";
    this.detail = withoutFlags(detail);
    this.problem = problem;
  }
}

/** Reads and checks a sweep config file. */
export function loadSweepConfig(path: string): SweepPlan {
  return planSweep(readJsonFile(path, "sweep config"), path);
}

/** Checks a parsed config and lists its runs in grid order. */
export function planSweep(value: unknown, label = "sweep config"): SweepPlan {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new SweepConfigError(label, "", 'must be a JSON object { "base": {run options}, "grid": {option: [values, ...]} }');
  }
  const parsed = configSchema.safeParse(value, { error: configIssue });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.code === "unrecognized_keys") {
      throw new SweepConfigError(label, formatPath([...issue.path, issue.keys[0]]), 'unknown field (a sweep config has only "base" and "grid")');
    }
    throw new SweepConfigError(label, formatPath(issue.path), issue.message, issue.code === "invalid_type" ? valueAt(value, issue.path) : undefined);
  }
  const { base, grid } = parsed.data as { base: Record<string, unknown>; grid: Grid };
  checkNames(label, "base", Object.keys(base));
  checkNames(label, "grid", Object.keys(grid));
  // a grid value replaces the base's whole, nested parameters too: a base value the grid
  // also gives would never run, and nothing would check it
  const both = Object.keys(grid).find((k) => k in base);
  if (both !== undefined) {
    throw new SweepConfigError(label, `base.${both}`, `also in grid, whose values replace it whole; give ${both} in one place (in each grid value, for parameters held with others that vary)`);
  }
  checkPolicyNames(label, base, grid);
  const size = gridSize(grid);
  if (size > MAX_RUNS) {
    throw new SweepConfigError(label, "grid", `${size} combinations; one sweep takes at most ${MAX_RUNS} (split it into several configs)`);
  }

  // every combination is checked now, one at a time, keeping its key and what makes it
  // one run (16 bytes); a run is made again from its index when it is needed
  const keys = new RunKeys(size);
  const identities = new RunKeys(size);
  const digests = new OnceDigests();
  const opened = new Set<string>();
  const files = new Map<string, string>();
  const modules = new Set<string>();
  const accept: Accept = (options) => void checkRun(options as RunOptions, opened);
  for (let index = 0; index < size; index++) {
    const given = combination(base, grid, index);
    let scenario: Scenario;
    try {
      // (JSON has no BigInt: a library caller's 2n fails the copy, and is blamed below as given)
      const options = JSON.parse(canonicalJson(given)) as RunOptions;
      scenario = checkRun(options, opened);
    } catch (err) {
      // a run that repeats an earlier one is said first, as checking them in turn did
      const repeat = identities.firstRepeat(index);
      if (repeat) throw sameRun(label, grid, ...repeat);
      // blamed with the values as the config gives them: JSON writes a number that
      // overflowed as it was read (1e400, Infinity) as null, so the canonical options
      // said "got null", which no value on its own gives and no field was blamed for
      throw blame(label, base, grid, index, check(given, accept)?.error ?? err, accept);
    }
    const key = runKey(scenario, digests);
    keys.set(index, key);
    identities.set(index, identity(scenario, key, digests));
    for (const [what, file] of runInputs(scenario)) if (!files.has(file)) files.set(file, what);
    const module = policyModuleFile(scenario);
    if (module !== undefined) modules.add(module);
  }
  const repeat = identities.firstRepeat();
  if (repeat) throw sameRun(label, grid, ...repeat);
  return new GridPlan(label, base, grid, keys, digests, [...files].map(([file, what]) => [what, file]), [...modules]);
}

/** What makes two runs one: their key, but with a trace or a policy module file named by
 * its real path (a key holds the path as spelt, so ./a.amt and a.amt, one file, were two
 * runs of one thing). */
function identity(s: Scenario, key: string, digests: OnceDigests): string {
  const trace = traceFile(s);
  const module = policyModuleFile(s);
  if (trace === undefined && module === undefined) return key;
  return runKey({ ...s, workload: trace === undefined ? s.workload : realFile(trace), policy: module === undefined ? s.policy : policyIdentity(module) }, digests);
}

/** A config's policies are strings: its runs go to worker threads, which a module object
 * (functions) cannot reach, and its records must say what ran. */
function checkPolicyNames(label: string, base: Record<string, unknown>, grid: Grid): void {
  const why = "must be a built-in policy's name or a policy module file's path (a module object cannot go to a sweep's worker threads)";
  if (base.policy !== undefined && typeof base.policy !== "string") throw new SweepConfigError(label, "base.policy", why);
  grid.policy?.forEach((v, i) => {
    if (typeof v !== "string") throw new SweepConfigError(label, `grid.policy[${i}]`, why);
  });
}

type Loaded = { module: PolicyModule } | { error: unknown };

/** The part of the check that needs the policy modules themselves (loading one is
 * asynchronous, so it comes after planSweep): every module the runs name loads, and
 * every run's policy parameters are ones its module declares. */
export async function checkPolicyModules(plan: SweepPlan): Promise<void> {
  const loaded = new Map<string, Loaded>();
  for (const file of plan.policyModules) {
    loaded.set(file, await loadPolicyModule(file).then((module) => ({ module }), (error: unknown) => ({ error })));
  }
  if (loaded.size === 0) return;
  const checkModule = (s: Scenario): void => {
    const file = policyModuleFile(s);
    const got = file === undefined ? undefined : loaded.get(file);
    if (got === undefined) return; // a part of a combination no run loads as it is
    if ("error" in got) throw got.error;
    modulePolicyParams(got.module, s.policy, s.policyParams);
  };
  const accept = (options: Record<string, unknown>): void => {
    const s = resolveOptions(options as RunOptions);
    preflight(s);
    checkModule(s);
  };
  for (let index = 0; index < plan.size; index++) {
    try {
      checkModule(resolveOptions(plan.spelling(index).options));
    } catch (err) {
      throw blame(plan.label, plan.base, plan.grid, index, err, accept);
    }
  }
}

function checkNames(label: string, where: string, keys: string[]): void {
  const known = optionNames();
  for (const k of keys) {
    if (known.includes(k)) continue;
    const camel = k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const hint = camel !== k && known.includes(camel) ? ` (did you mean "${camel}"?)` : ` (options: ${known.join(", ")})`;
    throw new SweepConfigError(label, `${where}.${k}`, `unknown option "${k}"${hint}`);
  }
}

/** Two combinations that are one run: when they differ in one key only, its later value
 * is named as the field to mend (a value listed twice, or spelt two ways). */
function sameRun(label: string, grid: Grid, twin: number, index: number): SweepConfigError {
  const [a, b] = [comboIndices(grid, twin), comboIndices(grid, index)];
  const keys = Object.keys(grid);
  const differ = keys.filter((_, k) => a[k] !== b[k]);
  if (differ.length === 1) {
    const k = keys.indexOf(differ[0]);
    const [first, again] = [grid[differ[0]][a[k]], grid[differ[0]][b[k]]];
    const shown = asGiven(first) === asGiven(again) ? "" : ` (${asGiven(first)})`;
    return new SweepConfigError(label, `grid.${differ[0]}[${b[k]}]`, `${asGiven(again)} gives the same runs as grid.${differ[0]}[${a[k]}]${shown}; list each value once`);
  }
  return new SweepConfigError(label, "grid", `combinations ${twin} (${describeCombo(grid, twin)}) and ${index} (${describeCombo(grid, index)}) are the same run`);
}

function describeCombo(grid: Grid, index: number): string {
  const at = comboIndices(grid, index);
  return Object.keys(grid).map((k, i) => `${k}=${asGiven(grid[k][at[i]])}`).join(", ") || "base";
}

/** A config value as JSON, but a number JSON cannot write (one that overflowed as it was
 * read, 1e400) as the number it became, Infinity, not as JSON's null. */
export function asGiven(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return `[${value.map(asGiven).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}:${asGiven(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? String(value);
}

/** Throws what is wrong with a (partial) combination's options. */
type Accept = (options: Record<string, unknown>) => void;

/** One combination's scenario, checked as its run will open it: preflight, then its
 * trace file (checkTraceOpens: a gzip'd amt cut short or a text trace that is none is
 * refused now rather than failing its runs). `opened`: the traces found to open, at
 * a page size (a grid runs one trace many times). */
function checkRun(options: RunOptions, opened: Set<string>): Scenario {
  const s = resolveOptions(options);
  preflight(s);
  const file = traceFile(s);
  if (file !== undefined && !opened.has(`${s.pageSize} ${file}`)) {
    checkTraceOpens(file, s.pageSize);
    opened.add(`${s.pageSize} ${file}`);
  }
  return s;
}

/** What is wrong with `options`: what was thrown, and its message (which checks of
 * several combinations compare); undefined when nothing is. */
function check(options: Record<string, unknown>, accept: Accept): { error: unknown; message: string } | undefined {
  try {
    accept(options);
    return undefined;
  } catch (error) {
    return { error, message: errorMessage(error) };
  }
}

/** Moves an option error to the config field it comes from: "option memory: ..." in
 * the base becomes "base.memory: ...", in a grid value "grid.memory[1]: ...". A value
 * the option refused is kept apart from the wording (SweepConfigError's `value`).
 * `options`: those the error came from. */
function relocate(label: string, where: string, refused: { error: unknown; message: string }, nameOption: boolean, options: Record<string, unknown>): SweepConfigError {
  const { error, message } = refused;
  const byValue = error instanceof OptionValueError && error.path.length > 0;
  const found = byValue ? { path: error.path, detail: error.detail, also: undefined } : optionOf(message, options);
  if (!found) return new SweepConfigError(label, where, message);
  const tail = found.path.slice(1).map((p) => `.${p}`).join("");
  const also = nameOption ? (found.also ?? []).map((a) => `, ${where}.${a}`).join("") : "";
  return new SweepConfigError(label, nameOption ? `${where}.${found.path[0]}${tail}${also}` : `${where}${tail}`, found.detail, byValue ? error.value : undefined);
}

/** Finds what a failing combination's error comes from: the base, one grid value, or
 * only the combination of several. */
function blame(label: string, base: Record<string, unknown>, grid: Grid, index: number, err: unknown, accept: Accept): SweepConfigError {
  const keys = Object.keys(grid);
  const at = comboIndices(grid, index);
  const baseErr = check(base, accept);
  // the grid names no option the base gives (planSweep), so what fails in the base is its own
  if (baseErr !== undefined) return relocate(label, "base", baseErr, true, base);
  const message = errorMessage(err);
  for (let k = 0; k < keys.length; k++) {
    // a value is to blame when it fails with the base as the combination fails: one that
    // fails only beside the base's own values (parameters of the base's policy, when the
    // combination's policy is another) is not
    const options = { ...base, [keys[k]]: grid[keys[k]][at[k]] };
    const refused = check(options, accept);
    if (refused?.message !== message) continue;
    const where = `grid.${keys[k]}[${at[k]}]`;
    if (optionOf(message, options)?.path[0] === keys[k]) return relocate(label, where, refused, false, options);
    // the value breaks another option of a valid base (e.g. a page size above the memory)
    if (baseErr === undefined) return new SweepConfigError(label, where, message);
  }
  return clash(label, base, grid, index, message, accept) ?? new SweepConfigError(label, `grid combination ${index} (${describeCombo(grid, index)})`, message);
}

/** A combination that fails where none of its grid values fails on its own (with the
 * base): the fewest of them that still fail, named as fields of the file, so the user
 * finds them. Values the message names as options, each wrong for the base (a trace's
 * seed), are named as the base's are (`grid.seed[0], grid.cpu[1]: ...`); values that
 * clash with each other, with their values (`grid.workload[1] "t.amt" with
 * grid.workingSet[0] 0.5: ...`). Undefined when one value alone fails (beside a failing
 * base), which only the combination's number and values can then say. */
function clash(label: string, base: Record<string, unknown>, grid: Grid, index: number, message: string, accept: Accept): SweepConfigError | undefined {
  const at = comboIndices(grid, index);
  const keys = Object.keys(grid);
  // drop each value whose removal (the base's, or the default, in its place) leaves the
  // same failure: what remains is needed for it, and is short and in the file's order
  let kept = keys.map((_, k) => k);
  for (const k of keys.keys()) {
    const fewer = kept.filter((j) => j !== k);
    const options = { ...base };
    for (const j of fewer) options[keys[j]] = grid[keys[j]][at[j]];
    if (check(options, accept)?.message === message) kept = fewer;
  }
  if (kept.length < 2) return undefined;
  const field = (k: number) => `grid.${keys[k]}[${at[k]}]`;
  const options = { ...base };
  for (const k of kept) options[keys[k]] = grid[keys[k]][at[k]];
  const found = optionOf(message, options);
  const named = found && [found.path.join("."), ...(found.also ?? [])];
  if (named && named.length === kept.length && kept.every((k) => named.includes(keys[k]))) {
    return new SweepConfigError(label, named.map((n) => field(keys.indexOf(n))).join(", "), found.detail);
  }
  const [first, ...rest] = kept.map((k) => `${field(k)} ${asGiven(grid[keys[k]][at[k]])}`);
  return new SweepConfigError(label, `${first} with ${rest.join(" and ")}`, message);
}
