// The report's figures from a real reproduction: the settings as the captions word them,
// the axes as the data has them.
import { describe, expect, it } from "vitest";
import { reproduce } from "../../src/report/reproduce.js";
import { makeFigures } from "../../src/report/figures.js";
import { settingsLine } from "../../src/report/tables.js";

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

  it("gives the timeline cells' height as the cells have it: the pages over the bins, seldom a whole number", () => {
    const tl = r.figures.timeline;
    expect(tl.pageCount / tl.pageBins).toBe(2.64); // 264 pages in 100 bins
    expect(figure("fault-timeline.svg").caption).toMatch(/cells, each \S+ by 2\.64 pages\./);
  });
});
