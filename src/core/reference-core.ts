// The TypeScript reference core: the same model as assembly/engine.ts and
// assembly/pagetable.ts, written for reading rather than speed. The differential tests
// require it to produce exactly the counters the WebAssembly core produces.
import {
  ST_MASK, ST_NONE, ST_HOME, ST_FLIGHT, ST_LOCAL, F_DIRTY, F_PREFETCHED, F_TRIGGER,
  F_PUSHED, F_UNFIXED, F_UNSEEN, REC_WRITE, REC_CODE, STOP_CHUNK_END, STOP_FAULT, STOP_REQUESTS, STOP_LIMIT,
  STOP_WAIT, STOP_POLICY, KIND_PUSH, KIND_PUSH_ANNOUNCED, KIND_REPLY, C_NOW, C_RECORDS, C_ACCESSES,
  C_REMOTE_FAULTS, C_PUSH_MET_FAULTS, C_ZERO_FILLS, C_LATE_PREFETCHES, C_FAULT_STALL_NS, C_LATE_STALL_NS,
  C_PREFETCHED, C_USEFUL_PREFETCHES, C_PUSHED, C_USEFUL_PUSHES, C_REQUESTS, C_FAULT_SENT_AT,
  C_SERVICE_NS, C_CURSOR, C_CHUNK_LEN, C_PENDING, C_FAULT_PAGE, C_DEMAND_EVENTS, C_REMOTE,
  C_MRU_LEN, P_CPU_NS, P_TRAP_NS, P_ZERO_FILL_NS, P_FIRST_USE_NS, P_POLICY, P_HISTORY, P_REGIONS, P_PAGES,
  P_POLICY_BASE, P_SCAN_NS, COUNTERS, PARAMS, REGION_CAP, HISTORY_CAP, REQUEST_CAP,
  DELIVERY_CAP, MRU_CAP, C_FAULT_PREFETCHES, C_PREFETCH_ISSUES, C_ARRIVAL_HEAD,
  C_ARRIVAL_TAIL, C_FAULT_OPEN, C_HOOK, C_HOOK_PAGE, C_HOOK_TIME, C_HOOK_ARG, C_SCAN_EPOCH,
  C_ANSWERING_FAULT, C_SCAN_END, C_RESIDENT, C_WAITING_SINCE, C_WAITED_NS, P_SCAN_NS_PER_PAGE, P_TRAP_CPU_NS, P_FIRST_USE_CPU_NS, P_KERNEL_STRETCH, C_FAULT_CPU_NS, HOOK_USE, HOOK_ARRIVAL,
  HOOK_SERVED, POLICY_EXTERNAL, SCAN_KEEP, SCAN_ALL,
} from "./abi.js";
import { arrivedAt, knownAtHome, knownState, pushSendsOldLast, regionOf, requestPage, scanBits } from "./page-services.js";
import { checkCoreCapacity, hostRefusedError, type CoreViews, type SimCore } from "./types.js";
import { createReferencePolicy, type ReferencePolicy } from "./reference-policies/index.js";
import {
  DECODE_CHECKSUM, DECODE_MALFORMED, DECODE_OK, decodeBlock, hash32, traceInputBytes,
} from "../trace/amt-codec.js";

/** What a reference policy may see and do: the TypeScript twin of assembly/pagetable.ts. */
export interface PolicyServices {
  readonly states: Uint8Array;
  policyParam(i: number): number;
  /** Policies write only their own report slots (C_POLICY_SCORE, C_POLICY_WINDOW). */
  setCounter(slot: number, value: number): void;
  /** The process clock as of the hook being run. */
  now(): number;
  /** Pages in the address space (P_PAGES). */
  pageCount(): number;
  /** Regions in the region table (P_REGIONS). */
  regionCount(): number;
  /** The state as the destination knows it (page-services.ts knownState). */
  knownState(page: number): number;
  /** Whether the destination would ask for a page (page-services.ts knownAtHome). */
  knownAtHome(page: number): boolean;
  /** When a page that has arrived arrived; throws for a page still in flight. */
  arrivedAt(page: number): number;
  /** The accessed-bit scans before migration (page-services.ts scanBits). */
  scanBits(page: number): number;
  /** Whether the push holds back the pages no kept scan saw (page-services.ts). */
  pushSendsOldLast(): boolean;
  request(page: number, flags: number): boolean;
  requestCount(): number;
  regionOf(page: number): number;
  regionStart(r: number): number;
  regionEnd(r: number): number;
  historyLength(): number;
  historyEvents(): number;
  historyPage(k: number): number;
  historyTime(k: number): number;
  /** Execution time (clock less network stalls) at the k-th newest event. */
  historyExecTime(k: number): number;
}

