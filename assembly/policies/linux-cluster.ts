// Linux swap readahead with the page-cluster window (mm/swap_state.c, DESIGN 3b): one
// global count of readahead hits since the last decision sizes the window, and the
// aligned block of that size around the faulting page is read. Swap offsets are our
// page ids: the home node keeps the process's pages in page order.
import { C_POLICY_WINDOW, P_PAGES } from "../layout";
import { policyParam, param, request, setCounter } from "../pagetable";

/** The kernel's window function: hits + 2 pages; with no hits 1 page, or 2 when the
 * fault is next to the previous one; otherwise rounded up to a power of two, at least
 * 4; at most `maxPages`; never below half the previous window. */
export function linuxReadaheadWindow(prev: f64, offset: f64, hits: i32, maxPages: i32, prevWin: i32): i32 {
  let pages = hits + 2;
  if (pages == 2) {
    if (offset != prev + 1 && offset != prev - 1) pages = 1;
  } else {
    let up = 4;
    while (up < pages) up <<= 1;
    pages = up;
  }
  if (pages > maxPages) pages = maxPages;
  const last = prevWin / 2;
  if (pages < last) pages = last;
  return pages;
}

let maxPages: i32 = 8;
let hits: i32 = 4; // the kernel starts its hit count at 4
let prevOffset: f64 = 0;
let lastWindow: i32 = 0;

export function linuxClusterReset(): void {
  const cluster = <i32>policyParam(0);
  maxPages = cluster <= 0 ? 1 : cluster >= 30 ? 1 << 30 : 1 << cluster;
  hits = 4;
  prevOffset = 0;
  lastWindow = 0;
}

export function linuxClusterOnFault(page: u32, now: f64): void {
  if (maxPages <= 1) return;
  const h = hits;
  hits = 0;
  const pages = linuxReadaheadWindow(prevOffset, <f64>page, h, maxPages, lastWindow);
  if (h == 0) prevOffset = <f64>page;
  lastWindow = pages;
  setCounter(C_POLICY_WINDOW, <f64>pages);
  if (pages <= 1) return;
  const mask = <u32>(pages - 1);
  const start = page & ~mask;
  let end = (page | mask) + 1;
  const count = <u32>param(P_PAGES);
  if (end > count) end = count;
  for (let q = start; q < end; q++) {
    if (q != page) request(q, 0);
  }
}

/** A readahead hit: the first use of a page the window brought in. */
export function linuxClusterOnUse(page: u32, now: f64, trigger: bool): void {
  hits++;
}
