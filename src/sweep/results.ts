// The results file: one JSON object a line, { index, key, options, metrics, provenance }
// or { index, key, options, error, provenance }. While a sweep runs, each finished run is appended
// with one write() and an fsync, so a crash loses at most the run in progress and can
// tear at most the last line, which the next start cuts off.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync } from "node:fs";
import { dirname } from "node:path";
import type { Metrics } from "../sim/metrics.js";
import type { RunOptions } from "../sim/options.js";
import { fsyncDir, writeAll, writeAtomicWith } from "../util/atomic-file.js";
import type { InputDigests, Provenance } from "../util/provenance.js";

export interface RunRecord {
  index: number;
  key: string;
  options: RunOptions;
  metrics?: Metrics;
  error?: string;
  /** what ran it: tool version, commit, Node version, core (absent in files written
   * before lines carried it) */
  provenance?: Provenance & InputDigests & { core: string };
}

/** A record and where it was read. */
export interface ReadRecord {
  record: RunRecord;
  file: string;
  line: number;
}

/** How every result line begins (serializeRecord puts index first). */
const RECORD_START = '{"index":';

/** One line, members in a fixed order so that equal records are equal bytes. */
export function serializeRecord(r: RunRecord): string {
  const body =
    r.error !== undefined
      ? { index: r.index, key: r.key, options: r.options, error: r.error }
      : { index: r.index, key: r.key, options: r.options, metrics: r.metrics };
  return JSON.stringify(r.provenance ? { ...body, provenance: r.provenance } : body) + "\n";
}

function parseRecord(text: string, file: string, line: number): RunRecord {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`${file}:${line}: not a sweep result line (invalid JSON)`);
  }
  const r = v as Partial<RunRecord> | null;
  const ok =
    r !== null &&
    typeof r === "object" &&
    Number.isSafeInteger(r.index) &&
    typeof r.key === "string" &&
    typeof r.options === "object" &&
    r.options !== null &&
    ((typeof r.metrics === "object" && r.metrics !== null) || typeof r.error === "string");
  if (!ok) throw new Error(`${file}:${line}: not a sweep result line (needs index, key, options and metrics or error)`);
  return r as RunRecord;
}

export interface ReadResult {
  records: ReadRecord[];
  /** bytes of an incomplete last line (no newline): a write cut short by a crash */
  tornBytes: number;
  /** length of the file up to the end of its last complete line */
  completeBytes: number;
}

/** Reads a results file; a missing file has no records. */
export function readResults(file: string): ReadResult {
  if (!existsSync(file)) return { records: [], tornBytes: 0, completeBytes: 0 };
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // a sweep's --out or a merge's input: said as the other files' readers say it
    if (code === "EISDIR") throw new Error(`${file}: is a directory, not a sweep's results file`);
    throw new Error(`${file}: cannot read (${code ?? (err as Error).message})`);
  }
  const end = buf.lastIndexOf(0x0a) + 1;
  const records: ReadRecord[] = [];
  // line by line: a large sweep's file is longer than the longest string V8 makes
  // (2^29 - 24 characters: some 500,000 runs)
  let line = 0;
  for (let start = 0; start < end; ) {
    const newline = buf.indexOf(0x0a, start);
    const l = buf.toString("utf8", start, newline);
    line++;
    if (l.trim() !== "") records.push({ record: parseRecord(l, file, line), file, line });
    start = newline + 1;
  }
  // a crash cuts a result line short, so its start is one's; anything else (a config or
  // notes without a final newline) is not this tool's, and is not cut off
  const torn = buf.subarray(end).toString("utf8");
  if (torn !== "" && !torn.startsWith(RECORD_START) && !RECORD_START.startsWith(torn)) {
    throw new Error(`${file}:${line + 1}: not a sweep result line (the last line has no newline, and does not begin as a result line does, with ${RECORD_START})`);
  }
  return { records, tornBytes: buf.length - end, completeBytes: end };
}

/** Cuts a torn last line off, so appends start on a line of their own. */
export function cutTornTail(file: string, r: ReadResult): void {
  if (r.tornBytes > 0) truncateSync(file, r.completeBytes);
}

/** Appends finished runs, each as one write() of one whole line, flushed to disk. The
 * file is created on the first append, so nothing is left behind when nothing ran. */
export class ResultAppender {
  private fd: number | undefined;
  constructor(private readonly file: string) {}

  append(r: RunRecord): void {
    if (this.fd === undefined) {
      const created = !existsSync(this.file);
      mkdirSync(dirname(this.file), { recursive: true });
      this.fd = openSync(this.file, "a");
      if (created) fsyncDir(dirname(this.file));
    }
    writeAll(this.fd, Buffer.from(serializeRecord(r)));
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Replaces the file by the records in the order given (temporary file + rename). */
export function rewriteResults(file: string, records: RunRecord[]): void {
  mkdirSync(dirname(file), { recursive: true });
  // in pieces, not as one string: see readResults
  writeAtomicWith(file, (fd) => {
    let piece = "";
    for (const r of records) {
      piece += serializeRecord(r);
      if (piece.length >= 1 << 20) {
        writeAll(fd, Buffer.from(piece));
        piece = "";
      }
    }
    writeAll(fd, Buffer.from(piece));
  });
}
