// Push orders follow the process's remote faults: the core counts them and keeps the
// last faulting page, so an order notices a new fault at its next step without any
// hook into the core.
import { C_FAULT_PAGE, C_MRU_LEN, C_REMOTE_FAULTS } from "../../core/abi.js";
import type { MigrationContext } from "../types.js";

export class FaultWatch {
  private seen: number;
  constructor(private readonly counters: Float64Array) {
    this.seen = counters[C_REMOTE_FAULTS];
  }
  /** The page of the newest fault since the last call, or -1. */
  newFault(): number {
    const n = this.counters[C_REMOTE_FAULTS];
    if (n === this.seen) return -1;
    this.seen = n;
    return this.counters[C_FAULT_PAGE];
  }
}

/** The page the process touched last before migrating (where it is working). */
export function lastUsedPage(ctx: MigrationContext): number {
  const v = ctx.proc.views;
  return v.counters[C_MRU_LEN] > 0 ? v.mru[0] : 0;
}
