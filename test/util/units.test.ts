import { describe, expect, it } from "vitest";
import { ordinal } from "../../src/util/units.js";

describe("ordinal", () => {
  it("names the n-th call as English does, teens included", () => {
    expect([1, 2, 3, 4, 10, 11, 12, 13, 14, 21, 22, 23, 101, 111, 112, 1000].map(ordinal)).toEqual([
      "1st", "2nd", "3rd", "4th", "10th", "11th", "12th", "13th", "14th", "21st", "22nd", "23rd", "101st", "111th", "112th", "1000th",
    ]);
  });
});
