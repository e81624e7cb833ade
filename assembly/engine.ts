// The run loop: replays page-level records against the page table until the chunk
// ends, the process needs the network, a policy hook must run in the host, or the
// clock reaches the host's limit. Arrivals reach the policy as events when the
// process's clock passes them, in time order: what the destination node learns, when
// it learns it.
import {
  counters, chunkPages, chunkGaps, chunkFlags, states, arrivals, requests,
  deliverPages, deliverTimes, mru, layoutArena, arrivalQueue, scanEpochs, scanMasks,
} from "./arena";
import {
  ST_MASK, ST_NONE, ST_HOME, ST_FLIGHT, ST_LOCAL, F_DIRTY, F_PREFETCHED, F_TRIGGER,
  F_PUSHED, F_UNFIXED, F_UNSEEN, REC_WRITE, REC_CODE, STOP_CHUNK_END, STOP_FAULT, STOP_REQUESTS, STOP_LIMIT,
  STOP_WAIT, STOP_POLICY, KIND_PUSH, KIND_PUSH_ANNOUNCED, KIND_REPLY, C_NOW, C_RECORDS, C_ACCESSES,
  C_REMOTE_FAULTS, C_PUSH_MET_FAULTS, C_ZERO_FILLS, C_LATE_PREFETCHES, C_FAULT_STALL_NS, C_LATE_STALL_NS,
  C_PREFETCHED, C_USEFUL_PREFETCHES, C_PUSHED, C_USEFUL_PUSHES, C_REQUESTS,
  C_FAULT_SENT_AT, C_SERVICE_NS, C_CURSOR, C_CHUNK_LEN, C_PENDING, C_FAULT_PAGE, C_REMOTE,
  C_MRU_LEN, P_CPU_NS, P_TRAP_NS, P_ZERO_FILL_NS, P_FIRST_USE_NS, P_PAGES, P_SCAN_NS, MRU_CAP, COUNTERS,
  C_FAULT_PREFETCHES, C_PREFETCH_ISSUES, C_ARRIVAL_HEAD, C_ARRIVAL_TAIL, C_FAULT_OPEN, C_WAITING_SINCE, C_WAITED_NS,
  C_HOOK, C_HOOK_PAGE, C_HOOK_TIME, C_HOOK_ARG, C_ANSWERING_FAULT,
  C_SCAN_EPOCH, C_SCAN_END, C_RESIDENT, P_SCAN_NS_PER_PAGE, P_TRAP_CPU_NS, P_FIRST_USE_CPU_NS, P_KERNEL_STRETCH, C_FAULT_CPU_NS, SCAN_KEEP, SCAN_ALL,
  HOOK_USE, HOOK_ARRIVAL, HOOK_SERVED,
} from "./layout";
import {
  counter, setCounter, param, request, recordDemandEvent, resetRegionCache,
} from "./pagetable";
import {
  policyReset, policyOnFault, policyOnUse, policyOnServed, policyOnArrival, policyIsExternal,
} from "./policies/index";

export function init(pageCount: u32, chunkCap: u32): i32 {
  return layoutArena(pageCount, chunkCap);
}

/** Starts a process from scratch with the parameters and regions the host wrote. */
export function reset(): void {
  memory.fill(counters, 0, COUNTERS * 8);
  const pages = <usize>param(P_PAGES);
  memory.fill(states, 0, pages);
  memory.fill(scanMasks, 0, pages << 1);
  memory.fill(scanEpochs, 0, pages << 2);
  setCounter(C_FAULT_PAGE, -1);
  setCounter(C_WAITING_SINCE, -1);
  setCounter(C_SCAN_EPOCH, 1);
  setCounter(C_SCAN_END, scanInterval(0));
  resetRegionCache();
  policyReset();
}

/** The process's work after `acc` accesses, rounded to the nanosecond. A record is
 * charged this total less the total before it, carried through the loop: rounding each
 * record on its own would bias a fractional time per access wherever records are short
 * (a trace's one- and two-access records at 0.5 ns: +42% work); this way a run's work is
 * its accesses times the time per access to within 1 ns. */
// @ts-ignore: decorator
@inline function workTotal(acc: f64, cpuNs: f64): f64 {
  return Math.floor(acc * cpuNs + 0.5);
}

