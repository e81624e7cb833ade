// The seam between the host and a simulation core. Two cores implement it: the
// WebAssembly core (assembly/, driven by wasm-core.ts) and the TypeScript reference
// (reference-core.ts). The host talks to both through these typed-array views and
// seven calls, and never knows which one it drives.

import { CORE_BYTES_PER_PAGE } from "./abi.js";
import { traceInputBytes } from "../trace/amt-codec.js";
import { formatBytes } from "../util/units.js";

export type CoreKind = "wasm" | "reference";

/** Views over the core's tables. Valid until the next init(). */
export interface CoreViews {
  /** f64 slots C_* of abi.ts: clock, chunk cursor, metric counters. */
  counters: Float64Array;
  /** f64 slots P_* of abi.ts: costs, policy id and policy parameters. */
  params: Float64Array;
  /** Region table, pairs (first page, end page exclusive), sorted, disjoint. */
  regions: Uint32Array;
  /** Pages the core asks for after STOP_FAULT / STOP_REQUESTS (C_REQUESTS of them). */
  requests: Uint32Array;
  /** Pages the host hands to deliver(), and arrival times for deliver() and answerRequests(). */
  deliverPages: Uint32Array;
  deliverTimes: Float64Array;
  /** The record chunk the host fills: page id, accesses since the previous record, REC_* flags. */
  chunkPages: Uint32Array;
  chunkGaps: Uint32Array;
  chunkFlags: Uint8Array;
  /** One byte a page: ST_* state and F_* flags. */
  states: Uint8Array;
  /** When each page arrives or arrived (valid for pages in flight without F_UNFIXED, and
   * for pages that crossed the network). The host reads it to stall; policies may read
   * only pages that have arrived (page-services.ts). */
  arrivals: Float64Array;
  /** Accessed-bit scans before migration: per page, the scan window of its last access
   * (0: never) and a bit for each of the SCAN_KEEP windows up to that one. */
  scanEpochs: Uint32Array;
  scanMasks: Uint16Array;
  /** Most recently used distinct pages, newest first (C_MRU_LEN of them). */
  mru: Uint32Array;
}

export interface SimCore {
  readonly kind: CoreKind;
  /** Lays out the tables for `pageCount` pages and a chunk of `chunkCapacity` records,
   * all zero. Earlier views are void. Throws CapacityError when they cannot fit; the
   * earlier layout, its data and its views then stay as they were. */
  init(pageCount: number, chunkCapacity: number): CoreViews;
  /** Starts a process afresh from the params and regions written into the views. */
  reset(): void;
  /** The first of chunk records [0, count) naming a page outside the address space
   * (P_PAGES) or with flags above REC_WRITE | REC_CODE, or count. The host checks each
   * chunk it loads before any run(). */
  firstBadRecord(count: number): number;
  /** Replays the chunk from the cursor; returns a STOP_* reason. Throws PolicyViolation
   * when a policy reads what the destination cannot know. */
  run(limitNs: number): number;
  /** The host sent requests[0..count) (after STOP_FAULT, STOP_REQUESTS or an external
   * hook that asked): they stay in flight with their arrival not fixed. */
  answerRequests(count: number): void;
  /** deliverPages[i] arrives at deliverTimes[i]: KIND_REPLY fixes the arrival of pages
   * already requested (or sent with their arrival not fixed), KIND_EAGER and the pushes
   * send pages still at home. A time of NaN sends a page whose arrival is not fixed yet
   * (F_UNFIXED: a touch waits, STOP_WAIT), which a KIND_REPLY delivery fixes later.
   * Returns pages taken. */
  deliver(count: number, kind: number): number;
  /** The process moves: with keepAll (a full copy) every page that exists is local,
   * otherwise at home; a page never touched stays so (a zero-fill at its first touch). */
  migrate(keepAll: boolean): void;
}

// ---- amt v2 blocks decoded inside the core (issue 14) ---------------------------
// Kept as its own declaration (merged into SimCore) so that it stays apart from the
// run-loop methods.
export interface SimCore {
  /** Where the host reads one encoded amt v2 block: its payload, then the next block's
   * 12-byte head; room for a block as large as the chunk. Valid until the next init(). */
  traceInput(): Uint8Array;
  /** Checks the first `bytes` bytes of traceInput() against the block checksum `sum`
   * and decodes the block's `records` records into chunk [0, records) (records <= the
   * chunk capacity). Returns DECODE_OK, DECODE_CHECKSUM or DECODE_MALFORMED
   * (src/trace/amt-codec.ts); after an error the chunk holds nothing usable. */
  decodeBlock(records: number, bytes: number, sum: number): number;
}

/** The 4 GiB of a wasm32 memory: the most a core may take, the reference core too. */
export const CORE_MEMORY_BYTES = 2 ** 32;
/** Room a core keeps besides its page tables and chunk (fixed tables, policy scratch):
 * more than the WebAssembly core's arena takes, so that the reference core and
 * preflight refuse what it might not hold. */
const CORE_FIXED_BYTES = 2 ** 21;

/** Bytes of a core's memory for `pages` pages and a chunk of `chunkRecords` records (9
 * bytes a record, and the trace input area), as both cores' init and preflight count
 * them. */
export function coreBytes(pages: number, chunkRecords: number): number {
  return CORE_FIXED_BYTES + 9 * chunkRecords + traceInputBytes(chunkRecords) + pages * CORE_BYTES_PER_PAGE;
}

export class CapacityError extends Error {
  /** `hostRefused`: the tables were within the budget, but the host would not give the
   * memory (a WebAssembly memory that could not grow), so the 4 GiB limit is not why */
  constructor(
    message: string,
    readonly hostRefused = false,
  ) {
    super(message);
    this.name = "CapacityError";
  }
}

/** The CapacityError of an init within the budget whose memory the host would not give
 * (`failed`: "the reference core could not allocate"). */
export function hostRefusedError(failed: string, pageCount: number, chunkCapacity: number): CapacityError {
  return new CapacityError(
    `${failed} ${formatBytes(coreBytes(pageCount, chunkCapacity))} for ${pageCount} pages: the host refused it (short of memory, or a limit such as ulimit -v)`,
    true,
  );
}

/** Throws the CapacityError of both cores' init when `pageCount` pages and a chunk of
 * `chunkCapacity` records exceed the budget (coreBytes): the WebAssembly core's arena
 * would hold a few more, but the cores must refuse alike. */
export function checkCoreCapacity(pageCount: number, chunkCapacity: number): void {
  if (!Number.isInteger(pageCount) || pageCount < 0 || coreBytes(pageCount, chunkCapacity) > CORE_MEMORY_BYTES) {
    throw new CapacityError(`${pageCount} pages and a ${chunkCapacity}-record chunk do not fit in the 4 GiB WebAssembly memory`);
  }
}
