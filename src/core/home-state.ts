// What a process's replay at home leaves in its core (runHome in both cores): the clock
// and the record and access counts, page states (present, dirty), the accessed-bit scans
// (table, current window, pages touched) and the list of most recently used pages.
// Nothing else changes before the migration decision, whatever the policy or mechanism:
// policies and the network act only from the decision on. So scenarios that differ
// only in those replay the same home phase, and one of them can hand its result to the
// others (the home-phase fork in runScenarios, src/sim/simulate.ts) instead of each
// replaying it. Tests run every policy and mechanism with the fork on and off and
// compare the metrics byte for byte.
import { C_ACCESSES, C_MRU_LEN, C_NOW, C_PENDING, C_RECORDS, C_RESIDENT, C_SCAN_END, C_SCAN_EPOCH } from "./abi.js";
import type { CoreViews } from "./types.js";

const HOME_COUNTERS = [C_NOW, C_RECORDS, C_ACCESSES, C_MRU_LEN, C_SCAN_EPOCH, C_SCAN_END, C_RESIDENT, C_PENDING];

/** Copies the home phase of `from` into `to`, two cores laid out for `pages` pages that
 * were reset with the same process and have replayed nothing else since. */
export function copyHomeState(from: CoreViews, to: CoreViews, pages: number): void {
  for (const slot of HOME_COUNTERS) to.counters[slot] = from.counters[slot];
  to.states.set(from.states.subarray(0, pages));
  to.scanEpochs.set(from.scanEpochs.subarray(0, pages));
  to.scanMasks.set(from.scanMasks.subarray(0, pages));
  to.mru.set(from.mru.subarray(0, from.counters[C_MRU_LEN]));
}
