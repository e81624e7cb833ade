// Nodes joined through one switch. Each node has an uplink and a downlink (the two
// directions of its full-duplex link). A message from a to b leaves on a's uplink when
// that is free, and goes on through b's downlink when that is free too, without waiting
// for its last byte when the downlink is free at once (cut-through): between two nodes
// it holds both for its transmission time on the slower of the two. When b's downlink is
// busy with other nodes' traffic, the switch holds the message (its buffer has no
// bound) and a's uplink is free for the next. The switch serves a downlink in the order
// messages reach it, their first bytes, so a message's arrival is fixed only when it
// reaches the switch (below). Its one-way
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
import type { Scheduler } from "./arbiter.js";

export type NodeId = number;

export const LINK_DISCIPLINES = ["fifo", "priority"] as const;
export type LinkDiscipline = (typeof LINK_DISCIPLINES)[number];

/** Called when a message's arrival is fixed, at `now`, the moment it reached the switch. */
export type OnArrival = (arrival: number, now: number) => void;

/** A message on its way to the switch, its arrival not fixed yet. */
interface AtSwitch {
  from: NodeId;
  readyAt: number;
  bytes: number;
  /** when its first byte leaves its uplink, and so reaches the switch */
  reached: number;
  upTx: number;
  stream: boolean;
  onArrival: OnArrival;
}

export class Network {
  readonly up: Link[] = [];
  readonly down: Link[] = [];
  /** per downlink, when the last message through it reached the switch */
  private readonly lastReached: number[] = [];
  /** Streams (sent while `streaming` is set: UplinkArbiter) per downlink: when the last
   * of their messages fixed there leaves it, and how many are not fixed yet. */
  private readonly streamDone: number[] = [];
  private readonly streamsAtSwitch: number[] = [];
  /** set while a stream's burst is sent (UplinkArbiter) */
  streaming = false;
  /** called when a downlink has no stream's message left at the switch (UplinkArbiter) */
  onStreamsFixed?: (to: NodeId, now: number) => void;
  /** per downlink, messages on their way to the switch, in the order they reach it */
  private readonly atSwitch: AtSwitch[][] = [];
  /** per downlink, the time of the event that fixes its next messages (Infinity: none),
   * and that event's number (an event whose number is no longer there does nothing) */
  private readonly fixAt: number[] = [];
  private readonly fixToken: number[] = [];
  private fixEvents = 0;
  private at?: Scheduler;

  /** `spec` is every node's link, or one spec per node. */
  constructor(nodes: number, spec: LinkSpec | LinkSpec[], readonly discipline: LinkDiscipline = "fifo") {
    if (Array.isArray(spec) && spec.length !== nodes) {
      throw new Error(`network: ${nodes} nodes but ${spec.length} link specs`);
    }
    for (let i = 0; i < nodes; i++) {
      const s = Array.isArray(spec) ? spec[i] : spec;
      this.up.push(new Link(s));
      this.down.push(new Link(s));
      this.streamDone.push(0);
      this.streamsAtSwitch.push(0);
      this.atSwitch.push([]);
      this.fixAt.push(Infinity);
      this.fixToken.push(0);
      this.lastReached.push(-Infinity);
    }
  }

