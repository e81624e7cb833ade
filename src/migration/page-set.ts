// Which pages are still at home, kept so that a background push finds the next one
// in O(log32 n) instead of rescanning the page-state table: a hierarchical bitset
// (one bit a page, then one bit per non-empty word, and so on up to one word), 2 MiB
// for 16M pages. Requests take pages from home on their own (faults, prefetches), so
// HomePages asks ProcessRun.heldAtHome when it hands a page out and drops stale bits
// lazily; each page is dropped at most once.
import type { ProcessRun } from "../sim/process.js";

const ctz = (x: number) => 31 - Math.clz32(x & -x);

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export class PageSet {
  private readonly levels: Uint32Array[] = [];

  constructor(readonly size: number) {
    let len = Math.max(1, size);
    do {
      const words = (len + 31) >>> 5;
      this.levels.push(new Uint32Array(words));
      len = words;
    } while (len > 1);
  }

  has(p: number): boolean {
    return p >= 0 && p < this.size && (this.levels[0][p >>> 5] & (1 << (p & 31))) !== 0;
  }

  add(p: number): void {
    for (const level of this.levels) {
      const w = p >>> 5;
      const was = level[w];
      level[w] = was | (1 << (p & 31));
      if (was !== 0) return;
      p = w;
    }
  }

  delete(p: number): void {
    for (const level of this.levels) {
      const w = p >>> 5;
      level[w] &= ~(1 << (p & 31));
      if (level[w] !== 0) return;
      p = w;
    }
  }

  /** Members in [lo, hi), by counting the bits of the bottom level. */
  countRange(lo: number, hi: number): number {
    lo = Math.max(0, lo);
    hi = Math.min(this.size, hi);
    if (hi <= lo) return 0;
    const bits = this.levels[0];
    const first = lo >>> 5;
    const last = (hi - 1) >>> 5;
    let n = 0;
    for (let w = first; w <= last; w++) {
      let word = bits[w];
      if (w === first) word &= -1 << (lo & 31);
      if (w === last && (hi & 31) !== 0) word &= (1 << (hi & 31)) - 1;
      n += popcount(word);
    }
    return n;
  }

  /** Smallest member >= p, or -1. */
  next(p: number): number {
    return p >= this.size ? -1 : this.nextAt(0, Math.max(0, p));
  }

  /** Largest member <= p, or -1. */
  prev(p: number): number {
    return p < 0 ? -1 : this.prevAt(0, Math.min(p, this.size - 1));
  }

  private nextAt(k: number, i: number): number {
    const level = this.levels[k];
    const w = i >>> 5;
    if (w >= level.length) return -1;
    const m = level[w] & (-1 << (i & 31));
    if (m !== 0) return (w << 5) + ctz(m);
    if (k + 1 === this.levels.length) return -1;
    const w2 = this.nextAt(k + 1, w + 1);
    return w2 < 0 ? -1 : (w2 << 5) + ctz(level[w2]);
  }

  private prevAt(k: number, i: number): number {
    if (i < 0) return -1;
    const level = this.levels[k];
    const w = i >>> 5;
    const keep = 31 - (i & 31);
    const m = ((level[w] << keep) >>> keep) >>> 0;
    if (m !== 0) return (w << 5) + 31 - Math.clz32(m);
    if (k + 1 === this.levels.length) return -1;
    const w2 = this.prevAt(k + 1, w - 1);
    return w2 < 0 ? -1 : (w2 << 5) + 31 - Math.clz32(level[w2]);
  }
}

/** The pages the home node holds to send (ProcessRun.heldAtHome), as far as a push
 * needs to know. */
export class HomePages {
  private readonly set: PageSet;
  readonly count: number;

  constructor(private readonly proc: ProcessRun) {
    this.count = proc.workload.pageCount;
    this.set = new PageSet(this.count);
    this.refill();
  }

  isHome(p: number): boolean {
    return this.proc.heldAtHome(p);
  }

  /** Smallest page >= p still at home, or -1. */
  next(p: number): number {
    let q = this.set.next(p);
    while (q >= 0 && !this.isHome(q)) {
      this.set.delete(q);
      q = this.set.next(q + 1);
    }
    return q;
  }

  /** Largest page <= p still at home, or -1. */
  prev(p: number): number {
    let q = this.set.prev(p);
    while (q >= 0 && !this.isHome(q)) {
      this.set.delete(q);
      q = this.set.prev(q - 1);
    }
    return q;
  }

  /** The push is about to send `p`. */
  take(p: number): void {
    this.set.delete(p);
  }

  /** Rescans the pages (once at the start, and when the set runs dry, for a page a
   * refused request put back home); returns whether any page is at home. */
  refill(): boolean {
    let any = false;
    for (let p = 0; p < this.count; p++) {
      if (this.isHome(p)) {
        if (!this.set.has(p)) this.set.add(p);
        any = true;
      }
    }
    return any;
  }
}
