// The evaluation as a report to look at (`ampom evaluate --report DIR`): report.html,
// one self-contained page with the tables the terminal shows and, per group of
// workloads, three figures, each also written as its own SVG file:
//  - the gap closed on each workload by the focus configuration, its closest rival on the
//    group, a plain push and the set oracle: where the focus stands, workload by workload;
//  - the focus's and the set oracle's gap closed in each scenario (network condition and
//    migration point): where the focus falls short;
//  - every configuration's mean runtime against the pages it moved and never used: what
//    its speed costs the network, the trade-off a table of two columns hides.
// A configuration has the colour the reproduction report gives it (colorOf). Output is a
// pure function of the evaluation and its provenance, so the same results give
// byte-identical files.
import { basename, join } from "node:path";
import { refuseInputs, type CommandInput } from "../util/same-file.js";
import { coincideNote, colorOf, groupList, percent, percent1, type Figure } from "../report/figures.js";
import { figureHtml, REPORT_STYLE } from "../report/html.js";
import { barPlot, DASHES, escapeXml, MARKERS, xyPlot, type Series } from "../report/svg.js";
import { writeOutputs } from "../report/write.js";
import { versionLine, type Provenance } from "../util/provenance.js";
import { mean, OURS, type Evaluation, type WorkloadSummary } from "./evaluate.js";
import { DEMAND_ID, GROUPS } from "./plan.js";
import { configLabel, configMeans, configNames, evaluationText, TITLES } from "./tables.js";

/** the plain push beside the focus in the gap figures */
const PLAIN_PUSH = "bubbling";
const SET_ORACLE = "set-oracle";
/** the files the report draws, which a report written again into the folder replaces */
const FIGURE_FILES = /^(gap-closed|scenarios|cost)-[a-z]+\.svg$/;

const focusOf = (e: Evaluation) => e.plan.focus ?? OURS;
/** what a figure says of the names configLabel marks, as the tables' legend does */
const STAR = "* marks a reference that reads the trace ahead.";

/** The configurations the gap figure shows for a group: the focus, the other online
 * configuration closing the most of the group's gap (`rival`), a plain push and the set
 * oracle (those evaluated), and per workload with a gap their gap closed (NaN: none). */
export function gapBars(e: Evaluation, ws: WorkloadSummary[]): { workloads: string[]; configs: string[]; rival?: string; values: number[][] } {
  const focus = focusOf(e);
  const rival = e.plan.configs
    .filter((c) => !c.clairvoyant && c.id !== DEMAND_ID && c.id !== focus)
    .map((c) => ({ id: c.id, gap: configMeans(ws, c.id).gapClosed }))
    .filter((r) => r.gap !== undefined)
    .sort((a, b) => b.gap! - a.gap!)[0]?.id;
  const ids = new Set(e.plan.configs.map((c) => c.id));
  const configs = [...new Set([focus, ...(rival ? [rival] : []), PLAIN_PUSH, SET_ORACLE])].filter((id) => ids.has(id));
  const withGap = ws.filter((w) => w.withGap > 0);
  return {
    workloads: withGap.map((w) => w.workload),
    configs,
    rival,
    values: configs.map((id) => withGap.map((w) => w.standings.find((s) => s.config === id)?.gapClosed ?? NaN)),
  };
}

/** Per condition, for the focus and the set oracle (if evaluated), the mean gap closed at
 * each migration point (in increasing order) over the group's workloads with a gap in
 * that scenario (NaN where none has). */
export function scenarioLines(e: Evaluation, ws: WorkloadSummary[]): Array<{ config: string; condition: string; points: Array<[number, number]> }> {
  const names = new Set(ws.map((w) => w.workload));
  const ids = new Set(e.plan.configs.map((c) => c.id));
  const points = [...e.plan.points].sort((a, b) => a - b);
  return e.plan.conditions.flatMap((cond) =>
    [focusOf(e), SET_ORACLE]
      .filter((id) => ids.has(id))
      .map((config) => ({
        config,
        condition: cond.id,
        points: points.map((at): [number, number] => [
          at,
          mean(e.runs.filter((r) => r.config === config && r.condition === cond.id && r.migrateAt === at && names.has(r.workload) && r.gapClosed !== undefined).map((r) => r.gapClosed!)),
        ]),
      })),
  );
}

/** Where a gap-closed axis starts: the tens below the least value, as the differences
 * are in the last tens; or the least itself when a configuration is slower than demand
 * paging (below 0); 0 when there is no value. At least a tenth below `top`, where the
 * axis ends: with all values on it (all 100%) an axis from there to there had no span,
 * and the chart writer widened it by half the value either way (40% to 160%). */
