// Streaming parsers of the two text trace formats (docs/workloads.md, "Trace formats"), fed a chunk of
// bytes at a time so that memory stays constant whatever the trace's length:
//  - lackey: `valgrind --tool=lackey --trace-mem=yes` output, `I  addr,size`,
//    ` L addr,size`, ` S addr,size`, ` M addr,size`; valgrind's own `==pid==` and
//    `--pid--` lines are skipped. Every line is one memory access; an access that
//    crosses a page boundary touches both pages. L reads, S writes, M reads and writes
//    (a write record), I fetches code.
//  - page-level text: `K PAGE GAP`, K in I (code), R (read), W (write), PAGE the
//    virtual page number in hex, GAP decimal; `#` starts a comment line.
// The format is recognised from the first line that is not blank or a comment.
// Both produce page records: consecutive accesses to one page are one record whose gap
// is the number of accesses in that run (an access crossing into the next page counts
// once, in its first page's run), so the gaps of a trace sum to its accesses.
import { REC_CODE, REC_WRITE } from "../core/abi.js";

export type TextFormat = "lackey" | "page";

/** Receives page records in trace order; vpn is a virtual page number (< 2^53). */
export interface PageSink {
  add(vpn: number, gap: number, flags: number): void;
}

const NL = 10, CR = 13, SP = 32, TAB = 9, COMMA = 44, HASH = 35, EQ = 61, DASH = 45;
const TWO32 = 4294967296;
/** The first line `ampom trace export` writes: the page size the page numbers are of,
 * which the parser then holds the trace to (headerPageSize). */
export function pageLevelHeader(pageSize: number): string {
  return `# page-level trace, ${pageSize}-byte pages (ampom trace export; import with --page-size ${pageSize})\n`;
}
/** pageLevelHeader's line, as the parser reads it back */
const PAGE_LEVEL_HEADER = /^#\s*page-level trace, (\d+)-byte pages\b/;
const MAX_GAP = 0xffffffff;

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** The index of the first byte from `i` that is no space or tab. */
function skipBlanks(buf: Buffer, i: number, end: number): number {
  while (i < end && (buf[i] === SP || buf[i] === TAB)) i++;
  return i;
}

export class TraceTextParser {
  format: TextFormat | null = null;
  line = 0;
  private carry: Buffer | null = null;
  // the open run
  private curVpn = -1;
  private curGap = 0;
  private curFlags = 0;
  private readonly pow2: boolean;
  private readonly vpnPerHi: number;
  /** where the digits decimal() read end */
  private at = 0;

  constructor(
    readonly file: string,
    readonly pageSize: number,
    private readonly sink: PageSink,
  ) {
    this.pow2 = pageSize > 0 && (pageSize & (pageSize - 1)) === 0;
    this.vpnPerHi = TWO32 / pageSize;
  }

