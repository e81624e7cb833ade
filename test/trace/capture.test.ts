// `ampom trace capture` on real programs under valgrind's lackey: the trace streamed
// into the importer must hold exactly the pages and accesses lackey's own output
// implies (counted here independently from a copy of that output), the program's
// stdout and stderr pass through, and a failing program leaves nothing behind.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { openAmt } from "../../src/trace/amt.js";
import { captureTrace } from "../../src/trace/capture.js";
import { importTrace } from "../../src/trace/import.js";
import { ampom, ampomAsync } from "../sweep/cli-helpers.js";
import { readVirtual, tempDir } from "./helpers.js";

const env = { LC_ALL: "C" };

/** Pages and accesses of lackey text, counted without the project's parser. */
function countLackey(text: string): { pages: number; accesses: number; instrs: number; printed: number } {
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
  return { pages: pages.size, accesses, instrs, printed };
}

describe("trace capture", () => {
  it("imports exactly what lackey wrote, streamed in-process", async () => {
    const dir = tempDir();
    // valgrind with lackey's log (its --log-fd) also copied to raw.txt, to check the import
    // against; a pipeline, which bash waits for, so that tee has copied it all when this ends
    const tee = join(dir, "valgrind-tee.sh");
    const script = [
      "#!/bin/bash",
      'for a; do [[ $a == --log-fd=* ]] && fd=${a#--log-fd=}; done',
      '[[ -n ${fd-} ]] || exec valgrind "$@"', // --version
      'exec 5>&"$fd" 6>&1',
      `eval 'valgrind "$@" '"$fd"'>&1 >&6 | tee "${join(dir, "raw.txt")}" >&5'`,
      'exit "${PIPESTATUS[0]}"',
    ];
    writeFileSync(tee, script.join("\n") + "\n");
    chmodSync(tee, 0o755);
    const out = join(dir, "true.amt");
    const r = await captureTrace(["true"], out, { valgrind: tee });

    const lackey = countLackey(readFileSync(join(dir, "raw.txt"), "latin1"));
    expect(lackey.instrs).toBe(lackey.printed); // every instruction lackey counted is an I line
    const h = openAmt(out).header;
    expect(h.pages).toBe(lackey.pages);
    expect(h.accesses).toBe(lackey.accesses);
    expect(h.records).toBe(r.records);
    expect(r.truncated).toBe(false);
    expect(h.records).toBeGreaterThan(1000);
    // importing the copied text gives the same file as streaming it
    await importTrace(join(dir, "raw.txt"), join(dir, "raw.amt"));
    expect(readFileSync(join(dir, "raw.amt"))).toEqual(readFileSync(out));
  });

  it("--skip and --max-records keep exactly that slice of the full trace", async () => {
    const dir = tempDir();
    // address-space randomisation is off under capture, so two runs of `true` agree
    await captureTrace(["true"], join(dir, "full.amt"));
    const r = await captureTrace(["true"], join(dir, "slice.amt"), { skipRecords: 500, maxRecords: 1000 });
    expect(r.truncated).toBe(true);
    const full = readVirtual(join(dir, "full.amt")).records;
    const slice = readVirtual(join(dir, "slice.amt"));
    expect(full.length).toBeGreaterThan(1500);
    expect(slice.header.records).toBe(1000);
    expect(slice.records).toEqual(full.slice(500, 1500));
    expect(slice.header.accesses).toBe(full.slice(500, 1500).reduce((s, x) => s + x.gap, 0));
    await expect(captureTrace(["true"], join(dir, "none.amt"), { skipRecords: 10_000_000 })).rejects.toThrow(
      /lackey output of true: no records left: the trace holds \d+, and skipRecords \(--skip\) drops the first 10000000$/,
    );
    expect(readdirSync(dir).sort()).toEqual(["full.amt", "slice.amt"]);
    // -o NAME.amt.gz: the same trace, gzip'd
    await captureTrace(["true"], join(dir, "full.amt.gz"));
    const gz = readFileSync(join(dir, "full.amt.gz"));
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(gz)).toEqual(readFileSync(join(dir, "full.amt")));
  });

  it("what the program writes to descriptor 3 is not a record: lackey's log is out of its reach", async () => {
    const dir = tempDir();
    const out = join(dir, "sh.amt");
    // fd 3 was lackey's log, and this line became a record, with a page and a region of its own
    await captureTrace(["sh", "-c", "{ echo ' S 7000000000,8' >&3; } 2>/dev/null; true"], out);
    const { records } = readVirtual(out);
    expect(records.length).toBeGreaterThan(1000);
    expect(records.filter((r) => r.vpn === 0x7000000)).toEqual([]);
    expect(openAmt(out).regions.filter((r) => r.vpnBase === 0x7000000n)).toEqual([]);
  });

  it("a command the program leaves running in the background does not hold the capture", async () => {
    const dir = tempDir();
    const pidFile = join(dir, "sleep.pid");
    // the sleep inherited lackey's log, and the capture waited for it to end (60 s here)
    await captureTrace(["sh", "-c", `sleep 60 >/dev/null 2>&1 & echo $! > ${pidFile}`], join(dir, "sh.amt"));
    const pid = Number(readFileSync(pidFile, "utf8"));
    // still sleeping: an ended one may stay a zombie, which kill(pid, 0) finds as well
    const state = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0];
    if (state !== "Z") process.kill(pid, "SIGKILL");
    expect(state).toMatch(/^[SR]$/);
    expect(openAmt(join(dir, "sh.amt")).header.records).toBeGreaterThan(1000);
  });

  it("refuses an output named other than NAME.amt or NAME.amt.gz, before running the command", () => {
    const dir = tempDir();
    const r = ampom(["trace", "capture", "-o", join(dir, "c.txt"), "--", "sh", "-c", "echo ran"], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`ampom: ${join(dir, "c.txt")}: the output is an amt trace: name it NAME.amt, or NAME.amt.gz to have it gzip'd\n`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("passes the program's stdout and stderr through unchanged", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "in.txt"), "3\n10\n2\n");
    const out = join(dir, "sh.amt");
    const r = ampom(["trace", "capture", "-o", out, "--", "sh", "-c", `sort -n ${join(dir, "in.txt")}; echo to-stderr >&2`], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("2\n3\n10\n");
    expect(r.stderr).toMatch(/^to-stderr\n/);
    expect(r.stderr).toMatch(/sh\.amt: \d+ records, \d+ distinct pages, \d+ accesses, \d+ regions \(captured in/);
    expect(openAmt(out).header.records).toBeGreaterThan(0);
  });

  it("with --json, standard output holds the summary alone: the program's output goes to standard error", () => {
    const dir = tempDir();
    const out = join(dir, "sh.amt");
    const r = ampom(["trace", "capture", "-o", out, "--json", "--", "sh", "-c", "echo to-stdout; echo to-stderr >&2"], env);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.records).toBe(openAmt(out).header.records);
    expect(r.stderr).toBe("to-stdout\nto-stderr\n");
    // and the help says so, where it says the program's streams are its own
    expect(ampom(["trace", "capture", "--help"], env).stdout).toMatch(/with --json\s+its standard output goes to standard error, so that standard output holds the JSON\s+alone/);
  });

  it("fails when the program fails, leaving no file", () => {
    const dir = tempDir();
    const exit3 = ampom(["trace", "capture", "-o", join(dir, "a.amt"), "--", "sh", "-c", "echo partial; exit 3"], env);
    expect(exit3.code).toBe(1);
    expect(exit3.stdout).toBe("partial\n");
    expect(exit3.stderr).toContain("ampom: capture: the command exited with status 3 (sh -c 'echo partial; exit 3'); no trace written");
    const killed = ampom(["trace", "capture", "-o", join(dir, "b.amt"), "--", "sh", "-c", "kill -SEGV $$"], env);
    expect(killed.code).toBe(1);
    expect(killed.stderr).toContain("the command was killed by signal SIGSEGV");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a program that cannot be run is named as such, before valgrind starts", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "data.txt"), "not a program\n");
    // valgrind's own lookup failed, and the capture said 'the command exited with status 127'
    for (const [program, said] of [
      ["no-such-program-here", `program "no-such-program-here": not found on PATH`],
      [join(dir, "data.txt"), `program "${join(dir, "data.txt")}": ${join(dir, "data.txt")} is missing or not executable`],
      [dir, `program "${dir}": ${dir} is a directory, not an executable program`],
    ]) {
      const r = ampom(["trace", "capture", "-o", join(dir, "a.amt"), "--", program, "x"], env);
      expect(r.code, program).toBe(1);
      expect(r.stderr).toBe(`ampom: capture: ${said}\n`);
    }
    expect(readdirSync(dir)).toEqual(["data.txt"]);
  });

  it("without perl, which puts lackey's log out of the program's reach, says so and runs nothing", () => {
    const dir = tempDir();
    const bin = join(dir, "bin");
    mkdirSync(bin);
    // every program on the PATH but perl
    for (const d of (process.env.PATH ?? "").split(delimiter)) {
      for (const f of existsSync(d) ? readdirSync(d) : []) {
        if (!f.startsWith("perl") && !existsSync(join(bin, f))) symlinkSync(join(d, f), join(bin, f));
      }
    }
    const r = ampom(["trace", "capture", "-o", join(dir, "a.amt"), "--", "sh", "-c", `touch ${join(dir, "ran")}`], { ...env, PATH: bin });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("ampom: capture: cannot start perl (ENOENT), which gives lackey's log to valgrind out of the program's reach; install perl (Debian: perl-base)\n");
    expect(readdirSync(dir)).toEqual(["bin"]);
  });

  it("Ctrl-C, a kill (SIGTERM) or a hang-up (SIGHUP) leaves nothing behind: no output, no spool in the temporary folder", async () => {
    // a hang-up (the ssh connection gone) ended the process alone, and the spool stayed
    const exits = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      const dir = tempDir();
      const tmp = join(dir, "tmp");
      mkdirSync(tmp);
      const child = ampomAsync(["trace", "capture", "-q", "-o", join(dir, "a.amt.gz"), "--", "sh", "-c", "while :; do :; done"], { ...env, TMPDIR: tmp });
      let stderr = "";
      child.stderr!.on("data", (b) => (stderr += b));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      // (tsx, which runs the sources here, keeps its cache in TMPDIR too)
      const ours = () => readdirSync(tmp).filter((f) => f.startsWith("ampom-"));
      // wait until the import's spool holds records, then stop the capture
      while (!ours().some((f) => (statSync(join(tmp, f, "spool"), { throwIfNoEntry: false })?.size ?? 0) > 0)) {
        if (child.exitCode !== null) throw new Error(`the capture ended before it could be stopped: ${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill(sig);
      expect(await exited, sig).toBe(exits[sig]);
      expect(stderr).toContain(`ampom: capture: ${sig === "SIGINT" ? "interrupted" : `stopped by ${sig}`}; no trace written`);
      expect(readdirSync(dir)).toEqual(["tmp"]);
      expect(ours(), sig).toEqual([]);
    }
  });

  it("--help exits 0, here and through the wrapper script; no command is a usage error", () => {
    const help = ampom(["trace", "capture", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--max-records <n>/);
    const script = spawnSync("scripts/capture-trace.sh", ["--help"], { encoding: "utf8" });
    expect(script.status).toBe(0);
    expect(script.stdout).toMatch(/Usage: ampom trace capture/);
    const dir = tempDir();
    const none = spawnSync("scripts/capture-trace.sh", ["-o", join(dir, "x.amt")], { encoding: "utf8" });
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/missing required argument 'command'/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
