// A real run's userfaults cost beyond its calibration, read from the run's own figures
// (faultCostDrift): the figures below are those of real runs of 2026-12-07 02:20-02:30 UTC
// (`ampom validate --migrate-call clock_gettime:2 --native-runs 2 --repeat 3`, CPU 1), and
// of runs built from them where a userfault cost what the host's other state makes it.
import { describe, expect, it } from "vitest";
import { DRIFT_LIMIT_SHARE, faultCostDrift, zeroFillExcessNs } from "../../src/validate/validate.js";

// `random 4 2` under ampom, its first real run: 121 remote faults, 770 useful prefetches,
// one zero-fill; two native runs 363,570 ns apart after the migration point (the host
// changed state between them)
const random = { execNs: 696_914, demandEvents: 891, zeroFills: 1, refaults: 0, spikesCut: 0 };
const randomCalibration = { faultCpuNs: 16_412, zeroFillNs: 30_639, zeroFillCpuNs: 20_769, minorFaultNs: 14_325 };
const randomNative = { postMigrationCpuNs: 533_681, postMigrationCpuSpreadNs: 363_570 };

// `percpu 1` without a policy: 258 remote faults, 256 zero-fills of a fresh MiB, which
// the native runs allocated with a minor fault each
const percpu = { execNs: 6_726_783, demandEvents: 258, zeroFills: 256, refaults: 0, spikesCut: 0 };
const percpuCalibration = { faultCpuNs: 13_130, zeroFillNs: 24_479, zeroFillCpuNs: 16_386, minorFaultNs: 11_271 };
const percpuNative = { postMigrationCpuNs: 3_060_241, postMigrationCpuSpreadNs: 416_319 };

describe("a userfault's cost beyond its calibration", () => {
  it("is the execution clock beyond the native CPU time and the zero-fills' cost beyond a minor fault, over the demand events", () => {
    const d = faultCostDrift(random, randomCalibration, randomNative);
    // (696,914 - 533,681 - (30,639 - 14,325)) / 891
    expect(d.faultCostDriftNs).toBe(165);
    // (15% of 891 * 16,412 + 1 * 20,769, and the native runs' 363,570) / 891
    expect(d.faultCostDriftLimitNs).toBe(2_873);
    expect(d.calibrationDisturbed).toBe(false);
  });

  it("marks a run whose faults cost what the other state of the host makes them", () => {
    // calibrated in the fast state, 13.1 us a userfault; the slow state's 1.4 times that
    // on every demand event, and on half of them
    const calibration = { ...randomCalibration, faultCpuNs: 13_100 };
    const slow = (share: number) => ({ ...random, execNs: random.execNs + Math.round(share * random.demandEvents * 0.4 * 13_100) });
    const whole = faultCostDrift(slow(1), calibration, randomNative);
    expect(whole.faultCostDriftNs).toBe(165 + 5_240);
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

  it("counts a zero-fill's minor fault once: the native CPU time holds it, the zero-fill is charged beyond it", () => {
    const d = faultCostDrift(percpu, percpuCalibration, percpuNative);
    // (6,726,783 - 3,060,241 - 256 * 13,208) / 258: the clock reads what the calibration
    // says within a microsecond an event
    expect(d.faultCostDriftNs).toBe(1_106);
    // charged the whole zero-fill on top of the native run's minor faults it read
    // (6,726,783 - 3,060,241 - 256 * 24,479) / 258 = -10,078 ns an event
    expect(d.faultCostDriftNs! - (256 * 11_271) / 258).toBeCloseTo(-10_078, -1);
    // the zero-fills are userfaults the host's state makes dearer, as the demand events:
    // (15% of 258 * 13,130 + 256 * 16,386, and the native runs' 416,319) / 258
    expect(d.faultCostDriftLimitNs).toBe(6_022);
    expect(d.calibrationDisturbed).toBe(false);
    // a refault is a zero-fill to the clock
    const asRefaults = faultCostDrift({ ...percpu, zeroFills: 200, refaults: 56 }, percpuCalibration, percpuNative);
    expect(asRefaults).toEqual(d);
    // what the simulation charges a zero-fill
    expect(zeroFillExcessNs(percpuCalibration)).toBe(24_479 - 11_271);
    // never below 0 (a minor fault measured dearer than the zero-fill beside it)
    expect(zeroFillExcessNs({ zeroFillNs: 11_000, minorFaultNs: 12_000 })).toBe(0);
  });

  it("has nothing to read without demand events, or once the spike cut took spans off the clock", () => {
    const none = { faultCostDriftNs: null, faultCostDriftLimitNs: null, calibrationDisturbed: false };
    expect(faultCostDrift({ ...random, demandEvents: 0 }, randomCalibration, randomNative)).toEqual(none);
    expect(faultCostDrift({ ...random, spikesCut: 40 }, randomCalibration, randomNative)).toEqual(none);
  });
});
