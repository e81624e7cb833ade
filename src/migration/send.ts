// Sending pages the mechanism chose to the destination: one message per page, each
// with its header, queued on the network in order; the core learns their arrivals.
import { KIND_EAGER, DELIVERY_CAP } from "../core/abi.js";
import { addBytes } from "../sim/bytes.js";
import { EVENT_ARRIVAL, EVENT_EAGER } from "../sim/event-log.js";
import type { MigrationContext } from "./types.js";

/** Sends the process context; returns its arrival time. */
export function sendContext(ctx: MigrationContext, readyAt: number): number {
  addBytes(ctx.proc.bytes, "context", ctx.costs.contextBytes);
  return ctx.net.send(ctx.proc.home, ctx.dest, readyAt, ctx.costs.contextBytes);
}

/** Sends `pages` from home ready at `readyAt` as the mechanism's eager pages (a stream
 * sends the rest: stream.ts); returns the last arrival (readyAt if none). */
export function sendEagerPages(ctx: MigrationContext, pages: ArrayLike<number>, readyAt: number): number {
  const v = ctx.proc.views;
  const message = ctx.pageSize + ctx.costs.pageHeaderBytes;
  let last = readyAt;
  for (let from = 0; from < pages.length; from += DELIVERY_CAP) {
    const n = Math.min(DELIVERY_CAP, pages.length - from);
    for (let i = 0; i < n; i++) {
      v.deliverPages[i] = pages[from + i];
      last = v.deliverTimes[i] = ctx.net.send(ctx.proc.home, ctx.dest, readyAt, message);
      addBytes(ctx.proc.bytes, "eager", message);
    }
    const events = ctx.proc.events;
    if (events) {
      for (let i = 0; i < n; i++) events.record(readyAt, EVENT_EAGER, v.deliverPages[i]);
      for (let i = 0; i < n; i++) events.record(v.deliverTimes[i], EVENT_ARRIVAL, v.deliverPages[i], EVENT_EAGER);
    }
    ctx.proc.core.deliver(n, KIND_EAGER);
  }
  return last;
}
