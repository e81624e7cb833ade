// `ampom evaluate --report`: the figures must draw the evaluation's own numbers (each
// bar's value is the standing's gap closed, each point a configuration's means), the page
// must hold the tables the terminal shows, the same results must give the same files, and
// a folder that cannot be written must be refused before anything runs.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allConfigs, corpusWorkloads, evaluate, evaluationFigures, evaluationText, kernelWorkloads, parseCondition, writeEvaluationReport, type Evaluation } from "../../src/evaluate/index.js";
import { scenarioGap } from "../../src/evaluate/report.js";
import { configMeans } from "../../src/evaluate/tables.js";
import { provenance } from "../../src/util/provenance.js";
import { ampom } from "../cli/capture.js";
import { scratchDir } from "../sweep/cli-helpers.js";

const dir = scratchDir("evaluate-report");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const manifest = join(dir, "manifest.json");
writeFileSync(manifest, JSON.stringify({ programs: [{ name: "sort", kind: "text", half: "test", file: resolve("test/fixtures/sort-lackey.amt") }] }));
const ids = ["none", "oracle", "ampom", "ampom-plus", "bubbling", "set-oracle", "post-copy/adaptive"];

const unescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");

describe("evaluate --report", () => {
  let e: Evaluation;
  beforeAll(async () => {
    e = await evaluate({
      workloads: [...corpusWorkloads(manifest), ...kernelWorkloads(["beff"], "1MiB")],
      configs: allConfigs().filter((c) => ids.includes(c.id)),
      conditions: [parseCondition("gige-2008@80%")],
      points: [0.5],
      runsDir: join(dir, "runs"),
      workers: 2,
    });
  });

  it("draws each workload's gap closed and each configuration's means, and holds the tables", () => {
    const out = join(dir, "report");
    const { report, files } = writeEvaluationReport(e, out, provenance());
    expect(files).toEqual(["gap-closed-test.svg", "scenarios-test.svg", "cost-test.svg", "gap-closed-kernels.svg", "scenarios-kernels.svg", "cost-kernels.svg", "report.html"]);
    const html = readFileSync(report, "utf8");
    for (const f of files.filter((x) => x.endsWith(".svg"))) expect(html).toContain(readFileSync(join(out, f), "utf8"));

    for (const g of ["test", "kernels"] as const) {
      const ws = e.workloads.filter((w) => w.group === g);
      // a bar per workload with a gap and configuration shown, its value the standing's
      const bars = [...readFileSync(join(out, `gap-closed-${g}.svg`), "utf8").matchAll(/<rect class="mark"[^>]*><title>([^<]*)<\/title>/g)].map((m) => unescape(m[1]));
      const expected = ws
        .filter((w) => w.withGap > 0)
        .flatMap((w) => ["ampom-plus", "post-copy/adaptive", "bubbling", "set-oracle"].map((c) => `${w.workload}, ${c}: ${(w.standings.find((s) => s.config === c)!.gapClosed! * 100).toFixed(1)}%`));
      expect(bars.sort()).toEqual(expected.sort());
      // a line per condition for the focus and the set oracle; with one scenario and one
      // workload, its one point is the workload's standing
      const scenarios = readFileSync(join(out, `scenarios-${g}.svg`), "utf8");
      for (const c of ["ampom-plus", "set-oracle"]) {
        expect(scenarios).toContain(`data-series="${c}, gige-2008@80%"`);
        expect(scenarioGap(e, new Set(ws.map((w) => w.workload)), c, "gige-2008@80%", 0.5)).toBe(ws[0].standings.find((s) => s.config === c)!.gapClosed);
      }
      // a point per configuration, at the means the group's table of configurations prints
      const cost = readFileSync(join(out, `cost-${g}.svg`), "utf8");
      const text = evaluationText(e).split("\n");
      const from = text.findIndex((l) => l.startsWith(g === "test" ? "Corpus, test half" : "HPCC kernels"));
      for (const c of e.plan.configs) {
        const name = c.id + (c.clairvoyant ? " *" : "");
        expect(cost, name).toMatch(new RegExp(`data-series="${name.replace(/[*/]/g, "\\$&")}">\\n<(circle|path) class="mark"`));
        const m = configMeans(ws, c.id);
        const row = text.slice(from).find((l) => l.startsWith(`${name} `))!.trim().split(/ {2,}/);
        expect(row[1]).toBe(`${(m.relRuntime * 100).toFixed(1)}%`);
        expect(Number(row[5].replace(/,/g, ""))).toBeCloseTo(m.unusedPages, m.unusedPages >= 100 ? -1 : 1);
      }
    }
    // the terminal's tables, row by row
    for (const line of evaluationText(e).split("\n").filter((l) => /^(sort|beff|ampom-plus) /.test(l))) {
      expect(unescape(html)).toContain(line.trim());
    }
  });

  it("reaches below 0 where a configuration is slower than demand paging", () => {
    // ampom on the sort trace at 80% load: far behind demand paging
    const sort = e.workloads.find((w) => w.workload === "sort")!.standings.find((s) => s.config === "ampom")!.gapClosed!;
    expect(sort).toBeLessThan(0);
    const svg = evaluationFigures({ ...e, plan: { ...e.plan, focus: "ampom" } }).find((f) => f.file === "gap-closed-test.svg")!.svg;
    expect(svg).toContain(`<title>sort, ampom: ${(sort * 100).toFixed(1)}%</title>`);
    const ticks = [...svg.matchAll(/>(-?\d+)%<\/text>/g)].map((m) => Number(m[1]) / 100);
    expect(Math.min(...ticks)).toBeLessThanOrEqual(sort);
  });

  it("gives byte-identical files for the same results", () => {
    const a = join(dir, "a");
    const b = join(dir, "b");
    writeEvaluationReport(e, a, provenance());
    writeEvaluationReport(e, b, provenance());
    for (const f of readdirSync(a)) expect(readFileSync(join(b, f), "utf8"), f).toBe(readFileSync(join(a, f), "utf8"));
  });

  it("the command writes it beside the JSON, and refuses a folder it cannot write before it runs anything", async () => {
    const args = ["evaluate", "--corpus", manifest, "--kernels", "beff", "-m", "1MiB", "--conditions", "gige-2008@80%", "--migrate-at", "0.5", "--configs", "ampom-plus,bubbling"];
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
