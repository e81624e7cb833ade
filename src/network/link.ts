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
  /** bytes of one of the modelled traffic's frames (a page and its header): the first
   * frame of a message that finds the link idle goes at the full bandwidth (default:
   * the whole message, as one frame) */
  frameBytes?: number;
}

export class Link {
  /** When the last message queued so far leaves the link. */
  freeAt = 0;
  /** Bytes carried, for the per-link report. */
  bytes = 0;
  messages = 0;
  /** under background load: ns a byte at the share left, and at the full bandwidth */
  private readonly nsPerByte: number;
  private readonly nsPerByteFull: number;
  /** mean wait of a message that finds the link idle of modelled traffic, ns */
  readonly backgroundWaitNs: number;

  constructor(readonly spec: LinkSpec) {
    const { bandwidthBps, background, backgroundPacketBytes } = spec;
    if (!(bandwidthBps > 0)) throw new Error(`link bandwidth must be positive, got ${bandwidthBps} b/s`);
    if (!(background >= 0 && background < 1)) throw new Error(`link background must be in [0, 1), got ${background}`);
    // Background traffic at utilisation u: a frame that finds the link idle of modelled
    // traffic waits for the background packets ahead of it, u/(1-u) * half a packet
    // time on average (the M/D/1 mean), then goes at the full bandwidth (the link does
    // not cut a frame short); the frames after it, and a message queued behind modelled
    // traffic, let in the background that came meanwhile, which leaves them the share
    // 1-u. Charging a lone frame both the wait and the share would count the background
    // twice: a fault's request and reply, each one frame, would take 280 us at 80% load
    // on gige-2008 instead of about 147 us.
    this.nsPerByte = 8e9 / (bandwidthBps * (1 - background));
    this.nsPerByteFull = 8e9 / bandwidthBps;
    const packetNs = (backgroundPacketBytes * 8e9) / bandwidthBps;
    this.backgroundWaitNs = Math.round(((background / (1 - background)) * packetNs) / 2);
  }

  /** Transmission time of `bytes` (`idle`: of a message that found the link idle of
   * modelled traffic, whose first frame goes at the full bandwidth), whole ns, rounded
   * up; a time within a relative 1e-12 of a whole number is that number (1 - 0.8 is 0.19999999999999996 in binary, which
   * made 4,178 bytes at 20% of 1 Gb/s 167,121 ns, not 167,120). */
  txNs(bytes: number, idle = false): number {
    // without background both rates are one: the product as it always was, to the bit
    const first = idle && this.nsPerByteFull !== this.nsPerByte ? Math.min(bytes, this.spec.frameBytes ?? bytes) : 0;
    const ns = first === 0 ? bytes * this.nsPerByte : first * this.nsPerByteFull + (bytes - first) * this.nsPerByte;
    const whole = Math.round(ns);
    return Math.abs(ns - whole) <= ns * 1e-12 ? whole : Math.ceil(ns);
  }

  /** Whether a message ready at `readyAt` finds the link idle of modelled traffic. */
  idleAt(readyAt: number): boolean {
    return this.freeAt < readyAt;
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
