// Linux swap readahead with the page-cluster window: the reference twin of
// assembly/policies/linux-cluster.ts.
import { C_POLICY_WINDOW } from "../abi.js";
import type { PolicyServices } from "../reference-core.js";
import type { ReferencePolicy } from "./index.js";

/** The kernel's window function: hits + 2 pages; with no hits 1 page, or 2 when the
 * fault is next to the previous one; otherwise rounded up to a power of two, at least
 * 4; at most `maxPages`; never below half the previous window. */
export function linuxReadaheadWindow(prev: number, offset: number, hits: number, maxPages: number, prevWin: number): number {
  let pages = hits + 2;
  if (pages === 2) {
    if (offset !== prev + 1 && offset !== prev - 1) pages = 1;
  } else {
    let up = 4;
    while (up < pages) up *= 2;
    pages = up;
  }
  pages = Math.min(pages, maxPages);
  return Math.max(pages, Math.trunc(prevWin / 2));
}

export class LinuxClusterPolicy implements ReferencePolicy {
  private maxPages = 8;
  private hits = 4; // the kernel starts its hit count at 4
  private prevOffset = 0;
  private lastWindow = 0;

  constructor(private readonly core: PolicyServices) {}

  reset(): void {
    const cluster = Math.trunc(this.core.policyParam(0));
    this.maxPages = cluster <= 0 ? 1 : 2 ** Math.min(cluster, 30);
    this.hits = 4;
    this.prevOffset = 0;
    this.lastWindow = 0;
  }

  onFault(page: number): void {
    if (this.maxPages <= 1) return;
    const hits = this.hits;
    this.hits = 0;
    const pages = linuxReadaheadWindow(this.prevOffset, page, hits, this.maxPages, this.lastWindow);
    if (hits === 0) this.prevOffset = page;
    this.lastWindow = pages;
    this.core.setCounter(C_POLICY_WINDOW, pages);
    if (pages <= 1) return;
    // the aligned block of `pages` pages holding the fault
    const start = page - (page % pages);
    const end = Math.min(start + pages, this.core.pageCount());
    for (let q = start; q < end; q++) if (q !== page) this.core.request(q, 0);
  }

  onUse(): void {
    this.hits++;
  }

  onServed(): void {}
  onArrival(): void {}
}
