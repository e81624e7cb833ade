// The run loop: replays page-level records against the page table until the chunk
// ends, the process needs the network, or the clock reaches the host's limit.
import {
  counters, chunkPages, chunkGaps, chunkFlags, states, arrivals, requests,
  deliverPages, deliverTimes, mru, layoutArena,
} from "./arena";
import {
  ST_MASK, ST_NONE, ST_HOME, ST_FLIGHT, ST_LOCAL, F_DIRTY, F_PREFETCHED, F_TRIGGER,
  F_PUSHED, REC_WRITE, STOP_CHUNK_END, STOP_FAULT, STOP_REQUESTS, STOP_LIMIT,
  KIND_PUSH, C_NOW, C_RECORDS, C_ACCESSES, C_REMOTE_FAULTS, C_ZERO_FILLS,
  C_LATE_PREFETCHES, C_FAULT_STALL_NS, C_LATE_STALL_NS, C_PREFETCHED,
  C_USEFUL_PREFETCHES, C_PUSHED, C_USEFUL_PUSHES, C_REQUESTS, C_FAULT_SENT_AT,
  C_SERVICE_NS, C_CURSOR, C_CHUNK_LEN, C_PENDING, C_FAULT_PAGE, C_REMOTE, C_MRU_LEN,
  P_CPU_NS, P_TRAP_NS, P_ZERO_FILL_NS, P_PAGES, MRU_CAP, COUNTERS, C_FAULT_PREFETCHES,
  C_PREFETCH_ISSUES,
} from "./layout";
import {
  counter, setCounter, param, request, recordDemandEvent, resetRegionCache,
} from "./pagetable";
import { policyReset, policyOnFault, policyOnUse, policyOnServed } from "./policies/index";

export function init(pageCount: u32, chunkCap: u32): i32 {
  return layoutArena(pageCount, chunkCap);
}

/** Starts a process from scratch with the parameters and regions the host wrote. */
export function reset(): void {
  memory.fill(counters, 0, COUNTERS * 8);
  const pages = <usize>param(P_PAGES);
  memory.fill(states, 0, pages);
  setCounter(C_FAULT_PAGE, -1);
  resetRegionCache();
  policyReset();
}

// @ts-ignore: decorator
@inline function work(gap: u32, cpuNs: f64): f64 {
  return Math.floor(<f64>gap * cpuNs + 0.5);
}

// Scratch for rebuilding the list of most recently used pages (static data, not arena).
const mruNext: usize = memory.data(MRU_CAP * 4, 4);

/** The list of the most recently used distinct pages (for eager sends), newest first,
 * after the records [start, end) of the chunk: their distinct pages scanning back from
 * the newest, then the old list's pages not seen among them. This equals a
 * move-to-front update per record, but costs a short backward scan per run() call
 * instead of a list search and shift on every record. */
/** Appends `page` to the first `k` entries of the new list unless it is there;
 * returns the new length. */
// @ts-ignore: decorator
@inline function addDistinct(page: u32, k: i32): i32 {
  let j = 0;
  while (j < k && load<u32>(mruNext + (<usize>j << 2)) != page) j++;
  if (j < k) return k;
  store<u32>(mruNext + (<usize>k << 2), page);
  return k + 1;
}

function mergeMru(start: i32, end: i32): void {
  if (end <= start) return;
  let k = 0;
  for (let i = end - 1; i >= start && k < MRU_CAP; i--) {
    k = addDistinct(load<u32>(chunkPages + (<usize>i << 2)), k);
  }
  const n = <i32>counter(C_MRU_LEN);
  for (let i = 0; i < n && k < MRU_CAP; i++) {
    k = addDistinct(load<u32>(mru + (<usize>i << 2)), k);
  }
  memory.copy(mru, mruNext, <usize>k << 2);
  setCounter(C_MRU_LEN, <f64>k);
}

/** The first of the chunk's records [0, count) that names a page outside the address
 * space, or count. The host asks once per chunk it loads, before any run(): a SIMD
 * pass over the page column, rather than a compare in the replay loops. */
export function firstBadRecord(count: i32): i32 {
  const limit = <u32>param(P_PAGES);
  const top = i32x4.splat(<i32>limit);
  let i = 0;
  for (; i + 16 <= count; i += 16) {
    const at = chunkPages + (<usize>i << 2);
    const over = v128.or(
      v128.or(i32x4.ge_u(v128.load(at), top), i32x4.ge_u(v128.load(at, 16), top)),
      v128.or(i32x4.ge_u(v128.load(at, 32), top), i32x4.ge_u(v128.load(at, 48), top)),
    );
    if (v128.any_true(over)) break;
  }
  for (; i < count; i++) {
    if (load<u32>(chunkPages + (<usize>i << 2)) >= limit) return i;
  }
  return count;
}

