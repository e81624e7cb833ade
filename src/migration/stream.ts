// A mechanism's page stream from home to the destination: pages are handed to the
// link a burst at a time, each burst when the link has finished the previous one and
// it is this stream's turn on the home node's uplink (UplinkArbiter).
// Alone on the link this times exactly like queueing every page at once (see
// Link.startTime); beside other traffic (fault replies, other migrants, flows) the
// bursts interleave with it instead of holding the link for the whole transfer, so a
// fault reply waits for at most one burst.
import { DELIVERY_CAP } from "../core/abi.js";
import { addBytes, type BytesMoved } from "../sim/bytes.js";
import { EVENT_ARRIVAL, type EventKind } from "../sim/event-log.js";
import { LastArrival } from "./send.js";
import type { MigrationContext } from "./types.js";

export interface StreamSpec {
  /** pages handed to the link at a time */
  burst: number;
  /** Writes up to `max` pages to send now into `out`; returns how many, 0 when the
   * stream is over. Called at the moment the link can take them. */
  next(out: Uint32Array, max: number, now: number): number;
  /** Delivery kind for the core (KIND_EAGER, KIND_PUSH, KIND_PUSH_ANNOUNCED), or null to keep the pages out
   * of the core (full copy hands over every page at once with migrate(true)). */
  deliverKind: number | null;
  bytesKind: Exclude<keyof BytesMoved, "total">;
  /** what the event log calls its pages (push, eager, copy) */
  event: EventKind;
  /** The stream is over: `lastArrival` of its last page (or the start time if it sent
   * none), `now` when the link finished with it, `cutShort` when over() ended it with
   * pages still to send. */
  done(lastArrival: number, now: number, cutShort: boolean): void;
  /** Whether to end the stream at `now`, pages still to send or not (the process has
   * ended); next() is asked once more then, to learn whether any were left. */
  over?(now: number): boolean;
  /** When the stream, with every page handed out sent, may send again: a time after
   * `now` holds it back until then (it asks for its turn again at that time); otherwise
   * next() is asked at once. */
  holdUntil?(now: number): number;
  /** A page handed out by next() leaves now, with what it holds now. */
  sent?(page: number): void;
  /** The pages to send can no longer change (the process is frozen): next() is asked as
   * soon as the last page handed out has left, so that the stream ends, and done() runs,
   * at that turn, not at a later one that other traffic on the home node's uplink or the
   * destination's downlink may hold back past the last page's arrival. */
  fixed?: boolean;
}

/** Starts streaming at `startAt`. Under the `priority` link discipline the stream hands
 * the link one page a turn (the order still chooses `burst` at a time), so demand
 * traffic waits for at most one page; a page the home node no longer holds (it answered a
 * request for it: ProcessRun.heldAtHome) is skipped. */
export function streamPages(ctx: MigrationContext, spec: StreamSpec, startAt: number): void {
  const { net, proc, dest, arbiter } = ctx;
  const home = proc.home;
  const message = ctx.pageSize + ctx.costs.pageHeaderBytes;
  // a turn's pages go to the core through the delivery views, which hold this many
  if (spec.burst > DELIVERY_CAP) throw new Error(`internal: a stream's burst of ${spec.burst} pages exceeds the delivery views' ${DELIVERY_CAP}`);
  const perTurn = net.bulkPagesPerTurn(spec.burst);
  const buf = new Uint32Array(spec.burst);
  // pages the order handed out and the stream has not sent yet: buf[at .. have)
  let have = 0;
  let at = 0;
  // done() needs the last page's arrival, which with more than two nodes may be fixed
  // after the stream's last turn (network.ts)
  const arrivals = new LastArrival(startAt);
  const end = (t: number, cutShort: boolean): void => arrivals.whenFixed(t, (last, now) => spec.done(last, now, cutShort));
  /** Asks the order for its next pages at `t`; with none left the stream is done. */
  const refill = (t: number): boolean => {
    have = spec.next(buf, spec.burst, t);
    at = 0;
    if (have === 0) end(t, false);
    return have > 0;
  };
  const turn = (t: number): void => {
    const v = proc.views;
    if (spec.over?.(t)) {
      // cut short if anything was left: a page handed out and still at home, or more
      // from the order (asked now only because the stream ends here anyway)
      let left = false;
      for (let i = at; i < have && !left; i++) left = spec.deliverKind === null || proc.heldAtHome(buf[i]);
      end(t, left || spec.next(buf, spec.burst, t) > 0);
      return;
    }
    if (at === have && spec.holdUntil) {
      const until = spec.holdUntil(t);
      if (until > t) {
        ctx.at(until, () => arbiter.request(home, dest, until, turn));
        return;
      }
    }
    let n = 0;
    while (n === 0) {
      let fresh = false;
      if (at === have) {
        if (!refill(t)) return;
        fresh = true;
      }
      for (; at < have && n < perTurn; at++) {
        const page = buf[at];
        // a page the order chose on an earlier turn may have been answered since
        if (!fresh && spec.deliverKind !== null && !proc.heldAtHome(page)) continue;
        const arrival = net.send(home, dest, t, message, arrivals.later((at) => proc.fixArrival(page, at, spec.event, spec.deliverKind !== null)));
        arrivals.add(arrival);
        spec.sent?.(page);
        v.deliverPages[n] = page;
        // NaN: the page has left, its arrival fixed later
        v.deliverTimes[n] = arrival;
        n++;
      }
    }
    addBytes(proc.bytes, spec.bytesKind, n * message);
    const events = proc.events;
    if (events) {
      for (let i = 0; i < n; i++) events.record(t, spec.event, v.deliverPages[i]);
      for (let i = 0; i < n; i++) if (!Number.isNaN(v.deliverTimes[i])) events.record(v.deliverTimes[i], EVENT_ARRIVAL, v.deliverPages[i], spec.event);
    }
    if (spec.deliverKind !== null) {
      const taken = proc.core.deliver(n, spec.deliverKind);
      // the stream must only name pages still at home: anything else was sent twice
      if (taken !== n) throw new Error(`internal: process ${proc.id}'s stream sent ${n - taken} page(s) not at home`);
    }
    if (spec.fixed && at === have && !refill(t)) return;
    arbiter.request(home, dest, t, turn);
  };
  arbiter.request(home, dest, startAt, turn);
}
