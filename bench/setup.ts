// Building a core directly through the SimCore interface for microbenchmarks: one
// region of `pages` pages, the costs of the gige-2008 preset, and a policy by name.
import {
  C_CHUNK_LEN, C_CURSOR, C_NOW, C_PENDING, C_REQUESTS, P_CPU_NS, P_HISTORY, P_PAGES,
  P_POLICY, P_POLICY_BASE, P_REGIONS, P_TRAP_NS, P_ZERO_FILL_NS, STOP_CHUNK_END,
  STOP_FAULT, STOP_REQUESTS, KIND_REPLY, ST_HOME, REQUEST_CAP,
} from "../src/core/abi.js";
import { createCore, type CoreKind, type CoreViews, type SimCore } from "../src/core/index.js";
import { policies, policyParamVector } from "../src/policies/registry.js";

export const CORES: CoreKind[] = ["wasm", "reference"];

export interface BenchCore {
  core: SimCore;
  v: CoreViews;
}

export async function benchCore(kind: CoreKind, pages: number, chunkCap: number, policy = "none"): Promise<BenchCore> {
  const info = policies[policy];
  if (!info) throw new Error(`bench: unknown policy ${policy}`);
  const core = await createCore(kind);
  const v = core.init(pages, chunkCap);
  const p = v.params;
  p[P_CPU_NS] = 1;
  p[P_TRAP_NS] = 2000;
  p[P_ZERO_FILL_NS] = 1000;
  p[P_POLICY] = info.id;
  p[P_HISTORY] = 32;
  p[P_REGIONS] = 1;
  p[P_PAGES] = pages;
  policyParamVector(info).forEach((x, i) => (p[P_POLICY_BASE + i] = x));
  v.regions[0] = 0;
  v.regions[1] = pages;
  core.reset();
  return { core, v };
}

/** Loads `pages` (with `gap` accesses per record, every other one a write) into the chunk. */
export function loadChunk(v: CoreViews, pages: ArrayLike<number>, gap = 64): void {
  for (let i = 0; i < pages.length; i++) {
    v.chunkPages[i] = pages[i];
    v.chunkGaps[i] = gap;
    v.chunkFlags[i] = i & 1;
  }
  v.counters[C_CHUNK_LEN] = pages.length;
  v.counters[C_CURSOR] = 0;
  v.counters[C_PENDING] = 0;
}

/** Touches every page once at home, so that after migrate(false) all are at home. */
export function touchAll(b: BenchCore, pages: number, chunkCap: number): void {
  for (let from = 0; from < pages; from += chunkCap) {
    const n = Math.min(chunkCap, pages - from);
    const list = new Uint32Array(n);
    for (let i = 0; i < n; i++) list[i] = from + i;
    loadChunk(b.v, list);
    b.core.run(Infinity);
  }
}

/** Replays the loaded chunk to its end, answering every stop like a pager with a fixed
 * service time: the faulting page arrives `serviceNs` later; prefetched pages arrive
 * with it (`deliverPrefetches`) or are put back at home by the harness, so every record
 * of a crafted chunk keeps faulting. Returns the number of stops. */
export function replayAnswering(b: BenchCore, serviceNs: number, deliverPrefetches: boolean): number {
  const { core, v } = b;
  const c = v.counters;
  const asked = new Uint32Array(REQUEST_CAP);
  let stops = 0;
  for (;;) {
    const stop = core.run(Infinity);
    if (stop === STOP_CHUNK_END) return stops;
    if (stop !== STOP_FAULT && stop !== STOP_REQUESTS) throw new Error(`bench: unexpected stop ${stop}`);
    stops++;
    const n = c[C_REQUESTS];
    const at = c[C_NOW] + serviceNs;
    asked.set(v.requests.subarray(0, n));
    core.answerRequests(n);
    let sent = 0;
    for (let i = 0; i < n; i++) {
      if ((stop === STOP_FAULT && i === 0) || deliverPrefetches) {
        v.deliverPages[sent] = asked[i];
        v.deliverTimes[sent++] = at;
      } else {
        v.states[asked[i]] = ST_HOME;
      }
    }
    core.deliver(sent, KIND_REPLY);
  }
}

/** A fixed pseudo-random permutation of 0..n-1 (xorshift32, Fisher–Yates). */
export function permutation(n: number, seed = 12345): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  let x = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const j = x % (i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
