// The home node's side of remote paging: a fault request (with any prefetch list)
// travels to the home node, which serves it and sends the faulting page first, then
// the prefetched pages in the order asked.
import { STOP_FAULT } from "../core/abi.js";
import type { Network } from "../network/network.js";
import type { NetworkPreset } from "../network/presets.js";
import { EVENT_FAULT, EVENT_PREFETCH } from "./event-log.js";
import type { ProcessRun, RequestServer } from "./process.js";

export class Pager implements RequestServer {
  constructor(
    private readonly net: Network,
    private readonly costs: NetworkPreset,
    private readonly pageSize: number,
  ) {}

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
    const atHome = this.net.send(proc.node, proc.home, sentAt, requestBytes);
    const ready = atHome + this.costs.serviceNs;
    const message = this.pageSize + this.costs.pageHeaderBytes;
    const times = v.deliverTimes;
    for (let i = 0; i < n; i++) times[i] = this.net.send(proc.home, proc.node, ready, message);
    // whole byte counts: one addition per kind gives the same sums as one per page
    const faultPages = isFault ? 1 : 0;
    if (faultPages) {
      bytes.fault += message;
      bytes.total += message;
    }
    if (n > faultPages) {
      const prefetched = (n - faultPages) * message;
      bytes.prefetch += prefetched;
      bytes.total += prefetched;
    }
    const log = proc.eventLog;
    if (log) {
      for (let i = 0; i < n; i++) log.record(sentAt, v.requests[i], isFault && i === 0 ? EVENT_FAULT : EVENT_PREFETCH);
    }
    proc.core.answerRequests(n);
  }
}
