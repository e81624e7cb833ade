// A user's own prefetch policy, written as a TypeScript or JavaScript module and run by
// the host with either core: `--policy ./my-policy.ts`, a sweep config's "policy", or
// `simulate({ policy: myPolicy })`. The core stops at each hook (STOP_POLICY, or the
// fault stop) and the host calls the module with a PolicyContext: what the destination
// node knows at that moment, over the core's own tables (src/core/page-services.ts, the
// same reads the built-in reference policies make). docs/policies.md shows an example
// and how to port one into both cores for speed.
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { fileSha256 } from "../util/digest.js";
import { realFile, shortPath } from "../util/paths.js";
import { C_NOW, F_TRIGGER, ST_FLIGHT, ST_HOME, ST_LOCAL, ST_NONE } from "../core/abi.js";
import { arrivedAt, knownAtHome, knownState, regionOf, requestPage, scanBits } from "../core/page-services.js";
import type { CoreViews } from "../core/types.js";
import type { HostPolicyHooks } from "../sim/process.js";
import type { Region } from "../workloads/types.js";
import { errorMessage, isInstance, shown } from "../util/errors.js";
import { inRange, paramRange, resolveParams, type NumericParam } from "../util/params.js";

export type PageState = "none" | "home" | "in-flight" | "present";

/** What a policy sees and does at a hook. One context a process: `state` is the policy's
 * own, kept between hooks. */
export interface PolicyContext {
  /** the process clock at this hook, ns */
  readonly now: number;
  /** the module's parameters, defaults overridden by --param name=value */
  readonly params: Readonly<Record<string, number>>;
  /** the policy's own per-process state (reset() sets it up) */
  state: any;
  /** pages in the address space: ids 0 .. pageCount - 1 */
  readonly pageCount: number;
  /** the regions as the destination knows them at the freeze, sorted by start: page ids
   * [start, end); a captured trace's each from its first to its last page that existed
   * then (empty where the region before it ends when none did); all empty at page 0
   * before the migration */
  readonly regions: ReadonlyArray<PolicyRegion>;
  /** index into `regions` of the region holding `page`, or -1 */
  regionOf(page: number): number;
  /** "none": never existed (a first touch is a local zero-fill); "home": only at the home
   * node as far as this node knows (a pushed page is, until it lands); "in-flight": asked
   * for (or pushed by the oracle order, whose destination is told), not arrived;
   * "present": here. A page outside the address space is "none" (any whole number may be
   * asked, as of regionOf) */
  pageState(page: number): PageState;
  /** true when `page` is only at home: the pages a request may ask for (false for a page
   * outside the address space) */
  isHome(page: number): boolean;
  /** when `page` arrived, ns (0: it never crossed the network, as a page outside the
   * address space never did). A page still in flight throws: when it will land depends
   * on traffic that has not happened yet */
  arrivedAt(page: number): number;
  /** the accessed-bit scans before migration: bit k set when the k-th newest scan (0: the
   * one at the freeze) saw `page` referenced; SCAN_KEEP (16) scans are kept (0 for a page
   * outside the address space, which none saw) */
  scanBits(page: number): number;
  /** Asks for `page` (it leaves with the fault's request, or as a request of its own now).
   * False when it is not at home or the request list is full. `trigger`: its first use
   * calls onUse with trigger = true. */
  request(page: number, options?: { trigger?: boolean }): boolean;
}

export interface PolicyRegion {
  readonly start: number;
  readonly end: number;
  readonly name: string;
  readonly kind: string;
}

export interface PolicyParamSpec {
  default: number;
  description?: string;
  /** the smallest value `--param` may give (default: no limit) */
  min?: number;
  /** the largest (default: no limit) */
  max?: number;
  /** whole numbers only */
  integer?: boolean;
}

/** The module a user writes: the five hooks, and optionally a name, a description and
 * named numeric parameters with defaults. */
