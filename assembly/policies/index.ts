// Policy registration for the WebAssembly core: one case per policy id (the ids are
// those of src/policies/registry.ts). A policy asks for pages with request().
import { P_POLICY } from "../layout";
import { param } from "../pagetable";

let policy: i32 = 0;

export function policyReset(): void {
  policy = <i32>param(P_POLICY);
}

/** A remote fault on `page`; the faulting page is already request 0. */
export function policyOnFault(page: u32, now: f64): void {
  switch (policy) {
    default:
      break;
  }
}

/** First use of a page that arrived by prefetch; `trigger` if it opened a batch. */
export function policyOnUse(page: u32, now: f64, trigger: bool): void {
  switch (policy) {
    default:
      break;
  }
}

/** A fault was served: `ns` from request sent to faulting page arrived. */
export function policyOnServed(ns: f64): void {
  switch (policy) {
    default:
      break;
  }
}
