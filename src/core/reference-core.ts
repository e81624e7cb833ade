// The TypeScript reference core: the same model as assembly/engine.ts and
// assembly/pagetable.ts, written for reading rather than speed. The differential tests
// require it to produce exactly the counters the WebAssembly core produces.
import {
  ST_MASK, ST_NONE, ST_HOME, ST_FLIGHT, ST_LOCAL, F_DIRTY, F_PREFETCHED, F_TRIGGER,
  F_PUSHED, REC_WRITE, STOP_CHUNK_END, STOP_FAULT, STOP_REQUESTS, STOP_LIMIT, KIND_PUSH,
  C_NOW, C_RECORDS, C_ACCESSES, C_REMOTE_FAULTS, C_ZERO_FILLS, C_LATE_PREFETCHES,
  C_FAULT_STALL_NS, C_LATE_STALL_NS, C_PREFETCHED, C_USEFUL_PREFETCHES, C_PUSHED,
  C_USEFUL_PUSHES, C_REQUESTS, C_FAULT_SENT_AT, C_SERVICE_NS, C_CURSOR, C_CHUNK_LEN,
  C_PENDING, C_FAULT_PAGE, C_DEMAND_EVENTS, C_REMOTE, C_MRU_LEN, P_CPU_NS, P_TRAP_NS,
  P_ZERO_FILL_NS, P_POLICY, P_HISTORY, P_REGIONS, P_PAGES, P_POLICY_BASE, COUNTERS, PARAMS,
  REGION_CAP, HISTORY_CAP, REQUEST_CAP, DELIVERY_CAP, MRU_CAP, C_FAULT_PREFETCHES, C_PREFETCH_ISSUES,
} from "./abi.js";
import { CapacityError, type CoreViews, type SimCore } from "./types.js";
import { createReferencePolicy, type ReferencePolicy } from "./reference-policies/index.js";

/** What a reference policy may see and do: the TypeScript twin of assembly/pagetable.ts. */
export interface PolicyServices {
  readonly states: Uint8Array;
  policyParam(i: number): number;
  counter(slot: number): number;
  /** Policies write only their own report slots (C_POLICY_SCORE, C_POLICY_WINDOW). */
  setCounter(slot: number, value: number): void;
  /** Pages in the address space (P_PAGES). */
  pageCount(): number;
  /** Regions in the region table (P_REGIONS). */
  regionCount(): number;
  /** The i-th most recently used distinct page before migration (i < C_MRU_LEN). */
  recentPage(i: number): number;
  /** When an in-flight page arrives (Infinity until the host answers). */
  arrival(page: number): number;
  request(page: number, flags: number): boolean;
  requestCount(): number;
  regionOf(page: number): number;
  regionStart(r: number): number;
  regionEnd(r: number): number;
  historyLength(): number;
  historyEvents(): number;
  historyPage(k: number): number;
  historyTime(k: number): number;
}

/** Largest page count the reference accepts: the same budget as the wasm32 arena. */
const MAX_BYTES = 2 ** 32;

export class ReferenceCore implements SimCore, PolicyServices {
  readonly kind = "reference" as const;
  private v!: CoreViews;
  states = new Uint8Array(0);
  private arrivals = new Float64Array(0);
  private histPages = new Uint32Array(HISTORY_CAP);
  private histTimes = new Float64Array(HISTORY_CAP);
  private policy: ReferencePolicy = createReferencePolicy(0, this);

  init(pageCount: number, chunkCapacity: number): CoreViews {
    const bytes = pageCount * 9 + chunkCapacity * 9 + (1 << 21);
    if (!Number.isInteger(pageCount) || pageCount < 0 || bytes > MAX_BYTES) {
      throw new CapacityError(
        `${pageCount} pages and a ${chunkCapacity}-record chunk do not fit in the 4 GiB WebAssembly memory`,
      );
    }
    this.states = new Uint8Array(pageCount);
    this.arrivals = new Float64Array(pageCount);
    this.v = {
      counters: new Float64Array(COUNTERS),
      params: new Float64Array(PARAMS),
      regions: new Uint32Array(REGION_CAP * 2),
      requests: new Uint32Array(REQUEST_CAP),
      deliverPages: new Uint32Array(DELIVERY_CAP),
      deliverTimes: new Float64Array(DELIVERY_CAP),
      chunkPages: new Uint32Array(chunkCapacity),
      chunkGaps: new Uint32Array(chunkCapacity),
      chunkFlags: new Uint8Array(chunkCapacity),
      states: this.states,
      mru: new Uint32Array(MRU_CAP),
    };
    return this.v;
  }