export interface PolicyModule {
  name?: string;
  description?: string;
  params?: Record<string, PolicyParamSpec>;
  /** the process starts: set up ctx.state */
  reset(ctx: PolicyContext): void;
  /** a remote fault on `page`: pages asked for now leave with the fault's request */
  onFault(ctx: PolicyContext, page: number, now: number): void;
  /** the first use of a page that arrived by prefetch */
  onUse(ctx: PolicyContext, page: number, now: number, trigger: boolean): void;
  /** `page` arrived at `t` (told when the process's clock reaches it) */
  onArrival(ctx: PolicyContext, page: number, t: number): void;
  /** the faulting page arrived `ns` after its request left */
  onServed(ctx: PolicyContext, ns: number): void;
}

export const HOOKS = ["reset", "onFault", "onUse", "onArrival", "onServed"] as const;
type HookName = (typeof HOOKS)[number];

/** A module or its hooks misbehaved: the message names the module and the hook. */
export class PolicyModuleError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PolicyModuleError";
  }
}

/** This package's own code, which no user's module lives in. */
const OWN_CODE = ["src", "dist"].map((d) => fileURLToPath(new URL(`../../${d}/`, import.meta.url)));

/** Where in a user's code `err` was thrown, " (at FILE:LINE:COLUMN)": the first frame of
 * its stack outside this package's code, Node's and the packages it depends on (" (in
 * FILE)" when only the file is known); "" when there is none. */
export function thrownAt(err: unknown): string {
  let stack = "";
  try {
    // a getter of its stack is the module's code, and may throw: no place known then
    if (isInstance(err, Error) && typeof err.stack === "string") stack = err.stack;
  } catch {
    // as above
  }
  for (const line of stack.split("\n").slice(1)) {
    // a .ts module outside an ES-module package runs as code tsx compiled, which keeps
    // the file's name but not its lines
    const compiled = /[?&]filePath=([^&?:)]+)/.exec(line);
    if (compiled) return ` (in ${shortPath(decodeURIComponent(compiled[1]).replace(/\?.*$/, ""))})`;
    // "at fn (LOCATION)" or "at LOCATION", LOCATION being FILE:LINE:COLUMN
    const t = line.trim();
    if (!t.startsWith("at ")) continue;
    const location = t.endsWith(")") ? t.slice(t.lastIndexOf("(") + 1, -1) : t.slice(3);
    const frame = /^(.+):(\d+):(\d+)$/.exec(location);
    if (!frame) continue;
    const path = frame[1].replace(/\?.*$/, "");
    if (!/^(?:file:|\/|[A-Za-z]:[\\/])/.test(path)) continue;
    const file = path.startsWith("file:") ? fileURLToPath(path) : path;
    if (OWN_CODE.some((d) => file.startsWith(d)) || /[\\/]node_modules[\\/]/.test(file)) continue;
    // relative to the working folder: a sweep's recorded error reads the same wherever it ran
    return ` (at ${shortPath(file)}:${frame[2]}:${frame[3]})`;
  }
  return "";
}

/** True when a --policy value names a file rather than a built-in policy. */
export function isPolicyPath(name: string): boolean {
  return /[\\/]/.test(name) || /\.(?:[cm]?[jt]s)$/.test(name);
}

/** How tables name the policies they list: a built-in by its name; a module by its
 * file's name, with as many of its folders as tell it apart from the other names listed
 * (a/mine.ts, b/mine.ts), and never as a bare word a built-in could be (./leap stays
 * ./leap). The path as given made a column as wide as an absolute path. */
export function shortPolicyNames(names: Iterable<string>, others: Iterable<string> = []): (name: string) => string {
  const own = [...new Set(names)];
  // `others`: names listed beside them that are no policies (post-copy/bubbling), kept as they are
  const all = [...new Set([...own, ...others])];
  const parts = (name: string) => name.split(/(?<=[\\/])/);
  const short = new Map<string, string>();
  for (const name of own) {
    if (!isPolicyPath(name)) continue;
    const p = parts(name);
    for (let k = 1; k <= p.length; k++) {
      const tail = p.slice(-k).join("");
      if (!isPolicyPath(tail)) continue;
      if (k < p.length && all.some((o) => o !== name && (o === tail || (isPolicyPath(o) && o.endsWith(tail) && /(^|[\\/])$/.test(o.slice(0, -tail.length)))))) continue;
      short.set(name, tail);
      break;
    }
  }
  return (name) => short.get(name) ?? name;
}

