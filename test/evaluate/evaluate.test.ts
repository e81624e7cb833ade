// `ampom evaluate` on a tiny subset (the committed sort trace and a 1 MiB beff kernel,
// one condition, one migration point, a few configurations): its standings, win table
// and JSON must agree with direct simulate() calls of the same scenarios, and running
// it again resumes from its runs instead of simulating anything twice.
import { copyFileSync, existsSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pct } from "../../src/cli/format.js";
import { bestLabel } from "../../src/evaluate/tables.js";
import { allConfigs, evalRunOptions, corpusWorkloads, evaluate, evaluationText, kernelWorkloads, parseCondition, parseConditions, unusedPages, type Evaluation } from "../../src/evaluate/index.js";
import { simulate } from "../../src/sim/simulate.js";
import { ampom } from "../cli/capture.js";
import { aheadPolicy, ampomAsync, scratchDir } from "../sweep/cli-helpers.js";
import { rmSync } from "node:fs";

const dir = scratchDir("evaluate");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const manifest = join(dir, "manifest.json");
writeFileSync(manifest, JSON.stringify({ programs: [{ name: "sort", kind: "text", half: "test", file: resolve("test/fixtures/sort-lackey.amt") }] }));

const ids = ["none", "oracle", "ampom", "ampom-plus", "post-copy/bubbling", "post-copy/ascending"];
const configs = allConfigs().filter((c) => ids.includes(c.id));
const condition = parseCondition("gige-2008@80%");
const workloads = [...corpusWorkloads(manifest), ...kernelWorkloads(["beff"], "1MiB")];

