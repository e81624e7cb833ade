// The SVG chart module: tick arithmetic, deterministic output, marks and escaping.
import { describe, expect, it } from "vitest";
import { barChart, niceStep, ticks, xyChart } from "../../src/report/svg.js";

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

  it("widens an empty range instead of dividing by zero", () => {
    const t = ticks(5, 5);
    expect(t.hi).toBeGreaterThan(t.lo);
    expect(t.values.length).toBeGreaterThan(1);
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

  it("draws one bar per category and series, a hairline for zero", () => {
    const svg = barChart({
      title: "bars",
      yLabel: "share",
      categories: ["stream", "hpl"],
      series: [{ name: "ampom", values: [0.9, 0] }, { name: "leap", values: [0.5, NaN] }],
    });
    expect(svg.match(/<rect class="mark"/g)?.length).toBe(3);
    expect(svg).toMatch(/height="1"/);
  });
});
