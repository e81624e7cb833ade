// A small SVG chart writer for the report: line and scatter charts over linear axes,
// and grouped bar charts over categories, with ticks, axis labels and a legend.
// Output is a pure function of the input (fixed number formatting, no randomness, no
// clock), so the same results give byte-identical SVG files.
//
// Every data mark carries class "mark" (lines, points, bars), so a test can check
// that a chart has drawn something.

export interface Series {
  name: string;
  points: Array<[number, number]>;
  /** how the points are drawn; "line" draws a polyline with a dot on each point */
  style?: "line" | "points";
  /** mark shape for "points": a filled dot, or a small cross (tells two kinds apart in print) */
  shape?: "dot" | "cross";
  /** colour override; otherwise the series' place in the palette */
  color?: string;
}

export interface XYChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  width?: number;
  height?: number;
  /** axis ranges; by default from the data, and y starts at 0 when all values are >= 0 */
  xMin?: number;
  xMax?: number;
  yMin?: number;
  yMax?: number;
  xTicks?: (v: number) => string;
  yTicks?: (v: number) => string;
  /** dashed horizontal reference lines with a label at the right end (e.g. region starts) */
  hLines?: Array<{ y: number; label: string }>;
}

export interface BarChart {
  title: string;
  yLabel: string;
  categories: string[];
  series: Array<{ name: string; values: number[]; color?: string }>;
  width?: number;
  height?: number;
  yMin?: number;
  yMax?: number;
  yTicks?: (v: number) => string;
}

/** Colour-blind-safe palette (Okabe and Ito), in a fixed order. */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];

const MARGIN = { left: 64, right: 16, top: 34, bottom: 56 };
const LEGEND_ROW = 16;

export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

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

/** Tick values covering [min, max], starting and ending on multiples of the step. */
export function ticks(min: number, max: number, target = 5): { lo: number; hi: number; values: number[] } {
  if (!(max > min)) {
    const pad = min === 0 ? 1 : Math.abs(min) / 2;
    return ticks(min - pad, max + pad, target);
  }
  const step = niceStep(max - min, target);
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const values: number[] = [];
  const n = Math.round((hi - lo) / step);
  for (let i = 0; i <= n; i++) values.push(Math.round((lo + i * step) / step) * step);
  return { lo, hi, values };
}

/** Short default tick labels: 1.5k, 2M, 0.25. */
export function shortNumber(v: number): string {
  const a = Math.abs(v);
  const fmt = (x: number) => String(Math.round(x * 100) / 100);
  if (a >= 1e9) return `${fmt(v / 1e9)}G`;
  if (a >= 1e6) return `${fmt(v / 1e6)}M`;
  if (a >= 1e4) return `${fmt(v / 1e3)}k`;
  return fmt(v);
}

interface Frame {
  width: number;
  height: number;
  plotW: number;
  plotH: number;
  legendRows: number;
}

function frame(width: number, height: number, legendItems: number): Frame {
  const perRow = Math.max(1, Math.floor((width - MARGIN.left - MARGIN.right) / 150));
  const legendRows = Math.ceil(legendItems / perRow);
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom - legendRows * LEGEND_ROW;
  return { width, height, plotW, plotH, legendRows };
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

function yAxis(out: string[], f: Frame, t: { lo: number; hi: number; values: number[] }, label: string, fmt: (v: number) => string): (v: number) => number {
  const y = (v: number) => MARGIN.top + f.plotH - ((v - t.lo) / (t.hi - t.lo)) * f.plotH;
  out.push(`<g class="axis axis-y">`);
  for (const v of t.values) {
    const py = num(y(v));
    out.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + f.plotW}" y1="${py}" y2="${py}" stroke="#e4e4e4"/>`,
      `<text x="${MARGIN.left - 6}" y="${py}" dy="0.32em" text-anchor="end">${escapeXml(fmt(v))}</text>`,
    );
  }
  out.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + f.plotH}" stroke="#333"/>`,
    `<text transform="translate(14 ${num(MARGIN.top + f.plotH / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(label)}</text>`,
    `</g>`,
  );
  return y;
}

