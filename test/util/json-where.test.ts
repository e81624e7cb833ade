// The scan of a user's JSON file for what JSON.parse takes silently: here, whole
// numbers past 2^53-1 that it rounds before any check sees them.
import { describe, expect, it } from "vitest";
import { jsonMemberProblem } from "../../src/util/json-where.js";

describe("jsonMemberProblem: whole numbers past 2^53-1", () => {
  it("names the place and the token as written, and what JSON.parse makes of it", () => {
    expect(jsonMemberProblem('{ "a": { "b": [0, [1, -9007199254740993]] } }')).toEqual({
      line: 1,
      column: 23,
      problem: "a.b[1][1]: got -9007199254740993, a whole number past -(2^53-1), where a JSON number is not exact (it would be read as -9007199254740992)",
    });
    // written as a whole number with a zero fraction
    expect(jsonMemberProblem('{\n "x": 18014398509481985.0 }')).toEqual({
      line: 2,
      column: 7,
      problem: "x: got 18014398509481985.0, a whole number past 2^53-1, where a JSON number is not exact (it would be read as 18014398509481984)",
    });
    expect(jsonMemberProblem("[1e400, 10000000000000000000000000000000000000]")?.problem).toMatch(/^\[1\]: .* would be read as 1e\+37\)$/);
  });

  it("takes whole numbers it holds exactly (the fields' own checks name their bounds), fractions and numbers written with an exponent", () => {
    const exact = ["9007199254740991", "-9007199254740991", "9007199254740992", "100000000000000000000", "18014398509481984.0"];
    for (const ok of [...exact, "[1e20, 9007199254740993e0, 9007199254740993.5, 0.1]", '{"x": 123456789012345.5}']) {
      expect(jsonMemberProblem(ok)).toBeUndefined();
    }
  });
});
