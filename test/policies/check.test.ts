// `ampom check-policy`: what it finds of the built-in policies (the online ones pass;
// the oracles, which read the trace by design, fail trace-ahead and nothing else), of a
// module that keeps state between runs, and what the command prints and exits with.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readsAhead } from "../../src/migration/push-orders/index.js";
import { checkPolicy } from "../../src/policies/check.js";
import { policies } from "../../src/policies/registry.js";
import { ampom } from "../cli/capture.js";
import { scratchDir } from "../sweep/cli-helpers.js";

// a sweep, a stride and random pages: the oracles push differently under each
const WORKLOADS = ["hpl", "random", "sequential"];

describe("check-policy on the built-in policies", () => {
  it.each(Object.keys(policies))("%s", async (name) => {
    const report = await checkPolicy({ policy: name, workloads: WORKLOADS });
    const push = policies[name].push;
    const failed = report.findings.filter((f) => !f.passed);
    if (push && readsAhead(push)) {
      // it pushes the pages the process will use: another future changes what it sends
      expect(failed.length).toBeGreaterThan(0);
      expect(new Set(failed.map((f) => f.check))).toEqual(new Set(["trace-ahead"]));
      expect(failed[0].detail).toMatch(/^another future from record \d+ \(reached at .+\): event \d+: push of page \d+ at .+, where the run as it was had push of page \d+ at /);
    } else {
      expect(failed).toEqual([]);
      expect(report.passed).toBe(true);
    }
    // every check on every workload with each mechanism the policy takes, and runs once
    const mechanisms = push ? 1 : 2;
    expect(report.findings.length).toBe(1 + WORKLOADS.length * mechanisms * 3);
  });
});

// before: refused ("a trace's records are its own"); a trace moved to another future
// from a record is still that trace up to it, so users can check on the data they publish
describe("check-policy on a trace", () => {
  const trace = "test/fixtures/sort-lackey.amt";
  it("passes an online policy on every check, with each mechanism; fails the oracle on trace-ahead alone", async () => {
    const online = await checkPolicy({ policy: "linux-cluster", workloads: [trace] });
    expect(online.findings.map((f) => [f.check, f.mechanism, f.passed])).toEqual([
      ["runs", "lightweight", true],
      ["cores", "lightweight", true],
      ["trace-ahead", "lightweight", true],
      ["traffic-ahead", "lightweight", true],
      ["cores", "post-copy", true],
      ["trace-ahead", "post-copy", true],
      ["traffic-ahead", "post-copy", true],
    ]);
    const oracle = await checkPolicy({ policy: "oracle", workloads: [trace, "random"] });
    expect(oracle.findings.filter((f) => !f.passed).map((f) => [f.check, f.workload])).toEqual([
      ["trace-ahead", trace],
      ["trace-ahead", "random"],
    ]);
  });
});

