// The push orders' hierarchical page set against a plain array (fast-check).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PageSet } from "../../src/migration/page-set.js";

describe("PageSet", () => {
  it("next/prev agree with a linear scan after random adds and deletes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 300 }),
        fc.array(fc.integer({ min: -2, max: 5002 }), { maxLength: 40 }),
        (size, ops, probes) => {
          const set = new PageSet(size);
          const plain = new Uint8Array(size);
          for (const [add, x] of ops) {
            const p = x % size;
            if (add) {
              set.add(p);
              plain[p] = 1;
            } else {
              set.delete(p);
              plain[p] = 0;
            }
          }
          for (const q of probes) {
            let next = -1;
            for (let i = Math.max(0, q); i < size; i++) if (plain[i]) { next = i; break; }
            let prev = -1;
            for (let i = Math.min(q, size - 1); i >= 0; i--) if (plain[i]) { prev = i; break; }
            expect(set.next(q)).toBe(next);
            expect(set.prev(q)).toBe(prev);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
  it("handles 16M pages without scanning them", () => {
    const n = 1 << 24;
    const set = new PageSet(n);
    set.add(n - 1);
    set.add(3);
    expect(set.next(4)).toBe(n - 1);
    expect(set.prev(n - 2)).toBe(3);
    set.delete(n - 1);
    expect(set.next(4)).toBe(-1);
  });
});
