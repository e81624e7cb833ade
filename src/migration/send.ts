// Sending pages the mechanism chose to the destination: one message per page, each
// with its header, queued on the network in order; the core learns their arrivals.
import { KIND_EAGER, DELIVERY_CAP } from "../core/abi.js";
import type { OnArrival } from "../network/network.js";
import { addBytes } from "../sim/bytes.js";
import { EVENT_ARRIVAL, EVENT_EAGER } from "../sim/event-log.js";
import type { MigrationContext } from "./types.js";

/** The last arrival of a set of messages (or `last`, if none is later). With more than
 * two nodes a message's arrival may be fixed only when it reaches the switch, after it
 * was sent (network.ts): whenFixed() waits for those. */
export class LastArrival {
  private unfixed = 0;
  private then?: (last: number, now: number) => void;

  constructor(public last = -Infinity) {}

  /** Takes what send() returned for a message sent with `later()` as its callback. */
  add(t: number): void {
    if (Number.isNaN(t)) this.unfixed++;
    else this.last = Math.max(this.last, t);
  }

  /** The callback for send(); `also` runs first with the arrival. */
  later(also?: OnArrival): OnArrival {
    return (t, now) => {
      also?.(t, now);
      this.last = Math.max(this.last, t);
      if (--this.unfixed > 0 || !this.then) return;
      const then = this.then;
      this.then = undefined;
      then(this.last, now);
    };
  }

  /** Runs `then` with the last arrival: at once (with `now`) when every one is fixed,
   * else when the last one is, at that moment. */
  whenFixed(now: number, then: (last: number, now: number) => void): void {
    if (this.unfixed === 0) then(this.last, now);
    else this.then = then;
  }
}

/** Sends the process context, ready at `readyAt`; `arrivals` learns its arrival. */
export function sendContext(ctx: MigrationContext, readyAt: number, arrivals: LastArrival): void {
  addBytes(ctx.proc.bytes, "context", ctx.costs.contextBytes);
  arrivals.add(ctx.net.send(ctx.proc.home, ctx.dest, readyAt, ctx.costs.contextBytes, arrivals.later()));
}

/** Sends `pages` from home ready at `readyAt` as the mechanism's eager pages (a stream
 * sends the rest: stream.ts); `arrivals` learns their arrivals. */
export function sendEagerPages(ctx: MigrationContext, pages: ArrayLike<number>, readyAt: number, arrivals: LastArrival): void {
  const { proc } = ctx;
  const v = proc.views;
  const message = ctx.pageSize + ctx.costs.pageHeaderBytes;
  for (let from = 0; from < pages.length; from += DELIVERY_CAP) {
    const n = Math.min(DELIVERY_CAP, pages.length - from);
    for (let i = 0; i < n; i++) {
      const page = pages[from + i];
      v.deliverPages[i] = page;
      // NaN: the page has left, its arrival fixed later (the core holds it in flight)
      const t = ctx.net.send(proc.home, ctx.dest, readyAt, message, arrivals.later((at) => proc.fixArrival(page, at, EVENT_EAGER)));
      arrivals.add(t);
      v.deliverTimes[i] = t;
      addBytes(proc.bytes, "eager", message);
    }
    const events = proc.events;
    if (events) {
      for (let i = 0; i < n; i++) events.record(readyAt, EVENT_EAGER, v.deliverPages[i]);
      for (let i = 0; i < n; i++) if (!Number.isNaN(v.deliverTimes[i])) events.record(v.deliverTimes[i], EVENT_ARRIVAL, v.deliverPages[i], EVENT_EAGER);
    }
    proc.core.deliver(n, KIND_EAGER);
  }
}
