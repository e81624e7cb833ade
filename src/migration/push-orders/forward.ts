// Forward from the last fault (QEMU postcopy): the push walks upward through memory;
// a remote fault moves the walk to the page after the faulting one, so the pages the
// process is about to reach in an ascending sweep are already on their way. It starts
// at the lowest page and wraps around at the top.
import { HomePages } from "../page-set.js";
import type { PushOrderInfo } from "./index.js";
import { FaultWatch } from "./faults.js";

export const forward: PushOrderInfo = {
  name: "forward",
  description: "ascending from the page after the last fault, wrapping around (QEMU postcopy)",
  create(ctx) {
    const home = new HomePages(ctx.proc);
    const faults = new FaultWatch(ctx.proc);
    let cursor = 0;
    return {
      next(out, _max, now) {
        const f = faults.newFault(now);
        if (f >= 0) cursor = f + 1;
        let p = home.next(cursor);
        if (p < 0) p = home.next(0);
        if (p < 0 && home.refill()) p = home.next(0);
        if (p < 0) return 0;
        cursor = p + 1;
        home.take(p);
        out[0] = p;
        return 1;
      },
    };
  },
};
