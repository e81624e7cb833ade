import { describe, expect, it } from "vitest";
import { ampom } from "../cli/capture.js";
import { paramRange, resolveParams, wholeProblem, wholeRange, type NumericParam } from "../../src/util/params.js";

describe("wholeProblem, the one check of counts", () => {
  it("takes whole numbers in range and names the range of any other value", () => {
    expect(wholeProblem(0, 0)).toBeUndefined();
    expect(wholeProblem(8, 0, 8)).toBeUndefined();
    expect(wholeProblem(Number.MAX_SAFE_INTEGER, 1)).toBeUndefined();
    for (const bad of [0, -1, 1.5, NaN, Infinity, "2", undefined, null]) expect(wholeProblem(bad, 1)).toBe("expected a whole number of at least 1");
    expect(wholeProblem(9, 0, 8)).toBe("expected a whole number from 0 to 8");
  });

  it("refuses a whole number past 2^53-1 as too large, not as below its least", () => {
    expect(wholeProblem(2 ** 53, 1)).toBe("expected a whole number from 1 to 2^53-1");
    expect(wholeProblem(1e20, 0)).toBe("expected a whole number from 0 to 2^53-1");
    expect(wholeRange(1, Number.MAX_SAFE_INTEGER)).toBe("a whole number from 1 to 2^53-1");
  });
});

describe("resolveParams, a whole-number parameter past 2^53-1", () => {
  const specs: NumericParam[] = [
    { name: "rounds", default: 29, min: 1, integer: true, description: "" },
    { name: "window", default: 8, max: 1 << 24, integer: true, description: "" },
  ];
  it("is refused with the bound it passed (it is not exact: 2^53 + 1 would run as 2^53)", () => {
    expect(resolveParams("mechanism m", specs, { rounds: Number.MAX_SAFE_INTEGER }).rounds).toBe(Number.MAX_SAFE_INTEGER);
    for (const big of [2 ** 53, 2 ** 53 + 2, 2 ** 60, 1e300]) {
      expect(() => resolveParams("mechanism m", specs, { rounds: big })).toThrow(`mechanism m parameter rounds: must be a whole number from 1 to 2^53-1, got ${big}`);
    }
    expect(() => resolveParams("mechanism m", specs, { window: 2 ** 60 })).toThrow(`mechanism m parameter window: must be a whole number from 0 to 16777216, got ${2 ** 60}`);
    expect(() => resolveParams("mechanism m", specs, { rounds: 0 })).toThrow("mechanism m parameter rounds: must be a whole number of at least 1, got 0");
  });
  it("the words listed for a parameter are those of every other range check", () => {
    expect(paramRange(specs[0])).toBe("a whole number of at least 1");
    expect(paramRange(specs[0])).toBe(wholeRange(1));
    expect(paramRange(specs[1])).toBe("a whole number from 0 to 16777216");
    expect(paramRange({ name: "f", default: 3, description: "" })).toBe("a number of at least 0");
    expect(paramRange({ name: "f", default: 3, min: -Infinity, max: 4, description: "" })).toBe("a number of at most 4");
    expect(paramRange({ name: "f", default: 3, min: -Infinity, description: "" })).toBe("a number");
  });
});

describe("an integer parameter past 2^53-1 on the command line", () => {
  it("run --mech-param maxRounds=2^53+1: refused, not run as 2^53", async () => {
    const r = await ampom("run", "-w", "sequential", "--mechanism", "pre-copy", "--mech-param", "maxRounds=9007199254740993", "-q");
    // the number as written, refused as it is read (it was refused as 9007199254740992)
    expect(r).toMatchObject({ code: 1, stdout: "" });
    expect(r.stderr).toBe(
      "ampom: option '--mech-param <name=value>' argument 'maxRounds=9007199254740993' is invalid. got 9007199254740993, a whole number past 2^53-1, " +
        "where a number is not exact (it would be read as 9007199254740992).\n(run with --help for usage)\n",
    );
  });
});