function tensBelow(values: number[], top = Infinity): number {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return 0;
  const least = Math.min(...finite);
  return Math.min(least < 0 ? least : Math.floor(least * 10) / 10, top - 0.1);
}

/** The configurations whose markers lie on one another (within 1% of each axis's span);
 * coincideNote finds lines that coincide point for point, these are single points. */
function overlaps(series: Series[]): Array<[string, string]> {
  const at = series.map((s) => s.points[0]);
  const span = (k: 0 | 1) => Math.max(...at.map((p) => p[k])) - Math.min(...at.map((p) => p[k])) || 1;
  const [sx, sy] = [span(0), span(1)];
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < at.length; i++) {
    for (let j = i + 1; j < at.length; j++) {
      if (Math.abs(at[i][0] - at[j][0]) <= 0.01 * sx && Math.abs(at[i][1] - at[j][1]) <= 0.01 * sy) pairs.push([series[i].name, series[j].name]);
    }
  }
  return pairs;
}

/** The figures of one evaluation, group by group, in the order the tables go. */
export function evaluationFigures(e: Evaluation): Figure[] {
  const focus = focusOf(e);
  const ids = e.plan.configs.map((c) => c.id);
  // each configuration named as the tables name it
  const name = configNames(e);
  const label = (id: string) => configLabel(e.plan.configs.find((c) => c.id === id)!, name);
  const figures: Figure[] = [];
  for (const g of GROUPS) {
    const ws = e.workloads.filter((w) => w.group === g);
    if (ws.length === 0) continue;
    const title = TITLES[g];
    const bars = gapBars(e, ws);
    if (bars.workloads.length && bars.configs.length) {
      const rival = bars.rival !== PLAIN_PUSH && bars.rival !== SET_ORACLE ? bars.rival : undefined;
      figures.push({
        file: `gap-closed-${g}.svg`,
        title: `${title}: gap closed, workload by workload`,
        caption:
          `The share of the demand-paging-to-oracle runtime gap each configuration closes on each workload (mean over the scenarios with a gap; ` +
          `higher is better, 100% is the oracle): ${focus}, ${rival ? `${rival}, the other online configuration closing the most of this group's gap, ` : ""}` +
          `a plain push (${PLAIN_PUSH}) and the set oracle (a reference that reads the trace ahead) where they were evaluated. Workloads with no gap are left out; ` +
          `the axis starts at the tens below the least bar, or at the least when one is below 0.` +
          (bars.configs.some((id) => label(id) !== id) ? ` ${STAR}` : ""),
        ...barPlot({
          title: `${title}: gap closed`,
          yLabel: "demand→oracle gap closed",
          categories: bars.workloads,
          categoryLabel: "workload",
          series: bars.configs.map((id, i) => ({ name: label(id), values: bars.values[i], color: colorOf(id, ids) })),
          width: Math.max(560, 120 + bars.workloads.length * bars.configs.length * 16),
          yMin: tensBelow(bars.values.flat(), 1),
          yMax: 1,
          yTicks: percent,
          valueFormat: percent1,
        }),
      });
    }

    // a configuration's colour, a condition's dash and marker
    const scenarios = scenarioLines(e, ws);
    const lines: Series[] = scenarios.map((l) => {
      const k = e.plan.conditions.findIndex((c) => c.id === l.condition);
      const name = `${label(l.config)}, ${l.condition}`;
      return {
        name,
        points: l.points,
        color: colorOf(l.config, ids),
        dash: DASHES[k % DASHES.length],
        marker: MARKERS[k % MARKERS.length],
        tips: l.points.map(([at, v]) => `${name}, migrated at ${at}: ${percent1(v)}`),
      };
    });
    const lineValues = lines.flatMap((l) => l.points.map((p) => p[1]));
    if (lineValues.some(Number.isFinite)) {
      const together = coincideNote(lines);
      figures.push({
        file: `scenarios-${g}.svg`,
        title: `${title}: gap closed by scenario`,
        caption:
          `The share of the demand-paging-to-oracle gap closed in each scenario, the mean over the group's workloads with a gap in it: ${focus} and, where it was evaluated, ` +
          `the set oracle, a dash and a marker per network condition, against the point of the records at which the process migrated; a line breaks at a scenario where no workload of the group has a gap; the axis starts as in the figure above.` +
          (scenarios.some((l) => label(l.config) !== l.config) ? ` ${STAR}` : "") +
          (together ? ` ${together}.` : ""),
        ...xyPlot({
          title: `${title}: gap closed by scenario`,
          xLabel: "migrated after (fraction of the records)",
          yLabel: "demand→oracle gap closed",
          series: lines,
          yTicks: percent,
          yMin: tensBelow(lineValues, 1),
          yMax: 1,
          height: 380,
          note: together,
        }),
      });
    }

    const points: Series[] = e.plan.configs.map((c, i) => {
      const m = configMeans(ws, c.id);
      const shown = configLabel(c, name);
      const [x, y] = [m.unusedPages, m.relRuntime];
      // a one-point line: drawn as a full-size marker, and so named in the legend; its
      // tooltip reads the values where it is drawn
      return {
        name: shown,
        points: [[x, y]],
        marker: MARKERS[i % MARKERS.length],
        color: colorOf(c.id, ids),
        tips: [`${shown}: ${percent1(y)} of demand paging's runtime, ${x.toFixed(1)} pages never used a run`],
      };
    });
    // the focus last, drawn over any configuration on the same spot
    const at = ids.indexOf(focus);
    if (at >= 0) points.push(...points.splice(at, 1));
    const onOne = groupList(overlaps(points));
    // where every configuration ran alike (all tie), their value is drawn between a
    // tenth below and a tenth above
    const runtimes = points.map((p) => p.points[0][1]);
    const tie = runtimes.every((v) => v === runtimes[0]);
    figures.push({
      file: `cost-${g}.svg`,
      title: `${title}: runtime against network cost`,
      caption:
        `Each configuration's mean runtime against demand paging's (lower is faster) and the pages it moved to the destination that the process never used, ` +
        `per run (further left costs a shared link less), both means over the group's workloads. ${STAR}` +
        (onOne ? ` Drawn on one another (within 1% of each axis): ${onOne}${at >= 0 ? `; ${focus} is drawn last` : ""}.` : ""),
      ...xyPlot({
        title: `${title}: runtime and pages never used`,
        xLabel: "pages moved and never used, per run",
        yLabel: "runtime against demand paging",
        series: points,
        yTicks: percent,
        xMin: 0,
        xWhole: true,
        yMin: tie ? runtimes[0] - 0.1 : tensBelow(runtimes),
        yMax: tie ? runtimes[0] + 0.1 : undefined,
        height: 420,
        // named in the figure too, which is also a file of its own
        note: onOne ? `on one another: ${onOne}` : undefined,
      }),
    });
  }
  return figures;
}

