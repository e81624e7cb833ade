// One record stream feeding several scenarios (issue 14, item 2). Scenarios of one
// workload (compare's rows, a run and its baselines, a sweep worker's runs) read the
// trace or run the generator once: each chunk is made once, in the core of the scenario
// that asks first when every scenario has used up the chunk before (a trace block read,
// checked and decoded inside that core, or a generator's fill()), and copied into the
// other scenarios' cores with three TypedArray.set calls (9 bytes a record). Each
// scenario then hands its core pieces of its copy at its own pace.
//
// The scenarios advance at different simulated speeds, so they run in lockstep over the
// record stream: a scenario whose copy is used up while another still replays its own
// gets FEED_WAIT, and its cluster loop returns "starved" (Cluster.run is resumable);
// runLockstep() runs the clusters round after round until every one is done. Memory is
// one chunk per core, as for a scenario alone. A scenario alone is the same with one
// consumer, which never waits.
//
// A scenario that will take over another's home phase (runScenarios: same workload,
// CPU, scans and migration record) joins dormant: it gets no copies and never holds the
// others up until wake(), when the other reaches the migration point and hands over a
// copy of its current chunk and its place in it.
import { C_CHUNK_LEN, C_CURSOR } from "../core/abi.js";
import type { CoreViews, SimCore } from "../core/types.js";
import {
  badFlagsError, firstInNoRegion, noRegionError, pageOutsideError, recordCountError, type RecordStream, type Workload,
} from "../workloads/types.js";

/** RecordFeed.next(): the records are there, but other scenarios still use theirs. */
export const FEED_WAIT = -1;

/** Where a process's core gets its records. */
export interface RecordFeed {
  /** records the core's chunk must hold */
  readonly capacity: number;
  /** The core this feed fills, once laid out (init) for `capacity`. */
  bind(core: SimCore, views: CoreViews): void;
  /** Makes up to `max` next records ready in the core's chunk and points its cursor and
   * chunk length at them: returns how many, 0 at the end, or FEED_WAIT. */
  next(max: number): number;
}

class Consumer implements RecordFeed {
  core?: SimCore;
  views?: CoreViews;
  /** this consumer's window over its copy of the current chunk: [at, at + avail) */
  at = 0;
  avail = 0;
  finished = false;

  constructor(
    private readonly source: SharedRecords,
    /** takes no records until wake(): a scenario that will take over another's home phase */
    public dormant: boolean,
  ) {}

  get capacity(): number {
    return this.source.capacity;
  }

  bind(core: SimCore, views: CoreViews): void {
    this.core = core;
    this.views = views;
  }

  next(max: number): number {
    if (this.dormant) return FEED_WAIT;
    if (this.avail === 0) {
      const got = this.source.refill(this);
      if (got <= 0) {
        if (got === 0) this.finished = true;
        return got;
      }
    }
    const n = Math.min(max, this.avail);
    const c = this.views!.counters;
    c[C_CURSOR] = this.at;
    c[C_CHUNK_LEN] = this.at + n;
    this.at += n;
    this.avail -= n;
    this.source.handedOut += n;
    return n;
  }
}

/** A workload's record stream, shared by the scenarios that join() it before they run. */
export class SharedRecords {
  readonly capacity: number;
  private readonly stream: RecordStream;
  private readonly consumers: Consumer[] = [];
  private ended = false;
  private closed = false;
  /** records made so far */
  produced = 0;
  /** chunks made so far */
  chunks = 0;
  /** records handed to the scenarios' cores so far, all scenarios together */
  handedOut = 0;
  /** called after each chunk is made (progress) */
  onChunk?: () => void;

  /** `chunkRecords`: the largest piece any joining scenario hands its core at a time. */
  constructor(
    readonly workload: Workload,
    chunkRecords: number,
  ) {
    this.stream = workload.open();
    // a stream the core decodes itself (amt v2) makes a whole block at a time
    this.capacity = this.stream.feedCore ? Math.max(chunkRecords, this.stream.blockRecords ?? 0) : chunkRecords;
  }

  /** Before the first chunk: passes over up to `records` records without making them,
   * when the stream can (RecordStream.skip); returns how many it passed over. */
  skip(records: number): number {
    if (this.chunks > 0) throw new Error("internal: skip() on a shared record stream that started");
    const n = this.stream.skip?.(records) ?? 0;
    this.produced += n;
    return n;
  }

  /** A feed for one more scenario; all join before the first record is made. */
  join(): RecordFeed {
    return this.add(false);
  }

  /** A feed for a scenario that takes over another's home phase: it takes no records
   * (next() gives FEED_WAIT) until wake() hands it the other's place in the stream. */
  joinDormant(): RecordFeed {
    return this.add(true);
  }