// Scratch for rebuilding the list of most recently used pages (static data, not arena).
const mruNext: usize = memory.data(MRU_CAP * 4, 4);

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

/** The list of the most recently used distinct pages (for eager sends), newest first,
 * after the records [start, end) of the chunk: their distinct pages scanning back from
 * the newest, then the old list's pages not seen among them. This equals a
 * move-to-front update per record, but costs a short backward scan per run() call
 * instead of a list search and shift on every record. */
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
 * space or has flags other than write and code (a library's stream may; the replay
 * loops only mask them), or count. The host asks once per chunk it loads, before any
 * run(): a SIMD pass over the page and flag columns, rather than compares in the
 * replay loops. */
export function firstBadRecord(count: i32): i32 {
  const limit = <u32>param(P_PAGES);
  const top = i32x4.splat(<i32>limit);
  const flagTop = i8x16.splat(<i8>(REC_WRITE | REC_CODE));
  let i = 0;
  for (; i + 16 <= count; i += 16) {
    const at = chunkPages + (<usize>i << 2);
    const over = v128.or(
      v128.or(
        v128.or(i32x4.ge_u(v128.load(at), top), i32x4.ge_u(v128.load(at, 16), top)),
        v128.or(i32x4.ge_u(v128.load(at, 32), top), i32x4.ge_u(v128.load(at, 48), top)),
      ),
      i8x16.gt_u(v128.load(chunkFlags + <usize>i), flagTop),
    );
    if (v128.any_true(over)) break;
  }
  for (; i < count; i++) {
    if (load<u32>(chunkPages + (<usize>i << 2)) >= limit || load<u8>(chunkFlags + <usize>i) > (REC_WRITE | REC_CODE)) return i;
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

/** The length of a scan window that starts with `resident` pages touched: a scanner
 * paced by the pages it walks (P_SCAN_NS_PER_PAGE), at least P_SCAN_NS; no scans (one
 * window) when P_SCAN_NS is 0 or less. */
// @ts-ignore: decorator
@inline function scanInterval(resident: f64): f64 {
  const ns = param(P_SCAN_NS);
  if (ns <= 0) return Infinity;
  return Math.max(ns, resident * param(P_SCAN_NS_PER_PAGE));
}

/** Moves the scan windows (C_SCAN_EPOCH, from 1; C_SCAN_END) on to the one holding
 * time `now`, `resident` pages touched so far; no page was touched in the windows passed
 * over, so they share a length. */
function advanceScan(now: f64, resident: f64): void {
  const end = counter(C_SCAN_END);
  if (now < end) return;
  const interval = scanInterval(resident);
  const passed = Math.floor((now - end) / interval) + 1;
  setCounter(C_SCAN_EPOCH, counter(C_SCAN_EPOCH) + passed);
  setCounter(C_SCAN_END, end + passed * interval);
}

/** Before migration every page is local: track which exist, which are dirty, which
 * were used last, and what the accessed-bit scans see (per page: the newest window it
 * was referenced in, and a bit for each of the SCAN_KEEP windows up to that one; a
 * kernel gets the same by clearing and reading accessed bits once per interval). */
function runHome(limit: f64): i32 {
  const cpuNs = param(P_CPU_NS);
  const len = <i32>counter(C_CHUNK_LEN);
  let cur = <i32>counter(C_CURSOR);
  let now = counter(C_NOW);
  let acc = counter(C_ACCESSES);
  let charged = workTotal(acc, cpuNs);
  let window = <u32>counter(C_SCAN_EPOCH);
  let windowEnd = counter(C_SCAN_END);
  let resident = counter(C_RESIDENT);
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
      acc += <f64>gap;
      const total = workTotal(acc, cpuNs);
      now += total - charged;
      charged = total;
      if (now >= windowEnd) {
        advanceScan(now, resident);
        window = <u32>counter(C_SCAN_EPOCH);
        windowEnd = counter(C_SCAN_END);
      }
      pending = true;
      // the work ran past the host's next event: the access comes after it (a copy turn
      // then must not send, as clean, a page the record writes later); an event at the
      // access's instant finds the record done (a time trigger decides between records)
      if (now > limit) {
        stop = STOP_LIMIT;
        break;
      }
    }
    pending = false;
    const old = load<u8>(states + <usize>page);
    if ((old & ST_MASK) == ST_NONE) resident++;
    let st = old | ST_LOCAL;
    if (load<u8>(chunkFlags + <usize>cur) & REC_WRITE) st |= F_DIRTY;
    store<u8>(states + <usize>page, st);
    const seen = load<u32>(scanEpochs + (<usize>page << 2));
    if (seen != window) {
      const age = window - seen;
      const bits = seen == 0 || age >= <u32>SCAN_KEEP ? 0 : <u32>load<u16>(scanMasks + (<usize>page << 1)) << age;
      store<u16>(scanMasks + (<usize>page << 1), <u16>((bits | 1) & SCAN_ALL));
      store<u32>(scanEpochs + (<usize>page << 2), window);
    }
    cur++;
  }
  mergeMru(start, cur);
  setCounter(C_RESIDENT, resident);
  setCounter(C_PENDING, pending ? 1 : 0);
  saveRun(cur - start, cur, now, acc);
  return stop;
}