/** What a policy name stands for: a module path's real file (however it is spelt:
 * ./mine.ts, mine.ts, through a link), or the name itself. Two names with one identity
 * are one policy, whose runs and rows would be the same twice over. */
export function policyIdentity(name: string): string {
  return isPolicyPath(name) ? realFile(name) : name;
}

/** Checks that `mod` has every hook and well-formed parameters; `label` names it in messages. */
export function checkPolicyModule(mod: unknown, label: string): PolicyModule {
  if (typeof mod !== "object" || mod === null) throw new PolicyModuleError(`policy module ${label}: exports nothing usable`);
  const m = mod as Record<string, unknown>;
  for (const hook of HOOKS) {
    if (typeof m[hook] !== "function") {
      throw new PolicyModuleError(
        `policy module ${label}: missing hook ${hook} (a policy exports all of ${HOOKS.join(", ")} as functions)`,
      );
    }
  }
  // the name labels results (Metrics.policy): a string a reader can tell apart
  if (m.name !== undefined && (typeof m.name !== "string" || m.name.trim() === "" || m.name.trim() !== m.name)) {
    throw new PolicyModuleError(`policy module ${label}: name must be a non-empty string without surrounding spaces, got ${shown(m.name)}`);
  }
  if (m.description !== undefined && typeof m.description !== "string") {
    throw new PolicyModuleError(`policy module ${label}: description must be a string, got ${shown(m.description)}`);
  }
  const params = m.params ?? {};
  if (typeof params !== "object" || params === null) throw new PolicyModuleError(`policy module ${label}: params must be an object`);
  for (const [name, spec] of Object.entries(params)) {
    const s = spec as PolicyParamSpec | null;
    if (typeof s?.default !== "number" || !Number.isFinite(s.default)) {
      throw new PolicyModuleError(`policy module ${label}: parameter ${name} needs a numeric default ({ default: 8 })`);
    }
    for (const bound of ["min", "max"] as const) {
      const b = s[bound];
      if (b !== undefined && (typeof b !== "number" || Number.isNaN(b))) throw new PolicyModuleError(`policy module ${label}: parameter ${name}: ${bound} must be a number, got ${shown(b)}`);
    }
    if (s.integer !== undefined && typeof s.integer !== "boolean") throw new PolicyModuleError(`policy module ${label}: parameter ${name}: integer must be true or false`);
    // else told its default must be "a number from 5 to 1"
    if (s.min !== undefined && s.max !== undefined && s.min > s.max) throw new PolicyModuleError(`policy module ${label}: parameter ${name}: min (${s.min}) is above max (${s.max})`);
    const p = paramOf(name, s);
    if (!inRange(p, s.default)) throw new PolicyModuleError(`policy module ${label}: parameter ${name}: its default must be ${paramRange(p)}, got ${s.default}`);
  }
  return mod as PolicyModule;
}

/** The path of the module file a scenario's policy names, or undefined for a built-in
 * policy or a module object. */
export function policyModuleFile(s: { policy: string; policyModule?: unknown }): string | undefined {
  return s.policyModule === undefined && isPolicyPath(s.policy) ? s.policy : undefined;
}

/** Checks that `path` names a module file (without loading it); the absolute path. */
export function checkPolicyFile(path: string): string {
  const file = resolve(path);
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) throw new PolicyModuleError(`policy module ${path}: no such file`);
  if (st.isDirectory()) throw new PolicyModuleError(`policy module ${path}: is a directory, not a module file`);
  return file;
}

/** SHA-256 of the module file's contents: a sweep's run key covers it, so that an edited
 * module makes new runs rather than matching results of the old one. */