function legend(out: string[], f: Frame, items: Array<{ name: string; color: string; shape: "line" | "dot" | "cross" | "bar" }>): void {
  const perRow = Math.max(1, Math.floor(f.plotW / 150));
  const top = f.height - f.legendRows * LEGEND_ROW - 6;
  out.push(`<g class="legend">`);
  items.forEach((it, i) => {
    const x = MARGIN.left + (i % perRow) * 150;
    const y = top + Math.floor(i / perRow) * LEGEND_ROW;
    if (it.shape === "line") out.push(`<line x1="${x}" x2="${x + 18}" y1="${y}" y2="${y}" stroke="${it.color}" stroke-width="2"/>`);
    else if (it.shape === "cross") out.push(`<path d="${cross(x + 9, y, 4)}" stroke="${it.color}" stroke-width="1.5" fill="none"/>`);
    else if (it.shape === "bar") out.push(`<rect x="${x + 3}" y="${y - 5}" width="12" height="10" fill="${it.color}"/>`);
    else out.push(`<circle cx="${x + 9}" cy="${y}" r="3.5" fill="${it.color}"/>`);
    out.push(`<text x="${x + 24}" y="${y}" dy="0.32em">${escapeXml(it.name)}</text>`);
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

/** A line or scatter chart over linear axes. Non-finite points are left out. */
export function xyChart(c: XYChart): string {
  const f = frame(c.width ?? 560, c.height ?? 340, c.series.length);
  const xs = c.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = c.series.flatMap((s) => s.points.map((p) => p[1]));
  const [x0, x1] = extent(xs, 0, 1);
  const [y0, y1] = extent(ys, 0, 1);
  const xt = ticks(c.xMin ?? x0, c.xMax ?? x1, Math.max(2, Math.floor(f.plotW / 90)));
  const yt = ticks(c.yMin ?? (y0 >= 0 ? 0 : y0), c.yMax ?? y1, 5);
  const xFmt = c.xTicks ?? shortNumber;
  const out = open(f, c.title, "xy");
  const y = yAxis(out, f, yt, c.yLabel, c.yTicks ?? shortNumber);
  const x = (v: number) => MARGIN.left + ((v - xt.lo) / (xt.hi - xt.lo)) * f.plotW;
  const base = MARGIN.top + f.plotH;
  out.push(`<g class="axis axis-x">`, `<line x1="${MARGIN.left}" x2="${MARGIN.left + f.plotW}" y1="${base}" y2="${base}" stroke="#333"/>`);
  for (const v of xt.values) {
    const px = num(x(v));
    out.push(
      `<line x1="${px}" x2="${px}" y1="${base}" y2="${base + 4}" stroke="#333"/>`,
      `<text x="${px}" y="${base + 15}" text-anchor="middle">${escapeXml(xFmt(v))}</text>`,
    );
  }
  out.push(`<text x="${num(MARGIN.left + f.plotW / 2)}" y="${base + 32}" text-anchor="middle">${escapeXml(c.xLabel)}</text>`, `</g>`);
  if (c.hLines?.length) {
    out.push(`<g class="reference">`);
    for (const h of c.hLines) {
      if (!(h.y >= yt.lo && h.y <= yt.hi)) continue;
      const py = num(y(h.y));
      out.push(
        `<line x1="${MARGIN.left}" x2="${MARGIN.left + f.plotW}" y1="${py}" y2="${py}" stroke="#999" stroke-dasharray="4 3"/>`,
        `<text x="${MARGIN.left + f.plotW - 2}" y="${py}" dy="-3" text-anchor="end" fill="#666" font-size="10">${escapeXml(h.label)}</text>`,
      );
    }
    out.push(`</g>`);
  }

  c.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const pts = s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    out.push(`<g class="series" data-series="${escapeXml(s.name)}">`);
    if ((s.style ?? "line") === "line") {
      if (pts.length > 1) {
        const d = pts.map((p, k) => `${k === 0 ? "M" : "L"}${num(x(p[0]))} ${num(y(p[1]))}`).join("");
        out.push(`<path class="mark" d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
      }
      for (const p of pts) out.push(`<circle class="mark" cx="${num(x(p[0]))}" cy="${num(y(p[1]))}" r="3" fill="${color}"/>`);
    } else if (s.shape === "cross") {
      // many points: one path keeps the file and the DOM small
      const d = pts.map((p) => cross(x(p[0]), y(p[1]), 2.5)).join("");
      if (d) out.push(`<path class="mark" d="${d}" stroke="${color}" stroke-width="1" fill="none"/>`);
    } else {
      const d = pts.map((p) => `M${num(x(p[0]) - 1.25)} ${num(y(p[1]) - 1.25)}h2.5v2.5h-2.5z`).join("");
      if (d) out.push(`<path class="mark" d="${d}" fill="${color}" fill-opacity="0.75"/>`);
    }
    out.push(`</g>`);
  });
  legend(
    out,
    f,
    c.series.map((s, i) => ({
      name: s.name,
      color: s.color ?? PALETTE[i % PALETTE.length],
      shape: (s.style ?? "line") === "line" ? "line" : (s.shape ?? "dot"),
    })),
  );
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

/** Grouped bars: one group per category, one bar per series. */
export function barChart(c: BarChart): string {
  const f = frame(c.width ?? 560, c.height ?? 340, c.series.length);
  const all = c.series.flatMap((s) => s.values);
  const [v0, v1] = extent(all, 0, 1);
  const yt = ticks(c.yMin ?? Math.min(0, v0), c.yMax ?? Math.max(0, v1), 5);
  const out = open(f, c.title, "bar");
  const y = yAxis(out, f, yt, c.yLabel, c.yTicks ?? shortNumber);
  const base = MARGIN.top + f.plotH;
  const groupW = f.plotW / Math.max(1, c.categories.length);
  const barW = (groupW * 0.8) / Math.max(1, c.series.length);
  const zero = y(Math.max(yt.lo, Math.min(yt.hi, 0)));
  out.push(`<g class="axis axis-x">`, `<line x1="${MARGIN.left}" x2="${MARGIN.left + f.plotW}" y1="${base}" y2="${base}" stroke="#333"/>`);
  c.categories.forEach((cat, k) => {
    out.push(`<text x="${num(MARGIN.left + groupW * (k + 0.5))}" y="${base + 15}" text-anchor="middle">${escapeXml(cat)}</text>`);
  });
  out.push(`</g>`);
  c.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    out.push(`<g class="series" data-series="${escapeXml(s.name)}">`);
    s.values.forEach((v, k) => {
      if (!Number.isFinite(v) || k >= c.categories.length) return;
      const px = MARGIN.left + groupW * k + groupW * 0.1 + barW * i;
      const py = y(v);
      const top = Math.min(py, zero);
      // a zero value still gets a hairline so the bar is visibly "there and zero"
      const h = Math.max(1, Math.abs(zero - py));
      out.push(
        `<rect class="mark" x="${num(px)}" y="${num(top)}" width="${num(barW * 0.92)}" height="${num(h)}" fill="${color}">` +
          `<title>${escapeXml(`${c.categories[k]}, ${s.name}: ${(c.yTicks ?? shortNumber)(v)}`)}</title></rect>`,
      );
    });
    out.push(`</g>`);
  });
  legend(out, f, c.series.map((s, i) => ({ name: s.name, color: s.color ?? PALETTE[i % PALETTE.length], shape: "bar" })));
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
