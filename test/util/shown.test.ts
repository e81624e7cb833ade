// A value a caller gave where another was expected is shown in the message that refuses
// it. A BigInt (12n, easy to pass from code that counts in them) made those messages
// crash as JSON's TypeError "Do not know how to serialize a BigInt", which named
// neither the option nor the value.
import { describe, expect, it } from "vitest";
import { compare, evaluate, allConfigs, kernelWorkloads, parseConditions, simulate, sweep } from "../../src/index.js";
import { simulateCluster } from "../../src/sim/cluster-scenario.js";
import { labelThrows, shown } from "../../src/util/errors.js";
import { scratchDir } from "../sweep/cli-helpers.js";
import { join } from "node:path";

/** What `run` rejects with: its Error's class and message. */
async function refusal(run: () => unknown): Promise<[string, string]> {
  try {
    await run();
  } catch (err) {
    return [(err as Error).constructor.name, (err as Error).message];
  }
  return ["", "did not throw"];
}

describe("a BigInt given in place of a callback or a number", () => {
  it("is shown as code writes it, 12n", () => {
    expect(shown(12n)).toBe("12n");
    expect(shown(-3n)).toBe("-3n");
    // the rest as before: a list or an object by its kind, a number JSON cannot write as it is
    expect(shown([1n, 2n])).toBe("a list of 2 values");
    expect(shown({ n: 1n })).toBe("an object");
    expect(shown(NaN)).toBe("NaN");
    expect(shown("50%")).toBe('"50%"');
    expect(() => labelThrows("sweep: onProgress", 12n as never)).toThrow(new Error("sweep: onProgress: expected a function, got 12n"));
  });

  it("as a callback: refused naming the callback", async () => {
    expect(await refusal(() => compare({ workload: "hpl", memory: "1MiB", policies: ["none"], onProgress: 12n as never }))).toEqual([
      "Error",
      "compare: onProgress: expected a function, got 12n",
    ]);
    const dir = scratchDir("shown-bigint");
    const config = { base: { workload: "stream", memory: "1MiB", baselines: false }, grid: { policy: ["none"] } };
    expect(await refusal(() => sweep({ config, out: join(dir, "s.jsonl"), onProgress: 5n as never }))).toEqual(["Error", "sweep: onProgress: expected a function, got 5n"]);
  });

  it("as a number: refused naming the option", async () => {
    expect(await refusal(() => simulate({ workload: "stream", memory: 1048576n as never }))).toEqual([
      "OptionValueError",
      'option memory (--memory): expected a size such as "64MiB" or a number of bytes, got 1048576n',
    ]);
    expect((await refusal(() => simulate({ workload: "stream", memory: "1MiB", migrateAt: 1n as never })))[1]).toMatch(/^option migrateAt \(--migrate-at\): .*, got 1n$/);
    const configs = allConfigs().filter((c) => ["none", "oracle", "ampom-plus"].includes(c.id));
    const base = { workloads: kernelWorkloads(["sequential"], "1MiB"), configs, conditions: parseConditions(["gige-2008"]), runsDir: join(scratchDir("shown-bigint-evaluate"), "runs") };
    expect(await refusal(() => evaluate({ ...base, points: [0.5], workers: 2n as never }))).toEqual(["Error", "option workers: expected a whole number of at least 1, got 2n"]);
    // in a sweep's grid (and so in evaluate()'s points): the JSON copy of a run's options threw
    const dir = scratchDir("shown-bigint-sweep");
    const config = { base: { workload: "stream", memory: "1MiB", baselines: false }, grid: { migrateAt: [0.5, 2n] } };
    expect(await refusal(() => sweep({ config: config as never, out: join(dir, "s.jsonl") }))).toEqual([
      "SweepConfigError",
      'sweep config: grid.migrateAt[1]: expected a fraction of at least 0 and below 1, such as 0.5 or "50%", got 2n',
    ]);
    expect(await refusal(() => evaluate({ ...base, points: [0.5, 2n as never] }))).toEqual([
      "Error",
      'option points (--migrate-at): points[1] (2n): expected a fraction of at least 0 and below 1, such as 0.5 or "50%"',
    ]);
    expect(await refusal(() => compare({ workload: "hpl", memory: "1MiB", policies: 3n as never }))).toEqual(["Error", "option policies (--policies): must be a list of names, got 3n"]);
    expect(await refusal(() => parseConditions(7n as never))).toEqual(["Error", 'option conditions (--conditions): must be a list of conditions such as "gige-2008@80%", got 7n']);
    // these two had formatters of their own: a scenario's showed 4096n as 4096, the
    // kernels' list crashed as JSON's TypeError
    expect((await refusal(() => simulateCluster({ nodes: 2, processes: [{ name: "p", node: 0, workload: "random", memory: "1MiB" }], pageSize: 4096n as never })))[1]).toMatch(/^scenario pageSize: .*, got 4096n$/);
    expect(await refusal(() => kernelWorkloads(5n as never, "1MiB"))).toEqual(["Error", "option kernels (--kernels): must be a list of kernel names, got 5n"]);
  });
});
