// openMosix migration: freeze, send the context and every page that exists at the
// freeze, one page per message, and resume when the last page is in. A page the process
// has never touched has no frame to send (as for every other mechanism, its first touch
// at the destination is a zero-fill): within a generator's arrays, mapped whole from the
// start, and within a trace's regions, which the import draws round touched pages and
// joins across gaps of untouched ones, such pages are not copied.
import { DELIVERY_CAP, ST_MASK, ST_NONE } from "../core/abi.js";
import { EVENT_EAGER } from "../sim/event-log.js";
import { LastArrival, sendContext } from "./send.js";
import { streamPages } from "./stream.js";
import type { Mechanism } from "./types.js";

export const fullCopy: Mechanism = {
  name: "full-copy",
  description: "openMosix: freeze and copy every page the process has, then resume",
  remotePaging: false,
  params: [
    {
      name: "burstPages",
      default: 16,
      min: 1,
      max: DELIVERY_CAP,
      integer: true,
      description:
        "pages handed to the link at a time (64 KiB, a 2008 TCP window): alone on the link it changes nothing; beside other traffic it is how long a fault reply may wait behind the copy",
    },
  ],
  start(ctx) {
    ctx.freeze();
    const { proc } = ctx;
    const context = new LastArrival();
    sendContext(ctx, ctx.decisionAt, context);
    const pageCount = proc.workload.pageCount;
    let next = 0;
    // With no page yet (a decision at 0), no stream: it would learn that it has nothing
    // to send only at its first turn, which another copy from the node can hold past the
    // context's arrival, and the resume fell in the past ("internal: an event scheduled
    // at 90536 ns while the one at 131072 ns fires").
    const { states } = proc.views;
    while (next < pageCount && (states[next] & ST_MASK) === ST_NONE) next++;
    if (next === pageCount) {
      proc.migrate(true);
      context.whenFixed(ctx.decisionAt, (contextIn) => ctx.resume(contextIn));
      return;
    }
    streamPages(
      ctx,
      {
        burst: ctx.params.burstPages,
        deliverKind: null,
        fixed: true,
        bytesKind: "eager",
        event: EVENT_EAGER,
        next(out, max) {
          // the views afresh at each turn: a memory.grow would have detached one kept
          const { states } = proc.views;
          let n = 0;
          for (; n < max && next < pageCount; next++) if ((states[next] & ST_MASK) !== ST_NONE) out[n++] = next;
          return n;
        },
        done(lastArrival, now) {
          proc.migrate(true);
          // the context went first on the same links: its arrival is fixed by now
          context.whenFixed(now, (contextIn) => ctx.resume(Math.max(contextIn, lastArrival)));
        },
      },
      ctx.decisionAt,
    );
  },
};
