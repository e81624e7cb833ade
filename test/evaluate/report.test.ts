// `ampom evaluate --report`: the figures must draw the evaluation's own numbers, checked
// against means taken here from the runs themselves (each bar's, marker's and point's
// tooltip carries its value); the page must hold the tables the terminal shows; the same
// results must give the same files; a report written again must not leave an earlier
// one's figures beside it; and a folder that cannot be written must be refused before
// anything runs.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allConfigs, corpusWorkloads, evaluate, evaluationFigures, evaluationText, kernelWorkloads, parseCondition, writeEvaluationReport, type EvalRun, type Evaluation } from "../../src/evaluate/index.js";
import { provenance } from "../../src/util/provenance.js";
import { ampom } from "../cli/capture.js";
import { scratchDir } from "../sweep/cli-helpers.js";

const dir = scratchDir("evaluate-report");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const manifest = join(dir, "manifest.json");
writeFileSync(manifest, JSON.stringify({ programs: [{ name: "sort", kind: "text", half: "test", file: resolve("test/fixtures/sort-lackey.amt") }] }));
const ids = ["none", "oracle", "ampom", "ampom-plus", "bubbling", "set-oracle", "post-copy/adaptive"];
const plan = () => ({
  workloads: [...corpusWorkloads(manifest), ...kernelWorkloads(["beff"], "1MiB")],
  configs: allConfigs().filter((c) => ids.includes(c.id)),
  conditions: [parseCondition("gige-2008@80%"), parseCondition("gige-2008")],
  // out of order, as a user may give them: the lines go in increasing order
  points: [0.5, 0.25],
  runsDir: join(dir, "runs"),
  workers: 2,
});

const unescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
const tips = (svg: string) => [...svg.matchAll(/class="mark"[^>]*><title>([^<]*)<\/title>/g)].map((m) => unescape(m[1]));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
// as the tables print a share: one decimal, and >99.9% for one just short of 100%
const pct1 = (v: number) => (v < 1 && (v * 100).toFixed(1) === "100.0" ? ">99.9%" : `${(v * 100).toFixed(1)}%`);