/** Writes back what a run() kept in locals: records done, cursor, clock, accesses. */
// @ts-ignore: decorator
@inline function saveRun(records: i32, cursor: i32, now: f64, accesses: f64): void {
  setCounter(C_RECORDS, counter(C_RECORDS) + <f64>records);
  setCounter(C_CURSOR, <f64>cursor);
  setCounter(C_NOW, now);
  setCounter(C_ACCESSES, accesses);
}

export function run(limit: f64): i32 {
  return counter(C_REMOTE) != 0 ? runRemote(limit) : runHome(limit);
}

/** Before migration every page is local: track which exist, which are dirty, and
 * which were used last. */
function runHome(limit: f64): i32 {
  const cpuNs = param(P_CPU_NS);
  const len = <i32>counter(C_CHUNK_LEN);
  let cur = <i32>counter(C_CURSOR);
  let now = counter(C_NOW);
  let acc = counter(C_ACCESSES);
  const start = cur;
  let stop = STOP_CHUNK_END;
  while (cur < len) {
    if (now >= limit) {
      stop = STOP_LIMIT;
      break;
    }
    const page = load<u32>(chunkPages + (<usize>cur << 2));
    const gap = load<u32>(chunkGaps + (<usize>cur << 2));
    now += work(gap, cpuNs);
    acc += <f64>gap;
    let st = load<u8>(states + <usize>page) | ST_LOCAL;
    if (load<u8>(chunkFlags + <usize>cur) & REC_WRITE) st |= F_DIRTY;
    store<u8>(states + <usize>page, st);
    cur++;
  }
  mergeMru(start, cur);
  saveRun(cur - start, cur, now, acc);
  return stop;
}

/** After migration: hits, zero-fills, stalls on pages in flight, remote faults. */
function runRemote(limit: f64): i32 {
  const cpuNs = param(P_CPU_NS);
  const len = <i32>counter(C_CHUNK_LEN);
  let cur = <i32>counter(C_CURSOR);
  let now = counter(C_NOW);
  let acc = counter(C_ACCESSES);
  let pending = counter(C_PENDING) != 0;
  const start = cur;
  let stop = STOP_CHUNK_END;
  while (cur < len) {
    if (now >= limit) {
      stop = STOP_LIMIT;
      break;
    }
    const page = load<u32>(chunkPages + (<usize>cur << 2));
    if (!pending) {
      const gap = load<u32>(chunkGaps + (<usize>cur << 2));
      now += work(gap, cpuNs);
      acc += <f64>gap;
      pending = true;
    }
    let st = load<u8>(states + <usize>page);
    const s = st & ST_MASK;
    if (s == ST_FLIGHT) {
      const arr = load<f64>(arrivals + (<usize>page << 3));
      if (arr > now) {
        // blocked until the page arrives; then look again (the limit may be due)
        if (<f64>page == counter(C_FAULT_PAGE)) {
          setCounter(C_FAULT_STALL_NS, counter(C_FAULT_STALL_NS) + (arr - now));
        } else {
          setCounter(C_LATE_STALL_NS, counter(C_LATE_STALL_NS) + (arr - now));
          if (st & (F_PREFETCHED | F_PUSHED)) {
            setCounter(C_LATE_PREFETCHES, counter(C_LATE_PREFETCHES) + 1);
          }
        }
        now = arr;
        continue;
      }
      st = (st & ~ST_MASK) | ST_LOCAL;
    } else if (s == ST_HOME) {
      // remote fault: trap locally, then the request (with any prefetch list) leaves
      const trap = param(P_TRAP_NS);
      now += trap;
      setCounter(C_FAULT_STALL_NS, counter(C_FAULT_STALL_NS) + trap);
      setCounter(C_REMOTE_FAULTS, counter(C_REMOTE_FAULTS) + 1);
      setCounter(C_REQUESTS, 0);
      request(page, 0);
      setCounter(C_FAULT_PAGE, <f64>page);
      setCounter(C_FAULT_SENT_AT, now);
      recordDemandEvent(page, now);
      policyOnFault(page, now);
      const asked = counter(C_REQUESTS) - 1;
      if (asked > 0) {
        setCounter(C_FAULT_PREFETCHES, counter(C_FAULT_PREFETCHES) + asked);
        setCounter(C_PREFETCH_ISSUES, counter(C_PREFETCH_ISSUES) + 1);
      }
      stop = STOP_FAULT;
      break;
    } else if (s == ST_NONE) {
      now += param(P_ZERO_FILL_NS);
      setCounter(C_ZERO_FILLS, counter(C_ZERO_FILLS) + 1);
      st = ST_LOCAL;
    }
    // the access itself
    if (load<u8>(chunkFlags + <usize>cur) & REC_WRITE) st |= F_DIRTY;
    pending = false;
    cur++;
    if (st & (F_PREFETCHED | F_PUSHED | F_TRIGGER)) {
      store<u8>(states + <usize>page, st & ~(F_PREFETCHED | F_PUSHED | F_TRIGGER));
      if (st & F_PREFETCHED) {
        setCounter(C_USEFUL_PREFETCHES, counter(C_USEFUL_PREFETCHES) + 1);
        recordDemandEvent(page, now);
      }
      if (st & F_PUSHED) setCounter(C_USEFUL_PUSHES, counter(C_USEFUL_PUSHES) + 1);
      setCounter(C_REQUESTS, 0);
      if (st & F_PREFETCHED) policyOnUse(page, now, (st & F_TRIGGER) != 0);
      if (counter(C_REQUESTS) > 0) {
        setCounter(C_PREFETCH_ISSUES, counter(C_PREFETCH_ISSUES) + 1);
        stop = STOP_REQUESTS;
        break;
      }
    } else {
      store<u8>(states + <usize>page, st);
    }
  }
  saveRun(cur - start, cur, now, acc);
  setCounter(C_PENDING, pending ? 1 : 0);
  return stop;
}

