// The active background push after a lightweight freeze (post-copy, and the push
// policies bubbling and oracle with lightweight): pages still at home go to the
// destination in the order's sequence, one burst whenever the link is free, so fault
// replies get in between. It ends when every page the order names has moved (post-copy's
// point: the home node holds nothing at the end) or when the process has ended, whichever
// comes first: nothing needs the pages of a process that has exited, and the home node
// frees them instead (a push that went on would count pages no system sends, and hold a
// shared link from other traffic). A burst on the link when the process ends completes.
import { C_PUSH_OLD_LAST, KIND_PUSH, KIND_PUSH_ANNOUNCED } from "../core/abi.js";
import { EVENT_PUSH } from "../sim/event-log.js";
import { pushOrders, type PushOrderName } from "./push-orders/index.js";
import { PageSet } from "./page-set.js";
import { streamPages } from "./stream.js";
import type { MigrationContext } from "./types.js";

/** Largest burst an order may ask for (the ascending order's last chunk). */
const MAX_BURST = 1024;

export function startPush(ctx: MigrationContext, order: PushOrderName, everything: boolean, startAt: number): void {
  // the push may send a page asked for until the home node has taken the request
  ctx.proc.awaitingHome = new PageSet(ctx.proc.workload.pageCount);
  const info = pushOrders[order];
  const source = info.create(ctx, everything);
  ctx.proc.views.counters[C_PUSH_OLD_LAST] = !everything && info.oldLast ? 1 : 0;
  streamPages(
    ctx,
    {
      burst: MAX_BURST,
      next: (out, max, now) => source.next(out, max, now),
      holdUntil: source.holdUntil?.bind(source),
      deliverKind: info.announced ? KIND_PUSH_ANNOUNCED : KIND_PUSH,
      bytesKind: "push",
      event: EVENT_PUSH,
      done: (lastArrival, _now, cutShort) => {
        ctx.stats.pushDoneNs = lastArrival;
        ctx.stats.pushCutShort = cutShort ? 1 : 0;
        // nothing reads the faults home hears of any more
        ctx.proc.faultsToHome = undefined;
        ctx.proc.awaitingHome = undefined;
      },
      over: (now) => ctx.proc.phase === "done" && ctx.proc.finishedAt <= now,
    },
    startAt,
  );
}
