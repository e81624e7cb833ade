// The report's figures from a real reproduction: the settings as the captions word them,
// the axes as the data has them.
import { describe, expect, it } from "vitest";
import { reproduce } from "../../src/report/reproduce.js";
import { makeFigures } from "../../src/report/figures.js";
import { settingsLine } from "../../src/report/tables.js";

const r = await reproduce({ memory: "1MiB", kernels: ["random"], busyBackground: 0.125 });
const figures = makeFigures(r);
const figure = (file: string) => figures.find((f) => f.file === file)!;

describe("figures of a reproduction", () => {
  it("words the busy network's load as given, as the settings line does", () => {
    expect(settingsLine(r)).toContain("busy network = 12.5% background load");
    expect(figure("faults-prevented-quiet-busy.svg").caption).toContain("with 12.5% background load");
  });
});
