// The library as users import it, by package name: the README's custom-sweep example.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allConfigs, compare, evaluate, evaluationText, kernelWorkloads, mergeSweep, parseConditions, planSweep, reproduce, simulate, simulateCluster, sweep, type Metrics, type RunOptions } from "ampom";
import { scratchDir } from "../sweep/cli-helpers.js";

describe('import { simulate, compare } from "ampom"', () => {
  it("resolves to the source under test (the `development` export), not a possibly stale dist/", async () => {
    const source = await import("../../src/index.js");
    expect(simulate).toBe(source.simulate);
    expect(compare).toBe(source.compare);
  });

  it("runs the README's custom sweep: ampom on a quieter and a busier network", async () => {
    const prevented: number[] = [];
    for (const background of [0, 0.8]) {
      const m: Metrics = await simulate({ workload: "stream", memory: "2MiB", policy: "ampom", background });
      expect(m.faultsPrevented).toBeGreaterThanOrEqual(0);
      expect(m.faultsPrevented).toBeLessThanOrEqual(1);
      prevented.push(m.faultsPrevented!);
    }
    expect(prevented.length).toBe(2);
  });

  it("compare() returns one metrics object per pair, with the oracle position", async () => {
    const calls: string[] = [];
    const rows = await compare({
      workload: "hpl", memory: "2MiB", mechanisms: ["lightweight"], policies: ["none", "ampom", "oracle"],
      onProgress: (done, total, label) => calls.push(`${done}/${total} ${label}`),
    });
    // the rows run side by side over one record stream: progress moves with it to 3/3
    expect(calls.at(-1)).toMatch(/^3\/3 /);
    expect(calls.every((c) => c.split(" ")[0].endsWith("/3"))).toBe(true);
    expect(rows.map((m) => m.policy)).toEqual(["none", "ampom", "oracle"]);
    expect(rows[0].oracleGapClosed).toBe(0);
    expect(rows[2].oracleGapClosed).toBe(1);
    await expect(compare({ workload: "hpl", policies: [] })).rejects.toThrow("no policies to compare");
    const mine = { name: "mine", reset() {}, onFault() {}, onUse() {}, onArrival() {}, onServed() {} };
    await expect(compare({ workload: "hpl", policies: ["none", mine as never] })).rejects.toThrow(
      "option policies (--policies): each must be a name or a policy module file's path (compare a module object with simulate()), got object",
    );
  });

  it("compare() keeps only the rows that take policyParams, as docs/library.md's example says", async () => {
    // leap has no `gain`: its rows go; ampom's stay, under each mechanism that takes it
    const rows = await compare({ workload: "stream", memory: "1MiB", policies: ["ampom", "leap"], policyParams: { gain: 3 } });
    expect(rows.map((m) => `${m.mechanism}/${m.policy}`)).toEqual(["lightweight/ampom", "post-copy/ampom"]);
    const one = await compare({ workload: "stream", memory: "1MiB", mechanisms: ["lightweight"], policies: ["ampom", "leap"], policyParams: { gain: 3 } });
    expect(one.map((m) => `${m.mechanism}/${m.policy}`)).toEqual(["lightweight/ampom"]);
  });

  it("evaluate() runs what `ampom evaluate` runs, and evaluationText() prints its tables", async () => {
    const ids = ["none", "oracle", "leap", "ampom-plus"];
    const e = await evaluate({
      workloads: kernelWorkloads(["stream"], "2MiB"),
      configs: allConfigs().filter((c) => ids.includes(c.id)),
      conditions: parseConditions(["gige-2008"]),
      points: [0.5],
      runsDir: join(scratchDir("library-evaluate"), "runs"),
      workers: 1,
    });
    expect(e.runs.map((r) => r.config).sort()).toEqual([...ids].sort());
    expect(e.runs.find((r) => r.config === "oracle")!.gapClosed).toBe(1);
    expect(evaluationText(e)).toMatch(/^stream +hpcc-kernel /m);
  });

  // before: each passed "boom" on as it was, as if the library itself had failed
  it("labels what a progress callback throws as the callback's, in compare(), evaluate() and reproduce()", async () => {
    const boom = () => {
      throw new Error("boom");
    };
    await expect(compare({ workload: "hpl", memory: "1MiB", mechanisms: ["lightweight"], policies: ["none"], onProgress: boom })).rejects.toThrow(
      /^compare: onProgress threw: boom$/,
    );
    await expect(reproduce({ memory: "1MiB", kernels: ["stream"], onProgress: boom })).rejects.toThrow(/^reproduce: onProgress threw: boom$/);
    // evaluate()'s callback runs inside sweep()'s: labelled once, as evaluate()'s
    const plan = {
      workloads: kernelWorkloads(["stream"], "1MiB"),
      configs: allConfigs().filter((c) => ["none", "oracle"].includes(c.id)),
      focus: "none",
      conditions: parseConditions(["gige-2008"]),
      points: [0.5],
      runsDir: join(scratchDir("library-evaluate-throws"), "runs"),
      workers: 1,
    };
    await expect(evaluate({ ...plan, onProgress: boom })).rejects.toThrow(/^evaluate: onProgress threw: boom$/);
    await expect(evaluate({ ...plan, onSweep: boom })).rejects.toThrow(/^evaluate: onSweep threw: boom$/);
  });

  it("simulate() and simulateCluster() report the share of the records done, chunk by chunk, up to all of them", async () => {
    // they ran silent: a run of 10^9 records showed nothing for minutes
    const shares: number[] = [];
    const m = await simulate({ workload: "random", memory: "1MiB", chunkRecords: 100 }, { onProgress: (f) => shares.push(f) });
    expect(m.records).toBeGreaterThan(500);
    // one call a chunk of 100 records (the run and its baselines share the stream)
    expect(shares).toHaveLength(Math.ceil(m.records / 100));
    expect(shares.every((f, i) => f > 0 && (i === 0 || f > shares[i - 1]))).toBe(true);
    expect(shares.at(-1)).toBe(1);
    const cluster: number[] = [];
    const processes = ["hpl", "stream"].map((workload, i) => ({ name: `p${i}`, node: 0, workload, memory: "4MiB" }));
    await simulateCluster({ nodes: 2, processes, triggers: [{ kind: "fraction", process: "p0", to: 1, at: 0.5 }] }, { onProgress: (f) => cluster.push(f) });
    expect(cluster.length).toBeGreaterThan(2);
    expect(cluster.every((f, i) => i === 0 || f > cluster[i - 1])).toBe(true);
    expect(cluster.at(-1)).toBe(1);
    await expect(simulate({ workload: "random", memory: "1MiB" }, { onProgress: () => { throw new Error("boom"); } })).rejects.toThrow(/^simulate: onProgress threw: boom$/);
  });

  // before: called as it stood, failing as the callback's own "fn is not a function",
  // after evaluate()'s and sweep()'s first runs
  it("refuses a progress callback that is no function, before any run, in compare(), reproduce() and sweep()", async () => {
    await expect(compare({ workload: "hpl", memory: "1MiB", mechanisms: ["lightweight"], policies: ["none"], onProgress: "x" as never })).rejects.toThrow(
      /^compare: onProgress: expected a function, got "x"$/,
    );
    await expect(reproduce({ memory: "1MiB", kernels: ["stream"], onProgress: 3 as never })).rejects.toThrow(/^reproduce: onProgress: expected a function, got 3$/);
    const out = join(scratchDir("library-sweep-callback"), "runs.jsonl");
    await expect(sweep({ config: { base: { workload: "random", memory: "1MiB" } }, out, onProgress: {} as never })).rejects.toThrow(
      /^sweep: onProgress: expected a function, got an object$/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("names an unknown option plainly", async () => {
    await expect(simulate({ bogus: 1 } as RunOptions)).rejects.toThrow(/^unknown option "bogus" \(options: workload, memory, /);
    await expect(simulate({ workload: "random", bogus: 1, other: 2 } as RunOptions)).rejects.toThrow(/^unknown options "bogus", "other" \(/);
    const process = { name: "p", node: 0, workload: "random" };
    await expect(simulateCluster({ nodes: 1, processes: [{ ...process, bogus: 1 }] })).rejects.toThrow(/^scenario processes\[0\]: unknown field "bogus"$/);
    await expect(simulateCluster({ nodes: 1, processes: [process], bogus: 1 })).rejects.toThrow(/^scenario: unknown field "bogus"$/);
    // a sweep with an option it does not have runs nothing (a `dryRun` would have run it all)
    const out = join(scratchDir("library-sweep"), "runs.jsonl");
    const config = { base: { workload: "random", memory: "1MiB" } };
    await expect(sweep({ config, out, dryRun: true } as never)).rejects.toThrow(/^unknown option "dryRun" \(sweep\(\) takes: config, out, workers, /);
    expect(existsSync(out)).toBe(false);
    await expect(sweep({ config, out, workers: "2" } as never)).rejects.toThrow('option workers: expected a whole number of at least 1, got "2"');
    // a misspelt extra was ignored: no events file, paths read from the current folder
    const events = join(scratchDir("library-extras"), "events.jsonl");
    await expect(simulate({ workload: "random", memory: "1MiB" }, { event: events } as never)).rejects.toThrow(`unknown extra "event" (simulate()'s extras: events, onProgress)`);
    await expect(compare({ workload: "random", memory: "1MiB" }, { event: events } as never)).rejects.toThrow(`unknown extra "event" (compare()'s extras: events)`);
    await expect(simulateCluster({ nodes: 1, processes: [process] }, { dri: "/tmp" } as never)).rejects.toThrow(`unknown extra "dri" (simulateCluster()'s extras: events, dir, onProgress)`);
    expect(existsSync(events)).toBe(false);
  });

  it("refuses a lone name or path where a list is due, rather than reading it a letter at a time", async () => {
    await expect(compare({ workload: "hpl", policies: "ampom" as never })).rejects.toThrow('option policies (--policies): must be a list of names, got "ampom"');
    await expect(compare({ workload: "hpl", mechanisms: "post-copy" as never })).rejects.toThrow('option mechanisms (--mechanisms): must be a list of names, got "post-copy"');
    expect(() => mergeSweep({ base: { workload: "random", memory: "1MiB" } }, "shard0.jsonl" as never, "out.jsonl")).toThrow(
      'sweep-merge: the inputs must be a list of results files, got "shard0.jsonl"',
    );
  });

  it("compare() refuses the run options it sets per row, which plain JavaScript could pass and see ignored", async () => {
    const base = { workload: "random", memory: "1MiB" };
    await expect(compare({ ...base, policy: "ampom" } as never)).rejects.toThrow("option policy: compare takes policies (a list)");
    await expect(compare({ ...base, mechanism: "post-copy" } as never)).rejects.toThrow("option mechanism: compare takes mechanisms (a list)");
    await expect(compare({ ...base, baselines: false } as never)).rejects.toThrow("option baselines: compare takes its baselines as rows, always");
  });

  it("compare() refuses a name listed twice, which gave its rows twice over", async () => {
    const base = { workload: "random", memory: "1MiB" };
    // before: four identical lightweight/none rows
    await expect(compare({ ...base, mechanisms: ["lightweight", "lightweight"], policies: ["none"] })).rejects.toThrow('option mechanisms (--mechanisms): "lightweight" is listed twice; list each mechanism once');
    await expect(compare({ ...base, mechanisms: ["lightweight"], policies: ["none", "leap", "none"] })).rejects.toThrow('option policies (--policies): "none" is listed twice; list each policy once');
    // a module's path spelt two ways (the command line's lists drop only a repeat)
    const policies = ["none", "examples/swap-readahead-policy.ts", "./examples/swap-readahead-policy.ts"];
    await expect(compare({ ...base, mechanisms: ["lightweight"], policies })).rejects.toThrow(
      'option policies (--policies): "./examples/swap-readahead-policy.ts" is listed twice (as "examples/swap-readahead-policy.ts" too: one policy module file); list each policy once',
    );
  });

  // an unknown mechanism, policy or push order said only 'unknown mechanism "x"', where an
  // unknown network named its option; a sweep config or scenario names its field instead
  it("names the option of an unknown mechanism, policy or push order, and only once where a file's field is named", async () => {
    const small = { workload: "random", memory: "1MiB" };
    await expect(simulate({ ...small, mechanism: "x" })).rejects.toThrow(/^option mechanism \(--mechanism\): unknown mechanism "x" \(known: /);
    await expect(simulate({ ...small, policy: "x" })).rejects.toThrow(/^option policy \(--policy\): unknown policy "x" \(known: /);
    await expect(simulate({ ...small, mechanism: "post-copy", pushOrder: "x" })).rejects.toThrow(/^option pushOrder \(--push-order\): unknown push order "x" \(known: /);
    await expect(compare({ ...small, mechanisms: ["x"] })).rejects.toThrow(/^option mechanisms \(--mechanisms\): unknown mechanism "x" \(known: /);
    await expect(compare({ ...small, policies: ["none", "x"] })).rejects.toThrow(/^option policies \(--policies\): unknown policy "x" \(known: /);
    const processes = [{ name: "p", node: 0, ...small, mechanism: "x" }];
    await expect(simulateCluster({ nodes: 1, processes })).rejects.toThrow(/^scenario processes\[0\]\.mechanism: unknown mechanism "x" \(known: /);
    await expect(simulateCluster({ nodes: 1, network: "x", processes: [{ name: "p", node: 0, ...small }] })).rejects.toThrow(/^scenario network: unknown network "x" \(known: /);
    expect(() => planSweep({ base: small, grid: { policy: ["x"] } })).toThrow(/^sweep config: grid\.policy\[0\]: unknown policy "x" \(known: /);
  });

  // an unknown network said only 'unknown network "foo"', and a memory below a page
  // "option memory:", where the other options' messages name the option and its flag
  it("names the network option, and memory's flag as each function's command spells it", async () => {
    const foo = 'option network (--network): unknown network "foo" (known: gige-2008, rdma-100g)';
    await expect(simulate({ workload: "random", memory: "1MiB", network: "foo" })).rejects.toThrow(foo);
    await expect(compare({ workload: "random", memory: "1MiB", network: "foo" })).rejects.toThrow(foo);
    await expect(reproduce({ memory: "1MiB", kernels: ["stream"], network: "foo" })).rejects.toThrow(foo);
    await expect(simulate({ workload: "random", memory: 1 })).rejects.toThrow("option memory (--memory): must be at least one page (4096 bytes), got 1");
    await expect(reproduce({ memory: 1, kernels: ["stream"] })).rejects.toThrow("option memory (--size): must be at least one page (4096 bytes), got 1");
  });

  // reproduce() took any key: `size` (the command line's --size) ran the default 256 MiB
  // for minutes; a lone kernel name ran as "unknown kernel \"s\"" (kernelWorkloads too;
  // parseConditions: "specs.map is not a function"); busyBackground: 1 was refused as
  // option background, which reproduce() does not have
  it("reproduce(), kernelWorkloads() and parseConditions() refuse, before any run, options they do not know and values they cannot take, naming them", async () => {
    const tiny = { memory: "1MiB", kernels: ["stream"] };
    await expect(reproduce({ ...tiny, size: "1MiB" } as never)).rejects.toThrow('unknown option "size" (options: memory, kernels, network, core, cpu, seed, seeds, busyBackground, onProgress)');
    await expect(reproduce({ memory: "1MiB", kernels: "stream" } as never)).rejects.toThrow('option kernels (--kernels): must be a list of kernel names, got "stream"');
    expect(() => kernelWorkloads("beff" as never, "1MiB")).toThrow('option kernels (--kernels): must be a list of kernel names, got "beff"');
    expect(() => parseConditions("gige-2008" as never)).toThrow('option conditions (--conditions): must be a list of conditions such as "gige-2008@80%", got "gige-2008"');
    await expect(reproduce({ ...tiny, busyBackground: 1 })).rejects.toThrow(
      'option busyBackground (--background): expected a fraction of at least 0 and below 1, such as 0.8 or "80%", got 1',
    );
    await expect(reproduce({ ...tiny, memory: true } as never)).rejects.toThrow("option memory (--size): cannot read");
    // a percent, as the other fractions take it, runs as the fraction
    const [percent, fraction] = [await reproduce({ ...tiny, busyBackground: "40%" }), await reproduce({ ...tiny, busyBackground: 0.4 })];
    expect(percent.settings.busyBackground).toBe(0.4);
    expect(percent.busy).toEqual(fraction.busy);
  });

  // every other size takes a unit in code and in files, and --page-size does; pageSize
  // refused "16KiB" as not "a power of two from 512 to 2097152", which it is
  it("takes a page size with a unit, as --page-size does, in run options, sweep configs and scenarios", async () => {
    const run = { workload: "random", memory: "1MiB", baselines: false };
    expect(await simulate({ ...run, pageSize: "16KiB" })).toEqual(await simulate({ ...run, pageSize: 16384 }));
    await expect(simulate({ ...run, pageSize: "3KiB" })).rejects.toThrow(
      'option pageSize (--page-size): expected a power of two from 512 to 2097152 bytes, such as 4096 or "4KiB", got "3KiB" (3072 bytes)',
    );
    await expect(simulate({ ...run, pageSize: 3000 })).rejects.toThrow("option pageSize (--page-size): expected a power of two from 512 to 2097152 bytes, such as 4096 or \"4KiB\", got 3000");
    const scenario = (pageSize: unknown) => ({
      nodes: 2, pageSize,
      processes: [{ name: "p", node: 0, workload: "random", memory: "1MiB" }],
      triggers: [{ kind: "fraction", process: "p", to: 1, at: 0.5 }],
    });
    expect(await simulateCluster(scenario("8KiB"))).toEqual(await simulateCluster(scenario(8192)));
    // a trace's own page size is named as the caller gives it, not only as --page-size
    const trace = join(process.cwd(), "test/fixtures/sort-lackey.amt");
    const mismatch = "the trace has 4096-byte pages but the run uses 8192 (set pageSize (--page-size) to 4096)";
    await expect(simulate({ workload: trace, pageSize: "8KiB", baselines: false })).rejects.toThrow(mismatch);
    // a scenario names its own field, not run's flag
    await expect(simulateCluster({ nodes: 1, pageSize: "8KiB", processes: [{ name: "t", node: 0, workload: trace }] })).rejects.toThrow(
      `scenario processes[0].workload: ${trace}: the trace has 4096-byte pages but the run uses 8192 (set pageSize to 4096)`,
    );
    await expect(simulateCluster(scenario("3000"))).rejects.toThrow('scenario pageSize: must be a power of two from 512 to 2097152 bytes, such as 4096 or "4KiB", got "3000"');
  });
});