/** The host has sent the request list: deliverTimes[i] is when requests[i] arrives
 * (Infinity: not sent, the page stays at home). On a fault the first entry is the
 * faulting page; the rest are prefetches. */
export function answerRequests(count: i32): void {
  const faultPage = counter(C_FAULT_PAGE);
  let prefetched = counter(C_PREFETCHED);
  for (let i = 0; i < count; i++) {
    const page = load<u32>(requests + (<usize>i << 2));
    const t = load<f64>(deliverTimes + (<usize>i << 3));
    const st = load<u8>(states + <usize>page);
    if (t == Infinity) {
      store<u8>(states + <usize>page, (st & ~(ST_MASK | F_TRIGGER)) | ST_HOME);
      continue;
    }
    store<f64>(arrivals + (<usize>page << 3), t);
    if (<f64>page == faultPage && i == 0) {
      const service = t - counter(C_FAULT_SENT_AT);
      setCounter(C_SERVICE_NS, service);
      policyOnServed(service);
    } else {
      store<u8>(states + <usize>page, st | F_PREFETCHED);
      prefetched += 1;
    }
  }
  setCounter(C_PREFETCHED, prefetched);
  setCounter(C_REQUESTS, 0);
}

/** Pages the mechanism sent on its own: deliverPages[i] arrives at deliverTimes[i].
 * Only pages still at home are taken; returns how many were. */
export function deliver(count: i32, kind: i32): i32 {
  let taken = 0;
  const flag: u8 = kind == KIND_PUSH ? F_PUSHED : 0;
  for (let i = 0; i < count; i++) {
    const page = load<u32>(deliverPages + (<usize>i << 2));
    const st = load<u8>(states + <usize>page);
    if ((st & ST_MASK) != ST_HOME) continue;
    store<u8>(states + <usize>page, (st & ~ST_MASK) | ST_FLIGHT | flag);
    store<f64>(arrivals + (<usize>page << 3), load<f64>(deliverTimes + (<usize>i << 3)));
    taken++;
  }
  if (kind == KIND_PUSH) setCounter(C_PUSHED, counter(C_PUSHED) + <f64>taken);
  return taken;
}

/** The process moves to the destination. With keepAll every page is there already
 * (full copy, pre-copy); otherwise the pages it touched stay at home. */
export function migrate(keepAll: i32): void {
  const pages = <usize>param(P_PAGES);
  if (keepAll) {
    memory.fill(states, ST_LOCAL, pages);
  } else {
    // 16 pages a step: a page that existed (any state but ST_NONE) is now at home
    let p: usize = 0;
    const mask = i8x16.splat(<i8>ST_MASK);
    const home = i8x16.splat(<i8>ST_HOME);
    const none = i8x16.splat(<i8>ST_NONE);
    for (; p + 16 <= pages; p += 16) {
      const s = v128.and(v128.load(states + p), mask);
      v128.store(states + p, v128.and(i8x16.ne(s, none), home));
    }
    for (; p < pages; p++) {
      const s = load<u8>(states + p) & ST_MASK;
      store<u8>(states + p, s == ST_NONE ? ST_NONE : ST_HOME);
    }
  }
  setCounter(C_REMOTE, 1);
  setCounter(C_PENDING, 0);
}
