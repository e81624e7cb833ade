// The SVG chart module: tick arithmetic, deterministic output, marks and escaping.
import { describe, expect, it } from "vitest";
import { barChart, coincidentSeries, niceStep, ticks, xyChart } from "../../src/report/svg.js";
import { wrapWords } from "../../src/util/text.js";
import { busyColorOf, colorOf, percent } from "../../src/report/figures.js";
import { policyNames } from "../../src/policies/registry.js";

describe("ticks", () => {
  it("picks 1, 2 or 5 times a power of ten", () => {
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(1, 5)).toBe(0.2);
    expect(niceStep(137, 5)).toBe(50);
    expect(niceStep(0.03, 5)).toBeCloseTo(0.01, 12);
    expect(niceStep(9e6, 5)).toBe(2e6);
  });

  it("covers the range, starting and ending on a step", () => {
    const t = ticks(3, 97, 5);
    expect(t.lo).toBe(0);
    expect(t.hi).toBe(100);
    expect(t.values).toEqual([0, 20, 40, 60, 80, 100]);
  });

  it("labels each tick with the decimals its step needs (a small range read 0, 0, 0, 0.01, 0.01)", () => {
    const svg = xyChart({ title: "t", xLabel: "x", yLabel: "runtime (s)", series: [{ name: "a", points: [[0.1, 0.0013], [1, 0.0074]] }] });
    const labels = [...svg.matchAll(/text-anchor="end">([^<]*)</g)].map((m) => m[1]);
    expect(labels).toEqual(["0", "0.002", "0.004", "0.006", "0.008"]);
    // and in thousands: 1.001M, not 1M twice
    const big = barChart({ title: "t", yLabel: "y", categories: ["a", "b"], series: [{ name: "s", values: [1_000_100, 1_004_900] }], yMin: 1_000_000 });
    const bigLabels = [...big.matchAll(/text-anchor="end">([^<]*)</g)].map((m) => m[1]);
    expect(new Set(bigLabels).size).toBe(bigLabels.length);
  });

  // before: 100.0% to 100.4% read "100%" five times, and 50% to 51% "50% 51% 51%"
  it("labels percent ticks with the decimals their step needs, so that no two read the same", () => {
    const yLabels = (svg: string) => [...svg.matchAll(/text-anchor="end">([^<]*)</g)].map((m) => m[1]);
    const near = xyChart({ title: "t", xLabel: "x", yLabel: "runtime", series: [{ name: "a", points: [[0, 1], [1, 1.004]] }], yMin: 1, yTicks: percent });
    expect(yLabels(near)).toEqual(["100.0%", "100.1%", "100.2%", "100.3%", "100.4%"]);
    const x = xyChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "a", points: [[0.5, 1], [0.51, 2]] }], xTicks: percent });
    const xAxis = /<g class="axis axis-x">([\s\S]*?)<\/g>/.exec(x)![1];
    expect([...xAxis.matchAll(/text-anchor="middle">([^<]*)</g)].map((m) => m[1]).slice(0, -1)).toEqual(["50.0%", "50.5%", "51.0%"]);
    for (const [lo, hi] of [[0.995, 1], [0.9999, 1.0001], [-0.002, 0.001], [0.3, 0.31]]) {
      const bar = barChart({ title: "t", yLabel: "y", categories: ["a", "b"], series: [{ name: "s", values: [lo, hi] }], yMin: lo, yMax: hi, yTicks: percent });
      const labels = yLabels(bar);
      expect(labels.length).toBeGreaterThan(2);
      expect(new Set(labels).size, labels.join(" ")).toBe(labels.length);
      expect(labels.every((l) => l !== "-0%" && !/^-0\.0*%$/.test(l))).toBe(true);
    }
    // whole steps keep whole labels, and a value without a step (a data table's) is whole
    expect(yLabels(xyChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "a", points: [[0, 0], [1, 1]] }], yTicks: percent }))).toEqual(["0%", "20%", "40%", "60%", "80%", "100%"]);
    expect(percent(0.8)).toBe("80%");
  });

  it("cuts a name too long for its place (a policy module's path, a manifest's trace), the whole name as its tooltip", () => {
    const path = "/home/someone/projects/prefetch-experiments/policies/adaptive-stride-with-history-and-more-v2.mjs";
    const traces = ["a-very-long-workload-name-from-a-manifest", "another-quite-long-trace-name-here", "third"];
    const svg = barChart({ title: "t", yLabel: "y", categories: traces, series: [{ name: path, values: [0.5, 0.6, 0.7] }] });
    const axis = /<g class="axis axis-x">([\s\S]*?)<\/g>/.exec(svg)![1];
    const shown = [...axis.matchAll(/text-anchor="middle">([^<]*)/g)].map((m) => m[1]);
    // three groups over the plot's 480 px: none may run into the next
    for (const label of shown) expect(label.length * 6.2).toBeLessThanOrEqual(480 / 3);
    expect(shown[0]).toMatch(/^a-very-long-.*\u2026$/);
    expect(axis).toContain(`<title>${traces[0]}</title>`);
    expect(shown[2]).toBe("third");
    const legend = /<g class="legend">([\s\S]*?)<\/g>/.exec(svg)![1];
    expect(legend).toContain(`\u2026<title>${path}</title>`);
    // short names stay whole, with no tooltip
    const short = barChart({ title: "t", yLabel: "y", categories: ["stream", "randomaccess", "ptrans"], series: [{ name: "ampom", values: [1, 1, 1] }] });
    expect(short).not.toContain("\u2026");
  });

  it("cuts a long name under few groups that would run past the chart's edge", () => {
    const last = "a-very-long-workload-name-that-goes-on-and-on-for-quite-a-while-indeed";
    const svg = barChart({ title: "t", yLabel: "y", categories: ["rand", last], series: [{ name: "s", values: [0.5, 0.6] }] });
    const texts = [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" text-anchor="middle">([^<]*)/g)].filter((m) => m[2] !== "t");
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    for (const [, x, label] of texts) {
      expect(Number(x) + (label.length * 6.2) / 2).toBeLessThanOrEqual(width);
      expect(Number(x) - (label.length * 6.2) / 2).toBeGreaterThanOrEqual(0);
    }
    expect(svg).toContain(`\u2026<title>${last}</title>`);
  });

  it("grows a chart whose note and legend leave its plot too little room, instead of turning the axis over", () => {
    const series = Array.from({ length: 16 }, (_, i) => ({ name: `/home/someone/policies/policy-module-number-${i}.ts`, points: [[0, 1]] as Array<[number, number]> }));
    const note = `on one another: ${series.map((s) => s.name).join(", ")}`;
    const svg = xyChart({ title: "t", xLabel: "x", yLabel: "y", series, note, height: 340 });
    const ys = [...svg.matchAll(/<text x="[\d.]+" y="([-\d.]+)" dy="0.32em" text-anchor="end">/g)].map((m) => Number(m[1]));
    // the y ticks go up the page as their values go up, below the note's last line
    expect(ys.length).toBeGreaterThan(1);
    for (let k = 1; k < ys.length; k++) expect(ys[k]).toBeLessThan(ys[k - 1]);
    const lastNote = Math.max(...[...svg.matchAll(/<text class="note" x="[\d.]+" y="([\d.]+)"/g)].map((m) => Number(m[1])));
    expect(ys[ys.length - 1] - ys[0]).toBeLessThanOrEqual(-100);
    expect(Math.min(...ys)).toBeGreaterThan(lastNote);
    expect(Number(/<svg [^>]*height="(\d+)"/.exec(svg)![1])).toBeGreaterThan(340);
  });

  it("writes an axis's ticks in one unit (4k to 12k, not 4000 to 12k), a bar's own value in its own", () => {
    const svg = xyChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "s", points: [[4000, 1], [12000, 2]] }] });
    const x = /<g class="axis axis-x">([\s\S]*?)<\/g>/.exec(svg)![1];
    const labels = [...x.matchAll(/text-anchor="middle">([^<]*)/g)].map((m) => m[1]).filter((l) => l !== "x");
    expect(labels.length).toBeGreaterThan(2);
    for (const l of labels) expect(l, labels.join(" ")).toMatch(/^(0|[\d.]+k)$/);
    const bars = barChart({ title: "t", yLabel: "y", categories: ["a", "b"], series: [{ name: "s", values: [123, 12000] }] });
    expect(bars).toContain("a, s: 123</title>");
  });

  it("widens an empty range instead of dividing by zero", () => {
    const t = ticks(5, 5);
    expect(t.hi).toBeGreaterThan(t.lo);
    expect(t.values.length).toBeGreaterThan(1);
    // all zeros (no page never used, say) widen upward: no axis below 0
    expect(ticks(0, 0)).toMatchObject({ lo: 0, hi: 1 });
  });

  it("steps by whole numbers on an axis that counts, however short it is", () => {
    expect(ticks(0, 0, 5, true).values).toEqual([0, 1]);
    expect(ticks(0, 3, 5, true).values).toEqual([0, 1, 2, 3]);
    // a long one keeps its 1-2-5 step
    expect(ticks(0, 1000, 5, true).step).toBe(ticks(0, 1000, 5).step);
    const svg = xyChart({ title: "t", xLabel: "pages", yLabel: "y", series: [{ name: "s", points: [[0, 1], [0.4, 2]] }], xWhole: true });
    const x = /<g class="axis axis-x">([\s\S]*?)<\/g>/.exec(svg)![1];
    const labels = [...x.matchAll(/text-anchor="middle">([^<]*)/g)].map((m) => m[1]).filter((l) => l !== "pages");
    expect(labels).toEqual(["0", "1"]);
  });
});

