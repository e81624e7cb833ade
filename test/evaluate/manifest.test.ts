// A manifest of one's own for `ampom evaluate --corpus`: each mistake in it is named by
// the manifest, the entry and the field, before any run and before the runs folder is
// made; a program without a half is reported in a group of its own.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { corpusWorkloads } from "../../src/evaluate/index.js";
import { ampom } from "../cli/capture.js";
import { scratchDir } from "../sweep/cli-helpers.js";

const fixture = resolve("test/fixtures/sort-lackey.amt");

/** A folder with the fixture as sort.amt and `manifest` as `name`; returns its path. */
function manifestOf(dir: string, manifest: unknown, name = "m.json"): string {
  copyFileSync(fixture, join(dir, "sort.amt"));
  const m = join(dir, name);
  writeFileSync(m, typeof manifest === "string" ? manifest : JSON.stringify(manifest));
  return m;
}

const sort = { name: "sort", kind: "text", half: "test", file: "sort.amt" };

describe("a manifest of one's own", () => {
  it("names the place of a JSON syntax error, line and column", () => {
    const dir = scratchDir("manifest");
    const m = manifestOf(dir, '{ "programs": [\n  { "name": "sort", "kind": "text", "file": "sort.amt" },\n] }');
    expect(() => corpusWorkloads(m)).toThrow(`${m}:3:1: not valid JSON (expected a value)`);
  });

  it("names the field at fault as programs[i].field, quoting the value given", () => {
    const dir = scratchDir("manifest");
    const at = (manifest: unknown) => () => corpusWorkloads(manifestOf(dir, manifest));
    const m = join(dir, "m.json");
    expect(at({ programs: [{ ...sort, half: "testing" }] })).toThrow(`${m}: programs[0].half: "testing" is not one of "tuning", "test"`);
    expect(at({ programs: [sort, { ...sort, name: "two", half: 2 }] })).toThrow(`${m}: programs[1].half: 2 is not one of "tuning", "test"`);
    const { file: _, ...noFile } = sort;
    expect(at({ programs: [{ ...noFile, path: "sort.amt" }] })).toThrow(
      `${m}: programs[0].file: missing: the trace file, relative to the manifest's folder (the entry has name, kind, half, path)`,
    );
    expect(at({ programs: [{ ...sort, name: 5 }] })).toThrow(`${m}: programs[0].name: expected a string, got 5`);
    // names --traces could never pick
    for (const name of ["none", "a,b", " sort"]) {
      expect(at({ programs: [{ ...sort, name }] })).toThrow(`${m}: programs[0].name: ${JSON.stringify(name)} cannot be chosen with --traces: a name has no commas`);
    }
    expect(at({ programs: [] })).toThrow(`${m}: programs: lists no programs`);
    expect(at({ programs: ["sort.amt"] })).toThrow(`${m}: programs[0]: expected an object { "name", "kind", "half", "file" }, got "sort.amt"`);
    // a root that is not an object: no empty path before the message
    expect(at([])).toThrow(`${m}: not a corpus manifest: expected an object { "programs": [...] }, got an array`);
    expect(at(null)).toThrow(`${m}: not a corpus manifest: expected an object { "programs": [...] }, got null`);
  });

  it("refuses two entries naming one trace file, naming both", () => {
    const dir = scratchDir("manifest");
    const m = manifestOf(dir, { programs: [sort, { ...sort, name: "sort-again", half: "tuning", file: "./sort.amt" }] });
    expect(() => corpusWorkloads(m)).toThrow(
      `${m}: programs[1].file: "./sort.amt" is the same trace file as programs[0].file ("sort.amt"): list each trace once (programs sort and sort-again)`,
    );
  });

  it("checks every trace opens before any run, naming the manifest, the entry and the program", async () => {
    const dir = scratchDir("manifest");
    writeFileSync(join(dir, "garbage.txt"), "garbage line here\n");
    writeFileSync(join(dir, "cut.amt"), readFileSync(fixture).subarray(0, 5000));
    const m = manifestOf(dir, { programs: [sort, { name: "junk", kind: "text", half: "tuning", file: "garbage.txt" }] });
    const garbage = `${m}: programs[1].file: ${join(dir, "garbage.txt")}:1: expected a record \`K PAGE GAP\` with K one of I, R, W (line: "garbage line here") (program junk)`;
    expect(() => corpusWorkloads(m)).toThrow(garbage);
    // only the traces taken are opened
    expect(corpusWorkloads(m, ["sort"])).toHaveLength(1);
    const cut = manifestOf(dir, { programs: [{ ...sort, file: "cut.amt" }] }, "cut.json");
    expect(() => corpusWorkloads(cut)).toThrow(`${cut}: programs[0].file: ${join(dir, "cut.amt")}: truncated amt trace`);

    // the command: nothing made, not the runs folder, not the output
    const r = await ampom("evaluate", "--corpus", m, "--kernels", "none", "-o", join(dir, "e.json"), "-q");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ampom: ${garbage}\n`);
    expect(existsSync(join(dir, "e-runs"))).toBe(false);
    expect(existsSync(join(dir, "e.json"))).toBe(false);
  });

  it("says a manifest given with --corpus does not exist, and names the options at fault", async () => {
    const dir = scratchDir("manifest");
    const missing = await ampom("evaluate", "--corpus", join(dir, "nosuch.json"), "-o", join(dir, "e.json"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`ampom: ${join(dir, "nosuch.json")}: no such file (the corpus manifest)\n`);
    const m = manifestOf(dir, { programs: [sort] });
    const condition = await ampom("evaluate", "--corpus", m, "--conditions", "gige-2008@80", "-o", join(dir, "e.json"));
    expect(condition.code).toBe(1);
    expect(condition.stderr).toBe('ampom: option conditions (--conditions): condition "gige-2008@80": expected NETWORK or NETWORK@LOAD%, e.g. gige-2008@80%\n');
    const config = await ampom("evaluate", "--corpus", m, "--configs", "foo", "-o", join(dir, "e.json"));
    expect(config.code).toBe(1);
    expect(config.stderr).toMatch(/^ampom: option configs \(--configs\): unknown configuration "foo" \(known: none, /);
    expect(existsSync(join(dir, "e.json"))).toBe(false);
  });

  it("reports programs without a half in a group of their own, and says what it resumed", async () => {
    const dir = scratchDir("manifest");
    const { half: _, ...noHalf } = sort;
    const m = manifestOf(dir, { programs: [noHalf] });
    expect(corpusWorkloads(m)[0].group).toBe("traces");
    const args = ["evaluate", "--corpus", m, "--kernels", "none", "--conditions", "gige-2008", "--migrate-at", "0.5", "--configs", "ampom-plus", "-j", "1", "-o", join(dir, "e.json")];
    const first = await ampom(...args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Traces \(no half given\): 1 workload$/m);
    expect(first.stdout).not.toMatch(/half: /);
    expect(JSON.parse(readFileSync(join(dir, "e.json"), "utf8")).workloads.map((w: { group: string }) => w.group)).toEqual(["traces"]);
    expect(first.stderr).toMatch(new RegExp(`^evaluate: 3 runs \\(3 computed, 0 resumed from ${join(dir, "e-runs")}\\) in [\\d.]+ s -> ${join(dir, "e.json")}\\n$`));
    const again = await ampom(...args);
    expect(again.stderr).toMatch(/^evaluate: 3 runs \(0 computed, 3 resumed from /);
  });
});
