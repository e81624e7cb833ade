// The evaluation as a report to look at (`ampom evaluate --report DIR`): report.html,
// one self-contained page with the tables the terminal shows and, per group of
// workloads, three figures, each also written as its own SVG file:
//  - the gap closed on each workload by the focus configuration, its closest rival on the
//    group, a plain push and the set oracle: where the focus stands, workload by workload;
//  - the focus's and the set oracle's gap closed in each scenario (network condition and
//    migration point): where the focus falls short;
//  - every configuration's mean runtime against the pages it moved and never used: what
//    its speed costs the network, the trade-off a table of two columns hides.
// Output is a pure function of the evaluation and its provenance, so the same results
// give byte-identical files.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Figure } from "../report/figures.js";
import { SERIES_COLORS } from "../report/figures.js";
import { REPORT_STYLE } from "../report/html.js";
import { barChart, CATEGORY_PALETTE, escapeXml, MARKERS, PALETTE, xyChart, type Series } from "../report/svg.js";
import { checkOutDir } from "../report/write.js";
import { writeFileAtomic } from "../util/atomic-file.js";
import { versionLine, type Provenance } from "../util/provenance.js";
import { OURS, type Evaluation } from "./evaluate.js";
import { DEMAND_ID, GROUPS } from "./plan.js";
import { configMeans, evaluationText, TITLES } from "./tables.js";

/** the plain push beside the focus in the gap figures */
const PLAIN_PUSH = "bubbling";
const SET_ORACLE = "set-oracle";
const percent1 = (v: number) => `${(v * 100).toFixed(1)}%`;
const percent = (v: number) => `${Math.round(v * 100)}%`;

