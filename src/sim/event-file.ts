// An event log as a JSON Lines file (`--events FILE`): one event a line,
//
//   {"t":1234567,"kind":"fault","page":42,"process":"stream"}
//   {"t":1290001,"kind":"arrival","page":42,"process":"stream","via":"fault"}
//   {"t":2000000,"kind":"migrate","page":null,"process":"p1","step":"resume","node":"n1"}
//
// with `scenario` after `process` when one file holds several scenarios (compare).
// Written in constant memory: lines go through a fixed buffer to a temporary file
// beside the target with plain synchronous writes (the simulation loop never yields,
// so an asynchronous stream would only queue the whole log in memory), and the file
// takes its name only when the run succeeded (commit); abort() removes what was
// written. A file with several sections (one per compare row, running side by side)
// writes each to its own temporary and joins them in order at commit. A link or a
// special file (/dev/stdout, a pipe) is handled as for every output (atomic-file.ts).
import { closeSync, fsyncSync, openSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { appendFileTo, holdTemporary, landTemporary, outputTarget, releaseTemporary, removeStaleTemporaries, temporaryFor, writeAll, type OutputTarget } from "../util/atomic-file.js";
import { refuseInputs, type CommandInput } from "../util/same-file.js";
import { afterStrayCallbacks } from "../util/stray.js";
import { EVENT_ARRIVAL, EVENT_MIGRATE, EVENT_NAMES, MIGRATE_STEPS, type EventKind, type EventSink } from "./event-log.js";

/** What every line of a sink carries besides the event. */
export interface EventLabels {
  /** the process's name (cluster), or the workload of a single run */
  process: string;
  /** the row of a comparison ("mechanism/policy") */
  scenario?: string;
  /** names of the nodes, by id (default n0, n1, ...) */
  nodes?: readonly string[];
}

const BUFFER_BYTES = 1 << 18;

/** One stretch of the file, in its own temporary until commit. */
export class EventSection {
  private fd: number;
  private readonly buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  /** lines written */
  lines = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, "w");
    holdTemporary(path);
  }

  /** A sink whose lines carry `labels`. */
  sink(labels: EventLabels): EventSink {
    const tail =
      `,"process":${JSON.stringify(labels.process)}` + (labels.scenario !== undefined ? `,"scenario":${JSON.stringify(labels.scenario)}` : "");
    const nodes = labels.nodes;
    const nodeName = (id: number) => JSON.stringify(nodes?.[id] ?? `n${id}`);
    return {
      record: (t, kind, page, arg, node) => this.write(lineOf(t, kind, page, arg, node, tail, nodeName)),
    };
  }

  write(line: string): void {
    // a UTF-16 unit takes at most 3 bytes in UTF-8
    if (this.used + 3 * line.length > this.buf.length) {
      this.flush();
      if (3 * line.length > this.buf.length) {
        writeAll(this.fd, Buffer.from(line));
        this.lines++;
        return;
      }
    }
    this.used += this.buf.write(line, this.used);
    this.lines++;
  }

  flush(): void {
    if (this.used > 0) writeAll(this.fd, this.buf.subarray(0, this.used));
    this.used = 0;
  }

  /** Flushes and closes; the temporary stays. */
  close(sync: boolean): void {
    if (this.fd < 0) return;
    try {
      this.flush();
      if (sync) fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  /** Closes without flushing and removes the temporary. */
  discard(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    rmSync(this.path, { force: true });
    releaseTemporary(this.path);
  }
}

function lineOf(t: number, kind: EventKind, page: number, arg: number, node: number, tail: string, nodeName: (id: number) => string): string {
  const head = `{"t":${t},"kind":"${EVENT_NAMES[kind]}","page":${page < 0 ? "null" : page}${tail}`;
  if (kind === EVENT_ARRIVAL) return `${head},"via":"${EVENT_NAMES[arg]}"}\n`;
  if (page < 0) {
    const step = kind === EVENT_MIGRATE ? `,"step":"${MIGRATE_STEPS[arg]}"` : "";
    return `${head}${step},"node":${nodeName(node)}}\n`;
  }
  return `${head}}\n`;
}

/** Refuses an events path that is no file name, or that names one of the run's inputs
 * (the events would replace it). */
export function checkEventsPath(path: string, inputs: readonly CommandInput[] = []): void {
  if (path.trim() === "") throw new Error("events file: the path is empty");
  if (path === "-") throw new Error("events file -: standard output is not supported (the file appears only when the run succeeds); give a file");
  refuseInputs(`events file ${path}`, path, inputs, "the events");
}

/** An event file being written: sections in order, committed or aborted at the end. */
export class EventFile {
  private readonly sections: EventSection[] = [];
  private done = false;
  private readonly target: OutputTarget;

  /** Opens the first section at once, so that a path that cannot be written fails
   * before any simulation runs. */
  constructor(
    readonly path: string,
    inputs: readonly CommandInput[] = [],
  ) {
    checkEventsPath(path, inputs);
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      // not there yet: the usual case
    }
    if (isDir) throw new Error(`events file ${path}: is a folder, expected a file`);
    this.target = outputTarget(path);
    if (!this.target.special) removeStaleTemporaries(this.target.path);
    try {
      this.section();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new Error(`events file ${path}: cannot write it (${code === "ENOENT" ? `no folder ${dirname(path)}` : code ?? String(err)})`);
    }
  }

  /** A new section; lines of later sections follow those of earlier ones in the file. */
  section(): EventSection {
    const n = this.sections.length;
    const s = new EventSection(temporaryFor(this.target, n));
    this.sections.push(s);
    return s;
  }

  /** A sink into the first section. */
  sink(labels: EventLabels): EventSink {
    return this.sections[0].sink(labels);
  }

  /** Lines written so far. */
  get lines(): number {
    return this.sections.reduce((n, s) => n + s.lines, 0);
  }

  /** The run succeeded: join the sections and give the file its name. */
  commit(): void {
    if (this.done) return;
    this.done = true;
    const [first, ...rest] = this.sections;
    try {
      if (rest.length === 0) {
        first.close(true);
      } else {
        first.close(false);
        const fd = openSync(first.path, "a");
        try {
          for (const s of rest) {
            s.close(false);
            appendFileTo(fd, s.path);
            rmSync(s.path, { force: true });
            releaseTemporary(s.path);
          }
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      }
      landTemporary(first.path, this.target);
      releaseTemporary(first.path);
    } catch (err) {
      for (const s of this.sections) s.discard();
      throw err;
    }
  }

  /** The run failed: remove every temporary; no file appears. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    for (const s of this.sections) {
      try {
        s.discard();
      } catch {
        // removing what we can is all that is left to do
      }
    }
  }
}

/** Runs `work` with an event file at `path`, committed when it succeeds (and the
 * callbacks a policy module left due have run: afterStrayCallbacks) and removed when it
 * throws; `inputs` are the files of the run it must not replace. */
export async function withEventFile<T>(path: string, work: (file: EventFile) => Promise<T>, inputs: readonly CommandInput[] = []): Promise<T> {
  const file = new EventFile(path, inputs);
  let out: T;
  try {
    out = await work(file);
    await afterStrayCallbacks();
  } catch (err) {
    file.abort();
    throw err;
  }
  file.commit();
  return out;
}
