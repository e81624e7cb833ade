// Linux VMA-based swap readahead: the reference twin of assembly/policies/linux-vma.ts.
import { C_POLICY_WINDOW, REGION_CAP } from "../abi.js";
import type { PolicyServices } from "../reference-core.js";
import type { ReferencePolicy } from "./index.js";
import { linuxReadaheadWindow } from "./linux-cluster.js";

const HITS_MAX = 63; // the kernel keeps hits in 6 bits
const ORDER_CEILING = 5; // the kernel's cap on the VMA window order (64-bit)

export class LinuxVmaPolicy implements ReferencePolicy {
  private maxWindow = 8;
  private blockPages = 512;
  /** per region: the last fault or hit page (-2: none yet), the last window, hits */
  private readonly last = new Int32Array(REGION_CAP);
  private readonly window = new Int32Array(REGION_CAP);
  private readonly hits = new Int32Array(REGION_CAP);

  constructor(private readonly core: PolicyServices) {}

  reset(): void {
    const order = Math.min(Math.trunc(this.core.policyParam(0)), ORDER_CEILING);
    this.maxWindow = order <= 0 ? 1 : 2 ** order;
    this.blockPages = Math.max(1, Math.trunc(this.core.policyParam(1)));
    this.last.fill(-2);
    this.window.fill(0);
    // a fresh VMA reads as 4 hits (the kernel's GET_SWAP_RA_VAL on a 0 word); once a
    // fault stores its window, 0 hits stay 0
    this.hits.fill(4);
  }

  onFault(page: number): void {
    if (this.maxWindow <= 1) return;
    const c = this.core;
    const r = c.regionOf(page);
    if (r < 0) return;
    const prev = this.last[r];
    const win = linuxReadaheadWindow(prev, page, this.hits[r], this.maxWindow, this.window[r]);
    this.last[r] = page;
    this.window[r] = win;
    this.hits[r] = 0;
    c.setCounter(C_POLICY_WINDOW, win);
    if (win === 1) return;
    let left: number;
    let right: number;
    if (page === prev + 1) {
      // ascending: forward from the fault
      left = page;
      right = page + win;
    } else if (prev === page + 1) {
      // descending: backward from the fault
      left = page - win + 1;
      right = page + 1;
    } else {
      const half = Math.trunc((win - 1) / 2);
      left = page - half;
      right = page + win - half;
    }
    const rs = c.regionStart(r);
    const block = rs + Math.trunc((page - rs) / this.blockPages) * this.blockPages;
    const start = Math.max(left, rs, block);
    const end = Math.min(right, c.regionEnd(r), block + this.blockPages);
    for (let q = start; q < end; q++) if (q !== page) c.request(q, 0);
  }

  /** A readahead hit in the region: count it and remember its address, as the kernel does. */
  onUse(page: number): void {
    const r = this.core.regionOf(page);
    if (r < 0) return;
    this.last[r] = page;
    this.hits[r] = Math.min(this.hits[r] + 1, HITS_MAX);
  }

  onServed(): void {}
  onArrival(): void {}
}