/** The figures of one evaluation, group by group, in the order the tables go. */
export function evaluationFigures(e: Evaluation): Figure[] {
  const focus = e.plan.focus ?? OURS;
  const ids = new Set(e.plan.configs.map((c) => c.id));
  const online = e.plan.configs.filter((c) => !c.clairvoyant && c.id !== DEMAND_ID);
  const figures: Figure[] = [];
  for (const g of GROUPS) {
    const ws = e.workloads.filter((w) => w.group === g);
    if (ws.length === 0) continue;
    const title = TITLES[g];
    // the closest rival: the other online configuration closing the most of the group's gap
    const rivals = online
      .filter((c) => c.id !== focus)
      .map((c) => ({ id: c.id, gap: configMeans(ws, c.id).gapClosed }))
      .filter((r) => r.gap !== undefined)
      .sort((a, b) => b.gap! - a.gap!);
    const shown = [...new Set([focus, ...(rivals.length ? [rivals[0].id] : []), PLAIN_PUSH, SET_ORACLE])].filter((id) => ids.has(id));
    const withGap = ws.filter((w) => w.withGap > 0);
    if (withGap.length) {
      const values = shown.map((id) => withGap.map((w) => w.standings.find((s) => s.config === id)?.gapClosed ?? NaN));
      const least = Math.min(...values.flat().filter(Number.isFinite));
      const spare = CATEGORY_PALETTE.filter((c) => !Object.values(SERIES_COLORS).includes(c));
      figures.push({
        file: `gap-closed-${g}.svg`,
        title: `${title}: gap closed, workload by workload`,
        caption:
          `The share of the demand-paging-to-oracle runtime gap each configuration closes on each workload (mean over the scenarios with a gap; ` +
          `higher is better, 100% is the oracle): ${focus}, ${rivals.length ? `${rivals[0].id}, the other online configuration closing the most of this group's gap, ` : ""}` +
          `a plain push (${PLAIN_PUSH}) and the set oracle (a reference that reads the trace ahead) where they were evaluated. Workloads with no gap are left out; the axis starts at the tens below the least bar when none is below 0.`,
        svg: barChart({
          title: `${title}: gap closed`,
          yLabel: "demand→oracle gap closed",
          categories: withGap.map((w) => w.workload),
          series: shown.map((id, i) => ({ name: id, values: values[i], color: SERIES_COLORS[id] ?? spare[i % spare.length] })),
          width: Math.max(560, 120 + withGap.length * shown.length * 16),
          yMin: tensBelow(least),
          yMax: 1,
          yTicks: percent,
          valueFormat: percent1,
        }),
      });
    }
    // by scenario: the focus (solid) and the set oracle (dashed), a colour per condition
    const names = new Set(ws.map((w) => w.workload));
    const byScenario = (config: string, condition: string, at: number) => scenarioGap(e, names, config, condition, at);
    const lines: Series[] = e.plan.conditions.flatMap((cond, k) =>
      [focus, SET_ORACLE]
        .filter((id) => ids.has(id))
        .map((id, j): Series => ({
          name: `${id}, ${cond.id}`,
          points: e.plan.points.map((at): [number, number] => [at, byScenario(id, cond.id, at)]),
          color: PALETTE[k % PALETTE.length],
          dash: j === 0 ? "" : "6 3",
          marker: MARKERS[k % MARKERS.length],
        })),
    );
    const lineValues = lines.flatMap((l) => l.points.map((p) => p[1])).filter(Number.isFinite);
    if (lineValues.length) {
      const least = Math.min(...lineValues);
      figures.push({
        file: `scenarios-${g}.svg`,
        title: `${title}: gap closed by scenario`,
        caption:
          `The share of the demand-paging-to-oracle gap closed in each scenario, the mean over the group's workloads with a gap in it: ${focus} (solid) and, where it was evaluated, ` +
          `the set oracle (dashed), one colour per network condition, against the point of the run at which the process migrated; the axis starts as in the figure above.`,
        svg: xyChart({
          title: `${title}: gap closed by scenario`,
          xLabel: "migrated at (fraction of the run)",
          yLabel: "demand→oracle gap closed",
          series: lines,
          yTicks: percent,
          yMin: tensBelow(least),
          yMax: 1,
          height: 380,
        }),
      });
    }
    const points: Series[] = e.plan.configs.map((c, i) => {
      const m = configMeans(ws, c.id);
      // a one-point line: drawn as a full-size marker, and so named in the legend
      const color = c.id === focus ? SERIES_COLORS[OURS] : PALETTE[i % PALETTE.length];
      return { name: c.id + (c.clairvoyant ? " *" : ""), points: [[m.unusedPages, m.relRuntime]], marker: MARKERS[i % MARKERS.length], color };
    });
    // the focus last, drawn over any configuration on the same spot
    points.push(...points.splice(e.plan.configs.findIndex((c) => c.id === focus), 1));
    const lowest = Math.min(...points.map((p) => p.points[0][1]));
    const overlaps = overlapNote(points);
    figures.push({
      file: `cost-${g}.svg`,
      title: `${title}: runtime against network cost`,
      caption:
        `Each configuration's mean runtime against demand paging's (lower is faster) and the pages it moved to the destination that the process never used, ` +
        `per run (further left costs a shared link less), both means over the group's workloads. * marks a reference that reads the trace ahead.` +
        (overlaps ? ` Drawn on one another (within 1% of each axis): ${overlaps}; ${focus} is drawn last.` : ""),
      svg: xyChart({
        title: `${title}: runtime and pages never used`,
        xLabel: "pages moved and never used, per run",
        yLabel: "runtime against demand paging",
        series: points,
        yTicks: percent,
        xMin: 0,
        yMin: Math.max(0, Math.floor(lowest * 10) / 10),
        height: 420,
      }),
    });
  }
  return figures;
}

/** The mean gap closed by `config` in one scenario over the `workloads` with a gap in it
 * (NaN when none has). */
export function scenarioGap(e: Evaluation, workloads: Set<string>, config: string, condition: string, migrateAt: number): number {
  const gaps = e.runs
    .filter((r) => r.config === config && r.condition === condition && r.migrateAt === migrateAt && workloads.has(r.workload) && r.gapClosed !== undefined)
    .map((r) => r.gapClosed!);
  return gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : NaN;
}

