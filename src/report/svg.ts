// A small SVG chart writer for the report: line and scatter charts over linear axes,
// density cells, and grouped bar charts over categories, with ticks, axis labels,
// reference bands and lines, whiskers and a legend.
// Output is a pure function of the input (fixed number formatting, no randomness, no
// clock), so the same results give byte-identical SVG files.
//
// Every data mark carries class "mark" (lines, points, bars, cells), so a test can check
// that a chart has drawn something; reference marks carry their own classes
// ("band", "vline", "whisker", "na").
//
// Lines are told apart by colour, dash and marker shape together, so two series that
// coincide stay visible (the dashes interleave, the markers differ) and a reader without
// colour vision, or with a grey print, can still follow each one.
import { wrapWords } from "../util/text.js";

/** Marker shapes for points and line series. */
export type MarkerShape = "circle" | "square" | "triangle" | "diamond" | "cross" | "plus";

export interface Series {
  name: string;
  points: Array<[number, number]>;
  /** how the points are drawn; "line" draws a polyline with a marker on each point */
  style?: "line" | "points";
  /** marker shape; by default the series' place in MARKERS (points: a small square dot) */
  marker?: MarkerShape;
  /** shape for "points" (kept for callers of the first version): dot or cross */
  shape?: "dot" | "cross";
  /** stroke-dasharray of a line; by default the series' place in DASHES */
  dash?: string;
  /** colour override; otherwise the series' place in the palette */
  color?: string;
  /** per point, the least and greatest value behind it: drawn as a whisker */
  lo?: number[];
  hi?: number[];
  /** per point of a "line" series, a tooltip on its marker (the values, in words) */
  tips?: string[];
}

/** Counts on a grid of cells, drawn as shaded rectangles: density rather than
 * overdrawn marks. `mark: "cross"` draws a cross per cell instead of a filled cell. */
export interface CellLayer {
  name: string;
  color: string;
  /** cells as [x0, x1, y0, y1, count] in data units */
  cells: Array<[number, number, number, number, number]>;
  mark?: "fill" | "cross";
}

/** A horizontal band between two values (e.g. a published range), labelled. */
export interface Band {
  y0: number;
  y1: number;
  label: string;
  /** extra class, for tests and styling */
  cls?: string;
}

export interface XYChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** density layers, drawn under the series */
  cells?: CellLayer[];
  width?: number;
  height?: number;
  /** axis ranges; by default from the data, and y starts at 0 when all values are >= 0 */
  xMin?: number;
  xMax?: number;
  yMin?: number;
  yMax?: number;
  xTicks?: TickFormat;
  yTicks?: TickFormat;
  /** the x axis counts things (pages): its ticks are whole numbers */
  xWhole?: boolean;
  /** dashed horizontal reference lines with a label at the right end (e.g. region starts) */
  hLines?: Array<{ y: number; label: string }>;
  /** vertical reference lines with a label at the top (e.g. the migration), and an
   * optional shaded span to x1 */
  vLines?: Array<{ x: number; x1?: number; label: string; cls?: string }>;
  bands?: Band[];
  /** a line of small print under the title (e.g. which lines coincide) */
  note?: string;
}

/** A tick's label; `step`, the axis's tick step, says how fine the label must be for no
 * two ticks to read the same (without it, as for a data table's value, its own choice). */
export type TickFormat = (v: number, step?: number) => string;

export interface BarChart {
  title: string;
  yLabel: string;
  /** what the categories are (e.g. "kernel"): the data table's first column */
  categoryLabel?: string;
  categories: string[];
  /** a NaN value draws "n/a" where its bar would be */
  series: Array<{ name: string; values: number[]; color?: string; lo?: number[]; hi?: number[] }>;
  width?: number;
  height?: number;
  yMin?: number;
  yMax?: number;
  yTicks?: TickFormat;
  /** a bar's value in its tooltip and where it is 0 (default: as the ticks) */
  valueFormat?: (v: number) => string;
  bands?: Band[];
}

/** Colour-blind-safe palette for lines (Okabe and Ito), in a fixed order. */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];
/** Colour-blind-safe palette for many categories (Paul Tol's "muted"): nine colours that
 * stay apart for the common colour-vision deficiencies. */