describe("check-policy on a module", () => {
  const dir = scratchDir("check");
  // asks for the page after the fault, and as many more as faults it has seen in this
  // process's life: honest, its count in ctx.state
  const honest = join(dir, "honest.mjs");
  writeFileSync(
    honest,
    `export function reset(ctx) { ctx.state = { faults: 0 }; }
export function onFault(ctx, page) { ctx.state.faults++; for (let i = 1; i <= 1 + (ctx.state.faults % 4); i++) ctx.request(page + i); }
export function onUse() {}
export function onArrival() {}
export function onServed() {}
`,
  );
  // the same with its count at module level: it carries from one run to the next
  const carries = join(dir, "carries.mjs");
  writeFileSync(
    carries,
    `let faults = 0;
export function reset() {}
export function onFault(ctx, page) { faults++; for (let i = 1; i <= 1 + (faults % 4); i++) ctx.request(page + i); }
export function onUse() {}
export function onArrival() {}
export function onServed() {}
`,
  );

  it("passes a module that keeps its state in ctx.state", async () => {
    const report = await checkPolicy({ policy: honest, workloads: ["random", "sequential"] });
    expect(report.findings.filter((f) => !f.passed)).toEqual([]);
    expect(report.findings.length).toBe(1 + 2 * 2 * 3);
  });

  it("fails one that keeps it in the module, and stops there", async () => {
    const report = await checkPolicy({ policy: carries, workloads: ["random", "sequential"] });
    expect(report.passed).toBe(false);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ check: "runs", workload: "random", mechanism: "lightweight", passed: false });
    expect(report.findings[0].detail).toMatch(/^run again at once, \w+: .+ first, .+ then: the policy keeps state outside ctx\.state, or decides by chance or the clock/);
  });

  // before: a table at module level, made again only for an address space of another
  // size, passed `runs` (its other workload rebuilt it) and failed the later checks as
  // `cores` and `trace-ahead`, which point at the simulator or at clairvoyance; and a
  // policy that decides by chance was told it keeps state
  it("fails one whose module-level table outlives a run of the same size, as `runs`", async () => {
    const sized = join(dir, "sized.mjs");
    writeFileSync(
      sized,
      `let seen;
export function reset(ctx) { if (!seen || seen.length !== ctx.pageCount) seen = new Uint8Array(ctx.pageCount); ctx.state = {}; }
export function onFault(ctx, page) { seen[page] = 1; let k = 0; for (let q = page + 1; q < ctx.pageCount && k < 16; q++) if (seen[q] && ctx.isHome(q)) { ctx.request(q); k++; } }
export function onUse() {}
export function onArrival() {}
export function onServed() {}
`,
    );
    const report = await checkPolicy({ policy: sized, workloads: ["randomaccess", "sequential"] });
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ check: "runs", workload: "randomaccess", passed: false });
    expect(report.findings[0].detail).toMatch(/^run again at once, /);
    const chance = join(dir, "chance.mjs");
    writeFileSync(
      chance,
      `export function reset(ctx) { ctx.state = {}; }
export function onFault(ctx, page) { if (Math.random() < 0.5 && page + 1 < ctx.pageCount) ctx.request(page + 1); }
export function onUse() {}
export function onArrival() {}
export function onServed() {}
`,
    );
    const dice = await checkPolicy({ policy: chance, workloads: ["random"] });
    expect(dice.findings).toHaveLength(1);
    expect(dice.findings[0].detail).toContain("or decides by chance or the clock (Math.random, Date.now, performance.now)");
  });
});

describe("ampom check-policy", () => {
  it("prints a row a check and exits 0 when all pass", async () => {
    const r = await ampom("check-policy", "linux-cluster", "--workloads", "random", "-q");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^check\s+workload\s+mechanism\s+result\s+what was compared, or the first difference$/);
    expect(lines.filter((l) => /\bpass\b/.test(l))).toHaveLength(7);
    expect(r.stdout).toMatch(/trace-ahead\s+random\s+lightweight\s+pass\s+the same events until records [\d,]+, [\d,]+, [\d,]+, with other futures after them/);
    expect(lines.at(-1)).toBe("all 7 checks passed");
    expect(r.stderr).toBe("");
  });

  it("exits 1 naming how many failed, the report still printed (JSON here)", async () => {
    const r = await ampom("check-policy", "oracle", "--workloads", "random", "--json", "-q");
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.passed).toBe(false);
    expect(report.findings.map((f: { check: string; passed: boolean }) => [f.check, f.passed])).toEqual([
      ["runs", true],
      ["cores", true],
      ["trace-ahead", false],
      ["traffic-ahead", true],
    ]);
    expect(r.stderr).toBe("ampom: policy oracle failed 1 of 4 checks\n");
  });

  it("refuses a workload that is neither built in nor a trace file, and an unknown policy, in one line", async () => {
    const trace = await ampom("check-policy", "ampom", "--workloads", "test/fixtures/no-such-trace.amt", "-q");
    expect(trace.code).toBe(1);
    expect(trace.stderr).toMatch(/^ampom: unknown workload "test\/fixtures\/no-such-trace\.amt" \(built-in: (\w+, )+\w+; or a trace file path\)\n$/);
    expect(trace.stdout).toBe("");
    const unknown = await ampom("check-policy", "nope", "-q");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^ampom: check: unknown policy "nope" \(known: none, .*, ampom-plus, .*; or a module's path, such as \.\/my-policy\.ts\)\n$/);
    expect(unknown.stdout).toBe("");
  });
});