/** Where a gap-closed axis starts: the tens below the least value, as the differences
 * are in the last tens; or the least itself when a configuration is slower than demand
 * paging (below 0). */
function tensBelow(least: number): number {
  return least < 0 ? least : Math.floor(least * 10) / 10;
}

/** Names the configurations whose points lie on one another (within 1% of each axis's
 * span), so that a reader knows a marker that seems missing is under another. */
function overlapNote(series: Series[]): string | undefined {
  const at = series.map((s) => s.points[0]);
  const span = (k: 0 | 1) => Math.max(...at.map((p) => p[k])) - Math.min(...at.map((p) => p[k])) || 1;
  const [sx, sy] = [span(0), span(1)];
  const pairs: string[] = [];
  for (let i = 0; i < at.length; i++) {
    for (let j = i + 1; j < at.length; j++) {
      if (Math.abs(at[i][0] - at[j][0]) <= 0.01 * sx && Math.abs(at[i][1] - at[j][1]) <= 0.01 * sy) pairs.push(`${series[i].name} and ${series[j].name}`);
    }
  }
  return pairs.length ? pairs.join("; ") : undefined;
}

export function evaluationHtml(e: Evaluation, figures: Figure[], provenance: Provenance): string {
  // the terminal's text, cut at each group's title, so each group's figures follow its tables
  const text = evaluationText(e).trimEnd().split("\n");
  const starts = GROUPS.map((g) => ({ g, at: text.findIndex((l) => l.startsWith(`${TITLES[g]}: `)) })).filter((s) => s.at >= 0);
  const legendAt = text.findIndex((l) => l.startsWith("Legend: "));
  const pre = (lines: string[]) => `<div class="scroll"><pre>${escapeXml(lines.join("\n").trim())}</pre></div>`;
  const fig = (f: Figure) =>
    `<figure id="${escapeXml(f.file.replace(/\.svg$/, ""))}">\n${f.svg}<figcaption><b>${escapeXml(f.title)}.</b> ${escapeXml(f.caption)}</figcaption>\n</figure>`;
  const sections = starts.map(({ g, at }, k) => {
    const end = k + 1 < starts.length ? starts[k + 1].at : legendAt;
    return `<h2>${escapeXml(TITLES[g])}</h2>\n${pre(text.slice(at + 1, end))}\n<div class="figures">\n${figures
      .filter((f) => f.file.endsWith(`-${g}.svg`))
      .map(fig)
      .join("\n")}\n</div>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ampom evaluate</title>
<style>${REPORT_STYLE}
pre { font-size: 0.8em; }</style>
</head>
<body>
<h1>Every policy and push order against each other: the evaluation</h1>
<p class="settings">${escapeXml(text[0])}</p>
${sections.join("\n")}
<p class="legend">${escapeXml(text.slice(legendAt).join(" "))}</p>
<p class="settings">Made by <code>ampom evaluate</code>: ${escapeXml(versionLine(provenance))}. Every run and standing is in the results JSON the command wrote (<code>--out</code>).</p>
</body>
</html>
`;
}

/** Writes report.html and each figure as SVG into `dir`, each file atomically, the page last. */
export function writeEvaluationReport(e: Evaluation, dir: string, provenance: Provenance): { report: string; files: string[] } {
  checkOutDir(dir, "--report");
  const out = resolve(dir);
  mkdirSync(out, { recursive: true });
  const figures = evaluationFigures(e);
  const files: Array<[string, string]> = [...figures.map((f): [string, string] => [f.file, f.svg]), ["report.html", evaluationHtml(e, figures, provenance)]];
  for (const [name, content] of files) writeFileAtomic(join(out, name), content);
  return { report: join(out, "report.html"), files: files.map(([name]) => name) };
}
