// A prefetch policy written as a module: Linux swap readahead with the page-cluster
// window, the same logic as the built-in `linux-cluster` policy (whose ported form is
// assembly/policies/linux-cluster.ts and src/core/reference-policies/linux-cluster.ts).
//
//   npx ampom run --workload stream --policy ./examples/swap-readahead-policy.ts
//   npx ampom run --workload stream --policy ./examples/swap-readahead-policy.ts --param pageCluster=4
//
// On each remote fault it asks for the aligned block of pages around the faulting one.
// The block's size comes from how many pages of earlier blocks were used (readahead
// hits): hits + 2 pages, rounded up to a power of two, at most 2^pageCluster, and never
// below half the previous block.
import type { PolicyContext } from "ampom";

export const name = "swap-readahead";
export const description = "Linux swap readahead (page-cluster), written as a policy module";
export const params = {
  pageCluster: { default: 3, min: 0, max: 24, integer: true, description: "the block is at most 2^pageCluster pages" },
};

interface State {
  /** used prefetched pages since the last fault; the kernel starts at 4 */
  hits: number;
  /** the fault that last opened a window with no hits */
  prevOffset: number;
  lastWindow: number;
}

export function reset(ctx: PolicyContext): void {
  ctx.state = { hits: 4, prevOffset: 0, lastWindow: 0 } satisfies State;
}

export function onFault(ctx: PolicyContext, page: number): void {
  const s: State = ctx.state;
  const cluster = Math.trunc(ctx.params.pageCluster);
  const maxPages = cluster <= 0 ? 1 : 2 ** Math.min(cluster, 30);
  if (maxPages <= 1) return;
  const hits = s.hits;
  s.hits = 0;
  let pages = hits + 2;
  if (pages === 2) {
    // no hits: two pages if this fault is next to the last one, else just the fault
    if (page !== s.prevOffset + 1 && page !== s.prevOffset - 1) pages = 1;
  } else {
    let up = 4;
    while (up < pages) up *= 2;
    pages = up;
  }
  pages = Math.max(Math.min(pages, maxPages), Math.trunc(s.lastWindow / 2));
  if (hits === 0) s.prevOffset = page;
  s.lastWindow = pages;
  if (pages <= 1) return;
  const start = page - (page % pages);
  const end = Math.min(start + pages, ctx.pageCount);
  for (let q = start; q < end; q++) if (q !== page) ctx.request(q);
}

export function onUse(ctx: PolicyContext): void {
  (ctx.state as State).hits++;
}

export function onArrival(): void {}

export function onServed(): void {}