/** The work of `accesses` at `nsPerAccess`, as both cores total it: the running total,
 * rounded to the nanosecond once (the engine's workTotal()). */
export function workNs(accesses: number, nsPerAccess: number): number {
  return Math.floor(accesses * nsPerAccess + 0.5);
}

/** The wall time of `ns` of a fault's kernel work on the process's share of a CPU (the
 * engine's onShare(): the part beyond `ns` is CPU wait, not stall). */
function onShare(p: Float64Array, ns: number): number {
  return ns + ns * p[P_KERNEL_STRETCH];
}

export class ReferenceCore implements SimCore, PolicyServices {
  readonly kind = "reference" as const;
  private v!: CoreViews;
  states = new Uint8Array(0);
  private arrivals = new Float64Array(0);
  private arrivalQueue = new Uint32Array(0);
  private histPages = new Uint32Array(HISTORY_CAP);
  private histTimes = new Float64Array(HISTORY_CAP);
  private histExec = new Float64Array(HISTORY_CAP);
  private policy: ReferencePolicy = createReferencePolicy(0, this);
  private external = false;
  private input = new Uint8Array(0);

  init(pageCount: number, chunkCapacity: number): CoreViews {
    checkCoreCapacity(pageCount, chunkCapacity);
    // every table made before any is replaced: an allocation the host refuses (a
    // RangeError) leaves the earlier layout whole, as SimCore.init promises
    try {
      const states = new Uint8Array(pageCount);
      const arrivals = new Float64Array(pageCount);
      const arrivalQueue = new Uint32Array(pageCount);
      const input = new Uint8Array(traceInputBytes(chunkCapacity));
      const v: CoreViews = {
        counters: new Float64Array(COUNTERS),
        params: new Float64Array(PARAMS),
        regions: new Uint32Array(REGION_CAP * 2),
        requests: new Uint32Array(REQUEST_CAP),
        deliverPages: new Uint32Array(DELIVERY_CAP),
        deliverTimes: new Float64Array(DELIVERY_CAP),
        chunkPages: new Uint32Array(chunkCapacity),
        chunkGaps: new Uint32Array(chunkCapacity),
        chunkFlags: new Uint8Array(chunkCapacity),
        states,
        mru: new Uint32Array(MRU_CAP),
        arrivals,
        scanEpochs: new Uint32Array(pageCount),
        scanMasks: new Uint16Array(pageCount),
      };
      this.v = v;
      this.states = states;
      this.arrivals = arrivals;
      this.arrivalQueue = arrivalQueue;
      this.input = input;
      return v;
    } catch (err) {
      if (err instanceof RangeError) throw hostRefusedError("the reference core could not allocate", pageCount, chunkCapacity);
      throw err;
    }
  }

  reset(): void {
    const c = this.v.counters;
    c.fill(0);
    const pages = this.v.params[P_PAGES];
    this.states.fill(0, 0, pages);
    this.v.scanEpochs.fill(0, 0, pages);
    this.v.scanMasks.fill(0, 0, pages);
    c[C_FAULT_PAGE] = -1;
    c[C_WAITING_SINCE] = -1;
    c[C_SCAN_EPOCH] = 1;
    c[C_SCAN_END] = this.scanInterval(0);
    const id = this.v.params[P_POLICY];
    this.external = id === POLICY_EXTERNAL;
    this.policy = createReferencePolicy(this.external ? 0 : id, this);
    this.policy.reset();
  }

