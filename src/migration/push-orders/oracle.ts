// The oracle (docs/model.md, "The oracle"): it knows the future. From its process's
// lookahead (src/sim/lookahead.ts, a pre-pass over a fresh stream of the workload) it
// takes, in first-use order, the pages the process will touch after the migration point
// that are still at home; the push streams them back to back at link bandwidth with no
// request in the way, so each arrives as early as the link allows. With post-copy
// (`everything`) the pages nobody will use follow in ascending order, so every page
// still moves.
import { C_RECORDS, ST_HOME, ST_MASK } from "../../core/abi.js";
import type { PushOrderInfo } from "./index.js";
import { ascending } from "./ascending.js";
import type { MigrationContext } from "../types.js";

/** Pages at home now, in the order the process first touches them from record `from` on. */
export function firstUseOrder(ctx: MigrationContext, from: number): Uint32Array {
  const { lookahead, views } = ctx.proc;
  if (!lookahead) throw new Error("internal: the oracle order runs in a process set up without a lookahead");
  return lookahead.firstUses(from).filter((p) => (views.states[p] & ST_MASK) === ST_HOME);
}

/** Pages handed to the link per turn: alone on the link the timing does not depend on
 * it (it only saves events); beside other streams it is the same share as a copy's
 * burst (full-copy's default burstPages). */
const ORACLE_BURST = 16;

export const oracle: PushOrderInfo = {
  name: "oracle",
  readsAhead: true,
  // a bound: its destination is not made to fault on a page it knows is coming
  announced: true,
  description: "offline bound: the pages the process will use, in first-use order, back to back at link bandwidth",
  partial: true,
  create(ctx, everything) {
    const v = ctx.proc.views;
    const order = firstUseOrder(ctx, v.counters[C_RECORDS]);
    let i = 0;
    let rest: ReturnType<typeof ascending.create> | undefined;
    return {
      next(out, max, now) {
        let n = 0;
        const burst = Math.min(max, ORACLE_BURST);
        while (n < burst && i < order.length) {
          const p = order[i++];
          if (ctx.proc.heldAtHome(p)) out[n++] = p;
        }
        if (n > 0 || !everything) return n;
        rest ??= ascending.create(ctx, true);
        return rest.next(out, max, now);
      },
    };
  },
};
