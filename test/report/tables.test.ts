// The report's tables from hand-made results: headline arithmetic, claims, CSV quoting.
import { describe, expect, it } from "vitest";
import { headlineRow, PAPER, type ReproduceResults, type SpreadRow } from "../../src/report/reproduce.js";
import { claimLines, csv, headlineCsv, headlineTable, metricsCsv, policyMatrix, settingsLine, spreadTable, textTable } from "../../src/report/tables.js";
import { pct, signedPct } from "../../src/cli/format.js";
import type { Metrics } from "../../src/sim/metrics.js";

function metrics(mechanism: string, policy: string, m: Partial<Metrics>): Metrics {
  return {
    workload: "k", mechanism, policy, network: "gige-2008", core: "wasm", seed: 1, memoryBytes: 1 << 20,
    pages: 256, records: 1000, accesses: 1000, freezeNs: 0, remoteFaults: 0, zeroFills: 0, latePrefetches: 0,
    prefetchedPages: 0, usefulPrefetches: 0, accuracy: 0, coverage: 0, pushedPages: 0, usefulPushes: 0,
    faultStallNs: 0, lateStallNs: 0, stallNs: 0,
    bytesMoved: { context: 0, eager: 0, fault: 0, prefetch: 0, push: 0, control: 0, total: 0 },
    runtimeNs: 1, ...m,
  } as Metrics;
}

function kernelRows(ampomFaults: number, ampomRuntime: number): Metrics[] {
  return [
    metrics("full-copy", "none", { freezeNs: 100_000_000, runtimeNs: 1_000_000_000, faultsPrevented: 1, overheadVsFullCopy: 0 }),
    metrics("lightweight", "none", { freezeNs: 1_000_000, remoteFaults: 1000, runtimeNs: 2_000_000_000, faultsPrevented: 0, overheadVsFullCopy: 1 }),
    metrics("lightweight", "ampom", { freezeNs: 1_000_000, remoteFaults: ampomFaults, runtimeNs: ampomRuntime, faultsPrevented: 1 - ampomFaults / 1000, overheadVsFullCopy: ampomRuntime / 1e9 - 1 }),
  ];
}

function results(): ReproduceResults {
  const extended = { good: kernelRows(50, 1_030_000_000), bad: kernelRows(500, 1_200_000_000) };
  return {
    settings: { memoryBytes: 1 << 20, network: "gige-2008", core: "wasm", cpu: "2008", seed: 1, seeds: [1], migrateAt: 0.5, busyBackground: 0.8, kernels: ["good", "bad"], figureKernel: "good" },
    provenance: { tool: "ampom", version: "0", commit: null, node: "v0", options: {} },
    paper: PAPER,
    headline: Object.entries(extended).map(([k, rows]) => headlineRow(k, rows)),
    extended,
    busy: { good: extended.good.slice(1), bad: extended.bad.slice(1) },
    figures: {} as ReproduceResults["figures"],
  };
}

describe("headline", () => {
  it("takes freeze, faults and overhead from the compare rows", () => {
    const h = headlineRow("good", kernelRows(50, 1_030_000_000));
    expect(h.freezeAvoided).toBeCloseTo(0.99, 12);
    expect(h.faultsDemand).toBe(1000);
    expect(h.faultsAmpom).toBe(50);
    expect(h.faultsPrevented).toBeCloseTo(0.95, 12);
    expect(h.overheadVsFullCopy).toBeCloseTo(0.03, 12);
  });

  it("prints the paper's figures in the header and a mean row", () => {
    const t = headlineTable(results());
    expect(t.header).toContain("avoided (paper 98%)");
    expect(t.header).toContain("prevented (paper 85–99%)");
    expect(t.header).toContain("overhead (paper 0–5%)");
    expect(t.rows.at(-1)).toEqual(["mean", "", "", "99.00%", "", "", "72.5%", "", "", "+11.5%"]);
  });

  it("says which kernels reproduce each claim and which miss by how much", () => {
    expect(claimLines(results())).toEqual([
      "freeze time avoided by lightweight migration (paper 98%): 2 of 2 kernels",
      "remote faults prevented by ampom (paper 85–99%): 1 of 2 kernels; not: bad 50.0% of 1000",
      "ampom's runtime overhead against full-copy (paper 0–5%): 1 of 2 kernels; not: bad +20.0%",
    ]);
  });

  it("lays lightweight policies and other mechanisms out as columns", () => {
    const t = policyMatrix(results(), "faultsPrevented", (v) => (v === undefined ? "-" : v.toFixed(2)));
    expect(t.header).toEqual(["kernel", "ampom"]);
    expect(t.rows).toEqual([["good", "0.95"], ["bad", "0.50"]]);
  });
});

