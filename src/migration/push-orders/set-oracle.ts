// The set oracle: a bound on choosing pages, apart from ordering them. It pushes in the
// adaptive order (ampom-plus's push, adaptive.ts), choosing as that order does, but only
// among the pages the process will use after the migration point (read from its
// lookahead, as the oracle does); it knows which pages, not when. Set beside ampom-plus
// and the oracle it splits ampom-plus's gap to the oracle in two: what sending pages that
// are never used costs (ampom-plus -> set oracle), and what the order costs (set oracle
// -> oracle). With post-copy (`everything`) the pages nobody will use follow in ascending
// order, so every page still moves.
import { C_RECORDS } from "../../core/abi.js";
import { adaptiveOrder } from "./adaptive.js";
import { ascending } from "./ascending.js";
import type { PushOrder, PushOrderInfo } from "./index.js";
import { firstUseOrder } from "./oracle.js";

export const setOracle: PushOrderInfo = {
  name: "set-oracle",
  readsAhead: true,
  description: "offline bound on choosing pages: the adaptive order over only the pages that will be used (which, not when)",
  partial: true,
  create(ctx, everything) {
    const used = new Uint8Array(ctx.proc.workload.pageCount);
    for (const p of firstUseOrder(ctx, ctx.proc.views.counters[C_RECORDS])) used[p] = 1;
    const chosen = adaptiveOrder(ctx, everything, (p) => used[p] === 1);
    let rest: PushOrder | undefined;
    return {
      next(out, max) {
        const n = chosen.next(out, max);
        if (n > 0 || !everything) return n;
        rest ??= ascending.create(ctx, true);
        return rest.next(out, max);
      },
    };
  },
};
