// Writes a reproduce run's outputs into a folder: results.json, CSV tables, one SVG
// per figure, and report.html. Every file is written atomically (temp + rename).
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { cannotWriteIn, removeMadeFolders, writeFilesAtomic } from "../util/atomic-file.js";
import { makeFigures } from "./figures.js";
import { reportHtml } from "./html.js";
import type { ReproduceResults } from "./reproduce.js";
import { headlineCsv, metricsCsv } from "./tables.js";

export interface WrittenReport {
  dir: string;
  report: string;
  files: string[];
}

/** Checks, before any long work and leaving nothing behind, that `outDir` (given as
 * `option`, to hold `holds`) is a writable folder or can be made inside one. */
export function checkOutDir(outDir: string, option = "--out", holds = "report.html and its files"): void {
  const dir = resolve(outDir);
  let probe = dir;
  while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
  if (!statSync(probe).isDirectory()) {
    throw new Error(`${option} ${outDir}: ${probe === dir ? "exists and" : `${probe}`} is not a folder (give a folder for ${holds})`);
  }
  const code = cannotWriteIn(probe);
  if (code !== undefined) throw new Error(`${option} ${outDir}: ${probe} is not writable (${code})`);
}

/** Writes `outputs` (name and content) into the folder `outDir` (given as `option`) all
 * or nothing: every file is written before any replaces its namesake, then each in order
 * (a report's page last, so that a page on disk means every file it shows is there); a
 * failure leaves the folder as it was, and no folder it made. Then removes the files
 * matching `stale` that this writing did not replace (a figure an earlier run drew and
 * this one has no data for). */
export function writeOutputs(outDir: string, option: string, outputs: Array<[string, string]>, stale?: RegExp): string {
  checkOutDir(outDir, option);
  const dir = resolve(outDir);
  const made = mkdirSync(dir, { recursive: true });
  try {
    writeFilesAtomic(outputs.map(([name, content]) => [join(dir, name), content]));
  } catch (err) {
    removeMadeFolders(dir, made);
    throw err;
  }
  const names = new Set(outputs.map(([name]) => name));
  if (stale) for (const f of readdirSync(dir)) if (stale.test(f) && !names.has(f)) rmSync(join(dir, f), { force: true });
  return dir;
}

/** results.json's text: what the report folder holds and `reproduce --json` prints. */
export function resultsJson(r: ReproduceResults): string {
  return JSON.stringify(r, null, 2) + "\n";
}

export function writeReport(r: ReproduceResults, outDir: string): WrittenReport {
  const figures = makeFigures(r);
  const outputs: Array<[string, string]> = [
    ["results.json", resultsJson(r)],
    ["headline.csv", headlineCsv(r)],
    ["extended.csv", metricsCsv(r, "extended")],
    ["busy.csv", metricsCsv(r, "busy")],
    ...figures.map((f): [string, string] => [f.file, f.svg]),
    // last, so a report.html on disk means every file it mentions is there
    ["report.html", reportHtml(r, figures)],
  ];
  const dir = writeOutputs(outDir, "--out", outputs);
  return { dir, report: join(dir, "report.html"), files: outputs.map(([name]) => name) };
}
