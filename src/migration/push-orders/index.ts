// Background push orders: after the freeze, which page still at home goes next. One
// file per order plus one line here. Every order hands out only pages still at home
// (the state table is the truth), so no page is sent twice; a fault always moves its
// own page first through the pager, and the push, which takes the link one burst at a
// time, lets it in between. An order learns of a fault when its request reaches the
// home node (faults.ts).
import type { MigrationContext } from "../types.js";
import { ascending } from "./ascending.js";
import { bubbling } from "./bubbling.js";
import { forward } from "./forward.js";
import { oracle } from "./oracle.js";
import { adaptive } from "./adaptive.js";
import { setOracle } from "./set-oracle.js";

export interface PushOrder {
  /** Writes the next pages to push (at most `max`, each at home now) into `out`;
   * returns how many; 0 when nothing is left to push. `now`: the home node's time. */
  next(out: Uint32Array, max: number, now: number): number;
  /** When the push may send next, asked before next() at each turn: a time after `now`
   * holds it until then (it is asked again at that time). Not given: at once. */
  holdUntil?(now: number): number;
}

export interface PushOrderInfo {
  name: string;
  description: string;
  /** `everything`: push every page still at home (post-copy); otherwise the order goes
   * its partial way (below). */
  create(ctx: MigrationContext, everything: boolean): PushOrder;
  /** As a push policy's order after a lightweight freeze it goes its own way rather than
   * post-copy's: the oracle sends only the pages that will be used; adaptive sends the
   * pages the scans saw used before all the others; the set oracle, adaptive's way over
   * the pages that will be used. Post-copy always sends every page. */
  partial?: boolean;
  /** Its partial way holds back the pages no kept scan saw (last touched before the
   * scans' reach) until the rest have gone or most faults fall among them (adaptive,
   * the set oracle). The destination's policy is told (pushSendsOldLast): the
   * mechanism and its push are known to both nodes. */
  oldLast?: boolean;
  /** Reads the workload ahead (the oracle, the set oracle): a bound, not a contender. Its
   * process is set up with a lookahead (src/sim/lookahead.ts). */
  readsAhead?: boolean;
  /** The destination knows which of its pages are on their way (the oracle), so a touch
   * of one waits for its landing with no fault. Any other push's page is, to the
   * destination, at home until it lands: a touch of it is a remote fault. */
  announced?: boolean;
}

export const pushOrders = {
  bubbling,
  ascending,
  forward,
  adaptive,
  oracle,
  "set-oracle": setOracle,
} satisfies Record<string, PushOrderInfo>;

export type PushOrderName = keyof typeof pushOrders;

/** Whether the order reads the workload ahead (PushOrderInfo.readsAhead). */
export function readsAhead(name: PushOrderName): boolean {
  return (pushOrders[name] as PushOrderInfo).readsAhead === true;
}

export function isPushOrder(name: string): name is PushOrderName {
  return Object.prototype.hasOwnProperty.call(pushOrders, name);
}
