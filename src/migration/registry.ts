// Migration mechanism registry: a new mechanism is one file plus one line here.
import { fullCopy } from "./full-copy.js";
import { lightweight } from "./lightweight.js";
import { postCopy } from "./post-copy.js";
import { preCopy } from "./pre-copy.js";
import { isPushOrder, pushOrders, type PushOrderName } from "./push-orders/index.js";
import type { Mechanism } from "./types.js";
import { resolveParams } from "../util/params.js";

export const mechanisms: Record<string, Mechanism> = {
  "full-copy": fullCopy,
  lightweight,
  "pre-copy": preCopy,
  "post-copy": postCopy,
};

export function mechanismNames(): string[] {
  return Object.keys(mechanisms);
}

/** The mechanism's parameters: defaults, overridden by name (unknown names and values
 * out of range refused). */
export function mechanismParams(m: Mechanism, overrides: Record<string, number> = {}): Record<string, number> {
  return resolveParams(`mechanism ${m.name}`, m.params, overrides);
}

/** The mechanisms that page remotely after the freeze: the only ones a prefetch or push
 * policy can act in. */
export function remotePagingMechanisms(): string[] {
  return Object.values(mechanisms).filter((m) => m.remotePaging).map((m) => m.name);
}

/** The policy a mechanism runs when none is named: ampom where pages are fetched after
 * migration, none where every page moves before the process resumes. */
export function defaultPolicyFor(mechanism: string): string {
  return mechanisms[mechanism]?.remotePaging === false ? "none" : "ampom";
}

/** What the pairing rule needs of a policy: its name, its push order if it pushes, and
 * whether it is a user's module (a pull policy, run on faults after migration). */
export interface PairingPolicy {
  name: string;
  push?: PushOrderName;
  module?: boolean;
}

/**
 * The one rule for mechanism x policy x push order, used by run, compare, sweep, cluster
 * and evaluate alike (all go through resolveOptions), and what runs: the background push
 * order, if any.
 * - A mechanism that moves every page before the process resumes (full-copy, pre-copy)
 *   takes only policy none: no page is fetched after its migration, so a prefetch
 *   policy would never run, and a push policy would have nothing to push.
 * - A push policy (bubbling, oracle) pushes after a lightweight freeze: with lightweight
 *   it adds the push, with post-copy it sets post-copy's order.
 * - A pull policy (ampom, the peers, a user's module) runs on remote faults: with
 *   lightweight and with post-copy (beside post-copy's push).
 * - A push order (--push-order) is post-copy's, and must not contradict the policy's.
 * Anything else is refused with the reason.
 */
export function pushFor(mechanism: string, policy: PairingPolicy, pushOrder?: string): PushOrderName | undefined {
  const m = mechanisms[mechanism];
  if (pushOrder !== undefined) {
    if (!isPushOrder(pushOrder)) {
      throw new Error(`option pushOrder (--push-order): unknown push order "${pushOrder}" (known: ${Object.keys(pushOrders).join(", ")})`);
    }
    if (mechanism !== "post-copy") {
      throw new Error(`push order "${pushOrder}" applies to mechanism post-copy only, not ${mechanism}`);
    }
    if (policy.push !== undefined && policy.push !== pushOrder) {
      throw new Error(`policy ${policy.name} pushes in its own order (${policy.push}); it cannot be combined with push order "${pushOrder}"`);
    }
  }
  if (!m.remotePaging && policy.name !== "none") {
    const outcome = policy.push !== undefined ? "would have nothing to push" : "would never run";
    const which = policy.module ? `policy module ${policy.name}` : `policy ${policy.name}`;
    throw new Error(
      `mechanism ${mechanism} takes policy none only: it moves every page before the process resumes, so no page is ` +
        `fetched after migration and ${which} ${outcome}; use ${which} with ${remotePagingMechanisms().join(" or ")}`,
    );
  }
  return policy.push ?? (pushOrder as PushOrderName | undefined);
}
