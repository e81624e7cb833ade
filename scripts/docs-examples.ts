// Every output the documentation shows, as the command that prints it. `npm run docs`
// (scripts/docs.ts) runs them all, stores what each printed in docs/generated/ID.txt and
// puts it into the Markdown files between the markers
//
//   <!-- output: ID -->
//   ```text
//   $ ampom ...
//   ...
//   ```
//   <!-- /output -->
//
// test/docs/sync.test.ts holds the Markdown to docs/generated/ and re-runs the cheap
// examples to hold docs/generated/ to what the commands print now (timings, commits and
// the Node version masked). An example that shows a file (`file`) shows its contents.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..");
export const GENERATED = join(ROOT, "docs", "generated");
export const FIGURES = join(ROOT, "docs", "figures");
/** The Markdown files whose marked blocks come from the examples. */
export const DOC_FILES = ["README.md", "docs/model.md", "docs/cli.md", "docs/reproduce.md", "docs/policies.md", "docs/workloads.md", "docs/performance.md", "docs/scale.md", "docs/library.md", "docs/validation.md", "corpus/README.md"];

export interface DocExample {
  id: string;
  /** the command as the documentation shows it after "$ "; "ampom" is this checkout's
   * bin/ampom.js. Run in a fresh folder holding links to the repository's examples/,
   * corpus/, test/ and bench/, so that relative paths read as in a clone and outputs
   * land in the scratch folder. */
  command?: string;
  /** a file of the repository to show instead of a command's output */
  file?: string;
  /** re-run by the doc-sync test (a few seconds at most) */
  cheap?: boolean;
  /** show standard error too, after standard output (error examples, summaries) */
  stderr?: boolean;
  /** the exit code the command must end with (default 0) */
  exitCode?: number;
  /** shown output: only the lines from the first one matching this on (e.g. a table) */
  from?: RegExp;
  /** run in the repository itself rather than a scratch folder (npm scripts) */
  inRepo?: boolean;
  /** after the run, with the scratch folder: copy what the docs use (figures) */
  after?: (scratch: string) => void;
  /** a file the command wrote, shown after its output as `head -n N FILE` shows it */
  head?: { file: string; lines: number };
}

/** Copies a report's SVG figures (those matching `only`) into docs/figures/, named
 * `prefix` + their name. */
function copyFigures(from: string, prefix = "", only = /\.svg$/): void {
  mkdirSync(FIGURES, { recursive: true });
  for (const f of readdirSync(from)) if (f.endsWith(".svg") && only.test(f)) cpSync(join(from, f), join(FIGURES, prefix + f));
}

