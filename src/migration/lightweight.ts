// AMPoM's lightweight migration: freeze, send the context and the few most recently
// used pages (current code, stack and data page), resume as soon as they are in; the
// rest comes by remote faults and the prefetch policy. A push policy (bubbling,
// oracle) adds a background push in its order after the freeze.
import { C_MRU_LEN, ST_LOCAL, ST_MASK } from "../core/abi.js";
import { startPush } from "./background-push.js";
import { pushOrders } from "./push-orders/index.js";
import { LastArrival, sendContext, sendEagerPages } from "./send.js";
import type { Mechanism, MigrationContext } from "./types.js";

/** The `k` most recently used distinct pages, newest first. */
export function recentPages(ctx: MigrationContext, k: number): number[] {
  const v = ctx.proc.views;
  const n = Math.min(k, v.counters[C_MRU_LEN]);
  return Array.from(v.mru.subarray(0, n)).filter((p) => (v.states[p] & ST_MASK) === ST_LOCAL);
}

/** Freeze, send context and eager pages; the process resumes when they have all arrived. */
export function lightweightFreeze(ctx: MigrationContext): void {
  ctx.freeze();
  const eager = recentPages(ctx, ctx.eagerPages);
  const arrivals = new LastArrival();
  sendContext(ctx, ctx.decisionAt, arrivals);
  ctx.proc.migrate(false);
  sendEagerPages(ctx, eager, ctx.decisionAt, arrivals);
  arrivals.whenFixed(ctx.decisionAt, (last) => ctx.resume(last));
}

export const lightweight: Mechanism = {
  name: "lightweight",
  description: "AMPoM: send the context and a few pages, fetch the rest on demand",
  remotePaging: true,
  params: [],
  start(ctx) {
    lightweightFreeze(ctx);
    // a push policy's stream: all pages, or a partial order's own selection (the
    // oracle and the set oracle: the pages that will be used; adaptive: what the scans
    // saw first)
    if (ctx.push) startPush(ctx, ctx.push, !pushOrders[ctx.push].partial, ctx.decisionAt);
  },
};