export const CATEGORY_PALETTE = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499"];
/** Dashes for line series, in order: solid, dashed, dotted, dash-dot, long dash. */
export const DASHES = ["", "6 3", "2 2", "8 3 2 3", "12 4"];
/** Marker shapes for line series, in order. */
export const MARKERS: MarkerShape[] = ["circle", "square", "triangle", "diamond", "cross", "plus"];

const MARGIN = { left: 64, right: 16, top: 34, bottom: 56 };
const LEGEND_ROW = 16;
const NOTE_ROW = 12;
/** The least height of a plot's area, in px. */
const MIN_PLOT_H = 120;

export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A point with both coordinates: one without is left out (a line breaks there). */
const finite = (p: [number, number]): boolean => Number.isFinite(p[0]) && Number.isFinite(p[1]);

/** Two decimals, without a trailing ".00": keeps files small and stable. */
function num(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
}

/** A tick step of 1, 2 or 5 times a power of ten giving about `target` intervals.
 * Built by multiplying and dividing by ten (exact and the same everywhere), not by log/pow. */
export function niceStep(range: number, target = 5): number {
  if (!(range > 0) || !Number.isFinite(range)) return 1;
  const raw = range / target;
  let p = 1;
  while (p * 10 <= raw) p *= 10;
  while (p > raw) p /= 10;
  for (const m of [1, 2, 5, 10]) if (p * m >= raw) return p * m;
  return p * 10;
}

/** Tick values covering [min, max], starting and ending on multiples of the step;
 * `whole`: a step of at least 1, for an axis that counts (pages: 0.2 of a page is no tick). */
export function ticks(min: number, max: number, target = 5, whole = false): { lo: number; hi: number; step: number; values: number[] } {
  if (!(max > min)) {
    // all zeros (counts, say) read 0 to 1: an axis below 0 would show values nobody has
    if (min === 0 && max === 0) return ticks(0, 1, target, whole);
    return ticks(min - Math.abs(min) / 2, max + Math.abs(min) / 2, target, whole);
  }
  const step = whole ? Math.max(1, niceStep(max - min, target)) : niceStep(max - min, target);
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const values: number[] = [];
  const n = Math.round((hi - lo) / step);
  for (let i = 0; i <= n; i++) values.push(Math.round((lo + i * step) / step) * step);
  return { lo, hi, step, values };
}

/** The largest magnitude on an axis whose ticks run from `lo` to `hi`. */
function axisTop(t: { lo: number; hi: number }): number {
  return Math.max(Math.abs(t.lo), Math.abs(t.hi));
}

/** Decimals that write `x` (a tick step: 1, 2 or 5 times a power of ten) in full. */
export function decimalsOf(x: number): number {
  let d = 0;
  while (d < 12 && Math.abs(Math.round(x * 10 ** d) - x * 10 ** d) > 1e-6) d++;
  return d;
}

/** Short default tick labels: 1.5k, 2M, 0.25. Two decimals, or as many as the ticks'
 * `step` needs: at two, ticks 0.002 apart read 0, 0, 0, 0.01, 0.01. `top`, the axis's
 * largest magnitude, picks one unit for all its ticks (4k to 12k, not 4000 to 12k). */
export function shortNumber(v: number, step?: number, top = Math.abs(v)): string {
  if (v === 0) return "0";
  const a = top;
  const [scale, unit] = a >= 1e9 ? [1e9, "G"] : a >= 1e6 ? [1e6, "M"] : a >= 1e4 ? [1e3, "k"] : [1, ""];
  const digits = 10 ** Math.max(2, step === undefined ? 0 : decimalsOf(step / scale));
  return `${String(Math.round((v / scale) * digits) / digits)}${unit}`;
}

/**
 * Pairs of line series that coincide: every point of one within `tolerance` of the
 * range of the values (default 0.5%, about a pixel) of the other's at the same x. A
 * caption names them, so a reader knows a line that seems missing lies under another.
 */
export function coincidentSeries(series: Series[], tolerance = 0.005): Array<[string, string]> {
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  const range = ys.length ? Math.max(...ys) - Math.min(...ys) || Math.abs(ys[0]) || 1 : 1;
  const out: Array<[string, string]> = [];
  for (let i = 0; i < series.length; i++) {
    for (let j = i + 1; j < series.length; j++) {
      const a = series[i].points;
      const b = series[j].points;
      if (a.length === 0 || a.length !== b.length) continue;
      if (a.every((p, k) => p[0] === b[k][0] && Math.abs(p[1] - b[k][1]) <= tolerance * range)) out.push([series[i].name, series[j].name]);
    }
  }
  return out;
}