  // ---- services for policies ------------------------------------------------------
  policyParam(i: number): number {
    return this.v.params[P_POLICY_BASE + i];
  }
  setCounter(slot: number, value: number): void {
    this.v.counters[slot] = value;
  }
  now(): number {
    return this.v.counters[C_NOW];
  }
  pageCount(): number {
    return this.v.params[P_PAGES];
  }
  regionCount(): number {
    return this.v.params[P_REGIONS];
  }
  knownState(page: number): number {
    return knownState(this.v, page);
  }
  knownAtHome(page: number): boolean {
    return knownAtHome(this.states, page);
  }
  arrivedAt(page: number): number {
    return arrivedAt(this.v, page);
  }
  scanBits(page: number): number {
    return scanBits(this.v, page);
  }
  pushSendsOldLast(): boolean {
    return pushSendsOldLast(this.v);
  }
  requestCount(): number {
    return this.v.counters[C_REQUESTS];
  }
  request(page: number, flags: number): boolean {
    return requestPage(this.v, page, flags);
  }
  regionStart(r: number): number {
    return this.v.regions[2 * r];
  }
  regionEnd(r: number): number {
    return this.v.regions[2 * r + 1];
  }
  regionOf(page: number): number {
    return regionOf(this.v, page);
  }
  historyLength(): number {
    return this.v.params[P_HISTORY];
  }
  historyEvents(): number {
    return this.v.counters[C_DEMAND_EVENTS];
  }
  private ringSlot(k: number): number {
    return (this.historyEvents() - 1 - k) % this.historyLength();
  }
  historyPage(k: number): number {
    return this.histPages[this.ringSlot(k)];
  }
  historyTime(k: number): number {
    return this.histTimes[this.ringSlot(k)];
  }
  historyExecTime(k: number): number {
    return this.histExec[this.ringSlot(k)];
  }
  private recordDemandEvent(page: number, now: number): void {
    const c = this.v.counters;
    const n = this.historyEvents();
    const slot = n % this.historyLength();
    this.histPages[slot] = page;
    this.histTimes[slot] = now;
    this.histExec[slot] = now - c[C_FAULT_STALL_NS] - c[C_LATE_STALL_NS] + c[C_FAULT_CPU_NS];
    c[C_DEMAND_EVENTS] = n + 1;
  }

  // ---- the run loop ---------------------------------------------------------------
  run(limitNs: number): number {
    return this.v.counters[C_REMOTE] !== 0 ? this.runRemote(limitNs) : this.runHome(limitNs);
  }

  /** A record's CPU time: the total work rounded, less that before it (the engine's
   * workTotal(), which carries the total through its loop). */
  private work(gap: number): number {
    const acc = this.v.counters[C_ACCESSES];
    const ns = this.v.params[P_CPU_NS];
    return workNs(acc + gap, ns) - workNs(acc, ns);
  }

  /** A scan window's length when it starts with `resident` pages touched (the
   * engine's scanInterval()). */
  private scanInterval(resident: number): number {
    const ns = this.v.params[P_SCAN_NS];
    if (ns <= 0) return Infinity;
    return Math.max(ns, resident * this.v.params[P_SCAN_NS_PER_PAGE]);
  }

  /** Moves the scan windows on to the one holding `now`, `resident` pages touched so
   * far (the engine's advanceScan()). */
  private advanceScan(now: number, resident: number): void {
    const c = this.v.counters;
    const end = c[C_SCAN_END];
    if (now < end) return;
    const interval = this.scanInterval(resident);
    const passed = Math.floor((now - end) / interval) + 1;
    c[C_SCAN_EPOCH] += passed;
    c[C_SCAN_END] = end + passed * interval;
  }

  private touchMru(page: number): void {
    const { mru, counters } = this.v;
    const n = counters[C_MRU_LEN];
    const at = mru.subarray(0, n).indexOf(page);
    if (at === 0) return;
    const list = Array.from(mru.subarray(0, n));
    if (at > 0) list.splice(at, 1);
    list.unshift(page);
    const kept = list.slice(0, MRU_CAP);
    mru.set(kept);
    counters[C_MRU_LEN] = kept.length;
  }

  /** The accessed-bit scan of the window holding the access sees `page` referenced. */
  private markScanned(page: number, window: number): void {
    const { scanEpochs, scanMasks } = this.v;
    const seen = scanEpochs[page];
    if (seen === window) return;
    const age = window - seen;
    const bits = seen === 0 || age >= SCAN_KEEP ? 0 : scanMasks[page] << age;
    scanMasks[page] = (bits | 1) & SCAN_ALL;
    scanEpochs[page] = window;
  }

