// report.html: one self-contained page (inline CSS and SVG, no scripts, no network).
import type { Figure } from "./figures.js";
import type { ReproduceResults } from "./reproduce.js";
import { versionLine } from "../util/provenance.js";
import { escapeXml } from "./svg.js";
import { HPCC_KERNELS } from "../workloads/registry.js";
import { claimLines, extendedTable, headlineTable, quietBusyTable, settingsLine, spreadTable, tableLegend, type TableData } from "./tables.js";

function htmlTable(t: TableData, cls: string, id?: string): string {
  const cell = (tag: string, v: string, i: number) => `<${tag}${t.align[i] === "r" ? ' class="num"' : ""}>${escapeXml(v)}</${tag}>`;
  // a header wraps between words, never inside a name ("full-copy", "linux-vma")
  const head = (v: string, i: number) => cell("th", v.replace(/-/g, "\u2011"), i);
  const notes = tableLegend(t);
  return [
    `<table class="${cls}"${id ? ` id="${id}"` : ""}>`,
    `<thead><tr>${t.header.map(head).join("")}</tr></thead>`,
    `<tbody>`,
    ...t.rows.map((r) => `<tr>${r.map((v, i) => cell("td", v, i)).join("")}</tr>`),
    `</tbody></table>`,
    ...(notes.length ? [`<p class="legend">${notes.map((n) => escapeXml(n)).join("<br>\n")}</p>`] : []),
  ].join("\n");
}

/** Where the numbers come from: the tool, the code, the runtime and the options. */
function provenanceHtml(r: ReproduceResults): string {
  const p = r.provenance;
  const options = Object.entries(p.options as Record<string, unknown>)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(",") : String(v)}`)
    .join("; ");
  return (
    `<p class="settings">Made by <code>ampom reproduce</code>: ${escapeXml(versionLine(p))}, ${escapeXml(p.core ?? "")} core. ` +
    `Options: ${escapeXml(options)}. Every number is in results.json (with this provenance) and in the CSV files beside this page.</p>`
  );
}

/** The reports' style sheet (this one's and the evaluation's). */
export const REPORT_STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1240px; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.6em 0; }
th, td { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: left; white-space: nowrap; }
th { background: #f4f4f4; white-space: normal; vertical-align: bottom; } .num { text-align: right; font-variant-numeric: tabular-nums; }
.figures { display: flex; flex-wrap: wrap; gap: 0 1.5em; }
figure { margin: 1.2em 0; max-width: 800px; } figcaption { font-size: 0.9em; color: #444; max-width: 680px; }
.settings { color: #555; } .scroll { overflow-x: auto; } .legend { font-size: 0.85em; color: #444; margin-top: 0; }
details.chart-data { font-size: 0.85em; max-width: 800px; } details.chart-data table { font-size: 1em; }
.note { background: #f6f6f0; border-left: 3px solid #bbb; padding: 0.4em 0.8em; max-width: 1000px; }
`;

/** A figure on a report's page: its SVG and its caption, named by its file, and the
 * values it plots as a table the drawing names as its description (aria-describedby):
 * the chart's text alternative. Only the page's copy of the SVG points at the table;
 * the .svg file beside it stays as drawn. */
export function figureHtml(f: Figure): string {
  const id = escapeXml(f.file.replace(/\.svg$/, ""));
  const svg = f.data ? f.svg.replace(/^<svg /, `<svg aria-describedby="${id}-data" `) : f.svg;
  const data = f.data
    ? `<details class="chart-data"><summary>The values plotted</summary>\n<div class="scroll">${htmlTable({ header: f.data.header, rows: f.data.rows, align: f.data.header.map((_, i) => (i === 0 ? "l" : "r")) }, "chart-data", `${id}-data`)}</div>\n</details>\n`
    : "";
  return `<figure id="${id}">\n${svg}<figcaption><b>${escapeXml(f.title)}.</b> ${escapeXml(f.caption)}</figcaption>\n${data}</figure>`;
}

export function reportHtml(r: ReproduceResults, figures: Figure[]): string {
  // a run on the synthetic workloads (--kernels random) says so: their rows are no HPCC test
  const synthetic = r.settings.kernels.filter((k) => !HPCC_KERNELS.includes(k));
  const one = synthetic.length === 1;
  const syntheticNote = synthetic.length
    ? ` <b>${escapeXml(synthetic.join(", "))}</b> ${one ? "is not an HPCC kernel" : "are not HPCC kernels"} but the simulator's synthetic ${one ? "pattern" : "patterns"}, ` +
      `chosen for this run: ${one ? "its" : "their"} rows are no reproduction of the paper's figures.`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AMPoM reproduction report</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<h1>Lightweight process migration and memory prefetching: reproduction</h1>
<p>The evaluation of AMPoM (Ho, Wang and Lau, IPDPS 2008) on the simulator's HPC Challenge kernels.
Lightweight migration is compared with openMosix's full copy; AMPoM's prefetching with demand paging,
the prefetchers people use instead, this project's own policy <code>ampom-plus</code>, and two offline references that read the trace ahead:
the oracle (a bound) and the set oracle (<code>ampom-plus</code> told which pages will be used, not when).</p>
<p class="note">The kernels are <b>page-level models of HPCC 1.5</b>, not the HPCC binary: each generator
replays, page by page, the memory accesses one HPCC process makes in that test at the problem sizes HPCC
derives from the memory given, with a time per access calibrated so that the timed section takes what the
real benchmark took (${escapeXml(r.settings.cpu)} CPU). What each kernel does, what is simplified and why:
<code>docs/workloads.md</code>, "The HPCC kernels", in the ampom package; the model and its metrics:
<code>docs/model.md</code>.${syntheticNote}</p>
<p class="settings">${escapeXml(settingsLine(r))}.</p>

<h2>Headline: the paper's three claims</h2>
<p>Freeze time avoided by lightweight migration, remote fault requests AMPoM prevents against demand
paging, and AMPoM's runtime overhead against full copy, beside the figures the paper reports.</p>
<div class="scroll">${htmlTable(headlineTable(r), "headline")}</div>
<ul class="claims">
${claimLines(r).map((l) => `<li>${escapeXml(l)}</li>`).join("\n")}
</ul>

<h2>Figures</h2>
<div class="figures">
${figures.map(figureHtml).join("\n")}
</div>

<h2>Every mechanism and policy</h2>
<p>"prevented" is against lightweight + none (demand paging), and a touch of a page a push sent that has not landed
counts as a remote fault (the destination does not know it is coming; the oracle's does, and waits for it); "vs full-copy" is the runtime against
full-copy; "none→oracle" is how far the runtime moved from demand paging (0%) towards the oracle (100%).</p>
<div class="scroll">${htmlTable(extendedTable(r), "extended")}</div>

<h2>Faults prevented, quiet and busy network</h2>
<div class="scroll">${htmlTable(quietBusyTable(r), "quiet-busy")}</div>
${
  r.spread
    ? `
<h2>Spread over the seeds</h2>
<p>Faults prevented by lightweight migration with each policy and by the other mechanisms, mean over seeds ${r.settings.seeds.join(", ")} with the least and the greatest
in brackets (the tables above are seed ${r.settings.seed}'s).</p>
<div class="scroll">${htmlTable(spreadTable(r), "spread")}</div>`
    : ""
}
${provenanceHtml(r)}
</body>
</html>
`;
}
