// A real migration that cannot go on ends at once, with its reason, and leaves nothing
// running: the home server ending mid-run, and `ampom validate` itself interrupted.
// Needs userfaultfd (root); skipped, saying why, where it is not available.
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nativeParts, packageRoot, userfaultfdAvailability } from "../../src/validate/native.js";
import { libraryEnv, runProgram } from "../../src/validate/runner.js";
import { captureTrace } from "../../src/validate/capture.js";
import { networkPresets } from "../../src/network/presets.js";

const uffd = userfaultfdAvailability();
const title = uffd.ok ? "a real migration that cannot go on" : `a real migration that cannot go on (SKIPPED: ${uffd.reason})`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The `sleep ARG` processes running (from /proc), not the command lines that name one. */
function sleeps(arg: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (argv[0].endsWith("sleep") && argv[1] === arg) found.push(Number(pid));
    } catch {
      // gone
    }
  }
  return found;
}

describe.skipIf(!uffd.ok)(title, () => {
  it("the home server ending mid-run ends the real run at once, saying so (it spun until --timeout)", async () => {
    const parts = nativeParts();
    const dir = mkdtempSync(join(tmpdir(), "ampom-home-gone-"));
    try {
      // a home that runs the real one and leaves its pid where the test can kill it
      const pidFile = join(dir, "home.pid");
      const home = join(dir, "home.sh");
      writeFileSync(home, `#!/bin/sh\n'${parts.home}' "$@" &\necho $! > '${pidFile}'\nwait\n`);
      chmodSync(home, 0o755);
      const exe = join(parts.programs, "sequential");
      const out = join(dir, "migrate.json");
      const env = libraryEnv({ ...parts, home }, exe, out, {
        mode: "migrate", call: "clock_gettime", index: 2, policy: "none", network: { ...networkPresets["gige-2008"], background: 0 },
      });
      // the library says on stderr when the program is back from the migration
      env.AMPOM_VALIDATE_DEBUG = "1";
      const started = Date.now();
      const run = runProgram([exe, "8", "3"], env, out, "the real migration", 60_000);
      const outcome = run.then(() => "finished", (e: Error) => e.message);
      for (;;) {
        const said = existsSync(`${out}.stderr`) ? readFileSync(`${out}.stderr`, "utf8") : "";
        if (said.includes("resumed after a freeze")) break;
        if (Date.now() - started > 50_000) throw new Error(`the program never migrated: ${said.slice(-500)}`);
        await sleep(5);
      }
      // 2,049 faults at about 125 us each: the program is well inside them
      process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
      const killed = Date.now();
      const message = await outcome;
      expect(message).toMatch(/exited with code 98: .*home server \(ampom-home\) ended during the run/);
      expect(Date.now() - killed).toBeLessThan(10_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  // a hang-up (the ssh connection gone) ended ampom alone: the program, in a process
  // group of its own, ran on, and the scratch folder stayed
  it.each([["SIGINT", 130], ["SIGHUP", 129]] as const)("ampom validate interrupted (%s) stops the program it runs and leaves no scratch folder", async (signal, exit) => {
    // a program that runs 30 s; a unique argument to find it by
    const tag = `${process.pid}${Date.now()}`;
    const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith("ampom-validate-")));
    const cli = spawn(process.execPath, [join(packageRoot, "bin", "ampom.js"), "validate", "-q", "--migrate-call", "malloc:1", "--", "/bin/sleep", `30.${tag}`], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    cli.stdout.on("data", (b) => (stdout += b));
    cli.stderr.on("data", (b) => (stderr += b));
    const ended = new Promise<number | null>((done) => cli.on("close", (code) => done(code)));
    try {
      const started = Date.now();
      while (sleeps(`30.${tag}`).length === 0) {
        if (Date.now() - started > 60_000) throw new Error(`the native run never started: ${stderr}`);
        await sleep(20);
      }
      cli.kill(signal);
      const code = await ended;
      expect(code).toBe(exit);
      expect(stdout).toBe("");
      // (a stale build adds a warning line before it)
      expect(stderr).toMatch(/(^|\n)ampom: interrupted: the native run of \/\S+sleep was stopped; nothing was written\n$/);
      expect(stderr).not.toMatch(/\n\s+at /);
      await sleep(200);
      expect(sleeps(`30.${tag}`)).toEqual([]);
      expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`ampom-validate-${cli.pid}-`) && !before.has(n))).toEqual([]);
    } finally {
      cli.kill("SIGKILL");
      for (const pid of sleeps(`30.${tag}`)) spawnSync("kill", ["-9", String(pid)]);
    }
  }, 120_000);
});

describe("an interrupted capture", () => {
  it("names the program it traces, not the capture script's shell", async () => {
    const stop = new AbortController();
    stop.abort();
    const dir = mkdtempSync(join(tmpdir(), "ampom-capture-stop-"));
    try {
      await expect(captureTrace(["/bin/true"], {}, join(dir, "t.amt"), join(dir, "r.json"), 1000, stop.signal)).rejects.toThrow(
        "the traced run (valgrind lackey) of /bin/true was stopped",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a failed run", () => {
  it("a failed capture says how the program ended, not how the capture script's shell did", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ampom-capture-fail-"));
    try {
      // it said `bash .../capture-trace.sh -q -o /tmp/.../t.amt -- /bin/sh -c echo boom >&2; exit 3
      // exited with code 1: ...`: the script, a temporary gone by then, the script's status
      await expect(captureTrace(["/bin/sh", "-c", "echo boom >&2; exit 3"], {}, join(dir, "t.amt"), join(dir, "r.json"), 60_000)).rejects.toThrow(
        /^the traced run \(valgrind lackey\): capture: the command exited with status 3 \(\/bin\/sh -c 'echo boom >&2; exit 3'\); no trace written \(its standard error ended: boom\)$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("names the program with its arguments quoted, as a shell would take them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ampom-run-fail-"));
    try {
      await expect(runProgram(["/bin/sh", "-c", "exit 4"], {}, join(dir, "r.json"), "the native run", 60_000)).rejects.toThrow(
        /^the native run: \/bin\/sh -c 'exit 4' exited with code 4$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