describe("charts", () => {
  const spec = {
    title: "Freeze <vs> memory & more",
    xLabel: "MiB",
    yLabel: "ms",
    series: [
      { name: "full-copy", points: [[1, 10], [2, 20], [4, 40]] as Array<[number, number]> },
      { name: "faults", points: [[1, 1], [2, NaN], [3, 3]] as Array<[number, number]>, style: "points" as const, shape: "cross" as const },
    ],
  };

  it("is a pure function of its input", () => {
    expect(xyChart(spec)).toBe(xyChart(structuredClone(spec)));
  });

  it("draws a line, a dot per point, and a legend entry per series", () => {
    const svg = xyChart(spec);
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg.match(/<circle class="mark"/g)?.length).toBe(3);
    expect(svg.match(/<path class="mark"/g)?.length).toBe(2);
    // the NaN point is left out of the cross path: two crosses, each two strokes
    const crossPath = /data-series="faults">\n<path class="mark" d="([^"]+)"/.exec(svg)![1];
    expect(crossPath.match(/M/g)?.length).toBe(4);
    expect(svg).toContain(">full-copy</text>");
    expect(svg).toContain("Freeze &lt;vs&gt; memory &amp; more");
    expect(svg).not.toContain("NaN");
  });

  it("breaks a line at a point with no value instead of joining its neighbours", () => {
    const svg = xyChart({
      title: "t",
      xLabel: "x",
      yLabel: "y",
      series: [{ name: "gappy", points: [[0, 1], [1, 2], [2, NaN], [3, 4], [4, 5], [5, NaN], [6, 7]] }],
    });
    const d = /data-series="gappy">\n<path class="mark" d="([^"]+)"/.exec(svg)![1];
    // two runs of two points each; the lone last point has a marker and no segment
    expect(d.match(/M/g)?.length).toBe(2);
    expect(d.match(/L/g)?.length).toBe(2);
    expect(svg.match(/<circle class="mark"/g)?.length).toBe(5);
    // points with no neighbour of value draw no line at all
    const lone = xyChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "lone", points: [[0, 1], [1, NaN], [2, 3]] }] });
    expect(lone).not.toMatch(/data-series="lone">\n<path/);
    expect(lone.match(/<circle class="mark"/g)?.length).toBe(2);
  });

  it("wraps a long note into lines across the chart, and moves the plot down to make room", () => {
    expect(wrapWords("aa bb cc dd", 5)).toEqual(["aa bb", "cc dd"]);
    expect(wrapWords("a verylongword b", 4)).toEqual(["a", "verylongword", "b"]);
    const series = [{ name: "s", points: [[0, 0], [1, 1]] as Array<[number, number]> }];
    const short = xyChart({ title: "t", xLabel: "x", yLabel: "y", series, note: "a and b: on one another" });
    const long = xyChart({ title: "t", xLabel: "x", yLabel: "y", series, note: Array.from({ length: 12 }, (_, i) => `config-${i} and config-${i + 1}`).join("; ") });
    const notes = (svg: string) => [...svg.matchAll(/<text class="note"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(notes(short)).toEqual(["a and b: on one another"]);
    const lines = notes(long);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length * 5.6).toBeLessThanOrEqual(560 - 16);
    // the y axis starts below the last line
    const axisTop = (svg: string) => Number(/class="axis axis-y">[\s\S]*?<line x1="64" x2="64" y1="([\d.]+)"/.exec(svg)![1]);
    expect(axisTop(long)).toBe(axisTop(short) + (lines.length - 1) * 12);
  });

  it("draws one bar per category and series; a 0 and a missing value as words, a tiny value as a hairline", () => {
    const svg = barChart({
      title: "bars",
      yLabel: "share",
      categories: ["stream", "hpl", "fft"],
      series: [{ name: "ampom", values: [0.9, 0, 0.003] }, { name: "leap", values: [0.5, NaN, 0.2] }],
      valueFormat: (v) => `${(v * 100).toFixed(1)}%`,
    });
    // a true 0 has no bar (a hairline would look like 0.3%); it says 0
    expect(svg.match(/<rect class="mark"/g)?.length).toBe(4);
    expect(svg).toMatch(/<text class="zero"[^>]*>0\.0%<\/text>/);
    expect(svg).toMatch(/<text class="na"[^>]*>n\/a<\/text>/);
    expect(svg).toMatch(/height="1" fill="#\w+"><title>fft, ampom: 0\.3%<\/title>/);
    // tooltips to the tables' precision: 99.7% is not 100%
    expect(svg).toContain("<title>stream, ampom: 90.0%</title>");
  });
});

