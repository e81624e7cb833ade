// The captured trace as the simulator must see it to stand beside the real migration.
//
// The traced run touched the validation library's marker pages at four points: its
// start (after the library's set-up), the start of the harness's own work at the
// migration point, the migration point itself, and the end (where the program calls
// exit). The real migration moves only the ranges the library reported at the
// migration point (private anonymous memory: heap, anonymous mappings, .bss; not
// file-backed mappings, not the stack, not the library's or the C library's own
// memory), so:
//  - records of pages outside those ranges are dropped (their pages stay local in the
//    real run, like code, stack and file-backed data), and their gaps go to the next kept
//    record: the compute happened before that access;
//  - the migration comes just before the first kept record after the migration marker;
//  - the simulated clock runs from the migration point to the end marker: records
//    before the migration keep their pages (they decide what is at home) but count no
//    time, since the real run is timed over the same span; what runs after the end
//    marker (the exit path) is left out, as the real run stops its clock there.
// Dense page ids: the reported ranges that hold a touched page, in address order, each
// a region, as the real handler numbers them (native/validate/preload.c, build_vm).
import { openAmt } from "../trace/amt.js";
import type { Region, Workload } from "../workloads/types.js";
import type { LibraryReport } from "./runner.js";

export interface ValidationTrace {
  workload: Workload;
  /** kept records before the migration point */
  migrateAtRecord: number;
  /** accesses from the migration point to the end marker (the simulated time's span) */
  postAccesses: number;
  /** records of the captured trace, and how many are kept */
  records: number;
  keptRecords: number;
  /** distinct migrated pages touched before the migration point (at home) */
  homePages: number;
  /** distinct migrated pages touched after it */
  pagesAfter: number;
}

const PHASES = ["before the start", "at home", "in the harness", "after the migration", "after the end"];

class Growable {
  pages = new Uint32Array(1 << 16);
  gaps = new Uint32Array(1 << 16);
  flags = new Uint8Array(1 << 16);
  n = 0;
  push(page: number, gap: number, flags: number): void {
    if (this.n === this.pages.length) {
      const grow = <T extends Uint32Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.pages = grow(this.pages);
      this.gaps = grow(this.gaps);
      this.flags = grow(this.flags);
    }
    this.pages[this.n] = page;
    this.gaps[this.n] = gap;
    this.flags[this.n++] = flags;
  }
}

