// corpus/inputs.mjs, as the corpus's README has people run it: one folder in, the
// corpus's inputs out; anything else is refused before a file is written.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const script = resolve("corpus/inputs.mjs");
const dirs: string[] = [];
/** Runs the script in a fresh empty folder; returns the result and that folder. */
function run(args: string[]) {
  const cwd = mkdtempSync(join(tmpdir(), "ampom-inputs-"));
  dirs.push(cwd);
  const r = spawnSync(process.execPath, [script, ...args], { cwd, encoding: "utf8" });
  return { ...r, cwd };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("corpus/inputs.mjs", () => {
  it("writes the corpus's inputs into the folder given", () => {
    const r = run(["in"]);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(join(r.cwd, "in")).sort()).toEqual(["graph.dot", "kv.tsv", "kv.txt", "numbers.txt", "records.tsv", "text.txt", "transport.lp"]);
  });

  it("prints its usage for --help and writes nothing", () => {
    const r = run(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: node corpus\/inputs\.mjs DIR/);
    expect(readdirSync(r.cwd)).toEqual([]);
  });

  it.each([[["--out", "in"], "expected one folder, got 2 arguments"], [["-x"], "unknown option -x"], [[], "expected one folder, got 0 arguments"]])(
    "refuses %j with a message naming it, and writes nothing",
    (args, message) => {
      const r = run(args as string[]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`corpus/inputs.mjs: ${message}`);
      expect(r.stderr).not.toMatch(/at .*\.mjs:\d+/);
      expect(readdirSync(r.cwd)).toEqual([]);
    },
  );
});
