// Joining shard outputs: every run of the config must appear exactly once across the
// inputs; the merged file is written in grid order (temporary file + rename), so it
// has the bytes a one-machine sweep of the same config writes.
import { existsSync, realpathSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { SweepConfig, SweepRun } from "./config.js";
import { RecordPlaces, scanResults, type LineAt, type ReadRecord } from "./results.js";
import { planFrom, planInputs, rekeyedRun } from "./sweep.js";
import { OnceDigests } from "../util/digest.js";
import type { InputDigests } from "../util/provenance.js";
import { scenarioFiles } from "./key.js";
import { traceFile } from "../sim/options.js";
import { policyModuleFile } from "../policies/module.js";
import { refuseInputs, type CommandInput } from "../util/same-file.js";
import { copyInto, scratchFolder } from "../util/atomic-file.js";
import { shown } from "../util/errors.js";
import { unknownKeys } from "../sim/options.js";
import { BuildCount } from "./builds.js";

export interface MergeSummary {
  out: string;
  runs: number;
  failed: number;
}

/** How many of a list a message names. */
const LISTED = 5;
/** The first of `count` items (`items`, LISTED of them at most), and how many more there are. */
const listSome = (items: string[], count: number) => items.join(", ") + (count > items.length ? `, and ${count - items.length} more` : "");

export interface MergeOptions {
  /** merge inputs whose runs come from more than one build of ampom (version, commit,
   * Node version: builds.ts); refused otherwise */
  mixedBuilds?: boolean;
}

export function mergeSweep(config: string | SweepConfig, inputs: string[], out: string, options: MergeOptions = {}): MergeSummary {
  if (!Array.isArray(inputs)) throw new Error(`sweep-merge: the inputs must be a list of results files, got ${shown(inputs)}`);
  if (inputs.length === 0) throw new Error("sweep-merge: no input files given");
  if (typeof options !== "object" || options === null) throw new Error(`sweep-merge: its options must be an object { mixedBuilds }, got ${shown(options)}`);
  const unknown = Object.keys(options).filter((k) => k !== "mixedBuilds");
  if (unknown.length > 0) throw new Error(`sweep-merge: ${unknownKeys("option", unknown)} (mergeSweep() takes: mixedBuilds)`);
  const plan = planFrom(config);
  const shards = inputs.map((f): CommandInput => ["a results file to merge", f]);
  refuseInputs(`results file ${out}`, out, [...planInputs(config, plan), ...shards], "the merged results");
  const find = (key: string) => plan.indexOf(key);
  // where each run's record is: the inputs are read again to write the merged file
  const found = new RecordPlaces(plan.size);
  // how many runs each build made
  const builds = new BuildCount();
  const byBuild: number[] = [];
  const copies = new PipeCopies();
  try {
    // where each input is read (again at the end)
    const sources: string[] = [];
    const digests = new OnceDigests();
    const given = new Map<string, string>();
    for (const file of inputs) {
      if (!existsSync(file)) throw new Error(`${file}: no such file`);
      // the same file however it is named (a relative path, a link)
      const real = realpathSync(file);
      const same = given.get(real);
      if (same !== undefined) throw new Error(`sweep-merge: ${file} is given twice${same === file ? "" : ` (as ${same} too)`}; give each shard's file once`);
      given.set(real, file);
      const source = sources.push(copies.readable(file)) - 1;
      // what is wrong with a record is said once the whole file is read: a line that is
      // no result line, or a torn last line, is said first
      let wrong: Error | undefined;
      const placeRecord = (rr: ReadRecord, at: LineAt) => {
        if (wrong) return;
        const i = find(rr.record.key);
        if (i === undefined) {
          const rekeyed = rekeyedRun(rr.record, find, digests);
          wrong = notPart(rr, plan.label, rekeyed && plan.run(rekeyed.position));
          return;
        }
        if (found.held(i)) {
          const twin = found.place(i);
          // twice in one file: a sweep (resumed with --retry-failed) appends a run's new
          // record, and is stopped before it rewrites the file with the latest alone
          wrong =
            twin.source === source
              ? new Error(`${file}:${rr.line}: run ${i} (${rr.record.key}) is in this file twice (line ${twin.line} too): its sweep was interrupted; rerun that shard to finish it`)
              : new Error(`${file}:${rr.line}: run ${i} (${rr.record.key}) is also in ${inputs[twin.source]}:${twin.line}; each run must be in exactly one input`);
          return;
        }
        found.set(i, { source, offset: at.offset, length: at.bytes.length, line: rr.line }, rr.record, plan.spelling(i), at.bytes);
        const build = builds.idOf(rr.record, `${file}:${rr.line}`);
        byBuild[build] = (byBuild[build] ?? 0) + 1;
      };
      const read = scanResults(file, placeRecord, sources[source]);
      if (read.tornBytes > 0) {
        throw new Error(`${file}: the last line is incomplete (its sweep was interrupted; rerun that shard to finish it)`);
      }
      if (wrong) throw wrong;
    }
    let missing = 0;
    const someMissing: string[] = [];
    let failed = 0;
    for (let i = 0; i < plan.size; i++) {
      if (found.failed(i)) failed++;
      if (found.held(i)) continue;
      if (++missing <= LISTED) someMissing.push(String(i));
    }
    if (missing > 0) {
      throw new Error(`${missing} of ${plan.size} runs of ${plan.label} are in none of the inputs (grid indices ${listSome(someMissing, missing)})`);
    }
    const mix = options.mixedBuilds === true ? undefined : builds.mix(byBuild);
    if (mix) throw new Error(`sweep-merge: the inputs hold runs of ${mix}; merged, the file would mix their figures. Run those shards again with one build, or give --mixed-builds (mergeSweep(): { mixedBuilds: true }) to merge them as they are`);
    found.writeInOrder(out, sources, (i) => plan.spelling(i));
    return { out, runs: plan.size, failed };
  } finally {
    copies.remove();
  }
}

/** Copies of the inputs that are pipes (a shell's `<(...)`), which can be read only
 * once: a merge reads each input twice, its records' places, then the records. */
class PipeCopies {
  private folder: string | undefined;
  private count = 0;

  /** Where `file` can be read again: itself, or a copy of a pipe's bytes. */
  readable(file: string): string {
    const st = statSync(file);
    if (st.isFile() || st.isDirectory()) return file;
    this.folder ??= scratchFolder("merge");
    const copy = join(this.folder, String(++this.count));
    copyInto(file, copy);
    return copy;
  }

  remove(): void {
    if (this.folder !== undefined) rmSync(this.folder, { recursive: true, force: true });
  }
}

/** A record no run of the config has the key of. When its options are a run of the config
 * (`run`), it was keyed otherwise: for an earlier version of its trace or policy module
 * file (another result), or by an earlier version of ampom (the same run). A merge
 * takes neither, its inputs being shards as they ran; that shard's sweep run again on
 * its file settles both, as when it resumes: a run that reads files is run again, any
 * other kept under its key now. */
function notPart(rr: ReadRecord, label: string, run: SweepRun | undefined): Error {
  const at = `${rr.file}:${rr.line}: run ${rr.record.key}`;
  if (run === undefined) return new Error(`${at} is not part of ${label} (was this file written for another config, or for runs since removed from it?)`);
  const was: InputDigests = rr.record.provenance ?? {};
  const files = scenarioFiles(run.scenario);
  const edited = [
    ...(was.traceSha256 !== undefined && was.traceSha256 !== run.inputs.traceSha256 ? [`its trace ${traceFile(run.scenario)}`] : []),
    ...(was.policyModuleSha256 !== undefined && was.policyModuleSha256 !== run.inputs.policyModuleSha256 ? [`its policy module ${policyModuleFile(run.scenario)}`] : []),
  ];
  const why =
    edited.length > 0
      ? `it ran on an earlier version of ${edited.join(" and ")}`
      : files.length > 0
        ? `it was keyed by an earlier version of ampom, or ran on an earlier version of ${files.join(" or ")}`
        : "it was keyed by an earlier version of ampom";
  return new Error(
    `${at} is run ${run.index} of ${label} under another key (${run.key} now): ${why}; ` +
      `run that shard's sweep again with --out ${rr.file}, which ${files.length > 0 ? "runs it again" : "keeps it under its key now"}, then merge`,
  );
}
