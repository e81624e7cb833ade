import { describe, expect, it } from "vitest";
import { ordinal, formatRate, parseDuration, parseRate, parseSize, TooLargeError, UnknownUnitError } from "../../src/util/units.js";

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

describe("parseSize", () => {
  it("reads bytes, decimal and binary prefixes, the unit in any case but a small b after a capital prefix", () => {
    expect(["4096", "4KiB", "4kib", "256MiB", "1MB", "1mb", "1m", "2GiB", "512b", "512B"].map((v) => parseSize("memory", v))).toEqual([
      4096, 4096, 4096, 256 * 2 ** 20, 1e6, 1e6, 2 ** 20, 2 * 2 ** 30, 512, 512,
    ]);
  });
  it("refuses a small b after a capital prefix (bits), naming both byte spellings", () => {
    expect(() => parseSize("memory", "1Mb")).toThrow('memory: sizes are bytes, and the b of "1Mb" is bits: write 1MB or 1MiB');
    expect(() => parseSize("memory", "64Gib")).toThrow("write 64GB or 64GiB");
    expect(() => parseSize("memory", "4Kb")).toThrow(UnknownUnitError);
  });
});

describe("a quantity too large", () => {
  it("is refused as it is read, naming what was given: Infinity, or past 2^53-1 for sizes and times", () => {
    expect(() => parseDuration("latency", "1e400")).toThrow('latency: "1e400" is too large: a time is at most 2^53-1 ns (about 104 days), got Infinity');
    expect(() => parseDuration("latency", "1e20s")).toThrow("got 1e+29 ns");
    expect(() => parseSize("memory", 2 ** 53)).toThrow("memory: 9007199254740992 is too large: a size is at most 2^53-1 bytes (8 PiB), got 9007199254740992 bytes");
    expect(() => parseSize("memory", Infinity)).toThrow(TooLargeError);
    expect(() => parseRate("bandwidth", "1e400Gbps")).toThrow('bandwidth: "1e400Gbps" is too large: a rate must be a finite number, got Infinity');
    // a whole number a double cannot hold, by its digits: before, a rate of 2^53+1 ran as
    // 2^53, and a time was refused as a number never written
    expect(() => parseRate("bandwidth", "9007199254740993")).toThrow(
      "bandwidth: got 9007199254740993, a whole number past 2^53-1, where a number is not exact (it would be read as 9007199254740992)",
    );
    expect(() => parseDuration("latency", "9007199254740993ns")).toThrow("latency: got 9007199254740993, a whole number past 2^53-1");
    expect(parseRate("r", "18014398509481984")).toBe(2 ** 54);
    // the largest of each still reads
    expect(parseDuration("t", String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseRate("r", "1e290Tbps")).toBe(1e290 * 1e12);
  });
});