// ---- arrivals --------------------------------------------------------------------

/** When the next undelivered arrival happens (Infinity: none is fixed). */
// @ts-ignore: decorator
@inline function nextArrival(): f64 {
  const head = <i32>counter(C_ARRIVAL_HEAD);
  if (head >= <i32>counter(C_ARRIVAL_TAIL)) return Infinity;
  return load<f64>(arrivals + (<usize>load<u32>(arrivalQueue + (<usize>head << 2)) << 3));
}

/** Queues `page`, arriving at `t`, in time order after the arrivals not yet delivered
 * (one path home -> here delivers in order, so this is an append but for ties). */
function enqueueArrival(page: u32, t: f64): void {
  const head = <i32>counter(C_ARRIVAL_HEAD);
  let i = <i32>counter(C_ARRIVAL_TAIL);
  while (i > head) {
    const before = load<u32>(arrivalQueue + (<usize>(i - 1) << 2));
    if (load<f64>(arrivals + (<usize>before << 3)) <= t) break;
    store<u32>(arrivalQueue + (<usize>i << 2), before);
    i--;
  }
  store<u32>(arrivalQueue + (<usize>i << 2), page);
  setCounter(C_ARRIVAL_TAIL, counter(C_ARRIVAL_TAIL) + 1);
}

// @ts-ignore: decorator
@inline function setHook(kind: i32, page: u32, t: f64, arg: f64): void {
  setCounter(C_HOOK, <f64>kind);
  setCounter(C_HOOK_PAGE, <f64>page);
  setCounter(C_HOOK_TIME, t);
  setCounter(C_HOOK_ARG, arg);
}

/** Delivers the arrivals due by `now`, in time order: onServed when the page of the
 * open fault arrives, onArrival for every page. Each hook that asks for pages ends the
 * call with STOP_REQUESTS (they leave now, as their own request); with an external
 * policy every hook is a STOP_POLICY. STOP_CHUNK_END: all due arrivals delivered. */
function arrivalsDue(now: f64): i32 {
  const external = policyIsExternal();
  let head = <i32>counter(C_ARRIVAL_HEAD);
  const tail = <i32>counter(C_ARRIVAL_TAIL);
  while (head < tail) {
    const page = load<u32>(arrivalQueue + (<usize>head << 2));
    const t = load<f64>(arrivals + (<usize>page << 3));
    if (t > now) break;
    setCounter(C_REQUESTS, 0);
    // a pushed page is known here from its landing on
    const st = load<u8>(states + <usize>page);
    if (st & F_UNSEEN) store<u8>(states + <usize>page, st & ~F_UNSEEN);
    if (counter(C_FAULT_OPEN) != 0 && <f64>page == counter(C_FAULT_PAGE)) {
      setCounter(C_FAULT_OPEN, 0);
      if (st & F_PUSHED) {
        // the push brought the faulting page before the home node answered: no service
        // time to learn from
        setCounter(C_PUSH_MET_FAULTS, counter(C_PUSH_MET_FAULTS) + 1);
      } else {
        // the fault is served: its arrival hook follows on the next pass
        const service = t - counter(C_FAULT_SENT_AT);
        setCounter(C_SERVICE_NS, service);
        if (external) {
          setHook(HOOK_SERVED, page, t, service);
          return STOP_POLICY;
        }
        policyOnServed(service);
        if (counter(C_REQUESTS) > 0) return STOP_REQUESTS;
      }
    }
    head++;
    setCounter(C_ARRIVAL_HEAD, <f64>head);
    if (external) {
      setHook(HOOK_ARRIVAL, page, t, 0);
      return STOP_POLICY;
    }
    policyOnArrival(page, t);
    if (counter(C_REQUESTS) > 0) return STOP_REQUESTS;
  }
  return STOP_CHUNK_END;
}

