// A run's identity: a hash of its fully resolved options, so that "64MiB" and 67108864
// are the same run, and a finished run is recognised whatever file or shard it is in.
import { createHash } from "node:crypto";
import type { Scenario } from "../sim/options.js";

/** JSON with object keys sorted at every level (undefined members dropped). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** 16 hex digits of SHA-256 over the canonical resolved scenario (a preset's prose
 * description left out: rewording it changes no result). */
export function runKey(scenario: Scenario): string {
  const model = { ...scenario, network: { ...scenario.network, description: undefined } };
  return createHash("sha256").update(canonicalJson(model)).digest("hex").slice(0, 16);
}
