// A results file longer than the longest string V8 makes (2^29 - 24 characters), as a
// sweep of some 500,000 runs writes: read and rewritten line by line, not as one string.
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { RecordPlaces, ResultAppender, scanResults, type RunRecord } from "../../src/sweep/results.js";
import { scratchDir } from "./cli-helpers.js";

/** The first `n` bytes of `file`. */
function head(file: string, n: number): string {
  const fd = openSync(file, "r");
  const buf = Buffer.alloc(n);
  readSync(fd, buf, 0, n, 0);
  closeSync(fd);
  return buf.toString();
}

it("reads and rewrites a results file longer than a string can be", () => {
  const dir = scratchDir("large-results");
  const file = join(dir, "r.jsonl");
  // 520 lines of a little over 1 MiB: few records, the bytes of a large sweep
  const error = "x".repeat(1 << 20);
  const records: RunRecord[] = Array.from({ length: 520 }, (_, index) => ({ index, key: `k${index}`, options: {}, error }));
  const appender = new ResultAppender(file);
  const places = new RecordPlaces(records.length);
  // written last first, as a sweep appends in completion order
  for (const r of [...records].reverse()) places.set(r.index, { source: 0, ...appender.append(r), line: 0 }, r, r);
  appender.close();
  expect(statSync(file).size).toBeGreaterThan(2 ** 29);
  // before: "Cannot create a string longer than 0x1fffffe8 characters"
  const read: Array<[number, number, number | undefined]> = [];
  const extent = scanResults(file, (rr) => read.push([rr.line, rr.record.index, rr.record.error?.length]));
  expect(read).toEqual(records.map((r, i) => [i + 1, 519 - i, 1 << 20]));
  expect(extent.tornBytes).toBe(0);
  // in grid order: before, the whole file was joined into one string first ("Invalid string length")
  const out = join(dir, "sorted.jsonl");
  places.writeInOrder(out, [file], (i) => records[i]);
  expect(statSync(out).size).toBe(statSync(file).size);
  expect(head(out, 12)).toBe('{"index":0,"');
}, 120_000);
