// evaluate resumes only runs the same code made: its runs files are named by the code's
// identity too (a run's key names its options, not the simulator), so a runs folder kept
// from an earlier version is not read as this one's results.
import { describe, expect, it, vi } from "vitest";

let identity = "sources-1";
vi.mock("../../src/util/provenance.js", async (original) => ({ ...(await original<typeof import("../../src/util/provenance.js")>()), codeIdentity: () => identity }));

const { allConfigs, kernelWorkloads, parseCondition, runFiles } = await import("../../src/evaluate/index.js");

describe("evaluate's runs files", () => {
  it("are other files for other code, the same ones for the same code", () => {
    const plan = {
      workloads: kernelWorkloads(["stream"], "1MiB"),
      configs: allConfigs().filter((c) => ["none", "oracle", "ampom-plus"].includes(c.id)),
      conditions: [parseCondition("gige-2008")],
      points: [0.5],
    };
    const first = runFiles(plan, "runs");
    expect(runFiles(plan, "runs")).toEqual(first);
    identity = "sources-2";
    const other = runFiles(plan, "runs");
    expect(other).toHaveLength(first.length);
    for (let i = 0; i < first.length; i++) {
      expect(other[i]).not.toBe(first[i]);
      // the same sweep, by its label
      expect(other[i].replace(/-[0-9a-f]{8}\.jsonl$/, "")).toBe(first[i].replace(/-[0-9a-f]{8}\.jsonl$/, ""));
    }
  });

  // the command passes a point as written (--migrate-at 50%), and checks before it runs
  // that no output lands on these files: before, they were named from "50%", and were
  // not the files evaluate() wrote, which it names from 0.5
  it("are the same for a point however it is written", () => {
    const plan = {
      workloads: kernelWorkloads(["stream"], "1MiB"),
      configs: allConfigs().filter((c) => ["none", "oracle", "ampom-plus"].includes(c.id)),
      conditions: [parseCondition("gige-2008")],
    };
    expect(runFiles({ ...plan, points: ["50%", "25%"] as never }, "runs")).toEqual(runFiles({ ...plan, points: [0.5, 0.25] }, "runs"));
  });
});
