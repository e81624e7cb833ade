// The home node's side of remote paging: a fault request (with any prefetch list)
// travels to the home node, which serves it and sends the faulting page first, then
// the prefetched pages in the order asked.
//
// When a page will arrive is fixed only when its transmission is certain: the request
// leaves now, but the pages are handed to the link when the home node has them ready
// (an event at that time), so traffic queued in between goes first. Under `fifo` the
// whole reply (faulting page and prefetch list) is queued at that moment, and nothing
// later from the home node can overtake it: every arrival is fixed then, but for pages
// that, with more than two nodes, wait on the home node's uplink, which are fixed when
// they reach the switch (network.ts). Under `priority` the faulting page
// goes straight to the link and the prefetch pages join the process's bulk queue, one
// page a turn, each fixed as it starts to leave.
import { C_USEFUL_PUSHES, KIND_REPLY, STOP_FAULT } from "../core/abi.js";
import type { Scheduler, UplinkArbiter } from "../network/arbiter.js";
import type { Network, OnArrival } from "../network/network.js";
import type { NetworkPreset } from "../network/presets.js";
import { EVENT_ARRIVAL, EVENT_FAULT, EVENT_PREFETCH } from "./event-log.js";
import { waitsForReply, type ProcessRun, type RequestServer } from "./process.js";

/** A process's prefetch pages waiting for their turn on the link (`priority`). */
interface BulkQueue {
  pages: number[];
  next: number;
  /** a turn is requested or running */
  active: boolean;
}

export class Pager implements RequestServer {
  private readonly bulk = new Map<ProcessRun, BulkQueue>();

  constructor(
    private readonly net: Network,
    private readonly costs: NetworkPreset,
    private readonly pageSize: number,
    private readonly arbiter: UplinkArbiter,
    private readonly at: Scheduler,
  ) {}

  private get message(): number {
    return this.pageSize + this.costs.pageHeaderBytes;
  }

  serve(proc: ProcessRun, stop: number): void {
    const v = proc.views;
    const n = proc.requestCount();
    if (n === 0) return;
    const isFault = stop === STOP_FAULT;
    const sentAt = proc.clock;
    const listed = isFault ? n - 1 : n;
    const requestBytes = this.costs.requestHeaderBytes + listed * this.costs.requestBytesPerPage;
    // plain field updates: a keyed store per fault (addBytes) showed in profiles
    const bytes = proc.bytes;
    bytes.control += requestBytes;
    bytes.total += requestBytes;
    const events = proc.events;
    if (events) {
      for (let i = 0; i < n; i++) events.record(sentAt, isFault && i === 0 ? EVENT_FAULT : EVENT_PREFETCH, v.requests[i]);
    }
    const pages = v.requests.slice(0, n);
    // until the home node takes the request, a push there may still send these pages
    const awaiting = proc.awaitingHome;
    if (awaiting) for (const p of pages) if (waitsForReply(v.states[p])) awaiting.add(p);
    proc.core.answerRequests(n);
    // The request joins the link at `sentAt` as an event, not now: the process's clock
    // may be past the host's next event (the fault trap after the last access its step
    // allowed) and past other processes' clocks, and queued now the request went ahead
    // of messages ready before it (a flow's segment, another process's request).
    // what a fault request tells home of the push (FaultsToHome), as of its sending
    const usedPushes = v.counters[C_USEFUL_PUSHES];
    const atHome = (t: number): void => {
      if (isFault) proc.faultsToHome?.add(t, pages[0], usedPushes);
      const ready = t + this.costs.serviceNs;
      this.at(ready, () => this.reply(proc, pages, isFault, ready));
    };
    this.at(sentAt, () => {
      const t = this.net.send(proc.node, proc.home, sentAt, requestBytes, atHome);
      if (!Number.isNaN(t)) atHome(t);
    });
  }

  /** The home node has the pages ready at `now`: hand them to the link, but for those a
   * push sent meanwhile (a page is sent once). */
  private reply(proc: ProcessRun, asked: Uint32Array, isFault: boolean, now: number): void {
    const v = proc.views;
    const awaiting = proc.awaitingHome;
    if (awaiting) for (const p of asked) awaiting.delete(p);
    let pages = asked;
    for (const p of asked) {
      if (!waitsForReply(v.states[p])) {
        pages = asked.filter((q) => waitsForReply(v.states[q]));
        break;
      }
    }
    const faultPages = isFault && pages[0] === asked[0] ? 1 : 0;
    // whole byte counts: one addition per kind gives the same sums as one per page
    const message = this.message;
    const bytes = proc.bytes;
    if (faultPages) {
      bytes.fault += message;
      bytes.total += message;
    }
    if (pages.length > faultPages) {
      const prefetched = (pages.length - faultPages) * message;
      bytes.prefetch += prefetched;
      bytes.total += prefetched;
    }
    const together = this.net.discipline === "fifo" ? pages.length : faultPages;
    if (together > 0) {
      // the pages whose arrival is fixed now go to the core together; the rest (with
      // more than two nodes: behind traffic on the home node's uplink, so all after the
      // first such) one by one, as each reaches the switch
      let fixed = 0;
      for (let i = 0; i < together; i++) {
        const t = this.net.send(proc.home, proc.node, now, message, this.fixLater(proc, pages[i], i < faultPages ? EVENT_FAULT : EVENT_PREFETCH));
        if (Number.isNaN(t)) continue;
        v.deliverPages[fixed] = pages[i];
        v.deliverTimes[fixed++] = t;
      }
      const events = proc.events;
      if (events) {
        for (let i = 0; i < fixed; i++) {
          events.record(v.deliverTimes[i], EVENT_ARRIVAL, v.deliverPages[i], i < faultPages ? EVENT_FAULT : EVENT_PREFETCH);
        }
      }
      proc.core.deliver(fixed, KIND_REPLY);
    }
    if (together < pages.length) this.queueBulk(proc, pages.subarray(together), now);
  }

  /** What fixes a reply's page when it reaches the switch after it was sent. */
  private fixLater(proc: ProcessRun, page: number, kind: number): OnArrival {
    return (t) => proc.fixArrival(page, t, kind);
  }

  private queueBulk(proc: ProcessRun, pages: Uint32Array, now: number): void {
    let q = this.bulk.get(proc);
    if (!q) this.bulk.set(proc, (q = { pages: [], next: 0, active: false }));
    for (const p of pages) q.pages.push(p);
    if (q.active) return;
    q.active = true;
    const queue = q;
    const turn = (t: number): void => {
      const page = queue.pages[queue.next++];
      const arrival = this.net.send(proc.home, proc.node, t, this.message, this.fixLater(proc, page, EVENT_PREFETCH));
      if (!Number.isNaN(arrival)) proc.fixArrival(page, arrival, EVENT_PREFETCH);
      if (queue.next < queue.pages.length) {
        this.arbiter.request(proc.home, proc.node, t, turn, true);
      } else {
        queue.pages.length = queue.next = 0;
        queue.active = false;
      }
    };
    this.arbiter.request(proc.home, proc.node, now, turn, true);
  }
}
