// The documentation cannot drift from the program: every output a document shows sits
// between markers and must be, byte for byte, the snapshot `npm run docs` stored in
// docs/generated/ when it ran the command; and the cheap commands are run again here, so
// a change to what they print fails until `npm run docs` is run (wall-clock times, the
// commit and the Node version masked). The expensive ones (the paper's evaluation at
// 256 MiB, benchmarks) are refreshed by `npm run docs` and checked against their
// snapshot only.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DOC_FILES, EXAMPLES, GENERATED, ROOT, exampleById, fenced, markedBlocks, normalise, runExample, snapshotPath,
} from "../../scripts/docs-examples.js";

const snapshot = (id: string) => readFileSync(snapshotPath(id), "utf8").replace(/\n$/, "");

describe("the documentation", () => {
  it("shows in every marked block exactly its example's stored output", () => {
    const shown = new Set<string>();
    for (const file of DOC_FILES) {
      const text = readFileSync(join(ROOT, file), "utf8");
      expect(text, `${file}: a marker is unclosed or malformed`).not.toMatch(/<!-- output: [\w-]+ -->(?![\s\S]*?<!-- \/output -->)/);
      for (const { id, body } of markedBlocks(text)) {
        const e = exampleById(id);
        expect(e, `${file}: marker for unknown example "${id}"`).toBeDefined();
        expect(existsSync(snapshotPath(id)), `${file}: no docs/generated/${id}.txt; run npm run docs -- --only ${id}`).toBe(true);
        expect(body, `${file}: the block "${id}" is not its stored output; run npm run docs -- --fill`).toBe(fenced(e!, snapshot(id)));
        shown.add(id);
      }
    }
    // every example is shown somewhere, and every stored output is an example's
    expect(EXAMPLES.map((e) => e.id).filter((id) => !shown.has(id))).toEqual([]);
    const stored = readdirSync(GENERATED).filter((f) => f.endsWith(".txt")).map((f) => f.replace(/\.txt$/, ""));
    expect(stored.filter((id) => !exampleById(id))).toEqual([]);
  });

  it("links only to files and headings that exist", () => {
    const slug = (heading: string) =>
      heading.trim().toLowerCase().replace(/[`*_]/g, "").replace(/[^\p{L}\p{N} -]/gu, "").replace(/ /g, "-");
    const anchors = (file: string) =>
      new Set([...readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "").matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1])));
    for (const file of [...DOC_FILES, "docs/internals.md"]) {
      const text = readFileSync(join(ROOT, file), "utf8").replace(/```[\s\S]*?```/g, "");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [path, anchor] = target.split("#");
        const to = path ? join(ROOT, dirname(file), path) : join(ROOT, file);
        expect(existsSync(to), `${file}: link to ${target}: no such file`).toBe(true);
        if (anchor && to.endsWith(".md")) expect(anchors(to).has(anchor), `${file}: link to ${target}: no such heading`).toBe(true);
      }
    }
  });

  it("keeps no reference to documents outside the repository", () => {
    for (const file of DOC_FILES) expect(readFileSync(join(ROOT, file), "utf8"), file).not.toMatch(/DESIGN(\.md| section| \d|§)/);
  });
});

// each spawns the command line: run a few at a time
describe.concurrent("what the commands print now", () => {
  for (const e of EXAMPLES.filter((x) => x.cheap || x.file)) {
    it(`${e.id}: ${e.command ?? e.file}`, async () => {
      const now = await runExample(e);
      expect(normalise(now.text), `docs/generated/${e.id}.txt is stale; run npm run docs -- --only ${e.id}`).toBe(normalise(snapshot(e.id)));
    });
  }
});