export function policyModuleDigest(path: string): string {
  return fileSha256(checkPolicyFile(path));
}

const loaded = new Map<string, Promise<PolicyModule>>();

/** Loads the policy module at `path` (TypeScript through tsx, or JavaScript), once for
 * each version of its contents: an edited file is loaded again, not served stale. */
export function loadPolicyModule(path: string): Promise<PolicyModule> {
  let file: string;
  let digest: string;
  try {
    file = checkPolicyFile(path);
    digest = fileSha256(file);
  } catch (err) {
    return Promise.reject(err);
  }
  const id = `${file}\0${digest}`;
  let p = loaded.get(id);
  if (!p) {
    p = importModule(path, file, digest);
    loaded.set(id, p);
  }
  return p;
}

/** Why a module did not load, with the place in it where there is one: esbuild (tsx)
 * names it after its first line; Node's syntax errors in JavaScript do not, so
 * `node --check` is asked for the line. */
function loadFailure(err: unknown, file: string): string {
  if (!isInstance(err, Error) || typeof err.message !== "string") return errorMessage(err);
  const lines = err.message.split("\n");
  const errors = lines.filter((l) => l.includes(": ERROR: ")).map((l) => l.replace(": ERROR: ", ": "));
  if (errors.length > 0) return errors.join("; ");
  // thrown by the module's own code as it ran (a SyntaxError from JSON.parse among them)
  const where = thrownAt(err);
  if (where !== "") return `${lines[0]}${where}`;
  if (err.name === "SyntaxError") {
    // a parse error, whose message names no file: the module itself is checked, and when
    // it parses, the faulty file is one it imports, which a fresh import names on its
    // first line (an ES module graph is parsed whole before any of its code runs, so
    // none runs twice)
    const run = (args: string[]) => spawnSync(process.execPath, args, { encoding: "utf8", timeout: 30_000 }).stderr ?? "";
    const at = /^(.+):(\d+)$/m.exec(run(["--check", file]) || run(["--input-type=module", "-e", "await import(process.argv[1])", pathToFileURL(file).href]));
    if (at) return `${at[1].startsWith("file:") ? fileURLToPath(at[1]) : at[1]}:${at[2]}: ${lines[0]}`;
  }
  return lines[0];
}

async function importModule(label: string, file: string, digest: string): Promise<PolicyModule> {
  let ns: Record<string, unknown>;
  try {
    if (/\.[cm]?ts$/.test(file)) {
      const { tsImport } = await import("tsx/esm/api");
      ns = await tsImport(pathToFileURL(file).href, import.meta.url);
    } else {
      // Node keeps one instance per URL: the digest makes an edited file another URL
      ns = await import(`${pathToFileURL(file).href}?sha256=${digest.slice(0, 16)}`);
    }
  } catch (err) {
    const why = loadFailure(err, file);
    // a .ts module outside an ES-module package is CommonJS to tsx, which then cannot
    // follow its imports of other .ts files
    const hint = /\?namespace=|require\(\) ES Module/.test(why)
      ? ` (a policy made of several .ts files needs a package.json saying "type": "module" in its folder, or .mts files)`
      : "";
    throw new PolicyModuleError(`policy module ${label}: cannot load it: ${why}${hint}`);
  }
  const checked = checkPolicyModule(hooksOf(ns, label), label);
  if (checked.name !== undefined) return checked;
  // named by its file: a copy, with the hooks bound to the module, since an instance of a
  // class keeps its methods on its prototype (a copy leaves them behind) and its fields,
  // private ones too, on itself (`this` must be it)
  const hooks = Object.fromEntries(HOOKS.map((h) => [h, (checked[h] as (...a: unknown[]) => unknown).bind(checked)]));
  return { ...checked, ...hooks, name: basename(file, extname(file)) } as PolicyModule;
}

