// Reading a whole (small) workload back for tests.
import type { Workload } from "../../src/workloads/types.js";

export interface Trace {
  pages: Uint32Array;
  gaps: Uint32Array;
  flags: Uint8Array;
  length: number;
}

export function readAll(w: Workload, chunk = 4099): Trace {
  const s = w.open();
  const cp = new Uint32Array(chunk);
  const cg = new Uint32Array(chunk);
  const cf = new Uint8Array(chunk);
  let pages = new Uint32Array(1024);
  let gaps = new Uint32Array(1024);
  let flags = new Uint8Array(1024);
  let n = 0;
  for (;;) {
    const k = s.fill(cp, cg, cf, chunk);
    if (k === 0) break;
    while (n + k > pages.length) {
      const p = new Uint32Array(pages.length * 2); p.set(pages); pages = p;
      const g = new Uint32Array(gaps.length * 2); g.set(gaps); gaps = g;
      const f = new Uint8Array(flags.length * 2); f.set(flags); flags = f;
    }
    pages.set(cp.subarray(0, k), n);
    gaps.set(cg.subarray(0, k), n);
    flags.set(cf.subarray(0, k), n);
    n += k;
  }
  s.close?.();
  return { pages: pages.subarray(0, n), gaps: gaps.subarray(0, n), flags: flags.subarray(0, n), length: n };
}

/** FNV-1a over the records: a cheap fingerprint for determinism checks. */
export function fingerprint(t: Trace): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < t.length; i++) {
    h = Math.imul(h ^ t.pages[i], 16777619);
    h = Math.imul(h ^ t.gaps[i], 16777619);
    h = Math.imul(h ^ t.flags[i], 16777619);
  }
  return h >>> 0;
}
