// How the evaluation's tables print their figures: a share just short of 100% is not
// shown as 100.0%, and a workload where every configuration ties counts in neither the
// wins nor the mean rank, nor has a rank or a best in the tables or the JSON.
import { describe, expect, it } from "vitest";
import { pct } from "../../src/cli/format.js";
import { conditionTable, configTable, evaluationText, winTable } from "../../src/evaluate/tables.js";
import { summarise, type ConfigStanding, type EvalRun, type Evaluation, type WorkloadSummary } from "../../src/evaluate/index.js";
import type { EvalConfig, EvalWorkload } from "../../src/evaluate/plan.js";

describe("pct", () => {
  it("prints only the whole as 100.0%: a share that would round to it reads >99.9%", () => {
    expect([1, 0.99953, 0.9994, 0.5, 0, -0.0001, 1.2].map((x) => pct(x))).toEqual(["100.0%", ">99.9%", "99.9%", "50.0%", "0.0%", "0.0%", "120.0%"]);
    expect(pct(0.999996, 2)).toBe(">99.99%");
  });
});

/** A workload whose online configurations a and b have these ranks (and mean runtimes). */
function workload(name: string, ranks: { a: number; b: number }, unused = { a: 0, b: 0 }): WorkloadSummary {
  const standing = (config: "a" | "b", rank: number): ConfigStanding => ({ config, clairvoyant: false, relRuntime: 0.5 + rank / 10, gapClosed: 1 - rank / 10, rank, unusedPages: unused[config] });
  const standings = [standing("a", ranks.a), standing("b", ranks.b)];
  // as summarise() gives a tie of all: no best, no rank
  if (ranks.a === ranks.b) {
    for (const s of standings) delete s.rank;
    return { workload: name, kind: "test", group: "test", scenarios: 1, withGap: 1, standings, tiedWithBest: [], allTie: true, ours: standings[0], ranked: 2 };
  }
  const best = standings.find((s) => s.rank === 1)!.config;
  return { workload: name, kind: "test", group: "test", scenarios: 1, withGap: 1, standings, best, tiedWithBest: [], ours: standings[0], ranked: 2 };
}

describe("the configurations' table", () => {
  it("leaves the workloads where all tie out of the wins and the mean rank", () => {
    const ws = [workload("differ", { a: 2, b: 1 }), workload("tie", { a: 1, b: 1 })];
    const e = { plan: { configs: [{ id: "a" }, { id: "b" }] } } as unknown as Evaluation;
    const rows = Object.fromEntries(
      configTable(ws, e)
        .split("\n")
        .slice(2)
        .map((line) => line.trim().split(/\s+/))
        .map((cells) => [cells[0], { wins: cells[3], meanRank: cells[4] }]),
    );
    // with the tie counted, a's mean rank would read 1.5 and b's wins 2
    expect(rows).toEqual({ a: { wins: "0", meanRank: "2.0" }, b: { wins: "1", meanRank: "1.0" } });
    // only ties: no mean rank to give
    expect(configTable([workload("tie", { a: 1, b: 1 })], e)).toMatch(/^a\s+.*\s0\s+-\s/m);
  });
});

describe("the win table", () => {
  it("gives the best configuration's unused pages, and none where all tie", () => {
    const rows = winTable([workload("differ", { a: 2, b: 1 }, { a: 7, b: 12 }), workload("tie", { a: 1, b: 1 }, { a: 7, b: 12 })], "a")
      .split("\n")
      .slice(2)
      .map((line) => line.trim().split(/\s{2,}/));
    // workload, kind, best, its gap closed, a's rank, a's gap closed, scenarios, unused: best, unused: a
    expect(rows.map((r) => [r[0], r[2], r[7], r[8]])).toEqual([
      ["differ", "b", "12.0", "7.0"],
      ["tie", "all tie", "-", "7.0"],
    ]);
  });
});

describe("the table by network condition", () => {
  it("takes each condition as the group's mean: per workload over its scenarios with a gap, then over the workloads", () => {
    const run = (workload: string, config: string, condition: string, migrateAt: number, gapClosed?: number) =>
      ({ workload, config, condition, migrateAt, gapClosed }) as EvalRun;
    const runs = [
      // x under slow: 0.2 and 0.6 (mean 0.4); y under slow: 1.0; a scenario without a gap counts in neither
      run("x", "a", "slow", 0.25, 0.2),
      run("x", "a", "slow", 0.5, 0.6),
      run("x", "a", "slow", 0.75, undefined),
      run("y", "a", "slow", 0.5, 1),
      // under fast only y has a gap
      run("x", "a", "fast", 0.5, undefined),
      run("y", "a", "fast", 0.5, 0.5),
      // b has no scenario with a gap under fast
      run("x", "b", "slow", 0.5, 0.1),
      run("x", "b", "fast", 0.5, undefined),
    ];
    const e = { plan: { configs: [{ id: "a" }, { id: "b", clairvoyant: true }], conditions: [{ id: "slow" }, { id: "fast" }] }, runs } as unknown as Evaluation;
    const lines = conditionTable([workload("x", { a: 1, b: 2 }), workload("y", { a: 1, b: 2 })], e).split("\n");
    expect(lines[0].trim().split(/\s{2,}/)).toEqual(["configuration", "gap closed: slow", "gap closed: fast"]);
    // a: slow (0.4 + 1.0) / 2 = 70%, not the mean of the three runs (60%); fast 50%
    expect(lines.slice(2).map((l) => l.trim().split(/\s{2,}/))).toEqual([
      ["a", "70.0%", "50.0%"],
      ["b *", "10.0%", "n/a"],
    ]);
  });
});

