// Fuzzing the trace readers: page-level text and lackey lines made of valid and broken
// pieces, and amt files with bytes flipped or cut off. Every input ends in records or
// in a plain Error naming the file (and the line, for text); a damaged amt never
// yields records that differ from what was written.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { AmtWriter, openAmt } from "../../src/trace/amt.js";
import { closeSync, openSync } from "node:fs";
import { C_CHUNK_LEN, C_CURSOR, P_PAGES } from "../../src/core/abi.js";
import { ReferenceCore } from "../../src/core/reference-core.js";
import type { SimCore } from "../../src/core/types.js";
import { WasmCore } from "../../src/core/wasm-core.js";
import { importTrace } from "../../src/trace/import.js";
import type { Workload } from "../../src/workloads/types.js";
import { scratchDir } from "../sweep/cli-helpers.js";

const dir = scratchDir("fuzz-trace");

async function outcomeAsync<T>(f: () => Promise<T>): Promise<T | Error> {
  try {
    return await f();
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).constructor.name).toBe("Error");
    return err as Error;
  }
}

function readAll(w: Workload): number[] {
  const cap = 4096;
  const pages = new Uint32Array(cap), gaps = new Uint32Array(cap), flags = new Uint8Array(cap);
  const out: number[] = [];
  const s = w.open();
  try {
    for (let n; (n = s.fill(pages, gaps, flags, cap)) > 0; ) for (let i = 0; i < n; i++) out.push(pages[i], gaps[i], flags[i]);
  } finally {
    s.close?.();
  }
  return out;
}

const hex = fc.constantFrom("0", "1a", "400", "7ff0001b8", "ffffffffffff", "zz", "", "-1", "0x10", "1".repeat(20));
const dec = fc.constantFrom("0", "1", "4096", "99999999999", "-3", "x", "", "1.5");

async function importCase(name: string, lines: string[]) {
  const input = join(dir, name);
  const output = join(dir, `${name}.amt`);
  writeFileSync(input, lines.join("\n") + "\n");
  rmSync(output, { force: true });
  const r = await outcomeAsync(() => importTrace(input, output));
  if (r instanceof Error) {
    expect(r.message).toMatch(new RegExp(`^${input}(:\\d+)?: `));
    expect(existsSync(output)).toBe(false);
  } else {
    expect(r.records).toBeGreaterThan(0);
    expect(readAll(openAmt(output)).length).toBe(3 * r.records);
  }
}

describe("fuzz: text trace parsers", () => {
  it("page-level text lines", async () => {
    const line = fc.oneof(
      fc.tuple(fc.constantFrom("I", "R", "W", "X", "r", ""), hex, dec).map((t) => t.join(" ")),
      fc.constantFrom("# comment", "", "   ", "R 1000", "W 1000 1 extra", "\tR\t10\t2"),
      fc.string({ maxLength: 12 }),
    );
    await fc.assert(fc.asyncProperty(fc.array(line, { maxLength: 12 }), (lines) => importCase("pages.txt", ["# page-level", ...lines])), { numRuns: 600 });
  });

  it("lackey lines", async () => {
    const line = fc.oneof(
      fc.tuple(fc.constantFrom("I  ", " L ", " S ", " M ", " X ", "I ", "L "), hex, fc.constantFrom(",8", ",4", ",", ",x", "", ",99999")).map((t) => t.join("")),
      fc.constantFrom("==123== Lackey, an example Valgrind tool", "", "garbage"),
      fc.string({ maxLength: 12 }),
    );
    await fc.assert(fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 12 }), (lines) => importCase("run.lackey", ["I  0400d7d4,8", ...lines])), { numRuns: 600 });
  });
});

/** Every record through a core's own decoding (amt v2 feedCore), as readAll gives them. */
function readAllInCore(w: Workload, core: SimCore): number[] {
  const s = w.open();
  const out: number[] = [];
  try {
    const v = core.init(w.pageCount, s.blockRecords!);
    v.params[P_PAGES] = w.pageCount;
    while (s.feedCore!(core, v, 999) > 0) {
      for (let i = v.counters[C_CURSOR]; i < v.counters[C_CHUNK_LEN]; i++) out.push(v.chunkPages[i], v.chunkGaps[i], v.chunkFlags[i]);
    }
  } finally {
    s.close?.();
  }
  return out;
}

const readers: Array<[string, 1 | 2, (w: Workload) => Promise<number[]> | number[]]> = [
  ["v1, read in TypeScript", 1, readAll],
  ["v2, decoded in TypeScript", 2, readAll],
  ["v2, decoded inside the WebAssembly core", 2, async (w) => readAllInCore(w, await WasmCore.create())],
  ["v2, decoded inside the reference core", 2, (w) => readAllInCore(w, new ReferenceCore())],
];

describe.each(readers)("fuzz: amt reader, %s", (_, version, read) => {
  // a small valid trace: 3000 records over three regions, in blocks of 1000
  const text = join(dir, "base.txt");
  const lines = ["# page-level"];
  for (let i = 0; i < 3000; i++) lines.push(`${"IRW"[i % 3]} ${(0x1000 + ((i * 7) % 97) + (i % 3) * 0x400).toString(16)} ${1 + (i % 5)}`);
  writeFileSync(text, lines.join("\n") + "\n");
  const good = join(dir, `base-v${version}.amt`);
  let original: Buffer;
  let records: number[];
  beforeAll(async () => {
    await importTrace(text, join(dir, "whole.amt"), { version });
    // blocks of 1000 records: damage can fall in any of several blocks
    const w = openAmt(join(dir, "whole.amt"));
    const fd = openSync(good, "w");
    const writer = new AmtWriter(fd, { ...w.header, blockRecords: 1000 }, version);
    const all = readAll(w);
    for (let k = 0; k < 3; k++) {
      const at = 3000 * k;
      const pick = (f: number) => all.filter((_, i) => i >= at && i < at + 3000 && (i - at) % 3 === f);
      writer.addBlock(Uint32Array.from(pick(0)), Uint32Array.from(pick(1)), Uint8Array.from(pick(2)), 1000);
    }
    writer.finish();
    closeSync(fd);
    original = readFileSync(good);
    records = await read(openAmt(good));
    expect(records).toEqual(all);
  });

  it("flipped bytes are caught, or change nothing that is read", async () => {
    const file = join(dir, "flipped.amt");
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }), async (flips) => {
        const b = Buffer.from(original);
        for (const [at, x] of flips) b[at] ^= x;
        writeFileSync(file, b);
        const r = await outcomeAsync(async () => read(openAmt(file)));
        if (r instanceof Error) expect(r.message.startsWith(`${file}: `)).toBe(true);
        else expect(r).toEqual(records);
      }),
      { numRuns: 800 },
    );
  });

  it("a file cut anywhere is refused", async () => {
    const file = join(dir, "cut.amt");
    await fc.assert(
      fc.asyncProperty(fc.nat(original.length - 1), async (len) => {
        writeFileSync(file, original.subarray(0, len));
        const r = await outcomeAsync(async () => read(openAmt(file)));
        expect(r).toBeInstanceOf(Error);
        expect((r as Error).message.startsWith(`${file}: `)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
