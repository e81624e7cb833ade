// Nodes joined through one switch. Each node has an uplink and a downlink (the two
// directions of its full-duplex link). A message from a to b leaves on a's uplink when
// that is free, and goes on through b's downlink when that is free too, without waiting
// for its last byte when the downlink is free at once (cut-through): between two nodes
// it holds both for its transmission time on the slower of the two. When b's downlink is
// busy with other nodes' traffic, the switch holds the message (its buffer has no
// bound) and a's uplink is free for the next. Its one-way
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
import { SwitchOrder } from "./switch-order.js";

export type NodeId = number;

export const LINK_DISCIPLINES = ["fifo", "priority"] as const;
export type LinkDiscipline = (typeof LINK_DISCIPLINES)[number];

export class Network {
  readonly up: Link[] = [];
  readonly down: Link[] = [];
  /** per downlink, how long messages waited behind later arrivals at the switch (the
   * order limit below); null between two nodes, where one uplink feeds each downlink */
  readonly switchOrder: SwitchOrder[] | null;

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
    this.switchOrder = nodes > 2 ? Array.from({ length: nodes }, () => new SwitchOrder()) : null;
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
    const upStart = up.startTime(readyAt);
    const upTx = up.txNs(bytes, up.idleAt(readyAt));
    const downTx = down.txNs(bytes, down.idleAt(readyAt));
    // the switch forwards it once the downlink is free; its last byte leaves no sooner
    // than it came in, nor sooner than the downlink's own time for it. The downlink takes
    // messages in the order they are queued here, not the order they reach the switch: a
    // message behind its uplink's backlog goes ahead of one another node sends meanwhile
    // (docs/model.md, "The network", has a measured case; switchOrder measures it in a run)
    const downStart = Math.max(upStart, down.startTime(readyAt));
    const done = Math.max(downStart + downTx, upStart + Math.max(upTx, downTx));
    up.occupy(upStart + upTx, bytes);
    down.occupy(done, bytes);
    this.switchOrder?.[to].add(from, upStart, downStart, done, readyAt);
    return done + this.latencyNs(from, to);
  }
}
