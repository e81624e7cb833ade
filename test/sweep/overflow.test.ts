// A sweep grid value that overflows as JSON reads it (1e400 is Infinity) is reported as
// the config gives it and blamed on its field, as the same mistake in the base is
// ("base.bandwidth: ... got Infinity"). The grid's combinations went through JSON
// (canonical options), which writes Infinity as null: "grid combination 0 (seed=null):
// option seed (--seed): ... got null", a value nobody wrote, on no field.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { asGiven, planSweep } from "../../src/sweep/config.js";
import { ampom } from "../cli/capture.js";
import { scratchDir } from "./cli-helpers.js";

describe("a grid value that overflowed as it was read", () => {
  it.each([
    ['{"grid":{"seed":[1e400]}}', "grid.seed[0]: expected a whole number from 0 to 4294967295, got Infinity"],
    ['{"grid":{"seed":[1,-1e400]}}', "grid.seed[1]: expected a whole number from 0 to 4294967295, got -Infinity"],
    ['{"base":{"workload":"sequential"},"grid":{"memory":["1MiB","2MiB"],"seed":[1e400]}}', "grid.seed[0]: expected a whole number from 0 to 4294967295, got Infinity"],
    ['{"grid":{"bandwidth":[1e400]}}', 'grid.bandwidth[0]: expected a rate such as "1Gbps" or a number of bits per second, got Infinity'],
    ['{"grid":{"policyParams":[{"zoneRadius":1e400}]}}', "grid.policyParams[0].zoneRadius: expected a number, got Infinity"],
    ['{"grid":{"mechanism":["pre-copy"],"mechanismParams":[{"maxRounds":1e400}]}}', "grid.mechanismParams[0].maxRounds: expected a number, got Infinity"],
    // the base's, as it was
    ['{"base":{"bandwidth":1e400}}', 'base.bandwidth: expected a rate such as "1Gbps" or a number of bits per second, got Infinity'],
  ])("%s", async (text, message) => {
    const file = join(scratchDir("overflow"), "sweep.json");
    writeFileSync(file, text);
    const r = await ampom("sweep", file, "--out", join(file, "..", "runs.jsonl"));
    expect(r.stderr).toBe(`ampom: ${file}: ${message}\n`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
  });

  it("the library's planSweep blames the field too, whatever the number", () => {
    for (const bad of [Infinity, -Infinity, NaN]) {
      expect(() => planSweep({ grid: { seed: [1, bad] } }, "cfg")).toThrow(`cfg: grid.seed[1]: expected a whole number from 0 to 4294967295, got ${bad}`);
    }
  });

  it("a combination's label shows such a number as the number, not as null", () => {
    expect(asGiven(Infinity)).toBe("Infinity");
    expect(asGiven({ zoneRadius: -Infinity, depth: 3, name: "x", no: undefined })).toBe('{"zoneRadius":-Infinity,"depth":3,"name":"x"}');
    expect(asGiven([1, NaN, { a: [Infinity] }])).toBe('[1,NaN,{"a":[Infinity]}]');
    expect(asGiven("1e400")).toBe('"1e400"');
    expect(asGiven(null)).toBe("null");
  });
});