describe("a workload where all tie", () => {
  const configs: EvalConfig[] = [
    { id: "none", mechanism: "lightweight", policy: "none", clairvoyant: false },
    { id: "oracle", mechanism: "lightweight", policy: "oracle", clairvoyant: true },
    { id: "a", mechanism: "lightweight", policy: "a", clairvoyant: false },
    { id: "b", mechanism: "lightweight", policy: "b", clairvoyant: false },
  ];
  const workload = (name: string): EvalWorkload => ({ name, workload: name, kind: "test", group: "test" });
  const run = (w: string, config: string, runtimeNs: number, gapClosed?: number) =>
    ({ workload: w, config, condition: "c", migrateAt: 0.5, runtimeNs, unusedPages: config === "b" ? 3 : 0, gapClosed }) as EvalRun;
  // nothing fetched after migration: every configuration, the oracle too, ran as long
  const tieRuns = ["none", "oracle", "a", "b"].map((c) => run("tie", c, 100));
  const differRuns = [run("differ", "none", 100, 0), run("differ", "oracle", 50, 1), run("differ", "a", 60, 0.8), run("differ", "b", 80, 0.4)];
  const evaluation = (ws: EvalWorkload[], runs: EvalRun[]): Evaluation => ({
    plan: { workloads: ws, configs, conditions: [{ id: "c", network: "gige-2008", background: 0 }], points: [0.5], focus: "a" },
    runs,
    workloads: ws.map((w) => summarise(w, configs, runs.filter((r) => r.workload === w.name), "a")),
  });

  it("has no best and no rank in the JSON: not demand paging's name, listed first", () => {
    const s = JSON.parse(JSON.stringify(summarise(workload("tie"), configs, tieRuns, "a")));
    expect(s.best).toBeUndefined();
    expect(s.allTie).toBe(true);
    expect(s.tiedWithBest).toEqual([]);
    expect(s.standings.map((x: ConfigStanding) => x.rank)).toEqual([undefined, undefined, undefined, undefined]);
    // a workload where they differ is as before
    const d = summarise(workload("differ"), configs, differRuns, "a");
    expect([d.best, d.allTie, d.standings.map((x) => x.rank)]).toEqual(["a", undefined, [3, undefined, 1, 2]]);
  });

  it("shows no rank for the focus, as the wins and the mean rank count none", () => {
    const text = evaluationText(evaluation([workload("differ"), workload("tie")], [...differRuns, ...tieRuns]));
    const row = (name: string) => text.split("\n").find((l) => l.startsWith(`${name} `))!.trim().split(/\s{2,}/);
    // workload, kind, best, its gap closed, a's rank, a's gap closed, scenarios, unused: best, unused: a
    expect(row("differ")).toEqual(["differ", "test", "a", "80.0%", "1 of 3", "80.0%", "1/1", "0.0", "0.0"]);
    expect(row("tie")).toEqual(["tie", "test", "all tie", "n/a", "-", "n/a", "0/1", "-", "0.0"]);
    expect(text).toContain("\na: best or tied for best on 1 of 1 (not counting workloads where all tie); mean gap closed 80.0% over the 1 workload with a gap.\n");
  });

  it("names a policy module by its file's name, with the folders that tell it apart, and gives its path once in the legend", () => {
    // two modules of one file name, as absolute paths: their whole paths made every column as wide
    const [a, b] = ["/home/me/work/policies/v1/mine.ts", "/home/me/work/policies/v2/mine.ts"];
    const ids = { a, b } as Record<string, string>;
    const modules = configs.map((c) => (c.id in ids ? { ...c, id: ids[c.id], policy: ids[c.id] } : c));
    const rename = (r: EvalRun) => ({ ...r, config: ids[r.config] ?? r.config });
    const runs = [...differRuns, ...tieRuns].map(rename);
    const ws = [workload("differ"), workload("tie")];
    const e: Evaluation = {
      plan: { workloads: ws, configs: modules, conditions: [{ id: "c", network: "gige-2008", background: 0 }], points: [0.5], focus: a },
      runs,
      workloads: ws.map((w) => summarise(w, modules, runs.filter((r) => r.workload === w.name), a)),
    };
    const text = evaluationText(e);
    expect(text).not.toMatch(/\/home\/me\/work\/policies\/v\d\/mine\.ts(?!\n)/);
    const row = (name: string) => text.split("\n").find((l) => l.startsWith(`${name} `))!.trim().split(/\s{2,}/);
    expect(row("differ").slice(0, 3)).toEqual(["differ", "test", "v1/mine.ts"]);
    expect(text).toContain("\nv1/mine.ts: best or tied for best on 1 of 1");
    expect(text).toMatch(/^v2\/mine\.ts\s+\d/m);
    expect(text.trimEnd().split("\n").slice(-2)).toEqual([`v1/mine.ts: policy module ${a}`, `v2/mine.ts: policy module ${b}`]);
  });

  it("says so where all tie on every workload and none has a gap, rather than '0 of 0' and 'n/a over the 0 workloads'", () => {
    const text = evaluationText(evaluation([workload("tie")], tieRuns));
    expect(text).toContain("\na: no rank (all tie on the workload); no workload has a gap.\n");
  });
});
