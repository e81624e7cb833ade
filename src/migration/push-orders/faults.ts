// Push orders follow the process's remote faults as the home node hears of them: a
// fault is known at home when its request arrives there, not when the process takes it
// at the destination (the request still has the link's latency and its own bytes to
// cross). The pager logs each fault request with that arrival time; an order reads, at
// its turn, only the faults that have reached home by then. A request also carries what
// the destination knows of the push: how many pushed pages it has used so far (a pushed
// page is mapped on its first touch, as a readahead page in Linux's swap cache is, so the
// destination counts the hit).
import { C_MRU_LEN } from "../../core/abi.js";
import type { ProcessRun } from "../../sim/process.js";
import type { MigrationContext } from "../types.js";

/** Told of a fault request: when it reached home, and how many pushed pages the process
 * had used when it was sent. */
export type Heard = (atHome: number, usedPushes: number) => void;

/** requests taken before the log drops them (when they are half of it) */
const COMPACT_AT = 1024;

/** Fault requests on their way to the home node, oldest first (one reader: the push). */
export class FaultsToHome {
  private readonly atHome: number[] = [];
  private readonly pages: number[] = [];
  private readonly usedPushes: number[] = [];
  private head = 0;

  add(atHome: number, page: number, usedPushes: number): void {
    this.atHome.push(atHome);
    this.pages.push(page);
    this.usedPushes.push(usedPushes);
  }

  /** The page of the newest fault whose request has reached home by `now` and was not
   * taken before, or -1; the older ones it passes over are taken with it. With `counts`,
   * only faults on pages it accepts are candidates (all of them are taken); `heard` is
   * told of each one taken, oldest first. */
  take(now: number, counts?: (page: number) => boolean, heard?: Heard): number {
    let page = -1;
    while (this.head < this.atHome.length && this.atHome[this.head] <= now) {
      heard?.(this.atHome[this.head], this.usedPushes[this.head]);
      const p = this.pages[this.head++];
      if (counts === undefined || counts(p)) page = p;
    }
    // drop what was taken: at once when nothing is left, else once it is half the log (a
    // process that always has a request on its way never empties it)
    if (this.head === this.atHome.length) this.atHome.length = this.pages.length = this.usedPushes.length = this.head = 0;
    else if (this.head >= COMPACT_AT && 2 * this.head >= this.atHome.length) {
      for (const log of [this.atHome, this.pages, this.usedPushes]) log.splice(0, this.head);
      this.head = 0;
    }
    return page;
  }
}

export class FaultWatch {
  private readonly log = new FaultsToHome();
  /** `heard`: told of each fault the watch reads, oldest first */
  constructor(proc: ProcessRun, private readonly heard?: Heard) {
    proc.faultsToHome = this.log;
  }
  /** The page of the newest fault the home node has heard of since the last call, or -1;
   * with `counts`, the newest on a page it accepts. */
  newFault(now: number, counts?: (page: number) => boolean): number {
    return this.log.take(now, counts, this.heard);
  }
}

/** The page the process touched last before migrating (where it is working). */
export function lastUsedPage(ctx: MigrationContext): number {
  const v = ctx.proc.views;
  return v.counters[C_MRU_LEN] > 0 ? v.mru[0] : 0;
}
