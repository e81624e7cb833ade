// What a workload is to the simulator: an address space of regions over dense page
// ids, and a deterministic stream of page-level records (page, flags, gap).
import type { CoreViews, SimCore } from "../core/types.js";

export type RegionKind = "code" | "data" | "heap" | "stack" | "mmap";

export interface Region {
  name: string;
  kind: RegionKind;
  /** first dense page id */
  start: number;
  /** number of pages */
  pages: number;
  /** virtual page number of the region's first page in the traced process, when known */
  vpnBase?: bigint;
}

/** Index of the region holding dense page `page` in `regions` (sorted by start,
 * disjoint), or -1 when it lies in none. */
export function regionIndexOf(regions: readonly Region[], page: number): number {
  let lo = 0;
  let hi = regions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (page < regions[mid].start) hi = mid - 1;
    else if (page >= regions[mid].start + regions[mid].pages) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Index of the first of `regions` that is not sorted by start and disjoint from the one
 * before it, or not inside the `pageCount` pages (whole numbers of pages), or -1: what
 * regionIndexOf and the cores' regionOf (a binary search) take for granted. */
export function firstBadRegion(regions: readonly Region[], pageCount: number): number {
  let next = 0;
  for (let i = 0; i < regions.length; i++) {
    const r = regions[i];
    if (!(Number.isInteger(r.start) && Number.isInteger(r.pages) && r.pages >= 0 && r.start >= next && r.start + r.pages <= pageCount)) return i;
    next = r.start + r.pages;
  }
  return -1;
}

/** The first of pages [0, n) (each below pageCount) in none of `regions` (sorted,
 * disjoint), or n. Regions laid out one after another over the whole address space, as
 * every importer and generator writes them, leave no such page: then no per-record work. */
export function firstInNoRegion(regions: readonly Region[], pageCount: number, pages: Uint32Array, n: number): number {
  let next = 0;
  for (const r of regions) {
    if (r.start !== next) break;
    next = r.start + r.pages;
  }
  if (next === pageCount) return n;
  for (let i = 0; i < n; i++) if (regionIndexOf(regions, pages[i]) < 0) return i;
  return n;
}

/** Records are written into caller-owned arrays, a chunk at a time. */
export interface RecordStream {
  /** Writes up to `max` records from index 0; returns how many (0 at the end). */
  fill(pages: Uint32Array, gaps: Uint32Array, flags: Uint8Array, max: number): number;
  close?(): void;
  /** Present on streams whose blocks the core decodes itself (amt v2): the core's chunk
   * must then hold this many records, one block. */
  readonly blockRecords?: number;
  /** With blockRecords, instead of fill(): makes up to `max` next records ready in the
   * core's chunk (decoded there), points C_CURSOR and C_CHUNK_LEN at them and returns
   * how many (0 at the end). Checks that their pages lie in the address space. */
  feedCore?(core: SimCore, views: CoreViews, max: number): number;
  /** True on streams that refuse, themselves, a record whose page lies in none of the
   * regions (the amt readers, in their file's words): a run does not check it again. */
  readonly checksRecords?: boolean;
  /** Present on streams that can pass over records without making them (amt v2): before
   * the first record, passes over at most `records` records (whole blocks, their
   * contents unchecked) and returns how many. */
  skip?(records: number): number;
}

/** The error for a record naming a page outside the workload's address space. */
export function pageOutsideError(workload: string, record: number, page: number, pageCount: number): Error {
  return new Error(`workload ${workload}: record ${record} names page ${page}, outside its ${pageCount} pages`);
}

/** The error for a record naming a page inside the address space but in none of its
 * regions (Workload.regions: such pages never appear). */
export function noRegionError(workload: string, record: number, page: number): Error {
  return new Error(`workload ${workload}: record ${record} names page ${page}, in none of its regions`);
}

/** What is wrong with a record's flags other than write and code, in the words of every
 * reader (an amt v1 file's byte, a library's stream). */
export function flagsProblem(flags: number): string {
  return `has flags ${flags}, not 0 to 3 (1 write, 2 code)`;
}

/** The error for a record of a workload's stream with flags other than write and code. */
export function badFlagsError(workload: string, record: number, flags: number): Error {
  return new Error(`workload ${workload}: record ${record} ${flagsProblem(flags)}`);
}

/** The error for a stream that yields other than the records its workload declares
 * (`atLeast`: it yielded `yielded` and had not ended). */
export function recordCountError(workload: string, yielded: number, declared: number, atLeast: boolean): Error {
  return new Error(
    `workload ${workload}: its stream yields ${atLeast ? "at least " : ""}${yielded} records, but it declares ${declared} (Workload.records: the migration point is reckoned from it)`,
  );
}

export interface Workload {
  /** name as the user gave it (a built-in name or a trace path) */
  name: string;
  pageSize: number;
  /** sorted by start, disjoint; pages outside every region never appear */
  regions: Region[];
  /** one past the last dense page id */
  pageCount: number;
  /** true when the regions are drawn round the pages the trace touches, those it
   * touches only after a migration among them (a captured trace), rather than the
   * mappings as they stand from the start (the generators' arrays): at the freeze they
   * are clipped to the pages that exist then, for what a policy sees
   * (ProcessRun.freezeExtents) */
  regionsFromTouches?: boolean;
  /** exact number of records the stream yields */
  records: number;
  /** records [from, to) are the section HPCC times (built-in HPCC kernels): what the
   * CPU calibration matches to the real benchmark's measured time */
  timed?: { from: number; to: number };
  /** A fresh stream from the first record; the same every time. */
  open(): RecordStream;
}

export interface WorkloadOptions {
  /** bytes of memory the kernel's data occupies */
  memoryBytes: number;
  pageSize: number;
  seed: number;
  /** fraction of the data touched after migration (small-working-set studies), 0 < w <= 1 */
  workingSet: number;
  /** passes over the data, where the kernel has that notion */
  iterations?: number;
}

/** Lays out regions one after another in dense page ids. */
export function layoutRegions(specs: Array<Omit<Region, "start">>): { regions: Region[]; pageCount: number } {
  let next = 0;
  const regions = specs.map((r) => {
    const region = { ...r, start: next };
    next += r.pages;
    return region;
  });
  return { regions, pageCount: next };
}
