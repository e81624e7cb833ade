// Exporting a trace (amt v1 or v2, plain or gzip'd; a text trace too) as page-level
// text, the format `trace import` reads back (text.ts): `K PAGE GAP` a record, K one of
// R, W, I, PAGE the virtual page number in hex, GAP decimal. The records are read
// through the readers a run uses, which check every one (badRecord), and each dense
// page id is mapped back to its virtual page through the region table.
// What the text cannot say apart: a record both code and written (flags 3) is written
// as `I PAGE GAP` then `W PAGE 0`, which the import merges back into one record; two
// records in a row on one page (which the import makes only when a run's gap passes 32
// bits) are merged by the import whenever their gaps fit in 32 bits (counted: merges).
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { createGzip } from "node:zlib";
import { REC_CODE, REC_WRITE } from "../core/abi.js";
import { checkOutputWritable, writeAll, writeAtomicStream, writeAtomicWith } from "../util/atomic-file.js";
import { resultsTaken, writeResult } from "../util/stdout.js";
import { regionIndexOf, type Workload } from "../workloads/types.js";
import { amtOwnPageSize, checkedRecords, openTraceWorkload, sniffTrace } from "./open.js";
import { pageLevelHeader } from "./text.js";

const MAX_GAP = 0xffffffff;

export interface ExportOptions {
  /** page size of a text input (an amt keeps its own, and refuses another) */
  pageSize?: number;
  /** called now and then with the records done and the records of the pass (a write
   * to standard output reads the trace twice: to check it, then to write it) */
  onProgress?: (done: number, total: number, pass: "check" | "write") => void;
  /** standard output's writer, for output "-" (default: writeResult) */
  stdout?: (text: string) => void;
}

export interface ExportResult {
  output: string;
  records: number;
  accesses: number;
  /** lines written (a record both code and written takes two) */
  lines: number;
  /** records the import will merge into the one before (same page, gaps within 32 bits) */
  merges: number;
  pageSize: number;
  /** the amt version read, or undefined for a text input */
  amtVersion?: number;
}

/** What an output's name asks for: page-level text, gzip'd as NAME.gz; an amt name is
 * refused (an amt is written by `trace import`). */
export function textOutputKind(output: string): "text" | "gzip" {
  if (/\.amt(\.gz)?$/i.test(output)) throw new Error(`${output}: the output is page-level text, not amt: name it e.g. NAME.txt, or NAME.txt.gz to have it gzip'd (trace import writes amt)`);
  return /\.gz$/i.test(output) ? "gzip" : "text";
}

/** Dense page id to virtual page number, region by region (the regions are sorted and
 * disjoint, checked when the header is read); a page id in no region is damage. */
class PageMap {
  private readonly starts: number[];
  private readonly ends: number[];
  private readonly bases: number[];
  private last = 0;

  constructor(private readonly w: Workload & { header?: { blockRecords: number } }) {
    this.starts = w.regions.map((r) => r.start);
    this.ends = w.regions.map((r) => r.start + r.pages);
    this.bases = w.regions.map((r) => {
      const base = Number(r.vpnBase ?? 0n);
      // the text format holds page numbers below 2^53 (text.ts)
      if ((r.vpnBase ?? 0n) + BigInt(Math.max(r.pages, 1) - 1) >= 2n ** 53n) {
        throw new Error(`${w.name}: region ${r.name}'s pages from 0x${(r.vpnBase ?? 0n).toString(16)} do not fit in 53 bits, as page-level text requires`);
      }
      return base;
    });
    // two regions over the same virtual pages (vpn bases never recorded, all 0) would
    // become one page in the text: refused rather than merged
    const byBase = w.regions.map((_, i) => i).sort((a, b) => this.bases[a] - this.bases[b]);
    for (let k = 1; k < byBase.length; k++) {
      const a = w.regions[byBase[k - 1]], b = w.regions[byBase[k]];
      if (this.bases[byBase[k - 1]] + a.pages > this.bases[byBase[k]]) {
        throw new Error(`${w.name}: regions ${a.name} and ${b.name} overlap in virtual pages (from 0x${this.bases[byBase[k - 1]].toString(16)} and 0x${this.bases[byBase[k]].toString(16)}): page-level text would make their pages one`);
      }
    }
  }

