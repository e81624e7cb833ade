// The library's evaluate() and the command's `ampom evaluate` must give the same
// evaluation: users run the library for large evaluations and publish its figures, and
// the docs say the two are one. Each runs on its own into its own runs folder (so that
// neither reads the other's runs), the command as users spawn it, and every run's
// metrics, every standing and every table's figure are compared.
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { allConfigs, corpusWorkloads, evaluate, evaluationText, kernelWorkloads, parseConditions, type Evaluation } from "../../src/evaluate/index.js";
import { ampom, scratchDir } from "../sweep/cli-helpers.js";

const dir = scratchDir("evaluate-library-cli");
const manifest = join(dir, "manifest.json");
writeFileSync(manifest, JSON.stringify({ programs: [{ name: "sort", kind: "text", half: "test", file: resolve("test/fixtures/sort-lackey.amt") }] }));

// small, and still a ranking: two workloads of two groups, two conditions (one of them
// loaded), two migration points, both mechanisms
const chosen = ["ampom", "ampom-plus", "leap", "post-copy/bubbling"];
const conditions = ["gige-2008", "gige-2008@80%"];
const points = ["0.25", "0.5"];

/** What the results file holds, as JSON reads it back. */
const asJson = (e: Evaluation) => JSON.parse(JSON.stringify(e)) as Evaluation;

const plan = {
  workloads: [...corpusWorkloads(manifest), ...kernelWorkloads(["beff"], "1MiB")],
  configs: allConfigs().filter((c) => ["none", "oracle", ...chosen].includes(c.id)),
  conditions: parseConditions(conditions),
  runsDir: join(dir, "library-runs"),
  workers: 1,
};

