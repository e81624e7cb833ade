// The real entry point, as a user's shell runs it: exit codes and streams.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ampom, CLI } from "../sweep/cli-helpers.js";

const root = join(import.meta.dirname, "..", "..");
const cli = (...args: string[]) => ampom(args, {}, root);

/** Runs the command with standard error on a terminal (util-linux `script`) and standard
 * output to a file: what the terminal showed, and what the file holds. */
function onTerminal(args: string[]): { terminal: string; stdout: string } | undefined {
  if (spawnSync("script", ["--version"]).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "ampom-tty-"));
  try {
    const out = join(dir, "out");
    const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, ...CLI, ...args].map(quote).join(" ") + ` > ${quote(out)}`;
    const r = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: root, encoding: "utf8", env: { ...process.env, AMPOM_DEBUG: "" } });
    expect(r.status, r.stdout).toBe(0);
    return { terminal: r.stdout, stdout: readFileSync(out, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("src/cli/main.ts as a process", () => {
  it("shows progress on a terminal with --json too, keeping standard output JSON; -q hides it", () => {
    const args = ["compare", "--workload", "random", "--memory", "1MiB", "--mechanisms", "lightweight", "--policies", "none,ampom,leap"];
    const json = onTerminal([...args, "--json"]);
    if (json === undefined) return; // no `script` here
    expect(json.terminal).toMatch(/compare \[.*\] 100% \| 3\/3 \|/);
    expect(Array.isArray(JSON.parse(json.stdout))).toBe(true);
    expect(onTerminal([...args, "--json", "-q"])!.terminal).not.toContain("compare [");
  });

  it("shows a sweep's progress on a terminal (the shared bar, with its ETA and failed and done-before counts); -q hides it", () => {
    const dir = mkdtempSync(join(tmpdir(), "ampom-sweep-tty-"));
    try {
      const config = join(dir, "sweep.json");
      writeFileSync(config, JSON.stringify({ base: { workload: "random", memory: "1MiB", baselines: false }, grid: { policy: ["none", "ampom"] } }));
      const shown = onTerminal(["sweep", config, "--out", join(dir, "a.jsonl"), "-j", "1"]);
      if (shown === undefined) return; // no `script` here
      expect(shown.terminal).toMatch(/sweep \[.*\] 100% \| 2\/2 \| ETA \S+ \| failed 0 \| done before 0/);
      expect(shown.terminal).toContain("sweep: 2 runs");
      expect(onTerminal(["sweep", config, "--out", join(dir, "b.jsonl"), "-j", "1", "-q"])!.terminal).not.toContain("sweep [");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 0 with JSON on stdout and nothing on stderr", () => {
    const r = cli("run", "--workload", "sequential", "--memory", "1MiB", "--json");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout).workload).toBe("sequential");
  });

  it("exits 2 on a usage error and 1 on a bad value, with one `ampom:` line and no stack", () => {
    const usage = cli("compare", "--no-such-option");
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe("");
    expect(usage.stderr.split("\n")[0]).toBe("ampom: unknown option '--no-such-option'");
    const value = cli("run", "--memory", "0");
    expect(value.code).toBe(1);
    expect(value.stderr).toBe("ampom: option memory (--memory): must be at least one page (4096 bytes), got 0\n");
  });

  it("keeps what a policy module prints (console or process.stdout) off standard output: --json stays JSON, in worker threads too", () => {
    const dir = mkdtempSync(join(tmpdir(), "ampom-chatty-"));
    try {
      // the example policy, printing as an author debugging it would
      const chatty = join(dir, "chatty.mjs");
      writeFileSync(
        chatty,
        `import * as p from ${JSON.stringify(pathToFileURL(join(root, "examples/swap-readahead-policy.ts")).href)};\n` +
          `export const { name, description, params, onFault, onUse, onArrival, onServed } = p;\n` +
          `process.stdout.write("chatty load\\n");\n` +
          `export function reset(ctx) { console.log("chatty reset"); console.info("chatty info"); console.table([1]); process.stdout.write("chatty write\\n"); p.reset(ctx); }\n`,
      );
      const run = cli("run", "--workload", "sequential", "--memory", "1MiB", "--no-baselines", "--policy", chatty, "--json");
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).policy).toBe(chatty);
      expect(run.stderr).toContain("chatty reset");
      expect(run.stderr).toContain("chatty info");
      expect(run.stderr).toContain("chatty load");
      expect(run.stderr).toContain("chatty write");
      // evaluate runs its configurations in sweep worker threads
      const out = join(dir, "e.json");
      const ev = cli("evaluate", "--traces", "none", "--kernels", "stream", "--memory", "1MiB", "--conditions", "gige-2008", "--migrate-at", "0.5",
        "--configs", "ampom-plus", "--policy", chatty, "-j", "2", "-q", "-o", out, "--json");
      expect(ev.code).toBe(0);
      expect(JSON.parse(ev.stdout).plan).toBeDefined();
      expect(ev.stderr).toContain("chatty reset");
      expect(ev.stderr).toContain("chatty write");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
