// Nodes joined through one switch. Each node has an uplink and a downlink (the two
// directions of its full-duplex link). A message from a to b needs a's uplink and
// b's downlink at once (cut-through switching): it starts when both are free and
// holds both for its transmission time.
import { Link, type LinkSpec } from "./link.js";

export type NodeId = number;

export class Network {
  readonly up: Link[] = [];
  readonly down: Link[] = [];

  constructor(nodes: number, spec: LinkSpec) {
    for (let i = 0; i < nodes; i++) {
      this.up.push(new Link(spec));
      this.down.push(new Link(spec));
    }
  }

  get nodes(): number {
    return this.up.length;
  }

  /** Queues a message of `bytes` from `from` to `to`, ready at `readyAt`; returns its arrival time. */
  send(from: NodeId, to: NodeId, readyAt: number, bytes: number): number {
    const up = this.up[from];
    const down = this.down[to];
    const start = Math.max(up.startTime(readyAt), down.startTime(readyAt));
    const done = start + up.txNs(bytes);
    up.freeAt = down.freeAt = done;
    up.bytes += bytes;
    down.bytes += bytes;
    up.messages += 1;
    down.messages += 1;
    return done + up.spec.latencyNs;
  }

  /** When a message from `from` to `to` ready at `readyAt` could start leaving. */
  nextStart(from: NodeId, to: NodeId, readyAt: number): number {
    return Math.max(this.up[from].startTime(readyAt), this.down[to].startTime(readyAt));
  }
}
