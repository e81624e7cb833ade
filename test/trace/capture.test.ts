// scripts/capture-trace.sh on a real program: valgrind's lackey streamed into the
// importer. The amt must hold exactly the pages and accesses lackey's own output
// implies, counted here independently from a copy of the stream the importer read
// (the test's importer command tees it to a file; the script itself stores nothing).
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openAmt } from "../../src/trace/amt.js";
import { importTrace } from "../../src/trace/import.js";
import { tempDir } from "./helpers.js";

function haveValgrind(): boolean {
  return spawnSync("sh", ["-c", "command -v valgrind"]).status === 0;
}

describe("capture-trace.sh", () => {
  it("captures a real command into amt with the pages and accesses lackey reports", async () => {
    const dir = tempDir();
    const numbers = Array.from({ length: 200 }, (_, i) => (i * 7919) % 1000);
    writeFileSync(join(dir, "in.txt"), numbers.join("\n") + "\n");
    const command = ["sort", "-n", join(dir, "in.txt")];
    const env = { ...process.env, LC_ALL: "C" };
    const tee = join(dir, "tee-import.sh");
    writeFileSync(tee, `#!/bin/sh\ntee "${join(dir, "raw.txt")}" | exec npx --prefix "${process.cwd()}" tsx "${join(process.cwd(), "src/cli/main.ts")}" "$@"\n`);
    chmodSync(tee, 0o755);
    // the capture script installs valgrind when it is missing
    const cap = spawnSync("scripts/capture-trace.sh", ["-o", join(dir, "sort.amt"), "--quiet", "--", ...command], {
      encoding: "utf8",
      env: { ...env, AMPOM: tee },
    });
    expect(cap.status, cap.stderr).toBe(0);
    expect(haveValgrind()).toBe(true);
    // the command's output goes to stderr, not into the trace
    expect(cap.stderr).toContain(`\n${Math.max(...numbers)}\n`);

    // lackey's text as the importer read it, counted independently
    const text = readFileSync(join(dir, "raw.txt"), "latin1");
    const pages = new Set<number>();
    let accesses = 0;
    let instrs = 0;
    let printed = -1;
    for (const line of text.split("\n")) {
      const access = /^(?:I {2}| [LSM] )([0-9a-f]+),(\d+)$/.exec(line);
      if (access) {
        accesses++;
        if (line.startsWith("I")) instrs++;
        const addr = BigInt("0x" + access[1]);
        const end = addr + BigInt(Number(access[2]) - 1);
        for (let p = addr >> 12n; p <= end >> 12n; p++) pages.add(Number(p));
      } else {
        const g = /guest instrs:\s+([\d,]+)/.exec(line);
        if (g) printed = Number(g[1].replace(/,/g, ""));
      }
    }
    expect(instrs).toBe(printed); // every instruction lackey counted is an I line
    const h = openAmt(join(dir, "sort.amt")).header;
    expect(h.pages).toBe(pages.size);
    expect(h.accesses).toBe(accesses);
    expect(h.records).toBeGreaterThan(1000);
    // importing the raw text gives the same file as streaming it through the script
    await importTrace(join(dir, "raw.txt"), join(dir, "raw.amt"));
    expect(readFileSync(join(dir, "raw.amt"))).toEqual(readFileSync(join(dir, "sort.amt")));
  });

  it("fails with a usage message and no output without a command", () => {
    const dir = tempDir();
    const r = spawnSync("scripts/capture-trace.sh", ["-o", join(dir, "x.amt")], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage:/);
  });
});
