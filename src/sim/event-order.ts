// Hands the processes' events to their sinks in time order. The host learns some events
// before their time: an arrival is known when the host fixes it (when the page's
// transmission becomes certain), which can be well before the page lands. So events
// wait here, in a time-ordered heap (ties in the order recorded), until the cluster's
// event loop says no earlier event can come: every event recorded from then on is at or
// after the earliest clock of the running processes and the next queued simulation
// event (Cluster.run() calls release() with that bound). What waits is bounded by the
// pages in flight and the events of one instant, not by the length of the run, and the
// entries are reused, so a log costs constant memory however long the run.
import type { EventKind, EventSink } from "./event-log.js";
import { TimeHeap, type Timed } from "./events.js";
import type { NodeId } from "../network/network.js";

interface Pending extends Timed {
  sink: EventSink;
  kind: EventKind;
  page: number;
  arg: number;
  node: NodeId;
}

export class EventOrder {
  private readonly heap = new TimeHeap<Pending>();
  private readonly free: Pending[] = [];
  private seq = 0;
  /** time of the last event handed on */
  private released = -Infinity;

  add(sink: EventSink, time: number, kind: EventKind, page: number, arg: number, node: NodeId): void {
    if (time < this.released) {
      throw new Error(`internal: an event at ${time} ns was recorded after events up to ${this.released} ns were written`);
    }
    const e = this.free.pop();
    const seq = this.seq++;
    if (e) {
      e.time = time;
      e.seq = seq;
      e.sink = sink;
      e.kind = kind;
      e.page = page;
      e.arg = arg;
      e.node = node;
      this.heap.push(e);
    } else {
      this.heap.push({ time, seq, sink, kind, page, arg, node });
    }
  }

  /** Hands on every waiting event at or before `upTo`, in order. */
  release(upTo: number): void {
    const h = this.heap;
    while (h.size > 0 && h.peekTime() <= upTo) {
      const e = h.pop();
      this.released = e.time;
      e.sink.record(e.time, e.kind, e.page, e.arg, e.node);
      this.free.push(e);
    }
  }

  /** Events held back now. */
  get waiting(): number {
    return this.heap.size;
  }
}

/** One process's way into the order: what the host's code calls. */
export class ProcessEvents {
  constructor(
    private readonly order: EventOrder,
    private readonly sink: EventSink,
    private readonly where: { readonly node: NodeId },
  ) {}

  record(t: number, kind: EventKind, page: number, arg = 0): void {
    this.order.add(this.sink, t, kind, page, arg, this.where.node);
  }
}