describe("spread over the seeds", () => {
  it("has the first seed's matrix's columns: pre-copy and post-copy too, a pre-copy called off marked", () => {
    const r = results();
    r.settings.seeds = [1, 2, 3];
    for (const k of r.settings.kernels) {
      r.extended[k].push(metrics("pre-copy", "none", { overheadVsFullCopy: 0 }), metrics("post-copy", "none", { faultsPrevented: 0.5, overheadVsFullCopy: 0 }));
    }
    const stat = (mean: number, min: number, max: number, n = 3) => ({ mean, min, max, n });
    const rows = (pre: Partial<SpreadRow>): SpreadRow[] => [
      { mechanism: "lightweight", policy: "ampom", runtimeNs: stat(1, 1, 1), faultsPrevented: stat(0.9, 0.8, 1) },
      { mechanism: "pre-copy", policy: "none", runtimeNs: stat(1, 1, 1), ...pre },
      { mechanism: "post-copy", policy: "none", runtimeNs: stat(1, 1, 1), faultsPrevented: stat(0.5, 0.4, 0.6) },
    ];
    // good: pre-copy migrated in two seeds of three; bad: in none
    r.spread = { extended: { good: rows({ faultsPrevented: stat(1, 1, 1, 2), calledOff: 1 }), bad: rows({ calledOff: 3 }) }, busy: {} };
    const t = spreadTable(r);
    expect(t.header).toEqual(["kernel", "ampom", "pre-copy", "post-copy"]);
    expect(t.rows).toEqual([
      ["good", "90.0% (80.0%–100.0%)", "100.0% (100.0%–100.0%); off in 1", "50.0% (40.0%–60.0%)"],
      ["bad", "90.0% (80.0%–100.0%)", "off", "50.0% (40.0%–60.0%)"],
    ]);
    const text = textTable(t);
    expect(text).toMatch(/\n {2}off: pre-copy called its migration off/);
    expect(text).toMatch(/\n {2}off in N: pre-copy called its migration off in N of the seeds/);
  });
});

describe("marks", () => {
  it("prints n/a, not 0%, where demand paging had no remote fault, and explains it in a legend", () => {
    const r = results();
    const quiet = [
      metrics("full-copy", "none", { freezeNs: 1_000, runtimeNs: 1e6, overheadVsFullCopy: 0 }),
      metrics("lightweight", "none", { freezeNs: 10, runtimeNs: 1e6, overheadVsFullCopy: 0 }),
      metrics("lightweight", "ampom", { freezeNs: 10, runtimeNs: 1e6, overheadVsFullCopy: 0 }),
    ];
    r.settings.kernels.push("idle");
    r.extended.idle = quiet;
    r.headline.push(headlineRow("idle", quiet));
    expect(headlineTable(r).rows[2][6]).toBe("n/a");
    // the mean is over the kernels that had faults to prevent
    expect(headlineTable(r).rows.at(-1)![6]).toBe("72.5%");
    expect(claimLines(r)[1]).toBe(
      "remote faults prevented by ampom (paper 85–99%): 1 of 2 kernels; not: bad 50.0% of 1000; n/a: idle (no remote fault under demand paging)",
    );
    // and the raw numbers leave it out, as the metric's definition does: an empty cell,
    // no field in results.json (it read 0)
    expect(JSON.parse(JSON.stringify(r.headline[2]))).not.toHaveProperty("faultsPrevented");
    expect(headlineCsv(r).trim().split("\n")[3].split(",")[6]).toBe("");
    const text = textTable(policyMatrix(r, "faultsPrevented"));
    expect(text).toMatch(/\nidle +n\/a\n/);
    expect(text).toMatch(/\n {2}n\/a: a share of a near-zero quantity/);
  });

  it("words the busy network's load without binary noise", () => {
    const r = results();
    r.settings.busyBackground = 0.07;
    expect(settingsLine(r)).toContain("busy network = 7% background load");
    r.settings.busyBackground = 0.29;
    expect(settingsLine(r)).toContain("busy network = 29% background load");
  });

  it("never prints -0.0%", () => {
    expect(pct(-0.00001)).toBe("0.0%");
    expect(signedPct(-0.00001)).toBe("0.0%");
    expect(pct(-0.5)).toBe("-50.0%");
  });
});

describe("csv", () => {
  it("quotes cells with commas, quotes or newlines", () => {
    expect(csv(["a", "b"], [["x,y", 'say "hi"'], [1, undefined]])).toBe('a,b\n"x,y","say ""hi"""\n1,\n');
  });

  it("marks a migration that was called off, whose figures are of a run at home", () => {
    const r = results();
    r.extended.good.push(metrics("pre-copy", "none", { runtimeNs: 900_000_000, mechanismStats: { rounds: 2, calledOff: 1 } }));
    const lines = metricsCsv(r, "extended").trim().split("\n");
    const header = lines[0].split(",");
    const migrated = header.indexOf("migrated");
    expect(migrated).toBe(header.length - 1);
    const cells = lines.slice(1).map((l) => l.split(","));
    expect(cells.map((c) => `${c[1]}:${c[migrated]}`)).toEqual([
      "full-copy:1", "lightweight:1", "lightweight:1", "pre-copy:0", "full-copy:1", "lightweight:1", "lightweight:1",
    ]);
  });

  it("says which rows read the trace ahead, as 1 or 0 beside the policy", () => {
    const r = results();
    r.extended.good.push(metrics("lightweight", "oracle", { clairvoyant: true }));
    const lines = metricsCsv(r, "extended").trim().split("\n");
    const header = lines[0].split(",");
    const at = header.indexOf("clairvoyant");
    expect(at).toBe(header.indexOf("policy") + 1);
    const cells = lines.slice(1).map((l) => l.split(","));
    expect(cells.filter((c) => c[at] === "1").map((c) => c[header.indexOf("policy")])).toEqual(["oracle"]);
    expect(cells.every((c) => c[at] === "0" || c[at] === "1")).toBe(true);
  });

  it("gives each row its background load: the busy runs' network column names only the preset", () => {
    const r = results();
    r.busy = r.extended;
    for (const [which, load] of [["extended", "0"], ["busy", "0.8"]] as const) {
      const lines = metricsCsv(r, which).trim().split("\n");
      const at = lines[0].split(",").indexOf("background");
      expect(at).toBe(lines[0].split(",").indexOf("network") + 1);
      expect(new Set(lines.slice(1).map((l) => l.split(",")[at]))).toEqual(new Set([load]));
    }
  });
});