  private runHome(limit: number): number {
    const c = this.v.counters;
    while (c[C_CURSOR] < c[C_CHUNK_LEN]) {
      if (c[C_NOW] >= limit) return STOP_LIMIT;
      const i = c[C_CURSOR];
      const page = this.v.chunkPages[i];
      if (!c[C_PENDING]) {
        const gap = this.v.chunkGaps[i];
        c[C_NOW] += this.work(gap);
        c[C_ACCESSES] += gap;
        this.advanceScan(c[C_NOW], c[C_RESIDENT]);
        c[C_PENDING] = 1;
        // as engine.ts: the access comes after the host's events before the clock
        if (c[C_NOW] > limit) return STOP_LIMIT;
      }
      c[C_PENDING] = 0;
      if ((this.states[page] & ST_MASK) === ST_NONE) c[C_RESIDENT]++;
      this.states[page] |= ST_LOCAL;
      if (this.v.chunkFlags[i] & REC_WRITE) this.states[page] |= F_DIRTY;
      this.markScanned(page, c[C_SCAN_EPOCH]);
      this.touchMru(page);
      c[C_CURSOR] = i + 1;
      c[C_RECORDS] += 1;
    }
    return STOP_CHUNK_END;
  }

  // ---- arrivals -------------------------------------------------------------------
  private nextArrival(): number {
    const c = this.v.counters;
    return c[C_ARRIVAL_HEAD] < c[C_ARRIVAL_TAIL] ? this.arrivals[this.arrivalQueue[c[C_ARRIVAL_HEAD]]] : Infinity;
  }

  /** Queues `page`, arriving at `t`, in time order after the undelivered arrivals. */
  private enqueueArrival(page: number, t: number): void {
    const c = this.v.counters;
    const q = this.arrivalQueue;
    let i = c[C_ARRIVAL_TAIL];
    while (i > c[C_ARRIVAL_HEAD] && this.arrivals[q[i - 1]] > t) {
      q[i] = q[i - 1];
      i--;
    }
    q[i] = page;
    c[C_ARRIVAL_TAIL] += 1;
  }

  private setHook(kind: number, page: number, t: number, arg: number): number {
    const c = this.v.counters;
    c[C_HOOK] = kind;
    c[C_HOOK_PAGE] = page;
    c[C_HOOK_TIME] = t;
    c[C_HOOK_ARG] = arg;
    return STOP_POLICY;
  }

  /** The twin of engine.ts arrivalsDue(): onServed, then onArrival, in time order. */
  private arrivalsDue(now: number): number {
    const c = this.v.counters;
    while (c[C_ARRIVAL_HEAD] < c[C_ARRIVAL_TAIL]) {
      const page = this.arrivalQueue[c[C_ARRIVAL_HEAD]];
      const t = this.arrivals[page];
      if (t > now) break;
      c[C_REQUESTS] = 0;
      // as engine.ts: a pushed page is known from its landing on; a faulting page the
      // push brought gives no service time
      const st = this.states[page];
      if (st & F_UNSEEN) this.states[page] = st & ~F_UNSEEN;
      if (c[C_FAULT_OPEN] !== 0 && page === c[C_FAULT_PAGE]) {
        c[C_FAULT_OPEN] = 0;
        if (st & F_PUSHED) {
          c[C_PUSH_MET_FAULTS] += 1;
        } else {
          c[C_SERVICE_NS] = t - c[C_FAULT_SENT_AT];
          if (this.external) return this.setHook(HOOK_SERVED, page, t, c[C_SERVICE_NS]);
          this.policy.onServed(c[C_SERVICE_NS]);
          if (c[C_REQUESTS] > 0) return STOP_REQUESTS;
        }
      }
      c[C_ARRIVAL_HEAD] += 1;
      if (this.external) return this.setHook(HOOK_ARRIVAL, page, t, 0);
      this.policy.onArrival(page, t);
      if (c[C_REQUESTS] > 0) return STOP_REQUESTS;
    }
    return STOP_CHUNK_END;
  }

