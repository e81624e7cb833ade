// A time-ordered event queue (binary heap). Ties break by insertion order, so a run
// is deterministic.

interface Entry {
  time: number;
  seq: number;
  fire: () => void;
}

export class EventQueue {
  private heap: Entry[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  at(time: number, fire: () => void): void {
    const e = { time, seq: this.seq++, fire };
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(e, h[parent])) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = e;
  }

  peekTime(): number {
    return this.heap.length ? this.heap[0].time : Infinity;
  }

  /** Removes the earliest event and runs it. */
  fireNext(): void {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && before(h[r], h[l]) ? r : l;
        if (!before(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    top.fire();
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
