// The files a run reads beyond its options: its trace and its policy module, each when
// it names one. They are what an events file must not replace, and their contents'
// digests are part of what identifies a run's results (its sweep key, its provenance).
import { policyModuleDigest, policyModuleFile } from "../policies/module.js";
import { fileSha256, OnceDigests, type DigestSource } from "../util/digest.js";
import type { InputDigests } from "../util/provenance.js";
import type { CommandInput } from "../util/same-file.js";
import { traceFile } from "./options.js";

type NamesFiles = { workload: string; policy: string; policyModule?: unknown };

/** The files a run reads, each with what it is to the run. */
export function runInputs(s: NamesFiles): CommandInput[] {
  const inputs: CommandInput[] = [];
  const trace = traceFile(s);
  if (trace !== undefined) inputs.push(["the workload's trace", trace]);
  const module = policyModuleFile(s);
  if (module !== undefined) inputs.push(["the policy module", module]);
  return inputs;
}

/** The SHA-256 of those files' contents. `digests` says how often a file is read: once
 * per path for one plan's runs (the default). */
export function inputDigests(s: NamesFiles, digests: DigestSource = new OnceDigests()): InputDigests {
  const module = policyModuleFile(s);
  const trace = traceFile(s);
  return {
    ...(module === undefined ? {} : { policyModuleSha256: digests.digest(module, policyModuleDigest) }),
    ...(trace === undefined ? {} : { traceSha256: digests.digest(trace, fileSha256) }),
  };
}
