// The `run` and `compare` commands: --json shapes, text layout, help and bad input.
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { simulate, type Metrics } from "../../src/index.js";
import { compareRows, describeMetrics, pct } from "../../src/cli/format.js";
import { ampom } from "./capture.js";

const SMALL = ["--workload", "sequential", "--memory", "2MiB"];
/** Metric names DESIGN section 4 promises in every `run --json` object. */
const METRIC_KEYS = [
  "freezeNs", "remoteFaults", "latePrefetches", "prefetchedPages", "usefulPrefetches", "accuracy",
  "coverage", "bytesMoved", "runtimeNs", "faultsPrevented", "overheadVsFullCopy",
];

describe("ampom run", () => {
  it("--json prints one object with the section 4 metric names", async () => {
    const r = await ampom("run", ...SMALL, "--json");
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout);
    for (const k of METRIC_KEYS) expect(m).toHaveProperty(k);
    expect(m.mechanism).toBe("lightweight");
    expect(m.bytesMoved.total).toBeGreaterThan(0);
  });

  it("text output left-aligns the value column under its header", async () => {
    const r = await ampom("run", ...SMALL);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    const col = lines[0].indexOf("value");
    expect(col).toBeGreaterThan(0);
    const freeze = lines.find((l) => l.startsWith("freeze"))!;
    expect(freeze.slice(col)).toMatch(/^\d/);
    expect(freeze.slice(col - 2, col)).toBe("  ");
  });

  it("the summary's coverage is n/a only where its fraction is 0/0: a run that prefetched nothing but faulted covered 0%", async () => {
    const line = (m: Metrics) => describeMetrics(m).split("\n").find((l) => l.startsWith("accuracy / coverage"))!.replace(/^accuracy \/ coverage\s+/, "");
    // before: "n/a (nothing prefetched)" for accuracy and coverage both
    const none = await simulate({ workload: "sequential", memory: "2MiB", policy: "none", baselines: false });
    expect([none.prefetchedPages, none.remoteFaults > 0, none.coverage]).toEqual([0, true, 0]);
    expect(line(none)).toBe("n/a / 0.0% (nothing prefetched)");
    // nothing prefetched and no fault to cover: both are 0/0
    const copy = await simulate({ workload: "sequential", memory: "2MiB", mechanism: "full-copy", baselines: false });
    expect([copy.prefetchedPages, copy.remoteFaults]).toEqual([0, 0]);
    expect(line(copy)).toBe("n/a / n/a (nothing prefetched, no remote fault)");
    const both = await simulate({ workload: "sequential", memory: "2MiB", baselines: false });
    expect(both.prefetchedPages).toBeGreaterThan(0);
    expect(line(both)).toBe(`${pct(both.accuracy)} / ${pct(both.coverage)}`);
  });

  it("names the option and what is accepted on bad input, and exits non-zero", async () => {
    const unit = await ampom("run", ...SMALL, "--memory", "12XB");
    expect(unit.code).toBe(1);
    expect(unit.stderr).toMatch(/^ampom: option '-m, --memory <size>' argument '12XB' is invalid\. unknown unit "XB".*accepted: .*mib/);
    const num = await ampom("run", ...SMALL, "--background", "lots");
    expect(num.code).not.toBe(0);
    expect(num.stderr).toContain("ampom: option '--background <u>' argument 'lots' is invalid");
    const range = await ampom("run", ...SMALL, "--migrate-at", "1.5");
    expect(range.code).not.toBe(0);
    expect(range.code).toBe(1);
    expect(range.stderr).toContain("option migrateAt (--migrate-at): must be below 1 (at 1 the process has finished, and nothing would migrate), got 1.5");
    const policy = await ampom("run", ...SMALL, "--policy", "clairvoyant");
    expect(policy.stderr).toMatch(/unknown policy "clairvoyant" \(known: none, /);
    const unknown = await ampom("run", "--frobnicate");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("ampom: unknown option '--frobnicate'");
    expect(unknown.stdout).toBe("");
  });

  it("takes fractions as 0.8 or 80%, and fractional ns per access", async () => {
    const a = await ampom("run", ...SMALL, "--json", "--background", "0.8", "--migrate-at", "0.25", "--cpu-ns", "0.5");
    const b = await ampom("run", ...SMALL, "--json", "--background", "80%", "--migrate-at", "25%", "--cpu-ns", "0.5ns");
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    const c = await ampom("run", ...SMALL, "--json", "--background", "0.8", "--migrate-at", "0.25", "--cpu-ns", "1");
    expect(JSON.parse(c.stdout).runtimeNs).toBeGreaterThan(JSON.parse(a.stdout).runtimeNs);
  });

  it("--help shows units and examples", async () => {
    const r = await ampom("run", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("256MiB");
    expect(r.stdout).toContain("Examples:");
  });
});

describe("ampom compare", () => {
  it("--json prints an array of run-shaped objects, one per valid pair, with shared baselines", async () => {
    const r = await ampom("compare", ...SMALL, "--json");
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<Record<string, any>>;
    expect(Array.isArray(rows)).toBe(true);
    const pairs = rows.map((m) => `${m.mechanism}/${m.policy}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(pairs).toContain("full-copy/none");
    expect(pairs).toContain("lightweight/none");
    // full copy leaves nothing to fetch: shown with `none` only
    expect(pairs.filter((p) => p.startsWith("full-copy/"))).toEqual(["full-copy/none"]);
    const comparative = ["faultsPrevented", "overheadVsFullCopy", "oracleGapClosed"];
    for (const m of rows) {
      // a pre-copy that the end of the work called off migrated nothing: it has no
      // figures relative to other migrations
      const calledOff = (m.mechanismStats?.calledOff ?? 0) > 0;
      for (const k of METRIC_KEYS) {
        if (calledOff && comparative.includes(k)) expect(m).not.toHaveProperty(k);
        else expect(m).toHaveProperty(k);
      }
    }
    const demand = rows.find((m) => m.mechanism === "lightweight" && m.policy === "none")!;
    expect(demand.faultsPrevented).toBe(0);
    expect(rows.find((m) => m.mechanism === "full-copy")!.overheadVsFullCopy).toBe(0);
  });

  it("gives every row the same numbers simulate() gives that pair alone", async () => {
    const r = await ampom("compare", ...SMALL, "--json", "--mechanisms", "lightweight");
    const rows = JSON.parse(r.stdout) as Array<Record<string, any>>;
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows.slice(0, 3)) {
      const alone = await simulate({ workload: "sequential", memory: "2MiB", mechanism: row.mechanism, policy: row.policy });
      for (const k of ["remoteFaults", "runtimeNs", "freezeNs", "faultsPrevented", "overheadVsFullCopy", "stallNs"]) {
        expect(row[k], `${row.policy} ${k}`).toBe((alone as any)[k]);
      }
    }
  });

  it("applies --param to the rows whose policy declares it, the others left out", async () => {
    const r = await ampom("compare", ...SMALL, "--json", "--param", "maxWindow=2");
    expect(r.stderr).toBe("");
    const rows = JSON.parse(r.stdout) as Array<Record<string, any>>;
    // ampom and leap have a maxWindow
    expect(rows.map((m) => `${m.mechanism}/${m.policy}`)).toEqual(["lightweight/ampom", "lightweight/leap", "post-copy/ampom", "post-copy/leap"]);
    let changed = 0;
    for (const row of rows) {
      const pair = { workload: "sequential", memory: "2MiB", mechanism: row.mechanism, policy: row.policy };
      const alone = await simulate({ ...pair, policyParams: { maxWindow: 2 } });
      const plain = await simulate(pair);
      for (const k of ["remoteFaults", "runtimeNs", "faultsPrevented", "overheadVsFullCopy", "oracleGapClosed"]) {
        expect(row[k], `${row.mechanism} ${k}`).toBe((alone as any)[k]);
      }
      if (row.remoteFaults !== plain.remoteFaults) changed++;
    }
    // the parameter took effect (ampom's window of 2 faults more on a sweep)
    expect(changed).toBeGreaterThan(0);
  });

  it("names a policy module given by its path by its file's name, the path once in the legend", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ampom-long-folder-of-policies-"));
    const module = join(dir, "readahead.ts");
    copyFileSync("examples/swap-readahead-policy.ts", module);
    const r = await ampom("compare", ...SMALL, "--mechanisms", "lightweight", "--policies", `none,${module}`);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    // before: the absolute path in every row, the column as wide as it
    expect(lines.find((l) => l.startsWith("lightweight ") && l.includes("readahead"))).toMatch(/^lightweight\s+readahead\.ts\s+\d/);
    expect(lines.filter((l) => l.includes(module))).toEqual([`  readahead.ts: policy module ${module}`]);
  });

  it("prints a table with one line per pair", async () => {
    const r = await ampom("compare", ...SMALL, "--policies", "none", "--quiet");
    expect(r.code).toBe(0);
    const all = r.stdout.trimEnd().split("\n");
    // the table, then a legend for the marks it holds
    const at = all.indexOf("Legend:");
    const lines = at < 0 ? all : all.slice(0, at);
    expect(lines[0]).toMatch(/^mechanism\s+policy\s+remote faults\s+met by push\s+prevented\s+accuracy\s+pushed\s+push used\s+late\s+stall\s+runtime\s+freeze/);
    expect(lines[1]).toMatch(/^-+( +-+)+$/);
    expect(lines.slice(2).every((l) => / none /.test(l))).toBe(true);
    expect(lines.map((l) => l.split(/\s+/)[0]).slice(2)).toEqual(["full-copy", "lightweight", "pre-copy", "post-copy"]);
    if (at >= 0) expect(all.slice(at + 1).every((l) => /^ {2}\S+( \S+)*: /.test(l))).toBe(true);
  });

  it("shows how many pages a push sent and the share used, which accuracy (the pages a policy asked for) leaves out", async () => {
    const runs = await Promise.all([
      simulate({ workload: "random", memory: "1MiB", policy: "ampom-plus", baselines: false }),
      simulate({ workload: "random", memory: "1MiB", mechanism: "post-copy", baselines: false }),
      simulate({ workload: "random", memory: "1MiB", policy: "none", baselines: false }),
    ]);
    const t = compareRows(runs);
    const col = (name: string) => t.header.indexOf(name);
    for (const [i, m] of runs.entries()) {
      expect(t.body[i][col("pushed")]).toBe(String(m.pushedPages));
      expect(t.body[i][col("push used")]).toBe(m.pushedPages > 0 ? pct(m.usefulPushes / m.pushedPages) : "-");
    }
    // pushes that were not all used, and a run that pushed nothing
    expect(runs[0].pushedPages).toBeGreaterThan(runs[0].usefulPushes);
    expect(runs[1].pushedPages).toBeGreaterThan(0);
    expect(t.body[2][col("push used")]).toBe("-");
  });

  it("marks the rows that read the trace ahead, says so in the legend and in JSON, and only those", async () => {
    const r = await ampom("compare", ...SMALL, "--mechanisms", "lightweight", "--policies", "none,oracle,set-oracle,ampom-plus", "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const policyOf = (name: string) => r.stdout.split("\n").find((l) => l.startsWith("lightweight") && l.split(/\s+/)[1] === name);
    expect(policyOf("oracle")).toMatch(/^lightweight\s+oracle \*\s/);
    expect(policyOf("set-oracle")).toMatch(/^lightweight\s+set-oracle \*\s/);
    expect(policyOf("ampom-plus")).toMatch(/^lightweight\s+ampom-plus\s+\d/);
    expect(r.stdout).toContain("  *: read the trace ahead (the oracle, the set oracle): references to measure the others by, not contenders");
    const json = await ampom("compare", ...SMALL, "--mechanisms", "lightweight", "--policies", "none,oracle,set-oracle,ampom-plus", "--json", "--quiet");
    const rows: Array<{ policy: string; clairvoyant?: boolean }> = JSON.parse(json.stdout);
    expect(rows.filter((m) => m.clairvoyant === true).map((m) => m.policy)).toEqual(["oracle", "set-oracle"]);
    expect(rows.filter((m) => "clairvoyant" in m && m.clairvoyant !== true)).toEqual([]);
    const none = await ampom("compare", ...SMALL, "--policies", "none", "--quiet");
    expect(none.stdout).not.toContain("*");
  });

  it("rejects unknown names in its lists, saying which are known", async () => {
    const r = await ampom("compare", ...SMALL, "--policies", "none,psychic");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ampom: option policies \(--policies\): unknown policy "psychic" \(known: none, .*\)/);
    const m = await ampom("compare", ...SMALL, "--mechanism", "full-copy");
    expect(m.code).toBe(2);
    expect(m.stderr).toContain("unknown option '--mechanism'");
  });

  it("--help explains the columns and gives examples", async () => {
    const r = await ampom("compare", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--policies <list>");
    expect(r.stdout).toContain("Examples:");
    expect(r.stdout).toContain("oracle");
  });
});
