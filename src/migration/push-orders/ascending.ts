// Ascending address in growing chunks, as CRIU's lazy-pages daemon moves the pages no
// fault asked for (criu/uffd.c: xfer_pages and update_xfer_len): each step takes the
// lowest remaining run of pages still at home, at most `chunk` of them, as one
// transfer. The chunk starts at 64 KiB (16 pages) and grows by 16 pages after each
// transfer, up to 4 MiB (1024 pages); every page fault drops it back to 16. Here a
// fault counts when its request reaches the home node (faults.ts) and only if the push
// had not already handed out its page: CRIU leaves the length alone for a fault on a
// page its transfers have already asked for. Faults are served between chunks, so a
// fault that arrives during a large chunk waits for the rest of it. CRIU starts a
// transfer only when none of its requests (faults or the last transfer) is still
// outstanding; this order is asked whenever the link is free, so chunks follow each
// other back to back (docs/model.md).
import { HomePages, PageSet } from "../page-set.js";
import { FaultWatch } from "./faults.js";
import type { PushOrderInfo } from "./index.js";

/** CRIU's DEFAULT_XFER_LEN (64 KiB): the first chunk, the step, the chunk after a fault */
export const FIRST_CHUNK_PAGES = 16;
/** CRIU's MAX_XFER_LEN (4 MiB) */
export const LAST_CHUNK_PAGES = 1024;

export const ascending: PushOrderInfo = {
  name: "ascending",
  description: "lowest remaining run first, in chunks of 16 pages growing by 16 to 1024, back to 16 at each fault (CRIU lazy pages)",
  create(ctx) {
    const home = new HomePages(ctx.proc);
    const faults = new FaultWatch(ctx.proc);
    // the pages this order has handed out: a fault on one of them leaves the chunk alone
    const sent = new PageSet(home.count);
    const unsent = (page: number) => !sent.has(page);
    let chunk = FIRST_CHUNK_PAGES;
    return {
      next(out, max, now) {
        if (faults.newFault(now, unsent) >= 0) chunk = FIRST_CHUNK_PAGES;
        let p = home.next(0);
        if (p < 0 && home.refill()) p = home.next(0);
        if (p < 0) return 0;
        const limit = Math.min(chunk, max);
        let n = 0;
        while (n < limit && p < home.count && home.isHome(p)) {
          home.take(p);
          sent.add(p);
          out[n++] = p++;
        }
        chunk = Math.min(chunk + FIRST_CHUNK_PAGES, LAST_CHUNK_PAGES);
        return n;
      },
    };
  },
};
