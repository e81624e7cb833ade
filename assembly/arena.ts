// The one flat arena: every table the core uses lives at a fixed offset in linear
// memory, laid out once by init() for a given page count and chunk capacity. Nothing
// is allocated after init(), so the host's typed-array views stay valid until the next
// init() (the only call that may grow memory).
import {
  COUNTERS, PARAMS, REGION_CAP, HISTORY_CAP, REQUEST_CAP, DELIVERY_CAP, SCRATCH_BYTES,
  MRU_CAP, L_SLOTS, L_COUNTERS, L_PARAMS, L_REGIONS, L_HIST_PAGES, L_HIST_TIMES,
  L_REQUESTS, L_DELIVER_PAGES, L_DELIVER_TIMES, L_SCRATCH, L_CHUNK_PAGES, L_CHUNK_GAPS,
  L_CHUNK_FLAGS, L_STATES, L_ARRIVALS, L_MRU, L_END, L_HIST_EXEC, L_ARRIVAL_QUEUE,
  L_SCAN_EPOCHS, L_SCAN_MASKS, L_TRACE_IN,
} from "./layout";

export let counters: usize = 0;
export let params: usize = 0;
export let regions: usize = 0;
export let histPages: usize = 0;
export let histTimes: usize = 0;
export let histExec: usize = 0;
export let requests: usize = 0;
export let deliverPages: usize = 0;
export let deliverTimes: usize = 0;
export let scratch: usize = 0;
export let chunkPages: usize = 0;
export let chunkGaps: usize = 0;
export let chunkFlags: usize = 0;
export let states: usize = 0;
export let arrivals: usize = 0;
export let mru: usize = 0;
export let arrivalQueue: usize = 0;
export let scanEpochs: usize = 0;
export let scanMasks: usize = 0;
export let traceIn: usize = 0;
export let traceInBytes: u64 = 0;
/** records the chunk holds (init's chunkCap) */
export let chunkCapacity: u32 = 0;

// A static data segment, below __heap_base: the arena starts right after it.
const offsets: usize = memory.data(L_SLOTS * 8, 8);
let cursor: u64 = 0;

function place(slot: i32, bytes: u64): usize {
  const at = cursor;
  store<f64>(offsets + (<usize>slot << 3), <f64>at);
  cursor = (at + bytes + 15) & ~(<u64>15);
  return <usize>at;
}

/** Bytes of the trace input area for a chunk of `records`: the largest v2 payload
 * (the stride byte, flags and two control bytes a group of four, 4 + 4 bytes of values
 * a record, padded to 16) and 32 bytes more. The same formula is in
 * src/trace/amt-codec.ts. */
export function traceInputBytes(records: u64): u64 {
  const groups = (records + 3) >> 2;
  return ((1 + 3 * groups + 8 * records + 15) & ~(<u64>15)) + 32;
}

/** Places every table from `base`; returns the end of the arena. */
function placeAll(base: u64, pageCount: u64, chunkCap: u64): u64 {
  cursor = (base + 15) & ~(<u64>15);
  counters = place(L_COUNTERS, <u64>COUNTERS * 8);
  params = place(L_PARAMS, <u64>PARAMS * 8);
  regions = place(L_REGIONS, <u64>REGION_CAP * 8);
  histPages = place(L_HIST_PAGES, <u64>HISTORY_CAP * 4);
  histTimes = place(L_HIST_TIMES, <u64>HISTORY_CAP * 8);
  histExec = place(L_HIST_EXEC, <u64>HISTORY_CAP * 8);
  requests = place(L_REQUESTS, <u64>REQUEST_CAP * 4);
  deliverPages = place(L_DELIVER_PAGES, <u64>DELIVERY_CAP * 4);
  deliverTimes = place(L_DELIVER_TIMES, <u64>DELIVERY_CAP * 8);
  scratch = place(L_SCRATCH, <u64>SCRATCH_BYTES);
  mru = place(L_MRU, <u64>MRU_CAP * 4);
  chunkPages = place(L_CHUNK_PAGES, chunkCap * 4);
  chunkGaps = place(L_CHUNK_GAPS, chunkCap * 4);
  chunkFlags = place(L_CHUNK_FLAGS, chunkCap);
  chunkCapacity = <u32>chunkCap;
  // an encoded amt v2 block of up to chunkCap records, the next block's head, and 16
  // bytes the decoder's vector loads may read past the values (tracedec.ts)
  traceInBytes = traceInputBytes(chunkCap);
  traceIn = place(L_TRACE_IN, traceInBytes);
  // the per-page tables widest first, so each stays aligned whatever the page count
  arrivals = place(L_ARRIVALS, pageCount * 8);
  arrivalQueue = place(L_ARRIVAL_QUEUE, pageCount * 4);
  scanEpochs = place(L_SCAN_EPOCHS, pageCount * 4);
  scanMasks = place(L_SCAN_MASKS, pageCount * 2);
  states = place(L_STATES, pageCount);
  store<f64>(offsets + (<usize>L_END << 3), <f64>cursor);
  return cursor;
}

// the layout in place: what a refused layoutArena() puts back
let laidPages: u32 = 0;
let laidChunk: u32 = 0;

/** Lays the arena out after the static data, growing memory to fit, and zeroes it.
 * Returns 0, or -1 when it cannot fit in the 4 GiB wasm32 address space or memory
 * cannot grow; the earlier layout then stays, with its data, as the host's views of it
 * do (placeAll had already moved every table to where the new one would be). */
export function layoutArena(pageCount: u32, chunkCap: u32): i32 {
  const base = <u64>__heap_base;
  const end = placeAll(base, pageCount, chunkCap);
  const needPages = <i32>((end + 65535) >> 16);
  const have = memory.size();
  if (end > (<u64>65536) * 65536 || (needPages > have && memory.grow(needPages - have) < 0)) {
    placeAll(base, laidPages, laidChunk);
    return -1;
  }
  laidPages = pageCount;
  laidChunk = chunkCap;
  // memory grown just now is zero already, and stays uncommitted by the OS until
  // touched (so a large, sparsely touched page table costs what is touched); only
  // memory that existed before may hold an earlier layout's data
  const before = (<u64>have) << 16;
  const dirtyEnd = end < before ? end : before;
  if (dirtyEnd > <u64>counters) memory.fill(counters, 0, <usize>(dirtyEnd - <u64>counters));
  return 0;
}

export function layoutOffset(slot: i32): f64 {
  return load<f64>(offsets + (<usize>slot << 3));
}
