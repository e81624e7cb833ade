// `trace export`: an amt (v1 or v2, plain or gzip'd) back to the page-level text that
// `trace import` reads. Text exported, imported and exported again must be
// byte-identical; an amt that import or capture wrote must come back byte for byte
// (the committed fixture and corpus); damage is refused with its place, writing nothing.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { REC_CODE, REC_WRITE } from "../../src/core/abi.js";
import { writeWorkloadAmt } from "../../src/trace/amt.js";
import { exportTrace } from "../../src/trace/export.js";
import { importTrace } from "../../src/trace/import.js";
import type { Workload } from "../../src/workloads/types.js";
import { ampom } from "../cli/capture.js";
import { arrayWorkload } from "../core/helpers.js";
import { readVirtual, tempDir, V1_BLOCK, v1With } from "./helpers.js";

const FIXTURE = "test/fixtures/sort-lackey.amt";

/** amt → text → amt (as `version`) → text: the two texts, and the amt made. */
async function roundTrip(amt: string, dir: string, version: 1 | 2 = 1): Promise<{ first: Buffer; second: Buffer; amt: Buffer }> {
  const t1 = join(dir, "t1.txt"), a2 = join(dir, "a2.amt"), t2 = join(dir, "t2.txt");
  const r = await exportTrace(amt, t1);
  await importTrace(t1, a2, { version, pageSize: r.pageSize });
  await exportTrace(a2, t2);
  return { first: readFileSync(t1), second: readFileSync(t2), amt: readFileSync(a2) };
}

