// Users' own policies as modules. The example (examples/swap-readahead-policy.ts) is
// the built-in linux-cluster written as a module: run by the host at the core's stops,
// on either core, it must give exactly the built-in's metrics. A module that misbehaves
// gets a message naming the module and the hook, on the command line a non-zero exit,
// one line and no stack.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as example from "../../examples/swap-readahead-policy.js";
import { runScenario, scenarioWorkload, simulate } from "../../src/sim/simulate.js";
import { openTraceWorkload } from "../../src/trace/open.js";
import { resolveOptions } from "../../src/sim/options.js";
import { loadPolicyModule, shortPolicyNames, thrownAt, type PolicyContext, type PolicyModule } from "../../src/policies/module.js";
import { traceWorkload, type TraceRecord } from "../migration/trace-workload.js";
import { sweep } from "../../src/sweep/index.js";
import type { RunOptions } from "../../src/sim/options.js";
import { scratchDir } from "../sweep/cli-helpers.js";

const EXAMPLE = "./examples/swap-readahead-policy.ts";
const bin = new URL("../../bin/ampom.js", import.meta.url).pathname;

async function pair(options: RunOptions) {
  const mod = await simulate({ ...options, policy: EXAMPLE, baselines: false });
  const builtIn = await simulate({ ...options, policy: "linux-cluster", baselines: false });
  return { mod: { ...mod, policy: "-" }, builtIn: { ...builtIn, policy: "-" } };
}

