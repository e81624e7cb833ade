// The host's ABI constants (src/core/abi.ts) must be the WebAssembly core's
// (assembly/layout.ts), name for name and value for value.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as abi from "../../src/core/abi.js";

describe("ABI", () => {
  it("src/core/abi.ts mirrors assembly/layout.ts exactly", () => {
    const text = readFileSync(new URL("../../assembly/layout.ts", import.meta.url), "utf8");
    const fromLayout: Record<string, number> = {};
    for (const m of text.matchAll(/export const (\w+): \w+ = ([^;]+);/g)) {
      const expr = m[2].replace(/\b([A-Z][A-Z_0-9]*)\b/g, (name) => String(fromLayout[name]));
      fromLayout[m[1]] = Function(`return (${expr});`)() as number;
    }
    expect(Object.keys(fromLayout).length).toBeGreaterThan(50);
    expect({ ...abi }).toEqual(fromLayout);
  });
});
