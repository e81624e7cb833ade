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
    // a heading's anchor as GitHub makes it: the heading's text (a link's text, no code or
    // emphasis marks; underscores stay), lower case, punctuation but hyphens dropped, spaces
    // as hyphens, and a repeated heading suffixed -1, -2, ...
    const noCode = (text: string) => text.replace(/^(```|~~~)[\s\S]*?^\1/gm, "");
    const anchors = (file: string) => {
      const seen = new Map<string, number>();
      return new Set([...noCode(readFileSync(file, "utf8")).matchAll(/^#{1,6} (.+?)(?: #+)?$/gm)].map((m) => {
        const text = m[1].replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/[`*]/g, "");
        const slug = text.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
        const n = seen.get(slug) ?? 0;
        seen.set(slug, n + 1);
        return n ? `${slug}-${n}` : slug;
      }));
    };
    // every document, those the generator fills and those it does not (docs/ampom-plus.md)
    const docs = readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`);
    for (const file of new Set([...DOC_FILES, ...docs])) {
      const text = noCode(readFileSync(join(ROOT, file), "utf8"));
      // inline links and images, with or without a title, and reference definitions
      for (const m of text.matchAll(/\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)|^ {0,3}\[[^\]]+\]:\s*(\S+)/gm)) {
        const target = m[1] ?? m[2];
        if (/^[a-z]+:/.test(target)) continue;
        const [path, anchor] = target.split("#");
        const to = path ? join(ROOT, dirname(file), decodeURI(path)) : join(ROOT, file);
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
