// `ampom validate` refuses a bad option before it runs anything: a native run takes
// seconds, and these ran them first, then failed far from the option (--repeat 0: "Cannot
// destructure property 'r' ..." after ~10 s; --native-runs 0: "Cannot read properties of
// undefined"; --timeout -5 blamed on the program; --pin-cpu -1 ran and reported CPU -1;
// --policy '' ran none; a directory as the program: "EISDIR: illegal operation ...").
// None of these needs root or the native parts: they are refused before either is looked at.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ampom, filesIn, hasStack, scratchDir } from "../sweep/cli-helpers.js";
import { validate } from "../../src/validate/validate.js";
import { allowedCpus } from "../../src/validate/native.js";

const program = ["--", "/bin/true"];
const cpus = allowedCpus().text;

const cases: Array<{ args: string[]; message: string; code?: number }> = [
  { args: ["--repeat", "0"], message: "option '--repeat <n>' argument '0' is invalid. expected a whole number of at least 1, e.g. 3." },
  { args: ["--repeat", "1.5"], message: "option '--repeat <n>' argument '1.5' is invalid. expected a whole number of at least 1, e.g. 3." },
  { args: ["--native-runs", "0"], message: "option '--native-runs <n>' argument '0' is invalid. expected a whole number of at least 1, e.g. 3." },
  { args: ["--timeout", "-5"], message: "option '--timeout <seconds>' argument '-5' is invalid. expected a number of seconds above 0 and at most 100000 (the capture gets 20 times as long), e.g. 600." },
  // 20 times 3e6 s does not fit a Node timer, which then fired at once
  { args: ["--timeout", "3000000"], message: "option '--timeout <seconds>' argument '3000000' is invalid. expected a number of seconds above 0 and at most 100000" },
  { args: ["--host-retries", "-1"], message: "option '--host-retries <n>' argument '-1' is invalid. expected a whole number from 0 to 10, e.g. 2." },
  { args: ["--host-retries", "11"], message: "option '--host-retries <n>' argument '11' is invalid. expected a whole number from 0 to 10, e.g. 2." },
  { args: ["--host-retries", "two"], message: "option '--host-retries <n>' argument 'two' is invalid. expected a whole number, e.g. 2.", code: 2 },
  { args: ["--pin-cpu", "-1"], message: `option '--pin-cpu <n>' argument '-1' is invalid. expected a CPU this process may run on: ${cpus}.` },
  { args: ["--pin-cpu", "100000"], message: `option '--pin-cpu <n>' argument '100000' is invalid. expected a CPU this process may run on: ${cpus}.` },
  { args: ["--pin-cpu", "one"], message: "option '--pin-cpu <n>' argument 'one' is invalid. expected a whole number, e.g. 0.", code: 2 },
  { args: ["--policy", ""], message: "option '-p, --policy <names>' argument '' is invalid. an empty list (give one or more, comma-separated)", code: 2 },
  { args: ["--policy", "none,psychic"], message: `option '-p, --policy <names>' argument 'none,psychic' is invalid. "psychic" is not a policy the real handler runs: expected none, ampom, or both comma-separated.` },
  // named as typed, not as the number it was read as (1.5)
  { args: ["--migrate-at", "150%"], message: `option migrateAt (--migrate-at): must be at least 0 and below 1 (a share of the native run's time), got "150%"` },
  { args: ["--migrate-at", "1.5"], message: "option migrateAt (--migrate-at): must be at least 0 and below 1 (a share of the native run's time), got 1.5" },
  { args: ["--background", "120%"], message: `option background (--background): expected a fraction of at least 0 and below 1, such as 0.8 or "80%", got "120%"` },
  { args: ["--migrate-call", "malloc:99999999999999999999999"], message: "option --migrate-call: the call index: expected a whole number from 1 to 2^53-1, got 99999999999999999999999" },
];

describe("validate: bad options are refused before the program runs", () => {
  for (const c of cases) {
    it(`validate ${c.args.map((a) => a || "''").join(" ")}`, () => {
      const dir = scratchDir("validate-opt");
      const r = ampom(["validate", "--keep", "kept", ...c.args, ...program], {}, dir);
      expect(r.stderr).toContain(`ampom: ${c.message}`);
      expect(r.code).toBe(c.code ?? 1);
      expect(hasStack(r.stderr)).toBe(false);
      expect(r.stdout).toBe("");
      // nothing ran: --keep's folder was never made
      expect(filesIn(dir)).toEqual([]);
    });
  }

  it("--keep naming a file", () => {
    const dir = scratchDir("validate-keep");
    writeFileSync(join(dir, "kept"), "mine\n");
    // it said "kept: already exists", and only after looking at the program and the machine
    const r = ampom(["validate", "--keep", "kept", "--", "/bin/true"], {}, dir);
    expect(r.stderr.trim()).toBe("ampom: option keep (--keep): kept is a file, not a folder to keep the runs in");
    expect(r.code).toBe(1);
    expect(readFileSync(join(dir, "kept"), "utf8")).toBe("mine\n");
  });

  it("a directory as the program", () => {
    const dir = scratchDir("validate-dir");
    mkdirSync(join(dir, "prog"));
    const r = ampom(["validate", "--", "./prog"], {}, dir);
    expect(r.stderr.trim()).toBe(`ampom: program "./prog": ${join(dir, "prog")} is a directory, not an executable program`);
    expect(r.code).toBe(1);
  });

  it("the library refuses the same values, naming the option", async () => {
    const run = (o: object) => validate({ command: ["/bin/true"], ...o });
    await expect(run({ repeat: 0 })).rejects.toThrow("option repeat (--repeat): expected a whole number of at least 1, got 0");
    await expect(run({ nativeRuns: 0 })).rejects.toThrow("option nativeRuns (--native-runs): expected a whole number of at least 1, got 0");
    // in the command line's words (one check serves both), with what the library was given
    await expect(run({ timeoutMs: -5000 })).rejects.toThrow("option timeoutMs (--timeout): expected a number of seconds above 0 and at most 100000 (the capture gets 20 times as long), got -5000 ms");
    await expect(run({ pinCpu: -1 })).rejects.toThrow(`option pinCpu (--pin-cpu): expected a CPU this process may run on: ${cpus}, got -1`);
    await expect(run({ pinCpu: 100000 })).rejects.toThrow(`option pinCpu (--pin-cpu): expected a CPU this process may run on: ${cpus}, got 100000`);
    await expect(run({ policies: ["none", "psychic"] })).rejects.toThrow(`option policies (--policy): "psychic" is not a policy the real handler runs: expected none, ampom, or both comma-separated`);
    await expect(run({ hostRetries: 11 })).rejects.toThrow("option hostRetries (--host-retries): expected a whole number from 0 to 10, got 11");
    await expect(run({ hostRetries: 0.5 })).rejects.toThrow("option hostRetries (--host-retries): expected a whole number from 0 to 10, got 0.5");
    await expect(run({ migrateAt: "150%" })).rejects.toThrow(`option migrateAt (--migrate-at): must be at least 0 and below 1 (a share of the native run's time), got "150%"`);
    await expect(run({ spikeCutNs: -1 })).rejects.toThrow("option spikeCutNs (--spike-cut): expected a time of 0 or more, got -1");
  });
});
