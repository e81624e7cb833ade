// Bubbling (Hines and Gopalan, VEE 2009, post-copy pre-paging): the push grows a
// bubble outward from a pivot, one page on each side in turn; a remote fault moves
// the pivot to the faulting page, so the push follows the process's working area.
// The first pivot is the page the process used last before migrating.
import { HomePages } from "../page-set.js";
import type { PushOrderInfo } from "./index.js";
import { FaultWatch, lastUsedPage } from "./faults.js";

export const bubbling: PushOrderInfo = {
  name: "bubbling",
  description: "bubble outward from a pivot, both sides, one page a step; a fault moves the pivot (Hines & Gopalan)",
  create(ctx) {
    const home = new HomePages(ctx.proc);
    const faults = new FaultWatch(ctx.proc);
    let up = lastUsedPage(ctx);
    let down = up - 1;
    let upward = true;
    return {
      next(out, _max, now) {
        const f = faults.newFault(now);
        if (f >= 0) {
          up = f + 1;
          down = f - 1;
          upward = true;
        }
        for (let attempt = 0; attempt < 4; attempt++) {
          const p = upward ? home.next(up) : home.prev(down);
          upward = !upward;
          if (p >= 0) {
            if (p >= up) up = p + 1;
            else down = p - 1;
            home.take(p);
            out[0] = p;
            return 1;
          }
          // both edges dry: start over from the lowest page any refused request left home
          if (attempt % 2 === 1) {
            if (!home.refill()) return 0;
            up = 0;
            down = -1;
            upward = true;
          }
        }
        return 0;
      },
    };
  },
};