/** Where a loaded module keeps its hooks: its named exports, or one default-exported
 * object (an instance of a class among them). When it exports no hook by name, its
 * default is what it meant as the policy: checked as such, so that a default object
 * lacking one hook is told which, not that "reset" (which it may have) is missing, and a
 * class exported in place of an instance is told so. */
function hooksOf(ns: Record<string, unknown>, label: string): unknown {
  let def = ns.default;
  // a .ts module outside an ES-module package, which tsx compiles as CommonJS: the
  // namespace's default is its module.exports, whose own `default` is the module's
  if (typeof def === "object" && def !== null && (def as { __esModule?: unknown }).__esModule === true && "default" in def) {
    def = (def as { default: unknown }).default;
  }
  const named = HOOKS.some((h) => typeof ns[h] === "function");
  if (typeof def === "object" && def !== null && (!named || typeof (def as Record<string, unknown>).onFault === "function")) return def;
  if (!named && typeof def === "function") {
    const proto = (def as { prototype?: Record<string, unknown> }).prototype;
    if (proto && HOOKS.some((h) => typeof proto[h] === "function")) {
      throw new PolicyModuleError(
        `policy module ${label}: exports a class as its default, not an instance of it (the hooks are called on an object: export default new ${(def as { name?: string }).name || "YourPolicy"}())`,
      );
    }
  }
  return ns;
}

/** A module's parameter as the built-ins' are described: a module's has no lower
 * limit unless it sets one. */
function paramOf(name: string, s: PolicyParamSpec): NumericParam {
  return { name, default: s.default, description: s.description ?? "", min: s.min ?? -Infinity, max: s.max, integer: s.integer };
}

/** The parameters a module declares, described as the built-ins' are. */
export function modulePolicyParamSpecs(mod: PolicyModule): NumericParam[] {
  return Object.entries(mod.params ?? {}).map(([name, s]) => paramOf(name, s));
}

/** The module's parameters: defaults, overridden by name (unknown names, and values
 * outside the range the module declares, refused). */
export function modulePolicyParams(mod: PolicyModule, label: string, overrides: Record<string, number> = {}): Record<string, number> {
  try {
    return resolveParams(`policy module ${label}`, modulePolicyParamSpecs(mod), overrides);
  } catch (err) {
    throw new PolicyModuleError(errorMessage(err));
  }
}

const STATE_NAMES: Record<number, PageState> = {
  [ST_NONE]: "none",
  [ST_HOME]: "home",
  [ST_FLIGHT]: "in-flight",
  [ST_LOCAL]: "present",
};

/** The hook running now, of whichever run: where a context kept from another run was
 * used (hooks do not nest, and each thread runs one hook at a time). */
let running: HookName | undefined;

/** The module's hooks for one process, bound to its core's views, each call guarded so
 * that an error names the module and the hook. */
