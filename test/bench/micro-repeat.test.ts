// The microbenchmarks replay one crafted chunk sample after sample on one core,
// migrating it again before each (rewind), many more times than smoke mode's single
// sample. Each migration must leave the core as a fresh one would be: the arrival
// queue, which holds each page at most once between migrations, used to keep growing
// across samples until the WebAssembly core wrote past it ("unexpected stop 4",
// out-of-bounds traps) while the reference dropped the writes. Every case, both
// cores, sample after sample: the same stops and the same counters.
import { describe, expect, it } from "vitest";
import { microCases } from "../../bench/micro.js";
import { benchCore, CORES } from "../../bench/setup.js";
import { SIZES } from "../../bench/types.js";

const sizes = { ...SIZES.smoke, pages: 2048, chunk: 1024 };

describe("microbenchmark samples repeat on one core", () => {
  it.each(microCases().map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const seen: string[][] = [];
    for (const kind of CORES) {
      const b = await benchCore(kind, sizes.pages, sizes.chunk, c.policy);
      c.prepare(b, sizes);
      const samples: string[] = [];
      // enough samples for a queue that grew by a chunk each time to pass the page count
      for (let i = 0; i < 6; i++) {
        c.rewind(b);
        const ops = c.sample(b);
        samples.push(`${ops} ${Array.from(b.v.counters).join(",")}`);
      }
      seen.push(samples);
    }
    expect(seen[0]).toEqual(seen[1]);
  });
});
