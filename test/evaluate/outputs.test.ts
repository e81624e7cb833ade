// `ampom evaluate`'s outputs (--out, the runs folder, --report) must never replace a file
// the evaluation reads (the manifest, a trace, a policy module), and must be writable:
// each fault is refused before any run, naming the output, and nothing is written. The
// results file's bytes depend on the evaluation, not on how it ran.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allConfigs, corpusWorkloads, parseCondition, runFiles } from "../../src/evaluate/index.js";
import { ampom } from "../cli/capture.js";
import { scratchDir } from "../sweep/cli-helpers.js";

const dir = scratchDir("evaluate-outputs");
// the trace is named as a report's page, so that a report into its folder would replace it
const trace = join(dir, "report.html");
copyFileSync("test/fixtures/sort-lackey.amt", trace);
const manifest = join(dir, "manifest.json");
writeFileSync(manifest, JSON.stringify({ programs: [{ name: "sort", kind: "text", half: "test", file: "report.html" }] }));
const module = join(dir, "mine.ts");
copyFileSync("examples/swap-readahead-policy.ts", module);
const small = ["--corpus", manifest, "--kernels", "none", "--conditions", "gige-2008", "--migrate-at", "0.5", "--configs", "ampom-plus", "-j", "1", "-q"];

describe("evaluate's outputs", () => {
  it("refuses an output that is one of its inputs, before any run, and writes nothing", async () => {
    // digests: a deep comparison of the trace's bytes takes seconds
    const digests = () => [manifest, trace, module].map((f) => createHash("sha256").update(readFileSync(f)).digest("hex"));
    const before = digests();
    const runsDir = join(dir, "runs");
    // a runs file that is the trace (one file under two names)
    const plan = {
      workloads: corpusWorkloads(manifest),
      configs: allConfigs().filter((c) => ["none", "oracle", "ampom-plus"].includes(c.id)),
      conditions: [parseCondition("gige-2008")],
      points: [0.5],
    };
    const linked = join(dir, "linked-runs");
    mkdirSync(linked);
    const runsFile = runFiles(plan, linked)[0];
    linkSync(trace, runsFile);
    const cases: Array<[string[], string]> = [
      [["--out", manifest], `--out ${manifest}: is the corpus manifest, which the results would overwrite; give another file`],
      [["--out", join(dir, ".", "report.html")], `--out ${join(dir, "report.html")}: is the trace of program sort, which the results would overwrite; give another file`],
      [["--policy", module, "--out", module], `--out ${module}: is a policy module (--policy), which the results would overwrite; give another file`],
      [["--out", join(dir, "x.json"), "--report", dir], `--report ${dir}: ${trace}: is the trace of program sort, which the report would overwrite; give another folder`],
      [["--out", join(dir, "x.json"), "--runs-dir", linked], `runs folder ${linked}: ${runsFile}: is the trace of program sort, which the runs would overwrite; give another folder`],
    ];
    for (const [args, message] of cases) {
      // a --runs-dir in the case comes last, and wins
      const r = await ampom("evaluate", ...small, "--runs-dir", runsDir, ...args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toBe(`ampom: ${message}\n`);
      expect(r.stdout).toBe("");
    }
    expect(digests()).toEqual(before);
    expect(existsSync(join(dir, "x.json"))).toBe(false);
    expect(existsSync(runsDir)).toBe(false);
  });

  // /sys refuses a new file even to root, whom access() tells yes
  it.skipIf(!existsSync("/sys/kernel"))("refuses a folder it cannot write in, before any run, and makes no runs folder", async () => {
    const out = join(dir, "w.json");
    const cases: Array<[string[], string]> = [
      [["--out", out, "--report", "/sys/kernel/r"], "--report /sys/kernel/r: /sys/kernel is not writable"],
      [["--out", "/sys/kernel/x.json"], "/sys/kernel/x.json: cannot write it: folder /sys/kernel is not writable"],
      [["--out", out, "--runs-dir", "/sys/kernel/runs"], "--runs-dir /sys/kernel/runs: /sys/kernel is not writable"],
      [["--out", out, "--runs-dir", manifest], `--runs-dir ${manifest}: exists and is not a folder (give a folder for the runs' results files)`],
    ];
    for (const [args, message] of cases) {
      const r = await ampom("evaluate", "--traces", "none", "--kernels", "sequential", "-m", "1MiB", "--conditions", "gige-2008", "--migrate-at", "0.5", "-j", "1", "-q", ...args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr.startsWith(`ampom: ${message}`), r.stderr).toBe(true);
      expect(r.stderr.split("\n")).toHaveLength(2);
      expect(r.stdout).toBe("");
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, "w-runs"))).toBe(false);
  });

  it("writes the same bytes whatever the workers, -q or --json, and records none of them", async () => {
    const out = join(dir, "same.json");
    const args = ["evaluate", "--traces", "none", "--kernels", "sequential", "-m", "1MiB", "--conditions", "gige-2008", "--migrate-at", "0.5", "--configs", "ampom-plus", "--out", out];
    const one = await ampom(...args, "-j", "1", "-q");
    expect(one.code, one.stderr).toBe(0);
    const first = readFileSync(out, "utf8");
    // the second resumes the first's runs; its file must not say how it ran either
    const two = await ampom(...args, "-j", "2", "--json");
    expect(two.code, two.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(first);
    expect(two.stdout).toBe(first);
    const json = JSON.parse(first);
    for (const options of [json.options, json.provenance.options]) {
      expect(Object.keys(options).filter((k) => ["workers", "quiet", "json"].includes(k))).toEqual([]);
      expect(options.runsDir).toBe(join(dir, "same-runs"));
    }
  });
});
