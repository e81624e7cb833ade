// One direction of a full-duplex link: a FIFO with a bandwidth and a one-way latency.
// A message ready at t starts when the link is free, occupies it for size/bandwidth,
// and arrives one latency after its last byte leaves (Network.send does the queueing);
// background load delays it as docs/model.md ("The network") describes.

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
  /** When the last message queued so far leaves the link (before any, never: a first
   * message, even one ready at 0, finds the link idle). */
  freeAt = -Infinity;
  /** The background work (ns of this link) queued when that message left: what came
   * while its last frame was on the wire. */
  private backlogAtFree = 0;
  /** Bytes carried, for the per-link report. */
  bytes = 0;
  messages = 0;
  /** under background load: ns a byte at the share left, and at the full bandwidth */
  private readonly nsPerByte: number;
  private readonly nsPerByteFull: number;
  /** mean wait of a message that finds the link idle of modelled traffic long after the
   * last one left, ns */
  readonly backgroundWaitNs: number;
  /** u/(1-u): the background work that comes while a frame of t ns is on the wire, and
   * while that work is served, is t times this */
  private readonly loadRatio: number;

  constructor(readonly spec: LinkSpec) {
    const { bandwidthBps, background, backgroundPacketBytes } = spec;
    if (!(bandwidthBps > 0)) throw new Error(`link bandwidth must be positive, got ${bandwidthBps} b/s`);
    if (!(background >= 0 && background < 1)) throw new Error(`link background must be in [0, 1), got ${background}`);
    // Background traffic at utilisation u shares the link with the modelled messages in
    // order of arrival. A frame that finds the link idle of modelled traffic waits for
    // the background queued ahead of it, then goes at the full bandwidth (a frame is not
    // cut short). The frames after it, and a message queued behind modelled traffic,
    // wait in turn for the background that came while the frame before them was on the
    // wire, which leaves them the share 1-u. What a frame leaves queued behind it drains
    // at 1-u (the link serves 1, the background brings u), so a message ready later
    // waits for what is left of it, or for the mean wait of a link in its steady state,
    // u/(1-u) * half a packet time (the M/D/1 mean), whichever is longer. Charging a lone
    // frame the wait and the share both would count the background twice.
    this.nsPerByte = 8e9 / (bandwidthBps * (1 - background));
    this.loadRatio = background / (1 - background);
    this.nsPerByteFull = 8e9 / bandwidthBps;
    const packetNs = (backgroundPacketBytes * 8e9) / bandwidthBps;
    this.backgroundWaitNs = Math.round((this.loadRatio * packetNs) / 2);
  }

  /** Transmission time of `bytes` (`idle`: of a message that found the link idle of
   * modelled traffic, whose first frame goes at the full bandwidth), whole ns, rounded
   * up; a time within a relative 1e-12 of a whole number is that number (1 - 0.8 is
   * 0.19999999999999996 in binary, which made 4,178 bytes at 20% of 1 Gb/s 167,121 ns,
   * not 167,120). */
  txNs(bytes: number, idle = false): number {
    // without background both rates are one: the product as it always was, to the bit
    const first = idle && this.nsPerByteFull !== this.nsPerByte ? this.firstFrame(bytes) : 0;
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
   * background share is already in its bandwidth. So a stream handed to the link one
   * message at a time as it frees up times exactly like the same stream queued at once,
   * and one handed over a nanosecond later waits for the background its last frame
   * left, about what the share would have cost it: pacing a stream gains nothing. */
  startTime(readyAt: number): number {
    if (this.freeAt >= readyAt) return this.freeAt;
    const left = Math.round(this.backlogAtFree - (1 - this.spec.background) * (readyAt - this.freeAt));
    return readyAt + Math.max(this.backgroundWaitNs, left);
  }

  /** A message of `bytes` holds the link until `until`: the background that came while
   * its last frame was on the wire is queued behind it. Counted for the per-link report. */
  occupy(until: number, bytes: number): void {
    this.freeAt = until;
    this.backlogAtFree = this.loadRatio === 0 ? 0 : Math.round(this.loadRatio * this.firstFrame(bytes) * this.nsPerByteFull);
    this.bytes += bytes;
    this.messages += 1;
  }

  /** The bytes of a message's first (or only) frame; its last one is as long, as a
   * message of several frames is whole pages. */
  private firstFrame(bytes: number): number {
    return Math.min(bytes, this.spec.frameBytes ?? bytes);
  }
}
