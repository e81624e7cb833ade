// The report's figures from a real reproduction: the settings as the captions word them,
// the axes as the data has them.
import { describe, expect, it } from "vitest";
import { reproduce } from "../../src/report/reproduce.js";
import { makeFigures } from "../../src/report/figures.js";
import { settingsLine } from "../../src/report/tables.js";
import { reportHtml } from "../../src/report/html.js";
import { percent1 } from "../../src/report/figures.js";

// random migrates well under a millisecond after it starts: the timeline's lead before
// the migration would reach below 0
const r = await reproduce({ memory: "1MiB", kernels: ["random"], busyBackground: 0.125 });
const figures = makeFigures(r);
const figure = (file: string) => figures.find((f) => f.file === file)!;

describe("figures of a reproduction", () => {
  it("words the busy network's load as given, as the settings line does", () => {
    expect(settingsLine(r)).toContain("busy network = 12.5% background load");
    expect(figure("faults-prevented-quiet-busy.svg").caption).toContain("with 12.5% background load");
  });

  it("starts the fault timeline's time axis no earlier than the process", () => {
    expect(r.figures.timeline.t0Ns / 1e6).toBeLessThan(0.05 * ((r.figures.timeline.t1Ns - r.figures.timeline.t0Ns) / 1e6));
    const axis = /<g class="axis axis-x">([\s\S]*?)<\/g>/.exec(figure("fault-timeline.svg").svg)![1];
    const ticks = [...axis.matchAll(/text-anchor="middle">(-?[\d.]+)</g)].map((m) => Number(m[1]));
    expect(ticks[0]).toBe(0);
    expect(ticks.every((t) => t >= 0)).toBe(true);
  });

  it("reads each time axis in a unit of which its greatest value is at least 1: at 1 MiB, not 0.01 s", () => {
    const per: Record<string, number> = { s: 1e9, ms: 1e6, "µs": 1e3 };
    const axes: Array<[string, "x" | "y", number[]]> = [
      ["runtime-vs-working-set.svg", "y", r.figures.runtimeVsWorkingSet.series.flatMap((s) => s.runtimeNs)],
      ["freeze-vs-memory.svg", "y", [...r.figures.freezeVsMemory.fullCopyNs, ...r.figures.freezeVsMemory.lightweightNs]],
      ["fault-timeline.svg", "x", [r.figures.timeline.t1Ns]],
    ];
    for (const [file, axis, ns] of axes) {
      const svg = figure(file).svg;
      const group = new RegExp(`<g class="axis axis-${axis}">([\\s\\S]*?)</g>`).exec(svg)![1];
      const texts = [...group.matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]);
      const unit = /\((s|ms|µs)\)$/.exec(texts.find((t) => /\((s|ms|µs)\)$/.test(t))!)![1];
      const top = Math.max(...ns);
      // the unit is the largest the value reaches 1 of, but no larger than at the paper's size
      expect(top / per[unit], file).toBeGreaterThanOrEqual(1);
      if (unit !== (file.startsWith("runtime") ? "s" : "ms")) expect(top / (per[unit] * 1000), file).toBeLessThan(1);
      const ticks = texts.filter((t) => /^[\d.]+$/.test(t)).map(Number);
      expect(Math.max(...ticks), file).toBeGreaterThanOrEqual(1);
    }
    // before: seconds, at 1 MiB ticks 0 to 0.03
    expect(figure("runtime-vs-working-set.svg").svg).not.toContain(">runtime (s)<");
  });

  it("gives the timeline cells' height as the cells have it: the pages over the bins, seldom a whole number", () => {
    const tl = r.figures.timeline;
    expect(tl.pageCount / tl.pageBins).toBe(2.64); // 264 pages in 100 bins
    expect(figure("fault-timeline.svg").caption).toMatch(/cells, each \S+ by 2\.64 pages\./);
  });

  it("gives every chart a text alternative: a table of the values it plots, which the page's SVG names as its description", () => {
    const html = reportHtml(r, figures);
    for (const f of figures) {
      const id = f.file.replace(/\.svg$/, "");
      expect(f.data, f.file).toBeDefined();
      expect(f.data!.rows.length, f.file).toBeGreaterThan(0);
      expect(html, f.file).toContain(f.svg.replace(/^<svg /, `<svg aria-describedby="${id}-data" `));
      expect(html, f.file).toMatch(new RegExp(`<details class="chart-data"><summary>The values plotted</summary>\n<div class="scroll"><table class="chart-data" id="${id}-data">`));
      // the file itself is as drawn (docs/figures keep their bytes)
      expect(f.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" class="chart')).toBe(true);
    }
    // the values are the plotted ones: a bar's, as its tooltip gives it
    const bars = figure("faults-prevented-by-policy.svg");
    const ampom = r.extended[r.settings.kernels[0]].find((m) => m.mechanism === "lightweight" && m.policy === "ampom")!;
    const col = bars.data!.header.indexOf("ampom");
    expect(bars.data!.header[0]).toBe("kernel");
    expect(bars.data!.rows[0][0]).toBe(r.settings.kernels[0]);
    expect(bars.data!.rows[0][col]).toBe(percent1(ampom.faultsPrevented!));
    expect(bars.svg).toContain(`${r.settings.kernels[0]}, ampom: ${percent1(ampom.faultsPrevented!)}`);
    // a line chart: a row an x, a column a series
    const freeze = figure("freeze-vs-memory.svg").data!;
    expect(freeze.header).toEqual(["address space (MiB)", "full-copy: freeze time (ms)", "lightweight: freeze time (ms)"]);
    expect(freeze.rows.length).toBe(new Set(r.figures.freezeVsMemory.addressSpaceBytes).size);
    // the timeline: a row a cell or a point
    expect(figure("fault-timeline.svg").data!.header).toEqual(["series", "time since the process started (ms)", "page", "count"]);
  });

  it("names lines that coincide three at once each once, in the caption and in the figure's note", () => {
    // the working-set figure with three of its policies' lines made one
    const ws = r.figures.runtimeVsWorkingSet;
    const same = ws.series.find((s) => s.name !== "full-copy")!;
    const three = ["lightweight + p", "lightweight + q", "lightweight + s"].map((name) => ({ ...same, name }));
    const f = makeFigures({ ...r, figures: { ...r.figures, runtimeVsWorkingSet: { ...ws, series: [ws.series.find((s) => s.name === "full-copy")!, ...three] } } }).find(
      (x) => x.file === "runtime-vs-working-set.svg",
    )!;
    // not "p and q; p and s; q and s"
    expect(f.caption).toContain(" lightweight + p, lightweight + q and lightweight + s coincide (within half a percent of the axis): the dashes and markers show each.");
    expect(f.svg).toContain(">lightweight + p, lightweight + q and lightweight + s: the lines coincide</text>");
  });
});
