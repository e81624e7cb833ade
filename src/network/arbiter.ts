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

  constructor(private readonly net: Network, private readonly at: Scheduler) {}

  /** `fire(now)` runs at the first moment from `readyAt` on when this sender's turn has
   * come and the path from `from` to `to` is free; it should send one burst (or
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
      this.at(readyAt, () => this.pump(from, readyAt));
    }
  }

  private pump(from: NodeId, now: number): void {
    const line = this.lines.get(from)!;
    if (line.length === 0) {
      this.pumping.delete(from);
      return;
    }
    const free = this.net.freeAt(from, line[0].to);
    if (free > now) {
      this.at(free, () => this.pump(from, free));
      return;
    }
    const turn = line.shift()!;
    turn.fire(now);
    if (line.length === 0) {
      this.pumping.delete(from);
      return;
    }
    const next = Math.max(now, this.net.freeAt(from, line[0].to));
    this.at(next, () => this.pump(from, next));
  }
}
