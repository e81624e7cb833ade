// Policy registration for the WebAssembly core: one case per policy id (the ids are
// those of src/policies/registry.ts). A policy asks for pages with request(). A policy
// written as a user's module runs in the host (POLICY_EXTERNAL): the run loop stops at
// each of its hooks instead of calling one here.
import { P_POLICY, POLICY_EXTERNAL } from "../layout";
import { param } from "../pagetable";
import { ampomReset, ampomOnFault, ampomOnUse, ampomOnServed } from "./ampom";
import { linuxClusterReset, linuxClusterOnFault, linuxClusterOnUse } from "./linux-cluster";
import { linuxVmaReset, linuxVmaOnFault, linuxVmaOnUse } from "./linux-vma";
import { leapReset, leapOnFault, leapOnUse } from "./leap";
import { ampomPlusReset, ampomPlusOnFault, ampomPlusOnUse, ampomPlusOnServed, ampomPlusOnArrival } from "./ampom-plus";

let policy: i32 = 0;

// @ts-ignore: decorator
@inline export function policyIsExternal(): bool {
  return policy == POLICY_EXTERNAL;
}

export function policyReset(): void {
  policy = <i32>param(P_POLICY);
  switch (policy) {
    case 1: ampomReset(); break;
    case 2: linuxClusterReset(); break;
    case 3: linuxVmaReset(); break;
    case 4: leapReset(); break;
    case 5: ampomPlusReset(); break;
    default: break;
  }
}

/** A remote fault on `page`; the faulting page is already request 0. */
export function policyOnFault(page: u32, now: f64): void {
  switch (policy) {
    case 1: ampomOnFault(page, now); break;
    case 2: linuxClusterOnFault(page, now); break;
    case 3: linuxVmaOnFault(page, now); break;
    case 4: leapOnFault(page, now); break;
    case 5: ampomPlusOnFault(page, now); break;
    default:
      break;
  }
}

/** First use of a page that arrived by prefetch; `trigger` if it opened a batch. */
export function policyOnUse(page: u32, now: f64, trigger: bool): void {
  switch (policy) {
    case 1: ampomOnUse(page, now, trigger); break;
    case 2: linuxClusterOnUse(page, now, trigger); break;
    case 3: linuxVmaOnUse(page, now, trigger); break;
    case 4: leapOnUse(page, now, trigger); break;
    case 5: ampomPlusOnUse(page, now, trigger); break;
    default:
      break;
  }
}

/** A fault was served: `ns` from request sent to faulting page arrived. */
export function policyOnServed(ns: f64): void {
  switch (policy) {
    case 1: ampomOnServed(ns); break;
    case 5: ampomPlusOnServed(ns); break;
    default:
      break;
  }
}

/** `page` arrived at `t` (delivered when the process's clock reaches it). */
export function policyOnArrival(page: u32, t: f64): void {
  switch (policy) {
    case 5: ampomPlusOnArrival(page, t); break;
    default:
      break;
  }
}