describe("trace export", () => {
  it("the fixture: text exported, imported and exported again is byte-identical, and the amt comes back byte for byte", async () => {
    const dir = tempDir();
    const v1 = await roundTrip(FIXTURE, dir, 1);
    expect(v1.second.equals(v1.first)).toBe(true);
    expect(v1.amt.equals(readFileSync(FIXTURE))).toBe(true);
    const text = v1.first.toString("latin1");
    expect(text.split("\n")[0]).toBe("# page-level trace, 4096-byte pages (ampom trace export; import with --page-size 4096)");
    expect(text.split("\n").slice(1, 3)).toEqual(["I 401a 2", "W 1fff000 1"]);
    // through v2 too
    const v2 = await roundTrip(FIXTURE, tempDir(), 2);
    expect(v2.first.equals(v1.first) && v2.second.equals(v1.first)).toBe(true);
  });

  it("a corpus trace (gzip'd amt): the same both ways", async () => {
    const dir = tempDir();
    const { first, second, amt } = await roundTrip("corpus/traces/grep.amt.gz", dir, 1);
    expect(second.equals(first)).toBe(true);
    expect(amt.equals(gunzipSync(readFileSync("corpus/traces/grep.amt.gz")))).toBe(true);
  });

  // every corpus trace: about 10 s each on 2 cores, so only when asked
  it.runIf(process.env.AMPOM_CORPUS_ROUNDTRIP)("every corpus trace: the same both ways", async () => {
    for (const f of readdirSync("corpus/traces").filter((f) => f.endsWith(".amt.gz"))) {
      const file = join("corpus/traces", f);
      const { first, second, amt } = await roundTrip(file, tempDir(), 1);
      expect(second.equals(first), f).toBe(true);
      expect(amt.equals(gunzipSync(readFileSync(file))), f).toBe(true);
    }
  }, 600_000);

  it("a record both code and written is two lines the import merges back; a page's vpn comes from its region", async () => {
    const dir = tempDir();
    const w: Workload = {
      ...arrayWorkload([3, 2], [
        { page: 0, gap: 5, flags: REC_CODE | REC_WRITE },
        { page: 3, gap: 0, flags: REC_WRITE },
        { page: 4, gap: 7, flags: REC_CODE },
        { page: 0, gap: 1, flags: 0 },
        { page: 0, gap: 2, flags: 0 },
      ]),
    };
    w.regions = [{ ...w.regions[0], vpnBase: 0x400n }, { ...w.regions[1], vpnBase: 0x7fff0n }];
    writeWorkloadAmt(w, join(dir, "w.amt"), { version: 1 });
    const r = await exportTrace(join(dir, "w.amt"), join(dir, "w.txt"));
    expect(readFileSync(join(dir, "w.txt"), "latin1").split("\n").slice(1)).toEqual(["I 400 5", "W 400 0", "W 7fff0 0", "I 7fff1 7", "R 400 1", "R 400 2", ""]);
    // the last two records are one run to the import, and the summary says so
    expect([r.records, r.lines, r.accesses, r.merges]).toEqual([5, 6, 15, 1]);
    await importTrace(join(dir, "w.txt"), join(dir, "back.amt"));
    expect(readVirtual(join(dir, "back.amt")).records).toEqual([
      { vpn: 0x400, gap: 5, flags: 3 }, { vpn: 0x7fff0, gap: 0, flags: 1 }, { vpn: 0x7fff1, gap: 7, flags: 2 }, { vpn: 0x400, gap: 3, flags: 0 },
    ]);
  });

  it("writes gzip'd text for NAME.gz, which the import reads", async () => {
    const dir = tempDir();
    await exportTrace(FIXTURE, join(dir, "f.txt"));
    await exportTrace(FIXTURE, join(dir, "f.txt.gz"));
    expect(gunzipSync(readFileSync(join(dir, "f.txt.gz"))).equals(readFileSync(join(dir, "f.txt")))).toBe(true);
    await importTrace(join(dir, "f.txt.gz"), join(dir, "f.amt"), { version: 1 });
    expect(readFileSync(join(dir, "f.amt")).equals(readFileSync(FIXTURE))).toBe(true);
  });

  it("-o - writes the text to standard output, the summary to standard error; progress counts both passes", async () => {
    const dir = tempDir();
    await exportTrace(FIXTURE, join(dir, "f.txt"));
    const r = await ampom("trace", "export", FIXTURE, "-o", "-");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(dir, "f.txt"), "latin1"));
    expect(r.stderr).toBe("<stdout>: 538810 records, 991833 accesses in 538810 lines of page-level text, 4096-byte pages (from amt v1)\n");
    const passes = new Set<string>();
    let out = 0;
    await exportTrace(FIXTURE, "-", { stdout: (t) => void (out += t.length), onProgress: (done, total, pass) => (passes.add(pass), expect(total).toBe(538810)) });
    expect([...passes]).toEqual(["check", "write"]);
    expect(out).toBe(readFileSync(join(dir, "f.txt")).length);
  });

  it("a damaged trace: refused naming the file, block and record; nothing written, to a file or to standard output", async () => {
    const dir = tempDir();
    const file = join(dir, "flags.amt");
    v1With(file, 2 * V1_BLOCK + 7, (b, _page, flag) => (b[flag] = 0x84));
    const message = `${file}: corrupt amt trace: block 2 (record ${2 * V1_BLOCK + 7}) has flags 132, not 0 to 3 (1 write, 2 code)`;
    for (const out of [join(dir, "out.txt"), "-"]) {
      const r = await ampom("trace", "export", file, "-o", out);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`ampom: ${message}\n`);
    }
    expect(readdirSync(dir)).toEqual(["flags.amt"]);
  });

  it("a page in none of the regions, and regions over the same virtual pages: refused", async () => {
    const dir = tempDir();
    const hole: Workload = { ...arrayWorkload([4, 4], [{ page: 1, gap: 1 }, { page: 5, gap: 1 }]) };
    hole.regions = [{ ...hole.regions[0], pages: 2, vpnBase: 0x10n }, { ...hole.regions[1], vpnBase: 0x100n }];
    writeWorkloadAmt(hole, join(dir, "hole.amt"), { version: 2 });
    await expect(exportTrace(join(dir, "hole.amt"), join(dir, "h.txt"))).resolves.toBeDefined();
    writeWorkloadAmt({ ...hole, open: arrayWorkload([8], [{ page: 2, gap: 1 }]).open, records: 1 }, join(dir, "hole2.amt"), { version: 2 });
    await expect(exportTrace(join(dir, "hole2.amt"), join(dir, "h2.txt"))).rejects.toThrow(`${join(dir, "hole2.amt")}: corrupt amt trace: block 0 (record 0) names page 2, in none of its regions`);
    // a generated workload's regions without vpn bases all start at virtual page 0
    writeWorkloadAmt(arrayWorkload([4, 4], [{ page: 1, gap: 1 }]), join(dir, "same.amt"));
    await expect(exportTrace(join(dir, "same.amt"), join(dir, "s.txt"))).rejects.toThrow(/regions r0 and r1 overlap in virtual pages/);
    expect(existsSync(join(dir, "h2.txt")) || existsSync(join(dir, "s.txt"))).toBe(false);
  });

  it("refuses an amt output name, and a page size other than an amt's own, before reading", async () => {
    const dir = tempDir();
    const r = await ampom("trace", "export", FIXTURE, "-o", join(dir, "x.amt"));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ampom: ${join(dir, "x.amt")}: the output is page-level text, not amt: name it e.g. NAME.txt, or NAME.txt.gz to have it gzip'd (trace import writes amt)\n`);
    const p = await ampom("trace", "export", FIXTURE, "-o", join(dir, "x.txt"), "--page-size", "8192");
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/the amt trace has 4096-byte pages, its own/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a text trace in: written back in the page-level form, at its page size", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "l.txt"), "I  0401000,4\n L 1ffefff0,8\n S 1ffefff0,8\n");
    const r = await exportTrace(join(dir, "l.txt"), join(dir, "p.txt"), { pageSize: 8192 });
    expect(r.amtVersion).toBeUndefined();
    expect(readFileSync(join(dir, "p.txt"), "latin1")).toBe("# page-level trace, 8192-byte pages (ampom trace export; import with --page-size 8192)\nI 200 1\nW fff7 2\n");
  });
});

