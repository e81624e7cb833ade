// Whether the host changed state under a real run, from its two probes (a kernel minor
// fault's CPU time before the run and after its work), and the runs tried again for it.
// The probe figures are real: validations of 2026-12-07 (02:15-02:30 UTC, CPU 1,
// `ampom validate --migrate-call clock_gettime:2 --native-runs 2 --repeat 3`) and a
// pinned probe of 1,024 fresh pages taken twice 0.2 s apart (docs/validation.md).
import { describe, expect, it } from "vitest";
import { HOST_CHANGE_BOUND, HOST_STATE_RATIO, hostChange, untilHostHeld } from "../../src/validate/validate.js";

// [before, after], CPU ns a minor fault
const held: Array<[number, number]> = [
  [11_931, 11_475], // percpu 4, the runs kept
  [15_416, 15_187], // random 4 2 under ampom, both in the slow state
  [14_204, 15_924], // random 4 2 without a policy (1.12: within the state's noise)
  [13_620, 15_220], // the pinned probe, 0.2 s apart (1.12)
];
const changed: Array<[number, number]> = [
  [15_420, 11_249], // percpu 4: slow to fast; its simulated runtime +4.3% where the kept runs' read -3.7%
  [11_034, 12_963], // percpu 1: its drift -11.9 us, marked disturbed too; simulated runtime +20.5%
  [14_121, 20_330], // random 4 2 without a policy: its runtime 127.6 ms where the runs kept took 120.3-121.4
  [18_929, 14_766], // random 4 2: slow to fast
];

describe("the host-state probe", () => {
  it("takes the bound from the two states' ratio, not from runs", () => {
    expect(HOST_CHANGE_BOUND).toBeCloseTo(Math.sqrt(HOST_STATE_RATIO), 12);
    expect(HOST_CHANGE_BOUND).toBeGreaterThan(1.1);
    expect(HOST_CHANGE_BOUND).toBeLessThan(HOST_STATE_RATIO);
  });

  it("tells a run whose host held its state from one whose host changed it", () => {
    for (const [before, after] of held) expect(hostChange(before, after), `${before} -> ${after}`).toEqual({ hostProbe: { beforeNs: before, afterNs: after }, hostChanged: false });
    for (const [before, after] of changed) expect(hostChange(before, after).hostChanged, `${before} -> ${after}`).toBe(true);
    // a change of state either way is one
    expect(hostChange(11_300, 15_300).hostChanged).toBe(true);
    expect(hostChange(15_300, 11_300).hostChanged).toBe(true);
  });

  it("tells nothing from a probe that could not be taken", () => {
    expect(hostChange(11_300, 0).hostChanged).toBe(false);
    expect(hostChange(0, 0).hostChanged).toBe(false);
  });
});

describe("a run whose host changed is run again", () => {
  /** Tries that come out as `pairs` say, in order; the pairs left untried. */
  function tries(pairs: Array<[number, number]>) {
    const left = [...pairs];
    return { left, attempt: async (k: number) => ({ k, ...hostChange(...left.shift()!) }) };
  }

  it("until one holds: the ones before it are set aside, in order", async () => {
    const t = tries([changed[0], changed[1], held[0]]);
    const { kept, discarded } = await untilHostHeld(t.attempt, 2);
    expect(kept).toMatchObject({ k: 2, hostChanged: false });
    expect(discarded.map((d) => d.k)).toEqual([0, 1]);
    expect(discarded.every((d) => d.hostChanged)).toBe(true);
  });

  it("not at all when the first holds", async () => {
    const t = tries([held[1], changed[0]]);
    const { kept, discarded } = await untilHostHeld(t.attempt, 2);
    expect(kept.k).toBe(0);
    expect(discarded).toEqual([]);
    expect(t.left).toHaveLength(1);
  });

  it("at most `retries` times: then the last counts, marked", async () => {
    const t = tries([changed[0], changed[1], changed[2], held[0]]);
    const { kept, discarded } = await untilHostHeld(t.attempt, 2);
    expect(kept).toMatchObject({ k: 2, hostChanged: true });
    expect(discarded).toHaveLength(2);
    expect(t.left).toEqual([held[0]]);
    const once = tries([changed[3], held[0]]);
    expect((await untilHostHeld(once.attempt, 0)).kept).toMatchObject({ k: 0, hostChanged: true });
  });
});
