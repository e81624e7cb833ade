// A policy module's hook may throw anything, not only an Error. Whatever it throws, the
// message names the module and the hook, and describing the value never throws itself:
// `throw Object.create(null)` printed "ampom: Cannot convert object to primitive value",
// an object whose toString throws printed that throw's message ("ampom: nested"), and a
// Proxy whose traps throw printed "ampom: proxy", under run and cluster, and a sweep
// recorded the same as the run's error.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/sim/simulate.js";
import { simulateCluster } from "../../src/sim/cluster-scenario.js";
import { sweep } from "../../src/sweep/index.js";
import { errorMessage } from "../../src/util/errors.js";
import { ampom, hasStack, scratchDir } from "../sweep/cli-helpers.js";

const throwers = {
  "no-prototype": "throw Object.create(null);",
  "throwing-tostring": 'throw { toString() { throw new Error("nested"); } };',
  "throwing-proxy": 'const trap = () => { throw new Error("proxy"); }; throw new Proxy({}, { get: trap, getPrototypeOf: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap });',
} as const;
const said: Record<keyof typeof throwers, string> = {
  "no-prototype": "an object with no prototype, not an Error",
  "throwing-tostring": "an object, not an Error, which could not be described (trying threw: nested)",
  "throwing-proxy": "a Proxy, not an Error",
};

const dir = scratchDir("thrown");
const moduleFile = (name: keyof typeof throwers) => {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, ["reset", "onUse", "onArrival", "onServed"].map((h) => `export function ${h}() {}`).join("\n") + `\nexport function onFault() { ${throwers[name]} }\n`);
  return file;
};
const names = Object.keys(throwers) as Array<keyof typeof throwers>;

describe("a hook that throws something other than an Error", () => {
  it.each(names)("run: names the module and the hook (%s)", async (name) => {
    const file = moduleFile(name);
    await expect(simulate({ workload: "sequential", memory: "1MiB", policy: file, baselines: false })).rejects.toThrow(`policy module ${file}: onFault threw: ${said[name]}`);
  });

  it.each(names)("cluster: names the module, the process and the hook (%s)", async (name) => {
    const file = moduleFile(name);
    const scenario = {
      nodes: [{ name: "a" }, { name: "b" }],
      processes: [{ name: "p", node: "a", workload: "sequential", memory: "16MiB", policy: file }],
      triggers: [{ kind: "time" as const, process: "p", to: "b", at: "100us" }],
    };
    await expect(simulateCluster(scenario)).rejects.toThrow(`policy module ${file} (process p): onFault threw: ${said[name]}`);
  });

  it("sweep: the run's recorded error names the module and the hook", async () => {
    const out = join(scratchDir("thrown-sweep"), "runs.jsonl");
    const files = names.map(moduleFile);
    const summary = await sweep({ config: { base: { workload: "sequential", memory: "1MiB", baselines: false }, grid: { policy: files } }, out, workers: 1 });
    expect(summary.failed).toBe(3);
    const runs = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { options: { policy: string }; error: string });
    for (const name of names) {
      const file = join(dir, `${name}.mjs`);
      expect(runs.find((r) => r.options.policy === file)?.error).toBe(`policy module ${file}: onFault threw: ${said[name]}`);
    }
  });

  it("the command line: one line, exit 1, no stack, also with AMPOM_DEBUG", () => {
    const file = moduleFile("throwing-proxy");
    for (const debug of ["", "1"]) {
      const r = ampom(["run", "--workload", "sequential", "--memory", "1MiB", "--no-baselines", "--policy", file], { AMPOM_DEBUG: debug });
      expect(r.stderr.split("\n")[0]).toBe(`ampom: policy module ${file}: onFault threw: a Proxy, not an Error`);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      if (!debug) expect(hasStack(r.stderr)).toBe(false);
    }
  });
});

describe("errorMessage never throws, whatever it is given", () => {
  class Odd {
    x = 1;
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const badMessage = new Error("x");
  Object.defineProperty(badMessage, "message", { get: () => { throw new Error("no message"); } });
  const chainProxy = Object.create(new Proxy({}, { getPrototypeOf: () => { throw new Error("chain"); } }));
  it.each([
    ["an Error", new Error("boom"), "boom"],
    ["a string", "just text", "just text"],
    ["undefined", undefined, "undefined"],
    ["a symbol", Symbol("s"), "Symbol(s)"],
    ["a plain object", { code: 3 }, 'an object, not an Error: {"code":3}'],
    ["a class instance", new Odd(), 'an object of class Odd, not an Error: {"x":1}'],
    ["a cyclic object", cyclic, "an object, not an Error"],
    ["an object with a toString of its own", { toString: () => "custom\ntext" }, "an object, not an Error: custom text"],
    ["an object with no prototype", Object.create(null), "an object with no prototype, not an Error"],
    ["a throwing toString", { toString() { throw new Error("nested"); } }, "an object, not an Error, which could not be described (trying threw: nested)"],
    ["a toString that throws a throwing toString", { toString() { throw { toString() { throw new Error("deeper"); } }; } }, "an object, not an Error, which could not be described (trying threw: an object, not an Error, which could not be described)"],
    ["a throwing Proxy", new Proxy({}, { get: () => { throw new Error("proxy"); }, getPrototypeOf: () => { throw new Error("proxy"); } }), "a Proxy, not an Error"],
    ["an Error whose message throws", badMessage, "an Error, which could not be described (trying threw: no message)"],
    ["a Proxy in the prototype chain", chainProxy, "an object, not an Error, which could not be described (trying threw: chain)"],
  ])("%s", (_, value, text) => {
    expect(errorMessage(value)).toBe(text);
  });
});
