// One direction of a full-duplex link: a FIFO with a bandwidth and a one-way latency.
// A message ready at t starts when the link is free, occupies it for size/bandwidth,
// and arrives one latency after its last byte leaves (Network.send does the queueing).

export interface LinkSpec {
  /** bits per second */
  bandwidthBps: number;
  /** one-way latency, ns */
  latencyNs: number;
  /** share of the link taken by background traffic, 0 <= u < 1 */
  background: number;
  /** size of one background packet in bytes: a message waits on average for half of
   * one when the link is busy */
  backgroundPacketBytes: number;
}

export class Link {
  /** When the last message queued so far leaves the link. */
  freeAt = 0;
  /** Bytes carried, for the per-link report. */
  bytes = 0;
  messages = 0;
  private readonly nsPerByte: number;
  /** mean wait of a message that finds the link idle of modelled traffic, ns */
  readonly backgroundWaitNs: number;

  constructor(readonly spec: LinkSpec) {
    const { bandwidthBps, background, backgroundPacketBytes } = spec;
    if (!(bandwidthBps > 0)) throw new Error(`link bandwidth must be positive, got ${bandwidthBps} b/s`);
    if (!(background >= 0 && background < 1)) throw new Error(`link background must be in [0, 1), got ${background}`);
    // Background traffic at utilisation u leaves a share 1-u of the bandwidth, and a
    // message that finds a background packet on the wire waits for the rest of it:
    // mean wait u/(1-u) * half a packet time (a deterministic M/D/1 mean).
    this.nsPerByte = 8e9 / (bandwidthBps * (1 - background));
    const packetNs = (backgroundPacketBytes * 8e9) / bandwidthBps;
    this.backgroundWaitNs = Math.round(((background / (1 - background)) * packetNs) / 2);
  }

  /** Transmission time of `bytes`, whole ns, rounded up; a time within a relative 1e-12
   * of a whole number is that number (1 - 0.8 is 0.19999999999999996 in binary, which
   * made 4,178 bytes at 20% of 1 Gb/s 167,121 ns, not 167,120). */
  txNs(bytes: number): number {
    const ns = bytes * this.nsPerByte;
    const whole = Math.round(ns);
    return Math.abs(ns - whole) <= ns * 1e-12 ? whole : Math.ceil(ns);
  }

  /** When a message of `bytes` that is ready at `readyAt` starts to leave. A message
   * queued behind modelled traffic (freeAt >= readyAt) follows it directly: the
   * background share is already in the bandwidth, and the mean background wait is
   * paid by the message that finds the link idle. So a stream handed to the link one
   * message at a time as it frees up times exactly like the same stream queued at once. */
  startTime(readyAt: number): number {
    return this.freeAt >= readyAt ? this.freeAt : Math.max(readyAt + this.backgroundWaitNs, this.freeAt);
  }
}