interface Frame {
  width: number;
  height: number;
  plotW: number;
  plotH: number;
  /** where the plot starts: below the title and the note's lines */
  top: number;
  /** the note, wrapped to the chart's width */
  noteLines: string[];
  /** the legend items' positions, row by row */
  legendAt: Array<{ x: number; row: number }>;
  legendRows: number;
}

/** About how wide a character of 11 px Helvetica is. */
const CHAR_W = 6.2;

/** Width a legend entry takes: the swatch, the text, and a gap. */
function legendWidth(name: string): number {
  return 28 + Math.ceil(name.length * CHAR_W) + 18;
}

/** A label as SVG text content that fits in `px`: cut with an ellipsis when too long
 * (a policy module's path, a manifest's trace name), the whole of it as its tooltip. */
function fitted(label: string, px: number): string {
  const room = Math.max(4, Math.floor(px / CHAR_W));
  if (label.length <= room) return escapeXml(label);
  return `${escapeXml(label.slice(0, room - 1))}…<title>${escapeXml(label)}</title>`;
}

/** Lays the legend entries out in rows across the plot's width, each as wide as its text,
 * and the note in lines across the chart (10 px text, about 5.6 px a character). */
function frame(width: number, height: number, legendNames: string[], note?: string): Frame {
  const noteLines = note ? wrapWords(note, Math.floor((width - 16) / 5.6)) : [];
  const top = MARGIN.top + Math.max(0, noteLines.length - 1) * NOTE_ROW;
  const plotW = width - MARGIN.left - MARGIN.right;
  const legendAt: Frame["legendAt"] = [];
  let x = 0;
  let row = 0;
  for (const name of legendNames) {
    const w = legendWidth(name);
    if (x > 0 && x + w > plotW) {
      row++;
      x = 0;
    }
    legendAt.push({ x: MARGIN.left + x, row });
    x += w;
  }
  const legendRows = legendNames.length ? row + 1 : 0;
  // a note or legend too long for the size asked makes the chart taller, rather than
  // squeeze the plot to nothing (or turn its axis upside down)
  const tall = Math.max(height, top + MARGIN.bottom + legendRows * LEGEND_ROW + MIN_PLOT_H);
  const plotH = tall - top - MARGIN.bottom - legendRows * LEGEND_ROW;
  return { width, height: tall, plotW, plotH, top, noteLines, legendAt, legendRows };
}

function open(f: Frame, title: string, kind: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-${kind}" width="${f.width}" height="${f.height}" ` +
      `viewBox="0 0 ${f.width} ${f.height}" role="img" aria-label="${escapeXml(title)}" ` +
      `font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${f.width}" height="${f.height}" fill="#ffffff"/>`,
    `<text x="${num(f.width / 2)}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(title)}</text>`,
  ];
}

function yAxis(out: string[], f: Frame, t: { lo: number; hi: number; step: number; values: number[] }, label: string, fmt: TickFormat): (v: number) => number {
  const y = (v: number) => f.top + f.plotH - ((v - t.lo) / (t.hi - t.lo)) * f.plotH;
  out.push(`<g class="axis axis-y">`);
  for (const v of t.values) {
    const py = num(y(v));
    out.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + f.plotW}" y1="${py}" y2="${py}" stroke="#e4e4e4"/>`,
      `<text x="${MARGIN.left - 6}" y="${py}" dy="0.32em" text-anchor="end">${escapeXml(fmt(v, t.step))}</text>`,
    );
  }
  out.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${f.top}" y2="${f.top + f.plotH}" stroke="#333"/>`,
    `<text transform="translate(14 ${num(f.top + f.plotH / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(label)}</text>`,
    `</g>`,
  );
  return y;
}