/** After migration: hits, zero-fills, stalls on pages in flight, remote faults. */
function runRemote(limit: f64): i32 {
  const cpuNs = param(P_CPU_NS);
  const len = <i32>counter(C_CHUNK_LEN);
  let cur = <i32>counter(C_CURSOR);
  let now = counter(C_NOW);
  let acc = counter(C_ACCESSES);
  let charged = workTotal(acc, cpuNs);
  let pending = counter(C_PENDING) != 0;
  let due = nextArrival();
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
      acc += <f64>gap;
      const total = workTotal(acc, cpuNs);
      now += total - charged;
      charged = total;
      pending = true;
      // the work reached the host's next event: the access comes after it (a fault's
      // request must not enter the links before traffic that is due earlier)
      if (now >= limit) {
        stop = STOP_LIMIT;
        break;
      }
    }
    if (now >= due) {
      // pages that arrived by now, before this record's access
      setCounter(C_NOW, now);
      const s = arrivalsDue(now);
      due = nextArrival();
      if (s != STOP_CHUNK_END) {
        stop = s;
        break;
      }
    }
    let st = load<u8>(states + <usize>page);
    // a pushed page on its way that the destination has not seen is, to it, at home
    const s = st & F_UNSEEN ? ST_HOME : st & ST_MASK;
    if (s == ST_FLIGHT) {
      // blocked until the page arrives. Its arrival may not be fixed yet (queued behind
      // other traffic): then wait up to the host's limit, whose event may send it. Either
      // way stop at the next arrival first, so its hooks run on time; then look again.
      const unfixed = (st & F_UNFIXED) != 0;
      const arr = unfixed ? limit : load<f64>(arrivals + (<usize>page << 3));
      if (arr > now) {
        if (counter(C_WAITING_SINCE) < 0) setCounter(C_WAITING_SINCE, now);
        const until = due < arr ? due : arr;
        if (until == Infinity) {
          // nothing in sight will send it: the host must advance the link
          stop = STOP_WAIT;
          break;
        }
        setCounter(C_WAITED_NS, counter(C_WAITED_NS) + (until - now));
        if (<f64>page == counter(C_FAULT_PAGE)) {
          setCounter(C_FAULT_STALL_NS, counter(C_FAULT_STALL_NS) + (until - now));
        } else {
          setCounter(C_LATE_STALL_NS, counter(C_LATE_STALL_NS) + (until - now));
          if (!unfixed && until == arr && (st & (F_PREFETCHED | F_PUSHED))) {
            setCounter(C_LATE_PREFETCHES, counter(C_LATE_PREFETCHES) + 1);
          }
        }
        now = until;
        continue;
      }
      setCounter(C_WAITING_SINCE, -1);
      st = (st & ~ST_MASK) | ST_LOCAL;
    } else if (s == ST_HOME) {
      // remote fault: trap locally, then the request (with any prefetch list) leaves
      const trap = param(P_TRAP_NS);
      now += onShare(trap);
      setCounter(C_FAULT_STALL_NS, counter(C_FAULT_STALL_NS) + trap);
      setCounter(C_FAULT_CPU_NS, counter(C_FAULT_CPU_NS) + param(P_TRAP_CPU_NS));
      setCounter(C_REMOTE_FAULTS, counter(C_REMOTE_FAULTS) + 1);
      setCounter(C_REQUESTS, 0);
      request(page, 0);
      setCounter(C_FAULT_PAGE, <f64>page);
      setCounter(C_FAULT_SENT_AT, now);
      setCounter(C_WAITING_SINCE, now);
      setCounter(C_FAULT_OPEN, 1);
      setCounter(C_ANSWERING_FAULT, 1);
      setCounter(C_NOW, now);
      recordDemandEvent(page, now, execTime(now));
      // an external policy's onFault runs in the host at this stop
      if (!policyIsExternal()) policyOnFault(page, now);
      stop = STOP_FAULT;
      break;
    } else if (s == ST_NONE) {
      now += onShare(param(P_ZERO_FILL_NS));
      setCounter(C_ZERO_FILLS, counter(C_ZERO_FILLS) + 1);
      st = ST_LOCAL;
    }
    // the access itself
    if (load<u8>(chunkFlags + <usize>cur) & REC_WRITE) st |= F_DIRTY;
    pending = false;
    cur++;
    if (st & (F_PREFETCHED | F_PUSHED | F_TRIGGER)) {
      store<u8>(states + <usize>page, st & ~(F_PREFETCHED | F_PUSHED | F_TRIGGER));
      if (st & F_PUSHED) setCounter(C_USEFUL_PUSHES, counter(C_USEFUL_PUSHES) + 1);
      // a page asked for: prefetched, or a trigger the push brought (the destination asked
      // for it as one, and maps it at its first use whichever message carried it)
      if (st & (F_PREFETCHED | F_TRIGGER)) {
        if (st & F_PREFETCHED) setCounter(C_USEFUL_PREFETCHES, counter(C_USEFUL_PREFETCHES) + 1);
        // its first use is a local fault that maps it and shows the policy the use: a
        // stall on a fault, so it stays out of the execution clock (docs/model.md)
        const firstUse = param(P_FIRST_USE_NS);
        now += onShare(firstUse);
        setCounter(C_FAULT_STALL_NS, counter(C_FAULT_STALL_NS) + firstUse);
        setCounter(C_FAULT_CPU_NS, counter(C_FAULT_CPU_NS) + param(P_FIRST_USE_CPU_NS));
        recordDemandEvent(page, now, execTime(now));
        setCounter(C_REQUESTS, 0);
        setCounter(C_NOW, now);
        const trigger = (st & F_TRIGGER) != 0;
        if (policyIsExternal()) {
          setHook(HOOK_USE, page, now, trigger ? 1 : 0);
          stop = STOP_POLICY;
          break;
        }
        policyOnUse(page, now, trigger);
        if (counter(C_REQUESTS) > 0) {
          stop = STOP_REQUESTS;
          break;
        }
      }
    } else {
      store<u8>(states + <usize>page, st);
    }
  }
  saveRun(cur - start, cur, now, acc);
  setCounter(C_PENDING, pending ? 1 : 0);
  return stop;
}

