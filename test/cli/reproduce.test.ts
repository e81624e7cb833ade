// The `reproduce` command: files it writes, its quiet and JSON modes, help and bad input.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ampom } from "./capture.js";

const dir = mkdtempSync(join(tmpdir(), "ampom-cli-reproduce-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ampom reproduce", () => {
  it("prints the headline table and where the report is, and writes every output", async () => {
    const out = join(dir, "report");
    const r = await ampom("reproduce", "--size", "1MiB", "--out", out);
    expect(r.code).toBe(0);
    // no TTY here: no progress bar; the time taken is a summary, not a result (it was on
    // standard output, so two runs' outputs differed)
    expect(r.stderr).toMatch(/^Finished in \d+\.\d s\.\n$/);
    expect(r.stdout).not.toContain("Finished");
    expect(r.stdout).toMatch(/^AMPoM reproduction: 1MiB per kernel, gige-2008/);
    expect(r.stdout).toMatch(/\nkernel +freeze full-copy +freeze lightweight +avoided \(paper 98%\) .*prevented \(paper 85–99%\) .*overhead \(paper 0–5%\)\n/);
    expect(r.stdout).toContain(`Report: ${relative(process.cwd(), join(out, "report.html"))}`);
    const files = readdirSync(out).sort();
    expect(files).toEqual([
      "busy.csv", "extended.csv", "fault-timeline.svg", "faults-prevented-by-policy.svg",
      "faults-prevented-quiet-busy.svg", "freeze-vs-memory.svg", "headline.csv", "report.html",
      "results.json", "runtime-vs-working-set.svg",
    ]);
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(results.headline.length).toBe(results.settings.kernels.length);
    const csv = readFileSync(join(out, "headline.csv"), "utf8").trimEnd().split("\n");
    expect(csv[0].split(",")[0]).toBe("kernel");
    expect(csv.length).toBe(results.headline.length + 1);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html.match(/<svg /g)?.length).toBe(5);
    expect(html).not.toContain("not an HPCC kernel");
    // the timeline marks the migration; the faults-prevented charts carry the paper's band
    expect(readFileSync(join(out, "fault-timeline.svg"), "utf8")).toMatch(/<line class="vline migration-mark"/);
    for (const f of ["faults-prevented-quiet-busy.svg", "faults-prevented-by-policy.svg"]) {
      expect(readFileSync(join(out, f), "utf8")).toMatch(/<rect class="band paper-band"[^>]*><title>the paper's AMPoM: 85%–99%<\/title>/);
    }
  });

  it("--quiet prints only the report's path; --json prints the results", async () => {
    const q = await ampom("reproduce", "--size", "1MiB", "--kernels", "sequential", "--out", join(dir, "q"), "--quiet");
    expect(q.code).toBe(0);
    expect(q.stdout.trim().split("\n")).toEqual([relative(process.cwd(), join(dir, "q", "report.html"))]);
    const j = await ampom("reproduce", "--size", "1MiB", "--kernels", "sequential", "--out", join(dir, "j"), "--json");
    expect(j.code).toBe(0);
    const results = JSON.parse(j.stdout);
    expect(Object.keys(results)).toEqual(["settings", "provenance", "paper", "headline", "extended", "busy", "figures"]);
    expect(results.provenance).toMatchObject({ tool: "ampom", core: "wasm", options: { kernels: ["sequential"], seeds: 1 } });
    expect(results.provenance.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(results.provenance.node).toBe(process.version);
    expect(results.settings.kernels).toEqual(["sequential"]);
    expect(results.headline[0]).toHaveProperty("faultsPrevented");
    // the very file the report folder holds, so that `--json > results.json` gives it too
    expect(j.stdout).toBe(readFileSync(join(dir, "j", "results.json"), "utf8"));
  });

  it("refuses bad options with what was wrong and what is accepted, writing nothing", async () => {
    const out = join(dir, "bad");
    const size = await ampom("reproduce", "--size", "huge", "--out", out);
    expect(size.code).toBe(2);
    expect(size.stderr).toContain("ampom: option '-s, --size <size>' argument 'huge' is invalid. expected a memory size, e.g. 16MiB");
    const kernel = await ampom("reproduce", "--size", "1MiB", "--kernels", "stream2", "--out", out);
    expect(kernel.code).toBe(1);
    expect(kernel.stderr).toMatch(/^ampom: option kernels \(--kernels\): unknown kernel "stream2" \(built-in: .*\)/);
    // a fraction out of the utilisation's range, past 1 or at it, exits 1 (no usage error)
    const bg = await ampom("reproduce", "--background", "1.5", "--out", out);
    expect(bg.code).toBe(1);
    expect(bg.stderr).toBe('ampom: option busyBackground (--background): expected a fraction of at least 0 and below 1, such as 0.8 or "80%", got 1.5\n');
    const full = await ampom("reproduce", "--background", "1", "--out", out);
    expect(full.code).toBe(1);
    expect(full.stderr).toContain('option busyBackground (--background): expected a fraction of at least 0 and below 1, such as 0.8 or "80%", got 1\n');
    expect(existsSync(out)).toBe(false);
    // an --out that is a file is refused before any simulation runs
    writeFileSync(join(dir, "a-file"), "x");
    const file = await ampom("reproduce", "--out", join(dir, "a-file"));
    expect(file.code).toBe(1);
    expect(file.stderr).toMatch(/a-file: exists and is not a folder/);
    expect(readFileSync(join(dir, "a-file"), "utf8")).toBe("x");
  });

  it("--seeds N runs every seed and draws the mean with whiskers", async () => {
    const out = join(dir, "seeds");
    const r = await ampom("reproduce", "--size", "1MiB", "--kernels", "random,hpl", "--seeds", "3", "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("seeds 1–3 (tables: seed 1)");
    // the spread has the first seed's matrix's columns, the other mechanisms too
    expect(r.stdout).toMatch(/Faults prevented over 3 seeds, mean \(least–greatest\):\nkernel .* pre-copy +post-copy\n/);
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(results.settings.seeds).toEqual([1, 2, 3]);
    // a synthetic workload run beside a kernel is not passed off as one
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("<b>random</b> is not an HPCC kernel but the simulator's synthetic pattern");
    const row = results.spread.extended.random.find((m: { mechanism: string; policy: string }) => m.mechanism === "lightweight" && m.policy === "ampom");
    expect(row.faultsPrevented.n).toBe(3);
    expect(row.faultsPrevented.min).toBeLessThanOrEqual(row.faultsPrevented.mean);
    expect(row.faultsPrevented.mean).toBeLessThanOrEqual(row.faultsPrevented.max);
    // the random workload's seeds differ: its bars have whiskers
    expect(readFileSync(join(out, "faults-prevented-by-policy.svg"), "utf8")).toMatch(/<path class="whisker"/);
    const bad = await ampom("reproduce", "--seeds", "0", "--out", out);
    // out of range, not unreadable: 1
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("expected a whole number of at least 1");
  });

  it("--help lists the outputs and gives examples", async () => {
    const r = await ampom("reproduce", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("report.html");
    expect(r.stdout).toContain("--size <size>");
    expect(r.stdout).toContain("Examples:");
  });
});

describe("ampom", () => {
  it("lists every command in its help", async () => {
    const r = await ampom("--help");
    expect(r.code).toBe(0);
    for (const c of ["run", "compare", "reproduce"]) expect(r.stdout).toMatch(new RegExp(`\\n  ${c} `));
  });

  it("names an unknown command", async () => {
    const r = await ampom("reproduse");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("ampom: unknown command 'reproduse'");
  });
});
