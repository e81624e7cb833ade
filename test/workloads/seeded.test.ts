// Which built-in workloads the seed moves: those the registry marks seeded, and only those
// (`--seed`'s help names them, so that a spread over seeds of another is known to be none).
import { describe, expect, it } from "vitest";
import { seededWorkloads, workloads } from "../../src/workloads/registry.js";
import { fingerprint, readAll } from "./helpers.js";

const records = (name: string, seed: number) =>
  fingerprint(readAll(workloads[name].create({ memoryBytes: 2 ** 21, pageSize: 4096, seed, workingSet: 1 })));

describe("the seed", () => {
  for (const name of Object.keys(workloads)) {
    const seeded = seededWorkloads().includes(name);
    it(`${seeded ? "moves" : "does not move"} ${name}'s records`, () => {
      const [a, b] = [records(name, 1), records(name, 2)];
      if (seeded) expect(b).not.toBe(a);
      else expect(b).toBe(a);
    });
  }

  it("moves those of random, randomaccess and hpl, the ones that draw at random", () => {
    expect(seededWorkloads()).toEqual(["random", "randomaccess", "hpl"]);
  });
});
