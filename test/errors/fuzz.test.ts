// Fuzzing the parsers of user input: whatever comes in, the result is either a value
// or a plain Error with a message (never a TypeError, RangeError or a crash), and
// nothing hangs. Run options, sweep configs (as JSON values and as text), the JSON
// error locator, results files and --shard.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveOptions, runOptionsSchema } from "../../src/sim/options.js";
import { preflight } from "../../src/sim/preflight.js";
import { loadSweepConfig, MAX_RUNS, planSweep } from "../../src/sweep/config.js";
import { scanResults } from "../../src/sweep/results.js";
import { parseShard } from "../../src/sweep/shard.js";
import { jsonErrorWhere } from "../../src/util/json-where.js";
import { scratchDir } from "../sweep/cli-helpers.js";

/** Runs f; a thrown value must be a plain Error with a non-empty one-line-ish message. */
function cleanly<T>(f: () => T): T | Error {
  try {
    return f();
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    expect(["Error", "OptionValueError", "SweepConfigError", "PolicyModuleError", "UnknownUnitError", "TooLargeError"]).toContain((err as Error).constructor.name);
    expect((err as Error).message.length).toBeGreaterThan(0);
    return err as Error;
  }
}

const optionNames = Object.keys(runOptionsSchema.shape);
// values near the valid ones, and junk
const optionValue = fc.oneof(
  fc.constantFrom("none", "ampom", "leap", "lightweight", "full-copy", "gige-2008", "rdma-100g", "random", "sequential", "64MiB", "1Gbps", "50us", "wasm", "reference"),
  fc.constantFrom("", "-1", "1e400", "NaN", "4TiB", "0Gbps", "1.5", "abc", "µs", "1 KiB"),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.double(), fc.string({ maxLength: 4 })), { maxKeys: 3 }),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const optionKey = fc.oneof(fc.constantFrom(...optionNames), fc.string({ maxLength: 8 }));

describe("fuzz: option validation", () => {
  it("resolveOptions and preflight accept or refuse with a plain Error", () => {
    fc.assert(
      fc.property(fc.dictionary(optionKey, optionValue, { maxKeys: 6 }), (o) => {
        const r = cleanly(() => resolveOptions(o as never));
        if (!(r instanceof Error)) cleanly(() => preflight(r));
      }),
      { numRuns: 3000 },
    );
  });

  it("errors name an option", () => {
    fc.assert(
      fc.property(fc.constantFrom(...optionNames), optionValue, (k, v) => {
        const r = cleanly(() => resolveOptions({ [k]: v } as never));
        // the message names the option, in its library or command-line spelling
        const words = k.split(/(?=[A-Z])/).map((w) => w.toLowerCase());
        if (r instanceof Error) expect(words.some((w) => r.message.toLowerCase().includes(w))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("fuzz: sweep configs", () => {
  it("any JSON value is planned or refused with the file's name in the message", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        const r = cleanly(() => planSweep(v, "fuzz.json"));
        if (r instanceof Error) expect(r.message.startsWith("fuzz.json: ")).toBe(true);
        else expect(r.runs.length).toBeLessThanOrEqual(MAX_RUNS);
      }),
      { numRuns: 2000 },
    );
  });

  it("grids of near-valid values: every combination checked, or an error naming base or grid", () => {
    const config = fc.record({
      base: fc.dictionary(optionKey, optionValue, { maxKeys: 3 }),
      grid: fc.dictionary(optionKey, fc.array(optionValue, { minLength: 0, maxLength: 4 }), { maxKeys: 4 }),
    });
    fc.assert(
      fc.property(config, (c) => {
        const r = cleanly(() => planSweep(c, "grid.json"));
        if (r instanceof Error) expect(r.message).toMatch(/^grid\.json: (base|grid)/);
        else {
          expect(r.runs.map((x) => x.index)).toEqual([...r.runs.keys()]);
          expect(new Set(r.runs.map((x) => x.key)).size).toBe(r.runs.length);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it("mangled config text is refused with file, line and column, or planned", () => {
    const dir = scratchDir("fuzz");
    const file = join(dir, "sweep.json");
    const valid = JSON.stringify({ base: { workload: "random", memory: "1MiB" }, grid: { policy: ["none", "ampom"], seed: [1, 2] } }, null, 2);
    const edit = fc.record({ at: fc.nat(valid.length), drop: fc.nat(4), insert: fc.string({ maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let text = valid;
        for (const e of edits) text = text.slice(0, e.at) + e.insert + text.slice(e.at + e.drop);
        writeFileSync(file, text);
        const r = cleanly(() => loadSweepConfig(file));
        // a syntax error names its line and column (FILE:LINE:COLUMN: ...), any other fault the field
        if (r instanceof Error) expect(/^:\d+:\d+: not valid JSON|^: /.test(r.message.slice(file.length)) && r.message.startsWith(file), r.message).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
});

describe("fuzz: the JSON error locator agrees with JSON.parse", () => {
  const parses = (s: string) => {
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  };
  const check = (s: string) => {
    const where = jsonErrorWhere(s);
    expect(where === undefined).toBe(parses(s));
    if (where) {
      expect(where.line).toBeGreaterThanOrEqual(1);
      expect(where.line).toBeLessThanOrEqual(s.split("\n").length);
      expect(where.column).toBeGreaterThanOrEqual(1);
    }
  };
  it("on arbitrary text", () => fc.assert(fc.property(fc.string({ maxLength: 40, unit: "binary" }), check), { numRuns: 5000 }));
  it("on JSON texts with a character removed or added", () =>
    fc.assert(
      fc.property(fc.json({ maxDepth: 3 }), fc.nat(), fc.constantFrom("", ",", "]", "}", '"', ":", "\\", "-", "0", "e", " ", "\n"), (j, at, add) => {
        const i = at % (j.length + 1);
        check(j.slice(0, i) + add + j.slice(i + (add === "" ? 1 : 0)));
      }),
      { numRuns: 5000 },
    ));
});

describe("fuzz: results files and --shard", () => {
  it("any bytes in a results file: records, or an error naming file and line", () => {
    const dir = scratchDir("fuzz");
    const file = join(dir, "results.jsonl");
    const line = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
      fc.record({ index: fc.integer(), key: fc.string(), options: fc.object(), metrics: fc.object() }).map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 5 }), fc.boolean(), (lines, tail) => {
        writeFileSync(file, lines.join("\n") + (tail ? "\n" : ""));
        const r = cleanly(() => scanResults(file, () => {}));
        if (r instanceof Error) expect(r.message).toMatch(new RegExp(`^${file}:\\d+: `));
      }),
      { numRuns: 1500 },
    );
  });

  it("--shard accepts exactly i/n with 0 <= i < n", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 8 }), fc.tuple(fc.integer({ min: -3, max: 9 }), fc.integer({ min: -3, max: 9 })).map(([i, n]) => `${i}/${n}`)), (spec) => {
        const r = cleanly(() => parseShard(spec, {}));
        if (!(r instanceof Error)) {
          expect(r.index).toBeGreaterThanOrEqual(0);
          expect(r.index).toBeLessThan(r.count);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
