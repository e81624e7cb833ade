// Nodes joined through one switch. Each node has an uplink and a downlink (the two
// directions of its full-duplex link). A message from a to b needs a's uplink and
// b's downlink at once (cut-through switching): it starts when both are free and
// holds both for its transmission time on the slower of the two. Its one-way
// latency is the larger of the two ends' latencies: preset latencies are end to end
// (switch hop plus both hosts' stacks), so a path between two nodes of one preset
// has exactly that latency.
//
// How a link orders pages (the discipline): `fifo` is one stream, as openMosix's single
// TCP connection: a fault reply and the prefetch pages asked with it are queued together
// when the home node has them ready, and later messages wait behind them. `priority`
// keeps demand traffic ahead of bulk traffic, as QEMU's postcopy preempt channel and
// far-memory systems with a separate demand queue do: prefetch and push pages go to the
// link one page at a time, so a fault reply ready meanwhile goes next and waits at most
// for the page already on the wire; prefetch pages, which the destination asked for,
// take their turns before a push's (src/network/arbiter.ts).
import { Link, type LinkSpec } from "./link.js";

export type NodeId = number;

export const LINK_DISCIPLINES = ["fifo", "priority"] as const;
export type LinkDiscipline = (typeof LINK_DISCIPLINES)[number];

export class Network {
  readonly up: Link[] = [];
  readonly down: Link[] = [];

  /** `spec` is every node's link, or one spec per node. */
  constructor(nodes: number, spec: LinkSpec | LinkSpec[], readonly discipline: LinkDiscipline = "fifo") {
    if (Array.isArray(spec) && spec.length !== nodes) {
      throw new Error(`network: ${nodes} nodes but ${spec.length} link specs`);
    }
    for (let i = 0; i < nodes; i++) {
      const s = Array.isArray(spec) ? spec[i] : spec;
      this.up.push(new Link(s));
      this.down.push(new Link(s));
    }
  }

  /** Pages a bulk stream (prefetch, push, copy) hands to the link per turn when it would
   * hand `burst`: one under `priority`, so demand traffic waits for at most a page. */
  bulkPagesPerTurn(burst: number): number {
    return this.discipline === "priority" ? 1 : burst;
  }

  get nodes(): number {
    return this.up.length;
  }

  /** One-way latency from `from` to `to`, ns. */
  latencyNs(from: NodeId, to: NodeId): number {
    return Math.max(this.up[from].spec.latencyNs, this.down[to].spec.latencyNs);
  }

  /** Queues a message of `bytes` from `from` to `to`, ready at `readyAt`; returns its arrival time. */
  send(from: NodeId, to: NodeId, readyAt: number, bytes: number): number {
    if (from === to) return readyAt; // same node: no network
    const up = this.up[from];
    const down = this.down[to];
    const start = Math.max(up.startTime(readyAt), down.startTime(readyAt));
    const done = start + Math.max(up.txNs(bytes), down.txNs(bytes));
    up.freeAt = down.freeAt = done;
    up.bytes += bytes;
    down.bytes += bytes;
    up.messages += 1;
    down.messages += 1;
    return done + this.latencyNs(from, to);
  }
}