describe("evaluate", () => {
  let e: Evaluation;
  it("ranks configurations as direct simulate() calls do", async () => {
    const log = join(dir, "runs.log");
    process.env.AMPOM_SWEEP_RUN_LOG = log;
    try {
      e = await evaluate({ workloads, configs, conditions: [condition], points: [0.5], runsDir: join(dir, "runs"), workers: 2 });
      expect(readFileSync(log, "utf8").trim().split("\n")).toHaveLength(workloads.length * configs.length);
      // a second evaluation resumes: every run is already in the results files
      writeFileSync(log, "");
      const again = await evaluate({ workloads, configs, conditions: [condition], points: [0.5], runsDir: join(dir, "runs"), workers: 2 });
      expect(readFileSync(log, "utf8")).toBe("");
      expect(again).toEqual(e);
    } finally {
      delete process.env.AMPOM_SWEEP_RUN_LOG;
    }

    for (const w of workloads) {
      const direct = new Map<string, Awaited<ReturnType<typeof simulate>>>();
      for (const c of configs) {
        direct.set(
          c.id,
          await simulate(evalRunOptions(w, c, condition, 0.5)),
        );
      }
      const demand = direct.get("none")!.runtimeNs;
      const oracle = direct.get("oracle")!.runtimeNs;
      const online = configs.filter((c) => !c.clairvoyant).map((c) => c.id);
      const fastest = Math.min(...online.map((id) => direct.get(id)!.runtimeNs));
      const s = e.workloads.find((x) => x.workload === w.name)!;
      expect(direct.get(s.best!)!.runtimeNs).toBe(fastest);
      const ours = direct.get("ampom-plus")!;
      expect(s.ours!.rank).toBe(1 + online.filter((id) => direct.get(id)!.runtimeNs < ours.runtimeNs).length);
      expect(s.ours!.relRuntime).toBe(ours.runtimeNs / demand);
      expect(s.ours!.unusedPages).toBe(ours.prefetchedPages - ours.usefulPrefetches + ours.pushedPages - ours.usefulPushes);
      for (const c of configs) expect(s.standings.find((x) => x.config === c.id)!.unusedPages).toBe(unusedPages(direct.get(c.id)!));
      const gap = demand - oracle >= 0.01 * demand ? (demand - ours.runtimeNs) / (demand - oracle) : undefined;
      expect(s.ours!.gapClosed).toBe(gap);

      // the win table's row says the same
      const text = evaluationText(e);
      const row = text.split("\n").find((l) => l.startsWith(`${w.name} `))!;
      expect(row).toContain(bestLabel(s));
      expect(bestLabel(s)).toMatch(new RegExp(`^${s.best}`));
      expect(row).toContain(`${s.ours!.rank} of ${online.length}`);
      expect(row).toContain(gap === undefined ? "n/a" : pct(gap));
    }
    const text = evaluationText(e);
    expect(text).toMatch(/^Corpus, test half: 1 workload$/m);
    expect(text).toMatch(/^HPCC kernels \(page-level models\): 1 workload$/m);
    expect(text).not.toContain("tuning half");
  });

  it("the command writes the same results as JSON, atomically, and prints the tables", async () => {
    const out = join(dir, "evaluation.json");
    const r = await ampom(
      "evaluate", "--corpus", manifest, "--kernels", "beff", "-m", "1MiB", "--conditions", "gige-2008@80%", "--migrate-at", "0.5",
      "--configs", "ampom,ampom-plus,post-copy/bubbling,post-copy/ascending", "-o", out, "--runs-dir", join(dir, "runs"), "-q",
    );
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(out, "utf8"));
    expect(json.workloads).toEqual(JSON.parse(JSON.stringify(e.workloads)));
    expect(json.runs).toHaveLength(workloads.length * configs.length);
    expect(r.stdout).toBe(evaluationText(e));
  });

  // before: Ctrl-C ended `ampom evaluate` silently with the lock of the sweep going left
  // in the runs folder, which a resume on another node (a batch job run again) refuses
  it("Ctrl-C: it ends, says how many runs are kept, leaves no lock, and the same command resumes", async () => {
    const marker = join(dir, "looping");
    const module = join(dir, "loops.mjs");
    // it loops from its second run on: a worker thread takes a workload's runs together
    // and posts them once all have ended, so the first workload's are kept
    writeFileSync(
      module,
      ["onUse", "onArrival", "onServed"].map((h) => `export function ${h}() {}`).join("\n") +
        `\nimport { writeFileSync } from "node:fs";\nlet runs = 0;\nexport function reset() { runs++; }\nexport function onFault() { if (runs < 2) return; writeFileSync(${JSON.stringify(marker)}, ""); for (;;) {} }\n`,
    );
    const runsDir = join(dir, "interrupted-runs");
    const out = join(dir, "interrupted.json");
    const args = ["evaluate", "--traces", "none", "--kernels", "stream,beff", "-m", "1MiB", "--conditions", "gige-2008", "--migrate-at", "0.5", "--policy", module, "--configs", "ampom,leap", "-o", out, "--runs-dir", runsDir, "-j", "1", "-q"];
    const child = ampomAsync(args);
    let stderr = "";
    child.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    while (!existsSync(marker)) {
      if (child.exitCode !== null) throw new Error(`the evaluation ended before its policy looped: ${child.exitCode}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    const said = /^ampom: interrupted; (\d+) of (\d+) runs are kept in (.*); run the same command to resume\n$/.exec(stderr);
    expect(said, stderr).not.toBeNull();
    expect(said![3]).toBe(runsDir);
    expect(said!.slice(1, 3).map(Number)).toEqual([5, 10]);
    const files = readdirSync(runsDir);
    expect(files.filter((f) => f.endsWith(".lock"))).toEqual([]);
    expect(files.reduce((n, f) => n + readFileSync(join(runsDir, f), "utf8").split("\n").filter(Boolean).length, 0)).toBe(Number(said![1]));
    expect(existsSync(out)).toBe(false);
    // the same command resumes what was kept (the module loops only in a process's second run)
    const r = await ampom(...args.filter((a) => a !== "-q"));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).runs).toHaveLength(Number(said![2]));
    expect(r.stderr).toContain(`(${Number(said![2]) - Number(said![1])} computed, ${said![1]} resumed from ${runsDir})`);
  }, 120_000);

  it("counts a kernel, a migration point or a condition given twice once, and says what it ran", async () => {
    const r = await ampom(
      "evaluate", "--traces", "none", "--kernels", "beff,beff", "-m", "1MiB", "--conditions", "gige-2008,gige-2008@0%", "--migrate-at", "0.5,50%",
      "--configs", "ampom", "--focus", "ampom", "-o", join(dir, "twice.json"), "-q",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(
      "3 configurations on 1 workload (the kernels at 1MiB) under gige-2008 at migration points 0.5, fifo link (1 scenario per workload, 3 runs).",
    );
  });

  it("refuses what it cannot run, naming it", async () => {
    expect(() => corpusWorkloads(manifest, ["gcc"])).toThrow('corpus has no trace "gcc" (it has: sort)');
    expect(() => corpusWorkloads(join(dir, "missing.json"))).toThrow(/missing\.json: no such file \(the corpus manifest\)/);
    expect(() => parseCondition("gige-2008@120%")).toThrow(/background load must be 0% to below 100%/);
    const r = await ampom("evaluate", "--corpus", manifest, "--configs", "nope", "-o", join(dir, "x.json"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ampom: option configs \(--configs\): unknown configuration "nope"/);
    // a reference that reads the trace ahead is never ranked: it has no standing to report
    const clairvoyant = await ampom("evaluate", "--corpus", manifest, "--configs", "set-oracle", "--focus", "set-oracle", "-o", join(dir, "x.json"));
    expect(clairvoyant.code).toBe(1);
    expect(clairvoyant.stderr).toBe('ampom: option focus (--focus): "set-oracle" reads the trace ahead (a reference, never ranked); name an online configuration\n');
    // the default focus left out by --configs: named as the default, not as an option given
    const unfocused = await ampom("evaluate", "--corpus", manifest, "--configs", "ampom", "-o", join(dir, "x.json"));
    expect(unfocused.code).toBe(1);
    expect(unfocused.stderr).toBe(
      "ampom: option focus (--focus): not given, and its default, ampom-plus, whose standing the tables report, is not among configs (--configs); add it to configs, or name another configuration as focus\n",
    );
    expect(existsSync(join(dir, "x.json"))).toBe(false);
  });

  it("runs again a --policy module's runs after it is edited, and only those", async () => {
    const mod = join(dir, "ahead.mjs");
    const plan = {
      workloads: kernelWorkloads(["sequential"], "1MiB"),
      configs: allConfigs([mod]).filter((c) => ["none", "oracle", mod].includes(c.id)),
      conditions: [parseCondition("gige-2008")],
      points: [0.5],
      runsDir: join(dir, "module-runs"),
      workers: 1,
    };
    const log = join(dir, "module-runs.log");
    const faults = (x: Evaluation) => x.runs.find((r) => r.config === mod)!.remoteFaults;
    process.env.AMPOM_SWEEP_RUN_LOG = log;
    try {
      writeFileSync(mod, aheadPolicy(0));
      const first = await evaluate(plan);
      // the command's default focus, the one policy module given (before: ampom-plus, not evaluated)
      expect(first.plan.focus).toBe(mod);
      expect(first.workloads[0].ours?.config).toBe(mod);
      writeFileSync(log, "");
      writeFileSync(mod, aheadPolicy(8));
      const second = await evaluate(plan);
      expect(readFileSync(log, "utf8").trim().split("\n")).toHaveLength(1);
      expect(faults(second)).toBeLessThan(faults(first));
      expect(faults(second)).toBe((await simulate(evalRunOptions(plan.workloads[0], plan.configs[2], plan.conditions[0], 0.5))).remoteFaults);
    } finally {
      delete process.env.AMPOM_SWEEP_RUN_LOG;
    }
  });

  it("resumes a trace's runs however its path is spelled: relative to the working folder, absolute, through a link", async () => {
    // corpusWorkloads names a trace relative to the working folder, so the same
    // evaluation run from another folder gave it another name, missed every kept run
    // and ran them all again, into a second results file
    const runsDir = join(dir, "spelled-runs");
    const link = join(dir, "fixtures-link");
    symlinkSync(resolve("test/fixtures"), link);
    const spellings = ["test/fixtures/sort-lackey.amt", resolve("test/fixtures/sort-lackey.amt"), join(link, "sort-lackey.amt")];
    const kept = configs.filter((c) => ["none", "oracle", "ampom"].includes(c.id));
    const log = join(dir, "spelled-runs.log");
    process.env.AMPOM_SWEEP_RUN_LOG = log;
    try {
      const results = [];
      for (const workload of spellings) {
        writeFileSync(log, "");
        const w = { name: "sort", workload, kind: "text", group: "test" as const };
        const x = await evaluate({ workloads: [w], configs: kept, focus: "ampom", conditions: [condition], points: [0.5], runsDir, workers: 1 });
        results.push({ runs: x.runs, workloads: x.workloads, ran: readFileSync(log, "utf8").trim().split("\n").filter(Boolean).length });
      }
      expect(results.map((r) => r.ran)).toEqual([kept.length, 0, 0]);
      for (const r of results.slice(1)) expect(r).toEqual({ ...results[0], ran: 0 });
      expect(readdirSync(runsDir).filter((f) => f.endsWith(".jsonl"))).toHaveLength(1);
    } finally {
      delete process.env.AMPOM_SWEEP_RUN_LOG;
    }
  });

  it("refuses bad options naming them, before it makes the runs folder", async () => {
    const runsDir = join(dir, "never-runs");
    const base = { workloads: kernelWorkloads(["sequential"], "1MiB"), configs, conditions: [condition], points: [0.5], runsDir };
    await expect(evaluate({ ...base, conditions: [parseCondition("foo")] })).rejects.toThrow('option conditions (--conditions): unknown network "foo"');
    await expect(evaluate({ ...base, points: [2] })).rejects.toThrow("option points (--migrate-at): points[0] (2): must be below 1");
    await expect(evaluate({ ...base, configs: allConfigs([join(dir, "none.mjs")]) })).rejects.toThrow(`option policy (--policy): policy module ${join(dir, "none.mjs")}: no such file`);
    expect(() => kernelWorkloads(["sequential", "stream2"], "1MiB")).toThrow('option kernels (--kernels): unknown kernel "stream2" (built-in: ');
    // before: every sweep ran, then the tables refused (or, with no workload, an empty result)
    await expect(evaluate({ ...base, configs: configs.filter((c) => c.id !== "none") })).rejects.toThrow(
      "option configs: must include the configuration none (the gap closed runs from none to oracle)",
    );
    await expect(evaluate({ ...base, conditions: [] })).rejects.toThrow("option conditions (--conditions): no network condition to evaluate under (the list is empty)");
    await expect(evaluate({ ...base, workloads: [] })).rejects.toThrow("option workloads: nothing to evaluate (the list is empty)");
    // one policy module under two names: before, two configurations of the same runs,
    // ranked beside each other ("best: ./mine.ts (= mine.ts)")
    const module = join(dir, "twice.ts");
    copyFileSync("examples/swap-readahead-policy.ts", module);
    const spelt = `${dir}/../${basename(dir)}/twice.ts`;
    await expect(evaluate({ ...base, configs: allConfigs([module, spelt]) })).rejects.toThrow(
      `option policy (--policy): ${spelt} is ${module} again (one policy module file, ${realpathSync(module)}); give it once`,
    );
    // one trace under two names: before, refused as "grid.workload[0]" of a sweep config
    // the caller never wrote
    const sort = resolve("test/fixtures/sort-lackey.amt");
    const twice = [
      { name: "sort", workload: "test/fixtures/sort-lackey.amt", kind: "text", group: "test" as const },
      { name: "sort2", workload: sort, kind: "text", group: "tuning" as const },
    ];
    await expect(evaluate({ ...base, workloads: twice })).rejects.toThrow(
      `option workloads: workloads[1] (sort2, ${JSON.stringify(sort)}) is the same trace file as workloads[0] (sort, "test/fixtures/sort-lackey.amt"): ${sort}; give each trace once`,
    );
    expect(existsSync(runsDir)).toBe(false);
  });

  // a point out of range was refused without naming it ("option points (--migrate-at):
  // must be below 1 (...), got 1.5", for points[1] "150%"), where a point given twice is named
  it("refuses a migration point out of range naming the element and the value as given", async () => {
    const runsDir = join(dir, "never-runs-points");
    const base = { workloads: kernelWorkloads(["sequential"], "1MiB"), configs, conditions: [condition], runsDir };
    const below1 = "must be below 1 (at 1 the process has finished, and nothing would migrate)";
    const fraction = 'expected a fraction of at least 0 and below 1, such as 0.5 or "50%"';
    const cases: Array<[unknown[], string]> = [
      [[0.5, 1.5], `points[1] (1.5): ${below1}`],
      [[0.5, "150%"], `points[1] ("150%"): ${below1}`],
      [[-0.1], `points[0] (-0.1): ${fraction}`],
      [[0.25, 0.5, NaN], `points[2] (NaN): ${fraction}`],
      [["half"], `points[0] ("half"): ${fraction}`],
      // before, the value was cut off the sweep's message, which had taken " (--x)" out
      // of it as a flag: what was left did not match, and stayed (`, got "50%"`)
      [[0.5, "50% (--x)"], `points[1] ("50% (--x)"): ${fraction}`],
    ];
    for (const [points, message] of cases) {
      await expect(evaluate({ ...base, points: points as number[] })).rejects.toThrow(new Error(`option points (--migrate-at): ${message}`));
    }
    expect(existsSync(runsDir)).toBe(false);
    // the command names the point as given too: before, by the number its parser read
    // (points[1] (1.5))
    const r = await ampom("evaluate", "--traces", "none", "--kernels", "sequential", "-m", "1MiB", "--configs", "ampom-plus", "--conditions", "gige-2008", "--migrate-at", "0.5,150%", "-o", join(dir, "x.json"), "--runs-dir", runsDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ampom: option points (--migrate-at): points[1] ("150%"): ${below1}\n`);
    expect(existsSync(runsDir)).toBe(false);
  });

  // what only a library caller can give: workers 0 was refused after the runs folder was
  // made (left empty); configs without none ran every run before "needs the demand-paging
  // configuration"; no runsDir gave Node's 'The "path" argument must be of type string';
  // a lone condition "map is not a function"; an unknown option or focus was ignored
  it("refuses, before it makes the runs folder, what only a library caller can give", async () => {
    const runsDir = join(dir, "never-runs-library");
    const base = { workloads: kernelWorkloads(["sequential"], "1MiB"), configs, conditions: [condition], points: [0.5], runsDir };
    await expect(evaluate({ ...base, workers: 0 })).rejects.toThrow("option workers: expected a whole number of at least 1, got 0");
    await expect(evaluate({ ...base, configs: configs.filter((c) => c.id !== "none") })).rejects.toThrow(
      "option configs: must include the configuration none (the gap closed runs from none to oracle)",
    );
    await expect(evaluate({ ...base, runsDir: undefined } as never)).rejects.toThrow("option runsDir: the folder the runs are kept in (a path) is required, got undefined");
    await expect(evaluate({ ...base, conditions: condition } as never)).rejects.toThrow("option conditions: must be a list of conditions (parseConditions), got an object");
    await expect(evaluate({ ...base, workload: "x" } as never)).rejects.toThrow('unknown option "workload" (evaluate() takes: workloads, configs, ');
    await expect(evaluate({ ...base, focus: "leap" })).rejects.toThrow('option focus (--focus): "leap" is not among the configurations evaluated');
    // a configuration of another mechanism had no runs, and ranked first at "NaN%"
    const fullCopy = { id: "fc", mechanism: "full-copy", policy: "none", clairvoyant: false };
    await expect(evaluate({ ...base, configs: [...configs, fullCopy] } as never)).rejects.toThrow(
      `option configs: configs[${configs.length}] (fc) has mechanism "full-copy"; evaluate runs lightweight (with a policy) and post-copy (with a push order)`,
    );
    expect(existsSync(runsDir)).toBe(false);
  });

  // each was taken as given: a TypeError ("Cannot read properties of null", 'The
  // "paths[0]" argument'), a letter at a time, a workload run and shown in no table, a
  // condition list of names failing after every run, a callback failing after the first
  // run as "fn is not a function", mkdir's EEXIST, or a clairvoyant focus the command refuses
  it("refuses malformed workloads, configurations, conditions, points and callbacks, naming the element", async () => {
    const runsDir = join(dir, "never-runs-elements");
    const base = { workloads: kernelWorkloads(["sequential"], "1MiB"), configs, conditions: [condition], points: [0.5], runsDir };
    const [w] = base.workloads;
    const cases: Array<[unknown, string]> = [
      [undefined, "evaluate: expected its options, an object { workloads, configs, conditions, points, runsDir }, got undefined"],
      [{ ...base, workloads: [w, {}] }, "option workloads: workloads[1].name: expected a non-empty string, got undefined (a workload, as kernelWorkloads and corpusWorkloads make them)"],
      [{ ...base, workloads: [null] }, "option workloads: workloads[0]: expected a workload, as kernelWorkloads and corpusWorkloads make them, got null"],
      [{ ...base, workloads: [{ ...w, group: "kernel" }] }, 'option workloads: workloads[0].group: expected one of tuning, test, traces, kernels, got "kernel"'],
      [{ ...base, workloads: [{ ...w, name: "x", workload: join(dir, "gone.amt"), memory: undefined }] }, `option workloads: workloads[0] (x): workload ${JSON.stringify(join(dir, "gone.amt"))}: no such file`],
      [{ ...base, workloads: [w, { ...w, name: "y", workload: "stream2" }] }, 'option workloads: workloads[1] (y): unknown workload "stream2"'],
      [{ ...base, configs: [...configs, null] }, `option configs: configs[${configs.length}]: expected a configuration, as allConfigs makes them, got null`],
      [{ ...base, configs: [...configs, { ...configs[2], policy: "leap" }] }, `option configs: configs[${configs.length}] has the id "ampom" of configs[2]; give each configuration its own`],
      [{ ...base, configs: [...configs, { ...configs[4], id: "post-copy/x", pushOrder: "x" }] }, `option configs: configs[${configs.length}] (post-copy/x): unknown push order "x"`],
      [{ ...base, configs: [...configs, { ...configs[2], id: "mine", policy: "mine" }] }, `option configs: configs[${configs.length}] (mine): unknown policy "mine"`],
      [{ ...base, configs: [...configs, { ...configs[4], id: "pc", policy: "ampom" }] }, `option configs: configs[${configs.length}] (pc): post-copy runs with policy "none" and a push order (got policy "ampom", pushOrder "bubbling")`],
      [{ ...base, configs: [...configs, { ...configs[2], id: "lp", pushOrder: "bubbling" }] }, `option configs: configs[${configs.length}] (lp): lightweight takes no push order (post-copy does), got "bubbling"`],
      // clairvoyant was only type-checked: the oracle said to be online was ranked among
      // the online configurations (and was their best)
      [{ ...base, configs: configs.map((c) => (c.id === "oracle" ? { ...c, clairvoyant: false } : c)) }, 'option configs: configs[1].clairvoyant (oracle): false, but policy "oracle" pushes in the order "oracle", which reads the trace ahead; set it to true (allConfigs does)'],
      [{ ...base, configs: [...configs, { id: "pc", mechanism: "post-copy", policy: "none", pushOrder: "set-oracle", clairvoyant: false }] }, `option configs: configs[${configs.length}].clairvoyant (pc): false, but push order "set-oracle" reads the trace ahead; set it to true (allConfigs does)`],
      [{ ...base, configs: configs.map((c) => (c.id === "ampom" ? { ...c, clairvoyant: true } : c)) }, 'option configs: configs[2].clairvoyant (ampom): true, but policy "ampom" does not read the trace ahead; set it to false (allConfigs does)'],
      [{ ...base, configs: [...configs, { id: "mine", mechanism: "lightweight", policy: "./mine.ts", clairvoyant: true }] }, `option configs: configs[${configs.length}].clairvoyant (mine): true, but a policy module of one's own is online (its context holds only what the destination knows); set it to false (allConfigs does)`],
      [{ ...base, conditions: ["gige-2008"] }, 'option conditions (--conditions): conditions[0]: expected a condition, as parseConditions makes them from "gige-2008@80%", got "gige-2008"'],
      [{ ...base, conditions: [{ network: "gige-2008", background: 0 }] }, "option conditions (--conditions): conditions[0].id: expected a non-empty string, got undefined"],
      [{ ...base, conditions: [condition, { ...condition, id: "over", background: 2 }] }, 'option conditions (--conditions): conditions[1] (over): expected a fraction of at least 0 and below 1'],
      [{ ...base, conditions: [{ ...condition, background: "80%" }] }, 'option conditions (--conditions): conditions[0].background: expected a number (0.8 for 80%), got "80%"'],
      [{ ...base, conditions: [...parseConditions(["gige-2008"]), ...parseConditions(["gige-2008@0%"])] }, "option conditions (--conditions): conditions[1] (gige-2008@0%) is conditions[0] (gige-2008) again; give each condition once"],
      [{ ...base, conditions: [condition, { ...parseCondition("rdma-100g"), id: condition.id }] }, `option conditions (--conditions): conditions[1] has the id "${condition.id}" of conditions[0]; give each condition its own`],
      [{ ...base, points: 0.5 }, 'option points: must be a list of migration points (fractions such as 0.5 or "50%"), got 0.5'],
      [{ ...base, points: [0.5, "50%"] }, 'option points (--migrate-at): points[1] ("50%") is points[0] (0.5) again; give each migration point once'],
      [{ ...base, focus: "oracle" }, 'option focus (--focus): "oracle" reads the trace ahead (a reference, never ranked); name an online configuration'],
      [{ ...base, onProgress: "bar" }, 'evaluate: onProgress: expected a function, got "bar"'],
      [{ ...base, onSweep: {} }, "evaluate: onSweep: expected a function, got an object"],
      [{ ...base, runsDir: manifest }, `option runsDir ${manifest}: exists and is not a folder (give a folder for the runs' results files)`],
    ];
    for (const [options, message] of cases) {
      const err = await evaluate(options as never).then(() => undefined, (e: Error) => e);
      expect(err?.message, JSON.stringify(options)?.slice(0, 200)).toContain(message);
      expect(err?.constructor).toBe(Error);
    }
    expect(existsSync(runsDir)).toBe(false);
    // a lone name was read a letter at a time ('corpus has no trace "s"')
    expect(() => corpusWorkloads(manifest, "sort" as never)).toThrow('option traces (--traces): must be a list of the corpus\'s trace names, got "sort"');
    // without a memory each kernel was taken for a trace file of its name
    expect(kernelWorkloads(["sequential"]).map((k) => k.memory)).toEqual(["64MiB"]);
  });
});