  reset(): void {
    const c = this.v.counters;
    c.fill(0);
    this.states.fill(0, 0, this.v.params[P_PAGES]);
    c[C_FAULT_PAGE] = -1;
    this.policy = createReferencePolicy(this.v.params[P_POLICY], this);
    this.policy.reset();
  }

  // ---- services for policies ------------------------------------------------------
  policyParam(i: number): number {
    return this.v.params[P_POLICY_BASE + i];
  }
  counter(slot: number): number {
    return this.v.counters[slot];
  }
  setCounter(slot: number, value: number): void {
    this.v.counters[slot] = value;
  }
  pageCount(): number {
    return this.v.params[P_PAGES];
  }
  regionCount(): number {
    return this.v.params[P_REGIONS];
  }
  recentPage(i: number): number {
    return this.v.mru[i];
  }
  arrival(page: number): number {
    return this.arrivals[page];
  }
  requestCount(): number {
    return this.v.counters[C_REQUESTS];
  }
  request(page: number, flags: number): boolean {
    const st = this.states[page];
    if ((st & ST_MASK) !== ST_HOME) return false;
    const n = this.v.counters[C_REQUESTS];
    if (n >= REQUEST_CAP) return false;
    this.states[page] = (st & ~ST_MASK) | ST_FLIGHT | flags;
    this.arrivals[page] = Infinity;
    this.v.requests[n] = page;
    this.v.counters[C_REQUESTS] = n + 1;
    return true;
  }
  regionStart(r: number): number {
    return this.v.regions[2 * r];
  }
  regionEnd(r: number): number {
    return this.v.regions[2 * r + 1];
  }
  regionOf(page: number): number {
    const count = this.v.params[P_REGIONS];
    for (let r = 0; r < count; r++) {
      if (page >= this.regionStart(r) && page < this.regionEnd(r)) return r;
    }
    return -1;
  }
  historyLength(): number {
    return this.v.params[P_HISTORY];
  }
  historyEvents(): number {
    return this.v.counters[C_DEMAND_EVENTS];
  }
  historyPage(k: number): number {
    return this.histPages[(this.historyEvents() - 1 - k) % this.historyLength()];
  }
  historyTime(k: number): number {
    return this.histTimes[(this.historyEvents() - 1 - k) % this.historyLength()];
  }
  private recordDemandEvent(page: number, now: number): void {
    const n = this.historyEvents();
    this.histPages[n % this.historyLength()] = page;
    this.histTimes[n % this.historyLength()] = now;
    this.v.counters[C_DEMAND_EVENTS] = n + 1;
  }

  // ---- the run loop ---------------------------------------------------------------
  run(limitNs: number): number {
    return this.v.counters[C_REMOTE] !== 0 ? this.runRemote(limitNs) : this.runHome(limitNs);
  }