export const EXAMPLES: DocExample[] = [
  // README: the tour's one output
  { id: "readme-run", command: "ampom run --workload stream --memory 16MiB --policy ampom", cheap: true },
  { id: "version", command: "ampom --version", cheap: true },

  // the command line
  { id: "help", command: "ampom --help", cheap: true },
  { id: "help-run", command: "ampom run --help", cheap: true },
  { id: "help-compare", command: "ampom compare --help", cheap: true },
  { id: "help-reproduce", command: "ampom reproduce --help", cheap: true },
  { id: "help-sweep", command: "ampom sweep --help", cheap: true },
  { id: "help-sweep-merge", command: "ampom sweep-merge --help", cheap: true },
  { id: "help-cluster", command: "ampom cluster --help", cheap: true },
  { id: "help-evaluate", command: "ampom evaluate --help", cheap: true },
  { id: "help-trace-import", command: "ampom trace import --help", cheap: true },
  { id: "help-trace-info", command: "ampom trace info --help", cheap: true },
  { id: "help-trace-export", command: "ampom trace export --help", cheap: true },
  { id: "help-trace-capture", command: "ampom trace capture --help", cheap: true },
  { id: "help-validate", command: "ampom validate --help", cheap: true },
  { id: "help-list", command: "ampom list --help", cheap: true },
  { id: "help-check-policy", command: "ampom check-policy --help", cheap: true },
  { id: "check-policy-oracle", command: "ampom check-policy oracle --workloads random,hpl -q", stderr: true, exitCode: 1, cheap: true },
  { id: "list", command: "ampom list", cheap: true },
  { id: "compare-random", command: "ampom compare --workload random --memory 1MiB", cheap: true },
  {
    id: "run-events",
    command: "ampom run --workload random --memory 1MiB --policy ampom --no-baselines --events events.jsonl -q",
    cheap: true,
    head: { file: "events.jsonl", lines: 8 },
  },
  { id: "run-json", command: "ampom run --workload random --memory 1MiB --policy leap --no-baselines --json", cheap: true },
  { id: "error-pair", command: "ampom run --workload stream --mechanism full-copy --policy ampom", cheap: true, stderr: true, exitCode: 1 },
  { id: "error-trace-options", command: "ampom run --workload corpus/traces/gzip.amt.gz --memory 256MiB --seed 5", cheap: true, stderr: true, exitCode: 1 },
  { id: "error-unit", command: "ampom run --workload stream --memory 64XB", cheap: true, stderr: true, exitCode: 1 },
  { id: "scenario-file", file: "examples/balancer.json" },
  { id: "cluster-balancer", command: "ampom cluster examples/balancer.json", cheap: true },
  { id: "cluster-hpcc", command: "ampom cluster examples/hpcc-balancer.json" },

  // the paper's evaluation
  {
    id: "reproduce",
    command: "ampom reproduce",
    // its summary line (the time taken) is on standard error
    stderr: true,
    after: (scratch) => copyFigures(join(scratch, "ampom-report")),
  },
  { id: "reproduce-seeds", command: "ampom reproduce --size 16MiB --kernels randomaccess,hpl --seeds 5 --out seeds-report", stderr: true, from: /^Faults prevented over/ },

  // policies
  { id: "policies", command: "npx tsx scripts/docs-tables.ts policies", cheap: true },
  { id: "policy-module", file: "examples/swap-readahead-policy.ts" },
  { id: "policy-module-run", command: "ampom run --workload stream --memory 16MiB --policy ./examples/swap-readahead-policy.ts", cheap: true },
  { id: "policy-builtin-run", command: "ampom run --workload stream --memory 16MiB --policy linux-cluster", cheap: true },
  { id: "check-policy-module", command: "ampom check-policy ./examples/swap-readahead-policy.ts -q" },

  // workloads and traces
  { id: "trace-info-fixture", command: "ampom trace info test/fixtures/sort-lackey.amt", cheap: true },
  { id: "trace-text", file: "examples/tiny-trace.txt" },
  { id: "trace-import", command: "ampom trace import examples/tiny-trace.txt -o tiny.amt --json", cheap: true },
  { id: "trace-info-corrupt", command: "ampom trace info examples/damaged.amt", cheap: true, stderr: true, exitCode: 1 },
  { id: "trace-run", command: "ampom run --workload corpus/traces/bc.amt.gz --policy ampom", cheap: true },
  { id: "calibration", command: "npx tsx scripts/docs-tables.ts calibration", cheap: true },
  { id: "kernel-sizes", command: "npx tsx scripts/docs-tables.ts kernels" },
  { id: "bench-generators", command: "npm run bench -- --only generators", inRepo: true, from: /^ampom bench/ },

  // corpus and evaluation
  {
    id: "evaluate",
    command: "ampom evaluate -o evaluation.json -j 2 --report evaluation-report",
    // the figures corpus/README.md shows
    after: (scratch) => copyFigures(join(scratch, "evaluation-report"), "evaluation-", /^(gap-closed-.*|scenarios-test|cost-tuning)\.svg$/),
  },
  // the same configurations under conditions none was designed on
  {
    id: "evaluate-conditions",
    command: "ampom evaluate --conditions gige-2008@50%,gige-2008@90%,rdma-100g@80% --migrate-at 0.1,0.5,0.9 -o conditions.json -j 2 --report conditions-report",
    after: (scratch) => copyFigures(join(scratch, "conditions-report"), "conditions-", /^scenarios-(tuning|test)\.svg$/),
  },

  // scale
  { id: "sweep-config", file: "bench/sweep/throughput.json" },
  { id: "sweep-dry", command: "ampom sweep bench/sweep/throughput.json --out results.jsonl --dry-run", cheap: true },
  { id: "sweep-small", command: "ampom sweep test/slurm/sweep.json --out results.jsonl --json", cheap: true },
  { id: "sweep-throughput", command: "ampom sweep bench/sweep/throughput.json --out throughput.jsonl --workers 2", stderr: true },
  { id: "scaling", command: "npx tsx bench/scaling.ts --billion", inRepo: true },
  { id: "sweep-plan-memory", command: "npx tsx bench/sweep/plan-memory.ts 1000 200000 1000000", inRepo: true },

  // performance
  { id: "bench-micro", command: "npm run bench -- --only micro", inRepo: true, from: /^ampom bench/ },
  // every workload on both cores at 256 MiB takes over a quarter of an hour (the
  // reference core is tens of times slower): the docs show three, a trace among them
  { id: "bench-e2e", command: "npm run bench -- --only e2e --workload stream --workload fft --workload test/fixtures/sort-lackey.amt", inRepo: true, from: /^ampom bench/ },
  { id: "bench-native", command: "npm run bench -- --only native", inRepo: true, from: /^ampom bench/ },
  { id: "bench-shared", command: "npm run bench -- --only shared", inRepo: true, from: /^ampom bench/ },

  // the library
  { id: "library-example", file: "examples/library.mjs" },
  { id: "library-run", command: "node examples/library.mjs", cheap: true },
];

/** What a run printed, as the docs show it: the command and its output. */
export interface Shown {
  text: string;
  code: number;
}

/** A scratch folder that reads like a clone: links to the repository's folders that
 * examples name, so relative paths work and outputs land in the scratch folder. */
