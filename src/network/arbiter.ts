// Fair turns on a node's uplink for senders that stream (migration page streams,
// background pushes, bulk flows). Each sender asks for a turn, gets the link when it
// is free, sends one burst and asks again at the back of the line, so streams from one
// node take turns burst by burst instead of the first one holding the link until it
// is done. Single messages (fault requests and replies) do not wait in line: they go
// straight to the link's FIFO, which is what lets a fault reply in between bursts.
// A sender may ask for an urgent turn (pages the destination asked for, queued one at a
// time under the `priority` discipline): urgent turns go before every other waiting
// turn, as asked pages do under `fifo`, where they join the link with their reply
// instead of waiting in line, and as a post-copy source serves queued page requests
// before its background stream.
//
// Senders on different nodes that stream into one node meet at its downlink: a stream
// hands it a burst once no other stream's burst waits there (readyAt), and a sender
// whose turn is due takes it unless another sender waits for that downlink at the same
// moment with a better claim: an urgent turn against a plain one, else the one served
// there longer ago. Without this the sender that had just sent always re-armed
// first (its next turn was scheduled before the others' at each instant the link came
// free), and one migration into a node held its downlink until it ended.
import type { Network, NodeId } from "./network.js";

export type Scheduler = (time: number, fire: () => void) => void;

interface Turn {
  to: NodeId;
  fire: (now: number) => void;
  urgent: boolean;
}

export class UplinkArbiter {
  private readonly lines = new Map<NodeId, Turn[]>();
  private readonly pumping = new Set<NodeId>();
  /** per sender with a check scheduled, when it is due */
  private readonly due = new Map<NodeId, number>();
  /** per downlink, per sender, when it was last served there (a count of turns taken) */
  private readonly served = new Map<NodeId, Map<NodeId, number>>();
  private turns = 0;
  /** senders whose next turn waits for a stream's message on its way to that downlink's
   * switch port: its arrival, and so when the downlink is free of streams, is not fixed */
  private readonly parked = new Map<NodeId, NodeId>();

  constructor(private readonly net: Network, private readonly at: Scheduler) {
    net.onStreamsFixed = (to, now) => {
      for (const [from, waitsFor] of this.parked) {
        if (waitsFor !== to) continue;
        this.parked.delete(from);
        this.check(from, now);
      }
    };
  }

  /** `fire(now)` runs at the first moment from `readyAt` on when this sender's turn has
   * come and the links can take it (see readyAt()); it should send one burst (or
   * nothing) and ask again if it has more. `readyAt` is the time of the call: a
   * sender that starts later asks at that time (from an event). An `urgent` turn
   * waits only behind the urgent turns already in line. */
  request(from: NodeId, to: NodeId, readyAt: number, fire: (now: number) => void, urgent = false): void {
    let line = this.lines.get(from);
    if (!line) this.lines.set(from, (line = []));
    const turn = { to, fire, urgent };
    if (urgent) {
      // behind the urgent turns already waiting, ahead of the rest
      let i = 0;
      while (i < line.length && line[i].urgent) i++;
      line.splice(i, 0, turn);
    } else {
      line.push(turn);
    }
    if (!this.pumping.has(from)) {
      this.pumping.add(from);
      this.check(from, readyAt);
    }
  }

  /** When a stream from `from` may hand `to` its next burst: its own uplink has sent
   * what it queued, and no stream's burst waits on `to`'s downlink. Single messages
   * queued there (other nodes' fault replies and the pages asked with them) do not hold
   * it back: the switch holds its burst behind them (network.ts). Waiting for them too
   * let a prefetching process keep a node's downlink busy for as long as it ran, and
   * starve every copy, push and flow from other nodes. */
  private readyAt(from: NodeId, to: NodeId): number {
    return Math.max(this.net.up[from].freeAt, this.net.streamsBusyUntil(to));
  }

  /** The sender's next check, when its uplink and `to`'s downlink can take its turn;
   * while a stream's message to `to` has not reached the switch, that is not known yet,
   * and the network says when it is (onStreamsFixed). */
  private wait(from: NodeId, to: NodeId, now: number): void {
    const free = this.readyAt(from, to);
    if (free === Infinity) this.parked.set(from, to);
    else this.check(from, Math.max(now, free));
  }

  /** The sender's next check, at `time`. */
  private check(from: NodeId, time: number): void {
    this.due.set(from, time);
    this.at(time, () => this.pump(from, time));
  }

  /** Whether `from`, due now with `head`, should let another sender due now into
   * `head.to` go first. */
  private yields(from: NodeId, head: Turn, now: number): boolean {
    const served = this.served.get(head.to);
    const mine = served?.get(from) ?? -1;
    for (const [other, due] of this.due) {
      if (other === from || due !== now) continue;
      const theirs = this.lines.get(other)?.[0];
      if (!theirs || theirs.to !== head.to) continue;
      if (theirs.urgent !== head.urgent) {
        if (theirs.urgent) return true;
        continue;
      }
      if ((served?.get(other) ?? -1) < mine) return true;
    }
    return false;
  }

  private pump(from: NodeId, now: number): void {
    const line = this.lines.get(from)!;
    this.due.delete(from);
    if (line.length === 0) {
      this.pumping.delete(from);
      return;
    }
    const head = line[0];
    if (this.readyAt(from, head.to) > now) {
      this.wait(from, head.to, now);
      return;
    }
    if (this.yields(from, head, now)) {
      // again at this instant, after the sender it yields to (scheduled later, so run later)
      this.check(from, now);
      return;
    }
    const turn = line.shift()!;
    let served = this.served.get(turn.to);
    if (!served) this.served.set(turn.to, (served = new Map()));
    served.set(from, this.turns++);
    // what the burst sends (if it sends one) is a stream's: the network keeps when it
    // leaves the downlink (readyAt)
    this.net.streaming = true;
    turn.fire(now);
    this.net.streaming = false;
    if (line.length === 0) {
      this.pumping.delete(from);
      return;
    }
    this.wait(from, line[0].to, now);
  }
}