  private runRemote(limit: number): number {
    const c = this.v.counters;
    const p = this.v.params;
    while (c[C_CURSOR] < c[C_CHUNK_LEN]) {
      if (c[C_NOW] >= limit) return STOP_LIMIT;
      const i = c[C_CURSOR];
      const page = this.v.chunkPages[i];
      if (!c[C_PENDING]) {
        // the record's work happens once, even if the access must wait
        c[C_NOW] += this.work(this.v.chunkGaps[i]);
        c[C_ACCESSES] += this.v.chunkGaps[i];
        c[C_PENDING] = 1;
        // the access comes after the host's events up to the clock
        if (c[C_NOW] >= limit) return STOP_LIMIT;
      }
      if (c[C_NOW] >= this.nextArrival()) {
        const stop = this.arrivalsDue(c[C_NOW]);
        if (stop !== STOP_CHUNK_END) return stop;
      }
      let st = this.states[page];
      // as engine.ts: a pushed page the destination has not seen is, to it, at home
      switch (st & F_UNSEEN ? ST_HOME : st & ST_MASK) {
        case ST_FLIGHT: {
          // blocked until it arrives (an unfixed arrival: up to the host's limit), and
          // first until the next arrival, so that its hooks run on time
          const unfixed = (st & F_UNFIXED) !== 0;
          const arrival = unfixed ? limit : this.arrivals[page];
          if (arrival > c[C_NOW]) {
            if (c[C_WAITING_SINCE] < 0) c[C_WAITING_SINCE] = c[C_NOW];
            const until = Math.min(this.nextArrival(), arrival);
            if (until === Infinity) return STOP_WAIT;
            c[C_WAITED_NS] += until - c[C_NOW];
            if (page === c[C_FAULT_PAGE]) {
              c[C_FAULT_STALL_NS] += until - c[C_NOW];
            } else {
              c[C_LATE_STALL_NS] += until - c[C_NOW];
              if (!unfixed && until === arrival && st & (F_PREFETCHED | F_PUSHED)) c[C_LATE_PREFETCHES] += 1;
            }
            c[C_NOW] = until;
            continue;
          }
          c[C_WAITING_SINCE] = -1;
          st = (st & ~ST_MASK) | ST_LOCAL;
          break;
        }
        case ST_HOME: {
          c[C_NOW] += onShare(p, p[P_TRAP_NS]);
          c[C_FAULT_STALL_NS] += p[P_TRAP_NS];
          c[C_FAULT_CPU_NS] += p[P_TRAP_CPU_NS];
          c[C_REMOTE_FAULTS] += 1;
          c[C_REQUESTS] = 0;
          this.request(page, 0);
          c[C_FAULT_PAGE] = page;
          c[C_FAULT_SENT_AT] = c[C_NOW];
          c[C_WAITING_SINCE] = c[C_NOW];
          c[C_FAULT_OPEN] = 1;
          c[C_ANSWERING_FAULT] = 1;
          this.recordDemandEvent(page, c[C_NOW]);
          if (!this.external) this.policy.onFault(page, c[C_NOW]);
          return STOP_FAULT;
        }
        case ST_NONE:
          c[C_NOW] += onShare(p, p[P_ZERO_FILL_NS]);
          c[C_ZERO_FILLS] += 1;
          st = ST_LOCAL;
          break;
      }
      // the access itself
      if (this.v.chunkFlags[i] & REC_WRITE) st |= F_DIRTY;
      c[C_PENDING] = 0;
      c[C_CURSOR] = i + 1;
      c[C_RECORDS] += 1;
      this.states[page] = st & ~(F_PREFETCHED | F_PUSHED | F_TRIGGER);
      if (st & F_PUSHED) c[C_USEFUL_PUSHES] += 1;
      // as engine.ts: a page asked for, prefetched or a trigger the push brought
      if (st & (F_PREFETCHED | F_TRIGGER)) {
        if (st & F_PREFETCHED) c[C_USEFUL_PREFETCHES] += 1;
        // the first use's local fault (maps the page, shows the policy the use): a stall
        c[C_NOW] += onShare(p, p[P_FIRST_USE_NS]);
        c[C_FAULT_STALL_NS] += p[P_FIRST_USE_NS];
        c[C_FAULT_CPU_NS] += p[P_FIRST_USE_CPU_NS];
        this.recordDemandEvent(page, c[C_NOW]);
        c[C_REQUESTS] = 0;
        const trigger = (st & F_TRIGGER) !== 0;
        if (this.external) return this.setHook(HOOK_USE, page, c[C_NOW], trigger ? 1 : 0);
        this.policy.onUse(page, c[C_NOW], trigger);
        if (c[C_REQUESTS] > 0) return STOP_REQUESTS;
      }
    }
    return STOP_CHUNK_END;
  }

