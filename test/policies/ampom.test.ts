// Properties of the `ampom` policy (docs/model.md, "AMPoM, as reconstructed here"), on
// both cores: a sequential stream is recognised within a few faults (its score rises
// and its pages are asked for ahead of use; with the paging rate per execution time a
// short stream is fetched whole before its score saturates), uniform random access scores low,
// interleaved streams in distant regions are each recognised, the window never shrinks
// when the score, the paging rate or the delay grows, and no request leaves the
// region of the page that caused it or names a page that is not at home.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { instantiate } from "../../build/release.js";
import { ampomLocality, ampomWindow } from "../../src/core/reference-policies/ampom.js";
import { drive, type Decision } from "./harness.js";

const cores = ["wasm", "reference"] as const;
const wasm = await instantiate(new WebAssembly.Module(readFileSync(new URL("../../build/release.wasm", import.meta.url))), {
  env: { abort: () => { throw new Error("abort"); } },
} as never);

/** A stream's decisions: the score rises from one to the next until it saturates, and
 * every page of the stream after its first three was asked for by one of them. */
function expectRecognised(decisions: Decision[], stream: number[]): void {
  for (let i = 1; i < decisions.length; i++) {
    expect(decisions[i].score).toBeGreaterThanOrEqual(Math.min(0.9, decisions[i - 1].score));
  }
  expect(decisions.at(-1)!.score).toBeGreaterThan(decisions[0].score);
  const asked = new Set(decisions.flatMap((d) => d.asked));
  expect(stream.slice(3).filter((p) => !asked.has(p) && !decisions.some((d) => d.page === p))).toEqual([]);
}

describe.each(cores)("ampom on the %s core", (core) => {
  it("reaches a high score on a sequential stream within a few faults", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 256, max: 4096 }),
        fc.double({ min: 0, max: 0.8, noNaN: true }),
        fc.integer({ min: 24, max: 200 }),
        fc.constantFrom(1, -1),
        async (pages, at, length, dir) => {
          const start = Math.floor(at * (pages - length)) + (dir < 0 ? length - 1 : 0);
          const after = Array.from({ length }, (_, i) => start + dir * i);
          const all = Array.from({ length: pages }, (_, i) => i);
          const r = await drive({ core, policy: "ampom", regionPages: [pages], before: all, after });
          expect(r.remoteFaults).toBeLessThanOrEqual(3);
          expectRecognised(r.decisions, after);
        },
      ),
      { numRuns: 25, seed: 41 },
    );
  });

  it("scores uniform random access over a large region low", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const pages = 16384;
        let x = seed;
        const after = Array.from({ length: 300 }, () => {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          return x % pages;
        });
        const all = Array.from({ length: pages }, (_, i) => i);
        const r = await drive({ core, policy: "ampom", regionPages: [pages], before: all, after });
        const faults = r.decisions.filter((d) => d.kind === "fault");
        const mean = faults.reduce((a, d) => a + d.score, 0) / faults.length;
        expect(mean).toBeLessThan(0.2);
      }),
      { numRuns: 10, seed: 42 },
    );
  });

  it("detects each of several interleaved streams in distant regions", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 64, max: 400 }), async (k, length) => {
        const regionPages = Array.from({ length: k }, () => 1024);
        const before = Array.from({ length: k * 1024 }, (_, i) => i);
        const after: number[] = [];
        for (let i = 0; i < length; i++) for (let s = 0; s < k; s++) after.push(s * 1024 + 100 + i);
        const r = await drive({ core, policy: "ampom", regionPages, before, after });
        expect(r.remoteFaults).toBeLessThanOrEqual(3 * k);
        for (let s = 0; s < k; s++) {
          expectRecognised(
            r.decisions.filter((d) => r.regionOf(d.page) === s),
            after.filter((p) => r.regionOf(p) === s),
          );
        }
      }),
      { numRuns: 15, seed: 43 },
    );
  });

  it("asks only for pages at home in the region of the page that decided", async () => {
    const region = fc.integer({ min: 1, max: 300 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(region, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.integer({ min: -20, max: 20 })), { minLength: 1, maxLength: 400 }),
        fc.array(fc.nat(), { maxLength: 400 }),
        async (regionPages, moves, touched) => {
          const total = regionPages.reduce((a, b) => a + b, 0);
          // pages touched before migration: a random subset; the rest never existed
          const before = [...new Set(touched.map((t) => t % total))];
          let page = 0;
          const after = moves.map(([jump, to, step]) => (page = jump ? to % total : Math.min(total - 1, Math.max(0, page + step))));
          const r = await drive({ core, policy: "ampom", regionPages, before, after });
          expect(r.violations).toEqual([]);
          for (const d of r.decisions) {
            for (const q of d.asked) expect(r.regionOf(q), `page ${q} asked after ${d.page}`).toBe(r.regionOf(d.page));
          }
        },
      ),
      { numRuns: 150, seed: 44 },
    );
  });
});