/** The wall time of `ns` of a fault's kernel work on the process's share of a CPU: the
 * part beyond `ns` is time it stood runnable without one (a cluster's cpuWaitNs), so
 * the stall counters take `ns` alone. */
// @ts-ignore: decorator
@inline function onShare(ns: f64): f64 {
  return ns + ns * param(P_KERNEL_STRETCH);
}

/** The process's execution time at `now`: its clock less the time it stood stalled on
 * the network (what ampom's paging rate is measured over), with the parts of its faults
 * charged to its CPU clock (P_TRAP_CPU_NS, P_FIRST_USE_CPU_NS; 0 unless set). */
// @ts-ignore: decorator
@inline function execTime(now: f64): f64 {
  return now - counter(C_FAULT_STALL_NS) - counter(C_LATE_STALL_NS) + counter(C_FAULT_CPU_NS);
}

/** The host has sent the request list (after STOP_FAULT, STOP_REQUESTS, or an external
 * hook that asked for pages). The pages stay in flight with their arrival not fixed:
 * deliver(KIND_REPLY) fixes each when its transmission is certain. On a fault the
 * first request is the faulting page; the rest are prefetches. */
export function answerRequests(count: i32): void {
  const faultAnswer = counter(C_ANSWERING_FAULT) != 0;
  let prefetched = 0;
  const listed = count - (faultAnswer ? 1 : 0);
  for (let i = faultAnswer ? 1 : 0; i < count; i++) {
    const page = load<u32>(requests + (<usize>i << 2));
    const st = load<u8>(states + <usize>page);
    // a page the push sent already is not sent again: it stays a pushed page
    if (st & F_PUSHED) continue;
    store<u8>(states + <usize>page, st | F_PREFETCHED);
    prefetched++;
  }
  if (prefetched > 0) setCounter(C_PREFETCHED, counter(C_PREFETCHED) + <f64>prefetched);
  if (listed > 0) {
    setCounter(C_PREFETCH_ISSUES, counter(C_PREFETCH_ISSUES) + 1);
    if (faultAnswer) setCounter(C_FAULT_PREFETCHES, counter(C_FAULT_PREFETCHES) + <f64>listed);
  }
  setCounter(C_ANSWERING_FAULT, 0);
  setCounter(C_REQUESTS, 0);
}

