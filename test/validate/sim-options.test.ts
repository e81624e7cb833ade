// The run options `ampom validate` added: an exact migration record, and overrides of
// the preset's local fault costs (trap, zero-fill, first use of a prefetched page).
import { describe, expect, it } from "vitest";
import { resolveOptions } from "../../src/sim/options.js";
import { simulate } from "../../src/sim/simulate.js";
import { openWorkload } from "../../src/workloads/index.js";

const base = { workload: "random", memory: "1MiB", policy: "none", baselines: false } as const;

describe("migrateAtRecord", () => {
  it("migrates before exactly that record: the same run as the fraction that lands there", async () => {
    const w = await openWorkload("random", { memoryBytes: 1 << 20, pageSize: 4096, seed: 1, workingSet: 1 });
    const record = Math.floor(0.25 * w.records);
    const byFraction = await simulate({ ...base, migrateAt: 0.25 });
    const byRecord = await simulate({ ...base, migrateAtRecord: record });
    expect(byRecord).toEqual(byFraction);
    const later = await simulate({ ...base, migrateAtRecord: record + Math.floor(w.records / 4) });
    expect(later.remoteFaults).not.toBe(byRecord.remoteFaults);
  });

  it("refuses a record past the workload's end and a second trigger", async () => {
    await expect(simulate({ ...base, migrateAtRecord: 1e9 })).rejects.toThrow(/migrateAtRecord \(--migrate-at-record\): 1000000000 is past the last of the \d+ records/);
    // the end itself: a finished process has nothing to migrate
    const { records } = await simulate({ ...base, baselines: false });
    await expect(simulate({ ...base, migrateAtRecord: records })).rejects.toThrow(`the process would have finished, and nothing would migrate`);
    await expect(simulate({ ...base, migrateAtRecord: records - 1 })).resolves.toMatchObject({ records });
    expect(() => resolveOptions({ ...base, migrateAt: 1 })).toThrow("option migrateAt (--migrate-at): must be below 1 (at 1 the process has finished, and nothing would migrate), got 1");
    expect(() => resolveOptions({ ...base, migrateAtRecord: 5, migrateAtTime: "1ms" })).toThrow(/name two migration points/);
    expect(() => resolveOptions({ ...base, migrateAt: 0.9, migrateAtRecord: 5 })).toThrow(
      "options migrateAt (--migrate-at) and migrateAtRecord (--migrate-at-record) name two migration points; give one",
    );
    expect(() => resolveOptions({ ...base, migrateAtRecord: 1.5 })).toThrow(/option migrateAtRecord \(--migrate-at-record\)/);
  });
});

describe("faultTrap and zeroFill", () => {
  it("override the preset's local costs, and every remote fault pays the trap", async () => {
    const s = resolveOptions({ ...base, faultTrap: "30us", zeroFill: "7us" });
    expect(s.network.faultTrapNs).toBe(30_000);
    expect(s.network.zeroFillNs).toBe(7_000);
    const plain = await simulate({ ...base });
    const slow = await simulate({ ...base, faultTrap: "30us" });
    expect(slow.remoteFaults).toBe(plain.remoteFaults);
    expect(slow.faultStallNs - plain.faultStallNs).toBe(plain.remoteFaults * (30_000 - resolveOptions(base).network.faultTrapNs));
    expect(() => resolveOptions({ ...base, faultTrap: "soon" })).toThrow(/faultTrap/);
  });

  it("a zero-fill clears a whole page: the preset's 4 KiB cost in proportion to the page size, unless given", async () => {
    const fill = (o: Record<string, unknown>) => resolveOptions({ ...base, memory: "8MiB", ...o }).network.zeroFillNs;
    expect([fill({}), fill({ pageSize: 2 << 20 }), fill({ pageSize: 1024 }), fill({ network: "rdma-100g", pageSize: 2 << 20 })]).toEqual([1_000, 512_000, 250, 256_000]);
    expect(fill({ pageSize: 2 << 20, zeroFill: "7us" })).toBe(7_000);
    // a fresh page's first touch after the migration pays it
    const huge = { workload: "random", memory: "8MiB", pageSize: 2 << 20, migrateAt: 0, policy: "none", baselines: false } as const;
    const [auto, cheap] = [await simulate(huge), await simulate({ ...huge, zeroFill: "1ns" })];
    expect(auto.zeroFills).toBeGreaterThan(0);
    expect(auto.runtimeNs - cheap.runtimeNs).toBe(auto.zeroFills * (512_000 - 1));
  });
});

