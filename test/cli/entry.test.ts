// The real entry point, as a user's shell runs it: exit codes and streams.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, AMPOM_DEBUG: "" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("src/cli/main.ts as a process", () => {
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
    const value = cli("run", "--memory", "sixty-four");
    expect(value.code).toBe(1);
    expect(value.stderr).toMatch(/^ampom: memory: cannot read "sixty-four" \(expected a number with an optional unit, e\.g\. 256MiB\)\n$/);
  });
});