/** Reads the captured amt trace with what the library reported from the traced run. */
export function validationTrace(amtPath: string, capture: LibraryReport, name: string): ValidationTrace {
  if (!capture.marker || !capture.ranges) throw new Error(`${amtPath}: the traced run did not report its marker pages and ranges`);
  const amt = openAmt(amtPath);
  const pageSize = amt.pageSize;
  const markerVpn = Number(BigInt(capture.marker) / BigInt(pageSize));
  const ranges = capture.ranges
    .map(([a, b]) => ({ lo: Number(BigInt(a) / BigInt(pageSize)), hi: Number(BigInt(b) / BigInt(pageSize)) }))
    .sort((x, y) => x.lo - y.lo);
  // each dense id of the trace: its range (>= 0), a marker (-2 - k), or neither (-1)
  const cls = new Int32Array(amt.pageCount).fill(-1);
  const vpnOf = new Float64Array(amt.pageCount);
  for (const r of amt.regions) {
    const base = Number(r.vpnBase ?? 0n);
    for (let i = 0; i < r.pages; i++) {
      const vpn = base + i;
      vpnOf[r.start + i] = vpn;
      if (vpn >= markerVpn && vpn < markerVpn + 4) {
        cls[r.start + i] = -2 - (vpn - markerVpn);
        continue;
      }
      let lo = 0;
      let hi = ranges.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (vpn < ranges[mid].lo) hi = mid - 1;
        else if (vpn >= ranges[mid].hi) lo = mid + 1;
        else {
          cls[r.start + i] = mid;
          break;
        }
      }
    }
  }
  // one pass: keep the records of migrated pages (still as the trace's ids), fold gaps
  const kept = new Growable();
  const touchedBefore = new Uint8Array(amt.pageCount);
  const touchedAfter = new Uint8Array(amt.pageCount);
  let phase = 0;
  let pending = 0;
  let postAccesses = 0;
  let migrateAtRecord = -1;
  let records = 0;
  const stream = amt.open();
  const chunk = 1 << 16;
  const pages = new Uint32Array(chunk);
  const gaps = new Uint32Array(chunk);
  const flags = new Uint8Array(chunk);
  try {
    for (;;) {
      const n = stream.fill(pages, gaps, flags, chunk);
      if (n === 0) break;
      records += n;
      for (let i = 0; i < n && phase < 4; i++) {
        const c = cls[pages[i]];
        const gap = gaps[i];
        if (phase === 3) {
          pending += gap;
          postAccesses += gap;
        }
        if (c <= -2) {
          const mark = -2 - c;
          if (mark !== phase) {
            throw new Error(`${amtPath}: the trace touches marker ${mark} ${PHASES[phase]}: the migration point cannot be placed (markers must come in order start, harness, migration, end)`);
          }
          phase++;
          if (phase === 3) migrateAtRecord = kept.n;
          if (phase === 4 && kept.n > migrateAtRecord && pending > 0) {
            // the end of the span: what ran after the last kept access still counts
            kept.gaps[kept.n - 1] += pending;
            pending = 0;
          }
          continue;
        }
        if (c < 0) continue;
        if (phase === 3) {
          kept.push(pages[i], Math.min(pending, 0xffffffff), flags[i]);
          pending -= Math.min(pending, 0xffffffff);
          touchedAfter[pages[i]] = 1;
        } else {
          kept.push(pages[i], 0, flags[i]);
          touchedBefore[pages[i]] = 1;
        }
      }
    }
  } finally {
    stream.close?.();
  }
  if (phase < 4) {
    throw new Error(`${amtPath}: the trace ends ${PHASES[phase]}: the marker pages of the validation library were not all touched (did the program end with _exit, or not reach the migration point?)`);
  }
  // the regions: the reported ranges that hold a kept page
  const used = new Uint8Array(ranges.length);
  let homePages = 0;
  let pagesAfter = 0;
  for (let id = 0; id < amt.pageCount; id++) {
    if (touchedBefore[id] || touchedAfter[id]) used[cls[id]] = 1;
    homePages += touchedBefore[id];
    pagesAfter += touchedAfter[id];
  }
  const regions: Region[] = [];
  const startOf = new Float64Array(ranges.length).fill(-1);
  let next = 0;
  ranges.forEach((r, i) => {
    if (!used[i]) return;
    startOf[i] = next;
    regions.push({ name: `anon${regions.length}`, kind: "data", start: next, pages: r.hi - r.lo, vpnBase: BigInt(r.lo) });
    next += r.hi - r.lo;
  });
  if (next > 0xffffffff) throw new Error(`${amtPath}: the migrated ranges span more than 2^32 pages`);
  for (let i = 0; i < kept.n; i++) {
    const id = kept.pages[i];
    const r = cls[id];
    kept.pages[i] = startOf[r] + (vpnOf[id] - ranges[r].lo);
  }
  const total = kept.n;
  const workload: Workload = {
    name,
    pageSize,
    regions,
    pageCount: next,
    records: total,
    open() {
      let at = 0;
      return {
        fill(p: Uint32Array, g: Uint32Array, f: Uint8Array, max: number): number {
          const take = Math.min(max, total - at);
          p.set(kept.pages.subarray(at, at + take));
          g.set(kept.gaps.subarray(at, at + take));
          f.set(kept.flags.subarray(at, at + take));
          at += take;
          return take;
        },
      };
    },
  };
  return { workload, migrateAtRecord, postAccesses, records, keptRecords: total, homePages, pagesAfter };
}