describe("firstUse", () => {
  it("is 0 on every preset, overrides it, and is paid once per useful prefetch", async () => {
    expect(resolveOptions(base).network.firstUseNs).toBe(0);
    expect(resolveOptions({ ...base, network: "rdma-100g" }).network.firstUseNs).toBe(0);
    expect(resolveOptions({ ...base, firstUse: "27us" }).network.firstUseNs).toBe(27_000);
    expect(() => resolveOptions({ ...base, firstUse: "later" })).toThrow(/option firstUse \(--first-use\)/);
    // with demand paging nothing is prefetched: nothing to pay
    expect(await simulate({ ...base, firstUse: "27us" })).toEqual(await simulate(base));
    const seq = { ...base, workload: "sequential", policy: "ampom" } as const;
    const free = await simulate(seq);
    const paid = await simulate({ ...seq, firstUse: "27us" });
    expect(paid.usefulPrefetches).toBeGreaterThan(100);
    // the same two remote faults; every first use is fault stall, and the run is longer by
    // less than their sum: pages still in flight land while first uses are paid
    expect(paid.remoteFaults).toBe(free.remoteFaults);
    expect(paid.faultStallNs - free.faultStallNs).toBe(paid.usefulPrefetches * 27_000);
    expect(paid.lateStallNs).toBeLessThan(free.lateStallNs);
    expect(paid.runtimeNs).toBeGreaterThan(free.runtimeNs);
  });
});

describe("faultTrapCpu and firstUseCpu", () => {
  it("are 0 on every preset, override it up to the costs they are part of, and refuse more", () => {
    for (const network of ["gige-2008", "rdma-100g"]) {
      const { network: n } = resolveOptions({ ...base, network });
      expect([n.faultTrapCpuNs, n.firstUseCpuNs]).toEqual([0, 0]);
    }
    const n = resolveOptions({ ...base, faultTrap: "30us", faultTrapCpu: "12us", firstUse: "25us", firstUseCpu: "11us" }).network;
    expect([n.faultTrapCpuNs, n.firstUseCpuNs]).toEqual([12_000, 11_000]);
    expect(() => resolveOptions({ ...base, faultTrapCpu: "3us" })).toThrow(
      "option faultTrapCpu (--fault-trap-cpu): must not exceed the fault trap (2000 ns), got 3000 ns",
    );
    // the presets' first use is free: no part of it can be on the clock
    expect(() => resolveOptions({ ...base, firstUseCpu: "1us" })).toThrow(
      "option firstUseCpu (--first-use-cpu): must not exceed the first use's cost (0 ns), got 1000 ns",
    );
    expect(() => resolveOptions({ ...base, faultTrapCpu: "a bit" })).toThrow(/option faultTrapCpu \(--fault-trap-cpu\)/);
  });

  it("move only ampom's execution clock: what it costs is unchanged, and a lower paging rate grants smaller windows", async () => {
    // the same trap: no stall moves; a policy that reads no clock runs the same
    const none = { ...base, faultTrap: "20us" };
    expect(await simulate({ ...none, faultTrapCpu: "20us" })).toEqual(await simulate(none));
    // ampom on scattered faults: each fault's 20 us on the clock lowers its paging rate
    // R, and with it every window G x S x R x T
    const ampom = { ...none, policy: "ampom" } as const;
    const [user, whole] = [await simulate(ampom), await simulate({ ...ampom, faultTrapCpu: "20us" })];
    expect(whole.prefetchedPages).toBeLessThan(user.prefetchedPages);
    expect(whole.remoteFaults).toBeGreaterThan(user.remoteFaults);
    // first uses likewise
    const paid = { ...ampom, firstUse: "25us" };
    const [usesOff, usesOn] = [await simulate(paid), await simulate({ ...paid, firstUseCpu: "25us" })];
    expect(usesOn.prefetchedPages).toBeLessThan(usesOff.prefetchedPages);
  });
});