  private add(dormant: boolean): Consumer {
    if (this.chunks > 0) throw new Error("internal: a scenario joined a shared record stream after it started");
    const c = new Consumer(this, dormant);
    this.consumers.push(c);
    return c;
  }

  /** `sleeper` (joinDormant) goes on from where `leader` is now: a copy of the leader's
   * current chunk and the same records of it left to replay. */
  wake(sleeper: RecordFeed, leader: RecordFeed): void {
    const s = this.consumer(sleeper);
    const l = this.consumer(leader);
    if (!s.dormant || l.dormant) throw new Error("internal: wake() takes a dormant feed and an active one");
    const n = l.at + l.avail;
    const from = l.views!;
    const to = s.views!;
    to.chunkPages.set(from.chunkPages.subarray(0, n));
    to.chunkGaps.set(from.chunkGaps.subarray(0, n));
    to.chunkFlags.set(from.chunkFlags.subarray(0, n));
    s.dormant = false;
    s.finished = l.finished;
    s.at = l.at;
    s.avail = l.avail;
  }

  private consumer(feed: RecordFeed): Consumer {
    if (!(feed instanceof Consumer) || !this.consumers.includes(feed)) throw new Error("internal: a feed of another record stream");
    return feed;
  }

  /** `c` has used up its copy: the next chunk (its length), 0 at the end, or FEED_WAIT
   * while another scenario still has records of the current one. */
  refill(c: Consumer): number {
    if (this.ended) return 0;
    for (const o of this.consumers) if (o !== c && !o.finished && !o.dormant && o.avail > 0) return FEED_WAIT;
    const n = this.make(c);
    // a library's stream may yield other than it declares, from which the migration
    // point is reckoned (a trace's count is its header's, checked): once a chunk
    const w = this.workload;
    if (n === 0 ? this.produced !== w.records : this.produced + n > w.records) {
      throw recordCountError(w.name, this.produced + n, w.records, n > 0);
    }
    if (n === 0) {
      this.ended = true;
      this.close();
      return 0;
    }
    this.produced += n;
    this.chunks++;
    // everyone else has used up theirs (and their cores replayed it): copy it over
    const from = c.views!;
    const pages = from.chunkPages.subarray(0, n);
    const gaps = from.chunkGaps.subarray(0, n);
    const flags = from.chunkFlags.subarray(0, n);
    for (const o of this.consumers) {
      if (o.finished || o.dormant) continue;
      if (o !== c) {
        if (!o.views) throw new Error("internal: a scenario of a shared record stream has no core yet");
        o.views.chunkPages.set(pages);
        o.views.chunkGaps.set(gaps);
        o.views.chunkFlags.set(flags);
      }
      o.at = 0;
      o.avail = n;
    }
    this.onChunk?.();
    return n;
  }

  /** The next chunk, made in `c`'s core's chunk [0, n); checks its pages. */
  private make(c: Consumer): number {
    const core = c.core!;
    const v = c.views!;
    if (this.stream.feedCore) return this.stream.feedCore(core, v, this.capacity);
    const n = this.stream.fill(v.chunkPages, v.chunkGaps, v.chunkFlags, this.capacity);
    // every page id must lie inside the address space (the cores index tables with
    // it) and flags be write and code only (the cores mask them): the core checks the
    // chunk in one pass before replaying it; and in a region, which a library's
    // workload may break (a trace's stream checks it itself)
    const w = this.workload;
    const bad = core.firstBadRecord(n);
    const hole = this.stream.checksRecords ? bad : firstInNoRegion(w.regions, w.pageCount, v.chunkPages, bad);
    if (hole < bad) throw noRegionError(w.name, this.produced + hole, v.chunkPages[hole]);
    if (bad < n) {
      const page = v.chunkPages[bad];
      throw page >= w.pageCount ? pageOutsideError(w.name, this.produced + bad, page, w.pageCount) : badFlagsError(w.name, this.produced + bad, v.chunkFlags[bad]);
    }
    return n;
  }

  /** Closes the stream (at the end, or when the scenarios stop early). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stream.close?.();
  }
}

/** Something runLockstep() drives: a cluster loop that can stop when its records are
 * not ready and be resumed. */
export interface Resumable {
  run(): "done" | "starved";
}

/** Runs `loops` (whose processes share `sources`) until all are done: each runs until it
 * waits for the others, round after round. */
export function runLockstep(loops: Resumable[], sources: SharedRecords[]): void {
  let active = loops;
  const progress = () => sources.reduce((n, s) => n + s.handedOut, 0);
  while (active.length > 0) {
    const before = progress();
    const still = active.filter((l) => l.run() === "starved");
    if (still.length === active.length && progress() === before) {
      throw new Error("internal: the scenarios of a shared record stream all wait for each other");
    }
    active = still;
  }
}