  private work(gap: number): number {
    return Math.floor(gap * this.v.params[P_CPU_NS] + 0.5);
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

  private runHome(limit: number): number {
    const c = this.v.counters;
    while (c[C_CURSOR] < c[C_CHUNK_LEN]) {
      if (c[C_NOW] >= limit) return STOP_LIMIT;
      const i = c[C_CURSOR];
      const page = this.v.chunkPages[i];
      const gap = this.v.chunkGaps[i];
      c[C_NOW] += this.work(gap);
      c[C_ACCESSES] += gap;
      this.states[page] |= ST_LOCAL;
      if (this.v.chunkFlags[i] & REC_WRITE) this.states[page] |= F_DIRTY;
      this.touchMru(page);
      c[C_CURSOR] = i + 1;
      c[C_RECORDS] += 1;
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
      }
      let st = this.states[page];
      switch (st & ST_MASK) {
        case ST_FLIGHT: {
          const arrival = this.arrivals[page];
          if (arrival > c[C_NOW]) {
            if (page === c[C_FAULT_PAGE]) {
              c[C_FAULT_STALL_NS] += arrival - c[C_NOW];
            } else {
              c[C_LATE_STALL_NS] += arrival - c[C_NOW];
              if (st & (F_PREFETCHED | F_PUSHED)) c[C_LATE_PREFETCHES] += 1;
            }
            c[C_NOW] = arrival;
            continue;
          }
          st = (st & ~ST_MASK) | ST_LOCAL;
          break;
        }
        case ST_HOME: {
          c[C_NOW] += p[P_TRAP_NS];
          c[C_FAULT_STALL_NS] += p[P_TRAP_NS];
          c[C_REMOTE_FAULTS] += 1;
          c[C_REQUESTS] = 0;
          this.request(page, 0);
          c[C_FAULT_PAGE] = page;
          c[C_FAULT_SENT_AT] = c[C_NOW];
          this.recordDemandEvent(page, c[C_NOW]);
          this.policy.onFault(page, c[C_NOW]);
          if (c[C_REQUESTS] > 1) {
            c[C_FAULT_PREFETCHES] += c[C_REQUESTS] - 1;
            c[C_PREFETCH_ISSUES] += 1;
          }
          return STOP_FAULT;
        }
        case ST_NONE:
          c[C_NOW] += p[P_ZERO_FILL_NS];
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
      if (st & F_PREFETCHED) {
        c[C_USEFUL_PREFETCHES] += 1;
        this.recordDemandEvent(page, c[C_NOW]);
        c[C_REQUESTS] = 0;
        this.policy.onUse(page, c[C_NOW], (st & F_TRIGGER) !== 0);
        if (c[C_REQUESTS] > 0) {
          c[C_PREFETCH_ISSUES] += 1;
          return STOP_REQUESTS;
        }
      }
    }
    return STOP_CHUNK_END;
  }

  firstBadRecord(count: number): number {
    const pages = this.v.params[P_PAGES];
    for (let i = 0; i < count; i++) if (this.v.chunkPages[i] >= pages) return i;
    return count;
  }

  answerRequests(count: number): void {
    const c = this.v.counters;
    for (let i = 0; i < count; i++) {
      const page = this.v.requests[i];
      const t = this.v.deliverTimes[i];
      if (t === Infinity) {
        this.states[page] = (this.states[page] & ~(ST_MASK | F_TRIGGER)) | ST_HOME;
        continue;
      }
      this.arrivals[page] = t;
      if (i === 0 && page === c[C_FAULT_PAGE]) {
        c[C_SERVICE_NS] = t - c[C_FAULT_SENT_AT];
        this.policy.onServed(c[C_SERVICE_NS]);
      } else {
        this.states[page] |= F_PREFETCHED;
        c[C_PREFETCHED] += 1;
      }
    }
    c[C_REQUESTS] = 0;
  }

  deliver(count: number, kind: number): number {
    let taken = 0;
    const flag = kind === KIND_PUSH ? F_PUSHED : 0;
    for (let i = 0; i < count; i++) {
      const page = this.v.deliverPages[i];
      if ((this.states[page] & ST_MASK) !== ST_HOME) continue;
      this.states[page] = (this.states[page] & ~ST_MASK) | ST_FLIGHT | flag;
      this.arrivals[page] = this.v.deliverTimes[i];
      taken++;
    }
    if (kind === KIND_PUSH) this.v.counters[C_PUSHED] += taken;
    return taken;
  }

  migrate(keepAll: boolean): void {
    const pages = this.v.params[P_PAGES];
    for (let p = 0; p < pages; p++) {
      const s = this.states[p] & ST_MASK;
      this.states[p] = keepAll ? ST_LOCAL : s === ST_NONE ? ST_NONE : ST_HOME;
    }
    this.v.counters[C_REMOTE] = 1;
    this.v.counters[C_PENDING] = 0;
  }
}