describe("evaluate --report", () => {
  let e: Evaluation;
  let out: string;
  beforeAll(async () => {
    e = await evaluate(plan());
    out = join(dir, "report");
    writeEvaluationReport(e, out, provenance());
  });
  const runsOf = (g: string) => {
    const names = new Set(e.workloads.filter((w) => w.group === g).map((w) => w.workload));
    return e.runs.filter((r) => names.has(r.workload));
  };
  const scenario = (r: EvalRun) => `${r.workload} ${r.condition} ${r.migrateAt}`;
  // a configuration as the tables name it: * marks one that reads the trace ahead
  const label = (id: string) => (e.plan.configs.find((c) => c.id === id)!.clairvoyant ? `${id} *` : id);

  it("writes each group's three figures and the page, which holds them and the tables", () => {
    expect(readdirSync(out).sort()).toEqual(
      ["cost-kernels.svg", "cost-test.svg", "gap-closed-kernels.svg", "gap-closed-test.svg", "report.html", "scenarios-kernels.svg", "scenarios-test.svg"],
    );
    const html = readFileSync(join(out, "report.html"), "utf8");
    // the page's copy names its data table as its description; the rest is the file's
    for (const f of readdirSync(out).filter((x) => x.endsWith(".svg"))) {
      const id = f.replace(/\.svg$/, "");
      expect(html).toContain(readFileSync(join(out, f), "utf8").replace(/^<svg /, `<svg aria-describedby="${id}-data" `));
      expect(html).toMatch(new RegExp(`<table class="chart-data" id="${id}-data">`));
    }
    for (const line of evaluationText(e).split("\n").filter((l) => /^(sort|beff|ampom-plus|Corpus|HPCC) /.test(l))) expect(unescape(html)).toContain(line.trim());
  });

  it("draws each workload's gap closed as the standings give it, naming the set oracle as the tables do", () => {
    for (const g of ["test", "kernels"]) {
      const ws = e.workloads.filter((w) => w.group === g && w.withGap > 0);
      const expected = ws.flatMap((w) => ["ampom-plus", "post-copy/adaptive", "bubbling", "set-oracle"].map((c) => `${w.workload}, ${label(c)}: ${pct1(w.standings.find((s) => s.config === c)!.gapClosed!)}`));
      const svg = readFileSync(join(out, `gap-closed-${g}.svg`), "utf8");
      expect(tips(svg).sort()).toEqual(expected.sort());
      expect(svg).toContain(">set-oracle *</text>");
      expect(evaluationFigures(e).find((f) => f.file === `gap-closed-${g}.svg`)!.caption).toContain("* marks a reference that reads the trace ahead.");
    }
  });

  it("draws each scenario's mean gap closed, the migration points in increasing order", () => {
    for (const g of ["test", "kernels"]) {
      const runs = runsOf(g);
      const expected: string[] = [];
      for (const condition of ["gige-2008@80%", "gige-2008"]) {
        for (const config of ["ampom-plus", "set-oracle"]) {
          for (const at of [0.25, 0.5]) {
            const gaps = runs.filter((r) => r.config === config && r.condition === condition && r.migrateAt === at && r.gapClosed !== undefined).map((r) => r.gapClosed!);
            if (gaps.length) expected.push(`${label(config)}, ${condition}, migrated at ${at}: ${pct1(mean(gaps))}`);
          }
        }
      }
      const svg = readFileSync(join(out, `scenarios-${g}.svg`), "utf8");
      expect(tips(svg)).toEqual(expected);
      expect(svg).toContain(">set-oracle *, gige-2008</text>");
      expect(evaluationFigures(e).find((f) => f.file === `scenarios-${g}.svg`)!.caption).toContain("* marks a reference that reads the trace ahead.");
    }
  });

  it("puts each configuration at its mean runtime against demand paging and its unused pages", () => {
    for (const g of ["test", "kernels"]) {
      const runs = runsOf(g);
      const demand = new Map(runs.filter((r) => r.config === "none").map((r) => [scenario(r), r.runtimeNs]));
      const workloads = [...new Set(runs.map((r) => r.workload))];
      const expected = e.plan.configs.map((c) => {
        // per workload the mean over its scenarios, then the mean over the workloads
        const per = (f: (r: EvalRun) => number) => mean(workloads.map((w) => mean(runs.filter((r) => r.config === c.id && r.workload === w).map(f))));
        return `${label(c.id)}: ${pct1(per((r) => r.runtimeNs / demand.get(scenario(r))!))} of demand paging's runtime, ${per((r) => r.unusedPages).toFixed(1)} pages never used a run`;
      });
      expect(tips(readFileSync(join(out, `cost-${g}.svg`), "utf8")).sort()).toEqual(expected.sort());
    }
  });

  it("names in each cost figure every pair of markers on one another, as its caption does, in lines that fit", () => {
    let named = 0;
    for (const f of evaluationFigures(e).filter((x) => x.file.startsWith("cost-"))) {
      const lines = [...f.svg.matchAll(/<text class="note"[^>]*>([^<]*)<\/text>/g)].map((m) => unescape(m[1]));
      const pairs = /Drawn on one another \(within 1% of each axis\): (.*?)(?:; ampom-plus is drawn last)?\.$/.exec(f.caption)?.[1];
      if (pairs === undefined) {
        expect(lines, f.file).toEqual([]);
        continue;
      }
      named++;
      expect(lines.join(" "), f.file).toBe(`on one another: ${pairs}`);
      const width = Number(/<svg [^>]*width="(\d+)"/.exec(f.svg)![1]);
      for (const l of lines) expect(l.length * 5.6, `${f.file}: "${l}"`).toBeLessThanOrEqual(width - 16);
    }
    expect(named).toBeGreaterThan(0);
  });

  it("names markers all on one spot once each, and keeps the cost figure's plot clear of its note", () => {
    // a workload where every configuration ties (the process needed no page from home)
    const tie = { ...e, workloads: e.workloads.map((w) => ({ ...w, standings: w.standings.map((s) => ({ ...s, relRuntime: 1, unusedPages: 0 })) })) };
    for (const f of evaluationFigures(tie).filter((x) => x.file.startsWith("cost-"))) {
      const names = /Drawn on one another \(within 1% of each axis\): (.*?)(?:; ampom-plus is drawn last)?\.$/.exec(f.caption)![1];
      // each configuration once, in one group
      expect(names.split(/, | and /).sort(), f.file).toEqual(e.plan.configs.map((c) => c.id + (c.clairvoyant ? " *" : "")).sort());
      const notes = [...f.svg.matchAll(/<text class="note" x="[\d.]+" y="([\d.]+)"/g)].map((m) => Number(m[1]));
      const top = Math.min(...[...f.svg.matchAll(/<text x="[\d.]+" y="([\d.]+)" dy="0.32em" text-anchor="end"/g)].map((m) => Number(m[1])));
      expect(Math.max(...notes), f.file).toBeLessThan(top);
      // the axes: a tenth either side of the value all tie at (before: 40% to 160%), and
      // a page count's ticks whole numbers (before: 0, 0.2, 0.4, ...)
      const yTicks = [...f.svg.matchAll(/text-anchor="end">(-?\d+)%<\/text>/g)].map((m) => Number(m[1]));
      expect([Math.min(...yTicks), Math.max(...yTicks)], f.file).toEqual([90, 110]);
      const xAxis = /<g class="axis axis-x">([\s\S]*?)<\/g>/.exec(f.svg)![1];
      const xTicks = [...xAxis.matchAll(/text-anchor="middle">([^<]*)<\/text>/g)].map((m) => m[1]).slice(0, -1);
      expect(xTicks.length, f.file).toBeGreaterThan(1);
      for (const t of xTicks) expect(t, f.file).toMatch(/^\d+$/);
    }
  });

  it("draws gap bars all at 100% on an axis that ends there, from the tenth below", () => {
    const whole = { ...e, workloads: e.workloads.map((w) => ({ ...w, standings: w.standings.map((s) => ({ ...s, gapClosed: s.gapClosed === undefined ? undefined : 1 })) })) };
    const figs = evaluationFigures(whole).filter((x) => x.file.startsWith("gap-closed-"));
    expect(figs.length).toBeGreaterThan(0);
    for (const f of figs) {
      const yTicks = [...f.svg.matchAll(/text-anchor="end">(-?\d+)%<\/text>/g)].map((m) => Number(m[1]));
      expect([Math.min(...yTicks), Math.max(...yTicks)], f.file).toEqual([90, 100]);
    }
  });

  it("reaches below 0 where a configuration is slower than demand paging", () => {
    const sort = e.workloads.find((w) => w.workload === "sort")!.standings.find((s) => s.config === "ampom")!.gapClosed!;
    expect(sort).toBeLessThan(0);
    const svg = evaluationFigures({ ...e, plan: { ...e.plan, focus: "ampom" } }).find((f) => f.file === "gap-closed-test.svg")!.svg;
    expect(tips(svg)).toContain(`sort, ampom: ${pct1(sort)}`);
    const ticks = [...svg.matchAll(/>(-?\d+)%<\/text>/g)].map((m) => Number(m[1]) / 100);
    expect(Math.min(...ticks)).toBeLessThanOrEqual(sort);
  });

  it("draws what it has data for when the focus and the references were not evaluated", async () => {
    // demand paging and the oracle only: no gap bars, no scenario lines, a cost figure
    // (evaluate() refuses a focus it does not run: the evaluation is given one it did not)
    const bare = await evaluate({ ...plan(), configs: allConfigs().filter((c) => ["none", "oracle"].includes(c.id)), focus: "none", runsDir: join(dir, "bare-runs") });
    expect(evaluationFigures({ ...bare, plan: { ...bare.plan, focus: "ampom-plus" } }).map((f) => f.file)).toEqual(["cost-test.svg", "cost-kernels.svg"]);
  });

  it("gives byte-identical files for an evaluation made again from its kept runs", async () => {
    const again = join(dir, "again");
    writeEvaluationReport(await evaluate(plan()), again, provenance());
    for (const f of readdirSync(out)) expect(readFileSync(join(again, f), "utf8"), f).toBe(readFileSync(join(out, f), "utf8"));
  });

  // before: "--report FILE: ...", a flag the library's caller never gave
  it("refuses, from the library, a report folder that is a file, naming it and writing nothing", () => {
    const file = join(dir, "not-a-folder");
    writeFileSync(file, "mine");
    expect(() => writeEvaluationReport(e, file, provenance())).toThrow(`report folder ${file}: exists and is not a folder (give a folder for report.html and its files)`);
    expect(() => writeEvaluationReport(e, join(file, "sub"), provenance())).toThrow(`report folder ${join(file, "sub")}: ${file} is not a folder`);
    expect(readFileSync(file, "utf8")).toBe("mine");
  });

  it("written again into the same folder, leaves no figure of the earlier report and nothing else touched", () => {
    const folder = join(dir, "rewritten");
    writeEvaluationReport(e, folder, provenance());
    writeFileSync(join(folder, "notes.txt"), "mine");
    writeEvaluationReport({ ...e, workloads: e.workloads.filter((w) => w.group === "test") }, folder, provenance());
    expect(readdirSync(folder).sort()).toEqual(["cost-test.svg", "gap-closed-test.svg", "notes.txt", "report.html", "scenarios-test.svg"]);
  });

  it("the command writes it beside the JSON, and refuses a folder it cannot write before it runs anything", async () => {
    const args = ["evaluate", "--corpus", manifest, "--kernels", "beff", "-m", "1MiB", "--conditions", "gige-2008", "--migrate-at", "0.5", "--configs", "ampom-plus,bubbling"];
    const ok = await ampom(...args, "-o", join(dir, "ok.json"), "--runs-dir", join(dir, "runs"), "--report", join(dir, "cli-report"));
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain(`-> ${join(dir, "ok.json")}, ${join(dir, "cli-report", "report.html")}`);
    expect(readdirSync(join(dir, "cli-report")).sort()).toEqual(["cost-kernels.svg", "cost-test.svg", "gap-closed-kernels.svg", "gap-closed-test.svg", "report.html", "scenarios-kernels.svg", "scenarios-test.svg"]);

    const file = join(dir, "a-file");
    writeFileSync(file, "");
    const bad = await ampom(...args, "-o", join(dir, "bad.json"), "--runs-dir", join(dir, "bad-runs"), "--report", file);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(`ampom: --report ${file}: exists and is not a folder (give a folder for report.html and its files)\n`);
    expect(existsSync(join(dir, "bad.json"))).toBe(false);
    expect(existsSync(join(dir, "bad-runs"))).toBe(false);
  });
});
