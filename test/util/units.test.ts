import { describe, expect, it } from "vitest";
import { ordinal, formatRate, parseRate, UnknownUnitError } from "../../src/util/units.js";

describe("ordinal", () => {
  it("names the n-th call as English does, teens included", () => {
    expect([1, 2, 3, 4, 10, 11, 12, 13, 14, 21, 22, 23, 101, 111, 112, 1000].map(ordinal)).toEqual([
      "1st", "2nd", "3rd", "4th", "10th", "11th", "12th", "13th", "14th", "21st", "22nd", "23rd", "101st", "111th", "112th", "1000th",
    ]);
  });
});

describe("formatRate", () => {
  it("gives 3 significant digits in the largest unit that leaves at least 1", () => {
    expect([300e6, 5e9, 1500, 12, 2e12].map(formatRate)).toEqual(["300Mbps", "5Gbps", "1.5kbps", "12bps", "2Tbps"]);
    // rounded up to the next unit, not shown as 1000 of this one
    expect(formatRate(999_999_999)).toBe("1Gbps");
  });
});

describe("parseRate", () => {
  it("reads bits per second, the unit in any case but a capital B", () => {
    expect(["1Gbps", "1gbps", "300Mbps", "1.5kbps", "12"].map((r) => parseRate("rate", r))).toEqual([1e9, 1e9, 300e6, 1500, 12]);
  });
  it("refuses a capital B (bytes), giving the rate in bits", () => {
    expect(() => parseRate("rate", "1GBps")).toThrow('rate: rates are bits per second, and the B of "1GBps" is bytes: 1GBps is 8Gbps');
    expect(() => parseRate("rate", "1.5MBps")).toThrow("1.5MBps is 12Mbps");
    expect(() => parseRate("rate", "100Bps")).toThrow("100Bps is 800bps");
    expect(() => parseRate("rate", "1GBps")).toThrow(UnknownUnitError);
  });
});