describe("ampom's window n = clamp(round(G S R T) + base(S), 0, Nmax)", () => {
  const args = fc.record({
    s: fc.double({ min: 0, max: 1, noNaN: true }),
    r: fc.double({ min: 0, max: 1e-3, noNaN: true }),
    t: fc.double({ min: 0, max: 1e7, noNaN: true }),
    g: fc.constantFrom(1, 2, 4),
    b: fc.constantFrom(0, 4, 8),
  });
  const grow = fc.double({ min: 1, max: 10, noNaN: true });

  it("never shrinks when the score, the paging rate or the delay grows, the others fixed", () => {
    fc.assert(
      fc.property(args, grow, fc.constantFrom("s", "r", "t"), (a, f, which) => {
        const n0 = ampomWindow(a.s, a.r, a.t, a.g, a.b, 512);
        const more = { ...a, [which]: which === "s" ? Math.min(1, a.s * f) : a[which] * f };
        const n1 = ampomWindow(more.s, more.r, more.t, a.g, a.b, 512);
        expect(n1).toBeGreaterThanOrEqual(n0);
      }),
      { numRuns: 2000, seed: 45 },
    );
  });

  it("is the same function in both cores", () => {
    fc.assert(
      fc.property(args, fc.integer({ min: 0, max: 1024 }), (a, nmax) => {
        expect(wasm.ampomWindow(a.s, a.r, a.t, a.g, a.b, nmax)).toBe(ampomWindow(a.s, a.r, a.t, a.g, a.b, nmax));
      }),
      { numRuns: 2000, seed: 46 },
    );
  });

  it("matches hand-worked values", () => {
    // S = 1, R = 1 event / 33 us, T = 100 us: round(2 * 3.03) + 8 = 14
    expect(ampomWindow(1, 1 / 33_000, 100_000, 2, 8, 512)).toBe(14);
    // low locality with a busy network still grows with R T: S = 1/16, R T = 40 -> 5
    expect(ampomWindow(1 / 16, 1 / 10_000, 400_000, 2, 8, 512)).toBe(5);
    expect(ampomWindow(1, 1, 1e9, 2, 8, 512)).toBe(512);
    expect(ampomWindow(0, 1, 1e9, 2, 8, 512)).toBe(0);
  });
});

describe("ampom's locality score", () => {
  it("is 1 for a full zone with one stride and 1/16 for a lone event", () => {
    expect(ampomLocality([10, 11, 12, 13, 14, 15, 16, 17], 17, 16, 8).score).toBe(1);
    expect(ampomLocality([10, 11, 12, 13, 14, 15, 16, 17], 17, 16, 8).stride).toBe(1);
    expect(ampomLocality([5000, 9, 70000], 70000, 16, 8).score).toBe(1 / 16);
  });
  it("takes the most frequent delta of the zone's stream as its stride, ignoring distant events", () => {
    // stream 100, 102, 104, 106 interleaved with far events; one odd step
    const l = ampomLocality([100, 9000, 102, 5000, 104, 7000, 105, 107], 107, 16, 8);
    expect(l.zoneEvents).toBe(5);
    expect(l.stride).toBe(2);
    // share 5/8, consistency 3/4: (5/8) (1 + 3/4) / 2
    expect(l.score).toBeCloseTo((5 / 8) * (1.75 / 2), 12);
  });
});
