// Explicit background flows in a scenario: a transfer of `bytes` as fast as the links
// allow (one segment per turn on the sender's uplink, so it shares the links with
// page streams and fault replies segment by segment), or a constant `rate` for a `duration` (a
// segment every segment/rate, queued whether or not the links are free).
import type { Scheduler, UplinkArbiter } from "./arbiter.js";
import type { Network, NodeId } from "./network.js";

export interface FlowSpec {
  name: string;
  from: NodeId;
  to: NodeId;
  startNs: number;
  /** total bytes; with a rate, the flow also stops after this many */
  bytes?: number;
  /** bits per second; needs durationNs or bytes */
  rateBps?: number;
  durationNs?: number;
  /** bytes handed to the link at a time (default 64 KiB, a TCP send burst) */
  segmentBytes: number;
}

export interface FlowReport {
  name: string;
  from: NodeId;
  to: NodeId;
  startNs: number;
  bytesSent: number;
  segments: number;
  /** arrival of the last segment (NaN if it sent nothing) */
  finishedAt: number;
}

export function startFlow(net: Network, at: Scheduler, arbiter: UplinkArbiter, spec: FlowSpec): FlowReport {
  const report: FlowReport = {
    name: spec.name,
    from: spec.from,
    to: spec.to,
    startNs: spec.startNs,
    bytesSent: 0,
    segments: 0,
    finishedAt: NaN,
  };
  const total = spec.bytes ?? Infinity;
  const end = spec.durationNs !== undefined ? spec.startNs + spec.durationNs : Infinity;
  // a segment's arrival may be fixed when it reaches the switch (network.ts); they reach
  // it in the order sent, so the last fixed is the last in
  const landed = (arrival: number): void => void (report.finishedAt = arrival);
  const sendSegment = (t: number): boolean => {
    const size = Math.min(spec.segmentBytes, total - report.bytesSent);
    const arrival = net.send(spec.from, spec.to, t, size, landed);
    if (!Number.isNaN(arrival)) landed(arrival);
    report.bytesSent += size;
    report.segments += 1;
    return report.bytesSent < total;
  };
  if (spec.rateBps !== undefined) {
    const periodNs = Math.max(1, Math.ceil((spec.segmentBytes * 8e9) / spec.rateBps));
    const tick = (t: number): void => {
      if (t >= end || report.bytesSent >= total) return;
      if (sendSegment(t)) at(t + periodNs, () => tick(t + periodNs));
    };
    at(spec.startNs, () => tick(spec.startNs));
  } else {
    const turn = (t: number): void => {
      if (t < end && sendSegment(t)) arbiter.request(spec.from, spec.to, t, turn);
    };
    // it joins the line for the uplink at its start, not before: a stream already in
    // line would otherwise hand it a turn early
    at(spec.startNs, () => arbiter.request(spec.from, spec.to, spec.startNs, turn));
  }
  return report;
}