  /** `page` lies in a region: the stream refused any that does not (badRecord). */
  vpn(page: number): number {
    let i = this.last;
    if (!(page >= this.starts[i] && page < this.ends[i])) this.last = i = regionIndexOf(this.w.regions, page);
    return this.bases[i] + (page - this.starts[i]);
  }
}

const KIND = ["R", "W", "I"];

/** The page-level text of workload `w`, a chunk of lines at a time; `tally` gets the
 * counts as they go. Every record is checked as it is read (the stream: badRecord). */
function* textChunks(w: Workload & { header?: { blockRecords: number } }, tally: ExportResult, progress?: (done: number) => void): Generator<string> {
  const map = new PageMap(w);
  yield pageLevelHeader(w.pageSize);
  let prevVpn = -1;
  let prevGap = 0;
  for (const c of checkedRecords(w)) {
    const lines: string[] = [];
    for (let i = 0; i < c.n; i++) {
      const vpn = map.vpn(c.pages[i]);
      const gap = c.gaps[i];
      const f = c.flags[i];
      const hex = vpn.toString(16);
      if (vpn === prevVpn && prevGap + gap <= MAX_GAP) tally.merges++;
      if (f === (REC_CODE | REC_WRITE)) {
        // the import ORs a run's flags: the zero-gap write line joins the code line's record
        lines.push(`I ${hex} ${gap}\nW ${hex} 0\n`);
        tally.lines += 2;
      } else {
        lines.push(`${KIND[f]} ${hex} ${gap}\n`);
        tally.lines++;
      }
      tally.accesses += gap;
      prevVpn = vpn;
      prevGap = gap;
    }
    tally.records += c.n;
    progress?.(tally.records);
    yield lines.join("");
  }
}

/** Exports trace `input` as page-level text to `output` (written atomically; NAME.gz
 * gzip'd), or to standard output for "-": there the trace is first read whole and
 * checked, so that a damaged trace writes nothing. */
export async function exportTrace(input: string, output: string, o: ExportOptions = {}): Promise<ExportResult> {
  const kind = output === "-" ? "stdout" : textOutputKind(output);
  if (output !== "-") checkOutputWritable(output); // before reading the input
  const sniffed = sniffTrace(input);
  const amt = sniffed === "amt" || sniffed === "amt-gzip";
  const pageSize = amt ? amtOwnPageSize(input, o.pageSize) : o.pageSize ?? 4096;
  const w = (await openTraceWorkload(input, pageSize)) as Workload & { header?: { blockRecords: number; version: number } };
  const tally: ExportResult = { output, records: 0, accesses: 0, lines: 0, merges: 0, pageSize: w.pageSize, amtVersion: amt ? w.header?.version : undefined };
  const progress = (pass: "check" | "write") => (done: number) => o.onProgress?.(done, w.records, pass);
  if (kind === "stdout") {
    const write: (text: string) => boolean | void = o.stdout ?? writeResult;
    // a check first (the page map too): standard output cannot be taken back
    for (const _ of textChunks(w, { ...tally }, progress("check"))) void _;
    for (const text of textChunks(w, tally, progress("write"))) {
      // a slow reader: wait for it rather than hold the rest of the trace in memory
      if (write(text) === false) await resultsTaken();
    }
    if (!o.stdout) await resultsTaken();
  } else if (kind === "gzip") {
    await writeAtomicStream(output, (out) => pipeline(Readable.from(textChunks(w, tally, progress("write"))), createGzip(), out));
  } else {
    writeAtomicWith(output, (fd) => {
      for (const text of textChunks(w, tally, progress("write"))) writeAll(fd, Buffer.from(text, "latin1"));
    });
  }
  return tally;
}
