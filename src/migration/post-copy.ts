// Post-copy: the lightweight freeze, then an active background push of every page
// still at home, in a pluggable order (--push-order, or the order of a push policy:
// bubbling, oracle then ascending). Remote faults and the prefetch policy keep
// working meanwhile; a fault's page jumps the push queue because the push hands the
// link one burst at a time. It ends with every page moved.
import { startPush } from "./background-push.js";
import { lightweightFreeze } from "./lightweight.js";
import type { Mechanism } from "./types.js";

/** The push order when neither --push-order nor a push policy names one. */
export const DEFAULT_PUSH_ORDER = "bubbling";

export const postCopy: Mechanism = {
  name: "post-copy",
  description: "lightweight freeze, then push every remaining page in the background (faults jump the queue)",
  remotePaging: true,
  params: [],
  start(ctx) {
    lightweightFreeze(ctx);
    startPush(ctx, ctx.push ?? DEFAULT_PUSH_ORDER, true, ctx.decisionAt);
  },
};