describe("the example policy module", () => {
  it.each(["wasm", "reference"] as const)("gives the built-in linux-cluster's metrics on every kernel (%s core)", async (core) => {
    for (const workload of ["stream", "randomaccess", "ptrans", "dgemm", "hpl", "fft", "beff", "random"]) {
      for (const [mechanism, link] of [["lightweight", "fifo"], ["post-copy", "priority"]] as const) {
        const { mod, builtIn } = await pair({ workload, mechanism, link, core, memory: "2MiB" });
        expect(mod, `${workload} ${mechanism} ${link}`).toEqual(builtIn);
        expect(mod.prefetchedPages + mod.remoteFaults).toBeGreaterThan(0);
      }
    }
  });

  it("gives the built-in's metrics on the committed real trace, with a parameter set", async () => {
    const opts: RunOptions = { workload: "test/fixtures/sort-lackey.amt", policyParams: { pageCluster: 4 } };
    const { mod, builtIn } = await pair(opts);
    expect(mod).toEqual(builtIn);
    expect(mod.usefulPrefetches).toBeGreaterThan(0);
  });

  it("runs as an object handed to simulate(), named by its export", async () => {
    const m = await simulate({ workload: "stream", memory: "2MiB", policy: example, baselines: false });
    expect(m.policy).toBe("swap-readahead");
    const b = await simulate({ workload: "stream", memory: "2MiB", policy: "linux-cluster", baselines: false });
    expect({ ...m, policy: "-" }).toEqual({ ...b, policy: "-" });
  });

  it("as an object, gets the same baselines as by its path: demand paging, full copy, the oracle", async () => {
    const byObject = await simulate({ workload: "stream", memory: "4MiB", policy: example });
    const byPath = await simulate({ workload: "stream", memory: "4MiB", policy: EXAMPLE });
    expect(byObject.faultsPrevented).toBeGreaterThan(0.5);
    expect({ ...byObject, policy: "-" }).toEqual({ ...byPath, policy: "-" });
  });

  it("refuses an object named like a built-in policy, whose push and baselines the name would pick", async () => {
    for (const name of ["oracle", "none", "ampom-plus", "bubbling"]) {
      await expect(simulate({ workload: "stream", memory: "2MiB", policy: { ...example, name } })).rejects.toThrow(
        `option policy: a policy module may not be named "${name}", a built-in policy's name; give it a name of its own`,
      );
    }
  });

  it("runs in a sweep's worker threads, named in the config by its path", async () => {
    const out = join(scratchDir("sweep"), "runs.jsonl");
    const config = {
      base: { workload: "ptrans", memory: "2MiB", baselines: false },
      grid: { policy: ["linux-cluster", EXAMPLE], link: ["fifo", "priority"] },
    };
    const summary = await sweep({ config, out, workers: 2 });
    expect(summary.failed).toBe(0);
    const runs = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(runs).toHaveLength(4);
    for (const link of ["fifo", "priority"]) {
      const [b, m] = ["linux-cluster", EXAMPLE].map((p) => runs.find((r) => r.options.policy === p && r.options.link === link).metrics);
      expect({ ...m, policy: "-" }).toEqual({ ...b, policy: "-" });
    }
  });

  it("refuses a parameter the module does not declare", async () => {
    await expect(simulate({ workload: "stream", memory: "2MiB", policy: EXAMPLE, policyParams: { depth: 3 } })).rejects.toThrow(
      `policy module ${EXAMPLE} has no parameter "depth" (it has: pageCluster)`,
    );
    // nor one every object has
    await expect(simulate({ workload: "stream", memory: "2MiB", policy: EXAMPLE, policyParams: { toString: 3 } })).rejects.toThrow(
      `policy module ${EXAMPLE} has no parameter "toString" (it has: pageCluster)`,
    );
  });

  it("refuses a value outside the range the module declares, and a module whose default lies outside it", async () => {
    for (const [value, range] of [[2.5, "a whole number from 0 to 24"], [25, "a whole number from 0 to 24"], [-1, "a whole number from 0 to 24"]] as const) {
      await expect(simulate({ workload: "stream", memory: "2MiB", policy: EXAMPLE, policyParams: { pageCluster: value } })).rejects.toThrow(
        `policy module ${EXAMPLE} parameter pageCluster: must be ${range}, got ${value}`,
      );
    }
    // no bounds declared: any finite number
    const open = { ...example, name: "open", params: { depth: { default: -3 } } };
    await expect(simulate({ workload: "stream", memory: "2MiB", policy: open, policyParams: { depth: -1e9 }, baselines: false })).resolves.toBeDefined();
    const lowOnly = { ...example, name: "low", params: { depth: { default: 3, max: 8 } } };
    await expect(simulate({ workload: "stream", memory: "2MiB", policy: lowOnly, policyParams: { depth: 9 } })).rejects.toThrow("must be a number of at most 8, got 9");
    const badDefault = { ...example, name: "bad", params: { depth: { default: 3, min: 4, integer: true } } };
    await expect(simulate({ workload: "stream", memory: "2MiB", policy: badDefault })).rejects.toThrow("parameter depth: its default must be a whole number of at least 4, got 3");
    const badBound = { ...example, name: "bad", params: { depth: { default: 3, max: "8" } } };
    await expect(simulate({ workload: "stream", memory: "2MiB", policy: badBound as never })).rejects.toThrow('parameter depth: max must be a number, got "8"');
    // before: "its default must be a number from 5 to 1, got 2"
    const crossed = { ...example, name: "bad", params: { depth: { default: 2, min: 5, max: 1 } } };
    await expect(simulate({ workload: "stream", memory: "2MiB", policy: crossed })).rejects.toThrow("parameter depth: min (5) is above max (1)");
  });

  it("refuses a name that cannot label results: not a string, empty, or with spaces around it", async () => {
    for (const name of [5, "", "none "]) {
      const bad = { ...example, name };
      await expect(simulate({ workload: "stream", memory: "2MiB", policy: bad as never })).rejects.toThrow(`name must be a non-empty string without surrounding spaces, got ${JSON.stringify(name)}`);
    }
    await expect(simulate({ workload: "stream", memory: "2MiB", policy: { ...example, name: "ok", description: 7 } as never })).rejects.toThrow("description must be a string, got 7");
  });

  it("in a sweep, a parameter the combination's module lacks is blamed on the combination, not on the base's default policy", async () => {
    const config = { base: { workload: "stream", memory: "2MiB" }, grid: { policy: [EXAMPLE], policyParams: [{ mode: 1 }] } };
    const out = join(scratchDir("sweep"), "runs.jsonl");
    await expect(sweep({ config, out })).rejects.toThrow(
      `sweep config: grid.policy[0] ${JSON.stringify(EXAMPLE)} with grid.policyParams[0] {"mode":1}: policy module ${EXAMPLE} has no parameter "mode" (it has: pageCluster)`,
    );
  });
});

