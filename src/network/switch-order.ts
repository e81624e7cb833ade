// How much the downlink's order limit bites in a run. The network serves a downlink in
// the order messages are handed to their senders' uplinks (network.ts), where a switch
// serves them in the order their first bytes reach it. The two differ only when a
// message waits on its own uplink's backlog while another node's message reaches the
// switch first: the late one then holds the downlink (from the time it was handed over,
// as the downlink keeps one queue) ahead of the early one. This measures, for each
// message that some later arrival went ahead of, how much sooner it could have started
// on the downlink had only the messages that reached the switch before it (and its own
// uplink's) been ahead: the first-order error in its arrival. Between two nodes one
// uplink feeds each downlink and the measure is always 0.

export interface OrderHeld {
  /** messages that waited behind a later arrival at the switch */
  messages: number;
  /** how much sooner they could have started on the downlink, summed, ns */
  heldNs: number;
  /** the most one message waited so, ns */
  maxHeldNs: number;
}

/** One downlink's messages that have not left it yet, in the order it serves them. */
export class SwitchOrder implements OrderHeld {
  messages = 0;
  heldNs = 0;
  maxHeldNs = 0;
  // parallel arrays, a queue from `head`: sender, switch arrival, downlink start, done
  private from: number[] = [];
  private reached: number[] = [];
  private start: number[] = [];
  private done: number[] = [];
  private head = 0;

  /** A message from `from` reached the switch at `reached`, is `now` handed over (the
   * host's time: no later message is handed sooner), and holds the downlink from `start`
   * to `done`. */
  add(from: number, reached: number, start: number, done: number, now: number): void {
    // what has left the downlink by now cannot hold back this message or a later one;
    // `done` never decreases along the queue (the downlink is FIFO)
    while (this.head < this.done.length && this.done[this.head] <= now) this.head++;
    if (this.head > 1024 && this.head * 2 > this.done.length) this.compact();
    if (start > reached) {
      // back from the newest message still on the downlink after `reached`, to the newest
      // that this one would still have waited for: one that reached the switch no later,
      // or one from its own uplink
      let inverted = false;
      let freeAt = -Infinity;
      for (let i = this.done.length - 1; i >= this.head && this.done[i] > reached; i--) {
        if (this.from[i] === from || this.reached[i] <= reached) {
          freeAt = this.done[i];
          break;
        }
        inverted = true;
      }
      const held = inverted ? start - Math.max(reached, freeAt) : 0;
      if (held > 0) {
        this.messages += 1;
        this.heldNs += held;
        if (held > this.maxHeldNs) this.maxHeldNs = held;
      }
    }
    this.from.push(from);
    this.reached.push(reached);
    this.start.push(start);
    this.done.push(done);
  }

  private compact(): void {
    for (const a of [this.from, this.reached, this.start, this.done]) a.splice(0, this.head);
    this.head = 0;
  }
}
