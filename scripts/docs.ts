// `npm run docs`: runs every example the documentation shows (scripts/docs-examples.ts),
// stores each output in docs/generated/ID.txt, copies the report's figures into
// docs/figures/, rewrites the corpus README's manifest table, and fills every marked
// block of the Markdown files from docs/generated/. The whole run takes a quarter of an
// hour on a 2-core machine (the paper's evaluation at 256 MiB, the corpus evaluation,
// the benchmarks); run it under the shared CPU lock.
//
//   npm run docs                          everything
//   npm run docs -- --only reproduce,bench  these examples, then the Markdown
//   npm run docs -- --cheap                 only the examples the doc-sync test re-runs
//   npm run docs -- --fill                  no runs: the Markdown from docs/generated/
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { scriptArgs, scriptFail } from "../src/util/script-args.js";
import { writeFileAtomic } from "../src/util/atomic-file.js";
import { DOC_FILES, EXAMPLES, GENERATED, ROOT, exampleById, fenced, fillMarkdown, runExample, snapshotPath } from "./docs-examples.js";

const { values } = scriptArgs("docs", { options: { only: { type: "string" }, cheap: { type: "boolean" }, fill: { type: "boolean" } } });
const only = values.only?.split(",").map((s) => s.trim());
for (const id of only ?? []) if (!exampleById(id)) scriptFail("docs", `--only: no example "${id}" (examples: ${EXAMPLES.map((e) => e.id).join(", ")})`);
const chosen = values.fill ? [] : EXAMPLES.filter((e) => (only ? only.includes(e.id) : !values.cheap || e.cheap || e.file));

mkdirSync(GENERATED, { recursive: true });
const started = performance.now();
for (const e of chosen) {
  const t0 = performance.now();
  process.stderr.write(`docs: ${e.id}: ${e.command ?? e.file} ... `);
  const shown = await runExample(e);
  writeFileAtomic(snapshotPath(e.id), shown.text + "\n");
  process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

// the corpus README's table of traces, from its manifest
if (!only && !values.fill) execFileSync(process.execPath, [join(ROOT, "corpus", "capture.mjs"), "--readme"], { stdio: "inherit" });

// every marked block, from its snapshot
const used = new Set<string>();
const missing: string[] = [];
for (const file of DOC_FILES) {
  const path = join(ROOT, file);
  const text = readFileSync(path, "utf8");
  const filled = fillMarkdown(text, (id, body) => {
    const e = exampleById(id);
    if (!e) throw new Error(`${file}: marker for unknown example "${id}"`);
    used.add(id);
    // not run yet: the block stays as it is (the doc-sync test fails until it is run)
    if (!existsSync(snapshotPath(id))) {
      missing.push(id);
      return body;
    }
    return fenced(e, readFileSync(snapshotPath(id), "utf8").replace(/\n$/, ""));
  });
  if (filled !== text) writeFileAtomic(path, filled);
}
if (missing.length) process.stderr.write(`docs: not run yet, left as they are: ${[...new Set(missing)].join(", ")} (npm run docs -- --only ...)\n`);
const unused = EXAMPLES.filter((e) => !used.has(e.id)).map((e) => e.id);
if (unused.length) process.stderr.write(`docs: examples no document shows: ${unused.join(", ")}\n`);
process.stderr.write(`docs: ${chosen.length} examples run, ${DOC_FILES.length} files filled in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