export function scratchFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "ampom-docs-"));
  for (const sub of ["examples", "corpus", "test", "bench", "scripts"]) symlinkSync(join(ROOT, sub), join(dir, sub));
  return dir;
}

/** The argv a shown command runs with: "ampom" is this checkout's command. */
function argvOf(command: string): string[] {
  const words = command.split(/\s+/).filter(Boolean);
  if (words[0] === "ampom") return [process.execPath, join(ROOT, "bin", "ampom.js"), ...words.slice(1)];
  if (words[0] === "node") return [process.execPath, ...words.slice(1)];
  if (words[0] === "npx" && words[1] === "tsx") return [join(ROOT, "node_modules", ".bin", "tsx"), ...words.slice(2)];
  return words;
}

/** Runs one example and returns the block the docs show. */
export async function runExample(e: DocExample, scratch?: string): Promise<Shown> {
  const { readFileSync } = await import("node:fs");
  if (e.file) return { text: readFileSync(join(ROOT, e.file), "utf8").replace(/\n$/, ""), code: 0 };
  const cwd = e.inRepo ? ROOT : (scratch ?? scratchFolder());
  const [cmd, ...args] = argvOf(e.command!);
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number }>((done, fail) => {
    const child = spawn(cmd, args, {
      cwd,
      // no colour, no terminal: what a pipe or a file gets
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", npm_config_loglevel: "error", NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", fail);
    child.on("close", (c) => done({ stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), code: c ?? -1 }));
  });
  /** the file the example shows after its output (DocExample.head) */
  let head = "";
  try {
    if (code !== (e.exitCode ?? 0)) {
      throw new Error(`docs example ${e.id}: \`${e.command}\` exited ${code}, expected ${e.exitCode ?? 0}\n${stderr}`);
    }
    e.after?.(cwd);
    if (e.head) {
      const shown = readFileSync(join(cwd, e.head.file), "utf8").split("\n").slice(0, e.head.lines);
      head = `$ head -n ${e.head.lines} ${e.head.file}\n${shown.join("\n")}\n`;
    }
  } finally {
    if (!scratch && !e.inRepo) rmSync(cwd, { recursive: true, force: true });
  }
  let lines = ((e.stderr ? stdout + stderr : stdout) + head).replace(/\n+$/, "").split("\n");
  if (e.from) {
    const at = lines.findIndex((l) => e.from!.test(l));
    if (at < 0) throw new Error(`docs example ${e.id}: no line matches ${e.from}`);
    lines = lines.slice(at);
  }
  return { text: `$ ${e.command}\n${lines.join("\n")}`, code };
}

/** Masks what changes from run to run without a change in the program: wall-clock
 * times, the commit and the Node version, so that the doc-sync test compares the rest. */
export function normalise(text: string): string {
  return text
    .replace(/\b(Finished in|runs in|captured in|took) [\d.]+ ?s\b/g, "$1 <time>")
    .replace(/commit [0-9a-f]{12}( with uncommitted changes)?/g, "commit <commit>")
    .replace(/"commit":"[0-9a-f]{40}","dirty":(true|false)/g, '"commit":"<commit>"')
    .replace(/Node v\d+\.\d+\.\d+/g, "Node <node>")
    .replace(/"node":"v\d+\.\d+\.\d+"/g, '"node":"<node>"');
}

/** The snapshot file of an example. */
export function snapshotPath(id: string): string {
  return join(GENERATED, `${id}.txt`);
}

/** The fenced block a marker holds: the language from a shown file's extension. */
export function fenced(e: DocExample, text: string): string {
  const lang = e.file ? ({ ts: "ts", json: "json", mjs: "js", sh: "sh", txt: "text" } as Record<string, string>)[e.file.split(".").pop()!] ?? "text" : "console";
  return "```" + lang + "\n" + text + "\n```";
}

// a block may be empty (a new example not run yet): the body and its line end are then
// absent, and the lazy `??` tries that first, so that the match never reaches past its
// own end marker to the next block's
const MARKER = /<!-- output: ([\w-]+) -->\n(?:([\s\S]*?)\n)??<!-- \/output -->/g;

/** Every marked block of a Markdown text: id and the text between the markers. */
export function markedBlocks(markdown: string): Array<{ id: string; body: string }> {
  return [...markdown.matchAll(MARKER)].map((m) => ({ id: m[1], body: m[2] ?? "" }));
}

/** The Markdown with every marked block replaced by its example's current snapshot. */
export function fillMarkdown(markdown: string, blocks: (id: string, body: string) => string): string {
  return markdown.replace(MARKER, (_, id: string, body: string | undefined) => `<!-- output: ${id} -->\n${blocks(id, body ?? "")}\n<!-- /output -->`);
}

export function exampleById(id: string): DocExample | undefined {
  return EXAMPLES.find((e) => e.id === id);
}

export function existsSnapshot(id: string): boolean {
  return existsSync(snapshotPath(id));
}
