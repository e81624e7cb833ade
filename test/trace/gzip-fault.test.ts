import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { gunzipFault } from "../../src/trace/gzip-fault.js";

const failure = (b: Uint8Array): Error => {
  try {
    gunzipSync(b);
  } catch (err) {
    return err as Error;
  }
  throw new Error("unpacked");
};

describe("gunzipFault: where a gzip stream that does not unpack fails", () => {
  const gz = gzipSync(Buffer.from("R 1 1\n".repeat(5000)));

  it("a stream cut short: at its end, after what it unpacked", () => {
    const cut = gz.subarray(0, 40);
    expect(gunzipFault(failure(cut), cut)).toMatch(/^unexpected end of file: the gzip stream is cut short at byte 40 \(the end of the file\), after \d+ bytes unpacked$/);
  });

  it("a fault inside: the byte it is found at", () => {
    const badType = Buffer.from(gz);
    badType[10] = 0x07; // the first deflate block: last, of type 3 (none such)
    expect(gunzipFault(failure(badType), badType)).toBe("invalid block type at byte 10, after 0 bytes unpacked");
    const badCrc = Buffer.from(gz);
    badCrc[gz.length - 8] ^= 1; // the trailer's CRC-32, its last byte at length - 5
    expect(gunzipFault(failure(badCrc), badCrc)).toBe(`incorrect data check at byte ${gz.length - 5}, after 30000 bytes unpacked`);
  });
});
