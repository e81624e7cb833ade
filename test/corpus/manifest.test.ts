// The committed trace corpus says what it holds: every trace the manifest lists is
// there, with the records, distinct pages and accesses the manifest gives (read from
// the amt header inside the gzip), each half spans several kinds, and the held-out
// programs are absent.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { constants, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { AMT_MAGIC } from "../../src/trace/amt.js";

const manifest = JSON.parse(readFileSync("corpus/manifest.json", "utf8")) as {
  programs: Array<{ name: string; kind: string; half: string; file: string; records: number; pages: number; accesses: number; compressedBytes: number; command: string[] }>;
};

describe("trace corpus", () => {
  it("has at least 12 programs, each trace as the manifest describes it", () => {
    expect(manifest.programs.length).toBeGreaterThanOrEqual(12);
    for (const p of manifest.programs) {
      const file = join("corpus", p.file);
      expect(statSync(file).size, p.name).toBe(p.compressedBytes);
      expect(p.compressedBytes, `${p.name}: a few MB at most`).toBeLessThan(5 * 2 ** 20);
      const head = gunzipSync(readFileSync(file).subarray(0, 4096), { finishFlush: constants.Z_SYNC_FLUSH });
      expect(head.toString("latin1", 0, 8)).toBe(AMT_MAGIC);
      expect(Number(head.readBigUInt64LE(24)), p.name).toBe(p.records);
      expect(Number(head.readBigUInt64LE(32)), p.name).toBe(p.pages);
      expect(Number(head.readBigUInt64LE(40)), p.name).toBe(p.accesses);
    }
  });

  it("splits into a tuning and a test half, each across several kinds", () => {
    for (const half of ["tuning", "test"]) {
      const kinds = new Set(manifest.programs.filter((p) => p.half === half).map((p) => p.kind));
      expect(kinds.size, half).toBeGreaterThanOrEqual(5);
    }
    expect(new Set(manifest.programs.map((p) => p.half))).toEqual(new Set(["tuning", "test"]));
  });

  it("holds no trace of the held-out programs", () => {
    for (const p of manifest.programs) expect(p.command.join(" ")).not.toMatch(/\b(xz|sqlite3|hpcc)\b/);
  });
});
