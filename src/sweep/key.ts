// A run's identity: a hash of its fully resolved options, so that "64MiB" and 67108864
// are the same run, and a finished run is recognised whatever file or shard it is in.
// A policy module or a trace named by its path is part of the run through its file's
// contents.
import { createHash } from "node:crypto";
import { policyModuleDigest, policyModuleFile } from "../policies/module.js";
import { traceFile, type Scenario } from "../sim/options.js";
import { fileSha256 } from "../util/digest.js";

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
 * description left out: rewording it changes no result) and, for a policy module file
 * and a trace file, their contents' digests (an edited module or a trace captured again
 * is another run; a run without either keeps the key it always had). `digests` caches
 * the digests by path, for one plan's runs. */
export function runKey(scenario: Scenario, digests = new Map<string, string>()): string {
  const digest = (file: string | undefined, of: (path: string) => string): string | undefined => {
    if (file === undefined) return undefined;
    const d = digests.get(file) ?? of(file);
    digests.set(file, d);
    return d;
  };
  const policyModuleSha256 = digest(policyModuleFile(scenario), policyModuleDigest);
  const traceSha256 = digest(traceFile(scenario), fileSha256);
  const model = { ...scenario, network: { ...scenario.network, description: undefined }, policyModuleSha256, traceSha256 };
  return createHash("sha256").update(canonicalJson(model)).digest("hex").slice(0, 16);
}
