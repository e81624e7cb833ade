// Prefetch policy registry: names, the ids both cores dispatch on, and parameters
// with their defaults. A policy is one file in each core (assembly/policies/NAME.ts,
// src/core/reference-policies/NAME.ts), one case in each core's dispatch, and one
// entry here.

import type { PushOrderName } from "../migration/push-orders/index.js";
import { type NumericParam, resolveParams } from "../util/params.js";

export type PolicyParam = NumericParam;

export interface PolicyInfo {
  name: string;
  /** id written into P_POLICY; the cores dispatch on it */
  id: number;
  description: string;
  /** in P_POLICY_BASE order */
  params: PolicyParam[];
  /** Host side: a background push in this order after a lightweight freeze
   * (src/migration/push-orders). A pure push policy's core id is 0 (on a fault only the
   * faulting page moves); ampom-plus pulls in the core and pushes too. It needs a
   * mechanism that pages remotely: with lightweight it adds the push (bubbling pushes
   * every page; the oracle, the set oracle and adaptive, partial orders, the pages they
   * judge will be used); with post-copy it sets the push order. */
  push?: PushOrderName;
}

// ampom-plus's parameters; the set oracle runs ampom-plus's pull with them
const ampomPlusParams: PolicyParam[] = [
  { name: "streams", default: 16, min: 1, max: 64, integer: true, description: "streams tracked at once" },
  { name: "maxStride", default: 4096, min: 1, max: 1 << 24, integer: true, description: "largest stride in pages a new stream may take" },
  { name: "maxLookahead", default: 256, min: 1, max: 1 << 24, integer: true, description: "most positions a stream keeps requested ahead" },
  { name: "maxPeriod", default: 16, min: 1, max: 16, integer: true, description: "longest repeating delta pattern a stream may follow (1: constant strides only)" },
];

export const policies: Record<string, PolicyInfo> = {
  none: { name: "none", id: 0, description: "demand paging: fetch only the faulting page", params: [] },
  bubbling: {
    name: "bubbling",
    id: 0,
    description: "post-copy pre-paging (Hines & Gopalan): push every page, bubbling out from the last fault",
    params: [],
    push: "bubbling",
  },
  oracle: {
    name: "oracle",
    id: 0,
    description: "offline bound: knows the future, streams the pages that will be used in first-use order at link bandwidth",
    params: [],
    push: "oracle",
  },
  ampom: {
    name: "ampom",
    id: 1,
    description: "AMPoM (IPDPS 2008) as reconstructed from the paper (docs/model.md): locality score x paging rate x network delay, iterative batches",
    params: [
      { name: "zoneRadius", default: 16, min: 1, max: 1 << 20, integer: true, description: "Z: pages either side of the newest event that form its stream" },
      { name: "zoneEvents", default: 8, min: 1, max: 1 << 20, integer: true, description: "events in the zone that count as a fully local stream (the share saturates here)" },
      { name: "gain", default: 2, max: 1e6, description: "G: delays of work to keep in flight" },
      { name: "maxWindow", default: 512, max: 1 << 24, integer: true, description: "Nmax: most pages one batch asks for" },
      { name: "baseWindow", default: 8, max: 1 << 24, description: "base(S) = floor(baseWindow x S): pages granted by locality alone" },
      { name: "lowLocality", default: 0.5, max: 1, description: "below this score, take pages around the fault in both directions" },
      { name: "delayWeight", default: 8, min: 1, max: 1e9, description: "the delay average moves by 1/delayWeight of each new sample" },
    ],
  },
  "linux-cluster": {
    name: "linux-cluster",
    id: 2,
    description: "Linux swap readahead (page-cluster): aligned block around the fault, window from readahead hits",
    params: [{ name: "pageCluster", default: 3, max: 24, integer: true, description: "the window is at most 2^pageCluster pages" }],
  },
  "linux-vma": {
    name: "linux-vma",
    id: 3,
    description: "Linux VMA-based swap readahead: per-region window, forward/backward/centred by the last two faults",
    params: [
      { name: "pageCluster", default: 3, max: 5, integer: true, description: "the window is at most 2^pageCluster pages (the kernel caps the VMA window's order at 5)" },
      { name: "blockPages", default: 512, min: 1, max: 1 << 24, integer: true, description: "the window stays inside this aligned block (2 MiB of 4 KiB pages)" },
    ],
  },
  leap: {
    name: "leap",
    id: 4,
    description: "Leap (ATC 2020): Boyer-Moore majority fault delta over the newest 8/16/32 deltas, window from prefetch hits",
    params: [
      { name: "deltaHistory", default: 32, min: 1, max: 4096, integer: true, description: "fault deltas kept (majority searched in the newest 8, 16, then this many)" },
      { name: "maxWindow", default: 8, max: 1 << 24, integer: true, description: "most pages one prefetch asks for" },
    ],
  },
  "ampom-plus": {
    name: "ampom-plus",
    id: 5,
    description:
      "the project's own: AMPoM's pull for the streams a push cannot follow (delta patterns, lookahead of a round trip) beside a push in an adaptive order (most recently used first, around the last fault, forward, or a sweep replayed from the last fault's scan window: whichever would have sent the recent faults soonest; data streamed through once before the migration last), which holds while a page would cost the faults more than it saves them (a busy link)",
    params: ampomPlusParams,
    push: "adaptive",
  },
  "set-oracle": {
    name: "set-oracle",
    id: 5,
    description:
      "offline reference (reads the trace ahead): ampom-plus with its push limited to the pages the process will use (it knows which, not when); set beside ampom-plus it shows what choosing pages costs",
    params: ampomPlusParams,
    push: "set-oracle",
  },
};

/** What pushFor() needs of a policy: its name and push order. A user's module (not in
 * the registry) pulls pages and never pushes. */
export function pushInfo(policy: string): Pick<PolicyInfo, "name" | "push"> {
  return policies[policy] ?? { name: policy };
}

export function policyNames(): string[] {
  return Object.keys(policies);
}

/** The policy's parameter vector: defaults, overridden by name (unknown names and
 * values out of range refused). */
export function policyParamVector(info: PolicyInfo, overrides: Record<string, number> = {}): number[] {
  const values = resolveParams(`policy ${info.name}`, info.params, overrides);
  return info.params.map((p) => values[p.name]);
}
