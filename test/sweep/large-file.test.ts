// A results file longer than the longest string V8 makes (2^29 - 24 characters), as a
// sweep of some 500,000 runs writes: read and rewritten line by line, not as one string.
import { statSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { readResults, rewriteResults, type RunRecord } from "../../src/sweep/results.js";
import { scratchDir } from "./cli-helpers.js";

it("reads and rewrites a results file longer than a string can be", () => {
  const out = join(scratchDir("large-results"), "r.jsonl");
  // 520 lines of a little over 1 MiB: few records, the bytes of a large sweep
  const error = "x".repeat(1 << 20);
  const records: RunRecord[] = Array.from({ length: 520 }, (_, index) => ({ index, key: `k${index}`, options: {}, error }));
  // before, the whole file was joined into one string first: "Invalid string length"
  rewriteResults(out, records);
  expect(statSync(out).size).toBeGreaterThan(2 ** 29);
  // before: "Cannot create a string longer than 0x1fffffe8 characters"
  const read = readResults(out);
  expect(read.records.map((r) => [r.line, r.record.index, r.record.error?.length])).toEqual(records.map((r, i) => [i + 1, i, 1 << 20]));
  expect(read.tornBytes).toBe(0);
}, 120_000);