  feed(chunk: Buffer): void {
    let buf = chunk;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = null;
    }
    let start = 0;
    const n = buf.length;
    for (;;) {
      const nl = buf.indexOf(NL, start);
      if (nl < 0) break;
      this.parseLine(buf, start, nl);
      start = nl + 1;
    }
    if (start < n) this.carry = Buffer.from(buf.subarray(start, n));
  }

  /** Ends the input: parses a last line without a newline and closes the open run.
   * `cut`: the input was left unread past here (--max-records), so a last line without
   * a newline is only the part of one that was read: it is dropped. */
  end(cut = false): void {
    if (this.carry && !cut) {
      const c = this.carry;
      this.carry = null;
      this.parseLine(c, 0, c.length);
    }
    this.flush();
  }

  private flush(): void {
    if (this.curVpn >= 0) this.sink.add(this.curVpn, this.curGap, this.curFlags);
    this.curVpn = -1;
  }

  private touch(vpn: number, gap: number, flags: number): void {
    if (vpn === this.curVpn && this.curGap + gap <= MAX_GAP) {
      this.curGap += gap;
      this.curFlags |= flags;
      return;
    }
    // a new page, or a run whose gaps no longer fit in 32 bits: a run of one page may
    // then span two records, so that the gaps still sum to the accesses exactly
    this.flush();
    this.curVpn = vpn;
    this.curGap = gap;
    this.curFlags = flags;
  }

  private fail(buf: Buffer, start: number, end: number, what: string): never {
    const text = buf.toString("latin1", start, Math.min(end, start + 80)).replace(/\r$/, "");
    throw new Error(`${this.file}:${this.line}: ${what} (line: "${text}")`);
  }

  private parseLine(buf: Buffer, start: number, end: number): void {
    this.line++;
    // a byte-order mark, as an editor on Windows saves UTF-8
    if (this.line === 1 && end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    if (end > start && buf[end - 1] === CR) end--;
    const i = skipBlanks(buf, start, end);
    if (i === end) return;
    const c0 = buf[i];
    if (this.format === null) {
      if (c0 === HASH) {
        this.headerPageSize(buf, i, end);
        return;
      }
      const lackeyMark = (c0 === EQ && buf[i + 1] === EQ) || (c0 === DASH && buf[i + 1] === DASH);
      this.format = lackeyMark || buf.subarray(i, end).includes(COMMA) ? "lackey" : "page";
    }
    if (this.format === "lackey") this.lackeyLine(buf, start, i, end);
    else this.pageLine(buf, start, i, end);
  }

  /** A page-level trace's page numbers are of the pages it was written with: run at
   * another size, each would be a page of that size, the program another (the test
   * fixture's 4 KiB pages read as 2 MiB ones made its 2.1 MiB 1.1 GiB and its run 160
   * times as long). So the page size the header comment of `ampom trace export` names is
   * the trace's own, and another is refused, as an amt's is. */
  private headerPageSize(buf: Buffer, i: number, end: number): void {
    const own = PAGE_LEVEL_HEADER.exec(buf.toString("latin1", i, Math.min(end, i + 200)));
    if (own !== null && Number(own[1]) !== this.pageSize) {
      throw new Error(`${this.file}:${this.line}: the trace's pages are ${own[1]} bytes, as this line says, but it is read with ${this.pageSize}-byte pages (set pageSize (--page-size) to ${own[1]})`);
    }
  }

  private pageLine(buf: Buffer, start: number, i: number, end: number): void {
    const kind = buf[i];
    if (kind === HASH) return;
    let flags: number;
    if (kind === 82 /* R */) flags = 0;
    else if (kind === 87 /* W */) flags = REC_WRITE;
    else if (kind === 73 /* I */) flags = REC_CODE;
    // a lackey load, store or modify without its `,size` reads as a page-level line
    else if (kind === 76 /* L */ || kind === 83 /* S */ || kind === 77 /* M */) this.fail(buf, start, end, "a lackey access needs its size (` L addr,size`); a page-level record is `K PAGE GAP` with K one of I, R, W");
    else this.fail(buf, start, end, "expected a record `K PAGE GAP` with K one of I, R, W");
    i++;
    if (i === end || (buf[i] !== SP && buf[i] !== TAB)) this.fail(buf, start, end, "expected a space after the kind");
    i = skipBlanks(buf, i, end);
    if (buf[i] === 48 && (buf[i + 1] === 120 || buf[i + 1] === 88)) i += 2; // optional 0x
    let vpn = 0;
    let digits = 0;
    for (; i < end; i++) {
      const d = hexDigit(buf[i]);
      if (d < 0) break;
      vpn = vpn * 16 + d;
      digits++;
    }
    if (digits === 0) this.fail(buf, start, end, "expected a hexadecimal page number");
    if (digits > 13 && vpn >= 2 ** 53) this.fail(buf, start, end, "page number does not fit in 53 bits");
    // a line that ends at its page number: a page-level record without its gap, or the
    // first line of a lackey log whose `,size` is missing (`I  ADDR` reads as page-level)
    if (i === end) this.fail(buf, start, end, "expected a gap after the page number (a page-level record is `K PAGE GAP`; a lackey line is `I  ADDR,SIZE` or ` L ADDR,SIZE`)");
    if (buf[i] !== SP && buf[i] !== TAB) this.fail(buf, start, end, "expected a space after the page number");
    i = skipBlanks(buf, i, end);
    const gap = this.decimal(buf, i, end);
    if (gap < 0) this.fail(buf, start, end, "expected a decimal gap");
    i = this.at;
    if (gap > MAX_GAP) this.fail(buf, start, end, "gap does not fit in 32 bits");
    i = skipBlanks(buf, i, end);
    if (i !== end) this.fail(buf, start, end, "unexpected text after the gap");
    this.touch(vpn, gap, flags);
  }

  private lackeyLine(buf: Buffer, start: number, i: number, end: number): void {
    const kind = buf[i];
    if ((kind === EQ && buf[i + 1] === EQ) || (kind === DASH && buf[i + 1] === DASH)) return; // valgrind's own
    let flags: number;
    if (kind === 76 /* L */) flags = 0;
    else if (kind === 83 /* S */ || kind === 77 /* M */) flags = REC_WRITE;
    else if (kind === 73 /* I */) flags = REC_CODE;
    else this.fail(buf, start, end, "expected a lackey access `I  addr,size`, ` L addr,size`, ` S addr,size` or ` M addr,size`");
    i++;
    if (i === end || (buf[i] !== SP && buf[i] !== TAB)) this.fail(buf, start, end, "expected a space after the access kind");
    i = skipBlanks(buf, i, end);
    // the address as two 32-bit halves, so that 64-bit addresses stay exact
    let hi = 0;
    let lo = 0;
    let digits = 0;
    for (; i < end; i++) {
      const d = hexDigit(buf[i]);
      if (d < 0) break;
      hi = hi * 16 + (lo >>> 28);
      lo = ((lo << 4) | d) >>> 0;
      digits++;
    }
    if (digits === 0 || digits > 16) this.fail(buf, start, end, "expected a hexadecimal address of at most 64 bits");
    if (buf[i] !== COMMA) this.fail(buf, start, end, "expected `,size` after the address");
    i++;
    const size = this.decimal(buf, i, end);
    if (size < 0) this.fail(buf, start, end, "expected a decimal access size");
    i = this.at;
    // a bound against a damaged line, whose size would touch that many pages
    if (size > 1 << 20) this.fail(buf, start, end, `access size ${size} is more than the ${1 << 20} bytes an access may be`);
    i = skipBlanks(buf, i, end);
    if (i !== end) this.fail(buf, start, end, "unexpected text after the access size");
    // page numbers are exact below 2^53, as the page-level format requires (past it, at
    // pages of 1 KiB or less, v + 1 would round back to v): the last page, at least the
    // first, is checked before either is touched
    const first = this.vpnOf(hi, lo);
    let last = first;
    if (size > 1) {
      let lastLo = lo + size - 1;
      let lastHi = hi;
      if (lastLo >= TWO32) {
        lastLo -= TWO32;
        lastHi++;
      }
      if (lastHi >= TWO32) this.fail(buf, start, end, "the access runs past the top of the 64-bit address space");
      last = this.vpnOf(lastHi, lastLo);
    }
    if (last >= 2 ** 53) this.fail(buf, start, end, `page number does not fit in 53 bits at ${this.pageSize}-byte pages`);
    this.touch(first, 1, flags);
    for (let v = first + 1; v <= last; v++) this.touch(v, 0, flags);
  }

  /** The decimal digits from `i` as a number, -1 where there are none; this.at is set
   * to where they end (a second result without an object made for every line). */
  private decimal(buf: Buffer, i: number, end: number): number {
    const from = i;
    let n = 0;
    for (; i < end; i++) {
      const c = buf[i] - 48;
      if (c < 0 || c > 9) break;
      n = n * 10 + c;
    }
    this.at = i;
    return i === from ? -1 : n;
  }

  private vpnOf(hi: number, lo: number): number {
    if (this.pow2) return hi * this.vpnPerHi + Math.floor(lo / this.pageSize);
    return Math.floor((hi * TWO32 + lo) / this.pageSize);
  }
}
