// Sending pages the mechanism chose to the destination: one message per page, each
// with its header, queued on the network in order; the core learns their arrivals.
import { KIND_EAGER, KIND_PUSH, DELIVERY_CAP } from "../core/abi.js";
import { addBytes, type BytesMoved } from "../sim/bytes.js";
import { EVENT_ARRIVAL, EVENT_EAGER, EVENT_PUSH } from "../sim/event-log.js";
import type { MigrationContext } from "./types.js";

/** Sends the process context; returns its arrival time. */
export function sendContext(ctx: MigrationContext, readyAt: number): number {
  addBytes(ctx.proc.bytes, "context", ctx.costs.contextBytes);
  return ctx.net.send(ctx.proc.home, ctx.dest, readyAt, ctx.costs.contextBytes);
}

/** Sends `pages` from home ready at `readyAt`, delivering them to the core as `kind`
 * (KIND_EAGER unless told); returns the last arrival (readyAt if none). */
export function sendPages(
  ctx: MigrationContext,
  pages: ArrayLike<number>,
  readyAt: number,
  kind = KIND_EAGER,
  bytesKind: Exclude<keyof BytesMoved, "total"> = "eager",
): number {
  const v = ctx.proc.views;
  const message = ctx.pageSize + ctx.costs.pageHeaderBytes;
  let last = readyAt;
  const event = kind === KIND_PUSH ? EVENT_PUSH : EVENT_EAGER;
  for (let from = 0; from < pages.length; from += DELIVERY_CAP) {
    const n = Math.min(DELIVERY_CAP, pages.length - from);
    for (let i = 0; i < n; i++) {
      v.deliverPages[i] = pages[from + i];
      last = v.deliverTimes[i] = ctx.net.send(ctx.proc.home, ctx.dest, readyAt, message);
      addBytes(ctx.proc.bytes, bytesKind, message);
    }
    const events = ctx.proc.events;
    if (events) {
      for (let i = 0; i < n; i++) events.record(readyAt, event, v.deliverPages[i]);
      for (let i = 0; i < n; i++) events.record(v.deliverTimes[i], EVENT_ARRIVAL, v.deliverPages[i], event);
    }
    ctx.proc.core.deliver(n, kind);
  }
  return last;
}
