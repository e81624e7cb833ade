// An interrupted command never leaves a partial output file: `trace import` killed
// with SIGKILL while it writes its amt output leaves no OUT (the bytes were going to a
// hidden temporary that would have been renamed), and a later import succeeds and
// removes the spool the killed one left in the temporary folder.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ampom, ampomAsync, scratchDir } from "../sweep/cli-helpers.js";

it("trace import killed while writing leaves no output file", async () => {
  const dir = scratchDir("killed-import");
  const input = join(dir, "big.txt");
  const lines: string[] = ["# page-level"];
  for (let i = 0; i < 3_000_000; i++) lines.push(`${i % 2 ? "W" : "R"} ${(0x10000 + ((i * 13) % 50000)).toString(16)} ${1 + (i % 7)}`);
  writeFileSync(input, lines.join("\n") + "\n");
  const out = join(dir, "big.amt");
  // the commands' own temporary folder, to see what they leave in it
  const tmp = join(dir, "tmp");
  mkdirSync(tmp);
  const env = { TMPDIR: tmp };

  const child = ampomAsync(["trace", "import", input, "-o", out], env);
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_c, signal) => resolve(signal)));
  // wait for the second pass to start writing its temporary, then kill
  while (!readdirSync(dir).some((f) => f.startsWith(".big.amt."))) {
    if (child.exitCode !== null) throw new Error("the import ended before it could be killed");
    await new Promise((r) => setTimeout(r, 2));
  }
  child.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
  expect(existsSync(out)).toBe(false);
  // (tsx, which runs the sources here, keeps its cache there too)
  const ours = () => readdirSync(tmp).filter((f) => f.startsWith("ampom-"));
  const spools = ours();
  expect(spools).toEqual([`ampom-import-${child.pid}-${spools[0]?.slice(-6)}`]);
  expect(statSync(join(tmp, spools[0], "spool")).size).toBeGreaterThan(0);

  const again = ampom(["trace", "import", input, "-o", out], env);
  expect(again.code).toBe(0);
  expect(again.stdout + again.stderr).toContain("3000000 records");
  expect(existsSync(out)).toBe(true);
  expect(ours()).toEqual([]);
});
