// The active background push after a lightweight freeze (post-copy, and the push
// policies bubbling and oracle with lightweight): pages still at home go to the
// destination in the order's sequence, one burst whenever the link is free, so fault
// replies get in between. It keeps going after the process ends, until every page the
// order names has moved (post-copy's point: the home node holds nothing at the end).
import { KIND_PUSH } from "../core/abi.js";
import { EVENT_PUSH } from "../sim/event-log.js";
import { pushOrders, type PushOrderName } from "./push-orders/index.js";
import { streamPages } from "./stream.js";
import type { MigrationContext } from "./types.js";

/** Largest burst an order may ask for (the ascending order's last chunk). */
const MAX_BURST = 1024;

export function startPush(ctx: MigrationContext, order: PushOrderName, everything: boolean, startAt: number): void {
  const source = pushOrders[order].create(ctx, everything);
  streamPages(
    ctx,
    {
      burst: MAX_BURST,
      next: (out, max) => source.next(out, max),
      deliverKind: KIND_PUSH,
      bytesKind: "push",
      event: EVENT_PUSH,
      done: (lastArrival) => {
        ctx.stats.pushDoneNs = lastArrival;
      },
    },
    startAt,
  );
}