describe("evaluate() and `ampom evaluate`", () => {
  let cli: Evaluation;
  it("give the same runs, standings and tables for the same evaluation", async () => {
    const progress: Array<[number, number, string]> = [];
    const sweeps: Array<[string, { resumed: number; ran: number }]> = [];
    const e = await evaluate({
      ...plan,
      points: points.map(Number),
      onProgress: (done, total, label) => progress.push([done, total, label]),
      onSweep: (label, counts) => sweeps.push([label, counts]),
    });
    // as docs/library.md says: progress over every sweep's runs, up to all of them, and
    // each sweep's counts as it ends
    const runs = e.runs.length;
    expect(progress[0]).toEqual([0, runs, sweeps[0][0]]);
    expect(progress.at(-1)).toEqual([runs, runs, sweeps.at(-1)![0]]);
    expect(progress.every(([d, t], i) => t === runs && (i === 0 || d >= progress[i - 1][0]))).toBe(true);
    expect(new Set(progress.map(([, , label]) => label))).toEqual(new Set(sweeps.map(([label]) => label)));
    expect(sweeps.reduce((n, [, c]) => n + c.ran, 0)).toBe(runs);
    expect(sweeps.every(([, c]) => c.resumed === 0)).toBe(true);
    const out = join(dir, "evaluation.json");
    const args = [
      "evaluate", "--corpus", manifest, "--kernels", "beff", "-m", "1MiB", "--conditions", conditions.join(","), "--migrate-at", points.join(","),
      "--configs", chosen.join(","), "-o", out, "--runs-dir", join(dir, "cli-runs"), "-j", "1", "-q",
    ];
    const r = ampom(args);
    expect(r.code, r.stderr).toBe(0);
    cli = JSON.parse(readFileSync(out, "utf8"));
    const lib = asJson(e);
    // every run's metrics, in the same order
    expect(lib.runs).toHaveLength(2 * 6 * conditions.length * points.length);
    expect(cli.runs).toEqual(lib.runs);
    expect(cli.workloads).toEqual(lib.workloads);
    expect(cli.plan).toEqual(lib.plan);
    // the tables: the command prints them from its evaluation, the library's caller with evaluationText
    expect(r.stdout).toBe(evaluationText(e));
    // and --json prints the file (resumed from the command's own runs)
    const json = ampom([...args, "--json"]);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).toBe(readFileSync(out, "utf8"));
  });

  // the docs let the library take a fraction as a percent, as the command line does:
  // before, the runs recorded the point as written ("50%") where the command's say 0.5
  it("give the same results when the library is given the migration points as percents", async () => {
    const resumed: number[] = [];
    const e = await evaluate({ ...plan, points: points.map((p) => `${Number(p) * 100}%`) as never, onSweep: (_, c) => resumed.push(c.resumed - c.ran) });
    const lib = asJson(e);
    expect(lib.runs).toEqual(cli.runs);
    expect(lib.workloads).toEqual(cli.workloads);
    expect(lib.plan).toEqual(cli.plan);
    // the same plan as the first test's: its runs resumed, none made again
    expect(resumed.reduce((a, b) => a + b, 0)).toBe(cli.runs.length);
  });

  // before: evaluate() took no signal, so a script under a time limit could stop it only
  // by ending its process, which leaves each sweep's lock behind
  it("stop at the signal's abort with the finished runs kept, and the same call resumes to the evaluation never stopped", async () => {
    const runsDir = join(dir, "aborted-runs");
    const stop = new AbortController();
    const reason = new Error("time limit");
    const total = cli.runs.length;
    // aborted past the first sweep, with runs still to go
    const at = Math.floor(total / 2) + 1;
    const err = await evaluate({ ...plan, points: points.map(Number), runsDir, signal: stop.signal, onProgress: (done) => done >= at && stop.abort(reason) }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.name).toBe("AbortError");
    expect(err?.cause).toBe(reason);
    const kept = Number(/^evaluate: aborted; (\d+) of (\d+) runs are kept in (.*); the same call resumes$/.exec(err!.message)?.[1]);
    expect(err!.message).toContain(`of ${total} runs are kept in ${runsDir};`);
    expect(kept).toBeGreaterThanOrEqual(at);
    expect(kept).toBeLessThan(total);
    // what it says is kept is what the files hold, each sweep's lock gone
    const files = readdirSync(runsDir);
    expect(files.filter((f) => f.endsWith(".lock"))).toEqual([]);
    const lines = files.reduce((n, f) => n + readFileSync(join(runsDir, f), "utf8").split("\n").filter(Boolean).length, 0);
    expect(lines).toBe(kept);
    const counts = { resumed: 0, ran: 0 };
    const e = asJson(await evaluate({ ...plan, points: points.map(Number), runsDir, onSweep: (_, c) => ((counts.resumed += c.resumed), (counts.ran += c.ran)) }));
    expect(counts).toEqual({ resumed: kept, ran: total - kept });
    expect(e.runs).toEqual(cli.runs);
    expect(e.workloads).toEqual(cli.workloads);
    // a signal aborted already runs nothing and makes no folder; one that is no signal is refused
    const none = join(dir, "never-runs");
    await expect(evaluate({ ...plan, points: [0.5], runsDir: none, signal: AbortSignal.abort() })).rejects.toThrow(`evaluate: aborted; 0 of 24 runs are kept in ${none}; the same call resumes`);
    await expect(evaluate({ ...plan, points: [0.5], runsDir: none, signal: { aborted: false } as AbortSignal })).rejects.toThrow("option signal: expected an AbortSignal (new AbortController().signal), got an object");
    expect(existsSync(none)).toBe(false);
  });

  // before: the library let a default focus (ampom-plus) left out of configs be, its
  // columns shown "-", where the command refused it; a focus given and not evaluated was
  // refused by both, in other words
  it("refuse the same focus not among the configurations, with the same message, before any run", async () => {
    const runsDir = join(dir, "unfocused-runs");
    const kept = plan.configs.filter((c) => ["none", "oracle", "ampom"].includes(c.id));
    const args = ["evaluate", "--corpus", manifest, "--kernels", "beff", "-m", "1MiB", "--conditions", "gige-2008", "--migrate-at", "0.5", "--configs", "ampom", "-o", join(dir, "unfocused.json"), "--runs-dir", runsDir, "-q"];
    for (const focus of [undefined, "leap"]) {
      const err = await evaluate({ ...plan, configs: kept, points: [0.5], focus, runsDir }).then(() => undefined, (e: Error) => e);
      expect(err, `focus ${focus}`).toBeInstanceOf(Error);
      const r = ampom(focus === undefined ? args : [...args, "--focus", focus]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`ampom: ${err!.message}\n`);
      expect(err!.message).toMatch(/^option focus \(--focus\): /);
      expect(err!.message).toContain(focus === undefined ? "ampom-plus" : '"leap"');
    }
    expect(existsSync(runsDir)).toBe(false);
    expect(existsSync(join(dir, "unfocused.json"))).toBe(false);
  });

  // before: with one policy module and no focus the library reported ampom-plus's
  // standing where the command reports the module's, so the same plan gave other tables
  it("give the same results with a policy module of one's own and the priority link", async () => {
    const module = join(dir, "mine.ts");
    copyFileSync("examples/swap-readahead-policy.ts", module);
    const e = await evaluate({
      workloads: kernelWorkloads(["beff"], "1MiB"),
      configs: allConfigs([module]).filter((c) => ["none", "oracle", "ampom-plus", module].includes(c.id)),
      conditions: parseConditions(["gige-2008"]),
      points: [0.5],
      link: "priority",
      runsDir: join(dir, "library-module-runs"),
      workers: 1,
    });
    const out = join(dir, "module.json");
    const r = ampom([
      "evaluate", "--traces", "none", "--kernels", "beff", "-m", "1MiB", "--conditions", "gige-2008", "--migrate-at", "0.5", "--link", "priority",
      "--policy", module, "--configs", "ampom-plus", "-o", out, "--runs-dir", join(dir, "cli-module-runs"), "-j", "1", "-q",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const cli = JSON.parse(readFileSync(out, "utf8"));
    const lib = asJson(e);
    expect(lib.runs).toEqual(cli.runs);
    expect(lib.workloads).toEqual(cli.workloads);
    expect(lib.plan).toEqual(cli.plan);
    expect(r.stdout).toBe(evaluationText(e));
  });
});
