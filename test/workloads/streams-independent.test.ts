// Streams of one workload are independent: a second stream opened and read to its end
// while the first is part-way (the oracle's first-use pre-pass does exactly that at the
// migration, and shared record streams run many scenarios beside it) leaves the first
// stream's records unchanged. HPL's generator once kept its pivot rows per workload,
// not per stream, and lost two records of a 2 MiB run that way.
import { describe, expect, it } from "vitest";
import { workloadNames, workloads } from "../../src/workloads/registry.js";
import type { Workload } from "../../src/workloads/types.js";

/** Count and hash of the records of `w`, with another stream of it read whole after
 * `before` chunks (before < 0: none). */
function digest(w: Workload, chunk: number, before: number): [number, number] {
  const s = w.open();
  const p = new Uint32Array(chunk), g = new Uint32Array(chunk), f = new Uint8Array(chunk);
  let records = 0;
  let h = 0x811c9dc5;
  for (let i = 0; ; i++) {
    if (i === before) digest(w, chunk, -1);
    const n = s.fill(p, g, f, chunk);
    if (n === 0) break;
    for (let j = 0; j < n; j++) h = Math.imul(h ^ p[j] ^ (g[j] << 3) ^ (f[j] << 29), 0x01000193);
    records += n;
  }
  s.close?.();
  return [records, h >>> 0];
}

describe("workload streams are independent", () => {
  it.each(workloadNames())("%s", (name) => {
    const w = workloads[name].create({ memoryBytes: 2 << 20, pageSize: 4096, seed: 1, workingSet: 1 });
    const chunk = Math.max(1, Math.ceil(w.records / 5));
    const alone = digest(w, chunk, -1);
    expect(alone[0]).toBe(w.records);
    for (const before of [1, 2, 3]) expect(digest(w, chunk, before), `another stream read after ${before} chunks`).toEqual(alone);
  });
});
