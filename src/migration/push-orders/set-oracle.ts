// The set oracle: an ablation that reads the trace ahead, to separate choosing pages from
// ordering them. It pushes in the adaptive order (ampom-plus's push, adaptive.ts), but
// only among the pages the process will use after the migration point (read from its
// lookahead, as the oracle does); it knows which pages, not when. Set beside ampom-plus
// and the oracle it attributes ampom-plus's gap to the oracle: to the pages it sends that
// are never used (ampom-plus -> set oracle) and to the order (set oracle -> oracle). It
// is not a bound by construction: knowing the set also changes which order the push
// follows (the faults score only the pages it may send), so on a few runs it finishes
// later than ampom-plus. With post-copy (`everything`) the pages nobody will use follow
// in ascending order, so every page still moves.
import { C_RECORDS } from "../../core/abi.js";
import { adaptive, adaptiveOrder } from "./adaptive.js";
import { ascending } from "./ascending.js";
import type { PushOrder, PushOrderInfo } from "./index.js";
import { firstUseOrder } from "./oracle.js";

export const setOracle: PushOrderInfo = {
  name: "set-oracle",
  readsAhead: true,
  description: "offline reference (reads the trace ahead): the adaptive order over only the pages that will be used (which, not when)",
  partial: true,
  // its pages go adaptive's way, held-back ones included
  oldLast: adaptive.oldLast,
  create(ctx, everything) {
    const used = new Uint8Array(ctx.proc.workload.pageCount);
    for (const p of firstUseOrder(ctx, ctx.proc.views.counters[C_RECORDS])) used[p] = 1;
    const chosen = adaptiveOrder(ctx, everything, (p) => used[p] === 1);
    let rest: PushOrder | undefined;
    return {
      // ampom-plus's push holds back as it does (gate.ts)
      holdUntil: chosen.holdUntil,
      next(out, max, now) {
        const n = chosen.next(out, max, now);
        if (n > 0 || !everything) return n;
        rest ??= ascending.create(ctx, true);
        return rest.next(out, max, now);
      },
    };
  },
};
