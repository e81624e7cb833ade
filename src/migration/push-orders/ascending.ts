// Ascending address in growing chunks (CRIU lazy pages): each step takes the lowest
// remaining run of pages still at home, at most `chunk` of them, as one transfer; the
// chunk starts at 16 pages and doubles up to 1024. Faults are served between chunks,
// so a fault that arrives during a large chunk waits for the rest of it.
import { HomePages } from "../page-set.js";
import type { PushOrderInfo } from "./index.js";

export const FIRST_CHUNK_PAGES = 16;
export const LAST_CHUNK_PAGES = 1024;

export const ascending: PushOrderInfo = {
  name: "ascending",
  description: "lowest remaining run first, in chunks growing from 16 to 1024 pages (CRIU lazy pages)",
  create(ctx) {
    const home = new HomePages(ctx.proc);
    let chunk = FIRST_CHUNK_PAGES;
    return {
      next(out, max) {
        let p = home.next(0);
        if (p < 0 && home.refill()) p = home.next(0);
        if (p < 0) return 0;
        const limit = Math.min(chunk, max);
        let n = 0;
        while (n < limit && p < home.count && home.isHome(p)) {
          home.take(p);
          out[n++] = p++;
        }
        chunk = Math.min(chunk * 2, LAST_CHUNK_PAGES);
        return n;
      },
    };
  },
};
