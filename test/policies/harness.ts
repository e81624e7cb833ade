// A small host that drives one core directly, so that policy tests can see every
// decision: which page caused it, the pages asked for, and the policy's score and
// window right after. The link is one FIFO: a request reaches home `latencyNs +
// serviceNs` after it leaves, pages leave back to back `txNs` apart and arrive
// `latencyNs` later (the same shape as the real host, without headers or background).
import {
  C_CURSOR, C_CHUNK_LEN, C_FAULT_PAGE, C_NOW, C_POLICY_SCORE, C_POLICY_WINDOW, C_REQUESTS,
  C_REMOTE_FAULTS, C_PUSH_OLD_LAST, P_CPU_NS, P_HISTORY, P_PAGES, P_POLICY, P_POLICY_BASE, P_REGIONS, P_TRAP_NS,
  P_ZERO_FILL_NS, P_SCAN_NS, STOP_CHUNK_END, STOP_FAULT, STOP_REQUESTS, KIND_PUSH, KIND_REPLY,
} from "../../src/core/abi.js";
import { createCore, type CoreKind } from "../../src/core/index.js";
import { policies, policyParamVector } from "../../src/policies/registry.js";

export interface Decision {
  kind: "fault" | "use";
  /** the faulting page, or the prefetched page whose first use asked */
  page: number;
  /** prefetch pages asked for (the faulting page left out) */
  asked: number[];
  score: number;
  window: number;
}

export interface DriveOptions {
  core: CoreKind;
  policy: string;
  params?: Record<string, number>;
  /** page counts of the regions, laid out one after another */
  regionPages: number[];
  /** pages touched before migration, in order (they exist at home afterwards) */
  before: number[];
  /** pages touched after migration, in order */
  after: number[];
  /** accesses between records (1 ns each) */
  gap?: number;
  latencyNs?: number;
  serviceNs?: number;
  txNs?: number;
  /** shortest accessed-bit scan window before migration, ns (0, the default: one
   * window, which sees every page touched before migration) */
  scanNs?: number;
  /** whether the push holds back the pages no kept scan saw (lightweight with the
   * adaptive push; false, the default: post-copy's push or none) */
  oldLast?: boolean;
  /** pages a push sends at the migration, landing at the given times (ns) */
  pushed?: Array<[page: number, landsAt: number]>;
}

export interface DriveResult {
  decisions: Decision[];
  remoteFaults: number;
  regionStarts: number[];
  regionOf(page: number): number;
  /** problems seen: a page asked for that was not at home when asked */
  violations: string[];
}

export async function drive(o: DriveOptions): Promise<DriveResult> {
  const core = await createCore(o.core);
  const starts: number[] = [];
  let pageCount = 0;
  for (const n of o.regionPages) {
    starts.push(pageCount);
    pageCount += n;
  }
  const regionOf = (p: number) => {
    for (let r = starts.length - 1; r >= 0; r--) if (p >= starts[r]) return r;
    return -1;
  };
  const chunk = 512;
  const v = core.init(pageCount, chunk);
  const info = policies[o.policy];
  v.params[P_CPU_NS] = 1;
  v.params[P_TRAP_NS] = 2000;
  v.params[P_ZERO_FILL_NS] = 1000;
  v.params[P_POLICY] = info.id;
  v.params[P_HISTORY] = 32;
  v.params[P_REGIONS] = o.regionPages.length;
  v.params[P_PAGES] = pageCount;
  v.params[P_SCAN_NS] = o.scanNs ?? 0;
  policyParamVector(info, o.params).forEach((x, i) => (v.params[P_POLICY_BASE + i] = x));
  starts.forEach((s, i) => {
    v.regions[2 * i] = s;
    v.regions[2 * i + 1] = s + o.regionPages[i];
  });
  core.reset();
  const gap = o.gap ?? 512;
  const latency = o.latencyNs ?? 25_000;
  const service = o.serviceNs ?? 10_000;
  const tx = o.txNs ?? 33_000;
  const c = v.counters;

  const feed = (pages: number[], onStop: (stop: number) => void) => {
    for (let from = 0; from < pages.length; from += chunk) {
      const n = Math.min(chunk, pages.length - from);
      for (let i = 0; i < n; i++) {
        v.chunkPages[i] = pages[from + i];
        v.chunkGaps[i] = gap;
        v.chunkFlags[i] = 0;
      }
      c[C_CHUNK_LEN] = n;
      c[C_CURSOR] = 0;
      for (;;) {
        const stop = core.run(Infinity);
        if (stop === STOP_CHUNK_END) break;
        onStop(stop);
      }
    }
  };
  feed(o.before, () => {
    throw new Error("no requests before migration");
  });
  core.migrate(false);
  c[C_PUSH_OLD_LAST] = o.oldLast ? 1 : 0;
  const pushed = o.pushed ?? [];
  pushed.forEach(([page, landsAt], i) => {
    v.deliverPages[i] = page;
    v.deliverTimes[i] = landsAt;
  });
  if (core.deliver(pushed.length, KIND_PUSH) !== pushed.length) throw new Error("a pushed page was not at home");

  const existed = new Set(o.before);
  const asked = new Set<number>();
  const decisions: Decision[] = [];
  const violations: string[] = [];
  let linkFree = 0;
  feed(o.after, (stop) => {
    if (stop !== STOP_FAULT && stop !== STOP_REQUESTS) throw new Error(`unexpected stop ${stop}`);
    const n = c[C_REQUESTS];
    const isFault = stop === STOP_FAULT;
    const page = isFault ? c[C_FAULT_PAGE] : v.chunkPages[c[C_CURSOR] - 1];
    const list = Array.from(v.requests.subarray(0, n));
    for (const q of list) {
      if (!existed.has(q)) violations.push(`page ${q} never existed`);
      if (asked.has(q)) violations.push(`page ${q} asked twice`);
      asked.add(q);
    }
    decisions.push({
      kind: isFault ? "fault" : "use",
      page,
      asked: isFault ? list.slice(1) : list,
      score: c[C_POLICY_SCORE],
      window: c[C_POLICY_WINDOW],
    });
    const atHome = c[C_NOW] + latency + service;
    core.answerRequests(n);
    for (let i = 0; i < n; i++) {
      linkFree = Math.max(linkFree, atHome) + tx;
      v.deliverPages[i] = list[i];
      v.deliverTimes[i] = linkFree + latency;
    }
    core.deliver(n, KIND_REPLY);
  });
  return { decisions, remoteFaults: c[C_REMOTE_FAULTS], regionStarts: starts, regionOf, violations };
}
