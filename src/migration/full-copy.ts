// openMosix migration: freeze, send the context and every page of every region
// (touched or not), one page per message, and resume when the last page is in.
import { EVENT_EAGER } from "../sim/event-log.js";
import { sendContext } from "./send.js";
import { streamPages } from "./stream.js";
import type { Mechanism } from "./types.js";

export const fullCopy: Mechanism = {
  name: "full-copy",
  description: "openMosix: freeze and copy the whole address space, then resume",
  remotePaging: false,
  params: [
    {
      name: "burstPages",
      default: 16,
      min: 1,
      integer: true,
      description:
        "pages handed to the link at a time (64 KiB, a 2008 TCP window): alone on the link it changes nothing; beside other traffic it is how long a fault reply may wait behind the copy",
    },
  ],
  start(ctx) {
    ctx.freeze();
    const { proc } = ctx;
    const contextIn = sendContext(ctx, ctx.decisionAt);
    const regions = proc.workload.regions;
    let r = 0;
    let next = regions.length ? regions[0].start : 0;
    streamPages(
      ctx,
      {
        burst: ctx.params.burstPages,
        deliverKind: null,
        bytesKind: "eager",
        event: EVENT_EAGER,
        next(out, max) {
          let n = 0;
          while (n < max && r < regions.length) {
            if (next >= regions[r].start + regions[r].pages) {
              if (++r < regions.length) next = regions[r].start;
              continue;
            }
            out[n++] = next++;
          }
          return n;
        },
        done(lastArrival) {
          proc.migrate(true);
          ctx.resume(Math.max(contextIn, lastArrival));
        },
      },
      ctx.decisionAt,
    );
  },
};
