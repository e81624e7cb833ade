// `--events FILE` on run, compare and cluster: JSON Lines with the promised fields, in
// time order, counting what the metrics count; compare's lines name their row; the
// file appears only when the command succeeds; and it is written in constant memory.
import { execFile, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { ampom } from "./capture.js";

const dir = mkdtempSync(join(tmpdir(), "ampom-events-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Line {
  t: number;
  kind: string;
  page: number | null;
  process: string;
  scenario?: string;
  via?: string;
  step?: string;
  node?: string;
}

const KINDS = ["fault", "prefetch", "push", "eager", "copy", "arrival", "migrate", "done"];

/** Every line parsed, each checked for the fields every line has. */
function readLines(path: string): Line[] {
  const text = readFileSync(path, "utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text.trimEnd().split("\n").map((l, i) => {
    const e = JSON.parse(l) as Line;
    expect(Number.isFinite(e.t), `line ${i + 1}: ${l}`).toBe(true);
    expect(KINDS).toContain(e.kind);
    expect(typeof e.process).toBe("string");
    expect(e.page === null || Number.isInteger(e.page), `line ${i + 1}: ${l}`).toBe(true);
    expect(e.page === null).toBe(e.kind === "migrate" || e.kind === "done");
    if (e.kind === "arrival") expect(["fault", "prefetch", "push", "eager", "copy"]).toContain(e.via);
    if (e.kind === "migrate") expect(["decision", "freeze", "resume", "called-off"]).toContain(e.step);
    return e;
  });
}

const count = (lines: Line[], kind: string) => lines.filter((e) => e.kind === kind).length;

/** No file and no temporary beside it. */
function nothingLeft(path: string): void {
  expect(existsSync(path)).toBe(false);
  expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
}

describe("--events", () => {
  it("run: one event a line with t, kind, page, process; in time order; counts match the metrics", async () => {
    const out = join(dir, "run.jsonl");
    const r = await ampom("run", "--workload", "stream", "--memory", "4MiB", "--mechanism", "post-copy", "--policy", "ampom", "--no-baselines", "--json", "--events", out);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout);
    const lines = readLines(out);
    for (let i = 1; i < lines.length; i++) expect(lines[i].t).toBeGreaterThanOrEqual(lines[i - 1].t);
    expect(new Set(lines.map((e) => e.process))).toEqual(new Set(["stream"]));
    expect(count(lines, "fault")).toBe(m.remoteFaults);
    expect(count(lines, "push")).toBe(m.pushedPages);
    // pages asked for land as asked, or as pushed when the push sent them first
    const via = (kind: string) => lines.filter((e) => e.kind === "arrival" && e.via === kind).length;
    expect(via("fault")).toBe(m.remoteFaults - m.faultsMetByPush);
    expect(via("prefetch")).toBe(m.prefetchedPages);
    expect(count(lines, "prefetch")).toBeGreaterThanOrEqual(m.prefetchedPages);
    expect(count(lines, "arrival")).toBe(via("fault") + via("prefetch") + count(lines, "push") + count(lines, "eager"));
    expect(lines.filter((e) => e.kind === "migrate").map((e) => [e.step, e.node])).toEqual([["decision", "n0"], ["freeze", "n0"], ["resume", "n1"]]);
    expect(lines.find((e) => e.kind === "done")).toMatchObject({ t: m.runtimeNs, node: "n1" });
  });

  it("run with baselines logs the scenario's run only, and gives the same metrics as without", async () => {
    const out = join(dir, "run-baselines.jsonl");
    const args = ["run", "--workload", "sequential", "--memory", "2MiB", "--policy", "leap", "--json"];
    const logged = await ampom(...args, "--events", out);
    const plain = await ampom(...args);
    expect(logged.stdout).toBe(plain.stdout);
    const lines = readLines(out);
    expect(lines.filter((e) => e.kind === "done")).toHaveLength(1);
    expect(count(lines, "prefetch")).toBe(JSON.parse(plain.stdout).prefetchedPages);
  });

  it("compare: every line names its row as scenario; rows in the table's order, each counting what its metrics count", async () => {
    const out = join(dir, "compare.jsonl");
    const r = await ampom("compare", "--workload", "hpl", "--memory", "2MiB", "--policies", "none,ampom,bubbling", "--json", "-q", "--events", out);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ mechanism: string; policy: string; remoteFaults: number; faultsMetByPush: number; prefetchedPages: number; pushedPages: number }>;
    const lines = readLines(out);
    const scenarios: string[] = [];
    for (const e of lines) if (scenarios[scenarios.length - 1] !== e.scenario) scenarios.push(e.scenario!);
    // each row's lines together, in row order
    expect(scenarios).toEqual(rows.map((x) => `${x.mechanism}/${x.policy}`));
    for (const row of rows) {
      const mine = lines.filter((e) => e.scenario === `${row.mechanism}/${row.policy}`);
      expect(count(mine, "fault")).toBe(row.remoteFaults);
      expect(mine.filter((e) => e.kind === "arrival" && e.via === "fault")).toHaveLength(row.remoteFaults - row.faultsMetByPush);
      expect(mine.filter((e) => e.kind === "arrival" && e.via === "prefetch")).toHaveLength(row.prefetchedPages);
      expect(count(mine, "push")).toBe(row.pushedPages);
      expect(mine.filter((e) => e.kind === "done")).toHaveLength(1);
      for (let i = 1; i < mine.length; i++) expect(mine[i].t).toBeGreaterThanOrEqual(mine[i - 1].t);
    }
  });

  it("cluster: lines name the scenario's processes and nodes, in time order across processes", async () => {
    const scenario = join(dir, "two.json");
    writeFileSync(
      scenario,
      JSON.stringify({
        nodes: [{ name: "alpha" }, { name: "beta" }],
        processes: [
          { name: "left", node: "alpha", workload: "sequential", memory: "1MiB", policy: "ampom" },
          { name: "right", node: "alpha", workload: "random", memory: "1MiB", mechanism: "post-copy" },
        ],
        triggers: [
          { kind: "fraction", process: "left", to: "beta", at: 0.5 },
          { kind: "fraction", process: "right", to: "beta", at: 0.3 },
        ],
      }),
    );
    const out = join(dir, "cluster.jsonl");
    const r = await ampom("cluster", scenario, "--json", "--events", out);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    const lines = readLines(out);
    for (let i = 1; i < lines.length; i++) expect(lines[i].t).toBeGreaterThanOrEqual(lines[i - 1].t);
    for (const p of result.processes) {
      const mine = lines.filter((e) => e.process === p.name);
      expect(count(mine, "fault")).toBe(p.remoteFaults);
      expect(mine.filter((e) => e.kind === "migrate").map((e) => e.node)).toEqual(["alpha", "alpha", "beta"]);
    }
    expect(new Set(lines.map((e) => e.process))).toEqual(new Set(["left", "right"]));
  });

  it("is written atomically: a run that fails part-way leaves no file and no temporary", async () => {
    // the committed lackey trace with a byte of its last block changed: the run fails
    // when it reaches that block, long after the migration's events
    const bad = join(dir, "bad.amt");
    const bytes = readFileSync(fileURLToPath(new URL("../fixtures/sort-lackey.amt", import.meta.url)));
    bytes[bytes.length - 16 - 100] ^= 0xff;
    writeFileSync(bad, bytes);
    for (const cmd of [["run", "--no-baselines"], ["compare", "-q", "--policies", "none,ampom"]]) {
      const out = join(dir, `bad-${cmd[0]}.jsonl`);
      const r = await ampom(cmd[0], "--workload", bad, "--json", ...cmd.slice(1), "--events", out);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^ampom: .*bad\.amt: corrupt amt trace: checksum mismatch in block \d+ at byte \d+\n$/);
      expect(r.stdout).toBe("");
      nothingLeft(out);
    }
  });

  it("never replaces an input of the run: the trace, a policy module, the scenario file", async () => {
    const trace = join(dir, "in.amt");
    writeFileSync(trace, readFileSync("test/fixtures/sort-lackey.amt"));
    const module = join(dir, "mod.ts");
    writeFileSync(module, readFileSync("examples/swap-readahead-policy.ts"));
    const scenario = join(dir, "cl.json");
    writeFileSync(scenario, JSON.stringify({ nodes: 2, processes: [{ name: "x", node: 0, workload: "in.amt", policy: "./mod.ts" }] }));
    const before = [trace, module, scenario].map((f) => readFileSync(f));
    const cases: Array<[string[], string]> = [
      [["run", "--workload", trace, "--events", trace], `events file ${trace}: is the workload's trace`],
      [["run", "--workload", "sequential", "--memory", "1MiB", "--policy", module, "--events", join(dir, ".", "mod.ts")], `events file ${join(dir, "mod.ts")}: is the policy module`],
      [["compare", "--workload", trace, "--policies", "none", "--events", trace], `events file ${trace}: is the workload's trace`],
      [["compare", "--workload", "sequential", "--memory", "1MiB", "--policies", `none,${module}`, "--mechanisms", "lightweight", "--events", module], `events file ${module}: is the policy module`],
      [["cluster", scenario, "--events", scenario], `events file ${scenario}: is the scenario file`],
      [["cluster", scenario, "--events", trace], `${scenario}: processes[0] (x): events file ${trace}: is the workload's trace`],
      [["run", "--workload", "sequential", "--memory", "1MiB", "--events", ""], "events file: the path is empty"],
    ];
    for (const [args, message] of cases) {
      const r = await ampom(...args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^ampom: ${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    }
    expect([trace, module, scenario].map((f) => readFileSync(f))).toEqual(before);
  });

  it("a path that cannot be written fails at once, in one line", async () => {
    const out = join(dir, "no", "such", "folder", "e.jsonl");
    const r = await ampom("run", "--workload", "sequential", "--memory", "1MiB", "--events", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ampom: events file ${out}: cannot write it (no folder ${join(dir, "no", "such", "folder")})\n`);
    const asDir = await ampom("run", "--workload", "sequential", "--memory", "1MiB", "--events", dir);
    expect(asDir.stderr).toBe(`ampom: events file ${dir}: is a folder, expected a file\n`);
  });

  it("streams in constant memory: a million lines under a 24 MiB heap, where keeping them would not fit", async () => {
    // post-copy of a 2 GiB sequential process: every one of its 524k pages is pushed
    // and lands, two lines each (70 MiB of JSON Lines)
    const child = fileURLToPath(new URL("./events-rss-child.ts", import.meta.url));
    const root = fileURLToPath(new URL("../../", import.meta.url));
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ["--max-old-space-size=24", "--import", "tsx", child, ...args], { cwd: root, maxBuffer: 1 << 20 });
    const out = join(dir, "big.jsonl");
    const written = JSON.parse((await run("file", out)).stdout);
    expect(written.lines).toBeGreaterThan(1_000_000);
    expect(statSync(out).size).toBeGreaterThan(60 << 20);
    // the same events kept in memory, even as short strings, exhaust that heap
    await expect(run("memory")).rejects.toThrow();
  }, 120_000);
});

describe("an events file cut short", () => {
  it("leaves no temporary behind: a killed command's goes at the next write, a process.exit's at once", async () => {
    const out = join(dir, "cut.jsonl");
    // left by killed commands (a pid no process has), and one another process (init, pid
    // 1, always running) writes now
    const stale = [".cut.jsonl.tmp-999999999", ".cut.jsonl.tmp-999999999-1"];
    const live = ".cut.jsonl.tmp-1";
    for (const name of [...stale, live]) writeFileSync(join(dir, name), "{}\n");
    const r = await ampom("run", "--workload", "random", "--memory", "1MiB", "--no-baselines", "-q", "--events", out);
    expect(r.code).toBe(0);
    const left = readdirSync(dir).filter((n) => n.startsWith(".cut.jsonl.tmp-"));
    expect(left).toEqual([live]);
    rmSync(join(dir, live));

    // a policy module that ends the process from a hook: no file, no temporary, no success
    const quits = join(dir, "quits.mjs");
    writeFileSync(quits, ["reset", "onUse", "onArrival", "onServed"].map((h) => `export function ${h}() {}`).join("\n") + "\nexport function onFault() { process.exit(0); }\n");
    // (as a process of its own: this one's process.exit is vitest's)
    const bin = fileURLToPath(new URL("../../bin/ampom.js", import.meta.url));
    const q = spawnSync(process.execPath, [bin, "run", "--workload", "random", "--memory", "1MiB", "--no-baselines", "-q", "--policy", quits, "--events", join(dir, "quit.jsonl")]);
    expect(q.status).toBe(1);
    expect(q.stderr.toString()).toBe("ampom: the command was ended before it finished (process.exit() called from within, by a policy module?)\n");
    // without an output to write, too
    const bare = spawnSync(process.execPath, [bin, "run", "--workload", "random", "--memory", "1MiB", "--no-baselines", "-q", "--policy", quits]);
    expect(bare.status).toBe(1);
    expect(bare.stdout.toString()).toBe("");
    expect(readdirSync(dir).filter((n) => n.includes("quit.jsonl"))).toEqual([]);
    // with a code of its own, too: the command says why it ended, and exits 1
    const quits3 = join(dir, "quits3.mjs");
    writeFileSync(quits3, readFileSync(quits, "utf8").replace("process.exit(0)", "process.exit(3)"));
    const three = spawnSync(process.execPath, [bin, "run", "--workload", "random", "--memory", "1MiB", "--no-baselines", "-q", "--policy", quits3, "--json"]);
    expect(three.status).toBe(1);
    expect(three.stdout.toString()).toBe("");
    expect(three.stderr.toString()).toBe("ampom: the command was ended before it finished (process.exit() called from within, by a policy module?)\n");
  });

  it("an error a module's timer throws outside the hooks ends the command with 1, naming where it was thrown", () => {
    const timer = join(dir, "timer.mjs");
    writeFileSync(
      timer,
      ["reset", "onUse", "onArrival", "onServed"].map((h) => `export function ${h}() {}`).join("\n") +
        '\nlet armed = false;\nexport function onFault() { if (!armed) { armed = true; setTimeout(() => { throw new Error("late"); }, 0); } }\n',
    );
    const bin = fileURLToPath(new URL("../../bin/ampom.js", import.meta.url));
    const late = join(dir, "late.jsonl");
    // the timer fires after the simulation; the results and the events file waited for it
    // (they appeared before it, and the command then exited 1)
    for (const command of [["run", "--no-baselines", "--policy", timer], ["compare", "--mechanisms", "lightweight", "--policies", timer]]) {
      const r = spawnSync(process.execPath, [bin, ...command, "--workload", "random", "--memory", "1MiB", "-q", "--json", "--events", late]);
      expect(r.status).toBe(1);
      expect(r.stderr.toString()).toMatch(/^ampom: late \(at .*timer\.mjs:6:\d+, outside the policy hooks: a timer or a promise a policy module left behind\?\)\n$/);
      expect(r.stdout.toString()).toBe("");
      nothingLeft(late);
    }
  });

  it("a link names the file the events go to (the link stays); a pipe gets them once the run is over", async () => {
    const target = join(dir, "linked.jsonl");
    const link = join(dir, "link.jsonl");
    symlinkSync("linked.jsonl", link);
    const r = await ampom("run", "--workload", "random", "--memory", "1MiB", "--no-baselines", "-q", "--events", link);
    expect(r.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    const lines = readLines(target);
    expect(lines.length).toBeGreaterThan(0);
    const fifo = join(dir, "events.pipe");
    execFileSync("mkfifo", [fifo]);
    const reader = spawn("cat", [fifo]);
    let got = "";
    reader.stdout.on("data", (d: Buffer) => (got += d.toString()));
    const closed = new Promise((done) => reader.on("close", done));
    const p = await ampom("run", "--workload", "random", "--memory", "1MiB", "--no-baselines", "-q", "--events", fifo);
    await closed;
    expect(p.code).toBe(0);
    expect(got).toBe(readFileSync(target, "utf8"));
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });
});