/** Shaded horizontal bands across the plot, under the data. */
function bands(out: string[], f: Frame, bs: Band[] | undefined, y: (v: number) => number, t: { lo: number; hi: number }): void {
  if (!bs?.length) return;
  out.push(`<g class="reference">`);
  for (const b of bs) {
    const lo = Math.max(t.lo, Math.min(b.y0, b.y1));
    const hi = Math.min(t.hi, Math.max(b.y0, b.y1));
    if (!(hi > lo)) continue;
    const top = y(hi);
    out.push(
      `<rect class="band${b.cls ? ` ${b.cls}` : ""}" x="${MARGIN.left}" y="${num(top)}" width="${f.plotW}" height="${num(y(lo) - top)}" ` +
        `fill="#999999" fill-opacity="0.18" stroke="#777777" stroke-dasharray="3 2" stroke-width="0.8"><title>${escapeXml(b.label)}</title></rect>`,
      `<text x="${MARGIN.left + 4}" y="${num(top)}" dy="-3" fill="#444" font-size="10">${escapeXml(b.label)}</text>`,
    );
  }
  out.push(`</g>`);
}

type LegendShape = MarkerShape | "line" | "bar" | "cell" | "band";

interface LegendItem {
  name: string;
  color: string;
  shape: LegendShape;
  /** for "line": the dash and the marker drawn on it */
  dash?: string;
  marker?: MarkerShape;
}

/** A marker of shape `shape` centred on (x, y), as SVG. */
function marker(shape: MarkerShape, x: number, y: number, color: string, cls = ""): string {
  const c = cls ? ` class="${cls}"` : "";
  switch (shape) {
    case "circle":
      return `<circle${c} cx="${num(x)}" cy="${num(y)}" r="3" fill="${color}"/>`;
    case "square":
      return `<path${c} d="M${num(x - 2.8)} ${num(y - 2.8)}h5.6v5.6h-5.6z" fill="${color}"/>`;
    case "triangle":
      return `<path${c} d="M${num(x)} ${num(y - 3.6)}L${num(x + 3.4)} ${num(y + 2.6)}L${num(x - 3.4)} ${num(y + 2.6)}z" fill="${color}"/>`;
    case "diamond":
      return `<path${c} d="M${num(x)} ${num(y - 3.8)}L${num(x + 3.8)} ${num(y)}L${num(x)} ${num(y + 3.8)}L${num(x - 3.8)} ${num(y)}z" fill="#ffffff" stroke="${color}" stroke-width="1.6"/>`;
    case "cross":
      return `<path${c} d="${cross(x, y, 3.2)}" stroke="${color}" stroke-width="1.8" fill="none"/>`;
    case "plus":
      return `<path${c} d="M${num(x - 3.6)} ${num(y)}h7.2M${num(x)} ${num(y - 3.6)}v7.2" stroke="${color}" stroke-width="1.8" fill="none"/>`;
  }
}

function legend(out: string[], f: Frame, items: LegendItem[]): void {
  const top = f.height - f.legendRows * LEGEND_ROW - 6;
  out.push(`<g class="legend">`);
  items.forEach((it, i) => {
    const x = f.legendAt[i].x;
    const y = top + f.legendAt[i].row * LEGEND_ROW;
    if (it.shape === "line") {
      out.push(`<line x1="${x}" x2="${x + 22}" y1="${y}" y2="${y}" stroke="${it.color}" stroke-width="2"${it.dash ? ` stroke-dasharray="${it.dash}"` : ""}/>`);
      if (it.marker) out.push(marker(it.marker, x + 11, y, it.color));
    } else if (it.shape === "bar") out.push(`<rect x="${x + 5}" y="${y - 5}" width="12" height="10" fill="${it.color}"/>`);
    else if (it.shape === "cell") out.push(`<rect x="${x + 5}" y="${y - 5}" width="12" height="10" fill="${it.color}" fill-opacity="0.7"/>`);
    else if (it.shape === "band") out.push(`<rect x="${x + 3}" y="${y - 5}" width="16" height="10" fill="#999999" fill-opacity="0.25" stroke="#777" stroke-dasharray="3 2" stroke-width="0.8"/>`);
    else out.push(marker(it.shape, x + 11, y, it.color));
    out.push(`<text x="${x + 28}" y="${y}" dy="0.32em">${fitted(it.name, f.width - 8 - (x + 28))}</text>`);
  });
  out.push(`</g>`);
}

function cross(x: number, y: number, r: number): string {
  return `M${num(x - r)} ${num(y - r)}L${num(x + r)} ${num(y + r)}M${num(x - r)} ${num(y + r)}L${num(x + r)} ${num(y - r)}`;
}

function extent(values: number[], fallbackLo: number, fallbackHi: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? [fallbackLo, fallbackHi] : [lo, hi];
}

