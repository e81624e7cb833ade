import { describe, expect, it } from "vitest";
import { wholeProblem, wholeRange } from "../../src/util/params.js";

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
