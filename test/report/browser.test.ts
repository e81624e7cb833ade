// report.html in a real browser: the Debian `chromium` in headless mode, driven by
// playwright-core. Every chart must have drawn marks, and the page must load with no
// console errors and no network requests. Skipped (with a message) only when chromium
// is absent outside CI; in CI (.ci/run installs it) it always runs.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { reproduce } from "../../src/report/reproduce.js";
import { writeReport } from "../../src/report/write.js";
import { allConfigs, corpusWorkloads, evaluate, kernelWorkloads, parseCondition, writeEvaluationReport } from "../../src/evaluate/index.js";
import { provenance } from "../../src/util/provenance.js";
import type { Page } from "playwright-core";

function findChromium(): string | undefined {
  for (const p of ["/usr/bin/chromium", "/usr/bin/chromium-browser"]) if (existsSync(p)) return p;
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const chromiumPath = findChromium();
const inCI = !!process.env.CI && process.env.CI !== "false";
if (!chromiumPath && !inCI) {
  console.warn("report browser test skipped: no chromium on this machine (apt-get install -y chromium); CI always runs it");
}

describe.skipIf(!chromiumPath && !inCI)("report.html in headless Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "ampom-report-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("draws marks in every chart, with no console errors and no network", async () => {
    expect(chromiumPath, "chromium must be installed in CI (.ci/run installs it)").toBeDefined();
    const results = await reproduce({ memory: "1MiB" });
    const { report } = writeReport(results, dir);
    await inChromium(report, async (page) => {
      const charts = await drawnCharts(page);
      expect(charts.length).toBe(5);
      for (const c of charts) {
        expect(c.width, c.title!).toBeGreaterThan(100);
        expect(c.drawn, `${c.title}: drawn marks`).toBeGreaterThan(0);
        expect(c.drawn, `${c.title}: every mark visible`).toBe(c.marks);
      }
      // the fault timeline marks the migration (a line where the process froze) and the
      // pages sent with the context; the faults-prevented charts draw the paper's range
      // as a band; every one of them is laid out with a size on the page
      const refs = await page.evaluate(() => {
        const box = (sel: string) =>
          Array.from(document.querySelectorAll(sel)).map((e) => {
            const r = (e as SVGGraphicsElement).getBoundingClientRect();
            return { width: r.width, height: r.height, chart: e.closest("svg")?.getAttribute("aria-label") ?? "" };
          });
        return { migration: box("line.migration-mark"), band: box("rect.paper-band"), eager: box("g.series[data-series^='sent with the context'] .mark") };
      });
      expect(refs.migration.length).toBe(1);
      expect(refs.migration[0].chart).toMatch(/^Faults and prefetches after migration/);
      expect(refs.migration[0].height).toBeGreaterThan(100);
      expect(refs.eager.length).toBeGreaterThan(0);
      expect(refs.band.map((b) => b.chart)).toEqual(["Faults prevented: quiet vs busy network", "Faults prevented by policy (lightweight, quiet network)"]);
      for (const b of refs.band) expect(b.height).toBeGreaterThan(5);
      // the report says the kernels are models of HPCC and where their documentation is,
      // with no link to this machine's files: the report is the same wherever it was made
      const note = await page.$eval("p.note", (p) => ({ text: p.textContent ?? "", links: p.querySelectorAll("a").length }));
      expect(note.text).toContain("page-level models of HPCC");
      expect(note.text).toContain('docs/workloads.md, "The HPCC kernels", in the ampom package');
      expect(note.links).toBe(0);
      // and where the numbers come from
      expect(await page.textContent("body")).toMatch(/Made by ampom reproduce: ampom \d+\.\d+\.\d+ \(/);
      // the headline table has a row per kernel
      const rows = await page.$$eval("table.headline tbody tr", (trs) => trs.length);
      expect(rows).toBeGreaterThanOrEqual(results.headline.length);
    });
  });

  it("draws marks in every chart of the evaluation's report too", async () => {
    expect(chromiumPath, "chromium must be installed in CI (.ci/run installs it)").toBeDefined();
    const manifest = join(dir, "manifest.json");
    writeFileSync(manifest, JSON.stringify({ programs: [{ name: "sort", kind: "text", half: "test", file: resolve("test/fixtures/sort-lackey.amt") }] }));
    const e = await evaluate({
      workloads: [...corpusWorkloads(manifest), ...kernelWorkloads(["beff"], "1MiB")],
      configs: allConfigs().filter((c) => ["none", "oracle", "ampom-plus", "bubbling", "post-copy/adaptive", "set-oracle"].includes(c.id)),
      conditions: [parseCondition("gige-2008")],
      points: [0.5],
      runsDir: join(dir, "evaluation-runs"),
      workers: 2,
    });
    const { report } = writeEvaluationReport(e, join(dir, "evaluation"), provenance());
    await inChromium(report, async (page) => {
      const charts = await drawnCharts(page);
      expect(charts.map((c) => c.title)).toEqual([
        "Corpus, test half: gap closed",
        "Corpus, test half: gap closed by scenario",
        "Corpus, test half: runtime and pages never used",
        "HPCC kernels (page-level models): gap closed",
        "HPCC kernels (page-level models): gap closed by scenario",
        "HPCC kernels (page-level models): runtime and pages never used",
      ]);
      for (const c of charts) {
        expect(c.width, c.title!).toBeGreaterThan(100);
        expect(c.drawn, `${c.title}: every mark visible`).toBe(c.marks);
      }
      // a bar per configuration shown, a marker per condition and configuration, a
      // point per configuration
      expect(charts[3].marks).toBe(4);
      expect(charts[4].marks).toBe(2);
      expect(charts[5].marks).toBe(6);
      expect(await page.textContent("body")).toMatch(/Made by ampom evaluate: ampom \d+\.\d+\.\d+ \(/);
    });
  });
});

/** Opens `report` in headless Chromium and runs `check` on the page; the page must load
 * with no console errors and fetch nothing but itself. */
async function inChromium(report: string, check: (page: Page) => Promise<void>): Promise<void> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (msg) => {
      if (msg.type() === "error") problems.push(`console: ${msg.text()}`);
    });
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
    const requests: string[] = [];
    page.on("request", (req) => requests.push(req.url()));
    await page.goto(pathToFileURL(report).href, { waitUntil: "load" });
    await check(page);
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(report).href]);
  } finally {
    await browser.close();
  }
}

/** Each chart on the page: its title, its marks and how many of them have a size. */
function drawnCharts(page: Page) {
  return page.$$eval("svg.chart", (svgs) =>
    svgs.map((svg) => {
      const marks = Array.from(svg.querySelectorAll(".mark")) as SVGGraphicsElement[];
      const drawn = marks.filter((m) => {
        const b = m.getBBox();
        const r = m.getBoundingClientRect();
        return b.width + b.height > 0 && r.width + r.height > 0;
      });
      return { title: svg.getAttribute("aria-label"), marks: marks.length, drawn: drawn.length, width: svg.getBoundingClientRect().width };
    }),
  );
}
