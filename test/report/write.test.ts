// Writing a report's files: all or nothing, so a page on disk always agrees with the
// numbers beside it.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeOutputs } from "../../src/report/write.js";

const root = mkdtempSync(join(tmpdir(), "ampom-write-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("writeOutputs", () => {
  it("leaves an earlier report as it was when a file cannot be written, not new numbers beside the old page", () => {
    const dir = join(root, "report");
    mkdirSync(dir);
    writeFileSync(join(dir, "results.json"), "old numbers\n");
    writeFileSync(join(dir, "report.html"), "old page\n");
    // a folder where a figure goes: its write fails after results.json's
    mkdirSync(join(dir, "figure.svg"));
    expect(() =>
      writeOutputs(dir, "--out", [["results.json", "new numbers\n"], ["figure.svg", "<svg/>\n"], ["report.html", "new page\n"]]),
    ).toThrow(`${join(dir, "figure.svg")}: is a directory`);
    expect(readFileSync(join(dir, "results.json"), "utf8")).toBe("old numbers\n");
    expect(readFileSync(join(dir, "report.html"), "utf8")).toBe("old page\n");
    expect(readdirSync(dir).sort()).toEqual(["figure.svg", "report.html", "results.json"]);
  });

  it("leaves no folder and no file behind when a new report cannot be written", () => {
    const dir = join(root, "new", "report");
    expect(() => writeOutputs(dir, "--out", [["results.json", "numbers\n"], ["missing/figure.svg", "<svg/>\n"], ["report.html", "page\n"]])).toThrow(
      "does not exist",
    );
    expect(existsSync(join(root, "new"))).toBe(false);
  });

  it("writes every file, and removes stale ones only once the new report is in place", () => {
    const dir = join(root, "stale");
    mkdirSync(dir);
    writeFileSync(join(dir, "old-figure.svg"), "<svg/>\n");
    writeOutputs(dir, "--out", [["a.svg", "a\n"], ["report.html", "page\n"]], /\.svg$/);
    expect(readdirSync(dir).sort()).toEqual(["a.svg", "report.html"]);
  });
});
