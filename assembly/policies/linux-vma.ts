// Linux VMA-based swap readahead (mm/swap_state.c, DESIGN 3b): the page-cluster window
// function, kept per region (the kernel keeps it per VMA): the last fault or hit
// address, the last window and the hits since the last fault. The window runs forward
// when the fault follows the last address, backward when it precedes it, else centred,
// clamped to the region and to the aligned 2 MiB block of the fault (blocks aligned from
// the region's start, as large mappings are).
import { scratch } from "../arena";
import { C_POLICY_WINDOW, REGION_CAP } from "../layout";
import { policyParam, request, regionOf, regionStart, regionEnd, setCounter } from "../pagetable";
import { linuxReadaheadWindow } from "./linux-cluster";

// per region, in scratch: last address (i32, -2 = none), last window, hits. A fresh
// region reads as the kernel reads a VMA whose swap_readahead_info is still 0: no
// address (the kernel's is 0, never next to a real fault), window 0 and 4 hits, so its
// first fault reads 4 + 2 = 6 pages, rounded up to 8. A fault then stores its window
// beside 0 hits, a nonzero word, so later faults without hits read 0, not 4.
const SLOT: usize = 12;
const HITS_MAX: i32 = 63; // the kernel keeps hits in 6 bits
const ORDER_CEILING: i32 = 5; // the kernel's cap on the VMA window order (64-bit)

let maxWindow: i32 = 8;
let blockPages: i64 = 512;

export function linuxVmaReset(): void {
  let order = <i32>policyParam(0);
  if (order > ORDER_CEILING) order = ORDER_CEILING;
  maxWindow = order <= 0 ? 1 : 1 << order;
  blockPages = <i64>policyParam(1);
  if (blockPages < 1) blockPages = 1;
  for (let r = 0; r < REGION_CAP; r++) {
    const at = scratch + <usize>r * SLOT;
    store<i32>(at, -2);
    store<i32>(at, 0, 4);
    store<i32>(at, 4, 8);
  }
}

export function linuxVmaOnFault(page: u32, now: f64): void {
  if (maxWindow <= 1) return;
  const r = regionOf(page);
  if (r < 0) return;
  const at = scratch + <usize>r * SLOT;
  const prev = load<i32>(at);
  const win = linuxReadaheadWindow(<f64>prev, <f64>page, load<i32>(at, 8), maxWindow, load<i32>(at, 4));
  store<i32>(at, <i32>page);
  store<i32>(at, win, 4);
  store<i32>(at, 0, 8);
  setCounter(C_POLICY_WINDOW, <f64>win);
  if (win == 1) return;
  const f = <i64>page;
  let left: i64;
  let right: i64;
  if (f == <i64>prev + 1) {
    left = f;
    right = f + <i64>win;
  } else if (<i64>prev == f + 1) {
    left = f - <i64>win + 1;
    right = f + 1;
  } else {
    const half = <i64>((win - 1) / 2);
    left = f - half;
    right = f + <i64>win - half;
  }
  const rs = <i64>regionStart(r);
  const block = rs + ((f - rs) / blockPages) * blockPages;
  let start = left > rs ? left : rs;
  if (block > start) start = block;
  let end = right < <i64>regionEnd(r) ? right : <i64>regionEnd(r);
  if (block + blockPages < end) end = block + blockPages;
  for (let q = start; q < end; q++) {
    if (q != f) request(<u32>q, 0);
  }
}

/** A readahead hit in the region: count it and remember its address, as the kernel does. */
export function linuxVmaOnUse(page: u32, now: f64, trigger: bool): void {
  const r = regionOf(page);
  if (r < 0) return;
  const at = scratch + <usize>r * SLOT;
  const h = load<i32>(at, 8) + 1;
  store<i32>(at, <i32>page);
  store<i32>(at, h > HITS_MAX ? HITS_MAX : h, 8);
}
