// A run's identity: a hash of its fully resolved options, so that "64MiB" and 67108864
// are the same run, and a finished run is recognised whatever file or shard it is in.
// A policy module or a trace named by its path is part of the run through its file's
// contents.
import { createHash } from "node:crypto";
import { mechanisms } from "../migration/registry.js";
import { policies } from "../policies/registry.js";
import type { Scenario } from "../sim/options.js";
import { inputDigests, runInputs } from "../sim/inputs.js";
import { OnceDigests, type DigestSource } from "../util/digest.js";
import { nonDefaultParams } from "../util/params.js";

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
 * is another run; a run without either keeps the key it always had). `digests` says
 * how often a file is read: once per path for one plan's runs (the default). */
export function runKey(scenario: Scenario, digests: DigestSource = new OnceDigests()): string {
  const { policyModuleSha256, traceSha256 } = inputDigests(scenario, digests);
  // a built-in policy's and the mechanism's parameters at their defaults are left out
  // (a module's defaults are known only once it is loaded: given, they make another key)
  const builtin = Object.hasOwn(policies, scenario.policy) ? policies[scenario.policy] : undefined;
  const model = {
    ...scenario,
    // the parts of a fault on the process's CPU clock came later: at 0 they are left out,
    // so a run without them keeps its key
    network: {
      ...scenario.network,
      description: undefined,
      faultTrapCpuNs: scenario.network.faultTrapCpuNs || undefined,
      firstUseCpuNs: scenario.network.firstUseCpuNs || undefined,
    },
    policyParams: builtin ? nonDefaultParams(builtin.params, scenario.policyParams) : scenario.policyParams,
    mechanismParams: nonDefaultParams(mechanisms[scenario.mechanism].params, scenario.mechanismParams),
    policyModuleSha256,
    traceSha256,
  };
  return createHash("sha256").update(canonicalJson(model)).digest("hex").slice(0, 16);
}

/** The files a scenario's results depend on beyond its options: its policy module and
 * its trace, as named. */
export function scenarioFiles(scenario: Scenario): string[] {
  return runInputs(scenario).map(([, file]) => file);
}
