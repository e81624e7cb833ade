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

/** Grid indices fit in the low 20 bits of a lookup entry (MAX_RUNS is below 2^20). */
const INDEX_BITS = 20n;
const INDEX_MASK = (1n << INDEX_BITS) - 1n;

/** The keys of a plan's runs, 8 bytes each, and a sorted table (8 bytes more) that finds
 * a run by its key: a sweep of a million runs keeps 16 MB for them rather than a
 * string and a map entry each. */
export class RunKeys {
  private readonly keys: BigUint64Array;
  /** each run's key with its low 20 bits replaced by its index, sorted: a key's runs are
   * found by its high 44 bits, then told apart by the whole key */
  private table: BigUint64Array | undefined;

  constructor(readonly size: number) {
    if (size > Number(INDEX_MASK) + 1) throw new Error(`internal: ${size} runs is more than a key table indexes`);
    this.keys = new BigUint64Array(size);
  }

  set(index: number, key: string): void {
    this.keys[index] = BigInt(`0x${key}`);
  }

  /** run `index`'s key, as runKey spells it */
  key(index: number): string {
    return this.keys[index].toString(16).padStart(16, "0");
  }

  /** The index of the run whose key is `key`, or undefined. */
  indexOf(key: string): number | undefined {
    if (!/^[0-9a-f]{16}$/.test(key)) return undefined;
    const k = BigInt(`0x${key}`);
    const table = (this.table ??= this.sorted());
    const high = k >> INDEX_BITS;
    let [lo, hi] = [0, table.length];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (table[mid] >> INDEX_BITS < high) lo = mid + 1;
      else hi = mid;
    }
    for (let j = lo; j < table.length && table[j] >> INDEX_BITS === high; j++) {
      const index = Number(table[j] & INDEX_MASK);
      if (this.keys[index] === k) return index;
    }
    return undefined;
  }

  private sorted(): BigUint64Array {
    const table = new BigUint64Array(this.size);
    for (let i = 0; i < this.size; i++) table[i] = ((this.keys[i] >> INDEX_BITS) << INDEX_BITS) | BigInt(i);
    return table.sort();
  }

  /** The first run (in grid order, before `end`) whose key an earlier run has: [that
   * earlier run, it], or undefined when the keys up to `end` are all different. */
  firstRepeat(end = this.size): [number, number] | undefined {
    const sorted = this.keys.slice(0, end).sort();
    const repeated = new Set<bigint>();
    for (let j = 1; j < sorted.length; j++) if (sorted[j] === sorted[j - 1]) repeated.add(sorted[j]);
    if (repeated.size === 0) return undefined;
    const first = new Map<bigint, number>();
    for (let i = 0; i < end; i++) {
      const k = this.keys[i];
      if (!repeated.has(k)) continue;
      const twin = first.get(k);
      if (twin !== undefined) return [twin, i];
      first.set(k, i);
    }
    return undefined;
  }
}
