// A time-ordered event queue (binary heap). Ties break by insertion order, so a run
// is deterministic.

/** What the heap orders: by time, then by `seq` (the caller numbers entries in the
 * order they are added). */
export interface Timed {
  time: number;
  seq: number;
}

/** A binary min-heap of timed entries. */
export class TimeHeap<E extends Timed> {
  private readonly heap: E[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(e: E): void {
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

  /** Removes and returns the earliest entry (the heap must not be empty). */
  pop(): E {
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
    return top;
  }
}

function before(a: Timed, b: Timed): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

interface Entry extends Timed {
  fire: () => void;
}

export class EventQueue {
  private readonly heap = new TimeHeap<Entry>();
  private seq = 0;
  /** the time of the event firing or fired last */
  private now = -Infinity;

  get size(): number {
    return this.heap.size;
  }

  /** Schedules `fire` at `time`; an event before the one firing now would run out of
   * order (a defect the host would otherwise show only as skewed times). */
  at(time: number, fire: () => void): void {
    if (!(time >= this.now)) throw new Error(`internal: an event scheduled at ${time} ns while the one at ${this.now} ns fires`);
    this.heap.push({ time, seq: this.seq++, fire });
  }

  peekTime(): number {
    return this.heap.peekTime();
  }

  /** Removes the earliest event and runs it. */
  fireNext(): void {
    const e = this.heap.pop();
    this.now = e.time;
    e.fire();
  }
}
