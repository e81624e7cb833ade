// A real run's userfaults cost beyond its calibration, read from the run's own figures
// (faultCostDrift): the figures below are those of real runs of 2026-12-07
// (`ampom validate --migrate-call clock_gettime:2 --native-runs 2`), and of runs built
// from them where a userfault cost what the host's other state makes it.
import { describe, expect, it } from "vitest";
import { DRIFT_LIMIT_SHARE, faultCostDrift } from "../../src/validate/validate.js";

// `random 4 2` under ampom (`--repeat 3`, the run shown): 115 remote faults, 776 useful
// prefetches, one zero-fill; two native runs 43,012 ns apart after the migration point
const random = { execNs: 1_171_973, demandEvents: 891, zeroFills: 1, refaults: 0, spikesCut: 0 };
const randomCalibration = { faultCpuNs: 16_131, zeroFillNs: 18_854, zeroFillCpuNs: 10_648 };
const randomNative = { postMigrationCpuNs: 928_850, postMigrationCpuSpreadNs: 43_012 };

describe("a userfault's cost beyond its calibration", () => {
  it("is the execution clock beyond the native CPU time and the zero-fills' calibrated cost, over the demand events", () => {
    const d = faultCostDrift(random, randomCalibration, randomNative);
    // (1,171,973 - 928,850 - 18,854) / 891
    expect(d.faultCostDriftNs).toBe(252);
    // 15% of 16,131, and (43,012 + 10,648) / 891 the measure cannot tell from a drift
    expect(d.faultCostDriftLimitNs).toBe(2_480);
    expect(d.calibrationDisturbed).toBe(false);
  });

  it("marks a run whose faults cost what the other state of the host makes them", () => {
    // calibrated in the fast state, 13.1 us a userfault; the slow state's 1.4 times that
    // on every demand event, and on half of them
    const calibration = { ...randomCalibration, faultCpuNs: 13_100 };
    const slow = (share: number) => ({ ...random, execNs: random.execNs + Math.round(share * random.demandEvents * 0.4 * 13_100) });
    const whole = faultCostDrift(slow(1), calibration, randomNative);
    expect(whole.faultCostDriftNs).toBe(252 + 5_240);
    expect(whole.calibrationDisturbed).toBe(true);
    const half = faultCostDrift(slow(0.5), calibration, randomNative);
    expect(half.calibrationDisturbed).toBe(true);
    // and a quarter of them passes as noise
    expect(faultCostDrift(slow(0.25), calibration, randomNative).calibrationDisturbed).toBe(false);
    // slow to fast: calibrated at 1.4 times what every fault cost
    const fast = { ...random, execNs: random.execNs - Math.round(random.demandEvents * (1 - 1 / 1.4) * 18_340) };
    const back = faultCostDrift(fast, { ...calibration, faultCpuNs: 18_340 }, randomNative);
    expect(back.faultCostDriftNs).toBeLessThan(-DRIFT_LIMIT_SHARE * 18_340);
    expect(back.calibrationDisturbed).toBe(true);
  });

  it("takes the zero-fills' calibrated cost off and allows for what the native run's page allocations were", () => {
    // `percpu 1` without a policy: 258 remote faults, 256 zero-fills of a fresh MiB; the
    // clock less the native time alone over the events would read 12.2 us a fault (that
    // run's native spread was not recorded: 0 here)
    const percpu = { execNs: 6_229_443, demandEvents: 258, zeroFills: 256, refaults: 0, spikesCut: 0 };
    const d = faultCostDrift(percpu, { faultCpuNs: 13_453, zeroFillNs: 18_576, zeroFillCpuNs: 10_480 }, { postMigrationCpuNs: 3_071_012, postMigrationCpuSpreadNs: 0 });
    expect(d.faultCostDriftNs).toBe(Math.round((6_229_443 - 3_071_012 - 256 * 18_576) / 258));
    expect(d.faultCostDriftLimitNs).toBe(Math.round(0.15 * 13_453 + (256 * 10_480) / 258));
    expect(d.calibrationDisturbed).toBe(false);
    // a refault is a zero-fill to the clock
    const asRefaults = faultCostDrift({ ...percpu, zeroFills: 200, refaults: 56 }, { faultCpuNs: 13_453, zeroFillNs: 18_576, zeroFillCpuNs: 10_480 }, { postMigrationCpuNs: 3_071_012, postMigrationCpuSpreadNs: 0 });
    expect(asRefaults).toEqual(d);
  });

  it("has nothing to read without demand events, or once the spike cut took spans off the clock", () => {
    const none = { faultCostDriftNs: null, faultCostDriftLimitNs: null, calibrationDisturbed: false };
    expect(faultCostDrift({ ...random, demandEvents: 0 }, randomCalibration, randomNative)).toEqual(none);
    expect(faultCostDrift({ ...random, spikesCut: 40 }, randomCalibration, randomNative)).toEqual(none);
  });
});