describe("a page-level trace's own page size", () => {
  // before: a page-level trace read at another page size was taken for a program with
  // pages that large (the fixture exported at 4 KiB and run at 2 MiB: 1.1 GiB, 160 times
  // the runtime), though export's first line names the page size
  it("is the one export's first line names: another is refused at that line, by a run, a sweep's check and the trace commands; with no such line, any is taken", async () => {
    const dir = tempDir();
    const text = join(dir, "p.txt");
    writeFileSync(text, "# page-level trace, 8192-byte pages (ampom trace export; import with --page-size 8192)\nI 200 1\nW fff7 2\n");
    const refused = `${text}:1: the trace's pages are 8192 bytes, as this line says, but it is read with 4096-byte pages (set pageSize (--page-size) to 8192)`;
    for (const args of [["run", "-w", text, "-q", "--no-baselines"], ["trace", "info", text], ["trace", "import", text, "-o", join(dir, "p.amt")]]) {
      const r = await ampom(...args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toBe(`ampom: ${refused}\n`);
    }
    await expect(importTrace(text, join(dir, "q.amt"), { pageSize: 4096 })).rejects.toThrow(refused);
    expect(readdirSync(dir)).toEqual(["p.txt"]);
    const ok = await ampom("run", "-w", text, "--page-size", "8KiB", "-q", "--no-baselines", "--json");
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).memoryBytes % 8192).toBe(0);
    // a comment of another form is a comment
    writeFileSync(text, "# pages of 8192 bytes\nI 200 1\n");
    expect((await ampom("trace", "info", text)).code).toBe(0);
  });
});

describe("trace export to a reader that goes away", () => {
  it("stops and reports nothing when the reader closes the pipe (`| head`), exit 0; to one that reads all, every line and then the summary", () => {
    // it went on to the end and said it wrote every line (2,500,000 for perl's trace)
    const bin = new URL("../../bin/ampom.js", import.meta.url).pathname;
    const trace = "corpus/traces/grep.amt.gz";
    const cut = spawnSync("bash", ["-c", `node "${bin}" trace export ${trace} -o - | head -2; exit \${PIPESTATUS[0]}`], { encoding: "utf8" });
    expect(cut.status).toBe(0);
    expect(cut.stdout.split("\n")).toHaveLength(3);
    expect(cut.stderr).not.toContain("<stdout>:");
    const whole = spawnSync("bash", ["-c", `node "${bin}" trace export ${trace} -o - | wc -l`], { encoding: "utf8" });
    const summary = /<stdout>: ([\d]+) records, \d+ accesses in (\d+) lines of page-level text/.exec(whole.stderr);
    expect(summary).not.toBeNull();
    // the header line and one line a record, every one of them read
    expect(Number(whole.stdout.trim())).toBe(Number(summary![2]) + 1);
  });
});
