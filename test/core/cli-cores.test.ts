// `ampom run --json` prints identical JSON on either core (but for the core's name).
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const run = (...args: string[]) =>
  execFileSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "run", ...args], { encoding: "utf8" });

describe("ampom run --core", () => {
  it("wasm and reference print the same metrics", () => {
    const args = ["--workload", "random", "--memory", "4MiB", "--json"];
    const wasm = JSON.parse(run(...args, "--core", "wasm"));
    const reference = JSON.parse(run(...args, "--core", "reference"));
    expect(wasm.core).toBe("wasm");
    expect(reference.core).toBe("reference");
    expect({ ...wasm, core: "", provenance: "" }).toEqual({ ...reference, core: "", provenance: "" });
    expect([wasm.provenance.core, reference.provenance.core]).toEqual(["wasm", "reference"]);
    expect(wasm.remoteFaults).toBeGreaterThan(0);
    expect(wasm.faultsPrevented).toBeDefined();
  });
});