/** A whisker from lo to hi at x (data units mapped by the caller), with short caps. */
function whisker(x: number, yLo: number, yHi: number, color: string): string {
  return `<path class="whisker" d="M${num(x)} ${num(yLo)}V${num(yHi)}M${num(x - 3)} ${num(yLo)}h6M${num(x - 3)} ${num(yHi)}h6" stroke="${color}" stroke-width="1.2" fill="none"/>`;
}

/** Opacity of a cell holding `n` of at most `max` events: 0.15 to 0.95, by the square
 * root of the share (so that one event still shows and the densest cells stand out). */
function cellOpacity(n: number, max: number): number {
  return 0.15 + 0.8 * Math.sqrt(n / Math.max(1, max));
}

/** A line or scatter chart over linear axes, with optional density cells. Non-finite
 * points are left out. */
export function xyChart(c: XYChart): string {
  const layers = c.cells ?? [];
  const f = frame(c.width ?? 560, c.height ?? 340, [...layers.map((l) => l.name), ...c.series.map((s) => s.name), ...(c.bands ?? []).map((b) => b.label)], c.note);
  const xs = [...c.series.flatMap((s) => s.points.map((p) => p[0])), ...layers.flatMap((l) => l.cells.flatMap((q) => [q[0], q[1]]))];
  const ys = [
    ...c.series.flatMap((s) => [...s.points.map((p) => p[1]), ...(s.lo ?? []), ...(s.hi ?? [])]),
    ...layers.flatMap((l) => l.cells.flatMap((q) => [q[2], q[3]])),
  ];
  const [x0, x1] = extent(xs, 0, 1);
  const [y0, y1] = extent(ys, 0, 1);
  const xt = ticks(c.xMin ?? x0, c.xMax ?? x1, Math.max(2, Math.floor(f.plotW / 90)), c.xWhole);
  const yt = ticks(c.yMin ?? (y0 >= 0 ? 0 : y0), c.yMax ?? y1, 5);
  const xFmt = c.xTicks ?? ((v: number) => shortNumber(v, xt.step, axisTop(xt)));
  const out = open(f, c.title, "xy");
  f.noteLines.forEach((line, k) =>
    out.push(`<text class="note" x="${num(f.width / 2)}" y="${30 + k * NOTE_ROW}" text-anchor="middle" font-size="10" fill="#444">${escapeXml(line)}</text>`),
  );
  const y = yAxis(out, f, yt, c.yLabel, c.yTicks ?? ((v) => shortNumber(v, yt.step, axisTop(yt))));
  const x = (v: number) => MARGIN.left + ((v - xt.lo) / (xt.hi - xt.lo)) * f.plotW;
  const base = f.top + f.plotH;
  out.push(`<g class="axis axis-x">`, `<line x1="${MARGIN.left}" x2="${MARGIN.left + f.plotW}" y1="${base}" y2="${base}" stroke="#333"/>`);
  for (const v of xt.values) {
    const px = num(x(v));
    out.push(
      `<line x1="${px}" x2="${px}" y1="${base}" y2="${base + 4}" stroke="#333"/>`,
      `<text x="${px}" y="${base + 15}" text-anchor="middle">${escapeXml(xFmt(v, xt.step))}</text>`,
    );
  }
  out.push(`<text x="${num(MARGIN.left + f.plotW / 2)}" y="${base + 32}" text-anchor="middle">${escapeXml(c.xLabel)}</text>`, `</g>`);
  bands(out, f, c.bands, y, yt);
  if (c.hLines?.length) {
    out.push(`<g class="reference">`);
    for (const h of c.hLines) {
      if (!(h.y >= yt.lo && h.y <= yt.hi)) continue;
      const py = num(y(h.y));
      out.push(
        `<line x1="${MARGIN.left}" x2="${MARGIN.left + f.plotW}" y1="${py}" y2="${py}" stroke="#bbb" stroke-dasharray="4 3"/>`,
        `<text x="${MARGIN.left + f.plotW - 2}" y="${py}" dy="-3" text-anchor="end" fill="#666" font-size="10">${escapeXml(h.label)}</text>`,
      );
    }
    out.push(`</g>`);
  }

  for (const l of layers) {
    const max = Math.max(1, ...l.cells.map((q) => q[4]));
    out.push(`<g class="series cells" data-series="${escapeXml(l.name)}">`);
    for (const [cx0, cx1, cy0, cy1, n] of l.cells) {
      const px = x(cx0);
      const py = y(cy1);
      const w = Math.max(1, x(cx1) - px);
      const h = Math.max(1, y(cy0) - py);
      const o = num(cellOpacity(n, max));
      if (l.mark === "cross") {
        const r = Math.max(1.5, Math.min(3, Math.min(w, h) / 2));
        out.push(`<path class="mark" d="${cross(px + w / 2, py + h / 2, r)}" stroke="${l.color}" stroke-opacity="${o}" stroke-width="1.3" fill="none"><title>${n}</title></path>`);
      } else {
        out.push(`<rect class="mark" x="${num(px)}" y="${num(py)}" width="${num(w)}" height="${num(h)}" fill="${l.color}" fill-opacity="${o}"><title>${n}</title></rect>`);
      }
    }
    out.push(`</g>`);
  }

  c.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const pts = s.points.filter(finite);
    out.push(`<g class="series" data-series="${escapeXml(s.name)}">`);
    if ((s.style ?? "line") === "line") {
      const dash = s.dash ?? DASHES[i % DASHES.length];
      // a point with no value breaks the line: joining its neighbours would draw a value
      // nobody measured
      const runs: Array<Array<[number, number]>> = [[]];
      for (const p of s.points) {
        if (finite(p)) runs[runs.length - 1].push(p);
        else if (runs[runs.length - 1].length) runs.push([]);
      }
      const d = runs
        .filter((r) => r.length > 1)
        .map((r) => r.map((p, k) => `${k === 0 ? "M" : "L"}${num(x(p[0]))} ${num(y(p[1]))}`).join(""))
        .join("");
      if (d) out.push(`<path class="mark" d="${d}" fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`);
      s.points.forEach((p, k) => {
        if (!finite(p)) return;
        const lo = s.lo?.[k];
        const hi = s.hi?.[k];
        if (lo !== undefined && hi !== undefined && hi > lo) out.push(whisker(x(p[0]), y(lo), y(hi), color));
      });
      const shape = s.marker ?? MARKERS[i % MARKERS.length];
      s.points.forEach((p, k) => {
        if (!finite(p)) return;
        const m = marker(shape, x(p[0]), y(p[1]), color, "mark");
        const tip = s.tips?.[k];
        // a tooltip goes inside the marker's element: <circle ...><title>...</title></circle>
        out.push(tip === undefined ? m : m.replace(/\/>$/, `><title>${escapeXml(tip)}</title></${m.startsWith("<circle") ? "circle" : "path"}>`));
      });
    } else if (s.shape === "cross" || s.marker === "cross") {
      // many points: one path keeps the file and the DOM small
      const d = pts.map((p) => cross(x(p[0]), y(p[1]), 2.5)).join("");
      if (d) out.push(`<path class="mark" d="${d}" stroke="${color}" stroke-width="1" fill="none"/>`);
    } else if (s.marker && s.marker !== "circle" && s.marker !== "square") {
      for (const p of pts) out.push(marker(s.marker, x(p[0]), y(p[1]), color, "mark"));
    } else {
      const d = pts.map((p) => `M${num(x(p[0]) - 1.25)} ${num(y(p[1]) - 1.25)}h2.5v2.5h-2.5z`).join("");
      if (d) out.push(`<path class="mark" d="${d}" fill="${color}" fill-opacity="0.75"/>`);
    }
    out.push(`</g>`);
  });

  if (c.vLines?.length) {
    out.push(`<g class="reference">`);
    for (const v of c.vLines) {
      if (!(v.x >= xt.lo && v.x <= xt.hi)) continue;
      const px = x(v.x);
      const cls = `vline${v.cls ? ` ${v.cls}` : ""}`;
      if (v.x1 !== undefined && x(v.x1) - px >= 1) {
        out.push(`<rect class="${cls}" x="${num(px)}" y="${f.top}" width="${num(x(v.x1) - px)}" height="${f.plotH}" fill="#000" fill-opacity="0.08"/>`);
      }
      out.push(
        `<line class="${cls}" x1="${num(px)}" x2="${num(px)}" y1="${f.top}" y2="${base}" stroke="#000" stroke-width="1.2" stroke-dasharray="5 3"/>`,
        `<text x="${num(px + 4)}" y="${f.top + 10}" font-size="10">${escapeXml(v.label)}</text>`,
      );
    }
    out.push(`</g>`);
  }

  legend(out, f, [
    ...layers.map((l): LegendItem => ({ name: l.name, color: l.color, shape: l.mark === "cross" ? "cross" : "cell" })),
    ...c.series.map((s, i): LegendItem => {
      const color = s.color ?? PALETTE[i % PALETTE.length];
      if ((s.style ?? "line") === "line") return { name: s.name, color, shape: "line", dash: s.dash ?? DASHES[i % DASHES.length], marker: s.marker ?? MARKERS[i % MARKERS.length] };
      return { name: s.name, color, shape: s.shape === "cross" ? "cross" : (s.marker ?? "circle") };
    }),
    ...(c.bands ?? []).map((b): LegendItem => ({ name: b.label, color: "#999", shape: "band" })),
  ]);
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

