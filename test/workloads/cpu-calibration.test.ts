// The committed CPU calibration (src/workloads/hpcc/cpu-calibration.ts, written by
// scripts/calibrate-cpu.sh from native hpcc runs): at the calibrated size, each
// kernel's timed section, simulated at home without migration through the options'
// own resolution of --cpu, takes the time hpcc measured (host) or the era's rate gives
// (2008), to within 2 ns (the core rounds the process's running total of work, so no
// rounding piles up over records of one access). A kernel generator that changes its
// accesses fails here until the constants are re-derived.
import { describe, expect, it } from "vitest";
import { createCore, releaseCore } from "../../src/core/index.js";
import { resolveOptions } from "../../src/sim/options.js";
import { processSetup } from "../../src/sim/simulate.js";
import { ProcessRun } from "../../src/sim/process.js";
import { CALIBRATION } from "../../src/workloads/hpcc/cpu-calibration.js";
import { BEFF_CPU_NS, ERA_2008, TRACE_CPU_NS, kernelCpuNs } from "../../src/workloads/hpcc/cpu.js";
import { workloads } from "../../src/workloads/registry.js";

const KERNELS = ["stream", "randomaccess", "ptrans", "dgemm", "hpl", "fft"];
const MiB = 2 ** 20;

/** simulated ns of the workload's timed section at home, at the options' time per access */
async function timedNs(kernel: string, cpu: "host" | "2008"): Promise<number> {
  const s = resolveOptions({ workload: kernel, memory: CALIBRATION.calibratedMemoryMiB * MiB, cpu, baselines: false });
  const w = workloads[kernel].create({ memoryBytes: s.memoryBytes, pageSize: s.pageSize, seed: s.seed, workingSet: 1 });
  const core = await createCore("wasm");
  // the scenario's process, with no fault costs: only the work at home is timed
  const setup = processSetup(s, w, core, { id: 0, params: [] }, { id: 0, home: 0, migrateAtRecord: w.timed!.from });
  const proc = new ProcessRun({ ...setup, faultTrapNs: 0, zeroFillNs: 0 });
  const server = { serve: () => { throw new Error("a request at home"); } };
  expect(proc.advance(Infinity, server)).toBe("migration-point");
  const start = proc.clock;
  proc.migrateAtRecord = w.timed!.to;
  expect(proc.advance(Infinity, server)).toBe("migration-point");
  const end = proc.clock;
  releaseCore(core);
  return end - start;
}

describe("CPU calibration", () => {
  it("records the machine and date, and a constant for every compute kernel", () => {
    expect(CALIBRATION.machine).not.toBe("");
    expect(CALIBRATION.date).toMatch(/^\d{4}-\d\d-\d\d$/);
    for (const k of KERNELS) {
      const c = CALIBRATION.kernels[k];
      expect(c.hostNs, k).toBeGreaterThan(0);
      // a 2008 core is slower than this machine at every kernel
      expect(c.era2008Ns, k).toBeGreaterThan(c.hostNs);
    }
  });

  it("the committed 2008 constants come from ERA_2008's rates (re-derive with calibrate-cpu.ts --rederive when a rate changes)", () => {
    for (const k of KERNELS) {
      const c = CALIBRATION.kernels[k];
      expect(c.era2008Rate, k).toBe(ERA_2008[k].rate);
      expect(c.unit, k).toBe(ERA_2008[k].unit);
      expect(c.era2008TimeNs, k).toBe(Math.round((c.work / ERA_2008[k].rate) * 1e9));
    }
  });

  it("resolves --cpu: calibrated kernels, b_eff at the link's pace, traces at the documented default; --cpu-ns wins", () => {
    expect(resolveOptions({ workload: "hpl", cpu: "host" }).cpuNsPerAccess).toBe(CALIBRATION.kernels.hpl.hostNs);
    expect(resolveOptions({ workload: "hpl" }).cpuNsPerAccess).toBe(CALIBRATION.kernels.hpl.era2008Ns);
    expect(resolveOptions({ workload: "beff", cpu: "host" }).cpuNsPerAccess).toBe(BEFF_CPU_NS);
    expect(resolveOptions({ workload: "some.amt" }).cpuNsPerAccess).toBe(TRACE_CPU_NS);
    expect(resolveOptions({ workload: "stream", cpuNsPerAccess: 3 }).cpuNsPerAccess).toBe(3);
    expect(kernelCpuNs("sequential", "host")).toBeUndefined();
  });

  for (const kernel of KERNELS) {
    it(`${kernel}: the simulated timed section takes the measured time (host) and the era's (2008) to within 2 ns`, async () => {
      const c = CALIBRATION.kernels[kernel];
      const host = await timedNs(kernel, "host");
      expect(Math.abs(host - c.hostTimeNs), `host: ${host} ns against ${c.hostTimeNs} ns`).toBeLessThanOrEqual(2);
      const era = await timedNs(kernel, "2008");
      expect(Math.abs(era - c.era2008TimeNs), `2008: ${era} ns against ${c.era2008TimeNs} ns`).toBeLessThanOrEqual(2);
    }, 120_000);
  }
});