describe("shortPolicyNames", () => {
  it("cuts a module's path to its file's name and the folders that tell it apart; built-ins and bare words stay", () => {
    const short = shortPolicyNames(["none", "ampom", "/x/a/mine.ts", "/x/b/mine.ts", "/srv/p/own.mjs", "./leap", "/x/y.ts", "/z/x/y.ts"]);
    expect(["none", "ampom", "/x/a/mine.ts", "/x/b/mine.ts", "/srv/p/own.mjs", "./leap", "/x/y.ts", "/z/x/y.ts"].map(short)).toEqual(
      ["none", "ampom", "a/mine.ts", "b/mine.ts", "own.mjs", "./leap", "/x/y.ts", "z/x/y.ts"],
    );
    // a name beside them that is no policy is not taken
    expect(shortPolicyNames(["/p/post-copy/bubbling"], ["post-copy/bubbling"])("/p/post-copy/bubbling")).toBe("p/post-copy/bubbling");
  });
});

describe("a module that misbehaves", () => {
  const dir = scratchDir("policy");
  const write = (name: string, body: string) => {
    const file = join(dir, name);
    writeFileSync(file, body);
    return file;
  };
  const hooks = (overrides: Record<string, string>) =>
    ["reset", "onFault", "onUse", "onArrival", "onServed"]
      .map((h) => overrides[h] ?? `export function ${h}() {}`)
      .join("\n");
  const cases: Array<[label: string, file: string, message: string]> = [
    [
      "lacks a hook",
      write("no-arrival.mjs", hooks({ onArrival: "" })),
      "missing hook onArrival (a policy exports all of reset, onFault, onUse, onArrival, onServed as functions)",
    ],
    [
      // the methods are on the class's prototype: "missing hook reset" misled
      "exports its class as the default rather than an instance",
      write("class-default.mjs", "export default class Next { reset(ctx) { ctx.state = {}; } onFault() {} onUse() {} onArrival() {} onServed() {} }"),
      "exports a class as its default, not an instance of it (the hooks are called on an object: export default new Next())",
    ],
    [
      // its default holds the hooks, one misspelt: the named exports (none) were blamed
      "exports a default object lacking a hook",
      write("default-lacks.mjs", "export default { reset(ctx) { ctx.state = {}; }, onfault() {}, onUse() {}, onArrival() {}, onServed() {} };"),
      "missing hook onFault (a policy exports all of",
    ],
    [
      "throws in a hook",
      write("throws.ts", hooks({ onFault: "export function onFault(): void { throw new Error('my bug'); }" })),
      // compiled as CommonJS (no package.json says "type": "module"): the file, not the line
      `onFault threw: my bug (in ${join(dir, "throws.ts")})`,
    ],
    [
      "asks for a page outside the address space",
      write("outside.mjs", hooks({ onFault: "export function onFault(ctx) { ctx.request(ctx.pageCount + 5); }" })),
      // with the place in the module that asked (a wrong page is often worked out)
      `, outside the address space (pages 0..380) (at ${join(dir, "outside.mjs")}:2:36)`,
    ],
    [
      "reads when an in-flight page will arrive",
      write("clairvoyant.mjs", hooks({ onFault: "export function onFault(ctx, page) { ctx.arrivedAt(page); }" })),
      "while it is still in flight",
    ],
    [
      "throws in a hook, at a line the message names",
      write("throws-here.mjs", hooks({ onFault: "export function onFault(ctx) {\n  return ctx.state.missing.field;\n}" })),
      `onFault threw: Cannot read properties of undefined (reading 'missing') (at ${join(dir, "throws-here.mjs")}:3:20)`,
    ],
    ["does not parse", write("broken.ts", "export function reset( {"), "cannot load it"],
    [
      "has an async hook",
      write("async.mjs", hooks({ onFault: "export async function onFault(ctx, page) { await null; ctx.request(page + 1); }" })),
      "onFault returned a Promise: hooks run synchronously",
    ],
    [
      "returns the pages it wants instead of asking for them",
      write("returns-pages.mjs", hooks({ onFault: "export function onFault(ctx, page) { return [page + 1, page + 2]; }" })),
      "onFault returned a list of pages: hooks return nothing, and a policy asks for a page with ctx.request(page)",
    ],
    [
      "writes the page count",
      write("writes-page-count.mjs", hooks({ onFault: "export function onFault(ctx) { ctx.pageCount = 5; }" })),
      "onFault threw: Cannot set property pageCount",
    ],
    [
      "asks about a page by a string",
      write("string-page.mjs", hooks({ onFault: 'export function onFault(ctx) { ctx.request("12"); }' })),
      `onFault asked about page "12", which is not a number (at ${join(dir, "string-page.mjs")}:2:36)`,
    ],
    [
      // any whole number may be read; a fraction is still no page
      "reads the scans of a page that is no whole number",
      write("fraction-scans.mjs", hooks({ onFault: "export function onFault(ctx) { ctx.scanBits(-0.5); }" })),
      `onFault asked about page -0.5, which is not a whole number (at ${join(dir, "fraction-scans.mjs")}:2:36)`,
    ],
    [
      "reads the arrival of a page that is no whole number",
      write("fraction-arrival.mjs", hooks({ onFault: "export function onFault(ctx) { ctx.arrivedAt(ctx.pageCount + 0.5); }" })),
      `onFault asked about page 381.5, which is not a whole number (at ${join(dir, "fraction-arrival.mjs")}:2:36)`,
    ],
    [
      // a page worked out from a field never set: NaN found a region by chance
      "asks for the region of a page that is no whole number",
      write("nan-region.mjs", hooks({ onFault: "export function onFault(ctx) { ctx.regionOf(ctx.state?.last + 1); }" })),
      `onFault asked about page NaN, which is not a whole number (at ${join(dir, "nan-region.mjs")}:2:36)`,
    ],
  ];

  it("may be an instance of a class, exported as default: its methods and fields are its own", async () => {
    const file = write(
      "instance.mjs",
      [
        "class NextPages {",
        "  #calls = 0;",
        "  constructor() { this.depth = 2; this.faults = 0; }",
        "  reset(ctx) { ctx.state = { faults: 0 }; }",
        "  onFault(ctx, page) {",
        "    this.#calls++; this.faults++;",
        "    globalThis.instanceSeen = { calls: this.#calls, faults: this.faults };",
        "    for (let i = 1; i <= this.depth; i++) if (ctx.isHome(page + i)) ctx.request(page + i);",
        "  }",
        "  onUse() {}",
        "  onArrival() {}",
        "  onServed() {}",
        "}",
        "export default new NextPages();",
      ].join("\n"),
    );
    const m = await simulate({ workload: "sequential", memory: "2MiB", policy: file, baselines: false });
    expect(m.policy).toBe(file);
    expect(m.prefetchedPages).toBeGreaterThan(0);
    // named by its file, as a module of plain functions is; the hooks' `this` is the
    // instance itself, its private fields too
    expect((await loadPolicyModule(file)).name).toBe("instance");
    expect((globalThis as { instanceSeen?: unknown }).instanceSeen).toEqual({ calls: m.remoteFaults, faults: m.remoteFaults });
  });

  it("may export its hooks as a default object or instance from a .ts file, which tsx compiles as CommonJS", async () => {
    // the default was module.exports's own: "missing hook reset" for a module that had it
    const object = write("default-object.ts", "export default { reset(ctx: any) { ctx.state = {}; }, onFault(ctx: any, p: number) { if (ctx.isHome(p + 1)) ctx.request(p + 1); }, onUse() {}, onArrival() {}, onServed() {} };");
    const instance = write(
      "default-instance.ts",
      "class Next { reset(ctx: any) { ctx.state = {}; } onFault(ctx: any, p: number) { if (ctx.isHome(p + 1)) ctx.request(p + 1); } onUse() {} onArrival() {} onServed() {} }\nexport default new Next();",
    );
    for (const file of [object, instance]) {
      const m = await simulate({ workload: "sequential", memory: "2MiB", policy: file, baselines: false });
      expect(m.prefetchedPages, file).toBeGreaterThan(0);
    }
    const cls = write("default-class.ts", "export default class Next { reset() {} onFault() {} onUse() {} onArrival() {} onServed() {} }");
    await expect(loadPolicyModule(cls)).rejects.toThrow("exports a class as its default, not an instance of it (the hooks are called on an object: export default new Next())");
  });

  it("may ask the region of any whole number: one outside the address space is in none", async () => {
    const file = write(
      "regions-outside.mjs",
      hooks({ onFault: "export function onFault(ctx, page) { if (ctx.regionOf(-1) !== -1 || ctx.regionOf(ctx.pageCount + 5) !== -1 || ctx.regionOf(page) < 0) throw new Error('wrong region'); }" }),
    );
    await expect(simulate({ workload: "stream", memory: "2MiB", policy: file, baselines: false })).resolves.toMatchObject({ workload: "stream" });
  });

  /** A module that reads `read` (an expression of p) of pages outside the address space
   * at each fault, and asks for the next four pages where `ask` (of p) holds, run on
   * sequential on both cores (its faults reach the last pages, whose neighbours past the
   * end are read): what it read, each once, the cores agreeing on every figure. */
  async function readOutside(name: string, read: string, ask: string): Promise<Set<string>> {
    const file = write(
      `${name}.mjs`,
      hooks({
        onFault: [
          "export function onFault(ctx, page) {",
          "  const seen = (globalThis.outsideSeen ??= []);",
          `  for (const p of [-1, ctx.pageCount, ctx.pageCount + 5]) seen.push(${read});`,
          `  for (let p = page + 1; p <= page + 4; p++) if (${ask}) ctx.request(p);`,
          "}",
        ].join("\n"),
      }),
    );
    const g = globalThis as { outsideSeen?: unknown[] };
    const seen = new Set<string>();
    const metrics = [];
    for (const core of ["wasm", "reference"] as const) {
      delete g.outsideSeen;
      metrics.push(await simulate({ workload: "sequential", memory: "1MiB", policy: file, core, baselines: false }));
      expect(g.outsideSeen!.length).toBeGreaterThan(0);
      for (const x of g.outsideSeen!) seen.add(JSON.stringify(x));
    }
    expect(metrics[0].prefetchedPages).toBeGreaterThan(0);
    // the cores agree on every figure (the core's own name aside)
    expect({ ...metrics[1], core: "wasm" }).toEqual(metrics[0]);
    return seen;
  }

  // before: both threw ("asked about page 381, outside the address space"), so a policy
  // asking whether the neighbour past the last page was at home stopped the run
  it("may ask whether any whole number is at home, and its state: one outside the address space is not, and never existed", async () => {
    expect(await readOutside("home-outside", "[ctx.isHome(p), ctx.pageState(p)]", "ctx.isHome(p)")).toEqual(new Set([JSON.stringify([false, "none"])]));
  });

  // before: both threw ("asked about page -1, outside the address space"), where
  // isHome and pageState answered, so a policy reading the neighbour past the last page
  // had to check the bounds first or stop the run
  it("may ask when any whole number arrived and which scans saw it: one outside the address space never crossed, and none saw it", async () => {
    const ask = "ctx.scanBits(p) >= 0 && ctx.pageState(p) !== 'in-flight' && ctx.arrivedAt(p) === 0 && ctx.isHome(p)";
    expect(await readOutside("arrival-outside", "[ctx.arrivedAt(p), ctx.scanBits(p)]", ask)).toEqual(new Set([JSON.stringify([0, 0])]));
  });

  it.each(cases)("%s: the library says which module and hook", async (_label, file, message) => {
    const err = await simulate({ workload: "stream", memory: "2MiB", policy: file }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(`policy module ${file}`);
    expect((err as Error).message).toContain(message);
  });

  it.each(cases)("%s: the command line exits 1 with one line and no output", (_label, file, message) => {
    const r = spawnSync("node", [bin, "run", "--workload", "stream", "--memory", "2MiB", "--policy", file, "--json"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ampom: policy module /);
    expect(lines[0]).toContain(message);
  });

  it("imports a file that does not parse: the command line names that file and line", () => {
    // (under vitest the library's imports go through vite, which words it otherwise)
    write("helper-bad.mjs", "export const x = 1;\nconst y = ;\n");
    const file = write("uses-helper.mjs", `import { x } from "./helper-bad.mjs";\n${hooks({})}`);
    const r = spawnSync("node", [bin, "run", "--workload", "stream", "--memory", "2MiB", "--policy", file, "--json"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`ampom: policy module ${file}: cannot load it: ${join(dir, "helper-bad.mjs")}:2: Unexpected token ';'\n`);
  });

  it("names the line of a throw in a file whose path has a space", async () => {
    mkdirSync(join(dir, "my dir"), { recursive: true });
    const file = write(join("my dir", "spaced.cjs"), ["reset", "onUse", "onArrival", "onServed"].map((h) => `module.exports.${h} = () => {};`).join("\n") + "\nmodule.exports.onFault = () => {\n  throw new Error('here');\n};\n");
    const err = (await simulate({ workload: "stream", memory: "2MiB", policy: file }).catch((e: Error) => e)) as Error;
    expect(err.message).toContain(`onFault threw: here (at ${file}:6:9)`);
  });

  it("runs a module's top level once, also when it throws a SyntaxError as it runs", async () => {
    const log = join(dir, "ran.log");
    const file = write("parses-bad-json.mjs", `import { appendFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(log)}, "ran\\n");\nJSON.parse("{bad");\n${hooks({})}`);
    const r = spawnSync("node", [bin, "run", "--workload", "stream", "--memory", "2MiB", "--policy", file], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^ampom: policy module ${file}: cannot load it: .*JSON.* \\(at ${file}:3:6\\)\\n$`));
    expect(readFileSync(log, "utf8")).toBe("ran\n");
  });

  it("keeps the module's own error as the cause, for its stack", async () => {
    const file = write("throws-cause.mjs", hooks({ onFault: "export function onFault() { throw new RangeError('mine'); }" }));
    const err = (await simulate({ workload: "stream", memory: "2MiB", policy: file }).catch((e: Error) => e)) as Error;
    expect(err.cause).toBeInstanceOf(RangeError);
    expect((err.cause as Error).message).toBe("mine");
  });

  it("cannot use a context kept from another run, which may know the trace ahead", async () => {
    const file = write("kept-context.mjs", hooks({ reset: "let kept; export function reset(ctx) { if (kept) kept.pageState(0); kept = ctx; }" }));
    const options = { workload: "stream", memory: "2MiB", policy: file, baselines: false };
    await simulate(options);
    // with the place that used it
    await expect(simulate(options)).rejects.toThrow(`policy module ${file}: a context was used outside its own hooks, in reset of another run (at ${file}:1:55)`);
  });

  it("names a module file that does not exist", () => {
    const r = spawnSync("node", [bin, "run", "--policy", "./no-such-policy.ts"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe("ampom: policy module ./no-such-policy.ts: no such file");
  });

  it("runs from the command line on both cores with the same JSON", () => {
    const run = (core: string) =>
      execFileSync("node", [bin, "run", "--workload", "fft", "--memory", "2MiB", "--policy", EXAMPLE, "--core", core, "--json"], { encoding: "utf8" });
    const [w, r] = [JSON.parse(run("wasm")), JSON.parse(run("reference"))];
    // the same metrics; the provenance names each run's own core
    expect({ ...w, core: "-", provenance: "-" }).toEqual({ ...r, core: "-", provenance: "-" });
    expect([w.provenance.core, r.provenance.core]).toEqual(["wasm", "reference"]);
    expect(w.policy).toBe(EXAMPLE);
  });
});

describe("what a module knows of the regions", () => {
  it("nothing before the migration; from the freeze, a captured trace's each from its first to its last page that existed then", async () => {
    // three regions of 20 pages; at home the process touches pages 2..9 and 25..30, after
    // the migration every page of all three (the third region's pages all come later)
    const records: TraceRecord[] = [];
    for (let p = 2; p < 10; p++) records.push({ page: p, gap: 10 });
    for (let p = 25; p < 31; p++) records.push({ page: p, gap: 10 });
    const at = records.length;
    for (let p = 0; p < 60; p++) records.push({ page: p, gap: 10 });
    const spans = (ctx: PolicyContext) => ctx.regions.map((r) => [r.start, r.end]);
    const seen: Array<[string, number[][], number[]]> = [];
    const probe: PolicyModule = {
      name: "region-probe",
      reset: (ctx) => void seen.push(["reset", spans(ctx), []]),
      onFault: (ctx) => {
        if (seen.length === 1) seen.push(["first fault", spans(ctx), [5, 12, 27, 45].map((p) => ctx.regionOf(p))]);
      },
      onUse: () => {},
      onArrival: () => {},
      onServed: () => {},
    };
    const run = async (regionsFromTouches: boolean) => {
      seen.length = 0;
      const workload = { ...traceWorkload([20, 20, 20], records), regionsFromTouches };
      const m = await runScenario(resolveOptions({ workload: "trace", migrateAt: at / records.length, policy: probe, baselines: false }), workload);
      expect(m.remoteFaults).toBeGreaterThan(0);
      return [...seen];
    };
    // a captured trace's regions are drawn round every page it touches: clipped, and one
    // that holds nothing yet is empty where the one before it ends (not where it will lie)
    expect(await run(true)).toEqual([
      ["reset", [[0, 0], [0, 0], [0, 0]], []],
      ["first fault", [[2, 10], [25, 31], [31, 31]], [0, -1, 1, -1]],
    ]);
    // a generator's are its mappings from the start: whole
    expect(await run(false)).toEqual([
      ["reset", [[0, 0], [0, 0], [0, 0]], []],
      ["first fault", [[0, 20], [20, 40], [40, 60]], [0, 0, 1, 2]],
    ]);
  });

  it("a captured trace is known to draw its regions round the pages it touches", async () => {
    const w = await openTraceWorkload("test/fixtures/sort-lackey.amt", 4096);
    expect(w.regionsFromTouches).toBe(true);
    expect((await scenarioWorkload(resolveOptions({ workload: "random", memory: "1MiB" }))).regionsFromTouches).toBeUndefined();
  });
});

describe("where a module's throw is named", () => {
  it("below the working folder, relative to it: a sweep's recorded error reads the same wherever it ran", () => {
    const err = new Error("boom");
    err.stack = `Error: boom\n    at Object.onFault (${join(process.cwd(), "policies", "crashy.mjs")}:5:72)`;
    expect(thrownAt(err)).toBe(` (at ${join("policies", "crashy.mjs")}:5:72)`);
    err.stack = `Error: boom\n    at Object.onFault (${join(tmpdir(), "crashy.mjs")}:5:72)`;
    expect(thrownAt(err)).toBe(` (at ${join(tmpdir(), "crashy.mjs")}:5:72)`);
  });
});