  /** The simulation's event queue: with more than two nodes, arrivals fixed when
   * messages reach the switch are fixed by events (send()). */
  schedule(at: Scheduler): void {
    this.at = at;
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

  /** When the last stream's message to `to` leaves its downlink: Infinity while one is
   * still on its way to the switch (onStreamsFixed tells when none is). */
  streamsBusyUntil(to: NodeId): number {
    return this.streamsAtSwitch[to] > 0 ? Infinity : this.streamDone[to];
  }

  /** Queues a message of `bytes` from `from` to `to`, ready at `readyAt` (the simulation's
   * time: messages are sent in time order). Returns its arrival time when it is fixed
   * now; otherwise NaN, and `onArrival` is called when the message reaches the switch.
   *
   * The switch serves a downlink in the order messages reach it. A message reaches it
   * when its first byte leaves its uplink, which may be later than now (its uplink is
   * busy with earlier messages). Until then another node may send a message that reaches
   * the switch first and so goes first on the downlink: the arrival is fixed now only if
   * no other node can (each one's uplink is busy at least that long, or the message
   * reaches the switch now) and no message waits for that downlink at the switch.
   * Between two nodes one uplink feeds each downlink, and every arrival is fixed now. */
  send(from: NodeId, to: NodeId, readyAt: number, bytes: number, onArrival?: OnArrival): number {
    if (from === to) return readyAt; // same node: no network
    const up = this.up[from];
    const upWait = up.waitNs(readyAt);
    const reached = up.startTime(readyAt, upWait);
    const upTx = up.txNs(bytes, upWait);
    up.occupy(reached + upTx, bytes, upWait);
    const stream = this.streaming;
    const waiting = this.atSwitch[to];
    if (waiting.length === 0 && this.fixedNow(from, to, readyAt, reached)) return this.pass(from, to, readyAt, bytes, reached, upTx, stream);
    if (!onArrival) throw new Error(`internal: a message from node ${from} to node ${to} whose arrival is fixed later, with nothing to tell`);
    if (!this.at) throw new Error("internal: the network has no event queue to fix arrivals with (Network.schedule)");
    // in the order they reach the switch, a tie to the one sent first; one sent later
    // never reaches it before one sent earlier from its own uplink, so the search from
    // the back is short
    let i = waiting.length;
    while (i > 0 && waiting[i - 1].reached > reached) i--;
    waiting.splice(i, 0, { from, readyAt, bytes, reached, upTx, stream, onArrival });
    if (stream) this.streamsAtSwitch[to]++;
    this.fixLater(to);
    return NaN;
  }

  /** Whether no node but `from` can send `to` a message that reaches the switch before
   * `reached`: a message sent from now on leaves an uplink no sooner than startTime(now). */
  private fixedNow(from: NodeId, to: NodeId, now: number, reached: number): boolean {
    if (reached <= now) return true;
    for (let j = 0; j < this.up.length; j++) {
      if (j !== from && j !== to && this.up[j].startTime(now) < reached) return false;
    }
    return true;
  }

  /** An event at the first waiting message's arrival at the switch fixes it. */
  private fixLater(to: NodeId): void {
    const first = this.atSwitch[to][0].reached;
    if (first >= this.fixAt[to]) return;
    this.fixAt[to] = first;
    const token = ++this.fixEvents;
    this.fixToken[to] = token;
    this.at!(first, () => {
      if (this.fixToken[to] !== token) return; // an earlier one took its place
      this.fixAt[to] = Infinity;
      this.fixToken[to] = 0;
      this.fix(to, first);
    });
  }

  /** Fixes, at `now`, the arrivals of the messages for `to` that have reached the switch. */
  private fix(to: NodeId, now: number): void {
    const waiting = this.atSwitch[to];
    let streams = false;
    while (waiting.length > 0 && waiting[0].reached <= now) {
      const m = waiting.shift()!;
      const arrival = this.pass(m.from, to, m.readyAt, m.bytes, m.reached, m.upTx, m.stream);
      if (m.stream) {
        this.streamsAtSwitch[to]--;
        streams = true;
      }
      m.onArrival(arrival, now);
    }
    if (waiting.length > 0) this.fixLater(to);
    if (streams && this.streamsAtSwitch[to] === 0) this.onStreamsFixed?.(to, now);
  }

  /** The message goes through `to`'s downlink, in the order it reached the switch:
   * returns its arrival. */
  private pass(from: NodeId, to: NodeId, readyAt: number, bytes: number, reached: number, upTx: number, stream: boolean): number {
    // the order this model keeps: a message that reached the switch later never goes
    // ahead of one that reached it sooner (until 2026-12-07 it could, docs/model.md)
    if (reached < this.lastReached[to]) throw new Error(`internal: node ${to}'s downlink took a message that reached the switch at ${reached} ns after one that reached it at ${this.lastReached[to]} ns`);
    this.lastReached[to] = reached;
    const down = this.down[to];
    // the background on both links is reckoned from when the message was handed over, as
    // its waits there overlap (cut-through); the switch forwards it once the downlink is
    // free; its last byte leaves no sooner than it came in, nor sooner than the
    // downlink's own time for it
    const downWait = down.waitNs(readyAt);
    const downTx = down.txNs(bytes, downWait);
    const downStart = Math.max(reached, down.startTime(readyAt, downWait));
    const done = Math.max(downStart + downTx, reached + Math.max(upTx, downTx));
    down.occupy(done, bytes, downWait);
    if (stream) this.streamDone[to] = done;
    return done + this.latencyNs(from, to);
  }
}