describe("telling series apart", () => {
  const line = (name: string, ys: number[]) => ({ name, points: ys.map((y, i): [number, number] => [i, y]) });

  it("gives each line series its own dash and marker, so coinciding lines both show", () => {
    const svg = xyChart({ title: "t", xLabel: "x", yLabel: "y", series: [line("a", [1, 2, 3]), line("b", [1, 2, 3]), line("c", [3, 2, 1])] });
    const paths = [...svg.matchAll(/data-series="(\w)">\n<path class="mark" d="[^"]+" fill="none" stroke="[^"]+" stroke-width="2"( stroke-dasharray="([^"]+)")?/g)];
    expect(paths.map((m) => [m[1], m[3] ?? ""])).toEqual([["a", ""], ["b", "6 3"], ["c", "2 2"]]);
    // circle, square, triangle markers
    expect(svg.match(/<circle class="mark"/g)?.length).toBe(3);
    expect(svg.match(/<path class="mark" d="M[\d.]+ [\d.]+h5\.6v5\.6h-5\.6z"/g)?.length).toBe(3);
  });

  it("prints a note under the title when asked (the figures say which lines coincide)", () => {
    const svg = xyChart({ title: "t", xLabel: "x", yLabel: "y", series: [line("a", [1, 2])], note: "a and b: the lines coincide" });
    expect(svg).toMatch(/<text class="note"[^>]*>a and b: the lines coincide<\/text>/);
  });

  it("finds lines that coincide, and only those", () => {
    expect(coincidentSeries([line("a", [1, 2, 3]), line("b", [1, 2.001, 3]), line("c", [3, 2, 1])])).toEqual([["a", "b"]]);
    expect(coincidentSeries([line("a", [1, 2, 3]), line("c", [3, 2, 1])])).toEqual([]);
  });

  it("draws bands, vertical reference lines and whiskers with their own classes", () => {
    const svg = xyChart({
      title: "t",
      xLabel: "x",
      yLabel: "y",
      series: [{ ...line("a", [1, 2, 3]), lo: [0.5, 1.5, 2.5], hi: [1.5, 2.5, 3.5] }],
      bands: [{ y0: 0.85, y1: 0.99, label: "paper", cls: "paper-band" }],
      vLines: [{ x: 1, label: "migration", cls: "migration-mark" }],
    });
    expect(svg).toMatch(/<rect class="band paper-band" [^>]+><title>paper<\/title><\/rect>/);
    expect(svg).toMatch(/<line class="vline migration-mark" /);
    expect(svg.match(/<path class="whisker"/g)?.length).toBe(3);
  });

  it("says n/a where a bar has no value, and draws whiskers where it has a spread", () => {
    const svg = barChart({
      title: "bars",
      yLabel: "share",
      categories: ["stream", "beff"],
      series: [{ name: "ampom", values: [0.9, NaN], lo: [0.8, NaN], hi: [0.95, NaN] }],
      bands: [{ y0: 0.85, y1: 0.99, label: "paper", cls: "paper-band" }],
    });
    expect(svg.match(/<rect class="mark"/g)?.length).toBe(1);
    expect(svg.match(/<text class="na"[^>]*>n\/a<\/text>/g)?.length).toBe(1);
    expect(svg.match(/<path class="whisker"/g)?.length).toBe(1);
    expect(svg).toContain('class="band paper-band"');
  });

  it("draws density cells, shaded by count", () => {
    const svg = xyChart({
      title: "t",
      xLabel: "x",
      yLabel: "y",
      series: [],
      cells: [{ name: "prefetched", color: "#332288", cells: [[0, 1, 0, 10, 1], [1, 2, 0, 10, 100]] }],
    });
    const opacities = [...svg.matchAll(/<rect class="mark" [^>]*fill-opacity="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(opacities.length).toBe(2);
    expect(opacities[0]).toBeLessThan(opacities[1]);
  });
});

describe("series colours", () => {
  it("a policy ported since (not in the colour table) takes a hue no other series of the chart has", () => {
    const names = [...policyNames(), "new-a", "new-b", "new-c", "new-d"];
    const quiet = names.map((n) => colorOf(n, names));
    const busy = ["ampom", "ampom-plus", "new-a", "new-b"].map((n, _, all) => busyColorOf(n, all));
    expect(new Set([...quiet, ...busy, colorOf("full-copy")]).size).toBe(quiet.length + busy.length + 1);
  });
});