export function evaluationHtml(e: Evaluation, figures: Figure[], provenance: Provenance): string {
  // the terminal's text, cut at each group's title, so each group's figures follow its tables
  const text = evaluationText(e).trimEnd().split("\n");
  const starts = GROUPS.map((g) => ({ g, at: text.findIndex((l) => l.startsWith(`${TITLES[g]}: `)) })).filter((s) => s.at >= 0);
  const legendAt = text.findIndex((l) => l.startsWith("Legend: "));
  const pre = (lines: string[]) => `<div class="scroll"><pre>${escapeXml(lines.join("\n").trim())}</pre></div>`;
  const sections = starts.map(({ g, at }, k) => {
    const end = k + 1 < starts.length ? starts[k + 1].at : legendAt;
    const mine = figures.filter((f) => f.file.endsWith(`-${g}.svg`));
    return `<h2>${escapeXml(text[at])}</h2>\n${pre(text.slice(at + 1, end))}\n<div class="figures">\n${mine.map(figureHtml).join("\n")}\n</div>`;
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

/** Refuses a report folder holding an input of the evaluation under a name the report
 * writes or, as an old figure, removes. */
export function checkReportInputs(dir: string, inputs: readonly CommandInput[]): void {
  for (const [what, input] of inputs) {
    const name = basename(input);
    if (name !== "report.html" && !FIGURE_FILES.test(name)) continue;
    refuseInputs(`--report ${dir}: ${join(dir, name)}`, join(dir, name), [[what, input]], "the report", "folder");
  }
}

/** Writes each figure as SVG and report.html into `dir`, each file atomically, the page
 * last; figures an earlier report left there and this one does not draw are removed. */
export function writeEvaluationReport(e: Evaluation, dir: string, provenance: Provenance): { report: string; files: string[] } {
  const figures = evaluationFigures(e);
  const files: Array<[string, string]> = [...figures.map((f): [string, string] => [f.file, f.svg]), ["report.html", evaluationHtml(e, figures, provenance)]];
  // named as a library caller gave it too: the command checked its --report before any run
  const out = writeOutputs(dir, "report folder", files, FIGURE_FILES);
  return { report: join(out, "report.html"), files: files.map(([name]) => name) };
}