/** Grouped bars: one group per category, one bar per series; whiskers where a series
 * gives lo and hi; "n/a" where a value is NaN. */
export function barChart(c: BarChart): string {
  const f = frame(c.width ?? 560, c.height ?? 340, [...c.series.map((s) => s.name), ...(c.bands ?? []).map((b) => b.label)]);
  const all = c.series.flatMap((s) => [...s.values, ...(s.lo ?? []), ...(s.hi ?? [])]);
  const [v0, v1] = extent(all, 0, 1);
  const yt = ticks(c.yMin ?? Math.min(0, v0), c.yMax ?? Math.max(0, v1), 5);
  const out = open(f, c.title, "bar");
  const fmt: TickFormat = c.yTicks ?? ((v: number) => shortNumber(v, yt.step, axisTop(yt)));
  // a bar's own value in its own unit: 123 reads 123, not 0.12k beside ticks up to 12k
  const fmtValue = c.valueFormat ?? c.yTicks ?? ((v: number) => shortNumber(v, yt.step));
  const y = yAxis(out, f, yt, c.yLabel, fmt);
  const base = f.top + f.plotH;
  const groupW = f.plotW / Math.max(1, c.categories.length);
  const barW = (groupW * 0.8) / Math.max(1, c.series.length);
  const zero = y(Math.max(yt.lo, Math.min(yt.hi, 0)));
  bands(out, f, c.bands, y, yt);
  out.push(`<g class="axis axis-x">`, `<line x1="${MARGIN.left}" x2="${MARGIN.left + f.plotW}" y1="${base}" y2="${base}" stroke="#333"/>`);
  // names that would run into their neighbours, or past the chart's edge (a long last
  // name under few groups), are cut to their group's width
  const centre = (k: number) => MARGIN.left + groupW * (k + 0.5);
  const wide = c.categories.some(
    (cat, k) =>
      (k > 0 && ((cat.length + c.categories[k - 1].length) * CHAR_W) / 2 + 6 > groupW) ||
      (cat.length * CHAR_W) / 2 + 4 > Math.min(centre(k), f.width - centre(k)),
  );
  c.categories.forEach((cat, k) => {
    const label = wide ? fitted(cat, groupW - 6) : escapeXml(cat);
    out.push(`<text x="${num(centre(k))}" y="${base + 15}" text-anchor="middle">${label}</text>`);
  });
  out.push(`</g>`);
  c.series.forEach((s, i) => {
    const color = s.color ?? CATEGORY_PALETTE[i % CATEGORY_PALETTE.length];
    out.push(`<g class="series" data-series="${escapeXml(s.name)}">`);
    s.values.forEach((v, k) => {
      if (k >= c.categories.length) return;
      const px = MARGIN.left + groupW * k + groupW * 0.1 + barW * i;
      if (!Number.isFinite(v) || v === 0) {
        // no value, or exactly 0: say so where the bar would be, rather than leave a gap
        // to guess at or draw a hairline a small value would look the same as
        const label = v === 0 ? fmtValue(0) : "n/a";
        out.push(
          `<text class="${v === 0 ? "zero" : "na"}" x="${num(px + barW * 0.46)}" y="${num(zero - 3)}" font-size="8" fill="#555" text-anchor="start" ` +
            `transform="rotate(-90 ${num(px + barW * 0.46)} ${num(zero - 3)})" dy="0.32em">${escapeXml(label)}</text>`,
        );
        return;
      }
      const py = y(v);
      const top = Math.min(py, zero);
      // a bar too small to see still gets a hairline, so it is visibly there
      const h = Math.max(1, Math.abs(zero - py));
      const lo = s.lo?.[k];
      const hi = s.hi?.[k];
      const spread = lo !== undefined && hi !== undefined ? ` (min ${fmtValue(lo)}, max ${fmtValue(hi)})` : "";
      out.push(
        `<rect class="mark" x="${num(px)}" y="${num(top)}" width="${num(barW * 0.92)}" height="${num(h)}" fill="${color}">` +
          `<title>${escapeXml(`${c.categories[k]}, ${s.name}: ${fmtValue(v)}${spread}`)}</title></rect>`,
      );
      if (lo !== undefined && hi !== undefined && hi > lo) out.push(whisker(px + barW * 0.46, y(lo), y(hi), "#222"));
    });
    out.push(`</g>`);
  });
  legend(out, f, [
    ...c.series.map((s, i): LegendItem => ({ name: s.name, color: s.color ?? CATEGORY_PALETTE[i % CATEGORY_PALETTE.length], shape: "bar" })),
    ...(c.bands ?? []).map((b): LegendItem => ({ name: b.label, color: "#999", shape: "band" })),
  ]);
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

/** A chart's plotted values as a table: the text alternative a report shows beside the
 * drawing (the SVG's marks say nothing to a screen reader, or to a reader who wants the
 * numbers). */
export interface ChartData {
  header: string[];
  rows: string[][];
}

/** A value as the data tables give it: four significant digits, "n/a" for none. */
function dataNumber(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return "n/a";
  return String(Number(v.toPrecision(4)));
}

const spreadText = (lo: number | undefined, hi: number | undefined, fmt: (v: number) => string) =>
  lo !== undefined && hi !== undefined && hi > lo ? ` (min ${fmt(lo)}, max ${fmt(hi)})` : "";

/** The values an xyChart draws: line series sharing x as one row an x, a column a
 * series; anything else (points, density cells) one row a point or a cell. */
export function xyChartData(c: XYChart): ChartData {
  const xFmt = c.xTicks ?? dataNumber;
  const cells = c.cells ?? [];
  if (cells.length === 0 && c.series.every((s) => (s.style ?? "line") === "line")) {
    const xs: number[] = [];
    for (const s of c.series) for (const [x] of s.points) if (Number.isFinite(x) && !xs.includes(x)) xs.push(x);
    xs.sort((a, b) => a - b);
    return {
      header: [c.xLabel, ...c.series.map((s) => `${s.name}: ${c.yLabel}`)],
      rows: xs.map((x) => [
        xFmt(x),
        ...c.series.map((s) => {
          const k = s.points.findIndex((p) => p[0] === x);
          return k < 0 ? "" : dataNumber(s.points[k][1]) + spreadText(s.lo?.[k], s.hi?.[k], dataNumber);
        }),
      ]),
    };
  }
  return {
    header: ["series", c.xLabel, c.yLabel, "count"],
    rows: [
      ...cells.flatMap((l) => l.cells.map(([x0, x1, y0, y1, n]) => [l.name, `${dataNumber(x0)} to ${dataNumber(x1)}`, `${dataNumber(y0)} to ${dataNumber(y1)}`, String(n)])),
      ...c.series.flatMap((s) => s.points.map((p, k) => [s.name, xFmt(p[0]), dataNumber(p[1]) + spreadText(s.lo?.[k], s.hi?.[k], dataNumber), ""])),
    ],
  };
}

/** The values a barChart draws: a row a category, a column a series, each value as
 * its bar's tooltip gives it. */
export function barChartData(c: BarChart): ChartData {
  const fmt = c.valueFormat ?? c.yTicks ?? dataNumber;
  const value = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "n/a" : fmt(v));
  return {
    header: [c.categoryLabel ?? "category", ...c.series.map((s) => s.name)],
    rows: c.categories.map((cat, k) => [cat, ...c.series.map((s) => value(s.values[k]) + spreadText(s.lo?.[k], s.hi?.[k], fmt))]),
  };
}

/** An xyChart's SVG with its data table. */
export function xyPlot(c: XYChart): { svg: string; data: ChartData } {
  return { svg: xyChart(c), data: xyChartData(c) };
}

/** A barChart's SVG with its data table. */
export function barPlot(c: BarChart): { svg: string; data: ChartData } {
  return { svg: barChart(c), data: barChartData(c) };
}