  firstBadRecord(count: number): number {
    const pages = this.v.params[P_PAGES];
    const { chunkPages, chunkFlags } = this.v;
    for (let i = 0; i < count; i++) if (chunkPages[i] >= pages || chunkFlags[i] > (REC_WRITE | REC_CODE)) return i;
    return count;
  }

  answerRequests(count: number): void {
    const c = this.v.counters;
    const faultAnswer = c[C_ANSWERING_FAULT] !== 0;
    let prefetched = 0;
    const listed = count - (faultAnswer ? 1 : 0);
    for (let i = faultAnswer ? 1 : 0; i < count; i++) {
      const page = this.v.requests[i];
      // as engine.ts: a page the push sent already stays a pushed page
      if (this.states[page] & F_PUSHED) continue;
      this.states[page] |= F_PREFETCHED;
      prefetched++;
    }
    c[C_PREFETCHED] += prefetched;
    if (listed > 0) {
      c[C_PREFETCH_ISSUES] += 1;
      if (faultAnswer) c[C_FAULT_PREFETCHES] += listed;
    }
    c[C_ANSWERING_FAULT] = 0;
    c[C_REQUESTS] = 0;
  }

  deliver(count: number, kind: number): number {
    let taken = 0;
    const push = kind === KIND_PUSH || kind === KIND_PUSH_ANNOUNCED;
    // as engine.ts: an announced push's page is known to be on its way
    const flags = kind === KIND_PUSH ? F_PUSHED | F_UNSEEN : push ? F_PUSHED : 0;
    for (let i = 0; i < count; i++) {
      const page = this.v.deliverPages[i];
      const st = this.states[page];
      const asked = (st & ST_MASK) === ST_FLIGHT && (st & F_UNFIXED) !== 0;
      const t = this.v.deliverTimes[i];
      // as engine.ts: NaN, left with its arrival not fixed yet
      const later = Number.isNaN(t) ? F_UNFIXED : 0;
      if (kind === KIND_REPLY) {
        if (!asked || later) continue;
        this.states[page] = st & ~F_UNFIXED;
      } else if (push && asked) {
        // as engine.ts: pushed before the home node took its request
        if (st & F_PREFETCHED) this.v.counters[C_PREFETCHED] -= 1;
        this.states[page] = (st & ~(F_UNFIXED | F_PREFETCHED)) | F_PUSHED | later;
      } else {
        if ((st & ST_MASK) !== ST_HOME) continue;
        this.states[page] = (st & ~ST_MASK) | ST_FLIGHT | flags | later;
      }
      if (!later) {
        this.arrivals[page] = t;
        this.enqueueArrival(page, t);
      }
      taken++;
    }
    if (push) this.v.counters[C_PUSHED] += taken;
    return taken;
  }

  migrate(keepAll: boolean): void {
    this.advanceScan(this.v.counters[C_NOW], this.v.counters[C_RESIDENT]);
    const pages = this.v.params[P_PAGES];
    // as engine.ts: a page that existed is local after a copy, else at home
    const to = keepAll ? ST_LOCAL : ST_HOME;
    for (let p = 0; p < pages; p++) this.states[p] = (this.states[p] & ST_MASK) === ST_NONE ? ST_NONE : to;
    // a record whose work is done keeps its access for the destination (as engine.ts)
    this.v.counters[C_REMOTE] = 1;
    // as engine.ts: nothing is in flight now, the arrival queue starts empty
    this.v.counters[C_ARRIVAL_HEAD] = 0;
    this.v.counters[C_ARRIVAL_TAIL] = 0;
  }

  // ---- amt v2 blocks decoded inside the core ----
  traceInput(): Uint8Array {
    return this.input;
  }
  decodeBlock(records: number, bytes: number, sum: number): number {
    if (records < 0 || records > this.v.chunkPages.length || bytes < 0 || bytes % 16 !== 0 || bytes + 32 > this.input.length) {
      return DECODE_MALFORMED;
    }
    const payload = this.input.subarray(0, bytes);
    if (hash32(payload, records) !== sum >>> 0) return DECODE_CHECKSUM;
    return decodeBlock(payload, records, this.v.chunkPages, this.v.chunkGaps, this.v.chunkFlags) ? DECODE_OK : DECODE_MALFORMED;
  }
}
