// The whole evaluation is core-independent: reproduce on the WebAssembly core and on
// the TypeScript reference gives the same numbers everywhere (tables and figures).
import { describe, expect, it } from "vitest";
import { reproduce } from "../../src/report/reproduce.js";

describe("reproduce on both cores", () => {
  it("gives identical results apart from the core's name", async () => {
    const opts = { memory: "1MiB", kernels: ["stream", "hpl", "randomaccess"] };
    const wasm = await reproduce({ ...opts, core: "wasm" });
    const reference = await reproduce({ ...opts, core: "reference" });
    const relabel = (x: unknown) => JSON.stringify(x).replaceAll('"core":"reference"', '"core":"wasm"');
    expect(reference.settings.core).toBe("reference");
    expect(relabel(reference)).toBe(JSON.stringify(wasm));
  });
});

describe("reproduce's kernel list", () => {
  it("runs a kernel named twice once: its rows would count twice in the means", async () => {
    const r = await reproduce({ memory: "1MiB", kernels: ["stream", "stream"] });
    expect(r.headline.map((h) => h.kernel)).toEqual(["stream"]);
  });
});
