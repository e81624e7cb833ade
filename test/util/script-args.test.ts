// The project's own scripts answer a bad option as the command line does: one line
// naming it, exit code 2, no stack dump (src/util/script-args.ts).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("script options", () => {
  for (const [file, args, said] of [
    ["scripts/validation-table.ts", ["--bogus"], "validation-table: Unknown option '--bogus'"],
    ["scripts/docs.ts", ["--only", "no-such-example"], 'docs: --only: no example "no-such-example"'],
    ["bench/scaling.ts", ["--row"], "scaling: Option '--row <value>' argument missing"],
  ] as const) {
    it(`${file} ${args.join(" ")}: one line, exit 2`, () => {
      const r = spawnSync(process.execPath, ["--import", "tsx", file, ...args], { encoding: "utf8", timeout: 60_000 });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.startsWith(said)).toBe(true);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});
