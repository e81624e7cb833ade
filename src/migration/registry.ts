// Migration mechanism registry: a new mechanism is one file plus one line here.
import { fullCopy } from "./full-copy.js";
import { lightweight } from "./lightweight.js";
import { postCopy } from "./post-copy.js";
import { preCopy } from "./pre-copy.js";
import { isPushOrder, pushOrders, type PushOrderName } from "./push-orders/index.js";
import type { Mechanism } from "./types.js";

export const mechanisms: Record<string, Mechanism> = {
  "full-copy": fullCopy,
  lightweight,
  "pre-copy": preCopy,
  "post-copy": postCopy,
};

export function mechanismNames(): string[] {
  return Object.keys(mechanisms);
}

/** The mechanism's parameters: defaults, overridden by name. */
export function mechanismParams(m: Mechanism, overrides: Record<string, number> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of m.params) out[p.name] = p.default;
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in out)) {
      const known = m.params.map((p) => p.name).join(", ") || "none";
      throw new Error(`mechanism ${m.name} has no parameter "${key}" (it has: ${known})`);
    }
    if (!Number.isFinite(value) || value < 0) throw new Error(`mechanism ${m.name} parameter ${key}: must be a non-negative number, got ${value}`);
    out[key] = value;
  }
  if ("burstPages" in out && !(out.burstPages >= 1 && Number.isInteger(out.burstPages))) {
    throw new Error(`mechanism ${m.name} parameter burstPages: must be a whole number of pages >= 1, got ${out.burstPages}`);
  }
  return out;
}

/**
 * Which background push order, if any, a mechanism runs with a policy: a push policy
 * (one with a host-side `push`, e.g. bubbling, oracle) pushes after a lightweight
 * freeze, so it goes with the mechanisms that page remotely — with lightweight it adds
 * the push, with post-copy it sets post-copy's order. `pushOrder` (--push-order) sets
 * post-copy's order directly. Anything else is refused with the reason.
 */
export function pushFor(mechanism: string, policy: { name: string; push?: PushOrderName }, pushOrder?: string): PushOrderName | undefined {
  const m = mechanisms[mechanism];
  if (pushOrder !== undefined) {
    if (!isPushOrder(pushOrder)) {
      throw new Error(`unknown push order "${pushOrder}" (known: ${Object.keys(pushOrders).join(", ")})`);
    }
    if (mechanism !== "post-copy") {
      throw new Error(`push order "${pushOrder}" applies to mechanism post-copy only, not ${mechanism}`);
    }
    if (policy.push !== undefined && policy.push !== pushOrder) {
      throw new Error(`policy ${policy.name} pushes in its own order (${policy.push}); it cannot be combined with push order "${pushOrder}"`);
    }
  }
  if (policy.push !== undefined && !m.remotePaging) {
    throw new Error(
      `policy ${policy.name} pushes pages after a lightweight freeze, but mechanism ${mechanism} moves every page before the process resumes; use it with lightweight or post-copy`,
    );
  }
  return policy.push ?? (pushOrder as PushOrderName | undefined);
}
