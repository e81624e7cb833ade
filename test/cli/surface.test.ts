// What a user meets first: --version and provenance in every JSON result; options a
// workload cannot use refused, naming them; one mechanism x policy rule everywhere; -q and
// --json on every command that prints progress or results.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Command } from "commander";
import { compare, simulate } from "../../src/index.js";
import { registerRun } from "../../src/cli/commands/run.js";
import { optionFlag, resolveOptions, runOptionsSchema } from "../../src/sim/options.js";
import { planSweep } from "../../src/sweep/config.js";
import { provenance } from "../../src/util/provenance.js";
import { formatBytes } from "../../src/util/units.js";
import { ampom } from "./capture.js";

const TRACE = "test/fixtures/sort-lackey.amt";
const dir = mkdtempSync(join(tmpdir(), "ampom-surface-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What every JSON result's provenance holds. */
function expectProvenance(p: Record<string, unknown>, core?: string): void {
  expect(p).toMatchObject({ tool: "ampom", node: process.version });
  expect(p.version).toBe(JSON.parse(readFileSync("package.json", "utf8")).version);
  // this test runs in a checkout: the commit is HEAD's
  expect(p.commit).toMatch(/^[0-9a-f]{40}$/);
  expect(typeof p.dirty).toBe("boolean");
  if (core) expect(p.core).toBe(core);
}

describe("provenance", () => {
  it("ampom --version names the version, the commit and Node", async () => {
    const r = await ampom("--version");
    expect(r.code).toBe(0);
    const p = provenance();
    expect(r.stdout).toBe(`ampom ${p.version} (commit ${p.commit!.slice(0, 12)}${p.dirty ? " with uncommitted changes" : ""}, Node ${process.version})\n`);
    expect((await ampom("-V")).stdout).toBe(r.stdout);
  });

  it("run, compare, cluster and trace info carry it in their JSON, with the core and the options used", async () => {
    const run = JSON.parse((await ampom("run", "--workload", "random", "--memory", "1MiB", "--core", "reference", "--no-baselines", "--json")).stdout);
    expectProvenance(run.provenance, "reference");
    expect(run.provenance.options).toMatchObject({ workload: "random", memory: "1MiB", mechanism: "lightweight", policy: "ampom", core: "reference", seed: 1 });
    const rows = JSON.parse((await ampom("compare", "--workload", "random", "--memory", "1MiB", "--mechanisms", "lightweight", "--policies", "none,leap", "--json")).stdout);
    for (const row of rows) {
      expectProvenance(row.provenance, "wasm");
      expect(row.provenance.options).toMatchObject({ mechanism: "lightweight", policy: row.policy });
    }
    writeFileSync(join(dir, "c.json"), JSON.stringify({ nodes: 2, processes: [{ name: "p", node: 0, workload: "random", memory: "1MiB" }], triggers: [{ kind: "fraction", process: "p", to: 1, at: 0.5 }] }));
    const cluster = JSON.parse((await ampom("cluster", join(dir, "c.json"), "--json", "-q")).stdout);
    expectProvenance(cluster.provenance, "wasm");
    expect(cluster.provenance.options.scenario.processes[0].workload).toBe("random");
    const info = JSON.parse((await ampom("trace", "info", TRACE, "--json", "-q")).stdout);
    expectProvenance(info.provenance);
  });

  it("names the contents of the files a run reads: its trace and its policy module", async () => {
    const module = "examples/swap-readahead-policy.ts";
    const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");
    const run = JSON.parse((await ampom("run", "--workload", TRACE, "--policy", `./${module}`, "--no-baselines", "--json")).stdout);
    expect(run.provenance).toMatchObject({ traceSha256: sha(TRACE), policyModuleSha256: sha(module) });
    const rows = JSON.parse((await ampom("compare", "--workload", TRACE, "--mechanisms", "lightweight", "--policies", `none,./${module}`, "--json", "-q")).stdout);
    expect(rows.map((r: { provenance: object }) => r.provenance)).toMatchObject([{ traceSha256: sha(TRACE) }, { traceSha256: sha(TRACE), policyModuleSha256: sha(module) }]);
    expect(rows[0].provenance).not.toHaveProperty("policyModuleSha256");
    // a generated workload reads no file
    const plain = JSON.parse((await ampom("run", "--workload", "random", "--memory", "1MiB", "--no-baselines", "--json")).stdout);
    expect(plain.provenance).not.toHaveProperty("traceSha256");
  });

  it("a sweep's every line carries it", async () => {
    const config = join(dir, "s.json");
    writeFileSync(config, JSON.stringify({ base: { workload: "random", memory: "1MiB", baselines: false }, grid: { policy: ["none", "leap"] } }));
    const r = await ampom("sweep", config, "--out", join(dir, "s.jsonl"), "--workers", "1", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ total: 2, ran: 2, failed: 0 });
    const lines = readFileSync(join(dir, "s.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
    for (const l of lines) expectProvenance(l.provenance, "wasm");
  });

  it("a sweep's lines name the contents of the trace and the policy module a run read", async () => {
    const module = resolve("examples/swap-readahead-policy.ts");
    const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");
    const config = join(dir, "files.json");
    writeFileSync(config, JSON.stringify({ base: { workload: resolve(TRACE), baselines: false }, grid: { policy: ["none", module] } }));
    const r = await ampom("sweep", config, "--out", join(dir, "files.jsonl"), "--workers", "1", "-q");
    expect(r.code).toBe(0);
    const [plain, custom] = readFileSync(join(dir, "files.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l).provenance);
    expect(plain).toMatchObject({ traceSha256: sha(TRACE) });
    expect(plain).not.toHaveProperty("policyModuleSha256");
    expect(custom).toMatchObject({ traceSha256: sha(TRACE), policyModuleSha256: sha(module) });
  });
});

describe("a build older than its sources", () => {
  it("names the commit it was built from, and says stale once the sources change without a rebuild or it has no stamp", () => {
    // a copy of the package: its built code, its sources, the dependencies linked
    const pkg = mkdtempSync(join(tmpdir(), "ampom-stale-"));
    try {
      for (const f of ["bin", "dist", "src", "assembly", "package.json"]) cpSync(f, join(pkg, f), { recursive: true });
      for (const f of ["node_modules", "build"]) symlinkSync(resolve(f), join(pkg, f));
      const run = () => spawnSync("node", [join(pkg, "bin/ampom.js"), "run", "--workload", "random", "--memory", "1MiB", "--no-baselines", "--json"], { encoding: "utf8" });
      const stamp = JSON.parse(readFileSync("dist/build-info.json", "utf8"));
      const fresh = run();
      expect(fresh.stderr).toBe("");
      const p = JSON.parse(fresh.stdout).provenance;
      expect(p.commit).toBe(stamp.commit);
      expect(p.stale).toBeUndefined();

      const warning = "ampom: warning: this build was made from other sources than the ones beside it, or carries no stamp of them (run npm run build); its results say stale\n";
      appendFileSync(join(pkg, "src/util/units.ts"), "// edited after the build\n");
      const stale = run();
      expect(stale.status).toBe(0);
      expect(stale.stderr).toBe(warning);
      expect(JSON.parse(stale.stdout).provenance).toMatchObject({ commit: stamp.commit, stale: true });

      // the build's code alone, without its sources (a deployment of dist/): nothing to doubt
      rmSync(join(pkg, "src"), { recursive: true });
      expect(run().stderr).toBe("");
      // a build half remade (npm run build:ts alone) carries no stamp: no commit is named
      rmSync(join(pkg, "dist/build-info.json"));
      const unstamped = run();
      expect(unstamped.stderr).toBe(warning);
      expect(JSON.parse(unstamped.stdout).provenance).toMatchObject({ commit: null, stale: true });
      const version = spawnSync("node", [join(pkg, "bin/ampom.js"), "--version"], { encoding: "utf8" }).stdout;
      expect(version).toMatch(/^ampom \S+ \(commit unknown, a build of other sources than the ones beside it: run npm run build, Node /);
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });
});

describe("options a workload cannot use", () => {
  it("are refused on a trace, naming every one given; their defaults are not", async () => {
    const r = await ampom("run", "--workload", TRACE, "--memory", "256MiB", "--working-set", "0.5", "--iterations", "3", "--seed", "5", "--cpu", "host");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `ampom: options memory (--memory), workingSet (--working-set), iterations (--iterations), seed (--seed), cpu (--cpu): apply to generated workloads only; workload ${TRACE} is a trace, whose records and footprint are its own (leave them out)\n`,
    );
    const one = await ampom("compare", "--workload", TRACE, "--seed", "2");
    expect(one.stderr).toMatch(/^ampom: option seed \(--seed\): applies to generated workloads only; /);
    await expect(simulate({ workload: TRACE, memory: "64MiB" })).rejects.toThrow(/option memory \(--memory\): applies to generated workloads only/);
    expect(() => planSweep({ base: { workload: TRACE }, grid: { seed: [1, 2] } }, "sweep.json")).toThrow(/^sweep\.json: grid\.seed\[0\]: .*applies to generated workloads only/);
    // each wrong for the base's trace, named as the base's are below (before: "grid
    // combination 0 (workingSet=0.5, seed=1): options workingSet, seed: ...")
    expect(() => planSweep({ base: { workload: TRACE }, grid: { workingSet: [0.5], seed: [1] } }, "sweep.json")).toThrow(
      /^sweep\.json: grid\.workingSet\[0\], grid\.seed\[0\]: apply to generated workloads only; /,
    );
    expect(() => planSweep({ base: { workload: "random", migrateAtRecord: 5 }, grid: { migrateAtTime: ["1ms"] } }, "sweep.json")).toThrow(
      "sweep.json: grid.migrateAtTime[0]: options migrateAtRecord and migrateAtTime name two migration points; give one",
    );
    // a sweep's base with two of them said "base: options seed (--seed), cpu (--cpu): ..."
    expect(() => planSweep({ base: { workload: TRACE, seed: 2, cpu: "host" }, grid: { policy: ["none"] } }, "sweep.json")).toThrow(
      /^sweep\.json: base\.seed, base\.cpu: apply to generated workloads only; /,
    );
  });

  it("report a trace's own footprint, not a memory size it was never given", async () => {
    const m = await simulate({ workload: TRACE, baselines: false });
    expect(m.memoryBytes).toBe(m.pages * 4096);
    const text = (await ampom("run", "--workload", TRACE, "--no-baselines")).stdout;
    // its regions' pages, touched or not, which the line names as an address space (the
    // fixture touched 210 of its 538)
    expect(text).toContain(`${TRACE} (${formatBytes(m.pages * 4096)} address space, ${m.records} records, ${m.pages} pages)`);
    // a generated workload reports the memory it was given
    expect((await simulate({ workload: "random", memory: "2MiB", baselines: false })).memoryBytes).toBe(2 << 20);
  });
});

describe("one mechanism x policy rule", () => {
  it("is the same in run, compare, sweep and the library, with the reason", async () => {
    const why = /mechanism full-copy takes policy none only: it moves every page before the process resumes, so no page is fetched after migration and policy ampom would never run/;
    const run = await ampom("run", "--workload", "random", "--memory", "1MiB", "--mechanism", "full-copy", "--policy", "ampom");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(why);
    const cmp = await ampom("compare", "--workload", "random", "--memory", "1MiB", "--mechanisms", "full-copy", "--policies", "ampom");
    expect(cmp.code).toBe(1);
    expect(cmp.stderr).toMatch(new RegExp(`^ampom: nothing to compare: ${why.source}`));
    await expect(simulate({ workload: "random", memory: "1MiB", mechanism: "full-copy", policy: "ampom" })).rejects.toThrow(why);
    expect(() => planSweep({ base: { workload: "random", memory: "1MiB" }, grid: { mechanism: ["lightweight", "full-copy"], policy: ["ampom"] } }, "s.json")).toThrow(why);
    // full-copy without a policy runs with none
    const plain = JSON.parse((await ampom("run", "--workload", "random", "--memory", "1MiB", "--mechanism", "full-copy", "--no-baselines", "--json")).stdout);
    expect(plain.policy).toBe("none");
    // compare shows full-copy and pre-copy with none only, and says why a mechanism has no row
    const rows = await compare({ workload: "random", memory: "1MiB", policies: ["none", "ampom"] });
    expect(rows.filter((m) => m.mechanism === "full-copy" || m.mechanism === "pre-copy").map((m) => m.policy)).toEqual(["none", "none"]);
    const table = await ampom("compare", "--workload", "random", "--memory", "1MiB", "--policies", "ampom");
    expect(table.stdout).toMatch(/\n {2}full-copy, pre-copy: no row: the options refuse every selected policy with it/);
    // and why a policy has none: a parameter only ampom takes leaves none and leap out
    const param = await ampom("compare", "--workload", "random", "--memory", "1MiB", "--policies", "none,ampom,leap", "--param", "zoneRadius=4", "-q");
    expect(new Set(param.stdout.split("\nLegend:")[0].split("\n").slice(2).map((l) => l.split(/\s+/)[1]))).toEqual(new Set(["ampom"]));
    expect(param.stdout).toMatch(/\n {2}none, leap: no row: the options refuse each with every selected mechanism \(full-copy and pre-copy take policy none only; --param some policies only\)\n/);
    // eager pages are lightweight's and post-copy's: a copy given them is refused (they
    // changed nothing, and a sweep over them reported identical runs as different ones),
    // and compare leaves the copies out, saying why
    expect((await ampom("run", "--workload", "random", "--memory", "1MiB", "--mechanism", "full-copy", "--eager-pages", "5")).stderr).toBe(
      "ampom: option eagerPages (--eager-pages): mechanism full-copy sends every page before the process resumes and takes no eager pages; they go with lightweight or post-copy\n",
    );
    expect(() => planSweep({ base: { workload: "random", memory: "1MiB", mechanism: "pre-copy" }, grid: { eagerPages: [0, 3] } }, "s.json")).toThrow(/eagerPages/);
    const eager = await ampom("compare", "--workload", "random", "--memory", "1MiB", "--policies", "none", "--eager-pages", "5", "-q");
    expect(eager.stdout).toMatch(/\n {2}full-copy, pre-copy: no row: the options refuse every selected policy with it \(full-copy and pre-copy take policy none only; --eager-pages fits the others only\)\n/);
  });
});

describe("-q and --json on every command", () => {
  it("are accepted by run, cluster, trace info, import and sweep-merge, and --json prints JSON only", async () => {
    const run = await ampom("run", "--workload", "random", "--memory", "1MiB", "--no-baselines", "-q");
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const text = join(dir, "t.txt");
    writeFileSync(text, "R 10 1\nW 11 2\nR 10 3\n");
    const imp = await ampom("trace", "import", text, "-o", join(dir, "t.amt"), "--json");
    expect(imp.code).toBe(0);
    expect(imp.stderr).toBe("");
    expect(JSON.parse(imp.stdout)).toMatchObject({ records: 3, pages: 2, accesses: 6 });
    for (const cmd of ["run", "compare", "reproduce", "sweep", "sweep-merge", "cluster", "evaluate"]) {
      const help = (await ampom(cmd, "--help")).stdout;
      expect(help, cmd).toMatch(/-q, --quiet/);
      expect(help, cmd).toMatch(/--json/);
    }
    for (const sub of ["import", "info", "capture"]) {
      const help = (await ampom("trace", sub, "--help")).stdout;
      expect(help, sub).toMatch(/-q, --quiet/);
      expect(help, sub).toMatch(/--json/);
    }
  });
});

describe("the flags the library's messages name", () => {
  it("are flags `ampom run` takes, or none for an option it does not take", () => {
    const program = new Command();
    registerRun(program);
    const flags = new Set(program.commands.find((c) => c.name() === "run")!.options.map((o) => o.long));
    const libraryOnly: string[] = [];
    for (const key of Object.keys(runOptionsSchema.shape)) {
      const flag = optionFlag(key);
      if (flag === undefined) libraryOnly.push(key);
      else expect(flags.has(flag), `${key}: ${flag}`).toBe(true);
    }
    expect(libraryOnly.sort()).toEqual(["chunkRecords", "historyLength"]);
    // named by key alone (it was "option historyLength (--history-length)", a flag run refuses)
    expect(() => resolveOptions({ historyLength: 0 })).toThrow(/^option historyLength: /);
    // a whole number past 2^53-1 is refused with that bound, not as below the least
    expect(() => resolveOptions({ migrateAtRecord: 2 ** 60 })).toThrow("option migrateAtRecord (--migrate-at-record): expected a whole number from 0 to 2^53-1 (the record to migrate before), got 1152921504606847000");
    expect(() => resolveOptions({ iterations: 2 ** 60 })).toThrow("option iterations (--iterations): expected a whole number from 1 to 2^53-1");
    expect(() => resolveOptions({ mechanismParams: { maxRounds: "x" } as never })).toThrow(/^option mechanismParams\.maxRounds: /);
  });
});

describe("an output that cannot be written", () => {
  it("is named as standard output, exit 1 (Node's message named the write call)", () => {
    const bin = new URL("../../bin/ampom.js", import.meta.url).pathname;
    const r = spawnSync("sh", ["-c", `node "${bin}" run --workload random --memory 1MiB --no-baselines > /dev/full`], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr.split("\n").filter((l) => !l.includes("warning: this build"))).toEqual(["ampom: standard output: no space left on the device", ""]);
  });
});
