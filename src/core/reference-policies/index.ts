// Policy registration for the reference core: one entry per policy id (the ids are
// those of src/policies/registry.ts).
import type { PolicyServices } from "../reference-core.js";
import { AmpomPolicy } from "./ampom.js";
import { LinuxClusterPolicy } from "./linux-cluster.js";
import { LinuxVmaPolicy } from "./linux-vma.js";
import { LeapPolicy } from "./leap.js";
import { AmpomPlusPolicy } from "./ampom-plus.js";

/** The reference twin of assembly/policies/index.ts. */
export interface ReferencePolicy {
  reset(): void;
  /** A remote fault on `page`; the faulting page is already request 0. */
  onFault(page: number, now: number): void;
  /** First use of a page that arrived by prefetch; `trigger` if it opened a batch. */
  onUse(page: number, now: number, trigger: boolean): void;
  /** A fault was served in `ns` (request sent to faulting page arrived), told when the
   * page arrives. */
  onServed(ns: number): void;
  /** `page` arrived at `t` (told when the process's clock reaches it). */
  onArrival(page: number, t: number): void;
}

class NoPolicy implements ReferencePolicy {
  reset(): void {}
  onFault(): void {}
  onUse(): void {}
  onServed(): void {}
  onArrival(): void {}
}

const makers: Record<number, (core: PolicyServices) => ReferencePolicy> = {
  1: (core) => new AmpomPolicy(core),
  2: (core) => new LinuxClusterPolicy(core),
  3: (core) => new LinuxVmaPolicy(core),
  4: (core) => new LeapPolicy(core),
  5: (core) => new AmpomPlusPolicy(core),
};

export function createReferencePolicy(id: number, core: PolicyServices): ReferencePolicy {
  const make = makers[id];
  return make ? make(core) : new NoPolicy();
}