export function bindPolicyModule(
  mod: PolicyModule,
  label: string,
  params: Record<string, number>,
  regions: readonly Region[],
  views: CoreViews,
): HostPolicyHooks {
  const pageCount = views.states.length;
  let hook: HookName = "reset";
  // the context is its process's only while one of its hooks runs: kept past that (in a
  // module variable), it would read another run's tables, a finished run's among them,
  // which know the trace ahead of this one
  let active = false;
  const fail = (what: string, cause?: unknown): never => {
    throw new PolicyModuleError(`policy module ${label}: ${hook} ${what}`, cause === undefined ? undefined : { cause });
  };
  const live = (): void => {
    if (!active) {
      throw new PolicyModuleError(
        `policy module ${label}: a context was used outside its own hooks${running ? `, in ${running} of another run` : ""}${thrownAt(new Error())} (keep what a run needs in ctx.state, not the context itself)`,
      );
    }
  };
  // a refused page, with where in the module it was asked: its first frame outside this package
  const asked = (what: string): never => fail(`${what}${thrownAt(new Error())}`);
  const inSpace = (page: number): boolean => page >= 0 && page < pageCount;
  /** a page id must be a whole number (NaN from `undefined + 1` would find a region by
   * chance); `inside`: and inside the address space */
  const checkPage = (page: number, inside = true): void => {
    live();
    if (typeof page !== "number") asked(`asked about page ${typeof page === "string" ? `"${page}"` : String(page)}, which is not a number`);
    if (!Number.isInteger(page)) asked(`asked about page ${page}, which is not a whole number`);
    if (inside && !inSpace(page)) {
      asked(`asked about page ${page}, outside the address space (pages 0..${pageCount - 1})`);
    }
  };
  // the table the core's policies read: the host sets it once, at the freeze, which
  // comes after reset and before every other hook
  let known: readonly PolicyRegion[] | undefined;
  const tableNow = (): readonly PolicyRegion[] =>
    Object.freeze(regions.map((r, i) => Object.freeze({ start: views.regions[2 * i], end: views.regions[2 * i + 1], name: r.name, kind: r.kind })));
  const ctx: PolicyContext = {
    get now() {
      live();
      return views.counters[C_NOW];
    },
    params: Object.freeze({ ...params }),
    state: undefined,
    // read-only, as `now` is: a module that wrote it would misjudge its own checks
    get pageCount() {
      return pageCount;
    },
    get regions() {
      live();
      return hook === "reset" ? tableNow() : (known ??= tableNow());
    },
    // any whole number may be asked: one outside every region is -1
    regionOf: (page) => {
      checkPage(page, false);
      return regionOf(views, page);
    },
    // any whole number may be asked, as of regionOf: a page outside the address space never
    // existed, as one in no region, is not at home, never crossed the network (0) and no
    // scan saw it (0) (a policy asking about the neighbour past a region's end need not
    // check the bounds first); a request for it still throws
    pageState(page) {
      checkPage(page, false);
      return inSpace(page) ? STATE_NAMES[knownState(views, page)] : "none";
    },
    isHome(page) {
      checkPage(page, false);
      return inSpace(page) && knownAtHome(views.states, page);
    },
    arrivedAt(page) {
      checkPage(page, false);
      return inSpace(page) ? arrivedAt(views, page) : 0;
    },
    scanBits(page) {
      checkPage(page, false);
      return inSpace(page) ? scanBits(views, page) : 0;
    },
    request(page, options) {
      checkPage(page);
      return requestPage(views, page, options?.trigger ? F_TRIGGER : 0);
    },
  };
  const call = (name: HookName, run: () => unknown): void => {
    hook = name;
    active = true;
    running = name;
    let returned: unknown;
    try {
      returned = run();
    } catch (err) {
      // the module's own error (a bad page asked for) as it is; anything the module threw,
      // an Error or not, described without running its code where that could throw
      // (errorMessage never throws): the message names the module and the hook
      if (isInstance(err, PolicyModuleError)) throw err;
      fail(`threw: ${errorMessage(err)}${thrownAt(err)}`, err);
    } finally {
      active = false;
      running = undefined;
    }
    if (returned === undefined) return;
    // a list of pages handed back, as if that asked for them (ctx.request is how)
    if (Array.isArray(returned) || ArrayBuffer.isView(returned)) {
      fail(`returned a list of pages: hooks return nothing, and a policy asks for a page with ctx.request(page)`);
    }
    if (typeof (returned as PromiseLike<unknown> | undefined)?.then === "function") {
      // its rest would run after the hook, against a simulation gone on: refuse it, and
      // keep its failure from surfacing later as another run's unhandled rejection
      (returned as Promise<unknown>).then(undefined, () => {});
      fail("returned a Promise: hooks run synchronously (an async function's work after its first await would run when the simulation has gone on)");
    }
  };
  call("reset", () => mod.reset(ctx));
  return {
    onFault: (page, now) => call("onFault", () => mod.onFault(ctx, page, now)),
    onUse: (page, now, trigger) => call("onUse", () => mod.onUse(ctx, page, now, trigger)),
    onArrival: (page, t) => call("onArrival", () => mod.onArrival(ctx, page, t)),
    onServed: (ns) => call("onServed", () => mod.onServed(ctx, ns)),
  };
}