/** Pages on their way: deliverPages[i] arrives at deliverTimes[i]. KIND_REPLY fixes the
 * arrival of pages already requested; KIND_EAGER and the pushes send pages still at
 * home on the mechanism's own account. Other pages are skipped; returns how many
 * were taken. */
export function deliver(count: i32, kind: i32): i32 {
  let taken = 0;
  const push = kind == KIND_PUSH || kind == KIND_PUSH_ANNOUNCED;
  // a plain push's page is, to the destination, at home until it lands; an announced
  // one is known to be on its way, so a touch waits for it with no fault
  const flags: u8 = kind == KIND_PUSH ? F_PUSHED | F_UNSEEN : push ? F_PUSHED : 0;
  for (let i = 0; i < count; i++) {
    const page = load<u32>(deliverPages + (<usize>i << 2));
    const st = load<u8>(states + <usize>page);
    const asked = (st & ST_MASK) == ST_FLIGHT && (st & F_UNFIXED) != 0;
    const t = load<f64>(deliverTimes + (<usize>i << 3));
    // NaN: the page has left, its arrival not fixed yet (the switch has not taken it);
    // a KIND_REPLY delivery fixes it later
    const later: u8 = isNaN(t) ? F_UNFIXED : 0;
    if (kind == KIND_REPLY) {
      if (!asked || later) continue;
      store<u8>(states + <usize>page, st & ~F_UNFIXED);
    } else if (push && asked) {
      // asked for, but the home node had not taken the request when its push sent the
      // page: it comes as a pushed page, and the answer will skip it
      if (st & F_PREFETCHED) setCounter(C_PREFETCHED, counter(C_PREFETCHED) - 1);
      store<u8>(states + <usize>page, (st & ~(F_UNFIXED | F_PREFETCHED)) | F_PUSHED | later);
    } else {
      if ((st & ST_MASK) != ST_HOME) continue;
      store<u8>(states + <usize>page, (st & ~ST_MASK) | ST_FLIGHT | flags | later);
    }
    if (!later) {
      store<f64>(arrivals + (<usize>page << 3), t);
      enqueueArrival(page, t);
    }
    taken++;
  }
  if (push) setCounter(C_PUSHED, counter(C_PUSHED) + <f64>taken);
  return taken;
}

/** The process moves to the destination. With keepAll (full copy) the copy has brought
 * every page that exists (any state but ST_NONE): those are local now. Otherwise they
 * stay at home. Either way a page that does not exist yet stays ST_NONE (its first touch
 * is a local zero-fill): like every mechanism, a copy sends no page the process never
 * had. The final accessed-bit scan happens now, at the freeze. */
export function migrate(keepAll: i32): void {
  advanceScan(counter(C_NOW), counter(C_RESIDENT));
  const pages = <usize>param(P_PAGES);
  const to = <u8>(keepAll ? ST_LOCAL : ST_HOME);
  // 16 pages a step: a page that existed is now `to`; flags go with the move
  let p: usize = 0;
  const mask = i8x16.splat(<i8>ST_MASK);
  const moved = i8x16.splat(<i8>to);
  const none = i8x16.splat(<i8>ST_NONE);
  for (; p + 16 <= pages; p += 16) {
    const s = v128.and(v128.load(states + p), mask);
    v128.store(states + p, v128.and(i8x16.ne(s, none), moved));
  }
  for (; p < pages; p++) {
    const s = load<u8>(states + p) & ST_MASK;
    store<u8>(states + p, s == ST_NONE ? ST_NONE : to);
  }
  // a record whose work is done (C_PENDING) keeps its access for the destination: the
  // freeze came after the work, so the access does too
  setCounter(C_REMOTE, 1);
  // nothing is in flight now (every page is here or at home): the arrival queue, which
  // holds each page at most once between migrations, starts empty
  setCounter(C_ARRIVAL_HEAD, 0);
  setCounter(C_ARRIVAL_TAIL, 0);
}
