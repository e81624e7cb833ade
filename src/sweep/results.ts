// The results file: one JSON object a line, { index, key, options, metrics, provenance }
// or { index, key, options, error, provenance }. While a sweep runs, each finished run is appended
// with one write() and an fsync, so a crash loses at most the run in progress and can
// tear at most the last line, which the next start cuts off.
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, truncateSync } from "node:fs";
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

/** Where a line lies in its file, its bytes (the newline included) valid during the
 * call that is given them only. */
export interface LineAt {
  offset: number;
  bytes: Uint8Array;
}

export interface ReadExtent {
  /** bytes of an incomplete last line (no newline): a write cut short by a crash */
  tornBytes: number;
  /** length of the file up to the end of its last complete line */
  completeBytes: number;
  /** its complete lines */
  lines: number;
}

/** Reads a results file a piece at a time, calling `each` with every record in file
 * order and where its line lies; a missing file has no records. Nothing is kept: a
 * sweep of 200,000 runs has a file of a gigabyte, whose records held at once took
 * more than that again. `path`: where to read it, when not at `file` (a copy). */
export function scanResults(file: string, each: (rr: ReadRecord, at: LineAt) => void, path = file): ReadExtent {
  if (!existsSync(path)) return { tornBytes: 0, completeBytes: 0, lines: 0 };
  let fd: number | undefined;
  // a sweep's --out or a merge's input: said as the other files' readers say it
  const cannot = (err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EISDIR") return new Error(`${file}: is a directory, not a sweep's results file`);
    return new Error(`${file}: cannot read (${code ?? (err as Error).message})`);
  };
  const chunk = Buffer.allocUnsafe(1 << 20);
  const read = () => {
    try {
      fd ??= openSync(path, "r");
      return readSync(fd, chunk, 0, chunk.length, null);
    } catch (err) {
      throw cannot(err);
    }
  };
  try {
    // the line being read, from earlier pieces (copies: `chunk` is read into again)
    let pieces: Buffer[] = [];
    let lineStart = 0;
    let line = 0;
    let offset = 0;
    for (let n; (n = read()) > 0; offset += n) {
      const data = chunk.subarray(0, n);
      let start = 0;
      // line by line: a large sweep's file is longer than the longest string V8 makes
      // (2^29 - 24 characters: some 500,000 runs)
      for (let newline; (newline = data.indexOf(0x0a, start)) !== -1; start = newline + 1) {
        const rest = data.subarray(start, newline + 1);
        const bytes = pieces.length > 0 ? Buffer.concat([...pieces, rest]) : rest;
        pieces = [];
        const l = bytes.toString("utf8", 0, bytes.length - 1);
        line++;
        if (l.trim() !== "") each({ record: parseRecord(l, file, line), file, line }, { offset: lineStart, bytes });
        lineStart = offset + newline + 1;
      }
      if (start < n) pieces.push(Buffer.from(data.subarray(start)));
    }
    // a crash cuts a result line short, so its start is one's; anything else (a config or
    // notes without a final newline) is not this tool's, and is not cut off
    const tail = Buffer.concat(pieces);
    // (its start: a line without a newline may be long)
    const torn = tail.subarray(0, RECORD_START.length).toString("utf8");
    if (torn !== "" && !torn.startsWith(RECORD_START) && !RECORD_START.startsWith(torn)) {
      throw new Error(`${file}:${line + 1}: not a sweep result line (the last line has no newline, and does not begin as a result line does, with ${RECORD_START})`);
    }
    return { tornBytes: tail.length, completeBytes: lineStart, lines: line };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Cuts a torn last line off, so appends start on a line of their own. */
export function cutTornTail(file: string, r: ReadExtent): void {
  if (r.tornBytes > 0) truncateSync(file, r.completeBytes);
}

/** Where a record was written: its file (a number the caller gives), the offset and
 * length of its line (newline included) and its line number. */
export interface Place {
  source: number;
  offset: number;
  length: number;
  line: number;
}

/** A run as the config spells it, which its record in the finished file carries. */
export type Spelling = Pick<RunRecord, "index" | "key" | "options">;

/** `record` as the config spells its run (a grown grid may spell a kept run otherwise),
 * so that the finished file depends only on the config. */
export function respelled(record: RunRecord, run: Spelling): RunRecord {
  return { ...record, index: run.index, key: run.key, options: run.options };
}

const HELD = 1;
const FAILED = 2;
/** its bytes are the finished file's: copied, not read and written again */
const EXACT = 4;

/** Where the latest record of each run of a sweep lies (runs numbered 0..size-1 by
 * the caller): some 30 bytes a run, however long its record, so that a sweep's memory
 * does not grow with its records. */
export class RecordPlaces {
  private readonly sources: Uint32Array;
  private readonly offsets: Float64Array;
  private readonly lengths: Float64Array;
  private readonly lines: Float64Array;
  private readonly flags: Uint8Array;

  constructor(readonly size: number) {
    this.sources = new Uint32Array(size);
    this.offsets = new Float64Array(size);
    this.lengths = new Float64Array(size);
    this.lines = new Float64Array(size);
    this.flags = new Uint8Array(size);
  }

  /** Run `i`'s record `record` is at `place`, as its run was spelled when written
   * (`run`: one this sweep appended), or as it was read (`bytes`, its line), to be
   * written as `run` spells it. */
  set(i: number, place: Place, record: RunRecord, run: Spelling, bytes?: Uint8Array): void {
    this.sources[i] = place.source;
    this.offsets[i] = place.offset;
    this.lengths[i] = place.length;
    this.lines[i] = place.line;
    const exact = bytes === undefined || Buffer.from(serializeRecord(respelled(record, run))).equals(bytes);
    this.flags[i] = HELD | (record.error !== undefined ? FAILED : 0) | (exact ? EXACT : 0);
  }

  held(i: number): boolean {
    return (this.flags[i] & HELD) !== 0;
  }

  failed(i: number): boolean {
    return (this.flags[i] & FAILED) !== 0;
  }

  /** where run `i`'s record is (of a run held) */
  place(i: number): Place {
    return { source: this.sources[i], offset: this.offsets[i], length: this.lengths[i], line: this.lines[i] };
  }

  /** Run `i`'s record (of a run held), read again from its place in `sources`: for the
   * rare record wanted whole, since the places keep none. */
  readRecord(i: number, sources: string[]): RunRecord {
    const place = this.place(i);
    const reader = new PlaceReader(sources);
    try {
      return placedRecord(reader.read(place), sources, place);
    } finally {
      reader.close();
    }
  }

  /** Writes `file` atomically: the record of each run in turn (`spell(i)` spells run i),
   * copied from its place in `sources` (the files the places' numbers name) or, when
   * the run is spelled otherwise now, read and written as `spell(i)` spells it: the
   * bytes rewriting every record from memory gave. */
  writeInOrder(file: string, sources: string[], spell: (i: number) => Spelling): void {
    mkdirSync(dirname(file), { recursive: true });
    const reader = new PlaceReader(sources);
    try {
      writeAtomicWith(file, (fd) => {
        const out = new PieceWriter(fd);
        for (let i = 0; i < this.size; i++) {
          const place = this.place(i);
          const bytes = reader.read(place);
          if (this.flags[i] & EXACT) out.write(bytes);
          else out.write(Buffer.from(serializeRecord(respelled(placedRecord(bytes, sources, place), spell(i)))));
        }
        out.flush();
        reader.close();
      });
    } finally {
      reader.close();
    }
  }
}

/** The record of a line read at `place` (its bytes, the newline included). */
function placedRecord(bytes: Buffer, sources: string[], place: Place): RunRecord {
  return parseRecord(bytes.toString("utf8", 0, bytes.length - 1), sources[place.source], place.line);
}

/** Reads records at their places, a few files open at once (a merge of a thousand
 * shards reads them in turn). */
class PlaceReader {
  private readonly open = new Map<number, number>();
  private buf = Buffer.allocUnsafe(1 << 16);
  constructor(private readonly sources: string[]) {}

  read({ source, offset, length, line }: Place): Buffer {
    let fd = this.open.get(source);
    if (fd === undefined) {
      if (this.open.size >= 64) {
        const [first, firstFd] = this.open.entries().next().value as [number, number];
        closeSync(firstFd);
        this.open.delete(first);
      }
      fd = openSync(this.sources[source], "r");
      this.open.set(source, fd);
    }
    if (length > this.buf.length) this.buf = Buffer.allocUnsafe(length);
    let got = 0;
    for (let n; got < length && (n = readSync(fd, this.buf, got, length - got, offset + got)) > 0; ) got += n;
    // the file is locked (a sweep's) or given to read (a merge's); this finds it edited all the same
    if (got < length || this.buf[length - 1] !== 0x0a) throw new Error(`${this.sources[source]}:${line}: changed while being read`);
    return this.buf.subarray(0, length);
  }

  /** (again: at once when done, and after an error) */
  close(): void {
    for (const fd of this.open.values()) closeSync(fd);
    this.open.clear();
  }
}

/** Writes to a descriptor in pieces of about a megabyte. */
class PieceWriter {
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  constructor(private readonly fd: number) {}

  write(bytes: Buffer): void {
    if (this.used + bytes.length > this.buf.length) this.flush();
    if (bytes.length >= this.buf.length) writeAll(this.fd, bytes);
    else this.used += bytes.copy(this.buf, this.used);
  }

  flush(): void {
    writeAll(this.fd, this.buf.subarray(0, this.used));
    this.used = 0;
  }
}

/** Appends finished runs, each as one write() of one whole line, flushed to disk. The
 * file is created on the first append, so nothing is left behind when nothing ran. */
export class ResultAppender {
  private fd: number | undefined;
  /** where the next line goes */
  private end = 0;
  constructor(private readonly file: string) {}

  /** Appends `r`; returns where its line went. */
  append(r: RunRecord): { offset: number; length: number } {
    if (this.fd === undefined) {
      const created = !existsSync(this.file);
      mkdirSync(dirname(this.file), { recursive: true });
      this.fd = openSync(this.file, "a");
      if (created) fsyncDir(dirname(this.file));
      this.end = fstatSync(this.fd).size;
    }
    const bytes = Buffer.from(serializeRecord(r));
    writeAll(this.fd, bytes);
    fsyncSync(this.fd);
    const offset = this.end;
    this.end += bytes.length;
    return { offset, length: bytes.length };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
